"""Each of the five markets hears its own words: who to see, and the number to call.

She speaks in her market's words (the samples in interaction_model/<locale>.json); the answer
names her market's clinician (GP in the UK and Australia), emergency number and care lines, each
recorded with its official source in skill/content/care_lines.toml and spoken the way people say it.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from skill.content import load_library
from skill.content.loader import CARE_LINES_FILE, CONTENT_DIR, flatten
from tests.conftest import Alexa


@dataclass(frozen=True)
class Market:
    locale: str
    clinician: str          # who she is told to contact today
    clinician_short: str    # "when should I see a ..."
    emergency_number: str   # as spoken
    ask_for_a_doctor: str   # a sample from this market's SeeDoctorIntent
    not_said: tuple[str, ...] = ()  # words from other markets that must not appear


MARKETS = (
    Market("en-US", "doctor or midwife", "doctor", "911", "should I call my o. b.", ("GP", "NHS")),
    Market("en-GB", "GP or midwife", "GP", "999", "when should I see my g. p.", ("doctor", "911")),
    Market("en-CA", "doctor or midwife", "doctor", "911", "should I see my family doctor", ("GP", "NHS")),
    Market("en-AU", "GP or midwife", "GP", "triple zero", "when should I see my g. p.", ("doctor", "911", "NHS")),
    Market("en-IN", "doctor", "doctor", "112", "when should I see my gynaecologist", ("GP", "911", "NHS")),
)
EMERGENCY_NUMBERS = {"911", "999", "000", "112"}
FEEDING = {"situation": {"value": "breastfeeding", "id": "FEEDING"}}
CARE_LINES = tomllib.loads((CONTENT_DIR / CARE_LINES_FILE).read_text(encoding="utf-8"))
# A run of digits that reads as a phone number or code: three or more digits, or digit groups.
NUMBER = re.compile(r"(?<![\d.])\d[\d -]*\d{2,}(?!\.\d)")
QUANTITIES = {"100.4"}  # the fever threshold, not a care number
SAID_OR_SHOWN = {"speech", "reprompt", "warning", "card", "title"}


@pytest.fixture(params=MARKETS, ids=[market.locale for market in MARKETS])
def market(request: pytest.FixtureRequest) -> Market:
    return request.param


@pytest.fixture
def her_echo(make_alexa: Callable[..., Alexa], market: Market) -> Alexa:
    return make_alexa(locale=market.locale)


def hears_no_other_market(speech: str, market: Market) -> bool:
    return not any(re.search(rf"\b{re.escape(other)}\b", speech) for other in market.not_said)


def other_emergency_numbers(speech: str, market: Market) -> set[str]:
    own = {line["number"] for line in CARE_LINES[market.locale]}
    return {number for number in EMERGENCY_NUMBERS - own if re.search(rf"(?<![\d.]){number}(?!\d|\.\d)", speech)}


def test_the_welcome_names_her_markets_clinician_and_emergency_number(her_echo: Alexa, market: Market) -> None:
    welcome = her_echo.launch()
    assert welcome.has("not medical advice", f"contact your {market.clinician}", market.emergency_number)
    assert "relieve a hard lump" in welcome.reprompt  # what she can ask waits in the reprompt (issue 28: shorter)
    assert hears_no_other_market(welcome.speech, market)
    assert welcome.stays_open


def test_relieving_a_lump_sends_warning_signs_to_her_markets_clinician(her_echo: Alexa, market: Market) -> None:
    answer = her_echo.intent("RelieveLumpIntent", FEEDING)
    assert answer.leads_with("fever")
    assert answer.has(f"contact your {market.clinician} today", "cold pack")
    assert hears_no_other_market(answer.speech, market)
    assert answer.stays_open


@pytest.mark.parametrize("intent", ["KeepFeedingIntent", "BabyRefusesIntent", "NipplePainIntent",
                                    "FeelingLowIntent", "PumpingIntent"])
def test_the_new_answers_are_answered_in_every_market(her_echo: Alexa, market: Market, intent: str) -> None:
    answer = her_echo.intent(intent)
    assert answer.stays_open and answer.card and len(answer.speech.split()) <= 50
    assert hears_no_other_market(answer.speech, market)


@pytest.mark.parametrize("words", ["should I keep breastfeeding", "is it safe for my baby"])
def test_keep_feeding_and_safe_for_baby_are_answered_in_her_words_in_every_market(her_echo: Alexa,
                                                                                  words: str) -> None:
    answer = her_echo.say(words)
    assert answer.has("safe for your baby", "both sides") and answer.stays_open


def test_help_names_her_markets_clinician(her_echo: Alexa, market: Market) -> None:
    help_turn = her_echo.say("help")
    assert help_turn.has(f"when to see a {market.clinician_short}", "next", "stop")
    assert hears_no_other_market(help_turn.speech, market)
    assert help_turn.stays_open and help_turn.reprompt


def test_stop_says_goodbye_in_every_market(her_echo: Alexa) -> None:
    her_echo.launch()
    goodbye = her_echo.say("stop")
    assert goodbye.has("goodbye") and goodbye.ended is True


def test_asking_for_a_doctor_in_her_markets_words_names_clinician_and_number(her_echo: Alexa, market: Market) -> None:
    answer = her_echo.say(market.ask_for_a_doctor)
    assert answer.leads_with("very unwell or confused")
    assert answer.has(f"call {market.emergency_number}", f"contact your {market.clinician} today")
    assert hears_no_other_market(answer.speech, market)
    assert not other_emergency_numbers(answer.speech, market)


def test_in_the_uk_the_doctor_advice_names_the_gp_nhs_111_and_999(make_alexa: Callable[..., Alexa]) -> None:
    answer = make_alexa(locale="en-GB").say("when should I see my g. p.")
    assert answer.has("GP", "NHS 111", "999")


@pytest.mark.parametrize("locale, line", [
    ("en-GB", "NHS 111"), ("en-CA", "811"), ("en-AU", "healthdirect on 1800 022 222"),
])
def test_contact_today_names_the_markets_nurse_line_when_the_clinician_cant_be_reached(
        make_alexa: Callable[..., Alexa], locale: str, line: str) -> None:
    turn = make_alexa(locale=locale).intent("ReportSymptomIntent", {"symptom": {"value": "a fever", "id": "FEVER"}})
    assert turn.leads_with("please contact your") and turn.has(line)


@pytest.mark.parametrize("locale, line", [
    ("en-GB", "0300 100 0212"), ("en-AU", "1800 686 268"),
])
def test_feeding_help_names_the_markets_breastfeeding_helpline(make_alexa: Callable[..., Alexa],
                                                               locale: str, line: str) -> None:
    assert make_alexa(locale=locale).intent("NipplePainIntent").has(line)


@pytest.mark.parametrize("locale, line", [
    ("en-US", "1-833-852-6262"), ("en-AU", "thirteen eleven fourteen"), ("en-IN", "14416"), ("en-GB", "NHS 111"),
    ("en-CA", "811"),
])
def test_feeling_low_names_the_markets_support_line_and_the_emergency_number(make_alexa: Callable[..., Alexa],
                                                                          locale: str, line: str) -> None:
    turn = make_alexa(locale=locale).intent("FeelingLowIntent")
    assert turn.has(line, "harm yourself")


def test_very_unwell_and_confused_leads_with_her_markets_emergency_number(her_echo: Alexa, market: Market) -> None:
    turn = her_echo.say("I feel very unwell and confused")
    assert turn.leads_with(f"call {market.emergency_number} now")
    assert not other_emergency_numbers(turn.speech, market)
    assert turn.stays_open is True  # once, so she can say Alexa misheard her
    written = next(line["number"] for line in CARE_LINES[market.locale] if line["name"].startswith("Emergency"))
    assert turn.card and written in turn.card["content"]


def test_india_names_the_108_ambulance_in_an_emergency(make_alexa: Callable[..., Alexa]) -> None:
    turn = make_alexa(locale="en-IN").say("I feel very unwell and confused")
    assert turn.has("call 112 now", "108 for an ambulance")
    assert '<say-as interpret-as="digits">108</say-as>' in turn.ssml


def test_australia_says_triple_zero(make_alexa: Callable[..., Alexa]) -> None:
    alexa = make_alexa(locale="en-AU")
    for turn in (alexa.launch(), alexa.say("I feel very unwell and confused")):
        assert turn.has("triple zero") and "000" not in turn.speech and "zero zero zero" not in turn.speech
    assert "000" in alexa.turns[-1].card["content"]


@pytest.mark.parametrize("locale, first, second", [
    ("en-US", "100.4 degrees Fahrenheit", "38 Celsius"),
    ("en-CA", "38 degrees Celsius", "100.4 Fahrenheit"),
    ("en-IN", "38 degrees Celsius", "100.4 Fahrenheit"),
])
def test_the_fever_threshold_gives_her_markets_scale_first(make_alexa: Callable[..., Alexa], locale: str,
                                                           first: str, second: str) -> None:
    alexa = make_alexa(locale=locale)
    alexa.say("check my symptoms")
    question = alexa.say("no")
    assert question.reprompt.index(first) < question.reprompt.index(second)
    # "Or more" straight after the first figure: after a clause it floated free (sound audit 2026-12-07).
    assert f"{first} or more" in question.reprompt, question.reprompt


@pytest.mark.parametrize("locale", ["en-GB", "en-AU"])
def test_the_fever_threshold_is_celsius_only_where_celsius_is_all_she_uses(make_alexa: Callable[..., Alexa],
                                                                          locale: str) -> None:
    alexa = make_alexa(locale=locale)
    alexa.say("check my symptoms")
    question = alexa.say("no")
    assert "38 degrees Celsius or more" in question.reprompt and "Fahrenheit" not in question.reprompt


# --- every care number she can hear is recorded with its official source ------------------------------

@pytest.mark.parametrize("locale", sorted(CARE_LINES))
def test_every_care_line_names_an_official_source(locale: str) -> None:
    for line in CARE_LINES[locale]:
        assert line["source"].strip() and "checked" in line["source"], f"{CARE_LINES_FILE} [[{locale}]] {line['name']}"


@pytest.mark.parametrize("locale", sorted(CARE_LINES))
def test_every_number_in_the_words_is_a_recorded_care_line(locale: str) -> None:
    content = load_library().for_locale(locale)
    recorded = {line["number"] for line in CARE_LINES[locale]} | {line["spoken"] for line in CARE_LINES[locale]}
    said_or_shown = [text for key, text in flatten(content.data).items() if isinstance(text, str)
                     and (key.rsplit(".", 1)[-1] in SAID_OR_SHOWN or key.startswith("prompts."))]
    found = {number.strip() for text in said_or_shown for number in NUMBER.findall(text)}
    unknown = {number for number in found - QUANTITIES if not any(number in line for line in recorded)}
    assert not unknown, f"{locale}: numbers in the content with no recorded source: {sorted(unknown)}"


@pytest.mark.parametrize("locale, medicine", [
    ("en-US", "acetaminophen"), ("en-CA", "acetaminophen"),
    ("en-GB", "paracetamol"), ("en-AU", "paracetamol"), ("en-IN", "paracetamol"),
])
def test_pain_relief_uses_her_markets_name_for_the_medicine_and_never_a_dose(
        make_alexa: Callable[..., Alexa], locale: str, medicine: str) -> None:
    answer = make_alexa(locale=locale).say("what can I take for the pain")
    assert answer.has(medicine, "pharmacist")
    assert not any(unit in answer.speech.lower() for unit in (" mg", "milligram", "tablet"))


def test_in_canada_the_answer_about_her_safety_gives_a_number_that_finds_a_shelter(
        make_alexa: Callable[..., Alexa]) -> None:
    """"A local shelter can help you make a plan, any time", with no way to reach one at 3 a.m. (QA audit
    2026-12-07). Canada has no national 24/7 abuse line; 211 finds her local shelter, and comes last."""
    turn = make_alexa(locale="en-CA").intent("AbuseIntent")
    assert turn.speech.rstrip(" .").endswith("call 211") and turn.card is None, turn.speech


def test_the_doctor_card_says_where_to_go_when_her_clinician_cant_be_reached_as_the_speech_does(
        her_echo: Alexa, market: Market) -> None:
    """In India she heard "Can't reach them, or it's night? Go to a hospital emergency department", and
    the card left it out (QA audit 8: F9)."""
    turn = her_echo.intent("SeeDoctorIntent")
    heard = turn.speech.replace(" .", ".")  # a number read as digits is followed by a space
    if market.locale == "en-GB":  # "contact your GP or midwife today, or NHS 111": no sentence of its own
        assert turn.has("NHS 111") and "NHS 111" in turn.card["content"]
        return
    where_else = re.search(r"Can't reach them[^?]*\? [^.]+\.", heard)
    assert where_else and where_else.group(0) in turn.card["content"], (turn.speech, turn.card)


def test_the_baby_fever_card_gives_the_emergency_number_in_one_line(her_echo: Alexa, market: Market) -> None:
    """India's card said "Call 112, or 108 for an ambulance, if your baby is floppy" and then "Call 112 at
    any age if your baby is floppy" (QA audit 8: F9): one emergency line, with every sign the speech names."""
    turn = her_echo.intent("BabyFeverIntent")
    emergency = re.escape({"triple zero": "000"}.get(market.emergency_number, market.emergency_number))
    assert len(re.findall(rf"\bCall {emergency}\b", turn.card["content"])) == 1, turn.card["content"]


def test_in_india_the_abuse_line_is_followed_by_112_where_181_does_not_connect(make_alexa: Callable[..., Alexa]) -> None:
    """181 is not run in every state (clinical read 2026-12-07: F9): she is not left with a line that rings out."""
    turn = make_alexa(locale="en-IN").intent("AbuseIntent")
    assert turn.has("181") and turn.speech.replace(" .", ".").endswith("if it doesn't connect, call 112."), turn.speech


def test_in_india_the_baby_emergency_card_names_the_ambulance_where_it_lists_the_signs(
        make_alexa: Callable[..., Alexa]) -> None:
    """The spoken answer gave "112, or 108 for an ambulance"; the card's list said "Call 112" alone (clinical read: F13)."""
    card = make_alexa(locale="en-IN").intent("BabyEmergencyIntent").card["content"]
    assert "Call 112, or 108 for an ambulance, for a baby who:" in card, card


def test_in_australia_the_baby_fever_card_gives_the_spoken_rule_for_an_older_baby(make_alexa: Callable[..., Alexa]) -> None:
    """Spoken "otherwise see your GP today"; the card said "today if your baby seems unwell" (clinical read: F11)."""
    turn = make_alexa(locale="en-AU").intent("BabyFeverIntent")
    assert turn.has("see your GP today") and "- Older: see your GP today." in turn.card["content"], turn.card


def test_after_an_overdose_the_card_introduces_the_crisis_line_in_a_sentence(her_echo: Alexa) -> None:
    """"Once help is on the way, 988 Suicide and Crisis Lifeline: call..." did not read as a sentence (clinical read: F14)."""
    card = her_echo.intent("MotherEmergencyIntent").card["content"]
    assert "once help is on the way you can also reach:\n" in card, card
