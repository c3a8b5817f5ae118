"""Opening the skill: a full welcome the first time, a short one after, and an offer to resume."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation.state import Question, conversation_of
from skill.conversation.memory import Memory, memory_of
from skill.conversation.render import Reply, render


def system_reply(content: LocaleContent, name: str, **values: int | str) -> Reply:
    return Reply(speech=[content.text(f"system.{name}.speech", **values)],
                 reprompt=content.text(f"system.{name}.reprompt", **values))


def goodbye_reply(content: LocaleContent, field: str = "speech") -> Reply:
    """Stop, cancel, or "no" to "Anything else?": a short goodbye (or, as `field`, one that keeps what she
    still needs: "contact them today", the warning signs); her place is kept for next time."""
    return Reply(speech=[content.text(f"system.goodbye.{field}")], end_session=True, remember_for_repeat=False)


def welcome_reply(handler_input: HandlerInput, content: LocaleContent, memory: Memory) -> Reply:
    if not memory.returning:
        reply = system_reply(content, "welcome")
        reply.question = Question.OPEN  # "What's your question?": "no" is a goodbye, "yes" is asked what
        return reply
    step = memory.resumable_step(len(content.steps))
    if step is None:
        return system_reply(content, "welcome_back")
    conversation = conversation_of(handler_input)
    conversation.step = step
    reply = system_reply(content, "welcome_back_resume", step_number=step + 1,
                         step_count=len(content.steps), topic_title=content.steps[step]["title"])
    reply.question = Question.RESUME
    return reply


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reply = welcome_reply(handler_input, content_of(handler_input), memory_of(handler_input))
        return render(handler_input, reply)


class NavigateHomeHandler(AbstractRequestHandler):
    """"Home" on a screen device: what she can ask, her step kept."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.NavigateHomeIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reply = system_reply(content_of(handler_input), "home")
        reply.question = Question.OPEN  # "What would you like to know?": "no" is a goodbye, "yes" is asked what
        return render(handler_input, reply)
