"""How the words sound when Alexa reads them to a tired mother: a yes/no question she can answer
without untangling a negative, no word that sounds like swearing, and lines read the way people say
them (a helper's read of every reply's SSML against Amazon's SSML reference, 2026-12-07)."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from skill.content import load_library
from skill.content.schema import SPOKEN_FIELDS
from skill.handlers.reminders import spoken_clock
from tests.conftest import Alexa
from tests.test_speech_lint import spoken_texts

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
# Initialisms people say letter by letter, as Alexa reads them; any other word in capitals may be
# spelled out ("Tele MANAS" as M-A-N-A-S, "PANDA" as P-A-N-D-A).
SAID_AS_LETTERS = {"GP", "NHS", "AM", "PM", "OK"}


def heard_texts(locale: str) -> list[tuple[str, str]]:
    """Every spoken content text of the market, and the terms spoken inside them (not the cards')."""
    data = load_library().for_locale(locale).data
    terms = [(f"terms.{name}", text) for name, text in data["terms"].items()
             if isinstance(text, str) and not name.endswith("_written")]
    return [*spoken_texts(data), *terms]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_warning_sign_question_is_a_sign_she_says_yes_to(locale: str) -> None:
    """"... or no better in 12 to 24 hours?" and "... or no urine all day?": "no" could mean "no, it isn't
    better" or "no, I haven't", and sent her to self-care past a same-day or emergency sign."""
    check = load_library().for_locale(locale).data["check"]["questions"]
    asked = [text for entry in check.values() for key, text in entry.items()
             if key in SPOKEN_FIELDS and isinstance(text, str)]
    asked += [text for entry in check.values() for variant in entry.values() if isinstance(variant, dict)
              for key, text in variant.items() if key in SPOKEN_FIELDS]
    assert asked
    negatives = [text for text in asked if re.search(r"\b(no better|not better|no urine|no improvement|not improving)\b", text)]
    assert not negatives, negatives


@pytest.mark.parametrize("locale", LOCALES)
def test_no_spoken_word_sounds_like_swearing_or_is_spelled_out(locale: str) -> None:
    """"Bloody discharge" is a curse in en-GB, en-AU and en-IN ears; capitals may be read letter by letter."""
    cursing = [key for key, text in heard_texts(locale) if re.search(r"\bbloody\b", text, re.I)]
    assert not cursing, cursing
    capitals = {(key, word) for key, text in heard_texts(locale)
                for word in re.findall(r"\b[A-Z]{3,}\b", text) if word not in SAID_AS_LETTERS}
    assert not capitals, sorted(capitals)


def test_australias_crisis_line_is_said_as_australians_say_it(app_factory, sqlite_store_url: str) -> None:
    """Lifeline is "thirteen eleven fourteen"; read as a phone number it came out "one three, one one, one four"."""
    turn = Alexa(app_factory(sqlite_store_url), locale="en-AU").intent("CrisisIntent")
    assert turn.speech.rstrip(" .").endswith("thirteen eleven fourteen"), turn.speech
    assert "13 11 14" not in turn.ssml


def test_feeling_low_in_australia_ends_with_one_line_to_remember(app_factory, sqlite_store_url: str) -> None:
    """PANDA's and Lifeline's numbers back to back were 16 digits in the last 20 words; PANDA is on the card."""
    turn = Alexa(app_factory(sqlite_store_url), locale="en-AU").intent("FeelingLowIntent")
    assert "1300" not in turn.speech and turn.speech.rstrip(" .").endswith("thirteen eleven fourteen")
    assert "1300 726 306" in turn.card["content"] and "13 11 14" in turn.card["content"]


def test_the_samaritans_number_is_read_digit_by_digit(app_factory, sqlite_store_url: str) -> None:
    """Six digits as a "telephone" number are grouped as Alexa guesses; digit by digit is how it is said."""
    turn = Alexa(app_factory(sqlite_store_url), locale="en-GB").intent("CrisisIntent")
    assert '<say-as interpret-as="digits">116 123</say-as>' in turn.ssml


def test_healthdirect_is_named_wherever_its_number_is_said() -> None:
    """en-AU's baby-fever reprompt said "If you're not sure, call 1800 022 222", with no name (sound audit
    2026-12-07): at 3 a.m. she needs to know who answers. (The abuse lines are named softly, or not at
    all, on purpose: someone may be listening.)"""
    said = [(field, text) for field, text in heard_texts("en-AU") if "1800 022 222" in text]
    assert said and all("healthdirect" in text for _, text in said), said


def test_a_reminder_at_twelve_noon_is_said_as_noon() -> None:
    """"12 PM" is often taken for midnight (sound audit 2026-12-07)."""
    assert spoken_clock(datetime(2026, 12, 8, 12, 0)) == "noon"
    assert spoken_clock(datetime(2026, 12, 8, 12, 30)) == "12:30 PM" and spoken_clock(datetime(2026, 12, 8, 0, 0)) == "12 AM"


def test_talking_to_someone_is_never_a_word_read_two_ways() -> None:
    """"Talking to someone close helps": "close" can be read as the verb (sound audit 2026-12-07)."""
    for locale in LOCALES:
        assert not any("someone close" in text for _, text in heard_texts(locale))
