"""Expand compact utterance templates into sample utterances, so what she may say is written once.

Syntax (documented in interaction_model/README.md):
  (a|b|c)   one of the alternatives        [a|b]   one of them, or nothing
  <name>    a named vocabulary macro       {slot}  an Alexa slot reference, kept as written
Anything else is a word. Groups nest. Expansion is deterministic: a template whose expansions
exceed its budget is sampled by a golden-ratio stride through its numbered expansions, so the
same grammar always gives the same samples, with no random numbers.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from math import gcd

_TOKEN = re.compile(r"\s*(?:(?P<open>[(\[])|(?P<close>[)\]])|(?P<bar>\|)|<(?P<macro>[a-z_][a-z0-9_]*)>"
                    r"|(?P<slot>\{[A-Za-z][A-Za-z0-9_]*\})|(?P<word>[A-Za-z'.]+))")
# 0.6180339887... as an exact fraction: the stride that spreads a sample evenly over any range.
_GOLDEN = (618033988749895, 10**15)


class GrammarError(ValueError):
    """A template that cannot be expanded; the message names the template and the fault."""


@dataclass(frozen=True)
class Word:
    text: str

    def count(self) -> int:
        return 1

    def nth(self, index: int) -> list[str]:
        return [self.text]


@dataclass(frozen=True)
class Sequence:
    parts: tuple[Word | Sequence | Choice, ...]

    def count(self) -> int:
        total = 1
        for part in self.parts:
            total *= part.count()
        return total

    def nth(self, index: int) -> list[str]:
        """The index-th expansion, reading the index as a mixed-radix number (last part fastest)."""
        words: list[list[str]] = []
        for part in reversed(self.parts):
            index, digit = divmod(index, part.count())
            words.append(part.nth(digit))
        return [word for chunk in reversed(words) for word in chunk]


@dataclass(frozen=True)
class Choice:
    options: tuple[Sequence, ...]
    optional: bool = False

    def count(self) -> int:
        return sum(option.count() for option in self.options) + (1 if self.optional else 0)

    def nth(self, index: int) -> list[str]:
        if self.optional:
            if index == 0:
                return []
            index -= 1
        for option in self.options:
            size = option.count()
            if index < size:
                return option.nth(index)
            index -= size
        raise IndexError(index)


Node = Word | Sequence | Choice


class _Parser:
    """Recursive descent over one template; macros are parsed once and shared."""

    def __init__(self, macros: Mapping[str, str], cache: dict[str, Sequence], stack: tuple[str, ...] = ()):
        self.macros, self.cache, self.stack = macros, cache, stack

    def parse(self, template: str) -> Sequence:
        self.template = template
        self.tokens = self._tokenise(template)
        self.position = 0
        sequence = self._alternatives(closing=None)
        return sequence

    def _tokenise(self, template: str) -> list[tuple[str, str]]:
        tokens, position = [], 0
        template = template.rstrip()
        while position < len(template):
            match = _TOKEN.match(template, position)
            if not match or match.end() == position:
                raise GrammarError(f"{template!r}: cannot read {template[position:]!r}")
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def _alternatives(self, closing: str | None) -> Sequence:
        options: list[Sequence] = [self._sequence()]
        while self.position < len(self.tokens) and self.tokens[self.position][0] == "bar":
            self.position += 1
            options.append(self._sequence())
        if closing is None:
            if self.position != len(self.tokens):
                raise GrammarError(f"{self.template!r}: unexpected {self.tokens[self.position][1]!r}")
            return options[0] if len(options) == 1 else Sequence((Choice(tuple(options)),))
        if self.position >= len(self.tokens) or self.tokens[self.position] != ("close", closing):
            raise GrammarError(f"{self.template!r}: missing {closing!r}")
        self.position += 1
        return Sequence((Choice(tuple(options), optional=closing == "]"),))

    def _sequence(self) -> Sequence:
        parts: list[Node] = []
        while self.position < len(self.tokens):
            kind, text = self.tokens[self.position]
            if kind in ("bar", "close"):
                break
            self.position += 1
            if kind == "open":
                group = self._alternatives(closing=")" if text == "(" else "]")
                parts.extend(group.parts)
            elif kind == "macro":
                parts.append(self._macro(text))
            else:
                parts.append(Word(text if kind == "slot" else text.lower()))
        return Sequence(tuple(parts))

    def _macro(self, name: str) -> Sequence:
        if name in self.stack:
            raise GrammarError(f"macro <{name}> refers to itself through {' -> '.join(self.stack)}")
        if name not in self.macros:
            raise GrammarError(f"{self.template!r}: unknown macro <{name}>")
        if name not in self.cache:
            inner = _Parser(self.macros, self.cache, self.stack + (name,))
            self.cache[name] = inner.parse(self.macros[name])
        return self.cache[name]


class Grammar:
    """Templates sharing one set of named macros."""

    def __init__(self, macros: Mapping[str, str] | None = None):
        self.macros = dict(macros or {})
        self._cache: dict[str, Sequence] = {}

    def parse(self, template: str) -> Sequence:
        return _Parser(self.macros, self._cache).parse(template)

    def count(self, template: str) -> int:
        return self.parse(template).count()

    def expand(self, template: str, limit: int | None = None) -> list[str]:
        """Distinct expansions of one template, all of them or at most `limit` spread evenly."""
        return list(_distinct(self.parse(template), limit))

    def expand_all(self, templates: list[str], target: int, held_out: frozenset[str] = frozenset()) -> list[str]:
        """Up to `target` distinct samples, taken in turn from every template so each one counts.

        Templates are visited round-robin; each yields its expansions in stride order (its first
        alternatives first), so a plain phrase with no alternatives is always kept. Phrases in
        `held_out` are never chosen: they stay free for a test set that checks generalisation.
        """
        streams = [_distinct(self.parse(template), None) for template in templates]
        chosen: dict[str, None] = dict.fromkeys(held_out)
        target += len(chosen)
        while streams and len(chosen) < target:
            alive = []
            for stream in streams:
                for sample in stream:
                    if sample not in chosen:
                        chosen[sample] = None
                        break
                else:
                    continue
                alive.append(stream)
                if len(chosen) >= target:
                    break
            streams = alive
        return [sample for sample in chosen if sample not in held_out]


def stride(size: int) -> int:
    """A step coprime with size near size * 0.618, so k * step mod size visits every index once."""
    if size <= 2:
        return 1
    step = max(1, size * _GOLDEN[0] // _GOLDEN[1])
    while gcd(step, size) != 1:
        step += 1
    return step


def _distinct(sequence: Sequence, limit: int | None) -> Iterator[str]:
    """Expansions in stride order, blanks collapsed, each text once."""
    size = sequence.count()
    step = stride(size)
    seen: set[str] = set()
    for k in range(size):
        text = " ".join(sequence.nth(k * step % size))
        if text and text not in seen:
            seen.add(text)
            yield text
            if limit is not None and len(seen) >= limit:
                return
