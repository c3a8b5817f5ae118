"""The same skill on AWS Lambda: skill.lambda_handler(event, context) with no code change."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import skill
from skill.envelopes import DEFAULT_SKILL_ID, Session
from skill.conversation.render import plain_text


@pytest.fixture
def lambda_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A Lambda container on a temp SQLite store; the skill is rebuilt for each test."""
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path}/lambda.db")
    monkeypatch.delenv("SKILL_ID", raising=False)
    skill._lambda_entry.cache_clear()
    yield tmp_path
    skill._lambda_entry.cache_clear()


def speech(answer: dict) -> str:
    return plain_text(answer["response"]["outputSpeech"]["ssml"])


def test_launch_on_lambda_welcomes_her_and_keeps_the_session_open(lambda_environment: Path) -> None:
    answer = skill.lambda_handler(Session().launch(), None)
    assert answer["version"] == "1.0"
    assert "lump" in speech(answer).lower()
    assert answer["response"]["shouldEndSession"] is False
    assert (lambda_environment / "lambda.db").is_file()


def test_a_second_visit_on_lambda_is_remembered_in_the_store(lambda_environment: Path) -> None:
    skill.lambda_handler(Session().launch(), None)
    second = skill.lambda_handler(Session().launch(), None)
    assert second["sessionAttributes"]["memory"]["visits"] == 2


def test_the_skill_is_built_once_per_container(lambda_environment: Path) -> None:
    skill.lambda_handler(Session().launch(), None)
    built = skill._lambda_entry()
    skill.lambda_handler(Session().intent("RelieveLumpIntent"), None)
    assert skill._lambda_entry() is built


def test_skill_id_when_set_refuses_events_for_another_skill(lambda_environment: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.someone-else")
    skill._lambda_entry.cache_clear()
    refused = skill.lambda_handler(Session().launch(), None)
    assert refused["error"] == "event refused" and "response" not in refused
    monkeypatch.setenv("SKILL_ID", DEFAULT_SKILL_ID)
    skill._lambda_entry.cache_clear()
    assert speech(skill.lambda_handler(Session().launch(), None))


@pytest.mark.parametrize("malformed", [
    "not an object",
    {"version": "1.0"},
    {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "t"}},
    {"version": "1.0", "context": {"System": {"application": {"applicationId": DEFAULT_SKILL_ID}}},
     "request": {"type": "IntentRequest", "requestId": "r", "timestamp": "t", "intent": {"name": "X"}}},
    {"version": "1.0", "context": [], "request": "launch"},
])
def test_a_malformed_event_is_refused_with_one_log_line_like_the_web_path(
        lambda_environment: Path, malformed: object, caplog: pytest.LogCaptureFixture) -> None:
    """Refused by raising, the Lambda runtime added a traceback of its own to the one line and counted a
    function error (store and Lambda audit, 2026-12-07): it is answered with the refusal instead."""
    import logging
    logging.getLogger("skill").addHandler(caplog.handler)
    try:
        refused = skill.lambda_handler(malformed, None)  # type: ignore[arg-type]
        assert refused == {"error": "event refused", "check": refused["check"]}
        assert refused["check"].startswith("envelope:")
    finally:
        logging.getLogger("skill").removeHandler(caplog.handler)
    refusals = [record for record in caplog.records if record.name.startswith("skill")]
    assert [record.getMessage() for record in refusals] == ["event refused"]
    assert refusals[0].check.startswith("envelope:") and not refusals[0].exc_info


# What the web service needs and Lambda never uses: Flask (and its Werkzeug) and the X.509 signature
# verifier (Lambda's trigger checks the caller). Importing them costs a Lambda cold start ~0.3 s.
WEB_ONLY = ("flask", "werkzeug", "skill.web.endpoint", "skill.verification.verifier", "skill.verification.chain",
            "cryptography.x509")
# Modules a launch on a speaker never uses that each cost a cold start milliseconds: OpenSSL (via secrets/hmac,
# ~30 ms), HTTP and TLS (via xml.sax.saxutils), the time zone database (only a clock-time reminder needs it),
# APL's models (~10 ms; only a screen's answer draws one).
NOT_FOR_A_LAUNCH = ("_hashlib", "ssl", "http.client", "urllib.request", "xml.sax", "zoneinfo",
                    "ask_sdk_model.interfaces.alexa.presentation.apl")
IMPORTS_AFTER_EVENTS = """
import json, sys
import skill
for line in sys.stdin:
    skill.lambda_handler(json.loads(line), None)
print(json.dumps(sorted(sys.modules)))
"""


def test_the_lambda_path_imports_neither_flask_nor_the_certificate_verifier(tmp_path: Path) -> None:
    """A fresh process, as Lambda starts one: a launch and an intent, then what got imported."""
    import json
    import os
    import subprocess
    import sys

    she = Session()
    events = [she.launch(), she.intent("RelieveLumpIntent")]
    env = {**os.environ, "SKILL_STORE": f"sqlite:///{tmp_path}/lambda.db"}
    env.pop("SKILL_ID", None)
    done = subprocess.run([sys.executable, "-c", IMPORTS_AFTER_EVENTS], env=env, capture_output=True, text=True,
                          input="".join(json.dumps(event) + "\n" for event in events), timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    imported = json.loads(done.stdout)
    assert "skill.handlers" in imported, "the events did not reach the skill"
    assert not [name for name in imported if name.startswith(WEB_ONLY)], \
        "Lambda imported web-only modules: " + ", ".join(sorted({name for name in imported if name.startswith(WEB_ONLY)}))
    assert not [name for name in imported if name.startswith(NOT_FOR_A_LAUNCH)], \
        "a launch imported: " + ", ".join(sorted(name for name in imported if name.startswith(NOT_FOR_A_LAUNCH)))
