"""On an Echo Show, launch and each warning-sign question show what is asked and what she can say;
a reply with no card that gives her a number to call shows what it said.

A picture of the choices helps most when she is holding a baby and cannot remember the words.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.conversation.render import APL_DIR, prompt_words
from skill.content.schema import CHECK_QUESTIONS
from skill.envelopes import ECHO_SHOW
from skill.understanding.matcher import understanding_for
from tests.conftest import Alexa, Turn

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"


def prompt_of(turn: Turn) -> dict[str, Any]:
    screens = [directive for directive in turn.directives if directive["type"] == RENDER_DOCUMENT]
    assert len(screens) == 1, f"expected one screen, got {turn.directives}"
    assert screens[0]["document"]["description"].startswith("On launch and during the warning-sign check")
    return screens[0]["datasources"]["prompt"]


@pytest.fixture
def echo_show(make_alexa: Callable[..., Alexa]) -> Alexa:
    return make_alexa(device=ECHO_SHOW)


def test_launch_shows_what_she_can_say_and_the_emergency_number(echo_show: Alexa) -> None:
    prompt = prompt_of(echo_show.launch())
    assert prompt["choices"] == ["How do I relieve a hard lump?", "When should I see a doctor?", "Check my symptoms"]
    assert prompt["label"] == "Lump Relief Guide" and prompt["emergency"] == "In an emergency, call 911."


def test_launch_in_the_uk_names_the_gp_and_999(make_alexa: Callable[..., Alexa]) -> None:
    prompt = prompt_of(make_alexa(device=ECHO_SHOW, locale="en-GB").launch())
    assert "When should I see a GP?" in prompt["choices"] and "999" in prompt["emergency"]


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_every_launch_choice_is_understood_as_what_it_says(make_alexa: Callable[..., Alexa], locale: str) -> None:
    prompt = prompt_of(make_alexa(device=ECHO_SHOW, locale=locale).launch())
    understood = [understanding_for(locale).understand(choice, None).intent for choice in prompt["choices"]]
    assert understood == ["RelieveLumpIntent", "SeeDoctorIntent", "SymptomCheckIntent"]


def test_each_warning_sign_question_is_shown_with_its_number_and_the_answers(echo_show: Alexa) -> None:
    turns = [echo_show.say("check my symptoms"), echo_show.say("no"), echo_show.say("no")]
    for number, turn in enumerate(turns, start=1):
        prompt = prompt_of(turn)
        assert prompt["label"] == f"Warning-sign check: question {number} of {len(CHECK_QUESTIONS)}"
        assert prompt["question"] and turn.speech.endswith(prompt["question"])
        assert prompt["choices"] == ["Yes", "No", "I'm not sure"]


def test_a_restated_question_is_shown_in_its_new_words(echo_show: Alexa) -> None:
    echo_show.say("check my symptoms")
    turn = echo_show.say("I'm not sure")
    assert turn.speech.endswith(prompt_of(turn)["question"])


def test_returning_mid_walk_shows_the_question_and_yes_or_no(make_alexa: Callable[..., Alexa]) -> None:
    alexa = make_alexa(device=ECHO_SHOW)
    alexa.launch()
    alexa.say("take me through the steps")
    alexa.say("next")
    alexa.walk_away()
    prompt = prompt_of(alexa.launch())
    assert "carry on" in prompt["question"].lower() and prompt["choices"] == ["Yes", "No"]


def test_her_safety_at_home_replaces_the_steps_on_screen_with_only_what_she_can_ask_and_no_card(echo_show: Alexa) -> None:
    """The steps were on screen when she said "he hits me": the lump must not stay up while she hears 911.
    Nor may her answer be drawn in large text, helpline and all, for whoever walks in (QA audit 2026-12-07):
    the screen shows what anyone could ask, the emergency number beneath; "repeat" says it, shows nothing."""
    launch = prompt_of(echo_show.launch())
    echo_show.say("take me through the steps")
    for turn in (echo_show.intent("AbuseIntent"), echo_show.intent("AMAZON.RepeatIntent")):
        prompt = prompt_of(turn)
        assert turn.card is None and turn.has("not your fault") and prompt == launch, prompt
        assert prompt["emergency"] == "In an emergency, call 911."


def test_words_alexa_could_not_place_show_the_safety_net_not_the_last_answer(echo_show: Alexa) -> None:
    echo_show.say("take me through the steps")
    echo_show.say("next")
    turn = echo_show.intent("AMAZON.FallbackIntent")
    prompt = prompt_of(turn)
    assert turn.speech.startswith("Sorry") and prompt["question"].startswith("Sorry") and "911" in prompt["question"]
    assert prompt["emergency"] == "In an emergency, call 911."


def test_the_safety_net_while_a_question_waits_shows_it_with_yes_and_no(echo_show: Alexa) -> None:
    echo_show.say("how do I relieve a hard lump")  # "Shall I take you through the steps?"
    prompt = prompt_of(echo_show.intent("AMAZON.FallbackIntent"))
    assert "911" in prompt["question"] and prompt["question"].endswith("?") and prompt["choices"] == ["Yes", "No"]


# The screen and card audit (2026-12-07): a reply with no card sent no screen, so the last one stayed up.

@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_stop_after_the_answer_about_her_safety_replaces_it_on_screen_with_goodbye(
        make_alexa: Callable[..., Alexa], locale: str) -> None:
    """"Stop" is her quick exit, most likely because someone came in; the Echo Show kept "It's not your
    fault ... talk in private" and the line's number up in large text."""
    echo_show = make_alexa(locale=locale, device=ECHO_SHOW)
    echo_show.intent("AbuseIntent")
    goodbye = echo_show.intent("AMAZON.StopIntent")
    prompt = prompt_of(goodbye)
    assert goodbye.ended and prompt["question"] == "Goodbye for now." and prompt["choices"] == []


def test_delete_everything_asked_mid_check_is_shown_with_yes_and_no_not_the_check_question(echo_show: Alexa) -> None:
    """"Forget me" mid-check left "Very unwell or confused? ... Say Yes / No" up: a yes to the screen deleted her data."""
    echo_show.launch()
    echo_show.walk_away()  # she has been before: there is something to delete, so it is asked first
    echo_show.say("check my symptoms")
    prompt = prompt_of(echo_show.say("forget me"))
    assert prompt["question"].startswith("Shall I delete everything") and prompt["choices"] == ["Yes", "No"]


def test_every_number_a_follow_up_speaks_is_on_screen(echo_show: Alexa) -> None:
    """After the support answer, "okay" spoke 988, which neither the screen nor any card showed."""
    echo_show.intent("ReportSymptomIntent", {"happening": {"value": "don't love my baby"}})
    turn = echo_show.intent("AMAZON.YesIntent")
    assert "988" in turn.speech and "988" in prompt_of(turn)["question"]


def test_a_goodbye_replaces_the_last_answer_on_screen(echo_show: Alexa) -> None:
    echo_show.say("how do I relieve a hard lump")
    goodbye = echo_show.intent("AMAZON.StopIntent")
    assert goodbye.ended and prompt_of(goodbye)["question"] == goodbye.speech


def test_a_speaker_gets_no_screen_on_launch_or_in_the_check(alexa: Alexa) -> None:
    assert alexa.launch().directives == [] and alexa.say("check my symptoms").directives == []
    assert alexa.intent("AMAZON.FallbackIntent").directives == [] and alexa.intent("AbuseIntent").directives == []


def test_the_prompt_words_are_data_beside_the_document() -> None:
    assert (APL_DIR / "prompt.json").is_file() and set(prompt_words()) >= {"launch", "check", "emergency"}
