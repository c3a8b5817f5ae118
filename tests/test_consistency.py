"""Models, handlers, content and triage rules agree, in the spirit of Rasa's validator.

Every intent a model sends has a handler and every intent a handler answers is in every model;
every content key is read or documented, overrides only replace keys the base has, and every
symptom she can report leads somewhere. Each failure names the file and the key to fix.
"""
from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.content import schema
from skill.content.loader import BASE_FILE, CONTENT_DIR, flatten
from skill.envelopes import Session
from skill.handlers.topics import TOPIC_INTENTS
from skill.handlers.triage import TRIAGE_FILE
from tests.conftest import Alexa, Turn

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "interaction_model"
HANDLER_DIR = ROOT / "skill" / "handlers"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
FALLBACK = "AMAZON.FallbackIntent"
SELF_CARE_ROUTE = "selfcare"  # where "no" to every question leads (skill/handlers/triage.py)
STARTS_THE_CHECK = "LUMP"     # a plain lump report has no route: it starts the questions
# Fields any entry may carry for the clinician's and reviewer's benefit; never spoken or shown.
DOCUMENTED_OPTIONAL_FIELDS = frozenset({"source", "clinical_source", "warns", "warning", "how_long"})
RELIEF_ROUTE = "relief"  # a plain lump: the relief overview and an offer of the check


def language_model(locale: str) -> dict[str, Any]:
    return json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


def model_intents(locale: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language_model(locale)["intents"]}


def symptom_ids(locale: str) -> list[str]:
    kinds = {kind["name"]: kind for kind in language_model(locale).get("types", [])}
    return [value["id"] for value in kinds["SymptomType"]["values"]]


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def handled_intents() -> dict[str, str]:
    """Intent name -> the handler file that answers it (topic intents come from TOPIC_INTENTS)."""
    known = {name: "skill/handlers/topics.py" for name in TOPIC_INTENTS}
    for path in sorted(HANDLER_DIR.glob("*.py")):
        for name in re.findall(r"""(?:is_intent_name|IntentReply|ReminderTurn)\(\s*["']([^"']+)["']""", path.read_text(encoding="utf-8")):
            known.setdefault(name, f"skill/handlers/{path.name}")
    return known


def fresh_turn(alexa: Alexa, intent: str, slots: dict[str, Any] | None = None) -> Turn:
    """The intent as the first thing she says in a new session."""
    return alexa.send(Session(user_id=alexa.user_id, locale=alexa.locale, device=alexa.device).intent(intent, slots))


# --- intents: model <-> handlers ------------------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_in_every_model_is_answered_by_its_own_handler(make_alexa: Callable[..., Alexa],
                                                                    locale: str) -> None:
    alexa = make_alexa(locale=locale)
    fallback = fresh_turn(alexa, FALLBACK).speech
    assert fallback
    first_symptom = symptom_ids(locale)[0]
    unanswered = []
    for name, intent in model_intents(locale).items():
        if name == FALLBACK:
            continue
        slots = {slot["name"]: {"value": first_symptom.lower(), "id": first_symptom}
                 for slot in intent.get("slots", [])}
        turn = fresh_turn(alexa, name, slots)
        if turn.status != 200 or not turn.speech or turn.speech == fallback:
            unanswered.append(name)
    assert not unanswered, f"interaction_model/{locale}.json: no handler answers {', '.join(unanswered)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_the_handlers_answer_is_in_every_model(locale: str) -> None:
    in_model = set(model_intents(locale))
    missing = [f"{name} (answered in {where})" for name, where in handled_intents().items() if name not in in_model]
    assert not missing, f"interaction_model/{locale}.json: missing intents {', '.join(missing)}"


def test_the_handler_scan_finds_the_intents_it_should() -> None:
    known = handled_intents()
    assert {"WalkStepsIntent", "SymptomCheckIntent", "ReportSymptomIntent", "ForgetMeIntent",
            "AMAZON.YesIntent", "AMAZON.StopIntent", "AMAZON.NavigateHomeIntent"} <= set(known)


# --- content: every key is read or documented, overrides only replace ------------------------------

def allowed_base_key(key: str, required: set[str]) -> bool:
    parts = key.split(".")
    if key in required or key in {f"terms.{term}" for term in schema.OPTIONAL_TERMS}:
        return True
    if len(parts) >= 3 and parts[-2] in schema.SITUATIONS and parts[-1] in schema.SITUATION_FIELDS:
        return True  # a situation variant; the loader checks it against schema.SITUATION_ENTRIES
    if parts[0] == "steps" and len(parts) == 3:
        return parts[2] in schema.STEP_FIELDS or parts[2] in DOCUMENTED_OPTIONAL_FIELDS
    parent = ".".join(parts[:-1])
    entry_is_read = any(other.startswith(f"{parent}.") for other in required)
    return parts[-1] in DOCUMENTED_OPTIONAL_FIELDS and entry_is_read


def test_every_key_in_the_base_content_is_required_or_documented() -> None:
    required = set(schema.REQUIRED)
    unused = [key for key in flatten(read_toml(CONTENT_DIR / BASE_FILE)) if not allowed_base_key(key, required)]
    assert not unused, f"skill/content/{BASE_FILE}: keys nothing reads: {', '.join(unused)}"


def test_the_base_key_check_catches_an_unread_key() -> None:
    required = set(schema.REQUIRED)
    assert allowed_base_key("topics.doctor.clinical_source", required)
    assert allowed_base_key("steps.2.card", required)
    assert not allowed_base_key("topics.doctor.speach", required)
    assert not allowed_base_key("topics.sleep.source", required)
    assert not allowed_base_key("steps.2.note", required)


def test_every_required_key_is_in_the_base_content() -> None:
    present = set(flatten(read_toml(CONTENT_DIR / BASE_FILE)))
    missing = [key for key in schema.REQUIRED if key not in present]
    assert not missing, f"skill/content/{BASE_FILE}: missing {', '.join(missing)}"


def override_keys_missing_from_base(override: dict[str, Any], base: dict[str, Any]) -> list[str]:
    """Dotted keys in an override that the base does not have; steps are matched by their `key`."""
    base_keys = set(flatten(base))
    base_steps = {step.get("key"): index for index, step in enumerate(base.get("steps", []))}
    missing = []
    for position, step in enumerate(override.get("steps", [])):
        index = base_steps.get(step.get("key"))
        if index is None:
            missing.append(f"steps[{position}].key = {step.get('key')!r}")
            continue
        missing += [f"steps[key={step['key']}].{name}" for name in step if f"steps.{index}.{name}" not in base_keys]
    rest = {name: value for name, value in override.items() if name != "steps"}
    missing += [key for key in flatten(rest) if key not in base_keys]
    return missing


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_override_only_replaces_keys_the_base_has(locale: str) -> None:
    base = read_toml(CONTENT_DIR / BASE_FILE)
    typos = override_keys_missing_from_base(read_toml(CONTENT_DIR / f"{locale}.toml"), base)
    assert not typos, f"skill/content/{locale}.toml: keys not in {BASE_FILE}: {', '.join(typos)}"


def test_the_override_check_catches_a_typo() -> None:
    base = read_toml(CONTENT_DIR / BASE_FILE)
    typo = {"topics": {"doctor": {"speach": "x"}}, "steps": [{"key": "rest", "titel": "x"}, {"key": "nap"}]}
    assert override_keys_missing_from_base(typo, base) == [
        "steps[key=rest].titel", "steps[1].key = 'nap'", "topics.doctor.speach"]


# --- triage: every symptom leads somewhere, every route has words ---------------------------------

@pytest.fixture(scope="module")
def triage() -> dict[str, Any]:
    return read_toml(TRIAGE_FILE)


@pytest.fixture(scope="module")
def outcomes() -> set[str]:
    return set(read_toml(CONTENT_DIR / BASE_FILE)["check"]["outcomes"])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_symptom_she_can_report_has_a_route_or_starts_the_check(triage: dict[str, Any], locale: str) -> None:
    unrouted = [sid for sid in symptom_ids(locale) if sid not in triage["reported"] and sid != STARTS_THE_CHECK]
    assert not unrouted, (f"interaction_model/{locale}.json: SymptomType ids with no route in "
                          f"skill/content/triage.toml [reported]: {', '.join(unrouted)}")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_reported_symptom_in_the_rules_is_in_every_model(triage: dict[str, Any], locale: str) -> None:
    unknown = sorted(set(triage["reported"]) - set(symptom_ids(locale)))
    assert not unknown, (f"skill/content/triage.toml [reported]: ids not in interaction_model/{locale}.json "
                         f"SymptomType: {', '.join(unknown)}")


def test_every_route_in_the_rules_has_an_outcome(triage: dict[str, Any], outcomes: set[str]) -> None:
    routes = {f"[reported] {sid} = {route}": route for sid, route in triage["reported"].items()
              if route != RELIEF_ROUTE}
    routes |= {f"[[questions]] {q['name']} yes = {q['yes']}": q["yes"] for q in triage["questions"]}
    routes["after no to every question"] = SELF_CARE_ROUTE
    missing = [where for where, route in routes.items() if route not in outcomes]
    assert not missing, f"skill/content/triage.toml: routes with no [check.outcomes] in {BASE_FILE}: {missing}"
    assert set(routes.values()) <= set(schema.CARE_ROUTES)


def test_every_question_in_the_rules_has_words(triage: dict[str, Any]) -> None:
    named = [question["name"] for question in triage["questions"]]
    assert named == list(schema.CHECK_QUESTIONS), "skill/content/triage.toml [[questions]] vs schema.CHECK_QUESTIONS"
    worded = set(read_toml(CONTENT_DIR / BASE_FILE)["check"]["questions"])
    missing = [name for name in named if name not in worded]
    assert not missing, f"skill/content/{BASE_FILE}: no [check.questions.<name>] for {', '.join(missing)}"
