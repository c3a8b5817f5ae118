"""One handler per topic: answer it, then offer the obvious next step."""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.content import LocaleContent, content_of
from skill.conversation import Conversation, Question, conversation_of
from skill.render import Reply, render

# Which intent asks about which topic (the names in content/schema.py TOPICS).
TOPIC_INTENTS: dict[str, str] = {
    "RelieveLumpIntent": "relieve",
    "FoodIntent": "food",
    "MassageIntent": "massage",
    "HygieneIntent": "hygiene",
    "SeeDoctorIntent": "doctor",
    "WhyLumpsIntent": "why",
    "RisksIntent": "risks",
    "ReassuranceIntent": "reassurance",
    "WeaningIntent": "weaning",
}
OVERVIEW = "relieve"


def topic_reply(content: LocaleContent, conversation: Conversation, topic: str) -> Reply:
    """The overview offers the steps; a topic asked mid-walk offers the way back to her step."""
    entry = content.get(f"topics.{topic}")
    conversation.heard_topic(topic)
    if topic == OVERVIEW:
        follow, question = content.text("prompts.offer_walk"), Question.WALK
    elif conversation.walking:
        follow = content.text("prompts.offer_return", step_number=conversation.step + 1)
        question = Question.RETURN
    else:
        follow, question = content.text("prompts.anything_else"), None
    return Reply(
        speech=[entry["speech"], follow],
        reprompt=follow if question else entry["reprompt"],
        question=question,
        card_title=entry["title"],
        card_text=entry["card"],
    )


class TopicHandler(AbstractRequestHandler):
    """Answers one topic's intent; one instance is registered per topic."""

    def __init__(self, intent_name: str, topic: str):
        self.intent_name = intent_name
        self.topic = topic

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(self.intent_name)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        reply = topic_reply(content_of(handler_input), conversation_of(handler_input), self.topic)
        return render(handler_input, reply)


def topic_handlers() -> list[TopicHandler]:
    return [TopicHandler(intent, topic) for intent, topic in TOPIC_INTENTS.items()]
