"""Fixtures: a fresh app per test on a real store, and `alexa`, which plays her turns like a device.

A test reads as a transcript:  turn = alexa.say("next"); assert "Step 2 of 4" in turn.speech
"""
from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask

from skill.app import create_app
from skill.envelopes import SPEAKER, Device, Session
from skill.logs import JsonFormatter
from skill.conversation.render import plain_text
from skill.persistence import build_persistence_adapter
from skill.understanding.matcher import understanding_for
from skill.verification import RequestVerifier

pytest_plugins = ["tests.stores"]
SERIALIZER = DefaultSerializer()


@dataclass
class Turn:
    """One answer from the skill, read the way she would experience it."""

    status: int
    body: dict[str, Any]
    speech: str = ""
    reprompt: str = ""
    ended: bool | None = None
    card: dict[str, Any] | None = None
    directives: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_http(cls, status: int, body: dict[str, Any]) -> Turn:
        response = body.get("response", {})
        return cls(
            status=status,
            body=body,
            speech=plain_text(response.get("outputSpeech", {}).get("ssml")),
            reprompt=plain_text(response.get("reprompt", {}).get("outputSpeech", {}).get("ssml")),
            ended=response.get("shouldEndSession"),
            card=response.get("card"),
            directives=response.get("directives", []),
        )

    @property
    def ssml(self) -> str:
        return self.body["response"]["outputSpeech"]["ssml"]

    @property
    def stays_open(self) -> bool:
        return self.ended is False

    def leads_with(self, phrase: str) -> bool:
        """True when the first sentence she hears carries the phrase (safety advice comes first)."""
        first_sentence = self.speech.split(". ")[0]
        return phrase.lower() in first_sentence.lower()

    def has(self, *phrases: str) -> bool:
        """True when every phrase is spoken (case-insensitive); keeps assertions to key phrases."""
        return all(phrase.lower() in self.speech.lower() for phrase in phrases)


class Alexa:
    """Her device: sends each turn to the app and carries the session over, as Alexa does."""

    def __init__(self, make_app: Callable[[], Flask], locale: str = "en-US", device: Device = SPEAKER,
                 user_id: str = "amzn1.ask.account.test-mother"):
        self.make_app = make_app
        self.app = make_app()
        self.locale = locale
        self.device = device
        self.user_id = user_id
        self.session = self._new_session()
        self.turns: list[Turn] = []

    def _new_session(self) -> Session:
        return Session(user_id=self.user_id, locale=self.locale, device=self.device)

    def send(self, envelope: dict[str, Any]) -> Turn:
        response = self.app.test_client().post("/", data=json.dumps(envelope), content_type="application/json")
        turn = Turn.from_http(response.status_code, response.get_json(silent=True) or {})
        if "sessionAttributes" in turn.body:
            self.session.attributes = turn.body["sessionAttributes"] or {}
        if turn.ended:
            self.session = self._new_session()
        self.turns.append(turn)
        return turn

    def launch(self) -> Turn:
        return self.send(self.session.launch())

    def say(self, words: str) -> Turn:
        """She speaks; the words are understood through the interaction model's samples."""
        pending = (self.session.attributes.get("conversation") or {}).get("question")
        understood = understanding_for(self.locale).understand(words, pending)
        return self.intent(understood.intent, {name: dict(slot) for name, slot in understood.slots.items()})

    def intent(self, name: str, slots: dict[str, Any] | None = None) -> Turn:
        return self.send(self.session.intent(name, slots))

    def touch(self, button: str) -> Turn:
        return self.send(self.session.user_event([button]))

    def walk_away(self) -> Turn:
        """She stops talking: Alexa ends the session; her next visit is a new session."""
        turn = self.send(self.session.session_ended("EXCEEDED_MAX_REPROMPTS"))
        self.session = self._new_session()
        return turn

    def restart_service(self) -> None:
        """A new process on the same store: nothing carried over but what was stored."""
        self.app = self.make_app()
        self.session = self._new_session()

    @property
    def stored(self) -> dict[str, Any]:
        """What the store holds for her now, read straight from the backend."""
        adapter = self.app.extensions["lump_relief"].persistence
        envelope = Session(user_id=self.user_id, locale=self.locale).launch()
        return adapter.get_attributes(SERIALIZER.deserialize(json.dumps(envelope), RequestEnvelope))


@pytest.fixture
def app_factory() -> Callable[..., Callable[[], Flask]]:
    """Build apps on a given store with verification off (verification has its own tests)."""

    def factory(store_url: str, **overrides: Any) -> Callable[[], Flask]:
        def make() -> Flask:
            return create_app({
                "SKILL_STORE": store_url,
                "VERIFIER": RequestVerifier(check_signature=False),
                "TESTING": True,
                **overrides,
            })
        return make

    return factory


def pytest_collection_finish(session: pytest.Session) -> None:
    """When the speech lint is among the tests to run, its explorations begin now, beside the rest of the
    suite (tests/test_speech_lint.py: EarlyExplorations), on the core the rest leaves idle: three minutes of
    a ten-minute suite became none (docs/performance.md)."""
    linted = {item.path for item in session.items if "explorations" in getattr(item, "fixturenames", ())}
    if linted and {item.path for item in session.items} - linted:  # alone, it explores on every core
        from tests.test_speech_lint import EarlyExplorations
        EarlyExplorations.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """No exploration outlives the run, even one the selected tests never waited for."""
    if lint := sys.modules.get("tests.test_speech_lint"):
        lint.EarlyExplorations.stop()


@pytest.fixture
def alexa(app_factory, sqlite_store_url: str) -> Alexa:
    """Her Echo on a speaker, on a fresh SQLite store."""
    return Alexa(app_factory(sqlite_store_url))


@pytest.fixture
def alexa_on_each_store(app_factory, store_url: str) -> Alexa:
    """The same conversation, once on SQLite and once on DynamoDB (dynalite).

    The table is made first, as a deploy makes it before any mother arrives: on a loaded machine
    dynalite can take over a second to create one, past the turn's store deadline."""
    build_persistence_adapter(store_url).ping()
    return Alexa(app_factory(store_url))


@pytest.fixture
def make_alexa(app_factory, sqlite_store_url: str) -> Callable[..., Alexa]:
    """Another market or device: make_alexa(locale="en-GB", device=ECHO_SHOW)."""

    def make(**options: Any) -> Alexa:
        return Alexa(app_factory(sqlite_store_url), **options)

    return make


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every line the service logs, exactly as its JSON formatter writes it."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("skill")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)
