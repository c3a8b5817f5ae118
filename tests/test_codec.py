"""The compiled codec gives exactly what ask-sdk-core's DefaultSerializer gives, for real and for odd envelopes."""
from __future__ import annotations

import json
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, Response, ResponseEnvelope
from ask_sdk_model.ui import SimpleCard, SsmlOutputSpeech
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.web.codec import EnvelopeCodec, to_datetime
from skill.envelopes import ECHO_SHOW, SPEAKER, Session

SDK = DefaultSerializer()


def sdk_request(envelope: dict[str, Any]) -> RequestEnvelope:
    return SDK.deserialize(json.dumps(envelope), RequestEnvelope)


def every_request_shape() -> list[dict[str, Any]]:
    envelopes = []
    for device in (SPEAKER, ECHO_SHOW):
        session = Session(device=device, attributes={"conversation": {"step": 2}, "memory": {"visits": 3}})
        envelopes += [
            session.launch(),
            session.intent("RelieveLumpIntent"),
            session.intent("ReportSymptomIntent", {"symptom": "fever"}),
            session.intent("ReportSymptomIntent", {"symptom": {"value": "itchy", "id": None}}),
            session.user_event(["next", 3, {"a": [1, None]}]),
            session.session_ended("ERROR"),
            session.can_fulfill("FoodIntent"),
        ]
    return envelopes


@pytest.mark.parametrize("envelope", every_request_shape(), ids=lambda e: e["request"]["type"])
def test_request_envelopes_equal_the_sdks_and_serialise_back_the_same(envelope: dict[str, Any]) -> None:
    codec = EnvelopeCodec()
    ours = codec.request_envelope(envelope)
    assert ours == sdk_request(envelope)
    assert codec.plain(ours) == SDK.serialize(ours)


def test_unknown_fields_and_request_types_are_kept_as_the_sdk_keeps_them() -> None:
    envelope = Session().launch()
    envelope["request"]["brandNewField"] = {"x": 1}
    envelope["context"]["System"]["somethingNew"] = [1, 2]
    assert EnvelopeCodec().request_envelope(envelope) == sdk_request(envelope)


@pytest.mark.parametrize("stamp", ["2026-11-25T01:02:03Z", "2026-11-25T01:02:03.123Z", "2026-11-25T01:02:03.123456Z",
                                   "2026-11-25T01:02:03+02:00", "2026-11-25T01:02:03", "2026-11-25 01:02:03Z"])
def test_timestamps_parse_to_the_same_aware_datetime_as_dateutil(stamp: str) -> None:
    from dateutil.parser import parse
    assert to_datetime(stamp) == parse(stamp)
    assert to_datetime(stamp).tzinfo == parse(stamp).tzinfo


@pytest.mark.parametrize("request_part", [{"type": "NoSuchRequest"}, {"type": "LaunchRequest", "timestamp": "soon"},
                                          "not an object", {"no": "type"}])
def test_envelopes_the_sdk_refuses_are_refused_too(request_part: Any) -> None:
    envelope = Session().launch()
    envelope["request"] = request_part
    try:
        expected = sdk_request(envelope)
    except SerializationException:
        with pytest.raises(SerializationException):
            EnvelopeCodec().request_envelope(envelope)
    else:
        assert EnvelopeCodec().request_envelope(envelope) == expected


def test_response_envelopes_serialise_like_the_sdk() -> None:
    envelope = ResponseEnvelope(
        version="1.0", session_attributes={"conversation": {"step": None, "list": [1, "a"]}},
        response=Response(output_speech=SsmlOutputSpeech(ssml="<speak>Hi</speak>"),
                          card=SimpleCard(title="T", content="C"), should_end_session=False,
                          directives=[]),
    )
    assert EnvelopeCodec().response_dict(envelope) == SDK.serialize(envelope)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                       max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(replacement=json_values, where=st.sampled_from(["request", "session", "context", "version", "intent", "slots"]))
def test_any_json_in_any_part_deserialises_like_the_sdk_or_fails_like_it(replacement: Any, where: str) -> None:
    envelope = Session().intent("ReportSymptomIntent", {"symptom": "fever"})
    if where == "intent":
        envelope["request"]["intent"] = replacement
    elif where == "slots":
        envelope["request"]["intent"]["slots"] = replacement
    else:
        envelope[where] = replacement
    try:
        expected = sdk_request(envelope)
    except SerializationException:
        with pytest.raises(SerializationException):
            EnvelopeCodec().request_envelope(envelope)
        return
    assert EnvelopeCodec().request_envelope(envelope) == expected


def test_an_echo_show_answer_carries_its_screen_as_the_sdk_would_without_copying_the_document(tmp_path) -> None:
    """The APL document is the same few kilobytes every turn: sent as read, not rebuilt per answer."""
    from skill.app import create_app
    from skill.conversation.render import apl_document
    from skill.verification import RequestVerifier

    app = create_app({"SKILL_STORE": f"sqlite:///{tmp_path / 'skill.db'}", "TESTING": True, "LOG_LEVEL": "ERROR",
                      "VERIFIER": RequestVerifier(check_signature=False)})
    custom_skill, codec = app.extensions["lump_relief"].skill, EnvelopeCodec()
    answer = custom_skill.invoke(codec.request_envelope(Session(device=ECHO_SHOW).intent("RelieveLumpIntent")), None)
    sent = codec.response_dict(answer)
    assert sent == SDK.serialize(answer)
    (screen,) = [directive for directive in sent["response"]["directives"] if "document" in directive]
    assert screen["document"] is apl_document()
