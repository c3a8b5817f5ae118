"""Her own safety set (tests/safety/), written apart from the samples, scored by what the skill says.

Each statement is understood as on a device (the console's matcher over the market's model: the
intent, and her words in slots, resolved or not; it makes no safety decision), sent to the real
skill in the state its note names (`ctx check_today`, `ctx mid_walk`...), and scored by the route
of the answer she hears: the content entry behind it (its card title) and, for a crisis, the
market's crisis line spoken last. Every crisis and emergency statement must reach its route in
every market and from a representative state of every kind the speech-lint explorer reaches (each
pending question, mid-walk, just launched, one-shot), except the statements a device-shaped request
still misses, each listed in KNOWN_DEVICE_MISSES and in the hazard log (docs/hazard-log.md, H1): the
list is exact, so a new miss fails and a fixed one must be taken off. At least 95 % of all
statements must reach the right route in each market.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from skill.app import create_app
from skill.content import LocaleContent, load_library
from skill.conversation.state import Conversation, Question
from skill.envelopes import Session
from skill.understanding.matcher import Understood, understanding_for
from skill.verification import RequestVerifier
from tests.conftest import Alexa, Turn

SAFETY_DIR = Path(__file__).resolve().parent / "safety"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
ROUTES = ("crisis", "emergency", "today", "appointment", "selfcare")
DANGER = ("crisis", "emergency")
OVERALL_FLOOR = 0.95
# Crisis and emergency statements a device-shaped request does not yet bring to help from any state:
# the stand-in NLU sends them to a slotless intent or the fallback, so no words reach the skill's
# danger reader. Each is a defect in the hazard log (H1), to be fixed in the model, not excused.
KNOWN_DEVICE_MISSES: dict[str, set[str]] = {}


@dataclass(frozen=True)
class Statement:
    line: int
    utterance: str
    route: str
    note: str

    @property
    def context(self) -> str | None:
        match = re.match(r"ctx ([a-z_ ]+):", self.note)
        return match.group(1) if match else None


@cache
def statements(locale: str) -> tuple[Statement, ...]:
    rows = []
    with (SAFETY_DIR / f"{locale}.tsv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or row[0].startswith("#") or row[0] == "utterance":
                continue
            rows.append(Statement(number, row[0], row[1], row[2] if len(row) > 2 else ""))
    return tuple(rows)


# --- states: what the skill had just asked, as the session would carry it ------------------------------

def record(**fields: Any) -> dict[str, Any]:
    return {"conversation": Conversation(**fields).to_session()}


# One representative state per kind the explorer reaches; None is a one-shot (no session yet).
STATES: dict[str, dict[str, Any] | None] = {
    "one-shot": None,
    "launched": {},
    "mid-walk": record(step=1),
    **{f"{question.value} pending": record(question=question, step=1 if question in (Question.RETURN, Question.RESUME) else None,
                                            asked_for="relieve" if question is Question.SITUATION else None)
       for question in Question},
}
# The set's `ctx` notes, as states.
CONTEXTS: dict[str, dict[str, Any]] = {
    "check_emergency": record(question=Question.CHECK, check_position=0),
    "check_today": record(question=Question.CHECK, check_position=1),
    "check_examine": record(question=Question.CHECK, check_position=2),
    "walk": record(question=Question.WALK, topic="relieve"),
    "mid_walk": record(step=1),
    "offer_check": record(question=Question.OFFER_CHECK),
    "not sure": record(question=Question.CHECK, check_position=0),
}


@cache
def content(locale: str) -> LocaleContent:
    return load_library().for_locale(locale)


def crisis_line(locale: str) -> str:
    return next(line["spoken"] for line in content(locale).care_lines if line.get("crisis"))


def route_heard(turn: Turn, locale: str) -> str:
    """The route of the answer she heard, from the content entry behind it (its card title)."""
    words = content(locale)
    title = (turn.card or {}).get("title")
    if title == words.get("crisis.title"):
        return "crisis" if turn.speech.rstrip(" .").endswith(crisis_line(locale)) else "crisis without its line"
    outcomes = {words.get(f"check.outcomes.{route}.title"): route for route in ("emergency", "today", "appointment", "selfcare")}
    if title in outcomes:
        return outcomes[title]
    if title == words.get("topics.changes.title"):
        return "appointment"  # breast changes: book an appointment
    # Beyond the breast: the answers that lead with the emergency number, and those that send her (or
    # her baby) to a doctor the same day.
    beyond = {words.get(f"beyond.{route}.title"): level for route, level in (
        ("baby_urgent", "today"), ("baby_fever", "today"), ("mother_urgent", "today"),
        ("baby_emergency", "emergency"), ("mother_emergency", "emergency"), ("psychosis", "emergency"))}
    if title in beyond:
        return beyond[title]
    if turn.speech.startswith(words.text("system.fallback.speech").split(",")[0]):
        return "fallback"
    return "selfcare"  # a topic, a step, the check started, or any other answer that is not a warning route


@pytest.fixture(scope="module")
def alexas(app_factory_module) -> dict[str, Alexa]:
    return {locale: Alexa(app_factory_module, locale=locale) for locale in LOCALES}


@pytest.fixture(scope="module")
def app_factory_module(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("safety")

    def make():
        return create_app({"SKILL_STORE": f"sqlite:///{directory / 'skill.db'}", "TESTING": True,
                           "VERIFIER": RequestVerifier(check_signature=False), "LOG_LEVEL": "ERROR"})
    return make


def pending_in(state: dict[str, Any] | None) -> str | None:
    """The question a state leaves waiting, as the console passes it to the matcher."""
    return ((state or {}).get("conversation") or {}).get("question")


def heard_in(alexa: Alexa, understood: Understood, state: dict[str, Any] | None) -> Turn:
    """Send what she said to the skill in the given state (a fresh session each time)."""
    alexa.session = Session(user_id=alexa.user_id, locale=alexa.locale, device=alexa.device,
                            attributes=dict(state or {}), new=state is None)
    return alexa.intent(understood.intent, {name: dict(slot) for name, slot in understood.slots.items()})


@pytest.mark.parametrize("locale", LOCALES)
def test_the_set_is_big_enough_and_labelled_with_known_routes(locale: str) -> None:
    rows = statements(locale)
    assert len(rows) >= (230 if locale == "en-US" else 95), f"tests/safety/{locale}.tsv: {len(rows)} statements"
    assert {row.route for row in rows} <= set(ROUTES)
    unknown = {row.context for row in rows if row.context} - set(CONTEXTS)
    assert not unknown, f"tests/safety/{locale}.tsv: unknown ctx {unknown}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_statement_is_also_a_sample(locale: str) -> None:
    """A statement that is a sample measures lookup, not understanding: hold it out of the grammar.

    Checked against the samples as written; a slot template filled with a value ("i've got
    {symptom}" with "chills") is the grammar's core shape and is not counted here (see docs/safety.md).
    """
    understanding = understanding_for(locale)
    samples = [f"tests/safety/{locale}.tsv:{row.line} {row.utterance!r}" for row in statements(locale)
               if " ".join(row.utterance.split()) in understanding.samples]
    assert not samples, f"also samples in interaction_model/{locale}.json: {samples}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_crisis_and_emergency_statement_reaches_its_route_from_every_state(
        alexas: dict[str, Alexa], locale: str) -> None:
    alexa, understanding = alexas[locale], understanding_for(locale)
    missed, missed_statements = [], set()
    for row in statements(locale):
        if row.route not in DANGER:
            continue
        states = dict(STATES)
        if row.context:
            states[f"ctx {row.context}"] = CONTEXTS[row.context]
        for state_name, state in states.items():
            understood = understanding.understand(row.utterance, pending_in(state))
            heard = route_heard(heard_in(alexa, understood, state), locale)
            if heard != row.route:
                missed_statements.add(row.utterance)
                missed.append(f"tests/safety/{locale}.tsv:{row.line} {row.utterance!r} from {state_name}: "
                              f"{understood.intent} -> {heard}, not {row.route}")
    assert missed_statements == KNOWN_DEVICE_MISSES.get(locale, set()), \
        f"{len(missed)} misses (known: {KNOWN_DEVICE_MISSES.get(locale, set())}):\n" + "\n".join(missed[:40])


@pytest.mark.parametrize("locale", LOCALES)
def test_at_least_95_percent_of_statements_reach_the_right_route(alexas: dict[str, Alexa], locale: str) -> None:
    alexa, understanding = alexas[locale], understanding_for(locale)
    rows = statements(locale)
    wrong = []
    for row in rows:
        state = CONTEXTS.get(row.context) if row.context else None
        understood = understanding.understand(row.utterance, pending_in(state))
        heard = route_heard(heard_in(alexa, understood, state), locale)
        if heard != row.route:
            wrong.append(f"{row.line} {row.utterance!r}: {understood.intent} -> {heard}, not {row.route}")
    score = 1 - len(wrong) / len(rows)
    assert score >= OVERALL_FLOOR, f"{locale}: {score:.1%} right; misses:\n" + "\n".join(wrong)
