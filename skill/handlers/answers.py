""""Yes" and "no" answer the question the skill just asked, and only that one."""
from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.state import Question, conversation_of
from skill.handlers.memory import forget_reply, kept_reply
from skill.handlers.reminders import Reminders, offer_reminder
from skill.handlers.situation import asked_for_reply
from skill.handlers.steps import step_reply, walk_reply
from skill.handlers.triage import check_answer_reply, start_check_reply
from skill.conversation.render import Reply, render

Answer = Callable[[HandlerInput, LocaleContent], Reply | Response]


def declined(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    text = content.text("prompts.declined")
    return Reply(speech=[text], reprompt=content.text("system.help.reprompt"))


def declined_walk(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"No" to the steps after the relief answer or a care route: the reminder offer, once a session."""
    return offer_reminder(content, conversation_of(handler_input)) or declined(handler_input, content)


def declined_reminder(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return Reply(speech=[content.text("reminders.declined.speech")], reprompt=content.text("reminders.declined.reprompt"))


def declined_resume(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    conversation_of(handler_input).stop_walking()
    return declined(handler_input, content)


def go_to_step(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    conversation = conversation_of(handler_input)
    return step_reply(content, conversation, conversation.step or 0)


def first_step(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return walk_reply(content, conversation_of(handler_input))


def start_check(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return start_check_reply(content, conversation_of(handler_input))


def still_feeding(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Yes" to "are you still breastfeeding, pumping, or stopping?" means still breastfeeding."""
    conversation = conversation_of(handler_input)
    conversation.learn_situation("feeding")
    return asked_for_reply(content, conversation)


def situation_unsaid(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"No" leaves it unsaid: she hears the advice written to be safe for everyone."""
    return asked_for_reply(content, conversation_of(handler_input))


def check_yes(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return check_answer_reply(content, conversation_of(handler_input), yes=True)


def check_no(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return check_answer_reply(content, conversation_of(handler_input), yes=False)


# For each question the skill can ask: what "yes" does, and what "no" does.
ANSWERS: dict[Question, tuple[Answer, Answer]] = {
    Question.WALK: (first_step, declined_walk),
    Question.RETURN: (go_to_step, declined),
    Question.RESUME: (go_to_step, declined_resume),
    Question.CHECK: (check_yes, check_no),
    Question.FORGET: (forget_reply, kept_reply),
    Question.SITUATION: (still_feeding, situation_unsaid),
    Question.OFFER_CHECK: (start_check, declined),
}


def nothing_asked(content: LocaleContent) -> Reply:
    return Reply(speech=[content.text("system.no_question.speech")],
                 reprompt=content.text("system.no_question.reprompt"))


class YesNoHandler(AbstractRequestHandler):
    """Handles AMAZON.YesIntent and AMAZON.NoIntent against the pending question."""

    def __init__(self, reminders: Reminders):
        self.answers = {**ANSWERS, Question.REMIND: (reminders.accepted_offer, declined_reminder)}

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.YesIntent")(handler_input) or is_intent_name("AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_of(handler_input)
        question = conversation_of(handler_input).question
        if question is None:
            return render(handler_input, nothing_asked(content))
        on_yes, on_no = self.answers[question]
        answer = on_yes if is_intent_name("AMAZON.YesIntent")(handler_input) else on_no
        said = answer(handler_input, content)
        return said if isinstance(said, Response) else render(handler_input, said)
