"""The common handler: one intent, answered by a reply built from her market's words and her record.

Most of the skill's answers are exactly this; what differs is only the intent and the reply function,
so a new answer is one line in skill/handlers/__init__.py, not a new class.
"""
from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.state import Conversation, conversation_of
from skill.conversation import memory
from skill.conversation.render import Reply, render

ReplyFor = Callable[[LocaleContent, Conversation], Reply]


class IntentReply(AbstractRequestHandler):
    """Answers `intent_name` with `reply(content, conversation)`."""

    def __init__(self, intent_name: str, reply: ReplyFor):
        self.intent_name = intent_name
        self.reply = reply

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent_name)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return render(handler_input, self.reply(content_of(handler_input), conversation_of(handler_input)))


class StepMove(IntentReply):
    """"Next" or "go back" said straight from the wake word, the day after she stopped at step 2: moved
    from step 2, her place being what the store keeps it for, not from nothing."""

    def handle(self, handler_input: HandlerInput) -> Response:
        conversation, session = conversation_of(handler_input), handler_input.request_envelope.session
        if session is not None and session.new and not conversation.walking:
            stored = memory.memory_of(handler_input).resumable_step(len(content_of(handler_input).steps))
            if stored is not None:
                conversation.walk_to(stored)
        return super().handle(handler_input)
