"""Bad input at the HTTP edge: a short JSON error with the right status, one log line, never a 500."""
from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.envelopes import Session, build_slots
from skill.verification import MalformedRequest, RequestVerifier


@pytest.fixture
def app(app_factory, sqlite_store_url: str) -> Flask:
    return app_factory(sqlite_store_url)()


@pytest.fixture
def verifying_app(app_factory, sqlite_store_url: str) -> Flask:
    """Signature checks on; a chain download would fail, as it does with no network."""
    def no_network(url: str) -> bytes:
        raise OSError("no network in tests")
    return app_factory(sqlite_store_url, VERIFIER=RequestVerifier(fetch_chain=no_network))()


def post(app: Flask, body: bytes | str, **headers: str):
    return app.test_client().post("/", data=body, headers=headers, content_type="application/json")


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", b'"a string"', b"{}",
                                  b'{"request": "nope"}'])
def test_a_body_that_is_not_an_alexa_request_gets_400_with_a_json_error(app: Flask, body: bytes) -> None:
    response = post(app, body)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error"}


def test_an_unknown_request_type_gets_400(app: Flask) -> None:
    envelope = Session().envelope({"type": "Some.New.Request"})
    response = post(app, json.dumps(envelope))
    assert response.status_code in (200, 400)  # accepted by the SDK or refused cleanly, never 500
    assert response.is_json


def test_a_huge_body_gets_413_before_it_is_read(app: Flask) -> None:
    response = post(app, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert response.get_json() == {"error": "request entity too large"}


def test_the_wrong_method_gets_405(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 405
    assert "error" in response.get_json()


def test_an_unknown_path_gets_404_json(app: Flask) -> None:
    response = app.test_client().post("/admin")
    assert response.status_code == 404 and response.is_json


def test_an_unsigned_request_gets_400_when_verification_is_on(verifying_app: Flask,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    response = post(verifying_app, json.dumps(Session().launch()))
    assert response.status_code == 400
    assert response.get_json() == {"error": "request could not be verified"}
    refusals = [record for record in caplog.records if record.message == "request refused"]
    assert len(refusals) == 1 and "header" in refusals[0].check.lower()


def test_logs_never_carry_her_ids_her_words_or_the_body(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    session = Session(user_id="amzn1.ask.account.SECRET-USER", device=Session().device)
    session.device.device_id = "amzn1.ask.device.SECRET-DEVICE"
    envelope = session.intent("ReportSymptomIntent", {"symptom": "a fever"})
    post(app, json.dumps(envelope))
    post(app, b"{broken SECRET-BODY")
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    for secret in ("SECRET-USER", "SECRET-DEVICE", "SECRET-BODY", "a fever"):
        assert secret not in logged


header_names = st.sampled_from(["SignatureCertChainUrl", "Signature-256", "Signature", "Content-Type", "X-Any"])
header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=512), st.builds(lambda d: json.dumps(d).encode(),
                                                         st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                                                                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                                                                      max_leaves=12))),
       headers=st.dictionaries(header_names, header_values, max_size=4))
def test_no_body_and_no_headers_make_the_endpoint_fail_with_500(app: Flask, verifying_app: Flask,
                                                                 body: bytes, headers: dict[str, str]) -> None:
    for target in (app, verifying_app):
        response = target.test_client().post("/", data=body, headers=headers)
        assert response.status_code in (200, 400, 413)
        assert response.is_json


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=st.fixed_dictionaries({
    "type": st.sampled_from(["LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
                             "Alexa.Presentation.APL.UserEvent", "Weird"]),
    "intent": st.fixed_dictionaries({"name": st.text(max_size=30),
                                     "slots": st.dictionaries(st.text(max_size=8), st.fixed_dictionaries({"name": st.text(max_size=8), "value": st.text(max_size=8)}), max_size=2)}),
    "arguments": st.lists(st.text(max_size=8), max_size=2),
}), attributes=st.dictionaries(st.sampled_from(["conversation", "memory", "other"]),
                               st.recursive(st.none() | st.integers() | st.text(max_size=10),
                                            lambda inner: st.dictionaries(st.sampled_from(["step", "question", "check_position", "last_reply", "visits", "speech"]), inner, max_size=4),
                                            max_leaves=8), max_size=3))
def test_odd_but_well_formed_alexa_requests_never_fail_with_500(app: Flask, request: dict, attributes: dict) -> None:
    session = Session(attributes=attributes)
    response = post(app, json.dumps(session.envelope(dict(request))))
    assert response.status_code in (200, 400)
    assert response.is_json


def test_without_skill_id_the_service_starts_and_warns_that_any_skill_is_accepted(
        sqlite_store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from skill.app import create_app
    create_app({"SKILL_STORE": sqlite_store_url, "SKILL_ID": ""})
    assert any("SKILL_ID is not set" in record.getMessage() and record.levelname == "WARNING"
               for record in caplog.records)


def test_turning_verification_off_is_logged_loudly(sqlite_store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    from skill.app import create_app
    create_app({"SKILL_STORE": sqlite_store_url, "SKILL_ID": "amzn1.ask.skill.x", "ALEXA_VERIFY_REQUESTS": False})
    messages = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert any("signature and timestamp checks are OFF" in message for message in messages)
    assert not any("SKILL_ID is not set" in message for message in messages)


def test_the_environment_sets_skill_ids_and_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    from skill import config
    settings = config.from_environment({"SKILL_ID": "a, b", "ALEXA_VERIFY_REQUESTS": "false", "MAX_CONTENT_LENGTH": "10"})
    assert config.skill_ids(settings["SKILL_ID"]) == {"a", "b"}
    assert settings["ALEXA_VERIFY_REQUESTS"] is False and settings["MAX_CONTENT_LENGTH"] == 10


def test_a_request_from_another_skill_is_refused(app_factory, sqlite_store_url: str) -> None:
    app = app_factory(sqlite_store_url, VERIFIER=RequestVerifier(skill_ids=frozenset({"amzn1.ask.skill.ours"}),
                                                                  check_signature=False))()
    response = post(app, json.dumps(Session(application_id="amzn1.ask.skill.theirs").launch()))
    assert response.status_code == 400


# --- what the adversarial review sent (issue 12): each gets a 400 and one warning, never a traceback ------


def _refused_once_without_traceback(app: Flask, body: bytes, caplog: pytest.LogCaptureFixture, reason: str) -> None:
    with caplog.at_level(logging.INFO, logger="skill"):
        response = post(app, body)
    assert (response.status_code, response.is_json) == (400, True)
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert reason in warnings[0].check


def test_a_request_nested_60000_deep_gets_400_not_a_recursion_error(app: Flask,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    body = b'{"request":' + b"[" * 60_000 + b"]" * 60_000 + b"}"
    _refused_once_without_traceback(app, body, caplog, "envelope: body is not JSON")


@pytest.mark.parametrize("number", [b"Infinity", b"-Infinity", b"NaN", b"1e400"])
def test_numbers_json_cannot_hold_get_400_not_an_overflow(app: Flask, caplog: pytest.LogCaptureFixture,
                                                          number: bytes) -> None:
    envelope = json.dumps(Session(attributes={"conversation": {"step": 0}}).intent("AMAZON.NextIntent")).encode()
    body = envelope.replace(b'"step": 0', b'"step": ' + number)
    _refused_once_without_traceback(app, body, caplog, "envelope: body is not JSON")


MISSING_PARTS = {
    "intent request without an intent": (lambda e: e["request"].pop("intent"), "intent name is missing"),
    "intent without a name": (lambda e: e["request"]["intent"].pop("name"), "intent name is missing"),
    "intent request without a session": (lambda e: e.pop("session"), "session is missing"),
    "no device": (lambda e: e["context"]["System"].pop("device"), "context.System is incomplete"),
    "no user": (lambda e: e["context"]["System"].pop("user"), "context.System.user is missing"),
    "slots as a list": (lambda e: e["request"]["intent"].update(slots=[]), "envelope:"),
    "attributes as a list": (lambda e: e["session"].update(attributes=[1]), "envelope:"),
    "slot resolution without its value": (
        lambda e: e["request"]["intent"].update(slots=build_slots({"symptom": "FEVER"}))
        or e["request"]["intent"]["slots"]["symptom"]["resolutions"]["resolutionsPerAuthority"][0]["values"][0]
        .update(value=None), "slot resolution without a value"),
}


@pytest.mark.parametrize(("remove", "reason"), MISSING_PARTS.values(), ids=MISSING_PARTS.keys())
def test_a_request_missing_a_part_alexa_always_sends_gets_400(app: Flask, caplog: pytest.LogCaptureFixture,
                                                              remove, reason: str) -> None:
    envelope = Session().intent("FoodIntent")
    remove(envelope)
    _refused_once_without_traceback(app, json.dumps(envelope).encode(), caplog, reason)


@pytest.mark.parametrize("arguments", [[{"a": 1}], [["next"]], [None], [3]])
def test_a_screen_touch_with_odd_arguments_is_answered_quietly(app: Flask, caplog: pytest.LogCaptureFixture,
                                                               arguments: list) -> None:
    with caplog.at_level(logging.INFO, logger="skill"):
        response = post(app, json.dumps(Session().user_event(arguments)))
    assert response.status_code == 200
    assert "outputSpeech" not in response.json["response"]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


EVENTS = ["System.ExceptionEncountered", "AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackStopped",
          "PlaybackController.PlayCommandIssued", "Messaging.MessageReceived", "Connections.Response",
          "Alexa.Presentation.APL.LoadIndexListData", "SessionResumedRequest", "AlexaSkillEvent.SkillEnabled",
          "Reminders.ReminderStarted", "Alexa.Presentation.APLT.UserEvent"]


@pytest.mark.parametrize("request_type", EVENTS)
def test_every_event_alexa_sends_is_answered_with_no_speech(app: Flask, request_type: str) -> None:
    response = post(app, json.dumps(Session().envelope({"type": request_type})))
    assert response.status_code == 200
    assert response.json["response"].get("outputSpeech") is None
    assert response.json["response"].get("reprompt") is None


def test_exception_encountered_is_logged_as_one_warning_naming_its_type(app: Flask,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    request = {"type": "System.ExceptionEncountered",
               "error": {"type": "INVALID_RESPONSE", "message": "The response was not valid"},
               "cause": {"requestId": "amzn1.echo-api.request.1"}}
    with caplog.at_level(logging.INFO, logger="skill"):
        response = post(app, json.dumps(Session().envelope(request)))
    assert response.status_code == 200 and "outputSpeech" not in response.json["response"]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(w.outcome, w.exc_info) for w in warnings] == [("INVALID_RESPONSE", None)]


def test_a_session_alexa_ended_because_our_response_was_refused_is_one_warning_naming_its_type(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """A SessionEndedRequest with reason ERROR was an ordinary 'answered' line: nobody saw that Alexa
    refused a response of ours (service audit 2026-12-07). Its message, which may quote her, is not logged."""
    request = {"type": "SessionEndedRequest", "reason": "ERROR",
               "error": {"type": "INVALID_RESPONSE", "message": "she said: my breast hurts"}}
    with caplog.at_level(logging.INFO, logger="skill"):
        response = post(app, json.dumps(Session().envelope(request)))
    assert response.status_code == 200 and "outputSpeech" not in response.json["response"]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(w.outcome, w.request_type) for w in warnings] == [("INVALID_RESPONSE", "SessionEndedRequest")]
    assert "my breast hurts" not in caplog.text


@pytest.mark.parametrize("written", ["EN-gb", "en_GB", "en-gb"])
def test_a_locale_written_another_way_gets_its_markets_numbers(app: Flask, written: str) -> None:
    """Locale tags are case-insensitive; "EN-gb" got the US words, 911 and 988 (service audit 2026-12-07)."""
    envelope = Session(locale=written).intent("CrisisIntent")
    ssml = post(app, json.dumps(envelope)).json["response"]["outputSpeech"]["ssml"]
    assert "999" in ssml and "911" not in ssml


@pytest.mark.parametrize("locale", ["en-NZ", "de-DE"])
def test_a_locale_we_do_not_ship_is_answered_in_the_default_words_and_logged_once(
        app: Flask, caplog: pytest.LogCaptureFixture, locale: str) -> None:
    with caplog.at_level(logging.INFO, logger="skill"):
        response = post(app, json.dumps(Session(locale=locale).intent("CrisisIntent")))
    assert response.status_code == 200 and "911" in response.json["response"]["outputSpeech"]["ssml"]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(w.check, w.cause) for w in warnings] == [("locale", locale)]


def test_a_huge_intent_name_or_path_makes_no_huge_log_line(app: Flask, log_lines: list[str]) -> None:
    """A 10,000-character intent name made a 10 KB line and a long URL a 65 KB one (service audit 2026-12-07)."""
    post(app, json.dumps(Session().intent("X" * 10_000)))
    app.test_client().get("/" + "a" * 65_000)
    assert log_lines and max(len(line) for line in log_lines) < 1_000


def test_a_skill_event_without_a_device_is_acknowledged(app: Flask) -> None:
    envelope = Session().envelope({"type": "AlexaSkillEvent.SkillEnabled"}, with_session=False)
    del envelope["context"]["System"]["device"]
    response = post(app, json.dumps(envelope))
    assert response.status_code == 200 and "outputSpeech" not in response.json["response"]


def test_the_verifier_refuses_bodies_over_the_configured_size_too(sqlite_store_url: str) -> None:
    from skill.app import create_app
    app = create_app({"SKILL_STORE": sqlite_store_url, "ALEXA_VERIFY_REQUESTS": False, "MAX_CONTENT_LENGTH": 300})
    verifier = app.extensions["lump_relief"].verifier
    with pytest.raises(MalformedRequest, match="envelope: body is over 300 bytes"):
        verifier.verify({}, json.dumps(Session().launch()).encode())


def test_a_failing_health_probe_is_one_warning_with_its_cause(app_factory, tmp_path: Path,
                                                               log_lines: list[str]) -> None:
    """One fault, one line: the probe's warning named the cause and the endpoint added a second
    (service audit 2026-12-07)."""
    (tmp_path / "a-directory.db").mkdir()
    app = app_factory(f"sqlite:///{tmp_path / 'a-directory.db'}")()
    log_lines.clear()  # what starting the app logs is not the probe's
    assert app.test_client().get("/healthz").status_code == 503
    warnings = [json.loads(line) for line in log_lines if json.loads(line)["level"] == "WARNING"]
    assert len(warnings) == 1 and warnings[0]["cause"], warnings
