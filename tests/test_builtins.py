"""Alexa's built-in intents, as the console knows them: help and goodbyes in her words (issue 18).

On a device Amazon's model knows "bye" or "what are my options"; the console's matcher learns the
built-ins from skill/understanding/builtins.toml. The phrasings below are kept apart from that list.
"""
from __future__ import annotations

import pytest

from skill.understanding.matcher import built_in_phrases, normalise, understanding_for

HELD_OUT: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": (
        "what are all my options", "what topics can you cover", "can you give me some examples",
        "how do i use this thing", "what sort of things can i ask", "please help", "i need some help here",
        "what can i say to you", "how does this skill work", "can you give me an example please",
    ),
    "AMAZON.StopIntent": (
        "okay bye then", "bye alexa", "quit please", "ok thanks that's all", "okay that'll do", "goodbye for now",
        "that's all for now", "exit please", "that's all thank you", "okay thanks goodbye", "stop please",
        "i'm done now thanks", "thanks bye bye",
    ),
    "AMAZON.CancelIntent": ("cancel please", "never mind then"),
    "AMAZON.YesIntent": ("yes please do", "yeah sure", "okay sure"),
    "AMAZON.NoIntent": ("nope not now", "no thanks i'm fine"),
    "AMAZON.NextIntent": ("next please", "the next one"),
    "AMAZON.PreviousIntent": ("go back one please", "back one"),
    "AMAZON.RepeatIntent": ("repeat please", "say it one more time"),
    "AMAZON.StartOverIntent": ("start over please", "let's start from the top"),
    "AMAZON.NavigateHomeIntent": ("go to the home screen",),
}
FLOOR = 0.95


def test_the_held_out_phrasings_are_not_in_the_built_in_list() -> None:
    listed = {said for phrases in built_in_phrases().values() for said in phrases}
    assert not {normalise(said) for phrases in HELD_OUT.values() for said in phrases} & listed


def test_every_built_in_intent_lists_phrases() -> None:
    phrases = built_in_phrases()
    assert set(HELD_OUT) <= set(phrases) and all(phrases[name] for name in HELD_OUT)


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-IN"])
def test_help_and_goodbyes_in_her_words_reach_the_built_in(locale: str) -> None:
    understanding = understanding_for(locale)
    said = [(intent, words) for intent, phrases in HELD_OUT.items() for words in phrases]
    wrong = [(words, understanding.understand(words).intent) for intent, words in said
             if understanding.understand(words).intent != intent]
    assert 1 - len(wrong) / len(said) >= FLOOR, wrong


@pytest.mark.parametrize("words", ["bye", "quit", "that'll do thanks bye", "okay thanks bye", "that's all"])
def test_the_issue_goodbyes_end_the_session(alexa, words: str) -> None:
    alexa.launch()
    turn = alexa.say(words)
    assert turn.ended is True


@pytest.mark.parametrize("words", ["what are my options", "what topics do you cover", "give me some examples",
                                   "how do i use this"])
def test_the_issue_help_phrasings_get_help_not_the_check(alexa, words: str) -> None:
    alexa.launch()
    turn = alexa.say(words)
    assert turn.stays_open and "can only help with" not in turn.speech
    assert alexa.session.attributes.get("conversation", {}).get("question") != "check"
