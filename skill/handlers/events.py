"""Every other request Alexa can send (events, errors, callbacks) is acknowledged without a word.

Alexa sends some requests that are not her speaking: System.ExceptionEncountered (a response of ours
was refused), AudioPlayer and PlaybackController events, Messaging, Connections.Response, APL events
other than a button touch, skill lifecycle events. None may be answered with speech, and none should
reach the apology handler as if the skill had failed.
"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

log = logging.getLogger(__name__)

# Answered by their own handlers (an IntentRequest nobody else takes goes to the fallback).
SPOKEN_TO = frozenset({"LaunchRequest", "IntentRequest", "CanFulfillIntentRequest"})
EXCEPTION_ENCOUNTERED = "System.ExceptionEncountered"


class SilentEventHandler(AbstractRequestHandler):
    """Registered last: an empty response, the only answer Alexa accepts for an event."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) not in SPOKEN_TO

    def handle(self, handler_input: HandlerInput) -> Response:
        if get_request_type(handler_input) == EXCEPTION_ENCOUNTERED:
            log_alexas_error(handler_input)
        return handler_input.response_builder.response


def log_alexas_error(handler_input: HandlerInput) -> None:
    """Alexa refused a response of ours (System.ExceptionEncountered, or a session ended with reason
    ERROR): one warning with the kind of error, never its message, which may quote what she said."""
    request = handler_input.request_envelope.request
    kind = getattr(getattr(getattr(request, "error", None), "object_type", None), "value", None) or "unknown"
    log.warning("Alexa reported an error in a response of ours",
                extra={"request_type": request.object_type, "outcome": str(kind)[:60]})
