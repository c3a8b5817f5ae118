""""Forget me": erase everything stored for her, but only after she confirms."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.state import Question, conversation_of
from skill.conversation.memory import forget, memory_of
from skill.conversation.render import Reply, render


def forget_reply(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """Erase, then say so and end the session, so nothing is written for her afterwards."""
    forget(handler_input, memory_of(handler_input))
    conversation = conversation_of(handler_input)
    conversation.stop_walking()
    conversation.topic = None
    return Reply(speech=[content.text("memory.done.speech")], end_session=True, remember_for_repeat=False)


def kept_reply(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return Reply(speech=[content.text("memory.kept.speech")], reprompt=content.text("memory.kept.reprompt"))


class ForgetMeHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ForgetMeIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_of(handler_input)
        reply = Reply(speech=[content.text("memory.confirm.speech")],
                      reprompt=content.text("memory.confirm.reprompt"), question=Question.FORGET)
        return render(handler_input, reply)
