"""Stop the real service mid-walk and start it again on the same store: she carries on where she was."""
from __future__ import annotations

import json
from pathlib import Path

from skill.envelopes import Session
from skill.conversation.render import plain_text
from tests.test_serving import Server, blackhole  # noqa: F401  (the fixture is used by name)


def say(server: Server, envelope: dict) -> tuple[str, dict]:
    status, body, _ = server.request("POST", "/", json.dumps(envelope).encode(), {"Content-Type": "application/json"})
    assert status == 200
    return plain_text(body["response"]["outputSpeech"]["ssml"]), body.get("sessionAttributes") or {}


def test_after_a_real_restart_she_is_welcomed_back_at_the_same_step(tmp_path: Path, blackhole: int) -> None:
    first = Server(tmp_path, blackhole, ALEXA_VERIFY_REQUESTS="false")
    try:
        visit = Session(user_id="amzn1.ask.account.restart-test")
        say(first, visit.launch())
        _, visit.attributes = say(first, visit.intent("WalkStepsIntent"))
        speech, visit.attributes = say(first, visit.intent("AMAZON.NextIntent"))
        assert "Step 2 of 4" in speech
    finally:
        assert first.stop() == 0

    second = Server(tmp_path, blackhole, ALEXA_VERIFY_REQUESTS="false")
    try:
        next_visit = Session(user_id="amzn1.ask.account.restart-test")
        welcome, next_visit.attributes = say(second, next_visit.launch())
        assert "Welcome back" in welcome and "step 2 of 4" in welcome
        resumed, _ = say(second, next_visit.intent("AMAZON.YesIntent"))
        assert "Step 2 of 4" in resumed
    finally:
        second.stop()
