"""Help, repeat, start over, stop, fallback and the end of a session."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.content import content_of
from skill.conversation.state import Conversation, Question, conversation_of
from skill.handlers.asking import asked_again, waiting_question
from skill.handlers.beyond import (
    after_help_reply, after_low_reply, goodbye_after_help_reply, goodbye_after_low_reply, help_just_given,
)
from skill.handlers.events import log_alexas_error
from skill.handlers.launch import goodbye_reply, system_reply
from skill.handlers.steps import step_hint_reply, step_reply
from skill.handlers.topics import FEELING_LOW, told_today
from skill.handlers.triage import start_check_reply
from skill.conversation.render import Reply, render, said_last

# The questions a topic answer ends with ("Anything else?", "Go back to step 2?"): while one waits, the
# answer she heard last is still that topic's (a check question or an offer since would have replaced it).
JUST_AFTER_AN_ANSWER = frozenset({Question.OPEN, Question.RETURN})


def just_after_feeling_low(conversation: Conversation) -> bool:
    """The feeling-low answer ("if you might harm yourself or your baby, call 911 now") was the last."""
    return conversation.topic == FEELING_LOW and conversation.question in JUST_AFTER_AN_ANSWER


class HelpHandler(AbstractRequestHandler):
    """What she can say; while a question waits, how to answer it, and the question again."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_of(handler_input)
        if asked := waiting_question(conversation_of(handler_input)):
            return render(handler_input, asked_again(content.text("system.help.pending_speech"), asked))
        return render(handler_input, system_reply(content, "help"))


class RepeatHandler(AbstractRequestHandler):
    """Says exactly what was said last, question included, without moving her."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if last := said_last(conversation_of(handler_input)):
            return render(handler_input, last)
        return render(handler_input, system_reply(content_of(handler_input), "nothing_to_repeat"))


class PauseHandler(AbstractRequestHandler):
    """"Pause", "hang on", "wait a sec": her baby needs her. Nothing moves: just after a call for help
    she hears that call again; otherwise "take your time", then the question waiting or her step's "say
    next" (QA audit 6: F1, F2 got "Sorry, I missed that", or the when-to-see-a-doctor answer)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.PauseIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        if told := help_just_given(conversation):
            return render(handler_input, after_help_reply(content, told))
        lead = content.text("prompts.take_your_time")
        if asked := waiting_question(conversation):
            return render(handler_input, asked_again(lead, asked))
        if conversation.walking:
            return render(handler_input, step_hint_reply(content, lead=[lead]))
        ready = content.text("prompts.when_ready")
        return render(handler_input, Reply(speech=[lead, ready], reprompt=ready, question=Question.OPEN,
                                           remember_for_repeat=False))


class StartOverHandler(AbstractRequestHandler):
    """Starts again what she is doing: the check if mid-check, otherwise the steps."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.StartOverIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        if conversation.question is Question.CHECK:
            return render(handler_input, start_check_reply(content, conversation))
        return render(handler_input, step_reply(content, conversation, 0))


class StopHandler(AbstractRequestHandler):
    """Stop and cancel: a short goodbye (just after a call for help or the feeling-low answer, with that
    call and the number; just after "contact them today", that); her place is kept for next time."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.StopIntent")(handler_input) or is_intent_name("AMAZON.CancelIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        if told := help_just_given(conversation):
            return render(handler_input, goodbye_after_help_reply(content, told))
        if just_after_feeling_low(conversation):
            return render(handler_input, goodbye_after_low_reply(content))
        if told_today(conversation):  # "contact them today" is said again (QA audit 3: F4.5; QA audit 5: mid-check)
            return render(handler_input, goodbye_reply(content, "today_speech"))
        if conversation.question is Question.CHECK:  # a warning sign unanswered: the signs go with her (QA audit 9: F9)
            return render(handler_input, goodbye_reply(content, "check_speech"))
        return render(handler_input, goodbye_reply(content))


class FallbackHandler(AbstractRequestHandler):
    """Something she said did not match: the emergency number as a safety net, then the question still
    waiting, asked again, or else what the skill can do. Straight after the feeling-low answer, a kind
    word and her line instead (never "I can only help with lumps").

    Registered last, it also answers intents this skill does not know (an old model, a test tool).
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content, conversation = content_of(handler_input), conversation_of(handler_input)
        if just_after_feeling_low(conversation):
            return render(handler_input, after_low_reply(content))  # "can you just talk to me"
        if conversation.question is Question.WALK_TODAY and (today := said_last(conversation)):
            reply = today  # "what number?" just after "contact your doctor today": that answer, its line last
        elif asked := waiting_question(conversation):
            reply = asked_again(content.text("system.fallback.pending_speech"), asked)
        elif conversation.walking and conversation.question is None:  # mid-steps: the net, then how to go on
            reply = step_hint_reply(content, lead=[content.text("system.fallback.pending_speech")])
        else:
            reply = system_reply(content, "fallback")
            reply.question = conversation.question or Question.OPEN  # it ends "What would you like to know?"
            reply.remember_for_repeat = False
        return render(handler_input, reply)


class SessionEndedHandler(AbstractRequestHandler):
    """Alexa closed the session: nothing may be spoken."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reason = getattr(getattr(handler_input.request_envelope.request, "reason", None), "value", None)
        if reason == "ERROR":
            log_alexas_error(handler_input)
        return handler_input.response_builder.response
