"""One handler per topic: answer it, then offer the obvious next step.

When a topic's advice differs for a feeding, pumping or weaning mother and she hasn't said which,
the skill asks once, then gives the answer she asked for (see handlers/situation.py).
"""
from __future__ import annotations

from functools import partial

from skill.content import LocaleContent
from skill.content.schema import SITUATIONS
from skill.conversation.state import Conversation, Question
from skill.handlers.intent_reply import IntentReply
from skill.conversation.render import Reply

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
    "KeepFeedingIntent": "keepfeeding",
    "BabyRefusesIntent": "babyrefuses",
    "PainReliefIntent": "painrelief",
    "HeatColdIntent": "heatcold",
    "HowLongIntent": "howlong",
    "BreastChangesIntent": "changes",
    "NipplePainIntent": "nipples",
    "PumpingIntent": "pumping",
    "FeelingLowIntent": "feelinglow",
}
OVERVIEW = "relieve"
# The answers whose screen shows the strokes toward the armpit and the cold pack (skill/content/apl/).
STROKES_TOPICS = frozenset({OVERVIEW, "massage"})


def branches(entry: dict) -> bool:
    """True when the entry says something different to a feeding, pumping and weaning mother."""
    return all(isinstance(entry.get(situation), dict) for situation in SITUATIONS)


def needs_situation(conversation: Conversation, entry: dict) -> bool:
    return conversation.situation is None and not conversation.situation_asked and branches(entry)


def situation_question(content: LocaleContent, conversation: Conversation, asked_for: str) -> Reply:
    """Ask once whether she is feeding, pumping or weaning, remembering what she asked for."""
    conversation.asked_for = asked_for
    conversation.situation_asked = True
    return Reply(speech=[content.text("prompts.ask_situation")],
                 reprompt=content.text("prompts.ask_situation_again"), question=Question.SITUATION,
                 remember_for_repeat=True)


def topic_reply(content: LocaleContent, conversation: Conversation, topic: str, offer_check: bool = False) -> Reply:
    """The overview offers the steps (or the check); a topic asked mid-walk offers the way back to her step."""
    entry = content.get(f"topics.{topic}")
    conversation.heard_topic(topic)
    if offer_check:
        follow, question = content.text("prompts.offer_check"), Question.OFFER_CHECK
    elif topic == OVERVIEW:
        follow, question = content.text("prompts.offer_walk"), Question.WALK
    elif conversation.walking:
        follow = content.text("prompts.offer_return", step_number=conversation.step + 1)
        question = Question.RETURN
    else:
        follow, question = content.text("prompts.anything_else"), None
    return Reply(
        speech=[content.fitting(entry, conversation.situation), follow],
        reprompt=follow if question else entry["reprompt"],
        question=question,
        card_title=entry["title"],
        card_text=entry["card"],
        warns=entry.get("warns") is True,
        shows_strokes=topic in STROKES_TOPICS,
    )


def asked_topic_reply(content: LocaleContent, conversation: Conversation, topic: str) -> Reply:
    """Her situation first if this topic depends on it and she hasn't said; otherwise the answer."""
    if needs_situation(conversation, content.get(f"topics.{topic}")):
        return situation_question(content, conversation, topic)
    return topic_reply(content, conversation, topic)


def topic_handlers() -> list[IntentReply]:
    """One handler per topic intent, each answering with asked_topic_reply for its topic."""
    return [IntentReply(intent, partial(asked_topic_reply, topic=topic)) for intent, topic in TOPIC_INTENTS.items()]
