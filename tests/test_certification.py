"""What Amazon's certification tries first, as she would meet it: a reply that leaves the microphone
open asks her something (certification audit, 2026-12-07). The first welcome ends "What's your
question?" and says what she can ask in its reprompt: it stays within 25 heard words
(tests/test_speech_lint.py).

Answers that end with a line to remember (NHS 111, 811, a helpline) keep that number last, as the brief
asks, and put their question in the reprompt: docs/deployment.md, "Certification", says why.
"""
from __future__ import annotations

import pytest

from skill.content import load_library
from tests.conftest import Alexa

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


@pytest.fixture
def her(app_factory, sqlite_store_url: str, request: pytest.FixtureRequest) -> Alexa:
    return Alexa(app_factory(sqlite_store_url), locale=getattr(request, "param", "en-US"))


@pytest.mark.parametrize("her", LOCALES, indirect=True)
def test_words_alexa_could_not_place_get_the_safety_net_then_a_question(her: Alexa) -> None:
    """"Tell me a joke" ended "... ask your doctor or a pharmacist." with the microphone open: a reviewer's
    first unrelated request, in every market."""
    her.launch()
    turn = her.intent("AMAZON.FallbackIntent")
    number = load_library().for_locale(her.locale).data["terms"]["emergency_number"]
    assert turn.stays_open and turn.speech.rstrip().endswith("?"), turn.speech
    assert number in " ".join(turn.speech.split()[:16])  # the safety net still comes first
    assert her.intent("AMAZON.YesIntent").has("what would you like")  # her "yes" to it is heard


def test_home_on_a_first_visit_is_not_welcome_back(her: Alexa) -> None:
    """"Go home" on her first visit, or mid-conversation, said "Welcome back"."""
    her.launch()
    turn = her.intent("AMAZON.NavigateHomeIntent")
    assert not turn.has("welcome back") and turn.has("relieve a hard lump") and turn.stays_open
    assert her.intent("AMAZON.NoIntent").ended  # "no" to "What would you like to know?" is a goodbye
