"""Answers to the question the skill just asked, and only that one, however Alexa matched them.

Which words are an answer is decided in one place (handlers/context.py); this module says what
each answer does.
"""
from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.state import Question, conversation_of
from skill.handlers.asking import ask_unheard, question_unheard
from skill.handlers.beyond import (HELP_FOLLOW_UPS, after_care_reply, after_help_reply, help_just_given,
                                   lump_or_help_now_reply, medicine_after_help_reply,
                                   no_reminder_after_help_reply, reprompt_after)
from skill.handlers.context import Answer, heard_in_context
from skill.handlers.slots import intent_of
from skill.handlers.launch import goodbye_reply, system_reply
from skill.handlers.memory import forget_reply, kept_reply
from skill.handlers.reminders import Reminders, offer_reminder
from skill.handlers.situation import asked_for_reply
from skill.handlers.steps import next_reply, step_hint_reply, step_reply
from skill.handlers.topics import with_prompt
from skill.handlers.triage import (APPOINTMENT, RELIEF, TODAY, check_answer_reply, check_step_reply, not_sure_reply,
                                   route_reply, start_check_reply, waiting_check_question)
from skill.conversation.render import Reply, render, said_last

AnswerReply = Callable[[HandlerInput, LocaleContent], Reply | Response]


def declined(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    text = content.text("prompts.declined")
    return Reply(speech=[text], reprompt=content.text("system.help.reprompt"))


def declined_check(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"No" to "Back to the warning-sign questions?": the check is hers to leave, but its most urgent signs
    and the number stay with her (QA audit 4: F11, it ended "You can ask me how to relieve a hard lump"),
    and so does a sign she named on the way: the same-day answer, or "book an appointment" (QA audit 5)."""
    conversation = conversation_of(handler_input)
    if conversation.noted == TODAY:
        return route_reply(content, conversation, TODAY)  # it says "very unwell or confused? call 999" too
    speech = [content.text("prompts.declined_check")]
    if conversation.noted == APPOINTMENT:
        speech.insert(0, content.fitting(content.get(f"check.outcomes.{APPOINTMENT}"), conversation.situation))
    return Reply(speech=speech, reprompt=content.text("system.help.reprompt"))


def declined_walk(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"No" to the steps after the relief answer or a care route: the reminder offer, once a session."""
    return offer_reminder(content, conversation_of(handler_input)) or declined(handler_input, content)


def ask_reached(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"No" to the steps after "contact your clinician today": a 12-hour reminder would break that
    word, so ask whether she has reached them."""
    return Reply(speech=[content.text("prompts.ask_reached")], reprompt=content.text("prompts.ask_reached_again"),
                 question=Question.REACHED)


def reached(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    follow = content.text("prompts.anything_else")
    return Reply(speech=[content.text("system.reached.speech"), follow], reprompt=follow,
                 question=Question.OPEN)


def not_reached(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """Keep trying today, and the market's line for when her clinician can't be reached (said last)."""
    follow = content.text("prompts.anything_else")
    return Reply(speech=with_prompt(content, content.text("system.not_reached.speech"), follow), reprompt=follow,
                 warns=True, question=Question.OPEN)


def declined_reminder(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return Reply(speech=[content.text("reminders.declined.speech")], reprompt=content.text("reminders.declined.reprompt"),
                 question=Question.OPEN)  # "What else would you like to know?"


def declined_resume(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    conversation_of(handler_input).stop_walking()
    return declined(handler_input, content)


def go_to_step(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    conversation = conversation_of(handler_input)
    return step_reply(content, conversation, conversation.step or 0)


def first_step(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Shall I take you through the steps?": from step 1, as it says, even when a step is kept from an
    earlier visit she did not carry on (QA audit 9: F11: "yes" began at step 3 of 4)."""
    return step_reply(content, conversation_of(handler_input), 0)


def start_check(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return start_check_reply(content, conversation_of(handler_input))


def back_to_check(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return waiting_check_question(content, conversation_of(handler_input))


def check_yes(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return check_answer_reply(content, conversation_of(handler_input), yes=True)


def check_no(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return check_answer_reply(content, conversation_of(handler_input), yes=False)


def after_help(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Okay", "no" or "not sure" just after a call for help, or "no" to the lump offer after "what do I
    do?": heard as just after the call she was given, so she hears that call again, not another route's."""
    return after_help_reply(content, help_just_given(conversation_of(handler_input)))


def relief(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return route_reply(content, conversation_of(handler_input), RELIEF)


def relief_after_help(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Yes" to the lump offer just after a call for help: the lump answer, then that help still within
    reach, the number last (QA audit 2: F3, the number was gone from the turn); the offer after it waits
    in the reprompt, as after any answer ending with a number. Not after the answer about her safety: the
    lump may be her cover because someone came in."""
    reply, told = relief(handler_input, content), help_just_given(conversation_of(handler_input))
    if told is Question.AFTER_SAFETY:
        return reply
    after_care = content.get("beyond.after_care")
    if told is Question.AFTER_CRISIS:  # her 24/7 line stays too (QA audit 5), after the words safe for all, the shortest
        answer, line = content.get("topics.relieve")["speech"], after_care["crisis_line"]
    else:
        answer, line = reply.speech[0], after_care["reprompt"]
    # "Okay" then is the call she is making, heard as its follow-up (QA audit 4: F7).
    reply.speech, reply.question, reply.reprompt = [answer, line], told, reprompt_after(content, told, line)
    return reply


def what_else(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Yes" to "Anything else?": what would she like to know (a "no" now is a goodbye)."""
    reply = system_reply(content, "what_else")
    reply.question = Question.OPEN
    return reply


def goodbye(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    return goodbye_reply(content)


def care_again(handler_input: HandlerInput, content: LocaleContent) -> Reply:
    """"Help" or "I'm scared" just after "call 911 now" (or "what do I do?" after the answer about her
    safety): that answer again, not the skill's help, reassurance or lumps."""
    return said_last(conversation_of(handler_input)) or after_care_reply(content)


# For each yes/no question the skill can ask: what "yes" does, and what "no" does (the situation
# question is answered in handlers/context.py's terms: "yes" means still breastfeeding).
ANSWERS: dict[Question, tuple[AnswerReply, AnswerReply]] = {
    Question.WALK: (first_step, declined_walk),
    Question.WALK_TODAY: (first_step, ask_reached),
    Question.REACHED: (reached, not_reached),
    Question.RETURN: (go_to_step, declined),
    Question.RETURN_CHECK: (back_to_check, declined_check),
    Question.RESUME: (go_to_step, declined_resume),
    Question.CHECK: (check_yes, check_no),
    Question.FORGET: (forget_reply, kept_reply),
    Question.OFFER_CHECK: (start_check, declined),
    **{follow_up: (after_help, after_help) for follow_up in HELP_FOLLOW_UPS},
    Question.OPEN: (what_else, goodbye),
    Question.OFFER_RELIEF: (relief_after_help, after_help),
}


def nothing_asked(content: LocaleContent) -> Reply:
    return Reply(speech=[content.text("system.no_question.speech")],
                 reprompt=content.text("system.no_question.reprompt"))


class PendingAnswerHandler(AbstractRequestHandler):
    """Whatever intent Alexa matched, words that answer the pending question are taken as that answer."""

    def __init__(self, reminders: Reminders):
        self.answers = {**ANSWERS, Question.REMIND: (reminders.accepted_offer, declined_reminder)}

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return heard_in_context(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        heard = heard_in_context(handler_input)
        if heard.resumes_check:  # the warning-sign question she was on, before she spoke of her safety
            conversation.check_waits = False
            conversation.ask(Question.CHECK)
        if heard.answer is Answer.SITUATION:
            conversation.learn_situation(heard.situation)
            reply = asked_for_reply(content, conversation)
        elif heard.answer is Answer.NOT_SURE:
            reply = not_sure_reply(content, conversation)
        elif heard.answer is Answer.AGAIN:
            reply = care_again(handler_input, content)
        elif heard.answer is Answer.LUMP:
            reply = lump_or_help_now_reply(content, help_just_given(conversation))
        elif heard.answer is Answer.CHECK_MOVE:
            reply = check_step_reply(content, conversation, back=intent_of(handler_input) == "AMAZON.PreviousIntent")
        elif heard.answer is Answer.MEDICINE:
            reply = medicine_after_help_reply(content, help_just_given(conversation))
        elif heard.answer is Answer.UNHEARD:
            reply = ask_unheard(question_unheard(conversation))
        elif heard.answer is Answer.NO_REMINDER:
            reply = no_reminder_after_help_reply(content, help_just_given(conversation))
        else:
            on_yes, on_no = self.answers[conversation.question]
            reply = (on_yes if heard.answer is Answer.YES else on_no)(handler_input, content)
        return reply if isinstance(reply, Response) else render(handler_input, reply)


class YesNoHandler(AbstractRequestHandler):
    """"Yes" or "no" when nothing was asked: say so, and what she can ask. In the steps, "yes", "okay" or
    "go on" is the next step, and "no" the step's own hint: she is never told she wasn't asked anything."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.YesIntent")(handler_input) or is_intent_name("AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        if not conversation.walking:
            return render(handler_input, nothing_asked(content))
        if is_intent_name("AMAZON.YesIntent")(handler_input):
            return render(handler_input, next_reply(content, conversation))
        return render(handler_input, step_hint_reply(content))
