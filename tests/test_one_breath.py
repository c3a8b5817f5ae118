"""Issue 28, replayed in all five markets: medicines as a pharmacist words them, routes that keep
their word, and the smaller findings of an independent clinical read.

Each test is a transcript: she says X, Alexa answers Y. Assertions are key phrases and limits.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable

import pytest

from skill.content import load_library, schema
from skill.content.loader import CARE_LINES_FILE, CONTENT_DIR, flatten
from skill.conversation.render import heard_words
from tests.conftest import Alexa

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
CARE_LINES = tomllib.loads((CONTENT_DIR / CARE_LINES_FILE).read_text(encoding="utf-8"))
CHECK_QUESTION_LIMIT = 20  # heard words in each of the check's questions (issue 28)
# A spoken dose: a number with a unit or a frequency ("400 milligrams", "two tablets", "twice a day").
DOSE = re.compile(r"\b(\d+|one|two|three|four)\s*(mg|milligrams?|grams?|tablets?|capsules?|pills?)\b"
                  r"|\b(twice|three times|four times) a day\b|\bevery \w+ hours\b", re.IGNORECASE)


@pytest.fixture(params=LOCALES)
def her(request: pytest.FixtureRequest, make_alexa: Callable[..., Alexa]) -> Alexa:
    return make_alexa(locale=request.param)


def first_sentence(speech: str) -> str:
    return re.split(r"(?<=[.?!])\s", speech, maxsplit=1)[0].lower()


# --- medicines -------------------------------------------------------------------------------------

@pytest.mark.parametrize("words", ["can I take codeine", "can I take co-codamol", "is co codamol okay while breastfeeding"])
def test_codeine_and_what_contains_it_is_not_for_breastfeeding_ask_a_pharmacist(her: Alexa, words: str) -> None:
    turn = her.say(words)
    assert first_sentence(turn.speech).startswith("not codeine")
    assert turn.has("sleepy", "pharmacist") and not DOSE.search(turn.speech)


def test_tramadol_is_not_for_breastfeeding_unless_prescribed_knowing_it(her: Alexa) -> None:
    turn = her.say("can I take tramadol")
    assert first_sentence(turn.speech).startswith("not tramadol")
    assert turn.has("prescribes", "pharmacist") and not DOSE.search(turn.speech)


@pytest.mark.parametrize("words", ["can I take antibiotics", "can I take flucloxacillin", "can I take cephalexin",
                                   "is dicloxacillin safe while breastfeeding"])
def test_a_prescribed_antibiotic_whole_course_keep_feeding_tell_the_prescriber(her: Alexa, words: str) -> None:
    turn = her.say(words)
    assert turn.has("whole course", "keep breastfeeding", "tell the prescriber")
    # "What if the antibiotics don't work?" got only "take the whole course" (walkthrough, 2026-12-06).
    assert turn.has("not better within 48 hours")
    assert "can't say" not in turn.speech and "everyday pain relief" not in turn.speech.lower()
    assert not DOSE.search(turn.speech)


@pytest.mark.parametrize("words", ["can I take excedrin", "can I take anadin", "is alka seltzer okay while breastfeeding",
                                   "can I take aspirin"])
def test_a_combination_containing_aspirin_is_named_as_aspirin(her: Alexa, words: str) -> None:
    turn = her.say(words)
    assert first_sentence(turn.speech).startswith("not aspirin")
    assert not DOSE.search(turn.speech)


@pytest.mark.parametrize("locale, authority", [("en-US", None), ("en-CA", None), ("en-AU", None), ("en-IN", None),
                                               ("en-GB", "NHS")])
def test_the_aspirin_answer_names_her_markets_own_authority_or_none(make_alexa: Callable[..., Alexa],
                                                                    locale: str, authority: str | None) -> None:
    turn = make_alexa(locale=locale).say("can I take aspirin")
    if authority:
        assert turn.has(authority)
    else:
        assert "NHS" not in turn.speech


def test_sunflower_lecithin_is_answered_the_same_in_every_phrasing(her: Alexa) -> None:
    answers = {her.say(words).speech for words in (
        "can I take sunflower lecithin", "is sunflower lecithin safe while breastfeeding",
        "does sunflower lecithin help", "should I take lecithin", "can lecithin help a blocked duct")}
    assert len(answers) == 1
    (answer,) = answers
    assert "supplement" in answer and "lecithin" in answer and not DOSE.search(answer)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_medicine_answer_names_its_source_and_never_a_dose(locale: str) -> None:
    content = load_library().for_locale(locale)
    for name in schema.MEDICINES:
        entry = content.get(f"medicines.{name}")
        assert entry["source"] and entry["clinical_source"], name
        assert not DOSE.search(entry["speech"]) and not DOSE.search(entry["card"]), name
    sources = " ".join(content.get(f"medicines.{name}")["clinical_source"]
                       for name in ("codeine", "tramadol", "antibiotic"))
    assert "MHRA" in sources and "Specialist Pharmacy Service" in sources


# --- routes that keep their word -------------------------------------------------------------------

def test_no_12_hour_reminder_after_a_same_day_answer_she_is_asked_if_she_reached_them(her: Alexa) -> None:
    today = her.say("I have a fever")
    assert today.has("today")
    asked = her.say("no")
    assert "remind" not in asked.speech.lower() and "12 hours" not in asked.speech
    assert asked.has("reach your") and asked.stays_open
    not_yet = her.say("no")
    assert not_yet.has("keep trying", "can't reach them") and "remind" not in not_yet.speech.lower()


def test_every_same_day_answer_says_where_to_turn_at_night(her: Alexa) -> None:
    for situation in (None, "breastfeeding", "exclusively pumping", "stopped feeding last week"):
        slots = {"situation": {"value": situation, "id": None}} if situation else None
        turn = her.intent("ReportSymptomIntent", {"symptom": {"value": "a fever", "id": "FEVER"}, **(slots or {})})
        assert turn.has("today", "can't reach them"), turn.speech


@pytest.mark.parametrize("words", ["a hard painful swelling full of pus", "I think I have a breast abscess",
                                   "there's pus coming out of my breast"])
def test_pus_or_an_abscess_is_same_day_in_every_market(her: Alexa, words: str) -> None:
    assert her.say(words).has("contact your", "today")


@pytest.mark.parametrize("words", ["I'm pregnant and found a lump", "I have a lump and I'm pregnant",
                                   "I'm thirty weeks pregnant and there's a hard lump in my breast"])
def test_a_lump_in_pregnancy_gets_an_appointment_however_she_words_it(her: Alexa, words: str) -> None:
    assert her.say(words).has("book an appointment")


@pytest.mark.parametrize("words", ["my milk is yellow", "why is my breast milk yellow", "is yellow milk normal"])
def test_yellow_milk_is_told_early_milk_is_often_yellow_with_the_same_day_signs(her: Alexa, words: str) -> None:
    turn = her.say(words)
    assert turn.has("usually normal", "colostrum", "pus", "today")
    assert not turn.has("book an appointment") and not turn.has("are you very unwell")
    assert turn.stays_open


def test_yellow_stuff_coming_out_is_still_same_day(her: Alexa) -> None:
    turn = her.say("there's thick yellow stuff coming out of my nipple")
    assert turn.has("contact your", "today") and not turn.has("usually normal")


def test_an_abscess_named_alone_is_same_day_in_india(make_alexa: Callable[..., Alexa]) -> None:
    assert make_alexa(locale="en-IN").say("I think I have an abscess").has("contact your", "today")


def test_australias_feeling_low_answer_adds_lifeline_any_time(make_alexa: Callable[..., Alexa]) -> None:
    turn = make_alexa(locale="en-AU").say("I'm feeling really low")
    assert turn.has("Lifeline", "any time", "thirteen eleven fourteen")  # PANDA, closed at night, is on the card
    assert turn.speech.rstrip(" .").endswith("thirteen eleven fourteen")


@pytest.mark.parametrize("words", ["should I stop breastfeeding", "should I keep breastfeeding",
                                   "do I have to stop breastfeeding", "can I still breastfeed with a lump"])
def test_no_answer_opens_with_a_bare_yes_to_stop_or_continue(her: Alexa, words: str) -> None:
    assert not re.match(r"\s*yes\b", her.say(words).speech, re.IGNORECASE)


@pytest.mark.parametrize("words", ["I give up on breastfeeding", "I'm done with breastfeeding",
                                   "I want to give up on nursing"])
def test_giving_up_gets_weaning_friendly_advice_not_keep_feeding(her: Alexa, words: str) -> None:
    turn = her.say(words)
    weaning = load_library().for_locale(her.locale).get("topics.weaning")
    assert turn.card and turn.card["title"] == weaning["title"]
    assert "keep feeding" not in turn.speech.lower() and "keep breastfeeding" not in turn.speech.lower()


# --- shorter -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_each_check_question_is_20_heard_words_or_fewer(locale: str) -> None:
    content = load_library().for_locale(locale)
    for name in schema.CHECK_QUESTIONS:
        question = content.get(f"check.questions.{name}")
        for situation in (None, "feeding", "pumping", "weaning"):
            words = heard_words(content.fitting(question, situation))
            assert words <= CHECK_QUESTION_LIMIT, f"{locale} {name} {situation}: {words} heard words"


def test_the_first_check_question_keeps_every_danger_sign(her: Alexa) -> None:
    first = her.say("check my symptoms")
    assert first.has("very unwell or confused", "fast breathing", "racing heart", "blotchy", "pale",
                     "a day without passing urine")


# --- the smaller findings ------------------------------------------------------------------------------

def test_the_fallback_does_not_read_as_if_lumps_need_a_doctor(her: Alexa) -> None:
    turn = her.say("what's the weather like today")
    assert turn.has("only help with breast lumps", "for anything else")
    assert "for that" not in turn.speech


def test_a_weaning_mother_is_not_told_to_take_a_warm_shower(her: Alexa) -> None:
    turn = her.intent("HeatColdIntent", {"situation": {"value": "stopped feeding last week", "id": "WEANING"}})
    assert turn.has("cold pack") and "shower" not in turn.speech.lower() and "warm" not in turn.speech.lower()


def test_the_uk_says_fever_throughout_never_mixed_with_high_temperature() -> None:
    content = load_library().for_locale("en-GB")
    spoken = " ".join(text for key, text in flatten(content.data).items()
                      if key.rsplit(".", 1)[-1] in ("speech", "reprompt", "warning", "text")).lower()
    assert "fever" in spoken and "high temperature" not in spoken


def lines_to_remember(locale: str) -> list[str]:
    """The market's non-emergency lines, however short (NHS 111, 811, healthdirect)."""
    return [line["spoken"] for line in CARE_LINES[locale] if not line["name"].startswith("Emergency")]


@pytest.mark.parametrize("turns", [("I have a fever",), ("I have a fever", "no", "no"), ("I'm feeling low",)])
def test_a_line_to_call_is_the_last_thing_she_hears_in_its_turn(her: Alexa, turns: tuple[str, ...]) -> None:
    for words in turns:
        speech = her.say(words).speech.rstrip(" .")
    said = [number for number in lines_to_remember(her.locale) if number in speech]
    if said:
        assert any(speech.endswith(number) for number in said), speech


def test_when_to_get_help_says_where_to_turn_if_her_clinician_cant_be_reached(her: Alexa) -> None:
    turn = her.intent("SeeDoctorIntent")
    assert turn.has("today") and (turn.has("can't reach them") or turn.has("NHS 111")), turn.speech
