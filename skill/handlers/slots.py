"""Read what Alexa sent: the intent's name, and what it resolved a slot to (the value id, or None when it
did not resolve) or the words it heard."""
from __future__ import annotations

import re
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Request
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.content.schema import NOT_LACTATING

SITUATION_SLOT = "situation"
# Her words say she has stopped, whatever value Alexa resolved them to ("gave up breastfeeding" can
# resolve to breastfeeding; "wean off the pump" to pumping): she is weaning, and is never told to keep
# feeding or add feeds (QA audit 6: F12, "trying to wean off the pump" heard "keep your usual pumping schedule").
STOPPED = re.compile(r"\b(gave up|given up|giving up|quit|quitting|no longer|stopped|stopping|finished|"
                     r"(wean|weaning) (off|from)|not\b.*\bany ?more)\b")
# ... and where she says so with no situation slot: "a lump and I'm not breastfeeding", or her words in
# another slot ("stopped breastfeeding two weeks ago"). Only what she stopped, never "the pain stopped"
# (QA audit 3: F2.3, a mother who had stopped kept hearing "feed or pump as usual").
STOPPED_FEEDING = re.compile(r"\b(weaned|(gave up|given up|quit|stopped|stopping|finished|no longer|not) "
                             r"(breast ?feeding|nursing|feeding|pumping))\b")
# ... and where her words say she makes no milk at all (never breastfed, stopped months or years ago, or
# pregnant and not feeding): a lump then is examined, and milk care does not fit her (QA audit 8: F1,
# "express only a little, for comfort" and the milk steps after "I've never breastfed"). Not while she
# says she still feeds ("pregnant and still breastfeeding my toddler").
NOT_LACTATING_INTENTS = frozenset({"LumpNotFeedingIntent"})
NOT_LACTATING_WORDS = re.compile(
    r"\b(never|didn't|did not|don't|do not|haven't|have not) (breast ?fe[ed]d?|breastfeed(ing)?|nurse[ds]?|nursing|fed)\b"
    r"|(^|\bi'm |\bi am |\bam )not (breast ?feeding|nursing)\b(?! any ?more)"
    r"|\b(stopped|finished|weaned|gave up|given up|quit)\b.*\b(months|years?) ago\b")
# Pregnant: no milk, unless Alexa resolved what she said to feeding or pumping ("pregnant and breastfeeding").
PREGNANT = re.compile(r"\bpregnant\b")
FEEDS_NOW = frozenset({"FEEDING", "PUMPING"})
STILL_FEEDING = re.compile(r"\bstill (breast ?feeding|nursing|feeding|pumping|expressing)\b")
# Her situation said on its own ("I'm {situation}") in words Alexa could not resolve still says which,
# first match wins: "gave up last week", "trying to dry up" (weaning), "I express for him" (pumping), "a mix
# of breast and bottle" (feeding). Before, she was asked the same question again (QA audit 8: F4). Only
# there: another intent's situation slot can catch a whole sentence ("this sore hard bit in my boob").
SAYS_SITUATION_ALONE = frozenset({"SituationIntent"})
UNRESOLVED_SITUATION = (
    ("weaning", re.compile(STOPPED.pattern + r"|\b(dry|drying|dried) (up|off|my milk)\b|\bwean")),
    ("pumping", re.compile(r"\b(pump|express)")),
    ("feeding", re.compile(r"\b(breast ?feed|breast and bottle|breast milk|boob|nurs|feed|fed\b|latch)")),
)
PERSON_SLOT = "person"  # who her words are about (PersonType): read first, so "my aunt" frames the rest


def intent_name(request: Request) -> str | None:
    """The intent of an IntentRequest or a name-free CanFulfillIntentRequest, else None."""
    return getattr(getattr(request, "intent", None), "name", None)


def intent_of(handler_input: HandlerInput) -> str | None:
    """The intent's name of this turn's request (see intent_name)."""
    return intent_name(handler_input.request_envelope.request)


def slots_of(handler_input: HandlerInput) -> dict[str, Any]:
    """The intent's slots by name (name-free requests too); empty for a request with no intent."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    return getattr(intent, "slots", None) or {}


def resolved_id(handler_input: HandlerInput, slot_name: str) -> str | None:
    """The id of the slot's first successful resolution (name-free requests too), else None."""
    slot = slots_of(handler_input).get(slot_name)
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return None


def said_situation(handler_input: HandlerInput) -> str | None:
    """Feeding, pumping or weaning (FeedingSituationType id, lowered), or not lactating at all, if she
    said it in this turn."""
    situation = resolved_id(handler_input, SITUATION_SLOT)
    situation_words = (said_value(handler_input, SITUATION_SLOT) or "").lower()
    words = slot_words(handler_input).lower()
    said_no_milk = NOT_LACTATING_WORDS.search(words) or (situation not in FEEDS_NOW and PREGNANT.search(words))
    if (intent_of(handler_input) in NOT_LACTATING_INTENTS or said_no_milk) and not STILL_FEEDING.search(words):
        return NOT_LACTATING
    if situation and STOPPED.search(situation_words):
        return "weaning"
    if situation:
        return situation.lower()
    if intent_of(handler_input) in SAYS_SITUATION_ALONE and (heard := next(
            (name for name, said in UNRESOLVED_SITUATION if said.search(situation_words)), None)):
        return heard
    if STOPPED_FEEDING.search(words):
        return "weaning"
    if still := STILL_FEEDING.search(words):
        return "pumping" if still.group(1) in ("pumping", "expressing") else "feeding"
    return None


def said_value(handler_input: HandlerInput, slot_name: str) -> str | None:
    """Her words for the slot, resolved or not (a medicine Alexa does not know is still named)."""
    value = getattr(slots_of(handler_input).get(slot_name), "value", None)
    return value if isinstance(value, str) and value.strip() else None


# Her words opening on a no ("no, but it's been there three days"), sent whole in a slot: the no answers
# the yes/no question she was asked, and the rest is what she added (QA audit 9: F10).
OPENS_ON_NO = re.compile(r"^(no|nope|nah|not really)\b(?! (idea|clue|one)\b)")  # "no idea" is not sure


def opens_on_no(handler_input: HandlerInput, slot_name: str) -> bool:
    return bool(OPENS_ON_NO.match((said_value(handler_input, slot_name) or "").strip().lower()))


def slot_words(handler_input: HandlerInput) -> str:
    """Her words in every slot of the intent, resolved or not, who it is about first ("my aunt" +
    "fainted at the wedding"): all a device hands the danger reader, as one phrase."""
    slots = slots_of(handler_input)
    names = sorted(slots, key=lambda name: name != PERSON_SLOT)
    values = (getattr(slots[name], "value", None) for name in names)
    return " ".join(value.strip() for value in values if isinstance(value, str) and value.strip())
