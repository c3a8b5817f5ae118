"""The safety net, as she would meet it: a crisis or an emergency said at any moment is answered first.

Written from issue 17's findings: every phrasing below reached lump advice, a fallback or the
feeling-low answer before the safety net. The independent labelled set (tests/safety/) is scored
in tests/test_safety.py.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable

import pytest

from skill.content.loader import CARE_LINES_FILE, CONTENT_DIR
from skill.conversation.render import RESPONSE_WORD_LIMIT, heard_words
from tests.conftest import Alexa

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
EMERGENCY_NUMBER = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "triple zero", "en-IN": "112"}
CARE_LINES = tomllib.loads((CONTENT_DIR / CARE_LINES_FILE).read_text(encoding="utf-8"))
CRISIS_LINE = {locale: next(line["spoken"] for line in lines if line.get("crisis")) for locale, lines in CARE_LINES.items()}

CRISIS = [
    "I want to kill myself", "I want to hurt myself", "I'm having suicidal thoughts", "I want to end my life",
    "I have thoughts of hurting my baby", "I don't want to be alive", "I can't go on",
]
EMERGENCY = [
    "I think I have sepsis", "I have slurred speech", "I feel like I'm going to die",
    "I'm very sleepy and hard to wake", "uncontrollable shivering", "rigors", "I fainted", "my lips are blue",
]


def hears_crisis_help(speech: str, locale: str) -> bool:
    """The emergency number first, then the crisis line, last."""
    emergency, line = EMERGENCY_NUMBER[locale], CRISIS_LINE[locale]
    return (emergency in speech and speech.rstrip(". ").endswith(line)
            and speech.index(emergency) < speech.rindex(line))


def hears_emergency(speech: str, locale: str) -> bool:
    return speech.lower().startswith(f"call {EMERGENCY_NUMBER[locale]}")


# States she may be in when she says it: each a few turns from a new session.
STATES: dict[str, Callable[[Alexa], object]] = {
    "one-shot": lambda alexa: None,
    "launch": lambda alexa: alexa.launch(),
    "mid-walk": lambda alexa: (alexa.say("take me through the steps"), alexa.say("next")),
    "mid-check": lambda alexa: (alexa.say("check my symptoms"), alexa.say("no")),
    "offer pending": lambda alexa: alexa.say("how do I relieve a hard lump"),
    "situation pending": lambda alexa: (alexa.say("how do I relieve a hard lump"), alexa.intent("SituationIntent")),
    "forget-me pending": lambda alexa: (alexa.launch(), alexa.say("forget me")),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("words", CRISIS)
def test_a_crisis_hears_the_emergency_number_then_the_crisis_line_from_any_state(
        alexa: Alexa, state: str, words: str) -> None:
    STATES[state](alexa)
    turn = alexa.say(words)
    assert hears_crisis_help(turn.speech, "en-US"), f"{state}: {turn.speech}"
    assert turn.has("call 911 now", "hearing voices") and turn.stays_open  # voices or acting: the number now


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("words", EMERGENCY)
def test_a_sepsis_sign_leads_with_the_emergency_number_from_any_state(alexa: Alexa, state: str, words: str) -> None:
    STATES[state](alexa)
    turn = alexa.say(words)
    assert hears_emergency(turn.speech, "en-US"), f"{state}: {turn.speech}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_market_speaks_its_24_7_crisis_line_last_and_repeat_says_it_again(make_alexa, locale: str) -> None:
    alexa = make_alexa(locale=locale)
    turn = alexa.say("I want to kill myself")
    assert hears_crisis_help(turn.speech, locale), turn.speech
    assert "harm yourself" not in turn.speech or "your baby" in turn.speech
    assert heard_words(turn.speech) <= RESPONSE_WORD_LIMIT
    assert hears_crisis_help(alexa.say("repeat").speech, locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("words", ["I feel like I'm going to die", "I think I have sepsis"])
def test_every_market_leads_an_emergency_with_its_number(make_alexa, locale: str, words: str) -> None:
    assert hears_emergency(make_alexa(locale=locale).say(words).speech, locale)


# The market's crisis line asked for by name, and the crisis line in words every market uses.
ASKED_FOR_BY_NAME = {"en-US": "can I call nine eight eight", "en-GB": "what's the number for the samaritans",
                     "en-CA": "what is the number for nine eight eight", "en-AU": "what's the number for lifeline",
                     "en-IN": "give me the number of tele manas"}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("asked", ["what's the number for the crisis line", "I need a suicide hotline", "by name"])
def test_asking_for_the_crisis_line_gets_it_last_from_the_launch_or_mid_steps(make_alexa, locale: str,
                                                                              asked: str) -> None:
    """"What's the number for the crisis line" got "Sorry, I missed that"; in the UK, "what's the number
    for the samaritans" got the pain relief answer (QA audit 9: F1). Asking for the line may be the crisis."""
    words = ASKED_FOR_BY_NAME[locale] if asked == "by name" else asked
    for before in ("open", "take me through the steps"):
        alexa = make_alexa(locale=locale)
        alexa.say(before) if before == "open" else alexa.intent("WalkStepsIntent")
        turn = alexa.say(words)
        assert hears_crisis_help(turn.speech, locale) and turn.stays_open, (before, turn.speech)


def test_a_name_free_request_for_a_crisis_is_not_answered_aloud(alexa: Alexa) -> None:
    envelope = alexa.session.intent("CrisisIntent")
    envelope["request"]["type"] = "CanFulfillIntentRequest"
    turn = alexa.send(envelope)
    assert turn.status == 200 and "outputSpeech" not in turn.body.get("response", {})


def test_feeling_low_names_harm_to_her_or_her_baby_and_keeps_the_number_last(alexa: Alexa) -> None:
    turn = alexa.say("I'm feeling low")
    assert turn.has("harm yourself or your baby") and turn.speech.rstrip(" .").endswith("1-833-852-6262")


# --- the other routes the issue found wrong ---------------------------------------------------------

@pytest.mark.parametrize("words, key_phrase", [
    ("I think I have a breast abscess", "contact your doctor or midwife today"),
    ("I have a lump but I'm not breastfeeding", "book an appointment"),
    ("I stopped breastfeeding two years ago and found a lump", "book an appointment"),
])
def test_abscess_goes_today_and_a_lump_outside_breastfeeding_gets_an_appointment(
        alexa: Alexa, words: str, key_phrase: str) -> None:
    assert alexa.say(words).leads_with(key_phrase.split()[0]) and alexa.turns[-1].has(key_phrase)


def test_aspirin_is_named_as_not_for_breastfeeding_and_no_dose_is_spoken(alexa: Alexa) -> None:
    turn = alexa.say("can I take aspirin")
    assert turn.leads_with("not aspirin") and "generally safe" not in turn.speech.split(".")[0]
    assert not any(unit in turn.speech.lower() for unit in ("mg", "milligram", "tablets a day"))


@pytest.mark.parametrize("words", ["can I take codeine", "is sertraline okay while breastfeeding"])
def test_another_medicine_gets_ask_a_pharmacist(alexa: Alexa, words: str) -> None:
    assert alexa.say(words).has("ask a pharmacist")


# Danger said inside another question: Alexa hands the skill the question's intent with her words in
# its slot, unresolved (hazard log, "controls with no test yet" 2).
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("intent, slot, words, heard", [
    ("RelieveLumpIntent", "situation", "i'm so dizzy i can't stand up", hears_emergency),
    ("MassageIntent", "situation", "i don't want to be here anymore", hears_crisis_help),
    ("PainReliefIntent", "medicine", "the whole packet of paracetamol i took", hears_emergency),
    ("WeaningIntent", "situation", "my baby has gone floppy", hears_emergency),
])
def test_danger_in_the_slot_of_another_intent_is_answered_first_from_any_state(
        alexa: Alexa, state: str, intent: str, slot: str, words: str, heard) -> None:
    STATES[state](alexa)
    turn = alexa.intent(intent, {slot: {"value": words}})
    assert heard(turn.speech, "en-US"), f"{state}: {turn.speech}"


def test_the_whole_packet_of_a_medicine_is_never_generally_safe_even_when_alexa_resolves_it(alexa: Alexa) -> None:
    """"Can I take the whole packet of paracetamol?" reaches the pain-relief intent; Alexa may resolve
    its words to the everyday pain-relief value, which answered "generally safe, follow the label"."""
    turn = alexa.intent("PainReliefIntent", {"medicine": {"value": "the whole packet of paracetamol", "id": "EVERYDAY"}})
    assert hears_crisis_help(turn.speech, "en-US") and "generally safe" not in turn.speech, turn.speech


def test_a_medicine_alexa_does_not_know_gets_ask_a_pharmacist(alexa: Alexa) -> None:
    turn = alexa.intent("PainReliefIntent", {"medicine": {"value": "frobnizol"}})
    assert turn.has("ask a pharmacist") and "generally safe" not in turn.speech


# --- the answer first ---------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("words", [
    "how do I relieve a hard lump", "I've got a hard lump", "can I massage it",
    "I'm weaning and I've got a hard lump, what do I do",
])
def test_the_question_she_asked_is_answered_in_the_first_turn(make_alexa, locale: str, words: str) -> None:
    turn = make_alexa(locale=locale).say(words)
    assert "breastfeeding, pumping, or stopping" not in turn.speech
    assert heard_words(turn.speech) <= RESPONSE_WORD_LIMIT
    actions = [phrase for phrase in ("stroke", "cold pack", "milk moving", "express only", "feather-soft")
               if phrase in turn.speech.lower()]
    assert len(actions) >= 2, turn.speech


def test_one_shot_relief_leads_with_the_warning_line(alexa: Alexa) -> None:
    assert alexa.say("how do I relieve a hard lump").leads_with("fever")


def test_step_one_has_no_stray_otherwise_after_a_skipped_warning(alexa: Alexa) -> None:
    alexa.say("how do I relieve a hard lump")
    turn = alexa.say("yes")
    assert "Otherwise" not in turn.speech and turn.has("Step 1 of 4")


# --- danger in her words, as a device hands them to the skill ------------------------------------------

def test_of_several_signs_named_at_once_the_console_keeps_the_danger_sign() -> None:
    """One slot holds one value: the longest ("a temperature of thirty nine") used to win over "confused"."""
    from skill.understanding.matcher import understanding_for

    vocabulary = understanding_for("en-GB").vocabulary
    slots = vocabulary.fill("i have a temperature of thirty nine and i'm confused", {"symptom": "SymptomType"})
    assert slots["symptom"]["id"] == "EMERGENCY", slots


def test_a_danger_sign_said_after_a_false_start_still_reaches_the_emergency(make_alexa) -> None:
    """Said mid-walk as a device hears it: the intent Alexa chose and her words in a slot, nothing more."""
    alexa = make_alexa(locale="en-GB")
    alexa.say("take me through the steps")
    assert alexa.say("ok next oh hang on i feel really faint").leads_with("Call 999 now")


@pytest.mark.parametrize("words", [
    "yes i want the steps but honestly i want to die",       # a crisis clause after a yes
    "my fingernails are turning kind of bluish",             # a sign in words no synonym has
    "my heart rate's through the roof and i feel like death",
    "i fainted in the shower just now",
])
def test_danger_in_any_part_of_her_words_is_heard(alexa: Alexa, words: str) -> None:
    alexa.say("how do I relieve a hard lump")  # the offer of the steps waits for a yes or a no
    turn = alexa.say(words)
    assert turn.has("call 911 now") or turn.has("911"), turn.speech


@pytest.mark.parametrize("words", ["nah i feel fine in myself", "i'm still feeding my baby myself",
                                   "i want to stop pumping how do i do it"])
def test_myself_and_want_to_are_not_a_crisis(alexa: Alexa, words: str) -> None:
    alexa.say("how do I relieve a hard lump")
    assert "911" not in alexa.say(words).speech


def test_being_sick_is_a_flu_like_sign_and_her_baby_being_sick_is_for_the_doctor() -> None:
    """"Throwing" once pulled "i've been throwing up" towards the intrusive-thoughts crisis samples."""
    from skill.understanding.matcher import understanding_for

    model = understanding_for("en-US")
    sick = model.understand_alone("i've been throwing up")
    assert (sick.intent, sick.slots["symptom"]["id"]) == ("ReportSymptomIntent", "FLU_LIKE")
    baby = model.understand_alone("my baby keeps throwing up")  # her baby's care, never a crisis about the baby
    assert baby.intent in ("AMAZON.FallbackIntent", "BabyUrgentIntent") or (
        (baby.intent, baby.slots["person"]["id"]) == ("ReportSymptomIntent", "BABY"))


# While a question waits, the safety net comes first and then that question again (handlers/asking.py).
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("locale", LOCALES)
def test_words_alexa_could_not_place_still_hear_the_emergency_number_first(make_alexa, locale: str, state: str) -> None:
    """On a device the fallback carries none of her words: "my baby went limp" said in words the model
    missed arrives exactly like "book me a taxi". So the fallback names the emergency number, if she or
    her baby needs help now, before it says what the skill can do or asks the waiting question again;
    the session and any question stay open."""
    alexa = make_alexa(locale=locale)
    STATES[state](alexa)
    turn = alexa.intent("AMAZON.FallbackIntent")
    speech, number = turn.speech, EMERGENCY_NUMBER[locale]
    assert number in speech and heard_words(speech.split(number)[0]) < 15, speech
    before, after = speech.split(number, 1)
    assert "I can only help" not in before and turn.stays_open, speech
    # then what the skill can do, or the question still waiting, asked again (its reprompt too)
    assert "I can only help" in after or (turn.reprompt and after.rstrip().endswith(turn.reprompt)), speech
