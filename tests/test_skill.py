"""The skill answers her questions end to end: every intent, one-shot use, session end, failures."""
from __future__ import annotations

import pytest

from skill.content import LocaleContent
from skill.handlers.topics import TOPIC_INTENTS
from skill.conversation.render import check_ssml
from tests.conftest import Alexa

TOPIC_KEY_PHRASES = {
    "relieve": "cold pack",
    "food": "special diet",
    "massage": "never knead",
    "hygiene": "skip soap on your nipples",
    "doctor": "today",
    "why": "narrow",
    "risks": "12 to 24 hours",
    "reassurance": "common",
    "weaning": "no need to stop",  # asked by a feeding mother ("should I stop breastfeeding?"); weaning: tests/test_conversation.py
    "keepfeeding": "safe for your baby",
    "babyrefuses": "calm or sleepy",
    "painrelief": "pharmacist",
    "heatcold": "cold pack",
    "howlong": "12 to 24 hours",
    "changes": "appointment",
    "nipples": "attachment",
    "pumping": "no extra pumping sessions",
    "feelinglow": "call 911",
    "milkcolour": "colostrum",
}
FEEDING = {"situation": {"value": "breastfeeding", "id": "FEEDING"}}


def test_the_health_check_answers(alexa: Alexa) -> None:
    response = alexa.app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["store"] == "reachable"


def test_opening_the_skill_welcomes_her_and_says_what_she_can_ask(alexa: Alexa) -> None:
    turn = alexa.launch()
    assert turn.status == 200
    assert turn.has("not medical advice")
    assert turn.stays_open and "check my symptoms" in turn.reprompt  # what she can say waits in the reprompt


@pytest.mark.parametrize("intent", sorted(TOPIC_INTENTS))
def test_every_topic_is_answered_briefly_with_a_card_and_a_next_step(alexa: Alexa, intent: str) -> None:
    topic = TOPIC_INTENTS[intent]
    turn = alexa.intent(intent, FEEDING)
    assert turn.has(TOPIC_KEY_PHRASES[topic])
    assert turn.card and turn.card["title"] and turn.card["content"]
    assert turn.stays_open and turn.reprompt
    assert check_ssml(turn.ssml) <= 50


def test_one_shot_when_should_i_see_a_doctor_answers_directly(alexa: Alexa) -> None:
    turn = alexa.say("when should I see a doctor")  # the first request of a new session
    assert alexa.turns == [turn]
    assert turn.leads_with("call 911")
    assert turn.has("contact your doctor or midwife today")


def test_one_shot_relief_for_a_feeding_mother_covers_warning_signs_feeding_and_comfort(alexa: Alexa) -> None:
    turn = alexa.intent("RelieveLumpIntent", FEEDING)
    assert turn.leads_with("fever")
    assert turn.has("contact your doctor or midwife today", "keep feeding", "cold pack")


def test_help_explains_how_to_move_around(alexa: Alexa) -> None:
    turn = alexa.say("help")
    assert turn.has("next", "go back") and turn.stays_open


@pytest.mark.parametrize("words", ["stop", "cancel"])
def test_stop_and_cancel_say_a_short_goodbye_and_end_the_session(alexa: Alexa, words: str) -> None:
    turn = alexa.say(words)
    assert turn.ended is True
    assert 0 < len(turn.speech.split()) <= 15


def test_words_the_skill_does_not_cover_get_the_fallback(alexa: Alexa) -> None:
    turn = alexa.say("what is the capital of peru")
    assert turn.has("I can") and turn.stays_open


def test_an_intent_the_skill_does_not_know_gets_the_fallback_not_an_error(alexa: Alexa) -> None:
    turn = alexa.intent("OrderPizzaIntent")
    assert turn.status == 200
    assert turn.has("I can") and turn.stays_open


@pytest.mark.parametrize("asked_by", [["check my symptoms"], ["how do I relieve a hard lump"],
                                      ["check my symptoms", "no"]])
def test_words_alexa_cannot_place_while_a_question_waits_keep_the_safety_net_and_ask_it_again(
        alexa: Alexa, asked_by: list[str]) -> None:
    """Mid-check, "Sorry, I missed that… I can only help with breast lumps" left the warning-sign
    question unasked, and her silence then heard "You can ask how to relieve a hard lump" (walkthrough,
    2026-12-06)."""
    for words in asked_by:
        asked = alexa.say(words)
    turn = alexa.intent("AMAZON.FallbackIntent")
    assert turn.leads_with("sorry, i missed that") and turn.has("call 911")
    assert "only help with breast lumps" not in turn.speech
    assert asked.reprompt and turn.reprompt == asked.reprompt and turn.speech.endswith(asked.reprompt)
    assert "didn't ask" not in alexa.say("yes").speech


@pytest.mark.parametrize("asked_by", [["check my symptoms"], ["how do I relieve a hard lump"],
                                      ["check my symptoms", "no"]])
def test_help_while_a_question_waits_says_how_to_answer_and_asks_it_again(alexa: Alexa, asked_by: list[str]) -> None:
    """"What do you mean?" or "help" mid-check got the general help line, the question was dropped,
    and her next "no" heard "I didn't ask a question just then" (walkthrough, 2026-12-06)."""
    for words in asked_by:
        asked = alexa.say(words)
    turn = alexa.intent("AMAZON.HelpIntent")
    assert turn.has("say stop") and turn.speech.endswith(asked.reprompt) and turn.reprompt == asked.reprompt
    assert "didn't ask" not in alexa.say("no").speech


def test_a_symptom_report_with_no_slot_gives_relief_and_offers_the_check(alexa: Alexa) -> None:
    turn = alexa.intent("ReportSymptomIntent")
    assert turn.leads_with("fever") and turn.has("cold pack", "three quick questions") and turn.stays_open


def test_words_alexa_could_not_resolve_are_never_the_lump_answer_but_one_screening_question(alexa: Alexa) -> None:
    """Unresolved words arrive with ER_SUCCESS_NO_MATCH; nothing in them is danger, so she is asked."""
    turn = alexa.intent("ReportSymptomIntent", {"symptom": {"value": "a funny feeling all over", "id": None}})
    assert turn.has("very unwell, confused or faint") and "cold pack" not in turn.speech and turn.stays_open
    assert "911" in turn.body["response"]["reprompt"]["outputSpeech"]["ssml"]  # silence hears the number


def test_a_red_flag_sign_alexa_could_not_resolve_still_gets_the_emergency_number(alexa: Alexa) -> None:
    turn = alexa.intent("ReportSymptomIntent", {"symptom": {"value": "purple spots", "id": None}})
    assert turn.leads_with("Call 911 now")


def test_session_end_gets_no_speech(alexa: Alexa) -> None:
    alexa.launch()
    turn = alexa.walk_away()
    assert turn.status == 200
    assert "outputSpeech" not in turn.body["response"]


def test_a_handler_that_fails_gets_an_apology_and_the_failure_is_logged(
        alexa: Alexa, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("content lookup exploded")

    monkeypatch.setattr(LocaleContent, "fitting", broken)
    turn = alexa.say("what should I eat")
    assert turn.status == 200
    assert turn.has("sorry") and turn.stays_open
    assert any(record.message == "handler failed" and record.exc_info for record in caplog.records)


def test_an_apology_keeps_her_place(alexa: Alexa, monkeypatch: pytest.MonkeyPatch) -> None:
    alexa.intent("WalkStepsIntent", FEEDING)
    alexa.say("next")
    with monkeypatch.context() as broken:
        broken.setattr(LocaleContent, "fitting", lambda *args: 1 / 0)
        alexa.say("what should I eat")
    assert alexa.say("next").has("Step 3 of 4")


def test_a_broken_store_still_answers_her(app_factory, tmp_path) -> None:
    alexa = Alexa(app_factory(f"sqlite:///{tmp_path}/missing-dir/skill.db"))
    turn = alexa.launch()
    assert turn.status == 200 and turn.has("not medical advice")
    assert alexa.intent("WalkStepsIntent", FEEDING).has("Step 1 of 4")


def test_the_emergency_number_is_read_digit_by_digit(alexa: Alexa) -> None:
    turn = alexa.say("I feel very unwell and confused")
    assert '<say-as interpret-as="digits">911</say-as>' in turn.ssml


def test_words_on_both_sides_of_a_pause_count_towards_the_limit() -> None:
    from skill.conversation.render import SpeechLimitError, speech_ssml

    sentences = ["word " * 24 + "end.", "start " + "word " * 25]  # 51 words once the pause splits them
    with pytest.raises(SpeechLimitError, match="51 spoken words"):
        check_ssml(speech_ssml(sentences))
