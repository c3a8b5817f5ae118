"""Her situation (feeding, pumping or weaning) and "I'm not sure": answers to the skill's questions.

Her situation lives in the session only (never stored). She may say it at any time ("I'm weaning"),
in any request with a `situation` slot (read by the ConversationLoader), or in answer to the one
question the skill asks when the advice she wants depends on it; then she hears that advice.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.content.schema import TOPICS
from skill.conversation.state import Conversation, Question, conversation_of
from skill.handlers.steps import step_hint_reply, step_reply
from skill.handlers.topics import AFTER_TODAY, CHECKING, OVERVIEW, situation_question, topic_reply
from skill.handlers.triage import waiting_check_question
from skill.conversation.render import Reply, render, said_last


def asked_for_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """The answer she asked for before the situation question, fitted to what she said (if anything)."""
    asked_for, conversation.asked_for = conversation.asked_for, None
    return topic_reply(content, conversation, asked_for if asked_for in TOPICS else OVERVIEW)


def situation_reply(content: LocaleContent, conversation: Conversation) -> Reply:
    """She told us her situation unasked: the warning-sign question she is on, her step again, fitted,
    or the overview; "fit it to me" without saying which asks her (an answer to that question is
    handled in handlers/context.py)."""
    if conversation.situation is None and conversation.question in AFTER_TODAY and (today := said_last(conversation)):
        return today  # "I already called them" just after "contact your doctor today" (QA audit 5): that again
    if conversation.situation is None:
        return situation_question(content, conversation, OVERVIEW)
    if conversation.question in CHECKING:  # not a new question: the warning-sign question still waits
        return waiting_check_question(content, conversation, lead=[content.text("prompts.situation_noted")])
    if conversation.walking:
        return step_reply(content, conversation, conversation.step)
    return topic_reply(content, conversation, OVERVIEW)


class NotSureHandler(AbstractRequestHandler):
    """"I'm not sure" with no check or situation question pending (those are answers, see
    handlers/context.py): the question again; with nothing asked and no steps under way, "just tell me
    what to do" is the relief answer (QA audit 3: F1.12 got "I didn't ask a question just then")."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("NotSureIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        if conversation.question in (None, Question.OPEN) and not conversation.walking:
            reply = topic_reply(content, conversation, OVERVIEW)  # "just tell me what to do" (QA audit 5: asked again)
        elif conversation.question is not None and (last := said_last(conversation)):
            reply = last
        elif conversation.question is None:  # mid-steps: how to go on, never "I didn't ask a question" (QA audit 5)
            reply = step_hint_reply(content)
        else:
            reply = Reply(speech=[content.text("system.no_question.speech")],
                          reprompt=content.text("system.no_question.reprompt"))
        return render(handler_input, reply)
