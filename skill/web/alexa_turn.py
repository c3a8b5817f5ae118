"""One Alexa request answered from its raw headers and body, with no web framework in the way.

Both doors use it: the Flask endpoint (gunicorn, tests) and the ASGI bridge's direct path for
POST / under granian (skill/web/asgi.py), so verification, the replay check, the log line and every
status code are the same code whichever server answered. bench/run.py measured the direct path
(docs/performance.md); Flask's request and response objects were most of what it saved.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from ask_sdk_core.skill import CustomSkill

from skill import logs, turn
from skill.handlers.slots import intent_name
from skill.web import replays
from skill.web.codec import EnvelopeCodec
from skill.web.request_shape import UnexpectedShape, decoded_request
from skill.verification import RequestVerifier, VerificationError

log = logging.getLogger("skill.web.endpoint")  # the name operators' log queries already use
# The SDK's serializer, compiled per model class once: the verifier's parsed dict goes straight in.
CODEC = EnvelopeCodec()
# Said if even the skill's own apology fails; keeps her session rather than going silent.
LAST_RESORT = {
    "version": "1.0",
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Sorry, something went wrong. Please try again.</speak>"},
        "shouldEndSession": False,
    },
}


@dataclass(frozen=True)
class Services:
    """What answering a turn needs, built once by create_app."""

    skill: CustomSkill
    verifier: RequestVerifier
    persistence: Any


def to_json(payload: dict[str, Any]) -> bytes:
    """orjson, ~20x faster than json; the standard library only for what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(payload, separators=(",", ":")).encode()


def refusal(status: int, error: str, check: str) -> tuple[int, bytes]:
    """One WARNING line naming the failed check, and a short JSON error."""
    log.warning("request refused", extra={"status": status, "check": check})
    return status, to_json({"error": error})


def answer_alexa(service: Services, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
    """(status, JSON body) for one request; her answer within 3 s, so every outside call shares one budget."""
    turn.start()
    try:
        return _answer(service, headers, body)
    finally:
        turn.end()


def _answer(service: Services, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
    started = time.perf_counter()
    logs.request_id.set(None)
    try:
        envelope = service.verifier.verify(headers, body)
    except VerificationError as error:
        return refusal(400, "request could not be verified", error.reason)
    logs.bind_request_id(envelope)
    try:
        request_envelope = decoded_request(envelope, CODEC.request_envelope)
    except UnexpectedShape as error:
        return refusal(400, "not an Alexa request", error.reason)
    # Replays matter only where signatures are checked (a test or bench run without them reuses ids).
    claim = replays.claim_of(envelope) if service.verifier.checks_signature else None
    if replays.replayed(service.persistence, claim):
        return refusal(400, "request already answered", "replayed request id")
    try:
        answer = CODEC.response_dict(service.skill.invoke(request_envelope, None))
    except Exception:  # the skill's own exception handler failed too: log it, keep her session
        log.exception("skill failed", extra={"outcome": "last resort"})
        answer = LAST_RESORT
    said = request_envelope.request
    if turn.failure():  # an event not carried out (an erase the store refused) is never acknowledged
        # The handler has logged why, as the one ERROR line; this is the request's own line.
        log.warning("event not honoured; Amazon documents no redelivery",
                  extra={"status": 503, "request_type": said.object_type, "outcome": turn.failure()})
        replays.release(service.persistence, claim)
        return 503, to_json({"error": "event not honoured"})
    log.info("answered", extra={"status": 200, "request_type": said.object_type,
                                "intent": intent_name(said),
                                "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
    if answer is LAST_RESORT:
        replays.release(service.persistence, claim)
    return 200, to_json(answer)
