"""Her baby's and her own other dangers after the birth reach the right care first, on a device.

Two halves. The skill's side: a device request carrying her words (the intent and slots Alexa would
send) gets the route's answer in every market, the emergency number first where it must be, never
"I can only help with breast lumps" first. The model's side: an independent held-out set
(tests/safety/heldout27/, scored before it was merged) played as a device hears it.
"""
from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from skill.app import create_app
from skill.content import load_library
from skill.content.schema import BEYOND_ROUTES
from skill.conversation.render import heard_words
from skill.understanding.danger import BEYOND_THE_BREAST, DANGER_WORDS_FILE
from skill.handlers.safety import FIRST
from skill.handlers.triage import triage_rules
from skill.understanding.matcher import DANGER_INTENTS, Understood, understanding_for
from skill.verification import RequestVerifier
from tests.conftest import Alexa, Turn
from tests.test_safety import CONTEXTS, LOCALES, heard_in, pending_in
from tests.test_safety_net import STATES

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "safety" / "heldout27"
STATE_OF = {"none": None, "walk": CONTEXTS["walk"], "check": CONTEXTS["check_today"]}
NOW = ("baby_emergency", "mother_emergency", "psychosis")   # the emergency number within 15 heard words
URGENT = ("baby_fever", "baby_urgent", "mother_urgent")     # the urgent instruction, before any self-care
# The bar on the untouched test half, and what the skill reaches now (a fall is a regression).
TARGETS = {"overall": 0.95, "now": 0.98}
FLOORS = {"overall": 0.88, "now": 0.95}


def person(words: str) -> dict[str, Any]:
    return {"value": words, "id": None}


# What a device sends when the model carries her words (the carriers of grammar/en.toml), and the
# route the skill must answer with.
DEVICE_REQUESTS = [
    ({"person": {"value": "my baby", "id": "BABY"}, "symptom": person("floppy")}, "baby_emergency"),
    ({"person": {"value": "my baby", "id": "BABY"}, "happening": person("won't wake up")}, "baby_emergency"),
    ({"happening": person("shook my baby")}, "baby_emergency"),
    ({"person": {"value": "my baby", "id": "BABY"}, "symptom": {"value": "a fever", "id": "FEVER"}}, "baby_fever"),
    ({"person": {"value": "my baby", "id": "BABY"}, "happening": person("hasn't had a wet nappy all day")}, "baby_urgent"),
    ({"symptom": person("soaking a pad every hour")}, "mother_emergency"),
    ({"happening": person("have taken an overdose")}, "mother_emergency"),
    ({"symptom": person("a swollen painful calf")}, "mother_urgent"),
    ({"happening": person("hear voices telling me the baby isn't mine")}, "psychosis"),
    ({"symptom": person("not safe at home")}, "abuse"),
    ({"happening": person("don't love my baby")}, "support"),
]


@pytest.fixture(scope="module")
def make_app(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("beyond")
    return lambda: create_app({"SKILL_STORE": f"sqlite:///{directory / 'skill.db'}", "TESTING": True,
                               "VERIFIER": RequestVerifier(check_signature=False), "LOG_LEVEL": "ERROR"})


@cache
def content(locale: str):
    return load_library().for_locale(locale)


def opens_with_its_route(speech: str, locale: str, route: str) -> bool:
    """The answer opens as the route's own words do (their first phrase, up to a full stop or comma)."""
    return speech.startswith(content(locale).get(f"beyond.{route}")["speech"].split(".")[0].split(",")[0])


def leads_with_the_number(speech: str, locale: str, within: int = 15) -> bool:
    number = content(locale).data["terms"]["emergency_number"]
    return number in " ".join(speech.split()[:within]) and heard_words(speech.split(number)[0]) < within


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("slots, route", DEVICE_REQUESTS)
def test_a_device_request_carrying_her_words_gets_the_route_first(make_app, locale: str, slots, route: str) -> None:
    turn = Alexa(make_app, locale=locale).intent("ReportSymptomIntent", slots)
    assert opens_with_its_route(turn.speech, locale, route), (route, turn.speech)
    assert not turn.speech.startswith("I can only help")
    if route in NOW or route == "abuse":
        assert leads_with_the_number(turn.speech, locale), turn.speech
    assert turn.stays_open


# Said after a yes or a no while the skill waits on its own yes/no question: the danger is what she
# told it, so the route goes first (the stand-in keeps these intents, as it keeps a crisis).
AFTER_AN_ANSWER = [
    ("no but my baby won't wake up", "baby_emergency"),
    ("no but my baby went blue", "baby_emergency"),
    ("no but my baby has a fever", "baby_fever"),
    ("no but my baby is feeding much less than usual", "baby_urgent"),
    ("yes and i am soaking a pad every hour", "mother_emergency"),
    ("no but my calf is red and swollen", "mother_urgent"),
    ("no but i keep hearing voices", "psychosis"),
    ("no but my partner hits me", "abuse"),
]


@pytest.mark.parametrize("state", ["mid-walk", "mid-check"])
@pytest.mark.parametrize("words, route", AFTER_AN_ANSWER)
def test_a_danger_said_after_yes_or_no_to_a_question_gets_its_route_first(make_app, words: str, route: str,
                                                                            state: str) -> None:
    for locale in LOCALES:
        alexa = Alexa(make_app, locale=locale)
        STATES[state](alexa)
        turn = alexa.say(words)
        assert opens_with_its_route(turn.speech, locale, route), (locale, turn.speech)
        assert turn.stays_open


def test_the_stand_in_keeps_every_intent_the_safety_net_answers_first() -> None:
    rules = triage_rules()
    assert DANGER_INTENTS == {intent for intent, route in rules.intents.items() if route in FIRST}


@pytest.mark.parametrize("locale", LOCALES)
def test_sexual_violence_in_any_slot_gets_her_safety_answer_before_any_lump_care(make_app, locale: str) -> None:
    """"I was raped and now my breast hurts" reached the relief intent with those words in its slot and got
    "stroke lightly" and the lump card (privacy audit 2026-12-07)."""
    turn = Alexa(make_app, locale=locale).intent("RelieveLumpIntent", {"situation": person("was raped and now my breast hurts")})
    assert opens_with_its_route(turn.speech, locale, "abuse") and turn.card is None, turn.speech
    assert leads_with_the_number(turn.speech, locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_her_safety_at_home_leaves_no_card_and_no_reminder_offer(make_app, locale: str) -> None:
    alexa = Alexa(make_app, locale=locale)
    turn = alexa.intent("ReportSymptomIntent", {"symptom": person("scared of my husband")})
    assert turn.card is None and "remind" not in turn.speech.lower()
    assert not alexa.say("no").card


@pytest.mark.parametrize("locale", LOCALES)
def test_a_reminder_asked_for_just_after_her_safety_at_home_sets_nothing_the_account_holder_would_see(
        make_app, locale: str) -> None:
    """"Remind me in 12 hours" straight after the answer about her safety asked Alexa for the reminder
    permission: a reminder, or the consent card, shows in the Alexa app (screen and card audit 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("AbuseIntent")
    turn = alexa.intent("RemindMeIntent", {"duration": {"value": "PT12H", "id": None}})
    assert turn.directives == [] and turn.card is None and turn.stays_open
    assert turn.has("can't set a reminder just now"), turn.speech  # its private refusal, nothing more


@pytest.mark.parametrize("locale", LOCALES)
def test_after_the_crisis_answer_she_is_never_dropped_on_the_second_turn_either(make_app, locale: str) -> None:
    """Only the first "okay" after the crisis answer was heard: a second got "I didn't ask a question", "I'm
    scared" lump reassurance, "help" the general help, "thanks" a goodbye with no line (audit 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    told = alexa.intent("CrisisIntent")
    first = alexa.intent("AMAZON.YesIntent")
    assert alexa.intent("AMAZON.YesIntent").speech == first.speech  # "okay", "okay"
    assert alexa.intent("ReassuranceIntent").speech == told.speech  # "I'm scared"
    assert alexa.intent("AMAZON.NoIntent").speech == first.speech
    assert alexa.intent("AMAZON.HelpIntent").speech == told.speech
    goodbye = alexa.intent("AMAZON.StopIntent")
    crisis_line = next(line["spoken"] for line in content(locale).care_lines if line.get("crisis"))
    assert goodbye.ended and crisis_line in goodbye.speech, goodbye.speech


@pytest.mark.parametrize("move", ["AMAZON.NextIntent", "AMAZON.StartOverIntent", "AMAZON.PreviousIntent"])
@pytest.mark.parametrize("told", ["EmergencyIntent", "BabyEmergencyIntent", "CrisisIntent", "BabyFeverIntent"])
def test_next_or_start_over_just_after_a_call_for_help_keeps_that_call_never_the_lump_steps(
        make_app, told: str, move: str) -> None:
    """"Next" is how a tired woman says "what now?": after "my baby isn't breathing" it started "Step 1 of 4.
    Stroke lightly toward your armpit", mid-walk it went on to the next step, and help and goodbye then lost
    the number (audit 2026-12-07)."""
    # After her safety at home, her cover keeps its meaning instead: test_next_or_go_back_after_her_safety_mid_steps...
    alexa = Alexa(make_app)
    alexa.intent("WalkStepsIntent")
    alexa.intent(told)
    turn = alexa.intent(move)
    assert "step" not in turn.speech.lower() and turn.speech.rstrip(" .").removesuffix(" now").endswith(("911", "988")), turn.speech
    goodbye = alexa.intent("AMAZON.StopIntent")
    assert goodbye.speech.rstrip(" .").endswith(("911", "988")), goodbye.speech


@pytest.mark.parametrize("locale", LOCALES)
def test_help_or_im_scared_just_after_the_crisis_answer_hears_it_again_never_lumps(make_app, locale: str) -> None:
    alexa = Alexa(make_app, locale=locale)
    told = alexa.intent("CrisisIntent")
    assert alexa.intent("AMAZON.HelpIntent").speech == told.speech
    assert alexa.intent("ReassuranceIntent").speech == told.speech  # "I'm scared", not "lumps are common"
    assert alexa.intent("RelieveLumpIntent").has("if you meant the breast lump")  # "what do I do?"


@pytest.mark.parametrize("locale", LOCALES)
def test_okay_after_the_abuse_answer_keeps_the_emergency_number_never_a_suicide_line(make_app, locale: str) -> None:
    alexa = Alexa(make_app, locale=locale)
    for answer in ("AMAZON.YesIntent", "AMAZON.NoIntent"):
        alexa.intent("AbuseIntent")
        turn = alexa.intent(answer)
        assert turn.speech.rstrip(" .").endswith(content(locale).data["terms"]["emergency_number"]), turn.speech
        assert "didn't ask" not in turn.speech and turn.card is None and turn.stays_open


@pytest.mark.parametrize("locale", LOCALES)
def test_a_lump_question_after_her_safety_at_home_never_says_it_again_aloud(make_app, locale: str) -> None:
    """Someone may have come in: "how do I relieve a hard lump" is her cover. It repeated "It's not your
    fault ... talk in private" and the helpline aloud, "start over" said "if you're not safe right now",
    and "can I take ibuprofen" was answered as a medicine for after a call for help (privacy audit
    2026-12-07). "What do I do?" reaches the same intent: lump care is offered, with nothing that names
    what she asked about, and "repeat" still says it again."""
    alexa = Alexa(make_app, locale=locale)
    told = alexa.intent("AbuseIntent")
    helpline = re.findall(r"\d[\d -]*\d", told.speech)[-1]
    offer = alexa.intent("RelieveLumpIntent")
    assert offer.has("if you meant the breast lump, say yes") and offer.card is None, offer.speech
    for words in ("fault", "safe", "danger", "private", helpline, content(locale).data["terms"]["emergency_number"]):
        assert words not in offer.speech and words not in (offer.reprompt or ""), (words, offer.speech)
    relief = Alexa(make_app, locale=locale).intent("RelieveLumpIntent").speech.split("?")[0]
    assert alexa.intent("AMAZON.YesIntent").speech.startswith(relief)  # the relief answer, then its offer
    alexa.intent("AbuseIntent")
    assert alexa.intent("AMAZON.RepeatIntent").speech == told.speech

    alexa.intent("AbuseIntent")
    assert alexa.intent("PainReliefIntent").speech == Alexa(make_app, locale=locale).intent("PainReliefIntent").speech
    alexa.intent("AbuseIntent")
    assert alexa.intent("AMAZON.StartOverIntent").speech.startswith("Step 1 of")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told", ["BabyEmergencyIntent", "CrisisIntent", "AbuseIntent"])
def test_what_do_i_do_said_twice_after_a_call_for_help_is_offered_again_never_lump_care(
        make_app, locale: str, told: str) -> None:
    """A frightened mother repeats herself: a second "what do I do?" got the lump answer with no number,
    and "repeat" then lost the call (QA audit 2026-12-07). Only "yes" to the offer gives lump care."""
    alexa = Alexa(make_app, locale=locale)
    said = alexa.intent(told)
    offer = alexa.intent("RelieveLumpIntent")
    again = alexa.intent("RelieveLumpIntent")
    assert again.speech == offer.speech and not again.has("cold pack"), again.speech
    assert alexa.intent("AMAZON.RepeatIntent").speech == said.speech


@pytest.mark.parametrize("locale", LOCALES)
def test_what_do_i_do_after_the_crisis_answer_keeps_the_crisis_line(make_app, locale: str) -> None:
    """"I want to kill myself", "what do I do": the lump offer kept only the emergency number, and the 24/7
    crisis line was gone (QA audit 2026-12-07): she is most likely asking what to do about how she feels."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("CrisisIntent")
    crisis_line = next(line["spoken"] for line in content(locale).care_lines if line.get("crisis"))
    turn = alexa.intent("RelieveLumpIntent")
    assert turn.has("if you meant the breast lump") and turn.speech.rstrip(" .").endswith(crisis_line), turn.speech
    assert content(locale).data["terms"]["emergency_number"] in turn.speech
    assert "?" not in turn.speech, turn.speech  # "In danger now?" asked a question whose "yes" meant lump care (clinical review)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told", ["BabyFeverIntent", "MotherUrgentIntent"])
def test_what_do_i_do_after_call_the_doctor_now_keeps_that_call(make_app, locale: str, told: str) -> None:
    """"My baby has a fever", "what do I do": "The most important thing is to get help now ... call 911",
    and the doctor's route was gone (QA audit 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent(told)
    turn = alexa.intent("RelieveLumpIntent")
    assert turn.has("make that call now", "if you meant the breast lump"), turn.speech
    assert not turn.has("most important thing is to get help now"), turn.speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("said", ["AMAZON.NextIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "NotSureIntent"])
def test_what_she_says_after_her_safety_at_home_never_names_it_aloud(make_app, locale: str, said: str) -> None:
    """"Next", "yes" or "no" just after it got "If you're not safe right now, call 911": that names what she
    told the skill to whoever has just walked in (QA audit 2026-12-07). The number stays, in neutral words."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("AbuseIntent")
    turn = alexa.intent(said)
    assert "safe" not in turn.speech.lower() and "danger" not in turn.speech.lower(), turn.speech
    assert turn.speech.rstrip(" .").endswith(content(locale).data["terms"]["emergency_number"]), turn.speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("between", [None, "RelieveLumpIntent"])
def test_remind_me_just_after_her_safety_at_home_is_the_private_refusal(make_app, locale: str, between) -> None:
    """"Remind me" straight after it, or after the lump question that may be her cover, got "If you're not
    safe right now, call 911"; only one ordinary turn later was it the private refusal (QA audit 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("AbuseIntent")
    if between:
        alexa.intent(between)
    turn = alexa.intent("RemindMeIntent", {"duration": {"value": "PT12H", "id": None}})
    assert turn.has("can't set a reminder just now") and "safe" not in turn.speech.lower(), turn.speech
    assert turn.directives == [] and turn.card is None and turn.stays_open


@pytest.mark.parametrize("locale", LOCALES)
def test_a_medicine_asked_after_the_lump_offer_that_followed_her_safety_gets_the_usual_answer(
        make_app, locale: str) -> None:
    """After the answer about her safety and the neutral lump offer, "can I take ibuprofen" got "please get
    that help first ... call 911": to someone who came in, that undoes her cover (QA audit 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("AbuseIntent")
    alexa.intent("RelieveLumpIntent")
    usual = Alexa(make_app, locale=locale).intent("PainReliefIntent").speech
    assert alexa.intent("PainReliefIntent").speech == usual


@pytest.mark.parametrize("locale", LOCALES)
def test_next_or_go_back_after_her_safety_mid_steps_goes_on_with_the_steps_saying_nothing_of_it(
        make_app, locale: str) -> None:
    """Mid-steps, "next" is what she says when someone walks in: it got "If you're not safe right now,
    call 911" aloud (QA audit 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("RelieveLumpIntent")
    alexa.intent("AMAZON.YesIntent")
    second = alexa.intent("AMAZON.NextIntent")
    alexa.intent("AbuseIntent")
    third = alexa.intent("AMAZON.NextIntent")
    assert third.speech.startswith("Step 3 of") and not third.has("safe"), third.speech
    alexa.intent("AbuseIntent")
    assert alexa.intent("AMAZON.PreviousIntent").speech == second.speech


@pytest.mark.parametrize("locale", LOCALES)
def test_yes_or_no_after_her_safety_mid_check_answers_the_check_question_she_was_on(make_app, locale: str) -> None:
    """Mid-check, her answer to the question on screen got "If you're not safe right now, call 911" aloud
    and the check was dropped (QA audit 2026-12-07; the check is never dropped)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("SymptomCheckIntent")
    second = alexa.intent("AMAZON.NoIntent")
    alexa.intent("SymptomCheckIntent")
    alexa.intent("AbuseIntent")
    turn = alexa.intent("AMAZON.NoIntent")
    assert turn.speech == second.speech and not turn.has("safe"), turn.speech
    yes_straight = Alexa(make_app, locale=locale)
    yes_straight.intent("SymptomCheckIntent")
    alexa.intent("SymptomCheckIntent")
    alexa.intent("AbuseIntent")
    assert alexa.intent("AMAZON.YesIntent").speech == yes_straight.intent("AMAZON.YesIntent").speech
    alexa.intent("SymptomCheckIntent")
    alexa.intent("AbuseIntent")
    asked_again = alexa.intent("AMAZON.NextIntent")  # "next" waits for her answer, as mid-check
    first_question = content(locale).data["check"]["questions"]["emergency"]["speech"]
    assert first_question in asked_again.speech and not asked_again.has("safe"), asked_again.speech


@pytest.mark.parametrize("locale", LOCALES)
def test_what_do_i_do_after_okay_to_call_911_now_still_never_gets_lump_care(make_app, locale: str) -> None:
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("BabyEmergencyIntent")
    assert alexa.intent("AMAZON.YesIntent").has("please make the call now")
    turn = alexa.intent("RelieveLumpIntent")
    assert turn.has("get help now") and not turn.has("cold pack"), turn.speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told", ["BabyEmergencyIntent", "BabyFeverIntent", "MotherUrgentIntent", "CrisisIntent",
                                  "PsychosisIntent"])
def test_no_to_the_lump_offer_after_a_call_for_help_is_heard_as_no_to_that_call(make_app, locale: str,
                                                                                 told: str) -> None:
    """She is told to call the doctor now, asks "what do I do?", is offered lump care and says no: she
    hears again the call she was told to make, not another route's."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent(told)
    no_straight_after = alexa.intent("AMAZON.NoIntent").speech
    alexa.intent(told)
    assert alexa.intent("RelieveLumpIntent").has("if you meant the breast lump")
    turn = alexa.intent("AMAZON.NoIntent")
    assert turn.speech == no_straight_after and turn.stays_open, (told, turn.speech)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("asked", ["MassageIntent", "HeatColdIntent", "HowLongIntent", "KeepFeedingIntent",
                                   "WhyLumpsIntent", "SeeDoctorIntent", "WeaningIntent"])
@pytest.mark.parametrize("told", ["MotherEmergencyIntent", "BabyFeverIntent", "CrisisIntent"])
def test_any_lump_question_just_after_a_call_for_help_is_offered_with_the_number_last(
        make_app, locale: str, asked: str, told: str) -> None:
    """After "call 999 now", "can I massage it", "heat or ice", or a bare "what?" that Alexa hears as "why do
    lumps form", was answered outright, "Anything else?", and the number was gone (QA audit 3: F4.1, F4.2).
    She is offered lump care as after "what do I do?", the number last; "yes" gives it."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent(told)
    offered = alexa.intent("RelieveLumpIntent").speech
    alexa.intent(told)
    turn = alexa.intent(asked)
    assert turn.speech == offered and turn.stays_open, (asked, turn.speech)
    assert alexa.intent("AMAZON.YesIntent").has("cold pack")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("said", [("SituationIntent", {"situation": {"value": "already called"}}),
                                  ("SituationIntent", {"situation": {"value": "stopped", "id": "WEANING"}}),
                                  ("FeelingLowIntent", None)])
@pytest.mark.parametrize("told", ["MotherEmergencyIntent", "BabyEmergencyIntent", "BabyFeverIntent", "PsychosisIntent",
                                  "CrisisIntent"])
def test_i_already_called_or_im_alone_with_the_baby_just_after_a_call_for_help_keeps_that_call(
        make_app, locale: str, said: tuple[str, dict | None], told: str) -> None:
    """"I already called" and "it's stopped now" reach the situation intent, "I'm alone with the baby" the
    feeling-low one: they got "are you still breastfeeding?", weaning advice, and the feeling-low answer in
    place of "call 999 now" (QA audit 4: F1, F2, F3, F23). She hears the follow-up of the call she was given."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent(told)
    follow_up = alexa.intent("AMAZON.NoIntent").speech
    alexa.intent(told)
    turn = alexa.intent(*said)
    assert turn.speech == follow_up and turn.stays_open, (said, turn.speech)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told", ["MotherEmergencyIntent", "BabyEmergencyIntent", "EmergencyIntent"])
def test_im_alone_with_the_baby_just_after_call_the_emergency_number_hears_what_to_do_alone(
        make_app, locale: str, told: str) -> None:
    """"I'm alone with the baby" after "call 999 now" heard "ask someone near you to help if you can", and
    nothing for a mother with nobody near (clinical review 2026-12-07). Alone, she puts the call on speaker;
    "call 999 now" is still last, said as an instruction, never "if you need help"."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent(told)
    turn = alexa.intent("FeelingLowIntent")
    assert turn.has("if you're alone", "speaker") and turn.stays_open, turn.speech
    assert turn.speech.split(". ")[-1] == f"Call {content(locale).data['terms']['emergency_number']} now.", turn.speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told, named", [("BabyFeverIntent", True), ("BabyUrgentIntent", True),
                                         ("BabyEmergencyIntent", False)])
def test_her_babys_care_said_mid_check_leaves_her_own_questions_within_reach(
        make_app, locale: str, told: str, named: bool) -> None:
    """"Check my symptoms", then "my baby has a fever": her baby's answer, and her own warning-sign
    questions were gone for good (QA audit 4: F15). After a doctor call the reprompt names the check, the
    line still last; after "call 999 now" nothing else is asked."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("SymptomCheckIntent")
    turn = alexa.intent(told)
    assert ("check my symptoms" in turn.reprompt.lower()) == named, turn.reprompt
    alone = Alexa(make_app, locale=locale).intent(told)
    assert turn.speech == alone.speech and turn.reprompt.endswith(alone.reprompt), turn.reprompt


@pytest.mark.parametrize("locale", LOCALES)
def test_a_lump_question_after_her_safety_at_home_is_answered_as_any_other_time(make_app, locale: str) -> None:
    """Her cover keeps its meaning: "can I massage it" just after the answer about her safety is the
    massage answer, with nothing that names what she told the skill."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("AbuseIntent")
    assert alexa.intent("MassageIntent").speech == Alexa(make_app, locale=locale).intent("MassageIntent").speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("situation", [None, "weaning"])
@pytest.mark.parametrize("told", ["BabyEmergencyIntent", "BabyFeverIntent", "CrisisIntent", "EmergencyIntent"])
def test_yes_to_the_lump_offer_after_a_call_for_help_gives_lump_care_and_keeps_the_number_last(
        make_app, locale: str, situation: str | None, told: str) -> None:
    """"My baby is not breathing", "what do I do?", "yes": the lump answer and then the check's question,
    with no number in either (QA audit 2: F3). She hears the lump answer, then the number last. Her "okay"
    then (she is making the call) started the check, and the number was gone (QA audit 4: F7): it hears
    that call's follow-up; the reprompt tells her how to start the check, the number last."""
    alexa = Alexa(make_app, locale=locale)
    if situation:
        alexa.intent("SituationIntent", {"situation": {"value": "weaning", "id": "WEANING"}})
    alexa.intent(told)
    alexa.intent("RelieveLumpIntent")
    turn = alexa.intent("AMAZON.YesIntent")
    assert turn.has("cold pack") and turn.stays_open, turn.speech
    # After the crisis answer her 24/7 line stays last, the emergency number before it (QA audit 5).
    last = (next(line["spoken"] for line in content(locale).care_lines if line.get("crisis")) if told == "CrisisIntent"
            else content(locale).data["terms"]["emergency_number"])
    assert turn.speech.rstrip(" .").endswith(last) and turn.speech.count("?") == 1, turn.speech  # the lump answer's own
    assert content(locale).data["terms"]["emergency_number"] in turn.speech
    assert turn.reprompt.rstrip(" .").endswith(last), turn.reprompt
    # The check is named only after her baby's doctor call: after "call 911 now" for her own signs, three
    # "no"s of a confused mother ended on "no warning signs" (clinical review 2026-12-07).
    assert ("check my symptoms" in turn.reprompt.lower()) == (told == "BabyFeverIntent"), turn.reprompt
    okay = alexa.intent("AMAZON.YesIntent")
    assert not okay.has("questions") and content(locale).data["terms"]["emergency_number"] in okay.speech, okay.speech
    assert alexa.intent("SymptomCheckIntent").has("very unwell")


@pytest.mark.parametrize("locale", LOCALES)
def test_after_the_crisis_answer_no_gets_a_kind_reply_with_the_number_in_reach(make_app, locale: str) -> None:
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("CrisisIntent")
    for words in ("AMAZON.NoIntent", "AMAZON.YesIntent", "AMAZON.FallbackIntent"):
        alexa.intent("CrisisIntent")
        turn = alexa.intent(words)
        assert turn.has("repeat") and "didn't ask" not in turn.speech and turn.stays_open, turn.speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told", [("CrisisIntent", None),
                                  ("ReportSymptomIntent", {"happening": person("don't love my baby")})])
def test_if_she_says_nothing_after_a_call_for_help_the_reprompt_names_the_emergency_number(
        make_app, locale: str, told) -> None:
    """The crisis and support reprompts were "Say repeat to hear the number again": if she said nothing,
    the last words before Alexa closed named no number (audit, 2026-12-07)."""
    number = content(locale).data["terms"]["emergency_number"]
    alexa = Alexa(make_app, locale=locale)
    for turn in (alexa.intent(*told), alexa.intent("AMAZON.NoIntent")):
        assert turn.stays_open and turn.reprompt.rstrip(" .?").endswith(number), (told, turn.reprompt)


@pytest.mark.parametrize("locale", LOCALES)
def test_after_the_answer_about_her_safety_silence_and_stop_say_nothing_that_names_it(make_app, locale: str) -> None:
    """Silence after that answer (a reprompt) or "stop" (her quick exit) is most likely because someone
    came in: neither says "danger", "safe" or a number aloud (clinical review, 2026-12-07)."""
    alexa = Alexa(make_app, locale=locale)
    told = alexa.intent("AbuseIntent")
    goodbye = alexa.intent("AMAZON.StopIntent")
    assert told.reprompt == "Say repeat to hear that again." and goodbye.speech == "Goodbye for now." and goodbye.ended


@pytest.mark.parametrize("locale", LOCALES)
def test_stop_just_after_the_feeling_low_answer_says_goodbye_with_her_own_line(make_app, locale: str) -> None:
    """"Stop" after "if you might harm yourself or your baby, call 911 now" was "Goodbye for now. Take
    good care of yourself.", with no number (audit, 2026-12-07); and it must not switch her to a
    suicide line she never asked about (clinical review): the sentence and the line she was just given."""
    alexa = Alexa(make_app, locale=locale)
    low = alexa.intent("FeelingLowIntent")
    goodbye = alexa.intent("AMAZON.StopIntent")
    line = low.speech.split(" now. ", 1)[1]  # after "call 911 now.": her clinician, then her own line
    assert goodbye.ended and goodbye.speech.endswith(line.split(". ", 1)[-1]), (low.speech, goodbye.speech)
    assert goodbye.has("if you might harm yourself or your baby")


# Answers that send her or her baby for help now and keep the session open.
CARE_NOW_INTENTS = ("EmergencyIntent", "BabyEmergencyIntent", "MotherEmergencyIntent", "BabyFeverIntent",
                    "BabyUrgentIntent", "MotherUrgentIntent")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("danger", CARE_NOW_INTENTS)
def test_after_a_call_for_help_now_okay_or_no_keeps_the_number_in_reach(make_app, locale: str, danger: str) -> None:
    """She hears "call 911 now" and says "okay", "no", "I'm not sure" or words Alexa could not place:
    never "I didn't ask a question" or lumps, but a short reply that ends with the number."""
    number = content(locale).data["terms"]["emergency_number"]
    for answer in ("AMAZON.YesIntent", "AMAZON.NoIntent", "NotSureIntent", "AMAZON.FallbackIntent"):
        alexa = Alexa(make_app, locale=locale)
        told = alexa.intent(danger)
        turn = alexa.intent(answer)
        assert "didn't ask" not in turn.speech and "only help" not in turn.speech, (answer, turn.speech)
        assert turn.has("repeat") and turn.speech.rstrip(" .").removesuffix(" now").endswith(number) and turn.stays_open, turn.speech
        assert alexa.intent("AMAZON.RepeatIntent").speech == told.speech


def test_a_worry_about_her_baby_gets_care_before_only_helping_with_lumps(make_app) -> None:
    turn = Alexa(make_app).intent("ReportSymptomIntent", {"person": {"value": "my baby", "id": "BABY"},
                                                           "happening": person("keeps sneezing")})
    assert turn.speech.startswith("For your baby") and turn.speech.index("call 911") < turn.speech.index("I can only help")


def test_every_route_in_the_data_has_a_source_and_a_hazard_entry() -> None:
    with DANGER_WORDS_FILE.open("rb") as handle:
        lists = tomllib.load(handle)
    hazard_log = (ROOT / "docs" / "hazard-log.md").read_text()
    for route in BEYOND_THE_BREAST:
        assert lists[route]["clinical_source"], route
        assert f"`{route}`" in hazard_log, f"docs/hazard-log.md has no entry naming `{route}`"
    for locale in LOCALES:
        for route in BEYOND_ROUTES:
            assert content(locale).get(f"beyond.{route}")["clinical_source"], (locale, route)


@cache
def held_out(locale: str) -> tuple[dict[str, str], ...]:
    with (HELD_OUT / f"{locale}.tsv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle, delimiter="\t"))


def played(alexa: Alexa, half: str) -> Iterator[tuple[dict[str, str], Understood, Turn]]:
    """Each statement of one half, in her market, as a device hears it: what Alexa sends and what the
    skill answers. The suite scores the test half; tests/safety/score_dev.py the dev half."""
    understanding = understanding_for(alexa.locale)
    for row in held_out(alexa.locale):
        if row["half"] == half:
            state = STATE_OF[row["context"]]
            understood = understanding.understand(row["utterance"], pending_in(state))
            yield row, understood, heard_in(alexa, understood, state)


def reached(row: dict[str, str], turn: Any, locale: str) -> bool:
    """As the issue scores it: the route's first words, never "I can only help with breast lumps" first."""
    speech, route, words = turn.speech, row["route"], content(locale)
    if speech.startswith("I can only help"):
        return False
    if route in NOW or route == "abuse":
        return leads_with_the_number(speech, locale)
    if route == "calm":
        return not leads_with_the_number(speech, locale)
    title = (turn.card or {}).get("title")
    if route == "support":
        return speech.startswith(words.get("beyond.support")["speech"][:20]) or title == words.get("topics.feelinglow.title")
    urgent = {words.get(f"beyond.{name}")["title"] for name in (route, *NOW)}
    return title in urgent or leads_with_the_number(speech, locale, within=20)


@pytest.fixture(scope="module")
def test_half_scores(make_app) -> Counter:
    scores: Counter = Counter()
    for locale in LOCALES:
        for row, _, turn in played(Alexa(make_app, locale=locale), "test"):
            right = reached(row, turn, locale)
            scores["overall", "total"] += 1
            scores["overall", "right"] += right
            if row["route"] in NOW:
                scores["now", "total"] += 1
                scores["now", "right"] += right
    return scores


@pytest.mark.parametrize("group", FLOORS)
def test_the_untouched_test_half_reaches_care_no_less_than_it_did(test_half_scores: Counter, group: str) -> None:
    right, total = test_half_scores[group, "right"], test_half_scores[group, "total"]
    assert right / total >= FLOORS[group], f"{group}: {right}/{total}"


@pytest.mark.xfail(strict=True, reason="the model does not yet carry most of a new mother's other dangers to "
                                       "the skill's reader on a device (docs/safety.md, hazard H7)")
def test_the_untouched_test_half_meets_the_targets(test_half_scores: Counter) -> None:
    for group, target in TARGETS.items():
        assert test_half_scores[group, "right"] / test_half_scores[group, "total"] >= target, group


@pytest.mark.parametrize("locale", LOCALES)
def test_her_babys_fever_answer_says_floppy_or_hard_to_wake_at_any_age_is_the_emergency_number(make_app,
                                                                                                locale: str) -> None:
    """"My baby feels hot and is really floppy" can reach the fever intent with no words for the reader;
    the fever answer itself then sends a floppy baby of any age for help now (walkthrough, 2026-12-06)."""
    turn = Alexa(make_app, locale=locale).intent("BabyFeverIntent")
    number = content(locale).data["terms"]["emergency_number"]
    sentences = [sentence.lower() for sentence in re.split(r"(?<=[.?]) ", turn.speech)]
    at = next(index for index, sentence in enumerate(sentences) if "floppy" in sentence)
    assert "hard to wake" in sentences[at] and number in " ".join(sentences[at:at + 2]), turn.speech
    if "if older" in sentences[at]:  # the signs named for an older baby: the younger one is sent for help now
        assert number in " ".join(sentences[:at]), turn.speech


@pytest.mark.parametrize("locale", LOCALES)
def test_a_floppy_or_breathless_baby_with_a_fever_hears_the_emergency_number_before_where_to_drive(
        make_app, locale: str) -> None:
    """Clinical review 2026-12-07: en-CA and en-AU offered the emergency department first, the number second
    (healthdirect: 'call triple zero if your child has difficulty breathing')."""
    speech = Alexa(make_app, locale=locale).intent("BabyFeverIntent").speech.lower()
    number = content(locale).data["terms"]["emergency_number"]
    places = [speech.find(place) for place in ("emergency department", "emergency room", "a and e", "hospital")]
    assert speech.find(number) < min(at for at in places if at >= 0), speech


@pytest.mark.parametrize("locale", LOCALES)
def test_after_the_birth_breathlessness_is_a_sign_for_the_emergency_number_and_the_doctor_is_seen_now(
        make_app, locale: str) -> None:
    """A swollen calf with breathlessness may be a clot in the lung (nhs.uk DVT: call 999); only en-GB said so,
    and en-IN said 'see a doctor today' where every other market says now (clinical review 2026-12-07)."""
    speech = Alexa(make_app, locale=locale).intent("MotherUrgentIntent").speech
    number = content(locale).data["terms"]["emergency_number"]
    sentences = re.split(r"(?<=[.?]) ", speech)
    assert any("breathless" in sentence and number in sentence for sentence in sentences), speech
    assert "now" in sentences[0] and "today" not in sentences[0], speech


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("told", ["BabyFeverIntent", "BabyEmergencyIntent", "MotherUrgentIntent", "CrisisIntent"])
def test_a_medicine_asked_about_just_after_a_call_for_help_is_never_generally_safe(make_app, locale: str,
                                                                                    told: str) -> None:
    """"My baby has a fever" … "can I give him paracetamol?": Alexa sends only the medicine, not whose it
    is, so she never hears "generally safe, follow the label" (walkthrough, 2026-12-06)."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent(told)
    no_straight_after = alexa.intent("AMAZON.NoIntent").speech
    alexa.intent(told)
    turn = alexa.intent("PainReliefIntent", {"medicine": {"value": "paracetamol", "id": "EVERYDAY"}})
    terms = content(locale).data["terms"]
    last = terms["crisis_help"] if told == "CrisisIntent" else terms["emergency_number"]
    assert turn.has("medicine", "your baby") and "generally safe" not in turn.speech, turn.speech
    assert turn.speech.rstrip(" .").endswith(last.rstrip(".")) and turn.stays_open, turn.speech
    assert alexa.intent("AMAZON.NoIntent").speech == no_straight_after  # the call she was given is still pending


@pytest.mark.parametrize("locale", LOCALES)
def test_words_alexa_cannot_place_just_after_she_says_she_feels_low_get_a_kind_reply(make_app, locale: str) -> None:
    """"I've been feeling really low" … "can you just talk to me": never "I can only help with breast lumps"."""
    alexa = Alexa(make_app, locale=locale)
    alexa.intent("FeelingLowIntent")
    turn = alexa.intent("AMAZON.FallbackIntent")
    assert turn.has("glad you told me") and "only help with breast lumps" not in turn.speech, turn.speech
    assert content(locale).data["terms"]["crisis_help"].rstrip(".") in turn.speech and turn.stays_open
    assert alexa.intent("RelieveLumpIntent").has("cold pack")  # her lump question is still the lump answer


def test_a_warning_sign_check_asked_after_the_feeling_low_answer_is_never_dropped_by_unplaced_words(make_app) -> None:
    alexa = Alexa(make_app, locale="en-GB")
    alexa.intent("FeelingLowIntent")
    alexa.intent("SymptomCheckIntent")
    assert "glad you told me" not in alexa.intent("AMAZON.FallbackIntent").speech
    assert alexa.intent("AMAZON.YesIntent").has("call 999 now")  # her yes still answers the check


def test_the_crisis_card_puts_voices_and_acting_on_a_thought_before_any_word_that_thoughts_are_common(
        alexa: Alexa) -> None:
    """"Voices telling me to hurt the baby" reaches the crisis answer: its card said "Unwanted, frightening
    thoughts about your baby are common" before the emergency line for voices (clinical read 2026-12-07: F3)."""
    card = alexa.intent("CrisisIntent").card["content"]
    assert card.index("voices") < card.index("911") < card.index("common"), card
    assert "would never act on" in card
