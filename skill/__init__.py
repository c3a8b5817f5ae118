"""Lump Relief Guide: an Alexa skill that helps mothers ease hard breast lumps, hands-free.

`skill.lambda_handler` runs the same skill on AWS Lambda with no code change (handler setting
`skill.lambda_handler`): content and store come from the same environment variables as the web service.
"""
from __future__ import annotations

from functools import cache
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda's entry point: the same checks as the web path (application id, request shape), then the skill.

    Signatures are Lambda's job (the Alexa trigger's skill id check); SKILL_ID, when set, is checked too.
    A malformed event (nested deeper than Alexa's ever are, too), or one for another skill, is refused
    with one log line naming the check and answered {"error": "event refused", "check": ...}: raised,
    the runtime added a traceback of its own. An event the skill could not honour (an erase the store
    refused) raises EventNotHonoured, so Lambda reports an error rather than a success.
    """
    import logging

    from skill import logs, turn
    from skill.verification import VerificationError
    from skill.verification.constants import MAX_JSON_DEPTH
    from skill.verification.envelope import _depth_exceeds, check_application_id
    from skill.web.request_shape import UnexpectedShape, decoded_request

    custom_skill, skill_ids, codec = _lambda_entry()
    turn.start()
    logs.request_id.set(None)
    try:
        if not isinstance(event, dict):
            raise UnexpectedShape("envelope: not a JSON object")
        if _depth_exceeds(event, MAX_JSON_DEPTH):
            raise UnexpectedShape(f"envelope: nested deeper than {MAX_JSON_DEPTH} levels")
        logs.bind_request_id(event)
        check_application_id(event, skill_ids)
        request_envelope = decoded_request(event, codec.request_envelope)
    except (UnexpectedShape, VerificationError) as error:
        logging.getLogger(__name__).warning("event refused", extra={"check": error.reason})
        return {"error": "event refused", "check": error.reason}
    try:
        answer = codec.response_dict(custom_skill.invoke(request_envelope, context))
    finally:
        turn.end()
    if turn.failure():
        logging.getLogger(__name__).warning("event not honoured; Amazon documents no redelivery",
                                          extra={"outcome": turn.failure()})
        raise EventNotHonoured(turn.failure() or "")
    return answer


class EventNotHonoured(RuntimeError):
    """An event the skill could not carry out; raised so Lambda answers Alexa with an error."""


@cache
def _lambda_entry() -> tuple[Any, frozenset[str], Any]:
    """Load content, pick the store and wire the handlers once per Lambda container (the cold start).
    A wrong setting is one ERROR line naming it, and its default (for the store: no memory) is used.

    Only what an event needs is imported: no Flask and no certificate verifier (the web path's), which
    tests/test_lambda.py holds.
    """
    import logging

    from ask_sdk_core.exceptions import PersistenceException

    from skill import config
    from skill.content import load_library
    from skill.handlers import build_skill
    from skill.logs import configure_logging
    from skill.persistence import build_persistence_adapter, guarded, prepare_at_start
    from skill.web.codec import EnvelopeCodec

    settings, wrong = config.settings_or_defaults()
    configure_logging(settings["LOG_LEVEL"])
    store = None  # a wrong store setting: she is answered without memory, as when the store is down
    if "SKILL_STORE" not in wrong:
        try:
            store = guarded(build_persistence_adapter(settings["SKILL_STORE"]))
        except (ValueError, PersistenceException) as error:
            wrong["SKILL_STORE"] = f"SKILL_STORE: {error}"  # as the web service's start-up check names it
    for why in wrong.values():  # once per container: no start-up to stop here, unlike the web service
        logging.getLogger(__name__).error("a setting is wrong; answering without it",
                                          extra={"check": "settings", "cause": why})
    if store is not None:
        prepare_at_start(store)  # once per container on DynamoDB (TTL check, table described); nothing on SQLite
    content = load_library(lazily=True)  # the event's market only: each market is read on its first event
    custom_skill = build_skill(content, store, config.api_stand_in(settings["ALEXA_API_ENDPOINT"]))
    return custom_skill, config.skill_ids(settings["SKILL_ID"]), EnvelopeCodec()
