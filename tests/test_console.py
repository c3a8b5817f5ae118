"""python -m skill console: try the skill by typing, without a device."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import console
from skill.envelopes import Session
from skill.understanding.matcher import understanding_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def console_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path}/console.db")
    return tmp_path


def run_console(*arguments: str, stdin: str = "") -> str:
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        assert console.main(list(arguments), out=out) == 0
    finally:
        sys.stdin = old_stdin
    return out.getvalue()


def test_say_relief_as_a_feeding_mother_prints_the_advice_for_her(console_store: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "skill", "console", "--say", "I'm breastfeeding how do I relieve a hard lump"],
                            cwd=ROOT, env={**os.environ, "SKILL_STORE": f"sqlite:///{console_store}/c.db"},
                            capture_output=True, text=True, timeout=60, check=True)
    speech = result.stdout.splitlines()[0]
    assert speech.startswith("Alexa: ")
    for step in ("fever", "keep feeding", "safe for your baby", "cold pack"):
        assert step in speech.lower()
    assert "<speak>" not in result.stdout and "[card] Easing a hard lump" in result.stdout
    assert "(session stays open" in result.stdout


def test_say_when_should_i_see_a_doctor_prints_the_doctor_advice() -> None:
    output = run_console("--say", "when should I see a doctor")
    assert "Contact your doctor or midwife today" in output and "Call 911" in output


def test_the_console_speaks_each_market(console_store: Path) -> None:
    assert "999" in run_console("--say", "I feel very unwell and confused", "--locale", "en-GB")


def test_typed_turns_carry_the_session_like_a_device() -> None:
    output = run_console(stdin="open\ntake me through the steps\nnext\nrepeat\nstop\n")
    answers = [line for line in output.splitlines() if "Alexa:" in line]
    assert "not medical advice" in answers[0]
    assert "Step 2 of 4" in answers[2] and answers[3] == answers[2]
    assert output.rstrip().endswith("(session ends)")


def test_words_it_does_not_know_get_the_fallback() -> None:
    assert "I can only help with breast lumps" in run_console("--say", "book me a taxi")


def test_words_no_sample_has_still_reach_the_right_answer() -> None:
    """The console generalises from the samples, as Alexa does, rather than looking them up."""
    words = "um i'm still feeding and my boob has gone all hard and sore what do i do"
    assert not understanding_for("en-US").is_sample(words)
    output = run_console("--say", words)
    assert "keep feeding" in output and "[card] Easing a hard lump" in output


def test_a_screen_device_shows_the_answer() -> None:
    assert "[screen]" in run_console("--say", "what should I eat", "--screen")


def test_a_reminder_asks_her_permission_in_words() -> None:
    """Alexa itself asks her (a Connections.SendRequest AskFor, no speech of ours): the console used to print
    an empty "Alexa:" line."""
    printed = run_console("--say", "remind me to check in 12 hours")
    first = printed.splitlines()[0]

    assert first.startswith("Alexa: ") and first != "Alexa: "
    assert "permission" in first and "reminders" in first
    assert "alexa::alerts:reminders:skill:readwrite" in printed


@pytest.mark.parametrize("answer, sent", [("no", "DENIED"), ("what was that", "NOT_ANSWERED")])
def test_her_answer_to_alexas_permission_question_goes_back_as_alexas_answer(answer: str, sent: str) -> None:
    """After the AskFor, her "no" was sent as the skill's own no-intent, a request no device sends while Alexa
    asks ("I didn't ask a question just then", or the next step; QA audit 9). Alexa answers the skill with a
    Connections.Response carrying her choice, and the skill tells her how to allow reminders in the app."""
    her = console.Console(console.console_app(), "en-US")
    her.hear("take me through the steps")
    asked = her.hear("remind me in two hours")
    assert asked["response"]["directives"][0]["name"] == "AskFor"
    reply = her.hear(answer)
    assert her.last_request["type"] == "Connections.Response" and her.last_request["payload"]["status"] == sent
    assert her.last_request["token"] == asked["response"]["directives"][0]["token"]
    assert "allow reminders" in console.describe(reply) and not reply["response"].get("shouldEndSession")
    assert her.hear("next")["sessionAttributes"]["conversation"]["step"] == 1  # her place came back with it


@pytest.mark.parametrize("said, slot, value", [
    ("remind me in 24 hours", "duration", "PT24H"),
    ("remind me in six hours", "duration", "PT6H"),
    ("remind me in an hour and a half", "duration", "PT1H30M"),
    ("remind me in a day", "duration", "P1D"),
    ("remind me at 9 pm", "time", "21:00"),
    ("remind me at 7:30 am", "time", "07:30"),
    ("remind me tomorrow morning", "time", "MO"),
    ("set a reminder for noon", "time", "12:00"),
])
def test_a_time_she_names_is_sent_in_the_form_alexa_fills_a_built_in_slot(said: str, slot: str, value: str) -> None:
    """"Remind me in 24 hours" went with no slot and was set for 12 hours (QA audit 2026-12-07): a device
    sends AMAZON.DURATION as "PT24H" and AMAZON.TIME as "21:00" or "MO", with no entity resolution."""
    understood = understanding_for("en-US").understand(said)
    assert understood.intent == "RemindMeIntent" and understood.slots[slot]["value"] == value, understood
    envelope = Session().intent(understood.intent, {name: dict(spec) for name, spec in understood.slots.items()})
    sent = envelope["request"]["intent"]["slots"][slot]
    assert sent == {"name": slot, "value": value, "confirmationStatus": "NONE"}
    serializer = DefaultSerializer()
    read_back = serializer.serialize(serializer.deserialize(json.dumps(envelope), RequestEnvelope))
    assert read_back["request"]["intent"] == envelope["request"]["intent"]


@pytest.mark.parametrize("said", ["remind me at 25 pm", "remind me at half past nine", "remind me in a while"])
def test_a_time_alexa_could_not_place_is_left_out_as_alexa_leaves_the_slot_empty(said: str) -> None:
    understood = understanding_for("en-US").understand(said)
    assert understood.intent == "RemindMeIntent" and not understood.slots, understood
