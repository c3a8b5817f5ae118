"""The fault review's smaller findings, each held by a test that failed before its fix (issue 29)."""
from __future__ import annotations

import json
import logging
import select
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

import skill
from skill.app import create_app
from skill.envelopes import Session
from skill.verification import RequestVerifier
from tests.alexa_api_stand_in import AlexaApiStandIn
from tests.test_serving import blackhole  # noqa: F401  (fixture by name)

SCOPE = "alexa::alerts:reminders:skill:readwrite"


class FailingStore(AbstractPersistenceAdapter):
    """A store that refuses everything, as a store that is down does."""

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        raise PersistenceException("store down")

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        raise PersistenceException("store down")

    def delete_attributes(self, request_envelope: Any) -> None:
        raise PersistenceException("store down")


def app_on(store: Any = None, tmp_path: Path | None = None, **settings: Any) -> Any:
    overrides = {"VERIFIER": RequestVerifier(check_signature=False), "TESTING": True, **settings}
    if store is not None:
        overrides["PERSISTENCE"] = store
    else:
        overrides["SKILL_STORE"] = f"sqlite:///{tmp_path}/skill.db"
    return create_app(overrides)


# A disable event the store could not honour --------------------------------------------------------

def test_a_skill_disabled_event_the_store_cannot_honour_is_an_error_never_a_silent_200(
        log_lines: list[str]) -> None:
    event = Session(user_id="amzn1.ask.account.DISABLING-MOTHER").skill_disabled()
    response = app_on(FailingStore()).test_client().post("/", data=json.dumps(event), content_type="application/json")
    assert response.status_code == 503 and response.get_json() == {"error": "event not honoured"}
    errors = [json.loads(line) for line in log_lines if json.loads(line)["level"] == "ERROR"]
    assert errors and all(line["request_id"] == event["request"]["requestId"] for line in errors)
    assert "amzn1.ask.account.DISABLING-MOTHER" not in "\n".join(log_lines)


def test_a_skill_disabled_event_that_erased_her_record_is_acknowledged(tmp_path: Path) -> None:
    event = Session(user_id="amzn1.ask.account.DISABLING-MOTHER").skill_disabled()
    response = app_on(tmp_path=tmp_path).test_client().post("/", data=json.dumps(event), content_type="application/json")
    assert response.status_code == 200


def test_on_lambda_a_skill_disabled_event_the_store_cannot_honour_raises(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path}/missing/folder/lambda.db")
    skill._lambda_entry.cache_clear()
    try:
        with pytest.raises(skill.EventNotHonoured):
            skill.lambda_handler(Session().skill_disabled(), None)
    finally:
        skill._lambda_entry.cache_clear()


# CR/LF never reaches a log ----------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["secret-token\r\nX-Injected: yes", "secret-token\nERROR forged line",
                                   "secret token with spaces"])
def test_a_token_with_cr_lf_is_never_sent_nor_logged(tmp_path: Path, log_lines: list[str], token: str) -> None:
    with AlexaApiStandIn() as amazon:
        app = app_on(tmp_path=tmp_path, ALEXA_API_ENDPOINT=amazon.url)
        envelope = Session().intent("RemindMeIntent", {"duration": {"value": "PT12H", "id": None}})
        envelope["context"]["System"]["apiAccessToken"] = token
        envelope["context"]["System"]["user"]["permissions"] = {"scopes": {SCOPE: {"status": "GRANTED"}}}
        envelope["request"]["requestId"] = "amzn1.echo-api.request.1\r\nforged"
        response = app.test_client().post("/", data=json.dumps(envelope), content_type="application/json")
    assert response.status_code == 200 and "sorry" in response.get_json()["response"]["outputSpeech"]["ssml"].lower()
    assert amazon.calls == []
    text = "\n".join(log_lines)
    assert "secret" not in text and "Injected" not in text and "\r" not in text
    assert all(json.loads(line) for line in log_lines)
    assert all("\n" not in line for line in log_lines)


# The loopback stand-in says so at start-up ----------------------------------------------------------

def test_setting_alexa_api_endpoint_logs_a_warning_at_start_up(tmp_path: Path, log_lines: list[str]) -> None:
    app_on(tmp_path=tmp_path, ALEXA_API_ENDPOINT="http://127.0.0.1:9")
    warnings = [json.loads(line) for line in log_lines if "ALEXA_API_ENDPOINT" in line]
    assert warnings and warnings[0]["level"] == "WARNING" and "never to Amazon" in warnings[0]["message"]


def test_no_stand_in_warning_when_it_is_not_set(tmp_path: Path, log_lines: list[str]) -> None:
    app_on(tmp_path=tmp_path)
    assert not [line for line in log_lines if "ALEXA_API_ENDPOINT" in line]


# Deep nesting on every path ----------------------------------------------------------------------------

def deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"a": value}
    return value


def test_a_lambda_event_nested_900_deep_is_refused_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path}/lambda.db")
    skill._lambda_entry.cache_clear()
    try:
        event = Session().launch()
        event["session"]["attributes"] = deep(900)
        assert "nested deeper" in skill.lambda_handler(event, None)["check"]
    finally:
        skill._lambda_entry.cache_clear()


def test_a_web_request_nested_900_deep_is_refused_cleanly(tmp_path: Path) -> None:
    envelope = Session().launch()
    envelope["session"]["attributes"] = deep(900)
    response = app_on(tmp_path=tmp_path).test_client().post("/", data=json.dumps(envelope),
                                                              content_type="application/json")
    assert response.status_code == 400 and "error" in response.get_json()


# gunicorn freed from trickling clients ----------------------------------------------------------------

# Longer than two request deadlines: a slow client that had to wait for a thread still gets its own.
TRICKLE_FOR_SECONDS = 12.0


def trickle(port: int, opening: bytes, stop: threading.Event, answers: list[bytes]) -> None:
    """Send `opening`, then one more byte every half second, until the server answers or closes."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(opening)
        ended = time.monotonic() + TRICKLE_FOR_SECONDS
        while not stop.is_set() and time.monotonic() < ended:
            if select.select([connection], [], [], 0.5)[0]:
                answers.append(connection.recv(4096))
                return
            try:
                connection.sendall(b"x")
            except OSError:
                answers.append(b"")
                return
        answers.append(b"(still open) " + opening[-30:])


SLOW_OPENINGS = [
    b"POST / HTTP/1.1\r\nHost: skill\r\nX-Slow: ",                       # headers, a byte at a time
    b"POST / HTTP/1.1\r\nHost: skill\r\nX-Slow: ",
    b"POST / HTTP/1.1\r\nHost: skill\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n2000\r\n{",                         # a partial chunk
    b"POST / HTTP/1.1\r\nHost: skill\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nffffffffff\r\n{",                   # a chunk size far too large
]


def test_clients_trickling_headers_or_a_chunk_free_a_one_worker_gunicorn_within_its_deadline(
        tmp_path: Path, blackhole: int) -> None:
    from skill.web.serving import REQUEST_READ_SECONDS
    from tests.test_serving import Server

    running = Server(tmp_path, blackhole, server="gunicorn", workers=1, ALEXA_VERIFY_REQUESTS="false")
    stop = threading.Event()
    answers: list[bytes] = []
    tricklers = [threading.Thread(target=trickle, args=(running.port, opening, stop, answers))
                 for opening in SLOW_OPENINGS]
    try:
        started = time.monotonic()
        for trickler in tricklers:
            trickler.start()
        time.sleep(0.5)  # every thread of the worker is reading a slow request
        status, body, _ = running.request("POST", "/", json.dumps(Session().launch()).encode(),
                                          {"Content-Type": "application/json"}, timeout=TRICKLE_FOR_SECONDS + 5)
        answered_after = time.monotonic() - started
        for trickler in tricklers:  # each slow client is answered or closed, not kept
            trickler.join(timeout=TRICKLE_FOR_SECONDS + 5)
    finally:
        stop.set()
        for trickler in tricklers:
            trickler.join(timeout=TRICKLE_FOR_SECONDS + 5)
        running.stop()
    assert status == 200 and body["response"]["outputSpeech"]["ssml"]
    assert answered_after < REQUEST_READ_SECONDS + 2, f"her turn waited {answered_after:.1f} s"
    assert len(answers) == len(SLOW_OPENINGS) and not [answer for answer in answers if b"still open" in answer], answers
    assert sum(answer.startswith(b"HTTP/1.1 408") for answer in answers) == 2, answers  # the two bodies
    assert "Traceback" not in running.log()


def test_a_turn_s_budget_ends_with_its_answer(tmp_path: Path) -> None:
    """A store call after a turn on the same thread (a health probe, a test reading the store) is not
    held to that turn's budget, which would have run out by then."""
    from skill import turn

    app = app_on(tmp_path=tmp_path)
    app.test_client().post("/", data=json.dumps(Session().launch()), content_type="application/json")
    assert turn.left(10.0) == 10.0 > turn.TURN_BUDGET_SECONDS


# The store and Lambda audit (2026-12-07) -------------------------------------------------------------

def a_turn_after(session: Session, client: Any, *intents: str) -> dict[str, Any]:
    """Her turns in one session, as Alexa sends them; the last answer's body."""
    body: dict[str, Any] = {}
    for name in intents:
        envelope = session.launch() if name == "launch" else session.intent(name)
        body = client.post("/", data=json.dumps(envelope), content_type="application/json").get_json()
        session.attributes = body.get("sessionAttributes") or {}
    return body


def test_yes_to_forget_me_while_the_store_is_down_says_nothing_was_deleted_in_one_log_line(
        log_lines: list[str]) -> None:
    """"Forget me", then "yes", with the store down got "Sorry, something went wrong on my side" and an
    ERROR line carrying a 2 KB traceback: she was not told her data was still there."""
    body = a_turn_after(Session(), app_on(FailingStore()).test_client(), "launch", "ForgetMeIntent", "AMAZON.YesIntent")
    speech = body["response"]["outputSpeech"]["ssml"]
    assert "haven't deleted" in speech and "went wrong" not in speech, speech
    assert body["response"].get("shouldEndSession") is not True
    forget_lines = [json.loads(line) for line in log_lines if "delete" in json.loads(line)["message"]]
    assert len(forget_lines) == 1 and forget_lines[0]["cause"].startswith("PersistenceException"), log_lines
    assert not any("Traceback" in line or json.loads(line)["level"] == "ERROR" for line in log_lines), log_lines


def test_a_disable_event_the_store_cannot_honour_logs_one_error_line(log_lines: list[str]) -> None:
    """Two ERROR lines were logged ("could not erase..." and "event not honoured"); the docs promise one."""
    event = Session().skill_disabled()
    app_on(FailingStore()).test_client().post("/", data=json.dumps(event), content_type="application/json")
    errors = [json.loads(line)["message"] for line in log_lines if json.loads(line)["level"] == "ERROR"]
    assert errors == ["could not erase her record on disable; it expires on its own"], errors


def test_an_unexpected_failure_is_logged_in_one_short_line_with_where_but_none_of_its_words() -> None:
    """A handler's crash logged its whole traceback (2 KB, over the 300-character cap), and an
    exception's message may carry what she said."""
    from skill.logs import TEXT_LIMIT, JsonFormatter

    def crash() -> None:
        raise ValueError("she said: my baby is not breathing")

    try:
        crash()
    except ValueError:
        import sys
        record = logging.LogRecord("skill.handlers.errors", logging.ERROR, __file__, 1, "handler failed", None,
                                   sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["error"].startswith("ValueError") and "crash" in line["error"], line["error"]
    assert "she said" not in line["error"] and "Traceback" not in line["error"] and len(line["error"]) <= TEXT_LIMIT


@pytest.mark.parametrize("setting, value", [("SKILL_STORE", "postgres://user:secretpw@host/db"),
                                            ("SKILL_STORE", "dynamodb://x"), ("LOG_LEVEL", "LOUD"),
                                            ("MAX_CONTENT_LENGTH", "abc")])
def test_on_lambda_a_wrong_setting_still_answers_her_and_names_the_setting_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, log_lines: list[str], setting: str, value: str) -> None:
    """On Lambda there is no start-up to stop: a wrong setting made every event raise, with no line
    from the skill, and Alexa told every mother the skill had a problem."""
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path}/lambda.db")
    monkeypatch.setenv(setting, value)
    skill._lambda_entry.cache_clear()
    try:
        answers = [skill.lambda_handler(Session(user_id=f"amzn1.ask.account.LAMBDA-{n}").launch(), None) for n in range(2)]
    finally:
        skill._lambda_entry.cache_clear()
    for answer in answers:
        assert "Emergency? Call" in answer["response"]["outputSpeech"]["ssml"]
    logged = [json.loads(line) for line in log_lines]
    wrong = [line for line in logged if line.get("check") == "settings"]
    assert len(wrong) == 1 and wrong[0]["level"] == "ERROR" and wrong[0]["cause"].startswith(setting), logged
    assert "secretpw" not in json.dumps(logged)
