"""Each of the five markets hears its own words: who to see, and the number to call.

She speaks in her market's words (the samples in interaction_model/<locale>.json); the answer
names her market's clinician (GP in the UK and Australia) and emergency number.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conftest import Alexa


@dataclass(frozen=True)
class Market:
    locale: str
    clinician: str          # who she is told to contact today
    clinician_short: str    # "when should I see a ..."
    emergency_number: str
    ask_for_a_doctor: str   # a sample from this market's SeeDoctorIntent
    not_said: tuple[str, ...] = ()  # words from other markets that must not appear


MARKETS = (
    Market("en-US", "doctor or midwife", "doctor", "911", "should I call my o. b.", ("GP", "NHS")),
    Market("en-GB", "GP or midwife", "GP", "999", "when should I see my g. p.", ("doctor", "911")),
    Market("en-CA", "doctor or midwife", "doctor", "911", "should I see my family doctor", ("GP", "NHS")),
    Market("en-AU", "GP or midwife", "GP", "000", "when should I see my g. p.", ("doctor", "911", "NHS")),
    Market("en-IN", "doctor", "doctor", "112", "when should I see my gynaecologist", ("GP", "911", "NHS")),
)
EMERGENCY_NUMBERS = {market.emergency_number for market in MARKETS}


@pytest.fixture(params=MARKETS, ids=[market.locale for market in MARKETS])
def market(request: pytest.FixtureRequest) -> Market:
    return request.param


@pytest.fixture
def her_echo(make_alexa: Callable[..., Alexa], market: Market) -> Alexa:
    return make_alexa(locale=market.locale)


def hears_no_other_market(speech: str, market: Market) -> bool:
    return not any(re.search(rf"\b{re.escape(other)}\b", speech) for other in market.not_said)


def other_emergency_numbers(speech: str, market: Market) -> set[str]:
    return {number for number in EMERGENCY_NUMBERS - {market.emergency_number}
            if re.search(rf"(?<![\d.]){number}(?!\d|\.\d)", speech)}


def test_the_welcome_names_her_markets_clinician_and_emergency_number(her_echo: Alexa, market: Market) -> None:
    welcome = her_echo.launch()
    assert welcome.has("not medical advice", f"contact your {market.clinician}", market.emergency_number)
    assert welcome.has(f"when should I see a {market.clinician_short}")
    assert hears_no_other_market(welcome.speech, market)
    assert welcome.stays_open


def test_relieving_a_lump_sends_warning_signs_to_her_markets_clinician(her_echo: Alexa, market: Market) -> None:
    answer = her_echo.say("how do I relieve a hard lump")
    assert answer.leads_with(f"contact your {market.clinician} today")
    assert answer.has(f"see your {market.clinician_short}", "cold pack")
    assert hears_no_other_market(answer.speech, market)
    assert answer.stays_open


def test_help_names_her_markets_clinician(her_echo: Alexa, market: Market) -> None:
    help_turn = her_echo.say("help")
    assert help_turn.has(f"when should I see a {market.clinician_short}", "next", "stop")
    assert hears_no_other_market(help_turn.speech, market)
    assert help_turn.stays_open and help_turn.reprompt


def test_stop_says_goodbye_in_every_market(her_echo: Alexa) -> None:
    her_echo.launch()
    goodbye = her_echo.say("stop")
    assert goodbye.has("goodbye") and goodbye.ended is True


def test_asking_for_a_doctor_in_her_markets_words_names_clinician_and_number(her_echo: Alexa, market: Market) -> None:
    answer = her_echo.say(market.ask_for_a_doctor)
    assert answer.leads_with(f"contact your {market.clinician} today")
    assert answer.has(f"call {market.emergency_number}")
    assert hears_no_other_market(answer.speech, market)
    assert not other_emergency_numbers(answer.speech, market)


def test_in_the_uk_the_doctor_advice_names_the_gp_nhs_111_and_999(make_alexa: Callable[..., Alexa]) -> None:
    alexa = make_alexa(locale="en-GB")
    answer = alexa.say("when should I see my g. p.")
    assert answer.has("GP", "NHS 111", "999")
    assert answer.card and "NHS 111" in answer.card["content"]


def test_in_the_uk_contact_today_offers_nhs_111_when_the_gp_is_closed(make_alexa: Callable[..., Alexa]) -> None:
    turn = make_alexa(locale="en-GB").say("I have a fever")
    assert turn.leads_with("contact your GP or midwife today")
    assert turn.has("NHS 111", "999")


def test_very_unwell_and_confused_leads_with_her_markets_emergency_number(her_echo: Alexa, market: Market) -> None:
    turn = her_echo.say("I feel very unwell and confused")
    assert turn.leads_with(f"call {market.emergency_number} now")
    assert not other_emergency_numbers(turn.speech, market)
    assert turn.ended is True
    assert turn.card and market.emergency_number in turn.card["content"]


@pytest.mark.parametrize("locale, first, second", [
    ("en-US", "100.4 degrees Fahrenheit", "38 degrees Celsius"),
    ("en-CA", "38 degrees Celsius", "100.4 degrees Fahrenheit"),
    ("en-IN", "38 degrees Celsius", "100.4 degrees Fahrenheit"),
])
def test_the_fever_question_gives_her_markets_scale_first(make_alexa: Callable[..., Alexa], locale: str,
                                                          first: str, second: str) -> None:
    question = make_alexa(locale=locale).say("check my symptoms")
    assert question.speech.index(first) < question.speech.index(second)


@pytest.mark.parametrize("locale", ["en-GB", "en-AU"])
def test_the_fever_question_is_celsius_only_where_celsius_is_all_she_uses(make_alexa: Callable[..., Alexa],
                                                                         locale: str) -> None:
    question = make_alexa(locale=locale).say("check my symptoms")
    assert question.has("38 degrees Celsius") and "Fahrenheit" not in question.speech
