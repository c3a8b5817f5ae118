"""Name-free routing: Alexa asks "can you answer this?" and the skill says yes or no, silently.

A CanFulfillIntentRequest has no session: the answer carries no speech, no session attributes,
and nothing is written to her store.
"""
from __future__ import annotations

from typing import Any

import pytest

from skill.envelopes import Session
from skill.handlers.topics import TOPIC_INTENTS
from tests.conftest import Alexa, Turn

RESOLVED_FEVER = {"symptom": {"value": "a fever", "id": "FEVER"}}
UNRESOLVED_COLOUR = {"symptom": {"value": "purple", "id": None}}


def ask_can_fulfill(alexa: Alexa, name: str, slots: dict[str, Any] | None = None) -> Turn:
    return alexa.send(Session(user_id=alexa.user_id, locale=alexa.locale).can_fulfill(name, slots))


def verdict(turn: Turn) -> dict[str, Any]:
    return turn.body["response"].get("canFulfillIntent", {})


def assert_silent_and_stateless(alexa: Alexa, turn: Turn) -> None:
    assert turn.status == 200
    assert "outputSpeech" not in turn.body["response"]
    assert "reprompt" not in turn.body["response"]
    assert "sessionAttributes" not in turn.body or not turn.body["sessionAttributes"]
    assert alexa.stored == {}


@pytest.mark.parametrize("intent", [*sorted(TOPIC_INTENTS), "WalkStepsIntent", "SymptomCheckIntent"])
def test_every_topic_the_steps_and_the_symptom_check_can_be_fulfilled(alexa: Alexa, intent: str) -> None:
    turn = ask_can_fulfill(alexa, intent)
    assert verdict(turn).get("canFulfill") == "YES"
    assert_silent_and_stateless(alexa, turn)


def test_a_reported_symptom_that_resolved_can_be_fulfilled_and_its_slot_understood(alexa: Alexa) -> None:
    turn = ask_can_fulfill(alexa, "ReportSymptomIntent", RESOLVED_FEVER)
    assert verdict(turn).get("canFulfill") == "YES"
    assert verdict(turn)["slots"]["symptom"] == {"canUnderstand": "YES", "canFulfill": "YES"}
    assert_silent_and_stateless(alexa, turn)


def test_a_reported_symptom_that_did_not_resolve_is_declined(alexa: Alexa) -> None:
    turn = ask_can_fulfill(alexa, "ReportSymptomIntent", UNRESOLVED_COLOUR)
    assert verdict(turn).get("canFulfill") == "NO"
    assert verdict(turn)["slots"]["symptom"] == {"canUnderstand": "NO", "canFulfill": "NO"}
    assert_silent_and_stateless(alexa, turn)


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "OrderPizzaIntent"])
def test_stop_and_an_intent_the_skill_does_not_know_are_declined(alexa: Alexa, intent: str) -> None:
    turn = ask_can_fulfill(alexa, intent)
    assert verdict(turn).get("canFulfill") == "NO"
    assert_silent_and_stateless(alexa, turn)


def test_asking_before_her_first_visit_leaves_her_a_first_time_visitor(alexa: Alexa) -> None:
    ask_can_fulfill(alexa, "RelieveLumpIntent")
    assert alexa.stored == {}
    assert alexa.launch().has("not medical advice")


def test_a_failure_while_judging_is_a_silent_no_not_an_apology(alexa: Alexa, monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.handlers import can_fulfill

    def broken(self: object, handler_input: object) -> None:
        raise RuntimeError("judging failed")

    monkeypatch.setattr(can_fulfill.CanFulfillHandler, "handle", broken)
    turn = ask_can_fulfill(alexa, "FoodIntent")
    assert verdict(turn).get("canFulfill") == "NO"
    assert_silent_and_stateless(alexa, turn)
