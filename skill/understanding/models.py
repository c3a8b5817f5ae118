"""Build every interaction_model/<locale>.json from one utterance grammar, so five models never drift.

The grammar lives in interaction_model/grammar/: `en.toml` (macros, intents, slot types) and one
small `<locale>.toml` per market that replaces macros and adds samples or synonyms. The committed
JSON is what Alexa, the packager and the console's matcher read; `python -m skill models --check`
fails when it differs from what the grammar gives.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from skill.understanding.grammar import Grammar, GrammarError

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"
GRAMMAR_DIR = MODEL_DIR / "grammar"
BASE_FILE = "en.toml"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")

# What Alexa accepts in a sample: words, possessive or contracted apostrophes, "g. p." style
# abbreviations and {slot} references, single spaces, no digits ("Create Intents, Utterances, and Slots").
_WORD = r"(?:[a-z]+(?:'[a-z]+)*|[a-z]\.)"
SAMPLE_PATTERN = re.compile(rf"^(?:{_WORD}|\{{[A-Za-z]\w*\}})(?: (?:{_WORD}|\{{[A-Za-z]\w*\}}))*$")
SLOT_VALUE_PATTERN = re.compile(rf"^{_WORD}(?: {_WORD})*$")
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")

# Phrases Alexa's built-in intents own; a custom sample that repeats one steals "yes", "stop"...
BUILT_IN_PHRASES = frozenset({
    "help", "help me", "what can i say", "what can i do", "stop", "off", "shut up", "cancel",
    "never mind", "forget it", "home", "go home", "next", "skip", "previous", "go back", "back",
    "repeat", "say that again", "start over", "restart", "start again", "yes", "yeah", "yes please",
    "sure", "okay", "ok", "yep", "no", "no thanks", "nope", "no thank you", "exit", "quit",
})


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise GrammarError(f"{path.name}: not valid TOML ({error})") from error


def merged_grammar(locale: str, grammar_dir: Path = GRAMMAR_DIR) -> dict[str, Any]:
    """The base grammar with the locale's macros replaced and its samples and synonyms added."""
    base = read_toml(grammar_dir / BASE_FILE)
    local_path = grammar_dir / f"{locale}.toml"
    local = read_toml(local_path) if local_path.exists() else {}
    unknown_macros = sorted(set(local.get("macros", {})) - set(base.get("macros", {})))
    unknown_intents = sorted(set(local.get("intents", {})) - set(base["intents"]))
    if unknown_macros or unknown_intents:
        raise GrammarError(f"{local_path.name}: macros {unknown_macros} or intents {unknown_intents} "
                           f"are not in {BASE_FILE}")
    merged = dict(base)
    merged["macros"] = {**base.get("macros", {}), **local.get("macros", {})}
    merged["intents"] = {
        name: {**intent, "samples": [*intent.get("samples", []),
                                     *local.get("intents", {}).get(name, {}).get("samples", [])]}
        for name, intent in base["intents"].items()
    }
    types: dict[str, dict[str, Any]] = {}
    for type_name, values in base.get("types", {}).items():
        extra = local.get("types", {}).get(type_name, {})
        unknown_ids = sorted(set(extra) - set(values))
        if unknown_ids:
            raise GrammarError(f"{local_path.name}: types.{type_name} ids {unknown_ids} are not in {BASE_FILE}")
        types[type_name] = {
            value_id: {**value, "synonyms": [*value.get("synonyms", []), *extra.get(value_id, {}).get("synonyms", [])]}
            for value_id, value in values.items()
        }
    merged["types"] = types
    return merged


def build_model(locale: str, grammar_dir: Path = GRAMMAR_DIR) -> dict[str, Any]:
    """The ASK interaction model for one locale; raises GrammarError naming what to fix."""
    spec = merged_grammar(locale, grammar_dir)
    grammar = Grammar(spec.get("macros", {}))
    target = int(spec.get("settings", {}).get("samples_per_intent", 180))
    held_out = frozenset(" ".join(phrase.lower().split()) for phrase in spec.get("held_out", []))
    intents = []
    owner: dict[str, str] = {}
    problems: list[str] = []
    used_types: list[str] = []
    for name, intent in spec["intents"].items():
        slots = [{"name": slot, "type": kind} for slot, kind in intent.get("slots", {}).items()]
        samples = sorted(grammar.expand_all(intent.get("samples", []), int(intent.get("target", target)), held_out))
        problems += sample_problems(name, samples, {slot["name"] for slot in slots})
        for sample in samples:
            if sample in owner:
                problems.append(f"{sample!r} is a sample of both {owner[sample]} and {name}")
            owner[sample] = name
        entry: dict[str, Any] = {"name": name}
        if slots:
            entry["slots"] = slots
            used_types += [slot["type"] for slot in slots if slot["type"] not in used_types]
        entry["samples"] = samples
        intents.append(entry)
    types = [slot_type(type_name, spec["types"][type_name], grammar) for type_name in used_types
             if type_name in spec["types"]]
    problems += filled_slot_clashes(intents, types, owner | dict.fromkeys(held_out, "held_out"))
    if problems:
        raise GrammarError(f"{locale}: " + "; ".join(problems))
    return {"interactionModel": {"languageModel": {
        "invocationName": spec["invocation_name"], "intents": intents, "types": types}}}


def sample_problems(intent: str, samples: list[str], slots: set[str]) -> list[str]:
    problems = []
    for sample in samples:
        if not SAMPLE_PATTERN.fullmatch(sample):
            problems.append(f"{intent} {sample!r}: only letters, apostrophes, 'g. p.' and {{slots}}")
        if any(name not in slots for name in SLOT_REFERENCE.findall(sample)):
            problems.append(f"{intent} {sample!r}: slot not declared in the intent's slots")
        if SLOT_REFERENCE.fullmatch(sample):
            problems.append(f"{intent} {sample!r}: a sample must say more than its slot")
        if not intent.startswith("AMAZON.") and sample in BUILT_IN_PHRASES:
            problems.append(f"{intent} {sample!r}: a built-in intent's own phrase")
    return problems


def filled_slot_clashes(intents: list[dict[str, Any]], types: list[dict[str, Any]],
                        owner: dict[str, str]) -> list[str]:
    """A slot template filled with one of its values must not be another intent's sample (or held out)."""
    phrases = {kind["name"]: [text for value in kind["values"]
                              for text in (value["name"]["value"], *value["name"]["synonyms"])]
               for kind in types}
    clashes = []
    for intent in intents:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            names = SLOT_REFERENCE.findall(sample)
            if len(names) != 1:
                continue
            for phrase in phrases.get(slot_types.get(names[0], ""), []):
                filled = sample.replace("{" + names[0] + "}", phrase)
                other = owner.get(filled)
                if other and other != intent["name"]:
                    clashes.append(f"{intent['name']} {sample!r} with {phrase!r} is a sample of {other}")
    return clashes


def slot_type(name: str, values: dict[str, Any], grammar: Grammar) -> dict[str, Any]:
    """Values keep their id; each synonym template is expanded in full and checked."""
    out = []
    for value_id, value in values.items():
        spoken = value["value"]
        synonyms: list[str] = []
        for template in value.get("synonyms", []):
            synonyms += [text for text in grammar.expand(template) if text != spoken and text not in synonyms]
        bad = [text for text in [spoken, *synonyms] if not SLOT_VALUE_PATTERN.fullmatch(text)]
        if bad:
            raise GrammarError(f"types.{name}.{value_id}: values with disallowed characters {bad}")
        out.append({"id": value_id, "name": {"value": spoken, "synonyms": synonyms}})
    return {"name": name, "values": out}


def render(locale: str, grammar_dir: Path = GRAMMAR_DIR) -> str:
    """The exact text of <locale>.json: stable order, two-space indent, final newline."""
    return json.dumps(build_model(locale, grammar_dir), indent=2, ensure_ascii=False) + "\n"


def stale_models(model_dir: Path = MODEL_DIR, grammar_dir: Path = GRAMMAR_DIR) -> list[str]:
    """Locale files whose committed text differs from what the grammar gives."""
    stale = []
    for locale in LOCALES:
        path = model_dir / f"{locale}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != render(locale, grammar_dir):
            stale.append(path.name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """`python -m skill models [--check]`: write the five models, or fail if a committed one is stale."""
    parser = argparse.ArgumentParser(prog="python -m skill models",
                                     description="Expand interaction_model/grammar/ into interaction_model/<locale>.json.")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed model differs")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = stale_models()
            for name in stale:
                print(f"interaction_model/{name} differs from the grammar: run python -m skill models",
                      file=sys.stderr)
            return 1 if stale else 0
        texts = {locale: render(locale) for locale in LOCALES}  # all or nothing: no half-written set
        for locale, text in texts.items():
            (MODEL_DIR / f"{locale}.json").write_text(text, encoding="utf-8")
            model = json.loads(text)["interactionModel"]["languageModel"]
            total = sum(len(intent["samples"]) for intent in model["intents"])
            print(f"interaction_model/{locale}.json: {len(model['intents'])} intents, {total} samples")
    except GrammarError as error:
        print(f"grammar error: {error}", file=sys.stderr)
        return 1
    return 0
