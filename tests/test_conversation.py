"""Hands-free conversations, played turn by turn on SQLite and on DynamoDB (dynalite).

Each test is a transcript: she says X, Alexa answers Y, the session stays open or ends.
"""
from __future__ import annotations

import pytest

from tests.conftest import Alexa


def step_heading(number: int) -> str:
    return f"Step {number} of 4"


def test_a_ten_turn_walk_gives_the_right_answer_at_each_turn(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store

    overview = alexa.say("how do I relieve a hard lump")
    assert overview.has("contact your doctor or midwife today", "cold pack", "through the steps")
    assert overview.stays_open

    assert alexa.say("next").has(step_heading(1), "armpit")
    assert alexa.say("next").has(step_heading(2), "rest")
    third = alexa.say("next")
    assert third.has(step_heading(3), "clean")

    back = alexa.say("go back")
    assert back.has(step_heading(2), "rest")

    again = alexa.say("repeat")
    assert again.speech == back.speech and again.reprompt == back.reprompt

    food = alexa.say("what should I eat")
    assert food.has("special diet", "go back to step 2")
    assert alexa.say("yes").has(step_heading(2), "rest")

    assert alexa.say("start over").has(step_heading(1), "armpit")

    goodbye = alexa.say("stop")
    assert goodbye.ended is True
    assert goodbye.speech


def test_next_after_the_last_step_says_it_was_the_last(alexa: Alexa) -> None:
    alexa.say("take me through the steps")
    for number in (2, 3, 4):
        assert alexa.say("next").has(step_heading(number))
    last = alexa.say("next")
    assert last.has("last step") and last.stays_open


def test_go_back_at_the_first_step_says_so_and_reads_it_again(alexa: Alexa) -> None:
    alexa.say("take me through the steps")
    turn = alexa.say("go back")
    assert turn.has("first step", step_heading(1))


def test_go_back_outside_the_steps_offers_something_useful(alexa: Alexa) -> None:
    turn = alexa.say("go back")
    assert turn.stays_open and "Step" not in turn.speech


def test_next_outside_the_steps_starts_them(alexa: Alexa) -> None:
    assert alexa.say("next").has(step_heading(1))


def test_repeat_with_nothing_said_yet_helps_instead(alexa: Alexa) -> None:
    turn = alexa.say("repeat")
    assert turn.stays_open and turn.speech


def test_repeat_keeps_the_question_open_so_yes_still_answers_it(alexa: Alexa) -> None:
    alexa.say("how do I relieve a hard lump")
    alexa.say("repeat")
    assert alexa.say("yes").has(step_heading(1))


# --- yes and no answer the question just asked, and only that one -------------------------------

def test_yes_to_the_offer_of_steps_starts_them_and_no_declines(alexa: Alexa) -> None:
    alexa.say("how do I relieve a hard lump")
    assert alexa.say("yes").has(step_heading(1))
    alexa.say("how do I relieve a hard lump")
    declined = alexa.say("no")
    assert "Step" not in declined.speech and declined.stays_open


def test_yes_to_returning_mid_walk_goes_back_to_her_step_and_no_keeps_her_place(alexa: Alexa) -> None:
    alexa.say("take me through the steps")
    alexa.say("next")
    alexa.say("why do I get lumps")
    assert "Step" not in alexa.say("no").speech
    assert alexa.say("next").has(step_heading(3))


def test_yes_when_nothing_was_asked_does_not_guess(alexa: Alexa) -> None:
    turn = alexa.say("yes")
    assert turn.stays_open and "Step" not in turn.speech


def test_a_second_yes_does_not_answer_the_same_question_twice(alexa: Alexa) -> None:
    alexa.say("how do I relieve a hard lump")
    alexa.say("yes")
    alexa.say("what should I eat")
    assert alexa.say("yes").has(step_heading(1))  # answers "go back to step 1?", not the old offer
    assert "Step" not in alexa.say("yes").speech    # nothing is pending now


def test_a_topic_asked_mid_walk_is_answered_then_offers_the_way_back(alexa: Alexa) -> None:
    alexa.say("take me through the steps")
    alexa.say("next")
    alexa.say("next")
    turn = alexa.say("when should I see a doctor")
    assert turn.has("today", "go back to step 3")
    assert alexa.say("yes").has(step_heading(3))


# --- the warning-sign check: warning signs before self-care ---------------------------------------

def test_a_fever_leads_with_seeing_a_doctor_today(alexa_on_each_store: Alexa) -> None:
    turn = alexa_on_each_store.say("I have a fever")
    assert turn.leads_with("contact your doctor or midwife today")
    assert turn.card and turn.stays_open


def test_red_and_hot_leads_with_seeing_a_doctor_today(alexa: Alexa) -> None:
    turn = alexa.say("my breast is red and hot")
    assert turn.leads_with("contact your doctor or midwife today")


def test_very_unwell_and_confused_leads_with_the_emergency_number(alexa_on_each_store: Alexa) -> None:
    turn = alexa_on_each_store.say("I feel very unwell and confused")
    assert turn.leads_with("call 911 now")
    assert turn.ended is True


@pytest.mark.parametrize("words", [
    "I feel like I have the flu", "there's pus", "it's been there for three days", "I have chills",
])
def test_each_reported_warning_sign_sends_her_to_a_doctor_today(alexa: Alexa, words: str) -> None:
    assert alexa.say(words).leads_with("contact your doctor or midwife today")


def test_a_lump_still_there_after_weaning_books_an_appointment(alexa: Alexa) -> None:
    turn = alexa.say("it's still there weeks after weaning")
    assert turn.has("appointment") and turn.stays_open


def test_the_check_asks_fever_first_and_a_yes_sends_her_to_a_doctor_today(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store
    first = alexa.say("check my symptoms")
    assert first.has("38 degrees Celsius", "chills") and first.stays_open
    outcome = alexa.say("yes")
    assert outcome.leads_with("contact your doctor or midwife today")
    assert outcome.has("911")  # the emergency line is part of the advice
    assert outcome.has("through the steps")  # then the self-care steps while she waits
    assert alexa.say("yes").has(step_heading(1))


def test_the_check_asks_about_redness_second_and_a_yes_means_today(alexa: Alexa) -> None:
    alexa.say("check my symptoms")
    second = alexa.say("no")
    assert second.has("red", "pus", "12 to 24 hours")
    assert alexa.say("yes").leads_with("contact your doctor or midwife today")


def test_the_check_asks_whether_it_lasted_third_and_a_yes_books_an_appointment(alexa: Alexa) -> None:
    alexa.say("check my symptoms")
    alexa.say("no")
    third = alexa.say("no")
    assert third.has("six weeks", "firm and fixed")
    outcome = alexa.say("yes")
    assert outcome.leads_with("book an appointment")


def test_no_warning_signs_gives_self_care_and_when_to_check_again(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store
    alexa.say("check my symptoms")
    questions = [alexa.say("no") for _ in range(2)]
    assert all(turn.stays_open for turn in questions)
    outcome = alexa.say("no")
    assert outcome.has("12 to 24 hours")
    assert outcome.has("through the steps")
    assert len([t for t in alexa.turns if "?" in t.speech]) <= 5  # three questions, no more


def test_a_plain_lump_report_starts_the_check(alexa: Alexa) -> None:
    assert alexa.say("I have a hard lump").has("chills")


def test_start_over_during_the_check_restarts_the_check(alexa: Alexa) -> None:
    alexa.say("check my symptoms")
    alexa.say("no")
    assert alexa.say("start over").has("chills")


# --- memory: she is welcomed back where she stopped ------------------------------------------------

def test_first_visit_gets_the_full_welcome_with_the_notice(alexa: Alexa) -> None:
    turn = alexa.launch()
    assert turn.has("not medical advice") and turn.stays_open


def test_a_returning_visit_gets_a_short_welcome_back(alexa: Alexa) -> None:
    alexa.launch()
    alexa.say("stop")
    turn = alexa.launch()
    assert turn.has("welcome back") and not turn.has("not medical advice")


def test_after_a_restart_mid_walk_she_is_offered_to_continue_at_the_same_step(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store
    alexa.launch()
    alexa.say("take me through the steps")
    alexa.say("next")
    alexa.walk_away()

    alexa.restart_service()
    welcome = alexa.launch()
    assert welcome.has("welcome back", "step 2 of 4")
    assert alexa.say("yes").has(step_heading(2))


def test_declining_to_resume_is_remembered(alexa: Alexa) -> None:
    alexa.launch()
    alexa.say("take me through the steps")
    alexa.say("stop")
    alexa.launch()
    alexa.say("no")
    alexa.say("stop")
    assert not alexa.launch().has("step 1 of 4")


def test_only_what_the_features_need_is_stored(alexa: Alexa) -> None:
    alexa.launch()
    alexa.say("take me through the steps")
    assert set(alexa.stored) == {"visits", "step", "record"}
    assert alexa.stored["step"] == 0 and alexa.stored["visits"] == 1


def test_forget_me_erases_everything_after_she_confirms(alexa_on_each_store: Alexa) -> None:
    alexa = alexa_on_each_store
    alexa.launch()
    alexa.say("take me through the steps")
    assert alexa.stored

    confirm = alexa.say("forget me")
    assert confirm.stays_open and "?" in confirm.speech
    done = alexa.say("yes")
    assert done.ended is True
    assert alexa.stored == {}

    assert alexa.launch().has("not medical advice")  # a first visit again


def test_no_to_forget_me_keeps_everything(alexa: Alexa) -> None:
    alexa.launch()
    alexa.say("take me through the steps")
    alexa.say("delete my data")
    kept = alexa.say("no")
    assert kept.stays_open
    assert alexa.stored["step"] == 0
