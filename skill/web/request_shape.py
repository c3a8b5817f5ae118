"""The parts of a request every handler may rely on, checked once before any handler runs.

Alexa always sends these (Request and response JSON reference): a device and a user in
context.System, a session with every request she speaks in, a named intent in an IntentRequest
or a CanFulfillIntentRequest, and a list of arguments in an APL UserEvent. A request without one
is not from Alexa, and is refused with a reason (400) rather than failing inside a handler.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_model import RequestEnvelope, Slot

# https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html#session-object
# (sent with standard requests: launch, intents, session end, and APL events from a session)
WITH_SESSION = frozenset({"LaunchRequest", "IntentRequest", "SessionEndedRequest", "Alexa.Presentation.APL.UserEvent"})
WITH_INTENT = frozenset({"IntentRequest", "CanFulfillIntentRequest"})
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
# Requests a handler answers by reading her device (the screen) and her user id (her stored place).
SPOKEN_TO = WITH_SESSION | WITH_INTENT
# Skill events that act on her record, so carry her user id (Skill Events reference).
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"


class UnexpectedShape(ValueError):
    """A request missing a part Alexa always sends; `reason` is fixed text, safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decoded_request(envelope: dict[str, Any], decode: Callable[[dict[str, Any]], RequestEnvelope]) -> RequestEnvelope:
    """The envelope as the SDK's model, with the parts Alexa always sends; the web path and Lambda
    both come through here. Anything else raises UnexpectedShape naming the check that failed."""
    try:
        request_envelope = decode(envelope)
        check_request_shape(request_envelope)
    except UnexpectedShape:
        raise
    except (AskSdkException, ValueError, TypeError, AttributeError, KeyError, RecursionError) as error:
        raise UnexpectedShape(f"envelope: {type(error).__name__}") from None
    return request_envelope


def check_request_shape(envelope: RequestEnvelope) -> None:
    """Raise UnexpectedShape naming the first missing part, so handlers can read these without guarding."""
    request, context = envelope.request, envelope.context
    if request is None or context is None:
        raise UnexpectedShape("envelope: unknown request type")
    system = context.system
    if system is None or system.application is None:
        raise UnexpectedShape("envelope: context.System is incomplete")
    kind = request.object_type
    if kind in SPOKEN_TO:  # skill events and other callbacks may come without a device
        if system.device is None:
            raise UnexpectedShape("envelope: context.System is incomplete")
        if system.user is None or not isinstance(system.user.user_id, str) or not system.user.user_id:
            raise UnexpectedShape("envelope: context.System.user is missing")
    if kind == SKILL_DISABLED and (system.user is None or not isinstance(system.user.user_id, str)
                                   or not system.user.user_id):
        raise UnexpectedShape("envelope: context.System.user is missing")
    session = envelope.session
    if kind in WITH_SESSION:
        if session is None or session.user is None or not isinstance(session.user.user_id, str):
            raise UnexpectedShape("envelope: session is missing")
        if session.attributes is not None and not isinstance(session.attributes, dict):
            raise UnexpectedShape("envelope: session.attributes is not an object")
    if kind in WITH_INTENT:
        intent = getattr(request, "intent", None)
        if intent is None or not isinstance(intent.name, str) or not intent.name:
            raise UnexpectedShape("envelope: intent name is missing")
        if intent.slots is not None and not isinstance(intent.slots, dict):
            raise UnexpectedShape("envelope: intent slots are not an object")
        for slot in (intent.slots or {}).values():
            _check_resolutions(slot)
    if kind == USER_EVENT:
        arguments = getattr(request, "arguments", None)
        if arguments is not None and not isinstance(arguments, list):
            raise UnexpectedShape("envelope: APL arguments are not a list")


def _check_resolutions(slot: Slot | None) -> None:
    """Each resolved value Alexa lists carries its value object (name and id); a bare wrapper is not hers."""
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        for wrapper in authority.values or []:
            if wrapper is None or wrapper.value is None:
                raise UnexpectedShape("envelope: slot resolution without a value")
