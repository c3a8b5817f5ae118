"""Safety as a device hears her: the intent and slots Alexa would send, answered by the real skill.

The console's matcher stands in for Alexa's NLU (an intent chosen from the model's samples alone;
slot words framed by a sample and sent unresolved when no value matches) and makes no safety
decision: the skill does, on exactly that request. Three things are held here:

- the requests the console sends are the shape Alexa sends (Amazon's own request classes);
- the web service and the Lambda handler answer the same device request the same way;
- the independent held-out set (tests/safety/heldout/, written apart from the grammar and the tests,
  scored before it was merged) reaches help first. Only its dev half was ever read for misses; the
  test half is scored here and nobody tunes to it.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

import skill
from skill.app import create_app
from skill.conversation.render import plain_text
from skill.envelopes import Session
from skill.understanding.matcher import Understood, understanding_for
from skill.verification import RequestVerifier
from tests.conftest import Alexa, Turn
from tests.test_safety import CONTEXTS, LOCALES, heard_in, pending_in, route_heard, statements

HELD_OUT = Path(__file__).resolve().parent / "safety" / "heldout"
# The held-out set's contexts, as the states the skill would be in.
STATE_OF = {"none": None, "walk": CONTEXTS["walk"], "mid_walk": CONTEXTS["mid_walk"], "check": CONTEXTS["check_today"]}
URGENCY = ("crisis", "emergency", "today", "appointment", "selfcare")
# What the issue asks of the untouched test half (crisis and emergency lead with the number; same day
# and appointment reach their route or a more urgent one; calm statements raise no alarm) ...
TARGETS = {"danger": 0.98, "today": 0.95, "appointment": 0.90, "calm": 0.98}
# ... and what the skill reaches on it now, measured as this file was written, a little below (docs/safety.md:
# the stand-in's intent choice moves a few points with any model change): a fall below these is a regression.
FLOORS = {"danger": 0.89, "today": 0.89, "appointment": 0.75, "calm": 0.86}


@dataclass(frozen=True)
class HeldOut:
    locale: str
    utterance: str
    route: str
    context: str
    half: str

    @property
    def group(self) -> str:
        return "danger" if self.route in ("crisis", "emergency") else self.route


@cache
def held_out(locale: str) -> tuple[HeldOut, ...]:
    with (HELD_OUT / f"{locale}.tsv").open(encoding="utf-8") as handle:
        return tuple(HeldOut(locale, row["utterance"], row["route"], row["context"], row["half"])
                     for row in csv.DictReader(handle, delimiter="\t"))


def played(alexa: Alexa, half: str) -> Iterator[tuple[HeldOut, Understood, Turn, str]]:
    """Each statement of one half, in her market, as a device hears it: what Alexa sends, what the skill
    answers, and the route of that answer. The suite scores the test half; tests/safety/score_dev.py the dev half."""
    understanding = understanding_for(alexa.locale)
    for row in held_out(alexa.locale):
        if row.half == half:
            state = STATE_OF[row.context]
            understood = understanding.understand(row.utterance, pending_in(state))
            turn = heard_in(alexa, understood, state)
            yield row, understood, turn, route_heard(turn, alexa.locale)


def reaches_help(row: HeldOut, heard: str) -> bool:
    if row.group == "danger":
        return heard in ("crisis", "emergency")
    if row.group == "calm":
        return heard not in ("crisis", "emergency", "crisis without its line")
    return heard in URGENCY and URGENCY.index(heard) <= URGENCY.index(row.route)


@pytest.fixture(scope="module")
def make_app(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("device")
    return lambda: create_app({"SKILL_STORE": f"sqlite:///{directory / 'skill.db'}", "TESTING": True,
                               "VERIFIER": RequestVerifier(check_signature=False), "LOG_LEVEL": "ERROR"})


@pytest.fixture(scope="module")
def test_half_scores(make_app) -> dict[str, tuple[int, int]]:
    """Right and total per group on the test half, all five markets, as a device hears them."""
    right, total = Counter(), Counter()
    for locale in LOCALES:
        for row, _, _, heard in played(Alexa(make_app, locale=locale), "test"):
            total[row.group] += 1
            right[row.group] += reaches_help(row, heard)
    return {group: (right[group], total[group]) for group in total}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_held_out_set_is_whole_and_labelled(locale: str) -> None:
    rows = held_out(locale)
    assert len(rows) >= 180, f"tests/safety/heldout/{locale}.tsv: {len(rows)} rows"
    assert {row.route for row in rows} == {"crisis", "emergency", "today", "appointment", "calm"}
    assert {row.context for row in rows} <= set(STATE_OF) and {row.half for row in rows} == {"dev", "test"}


@pytest.mark.parametrize("locale", LOCALES)
def test_no_held_out_statement_is_a_sample(locale: str) -> None:
    """A statement that is also a sample measures lookup: the grammar's `held_out` keeps it out."""
    samples = understanding_for(locale).samples
    rows = [*held_out(locale), *(HeldOut(locale, row["utterance"], row["route"], row["context"], row["half"])
                                 for row in csv.DictReader((HELD_OUT.parent / "heldout27" / f"{locale}.tsv").open(encoding="utf-8"),
                                                           delimiter="\t"))]
    assert not [row.utterance for row in rows if row.utterance in samples]


@pytest.mark.parametrize("group", FLOORS)
def test_the_untouched_test_half_reaches_help_no_less_than_it_did(test_half_scores, group: str) -> None:
    right, total = test_half_scores[group]
    assert right / total >= FLOORS[group], f"{group}: {right}/{total} = {right / total:.1%}"


@pytest.mark.xfail(strict=True, reason="the issue's targets are not reached yet on a device-shaped request "
                                       "(docs/safety.md, docs/hazard-log.md H1, H2): the stand-in NLU still sends "
                                       "some danger to a slotless intent or the fallback")
def test_the_untouched_test_half_meets_the_targets(test_half_scores) -> None:
    short = {group: f"{right}/{total}" for group, (right, total) in test_half_scores.items()
             if right / total < TARGETS[group]}
    assert not short, short


@pytest.mark.parametrize("locale", LOCALES)
def test_the_console_sends_only_requests_a_device_could_send(locale: str) -> None:
    """Every safety statement as the console sends it: Amazon's request classes read its intent back
    unchanged (no key they do not know), and each slot is resolved (with a value id) or unresolved
    (ER_SUCCESS_NO_MATCH, no values), never anything else."""
    understanding, serializer, findings = understanding_for(locale), DefaultSerializer(), []
    for row in statements(locale):
        understood = understanding.understand(row.utterance)
        envelope = Session(locale=locale).intent(understood.intent, {k: dict(v) for k, v in understood.slots.items()})
        read_back = serializer.serialize(serializer.deserialize(json.dumps(envelope), RequestEnvelope))
        if read_back["request"]["intent"] != envelope["request"]["intent"]:
            findings.append(f"{row.utterance!r}: {envelope['request']['intent']} read back as {read_back['request']['intent']}")
        for slot in envelope["request"]["intent"]["slots"].values():
            (authority,) = slot["resolutions"]["resolutionsPerAuthority"]
            resolved = authority["status"]["code"] == "ER_SUCCESS_MATCH"
            if resolved != bool(authority.get("values")) or not slot["value"]:
                findings.append(f"{row.utterance!r}: slot {slot['name']} {authority}")
            if not resolved and authority["status"]["code"] != "ER_SUCCESS_NO_MATCH":
                findings.append(f"{row.utterance!r}: slot {slot['name']} status {authority['status']}")
    assert not findings, findings[:10]


def answer_on_the_web(app: Any, envelope: dict[str, Any]) -> str:
    body = app.test_client().post("/", data=json.dumps(envelope), content_type="application/json").get_json()
    return plain_text(body["response"]["outputSpeech"]["ssml"])


def test_the_web_service_and_lambda_answer_a_device_request_the_same(make_app, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SKILL_STORE", f"sqlite:///{tmp_path}/lambda.db")
    monkeypatch.delenv("SKILL_ID", raising=False)
    skill._lambda_entry.cache_clear()
    app, understanding, differ = make_app(), understanding_for("en-GB"), []
    try:
        for row in statements("en-GB")[:60]:
            understood = understanding.understand(row.utterance)
            envelope = Session(locale="en-GB").intent(understood.intent, {k: dict(v) for k, v in understood.slots.items()})
            on_lambda = plain_text(skill.lambda_handler(envelope, None)["response"]["outputSpeech"]["ssml"])
            if answer_on_the_web(app, envelope) != on_lambda:
                differ.append(row.utterance)
    finally:
        skill._lambda_entry.cache_clear()
    assert not differ, differ
