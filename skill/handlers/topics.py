"""One handler per topic: answer it at once, then offer the obvious next step.

The answer comes first, always: a topic whose advice differs for a feeding, pumping or weaning
mother is answered with words safe for all three until she says which (never a question first).
"""
from __future__ import annotations

from functools import partial

from skill.content import LocaleContent
from skill.content.schema import NOT_LACTATING
from skill.conversation.state import Conversation, Question
from skill.handlers.intent_reply import IntentReply
from skill.conversation.render import RESPONSE_WORD_LIMIT, Reply, heard_words, said_last
from skill.understanding.danger import APPOINTMENT, TODAY

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
    "MilkColourIntent": "milkcolour",
}
OVERVIEW = "relieve"
DOCTOR = "doctor"  # when to see a doctor: a checklist of conditions, softer than "contact your GP today"
HOW_LONG = "howlong"  # mid-walk, the step she is on first where it has its own answer (step_how_long)
CHANGES = "changes"  # breast changes: a sign to examine (Conversation.noted, said mid-check)
# Just after "contact your doctor today" (the steps offered, or "have you reached them?"): nothing she says
# then lowers it. A lump or a sign to examine got "book an appointment soon" (QA audit 3: F2.2); "I feel better
# now" or "it's just a small lump" got "many lumps ease within a few days" (QA audit 4: F19).
AFTER_TODAY = frozenset({Question.WALK_TODAY, Question.REACHED})
# The answers that could sound like waiting is fine then ("many lumps ease within a few days"): they lead
# with "please still contact your doctor today".
SOUND_LIKE_WAITING = frozenset({HOW_LONG, "reassurance", CHANGES})
FEELING_LOW = "feelinglow"  # after it, words Alexa cannot place get a kind reply, not "I can only help with lumps"
# The answers whose screen shows the strokes toward the armpit and the cold pack (skill/content/apl/).
STROKES_TOPICS = frozenset({OVERVIEW, "massage"})


def with_prompt(content: LocaleContent, answer: str, prompt: str) -> list[str]:
    """The answer, then the prompt; an answer that ends with a phone number keeps it last, and the
    prompt waits in the reprompt."""
    return [answer] if content.speaks_phone_number(answer) else [answer, prompt]


def situation_question(content: LocaleContent, conversation: Conversation, asked_for: str) -> Reply:
    """Ask whether she is feeding, pumping or weaning (when she asks for advice fitted to her)."""
    conversation.asked_for = asked_for
    return Reply(speech=[content.text("prompts.ask_situation")],
                 reprompt=content.text("prompts.ask_situation_again"), question=Question.SITUATION,
                 remember_for_repeat=True)


# A warning-sign question waits (or was offered back): an answer on the way offers it back.
CHECKING = frozenset({Question.CHECK, Question.RETURN_CHECK})


def told_today(conversation: Conversation) -> bool:
    """Told "contact your doctor today" this session, or named a same-day sign mid-check: nothing lowers it.
    Each way to the same-day answer notes it (triage.route_reply), so the questions just after it
    (AFTER_TODAY) need no test of their own."""
    return conversation.noted == TODAY


def way_back(content: LocaleContent, conversation: Conversation) -> tuple[str, Question]:
    """What follows an answer given on the way: back to the warning-sign question she was on (never
    dropped), back to her step, or "Anything else?"."""
    if conversation.question in CHECKING:
        return content.text("prompts.offer_check_return"), Question.RETURN_CHECK
    if conversation.walking:
        return content.text("prompts.offer_return", step_number=conversation.step + 1), Question.RETURN
    return content.text("prompts.anything_else"), Question.OPEN


def step_how_long(content: LocaleContent, conversation: Conversation, topic: str) -> list[str]:
    """Mid-walk, "how long do I do that for?" and "how long will it last?" reach the same intent: the step's
    own time first where it has one (the cold pack's 15 minutes), then how long lumps last, with when to
    get checked (QA audit 6: F3 heard only the second; QA audit 7: F5, only the first)."""
    if topic != HOW_LONG or not conversation.walking:
        return []
    how_long = content.steps[conversation.step].get("how_long")
    return [how_long] if how_long else []


def today_last(content: LocaleContent, spoken: list[str], follow: str) -> str:
    """After "contact your doctor today", "Anything else?" after a lump answer comes after "Contact your
    doctor today.", so "today" is the last thing she hears (QA audit 5: F3), when that still fits one
    breath; the answers that would not fit say it in their own words. Mid-steps the way back to her step
    is said alone: a variant per step kept the market's median answer over 30 heard words. An answer that
    already ends on "today" (what mastitis is) is not told it twice (QA audit 9: F16)."""
    if spoken and spoken[-1].rstrip().endswith("today."):
        return follow
    with_today = f"{content.text('prompts.today_tail')} {follow}"
    return with_today if heard_words(" ".join([*spoken, with_today])) <= RESPONSE_WORD_LIMIT else follow


def topic_reply(content: LocaleContent, conversation: Conversation, topic: str, offer_check: bool = False) -> Reply:
    """The overview offers the steps (or the check); a topic asked mid-walk offers the way back to her step."""
    entry = content.get(f"topics.{topic}")
    conversation.heard_topic(topic)
    if offer_check:
        follow, question = content.text("prompts.offer_check"), Question.OFFER_CHECK
    elif topic == OVERVIEW and conversation.question not in CHECKING and conversation.situation != NOT_LACTATING:
        follow, question = content.text("prompts.offer_walk"), Question.WALK  # milk care: not when she makes none
    else:
        follow, question = way_back(content, conversation)
    if topic == DOCTOR and conversation.question is Question.WALK_TODAY and (today := said_last(conversation)):
        return today  # "do I really need to see someone?" just after "contact your GP today": yes, that (QA audit 5)
    answer = content.fitting(entry, conversation.situation)
    card_title, card_text = content.fitted_card(entry, conversation.situation)
    if topic == CHANGES and conversation.question in CHECKING:
        conversation.note(APPOINTMENT)  # "my skin is dimpled" mid-check: the check ends on it (QA audit 4: F14)
    today_noted = told_today(conversation)
    lead = [content.text("prompts.still_today")] if today_noted and topic in SOUND_LIKE_WAITING else []
    lead += step_how_long(content, conversation, topic)
    if today_noted and question is Question.OPEN:
        follow = today_last(content, [*lead, answer], follow)
    return Reply(
        speech=[*lead, *with_prompt(content, answer, follow)],
        reprompt=follow if question else entry["reprompt"],
        question=question,
        card_title=card_title,
        card_text=card_text,
        warns=entry.get("warns") is True,
        shows_strokes=topic in STROKES_TOPICS,
    )


def topic_handlers() -> list[IntentReply]:
    """One handler per topic intent, each answering with topic_reply for its topic."""
    return [IntentReply(intent, partial(topic_reply, topic=topic)) for intent, topic in TOPIC_INTENTS.items()
            if intent != "PainReliefIntent"]  # a named medicine changes that answer: handlers/medicines.py
