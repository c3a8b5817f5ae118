"""The only code that knows HTTP: raw body in, verify, dispatch to the skill, JSON out.

Every failure is a short JSON error with the right status and one log line naming the check
that failed; nothing the caller sends can produce a 500 or a stack trace.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import orjson
from ask_sdk_core.skill import CustomSkill
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge, RequestTimeout

from skill import logs, turn
from skill.handlers.interceptors import intent_name
from skill.web import replays
from skill.web.codec import EnvelopeCodec
from skill.persistence import is_reachable
from skill.web.request_shape import UnexpectedShape, decoded_request
from skill.verification import RequestVerifier, VerificationError

try:  # gunicorn's errors for a body it cannot decode (chunk sizes, terminators); absent on Lambda
    from gunicorn.http.errors import ParseException
    SERVER_PARSE_ERRORS: tuple[type[Exception], ...] = (ParseException,)
except ImportError:  # pragma: no cover
    SERVER_PARSE_ERRORS = ()

log = logging.getLogger(__name__)
alexa = Blueprint("alexa", __name__)
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
    """What the endpoint needs, built once by create_app."""

    skill: CustomSkill
    verifier: RequestVerifier
    persistence: Any


def services() -> Services:
    return current_app.extensions["lump_relief"]


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(to_json(payload), status=status, mimetype="application/json")


def to_json(payload: dict[str, Any]) -> bytes:
    """orjson, ~20x faster than json; the standard library only for what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(payload, separators=(",", ":")).encode()


def refuse(status: int, error: str, check: str) -> Response:
    log.warning("request refused", extra={"status": status, "check": check})
    return json_response({"error": error}, status)


@alexa.post("/")
def alexa_request() -> Response:
    turn.start()  # her answer within 3 s: every outside call of this turn shares one budget
    try:
        return answer_turn()
    finally:
        turn.end()


def answer_turn() -> Response:
    started = time.perf_counter()
    logs.request_id.set(None)
    body = read_body(current_app.config["MAX_CONTENT_LENGTH"])
    try:
        envelope = services().verifier.verify(request.headers, body)
    except VerificationError as error:
        return refuse(400, "request could not be verified", error.reason)
    logs.bind_request_id(envelope)
    try:
        request_envelope = decoded_request(envelope, CODEC.request_envelope)
    except UnexpectedShape as error:
        return refuse(400, "not an Alexa request", error.reason)
    # Replays matter only where signatures are checked (a test or bench run without them reuses ids).
    request_id = replays.request_id_of(envelope) if services().verifier.checks_signature else None
    if replays.answered_before(services().persistence, request_id):
        return refuse(400, "request already answered", "replayed request id")
    try:
        answer = CODEC.response_dict(services().skill.invoke(request_envelope, None))
    except Exception:  # the skill's own exception handler failed too: log it, keep her session
        log.exception("skill failed", extra={"outcome": "last resort"})
        answer = LAST_RESORT
    said = request_envelope.request
    if turn.failure():  # an event not carried out (an erase the store refused) is never acknowledged
        log.error("event not honoured; Amazon documents no redelivery",
                  extra={"status": 503, "request_type": said.object_type, "outcome": turn.failure()})
        return json_response({"error": "event not honoured"}, 503)
    log.info("answered", extra={"status": 200, "request_type": said.object_type,
                                "intent": intent_name(said),
                                "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
    if answer is not LAST_RESORT:
        replays.remember_answered(services().persistence, request_id)
    return json_response(answer)


class MalformedBody(BadRequest):
    """A body the server could not decode (a broken chunked encoding): 400, never a 500."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def read_body(limit: int) -> bytes:
    """The raw body, refused with 413 past `limit` whether or not the client declared its length.

    A declared Content-Length over the limit is refused before a byte is read; a chunked body is read
    to at most `limit` + 1 bytes, so an oversized one gets 413 rather than arriving cut short and
    failing the signature. Under granian the ASGI bridge (skill/web/asgi.py) has already read the whole
    body within its deadline; under gunicorn the client socket ends this read at the request's deadline
    (serving.ReadDeadlineSocket), and a body still arriving then gets 408.
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise RequestEntityTooLarge()
    stream = request.environ["wsgi.input"]
    try:
        body = stream.read(declared if declared is not None else limit + 1)
    except TimeoutError:
        raise RequestTimeout() from None
    except (OSError, ValueError, *SERVER_PARSE_ERRORS) as error:
        raise MalformedBody(type(error).__name__) from None
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body


@alexa.get("/healthz")
def health() -> Response:
    """Up, and the store takes a real write right now (503 when not, so a balancer moves on)."""
    if is_reachable(services().persistence):
        return json_response({"status": "ok", "store": "reachable"})
    log.warning("store unreachable", extra={"status": 503, "check": "health"})
    return json_response({"status": "unavailable", "store": "unreachable"}, 503)


def http_error(error: HTTPException) -> Response:
    """405, 404, 413...: the same short JSON as every other refusal."""
    if isinstance(error, MalformedBody):
        return refuse(400, "bad request", f"body: malformed ({error.reason})")
    return refuse(error.code or 400, error.name.lower(), f"http: {error.name}")


def init_web(app: Flask, service: Services) -> None:
    app.extensions["lump_relief"] = service
    app.register_blueprint(alexa)
    app.register_error_handler(HTTPException, http_error)
