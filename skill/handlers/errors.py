"""The last line of defence: any failure becomes a short apology, never a 500 or silence."""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import CanFulfillIntent, CanFulfillIntentValues

from skill.content import content_of
from skill.handlers.slots import intent_name
from skill.handlers.launch import system_reply
from skill.conversation.render import render

log = logging.getLogger(__name__)


class ApologyExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.error("handler failed", exc_info=exception,
                  extra={"request_type": request.object_type, "intent": intent_name(request), "outcome": "apology"})
        if request.object_type == "CanFulfillIntentRequest":  # name-free: a silent "no", never speech
            handler_input.response_builder.set_can_fulfill_intent(CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO))
            return handler_input.response_builder.response
        reply = system_reply(content_of(handler_input), "error")
        reply.remember_for_repeat = False
        return render(handler_input, reply)
