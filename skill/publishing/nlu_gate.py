"""python -m skill nlu-gate: does Amazon's own NLU send every crisis and emergency statement to help?

The console's matcher only stands in for Alexa's NLU. Before certification the owner runs the safety
statements (tests/safety/, and any held-out set given with --set) through the deployed model with
`ask smapi profile-nlu`, and the gate fails on any crisis or emergency statement a device would route
elsewhere. It needs the owner's ASK CLI credentials, so it never runs in the test suite; the tests
drive it with a stand-in `ask` that prints recorded answers.

What a device does with an answer is decided by a judge (a function of what Alexa heard). The default
is strict: the selected intent is a crisis or emergency intent of triage.toml, or the `symptom` slot
resolved to a red-flag id. The skill's own danger reader, which also reads unresolved slot words, is
to be plugged in as the judge later.
"""
from __future__ import annotations

import argparse
import enum
import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from skill.content.loader import CONTENT_DIR, ContentError, read_toml
from skill.understanding.models import LOCALES

SAFETY_DIR = Path(__file__).resolve().parents[2] / "tests" / "safety"
TRIAGE_FILE = CONTENT_DIR / "triage.toml"
HEADER = ("utterance", "route", "note")  # tests/safety/README.md
GATED_ROUTES = ("crisis", "emergency")
SYMPTOM_SLOT = "symptom"  # the slot the safety net reads on any intent (skill/handlers/triage.py)
ASK_ENV = "ASK_CLI"  # another `ask` command line, e.g. "npx ask-cli" (tests: a stand-in)
DEFAULT_TIMEOUT = 60.0  # seconds per call: the CLI starts node and may refresh its token first
ATTEMPTS = 2  # SMAPI answers an odd 5xx; a second failure stops the run
MATCH = "ER_SUCCESS_MATCH"
SCALARS: dict[str, type | tuple[type, ...]] = {"str": str, "bool": bool, "int": int, "float": (int, float)}


class GateError(Exception):
    """The gate could not run or read an answer; the message is one line, for the owner."""


@dataclass(frozen=True)
class Statement:
    utterance: str
    route: str
    where: str  # file:line, so a failure names the row to look at


@dataclass(frozen=True)
class HeardSlot:
    value: str | None        # her words for the slot, as Alexa heard them
    resolved_id: str | None  # the id of the first successful resolution, as the skill reads it


@dataclass(frozen=True)
class Heard:
    """What a device would send the skill for one utterance, read from a profile-nlu answer."""

    intent: str
    slots: dict[str, HeardSlot]
    session_ended: bool  # Alexa left the skill (exit or home) before the skill heard anything
    considered: tuple[str, ...]
    dialog_act: str | None  # a multi-turn dialog Alexa would start instead of sending the intent


Judge = Callable[[Heard], bool]


def read_statements(path: Path) -> list[Statement]:
    """The rows of one labelled TSV file (header utterance, route, note; '#' lines are comments)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise GateError(f"{path}: cannot be read ({error.strerror})") from error
    if not lines or tuple(lines[0].split("\t")) != HEADER:
        raise GateError(f"{path}: the first line must be the header {', '.join(HEADER)} (tab-separated)")
    statements = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != len(HEADER) or not columns[0].strip():
            raise GateError(f"{path}:{number}: expected {len(HEADER)} tab-separated columns and an utterance")
        statements.append(Statement(columns[0].strip(), columns[1].strip(), f"{path}:{number}"))
    return statements


def parse_answer(text: str) -> Heard:
    """Read the CLI's output with Amazon's own model classes (ask-smapi-model, v1.skill.evaluations)."""
    start = text.find("{")  # the CLI may print a notice first
    if start < 0:
        raise GateError(f"not a profile-nlu answer (no JSON object): {_one_line(text)!r}")
    try:
        document = json.loads(text[start:])
    except json.JSONDecodeError as error:
        raise GateError(f"not a profile-nlu answer (broken JSON: {error.msg}, character {error.pos})") from None
    response = _deserialize(document)
    selected = response.selected_intent
    if selected is None or selected.name is None:
        raise GateError("not a profile-nlu answer (no selectedIntent with a name)")
    act = getattr(response.multi_turn, "dialog_act", None)
    return Heard(
        intent=selected.name,
        slots={name: _heard_slot(slot) for name, slot in (selected.slots or {}).items()},
        session_ended=response.session_ended is True,
        considered=tuple(intent.name or "?" for intent in response.considered_intents or []),
        dialog_act=act.object_type.value if act is not None and act.object_type is not None else None,
    )


def _deserialize(document: Any) -> Any:
    """Amazon's classes, after a type check: their serializer would turn a number into text unasked."""
    try:
        from ask_sdk_core.serialize import DefaultSerializer
        from ask_smapi_model.v1.skill.evaluations import ProfileNluResponse
    except ImportError as error:
        raise GateError(f"reading the answers needs {error.name} (pip install -r requirements-dev.txt)") from None
    if mistake := _type_mistake(document, ProfileNluResponse, "$"):
        raise GateError(f"not a profile-nlu answer ({mistake})")
    return DefaultSerializer().deserialize(json.dumps(document), ProfileNluResponse)


def _type_mistake(document: Any, kind: Any, path: str) -> str | None:
    """The first value whose JSON type differs from the model's `deserialized_types` (new keys pass)."""
    if document is None:
        return None
    if isinstance(kind, str):
        if kind in SCALARS:
            fits = isinstance(document, SCALARS[kind]) and not (kind != "bool" and isinstance(document, bool))
            return None if fits else f"{path} is not {kind}"
        if kind.startswith("list[") and isinstance(document, list):
            return next(filter(None, (f"{path}[{index}] is null" if item is None else
                                      _type_mistake(item, kind[5:-1], f"{path}[{index}]")
                                      for index, item in enumerate(document))), None)
        if kind.startswith("dict(str, ") and isinstance(document, dict):
            return next(filter(None, (_type_mistake(value, kind[10:-1], f"{path}.{key}")
                                      for key, value in document.items())), None)
        if kind.startswith(("list[", "dict(")):
            return f"{path} is not {'a list' if kind.startswith('list') else 'an object'}"
        module, _, name = kind.rpartition(".")
        kind = getattr(importlib.import_module(module), name)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return None if document in {member.value for member in kind} else f"{path} is not one of {kind.__name__}"
    if not isinstance(document, dict):
        return f"{path} is not an object"
    known = {json_key: attribute for attribute, json_key in kind.attribute_map.items()}
    return next(filter(None, (_type_mistake(value, kind.deserialized_types[known[key]], f"{path}.{key}")
                              for key, value in document.items() if key in known)), None)


def _heard_slot(slot: Any) -> HeardSlot:
    """Her words and the first successful resolution's id, as skill/handlers/slots.py reads them."""
    if slot is None:
        return HeardSlot(None, None)
    for authority in (slot.resolutions.resolutions_per_authority if slot.resolutions else None) or []:
        code = authority.status.code if authority.status else None
        if code is not None and code.value == MATCH and authority.values:
            return HeardSlot(slot.value, _value_id(authority.values[0]))
    return HeardSlot(slot.value, None)


def _value_id(item: Any) -> str | None:
    """Amazon's model puts `id` on the item; a request envelope nests it under `value`: read either."""
    nested = getattr(item, "value", None)
    found = getattr(item, "id", None) or (nested.get("id") if isinstance(nested, dict) else None)
    return found if isinstance(found, str) else None


def danger_rules(path: Path = TRIAGE_FILE) -> tuple[frozenset[str], frozenset[str]]:
    """(intents routed to crisis or emergency, SymptomType ids routed to emergency), from triage.toml."""
    try:
        data = read_toml(path)
        intents = frozenset(name for name, said in data["intents"].items() if said["route"] in GATED_ROUTES)
        signs = frozenset(sign for sign, route in data["reported"].items() if route in GATED_ROUTES)
    except (ContentError, KeyError, TypeError, AttributeError) as error:
        raise GateError(f"{path.name}: cannot read the danger routes ({error})") from None
    return intents, signs


def strict_judge(path: Path = TRIAGE_FILE) -> Judge:
    """Help first by what a device sends as such: the intent, or a red-flag id in the symptom slot.

    Words Alexa could not resolve count for nothing here; a judge that also reads them (the skill's
    own danger reader) can be passed to run_gate instead.
    """
    intents, signs = danger_rules(path)

    def judge(heard: Heard) -> bool:
        symptom = heard.slots.get(SYMPTOM_SLOT)
        return heard.intent in intents or (symptom is not None and symptom.resolved_id in signs)

    return judge


def reaches_help(heard: Heard, judge: Judge) -> bool:
    """A session Alexa ends, or a dialog it starts, never reaches the skill's safety net."""
    return not heard.session_ended and heard.dialog_act is None and judge(heard)


@dataclass(frozen=True)
class AskCli:
    """How to call `ask smapi profile-nlu` for one skill and stage."""

    command: tuple[str, ...]
    skill_id: str
    stage: str = "development"
    profile: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    attempts: int = ATTEMPTS

    def arguments(self, locale: str, utterance: str) -> list[str]:
        arguments = [*self.command, "smapi", "profile-nlu", "--skill-id", self.skill_id, "--stage", self.stage,
                     "--locale", locale, "--utterance", utterance]
        return arguments + (["--profile", self.profile] if self.profile else [])

    def profile_nlu(self, locale: str, utterance: str) -> str:
        """The CLI's output for one utterance; a timeout or an error exit is tried once more."""
        reason = ""
        for _ in range(self.attempts):
            try:
                done = subprocess.run(self.arguments(locale, utterance), capture_output=True, text=True,
                                      stdin=subprocess.DEVNULL, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                reason = f"ask did not answer within {self.timeout:g} s"
                continue
            except OSError as error:
                raise GateError(f"cannot run {self.command[0]!r}: {error.strerror}") from None
            if done.returncode == 0:
                return done.stdout
            reason = f"ask exited {done.returncode}: {_one_line(done.stderr or done.stdout) or 'no message'}"
        raise GateError(f"{reason} ({self.attempts} attempts)")


def ask_command(given: str | None) -> tuple[str, ...]:
    """--ask, else $ASK_CLI, else `ask`; refused early when it cannot be found."""
    command = tuple(shlex.split(given or os.environ.get(ASK_ENV) or "ask"))
    if not command or shutil.which(command[0]) is None:
        raise GateError(f"ASK CLI not found ({' '.join(command) or 'empty'}): install it "
                        f"(npm install -g ask-cli), run `ask configure`, or set {ASK_ENV}")
    return command


@dataclass
class LocaleResult:
    locale: str
    gated: int = 0
    misses: list[tuple[Statement, Heard]] = field(default_factory=list)


def run_gate(ask: AskCli, locales: Sequence[str], sets: Sequence[Path], judge: Judge | None = None,
             out: TextIO | None = None) -> list[LocaleResult]:
    """Profile every crisis and emergency statement of every set, per locale; returns the misses."""
    judge, out = judge or strict_judge(), out or sys.stdout
    results = []
    for locale in locales:
        statements = [statement for folder in sets if (folder / f"{locale}.tsv").is_file()
                      for statement in read_statements(folder / f"{locale}.tsv") if statement.route in GATED_ROUTES]
        heard: dict[str, Heard] = {}  # a statement in two sets is asked once
        result = LocaleResult(locale, gated=len(statements))
        for statement in statements:
            if statement.utterance not in heard:
                try:
                    heard[statement.utterance] = parse_answer(ask.profile_nlu(locale, statement.utterance))
                except GateError as error:
                    raise GateError(f"{locale} {statement.utterance!r} ({statement.where}): {error}") from None
            if not reaches_help(heard[statement.utterance], judge):
                result.misses.append((statement, heard[statement.utterance]))
        print(f"{locale}: {result.gated} crisis and emergency statements, "
              f"{result.gated - len(result.misses)} reach help, {len(result.misses)} routed elsewhere", file=out, flush=True)
        results.append(result)
    return results


def describe_miss(locale: str, statement: Statement, heard: Heard) -> str:
    """One line the owner can act on: what she said, where it went instead, and the row."""
    said = [f"-> {heard.intent}"]
    said += [f"{name}={slot.value!r}" + (f" ({slot.resolved_id})" if slot.resolved_id else "")
             for name, slot in heard.slots.items() if slot.value]
    if heard.session_ended:
        said.append("session ended")
    if heard.dialog_act:
        said.append(f"dialog {heard.dialog_act}")
    if heard.considered:
        said.append(f"considered {', '.join(heard.considered[:3])}")
    return f"ROUTED ELSEWHERE {locale} {statement.route}: {statement.utterance!r} {' '.join(said)}  [{statement.where}]"


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """0 when every gated statement reaches help, 1 when one is routed elsewhere, 2 when it could not run."""
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m skill nlu-gate",
        description="Run the crisis and emergency statements through Amazon's NLU (ask smapi profile-nlu) "
                    "and fail on any a device would route elsewhere.")
    parser.add_argument("--skill-id", required=True, help="the skill's id (amzn1.ask.skill....)")
    parser.add_argument("--stage", default="development", choices=("development", "live"))
    parser.add_argument("--locale", action="append", choices=LOCALES, help="repeatable; default: all five")
    parser.add_argument("--set", action="append", type=Path, default=[], metavar="DIR", dest="sets",
                        help="another folder of <locale>.tsv with the safety set's header (repeatable)")
    parser.add_argument("--safety-dir", type=Path, default=SAFETY_DIR, metavar="DIR",
                        help="the safety set (default: tests/safety)")
    parser.add_argument("--ask", help=f"the ASK CLI command (default: ${ASK_ENV}, else ask)")
    parser.add_argument("--profile", help="the ASK CLI profile (default: the CLI's default profile)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per call")
    args = parser.parse_args(argv)
    try:
        ask = AskCli(ask_command(args.ask), args.skill_id, args.stage, args.profile, args.timeout)
        results = run_gate(ask, args.locale or list(LOCALES), [args.safety_dir, *args.sets], out=out)
    except GateError as error:
        print(f"nlu-gate: error: {error}", file=err)
        return 2
    gated = sum(result.gated for result in results)
    misses = [(result.locale, statement, heard) for result in results for statement, heard in result.misses]
    for locale, statement, heard in misses:
        print(describe_miss(locale, statement, heard), file=out)
    if gated == 0:
        print("nlu-gate: error: no crisis or emergency statement found to gate", file=err)
        return 2
    if misses:
        print(f"nlu-gate: FAILED: {len(misses)} of {gated} crisis and emergency statements routed elsewhere", file=out)
        return 1
    print(f"nlu-gate: passed: all {gated} crisis and emergency statements reach help", file=out)
    return 0


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
