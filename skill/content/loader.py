"""Load every locale's words once at start-up and refuse to start on a broken entry.

A clinician edits TOML, not Python; a typo there must stop the service with the file and key
named, never surface at 3 a.m. as a half-spoken answer.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from skill.content import schema

CONTENT_DIR = Path(__file__).parent
BASE_FILE = "en.toml"
CARE_LINES_FILE = "care_lines.toml"
DEFAULT_LOCALE = "en-US"
FORBIDDEN_CHARACTERS = re.compile(r"[&<>]")
log = logging.getLogger(__name__)


class ContentError(Exception):
    """A content file is missing, malformed or breaks a rule; the message names file and key."""


@dataclass(frozen=True)
class LocaleContent:
    """One market's words: the English base with that market's overrides applied."""

    locale: str
    data: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)  # dotted key -> file it came from
    care_lines: tuple[dict[str, str], ...] = ()  # the market's care numbers (care_lines.toml)

    def get(self, key: str) -> Any:
        """A dotted key; `steps.<key>` names a step by its key."""
        node: Any = self.data
        parts = key.split(".")
        if parts[0] == "steps" and len(parts) > 1:
            node, parts = self.step(parts[1]), parts[2:]
        for part in parts:
            node = node[part]
        return node

    def step(self, key: str) -> dict[str, Any]:
        return next(step for step in self.steps if step["key"] == key)

    @staticmethod
    def fitting(entry: dict[str, Any], situation: str | None, field_name: str = "speech") -> str:
        """The entry's words for her situation when it has a variant, else the words safe for all."""
        variant = entry.get(situation) if situation else None
        return variant[field_name] if isinstance(variant, dict) and field_name in variant else entry[field_name]

    @classmethod
    def fitted_card(cls, entry: dict[str, Any], situation: str | None) -> tuple[str, str]:
        """The entry's card title and text for her situation: what the Alexa app and the screen show says
        what she heard (QA audit 8: F8: a weaning mother saw "Keep breastfeeding from both breasts")."""
        return cls.fitting(entry, situation, "title"), cls.fitting(entry, situation, "card")

    def speaks_phone_number(self, text: str) -> bool:
        """True when the text says one of the market's lines to call, which must come last in its turn:
        a phone number, or a short non-emergency line (NHS 111, 811) she must remember too."""
        return any(spoken in text for spoken in self.lines_to_remember)

    @functools.cached_property
    def lines_to_remember(self) -> tuple[str, ...]:
        """How each of those lines is spoken, picked out once rather than on every turn."""
        return tuple(line["spoken"] for line in self.care_lines
                     if is_phone_number(line) or not line.get("name", "").startswith("Emergency"))

    def text(self, key: str, **values: Any) -> str:
        """A whole sentence with its runtime placeholders ({step_number}...) filled."""
        return self.get(key).format(**values) if values else self.get(key)

    @property
    def steps(self) -> list[dict[str, str]]:
        return self.data["steps"]


class ContentLibrary:
    """All locales, each loaded and checked once; requests only look things up.

    `pending` holds markets not read yet (a Lambda cold start reads only the one its event needs).
    """

    def __init__(self, locales: dict[str, LocaleContent],
                 pending: dict[str, Callable[[], LocaleContent]] | None = None):
        self._locales = locales
        self._pending = dict(pending or {})

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(sorted({*self._locales, *self._pending}))

    def for_locale(self, locale: str | None) -> LocaleContent:
        """The market's content, or the default English one, logged, for a locale we do not ship.

        Locale tags are case-insensitive ("EN-gb" is en-GB: her emergency number is 999, not 911)."""
        wanted = locale if locale in self._locales or locale in self._pending else self.shipped(locale)
        if wanted not in self._locales:
            self._locales[wanted] = self._pending.pop(wanted)()
        return self._locales[wanted]

    def shipped(self, locale: str | None) -> str:
        """The market a locale written another way names, else the default (logged: her numbers may differ)."""
        written = str(locale or "").replace("_", "-").lower()
        found = next((known for known in self.locales if known.lower() == written), None)
        if found is None and locale is not None:
            log.warning("a locale we do not ship; answered in the default market's words",
                        extra={"check": "locale", "cause": str(locale)[:20], "outcome": DEFAULT_LOCALE})
        return found or DEFAULT_LOCALE


def load_library(directory: Path = CONTENT_DIR, *, lazily: bool = False) -> ContentLibrary:
    """Read the base and every `<locale>.toml` override beside it, validating each merged result.

    `lazily` reads and checks each market on its first request instead: a Lambda cold start answers one
    market, and reading all five was most of its first event (docs/performance.md). The web service
    and the tests load eagerly, so a content fault stops the start, not a turn.
    """
    base_path = directory / BASE_FILE
    base = read_toml(base_path)
    care_lines = read_toml(directory / CARE_LINES_FILE)
    overrides = {path.stem: path for path in sorted(directory.glob("en-*.toml"))}
    if DEFAULT_LOCALE not in overrides:
        raise ContentError(f"{directory}: no {DEFAULT_LOCALE}.toml, the default market")

    def market(override_path: Path) -> LocaleContent:
        origin = {key: base_path.name for key in flatten(base)}
        merged = merge(copy.deepcopy(base), read_toml(override_path), origin, override_path.name)
        lines = tuple(care_lines.get(override_path.stem, ()))
        content = LocaleContent(locale=override_path.stem, data=merged, origin=origin, care_lines=lines)
        validate(content, base_path.name)
        validate_care_lines(content)
        return content

    if lazily:
        return ContentLibrary({}, {locale: functools.partial(market, path) for locale, path in overrides.items()})
    return ContentLibrary({locale: market(path) for locale, path in overrides.items()})


class SharedJson(dict):
    """A JSON document read once and carried by every response that shows it (an APL document).

    It holds JSON values only, so the response codec sends it as it is rather than copying it on
    every turn (a quarter of an Echo Show turn's time). Shared by every turn: never modify one."""


def read_json_document(path: Path) -> SharedJson:
    with path.open(encoding="utf-8") as handle:
        return SharedJson(json.load(handle))


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as error:
        raise ContentError(f"{path.name}: file is missing") from error
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path.name}: not valid TOML: {error}") from error


def merge(base: dict[str, Any], override: dict[str, Any], origin: dict[str, str],
          override_name: str, prefix: str = "") -> dict[str, Any]:
    """Apply an override key by key; steps merge by their `key` so a market may reword one."""
    merged = dict(base)
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge(base[key], value, origin, override_name, f"{dotted}.")
        elif key == "steps" and isinstance(value, list) and isinstance(base.get(key), list):
            merged[key] = merge_steps(base[key], value, origin, override_name)
        else:
            merged[key] = value
            for leaf in flatten({key: value}, prefix):
                origin[leaf] = override_name
    return merged


def merge_steps(base: list[dict[str, Any]], override: list[dict[str, Any]], origin: dict[str, str],
                override_name: str) -> list[dict[str, Any]]:
    by_key = {step.get("key"): step for step in override}
    merged = []
    for index, step in enumerate(base):
        change = by_key.get(step.get("key"), {})
        for name in change:
            origin[f"steps.{index}.{name}"] = override_name
        merged.append({**step, **change})
    return merged


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted key -> leaf value, lists indexed by position."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = ((str(index), value) for index, value in enumerate(node))
    else:
        return {prefix.rstrip("."): node}
    leaves: dict[str, Any] = {}
    for key, value in items:
        leaves.update(flatten(value, f"{prefix}{key}."))
    return leaves


def validate(content: LocaleContent, base_name: str) -> None:
    """Check presence, placeholders and spoken limits, then fill the [terms] in place."""
    leaves = flatten(content.data)

    def fail(key: str, problem: str) -> ContentError:
        return ContentError(f"{content.origin.get(key, base_name)} ({content.locale}): {key}: {problem}")

    for key in schema.REQUIRED:
        value = leaves.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "missing or empty")
    steps = content.data.get("steps")
    if not isinstance(steps, list) or [s.get("key") for s in steps] != list(schema.STEP_KEYS):
        raise fail("steps", f"must be {len(schema.STEP_KEYS)} entries keyed {', '.join(schema.STEP_KEYS)}")
    for index, step in enumerate(steps):
        for name in schema.STEP_FIELDS:
            if not isinstance(step.get(name), str) or not step[name].strip():
                raise fail(f"steps.{index}.{name}", "missing or empty")

    for entry_key in schema.SITUATION_ENTRIES:
        try:
            entry = content.get(entry_key)
        except (KeyError, StopIteration):
            raise fail(entry_key, "missing") from None
        for situation in schema.SITUATIONS:
            variant = entry.get(situation)
            if not isinstance(variant, dict) or not str(variant.get("speech", "")).strip():
                raise fail(f"{entry_key}.{situation}.speech", "missing or empty (each situation needs its words)")

    terms = {name: content.data["terms"][name] for name in schema.TERMS}
    terms |= {name: str(content.data["terms"].get(name, "")) for name in schema.OPTIONAL_TERMS}
    allowed = set(terms) | schema.RUNTIME_PLACEHOLDERS
    for key, value in leaves.items():
        if not isinstance(value, str) or key.startswith("terms."):
            continue
        placeholders = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        unknown = placeholders - allowed
        if unknown:
            raise fail(key, f"unknown placeholder {{{sorted(unknown)[0]}}}")
        filled = value.format(**terms, **{name: f"{{{name}}}" for name in schema.RUNTIME_PLACEHOLDERS})
        spoken = key.rsplit(".", 1)[-1] in schema.SPOKEN_FIELDS or key.startswith("prompts.")
        if spoken:
            if FORBIDDEN_CHARACTERS.search(filled):
                raise fail(key, "spoken text may not contain &, < or >")
            words = len(filled.split())
            if words > schema.SPOKEN_WORD_LIMIT:
                raise fail(key, f"{words} words, over the {schema.SPOKEN_WORD_LIMIT}-word limit")
        assign(content.data, key, tidy(filled, spoken))


def is_phone_number(line: dict[str, Any]) -> bool:
    """A line to call and remember (read as a phone number, or five digits or more), not a short code."""
    return line.get("say_as") == "telephone" or sum(c.isdigit() for c in line.get("spoken", "")) >= 5


def validate_care_lines(content: LocaleContent) -> None:
    """Every market lists its care numbers, each with how it is spoken and its official source."""
    if not content.care_lines:
        raise ContentError(f"{CARE_LINES_FILE}: no [[{content.locale}]] care lines")
    for index, line in enumerate(content.care_lines):
        for name in schema.CARE_LINE_FIELDS:
            if not isinstance(line.get(name), str) or (name != "say_as" and not line[name].strip()):
                raise ContentError(f"{CARE_LINES_FILE}: [[{content.locale}]] #{index + 1}: {name} missing or empty")
        if line["say_as"] not in schema.SAY_AS_KINDS:
            raise ContentError(f"{CARE_LINES_FILE}: [[{content.locale}]] #{index + 1}: unknown say_as {line['say_as']!r}")
    crisis = [line for line in content.care_lines if line.get("crisis") is True]
    if not crisis:
        raise ContentError(f"{CARE_LINES_FILE}: [[{content.locale}]] has no 24/7 crisis line (crisis = true)")
    if not content.data["terms"]["crisis_help"].rstrip(". ").endswith(crisis[0]["spoken"]):
        raise ContentError(f"{content.locale}.toml: terms.crisis_help must end with the crisis line {crisis[0]['spoken']}")


def tidy(text: str, spoken: bool) -> str:
    """Spoken text becomes one line; written text (cards, screens) keeps its line breaks."""
    if spoken:
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def assign(data: dict[str, Any], dotted: str, value: str) -> None:
    *path, last = dotted.split(".")
    node: Any = data
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
