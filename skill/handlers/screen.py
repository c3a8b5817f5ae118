"""Touches on the Echo Show's next/back buttons do what saying "next" or "go back" does."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.content import content_of
from skill.conversation.state import conversation_of
from skill.handlers.steps import next_reply, previous_reply
from skill.conversation.render import render

USER_EVENT = "Alexa.Presentation.APL.UserEvent"
BUTTONS = {"next": next_reply, "back": previous_reply}  # the SendEvent arguments in apl/answer.json


class ScreenButtonHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type(USER_EVENT)(handler_input):
            return False
        arguments = handler_input.request_envelope.request.arguments or []
        return bool(arguments) and isinstance(arguments[0], str) and arguments[0] in BUTTONS

    def handle(self, handler_input: HandlerInput) -> Response:
        button = BUTTONS[handler_input.request_envelope.request.arguments[0]]
        return render(handler_input, button(content_of(handler_input), conversation_of(handler_input)))
