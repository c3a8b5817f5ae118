"""python -m skill nlu-report: how well her own words are understood, per locale and per intent.

Reads the labelled phrasings in tests/nlu/<locale>.tsv (kept apart from the samples), runs them
through the console's matcher, and prints intent accuracy, slot-id accuracy and the most confused
(expected -> got) pairs, so whoever edits the utterance grammar sees what got better or worse.
--split dev|test|all scores the unseen set (tests/nlu/unseen/) instead, by what the real skill says
back, one-shot and in context; confused pairs are printed for the dev half only, so the test half's
failures are never read while tuning. --replay-file writes the phrasings as an `ask dialog --replay` file, to spot-check the live model.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any, TextIO

from skill.understanding.matcher import MODEL_DIR, Understanding, Understood, load_model, understanding_for
from skill.understanding.unseen import (CONTEXTS, UNSEEN_DIR, Replies, UnseenScore, UnseenSetError, read_unseen,
                                        score_unseen)

NLU_DIR = Path(__file__).resolve().parents[2] / "tests" / "nlu"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
COLUMNS = ("utterance", "intent", "slot_id")
log = logging.getLogger(__name__)


class LabelledSetError(ValueError):
    """A labelled file that cannot be read as utterance, intent, slot id; names the file and line."""


@dataclass(frozen=True)
class LabelledPhrase:
    utterance: str
    intent: str
    slot_id: str | None
    line: int


@dataclass
class Evaluation:
    """Her phrasings beside what the matcher made of them."""

    locale: str
    results: list[tuple[LabelledPhrase, Understood]]
    model_intents: frozenset[str]
    per_intent: dict[str, list[int]] = field(default_factory=dict)  # intent -> [right, total]

    def __post_init__(self) -> None:
        for phrase, understood in self.results:
            counts = self.per_intent.setdefault(phrase.intent, [0, 0])
            counts[0] += understood.intent == phrase.intent
            counts[1] += 1

    @property
    def intent_right(self) -> int:
        return sum(right for right, _ in self.per_intent.values())

    @property
    def accuracy(self) -> float:
        return self.intent_right / len(self.results) if self.results else 0.0

    def accuracy_on_known_intents(self) -> tuple[int, int]:
        """Right and total over phrasings whose intent the model has today."""
        known = [(p, u) for p, u in self.results if p.intent in self.model_intents]
        return sum(u.intent == p.intent for p, u in known), len(known)

    def slot_ids(self) -> tuple[int, int]:
        """Right and total over phrasings that expect a slot id."""
        expected = [(p, u) for p, u in self.results if p.slot_id]
        return sum(p.slot_id in {s.get("id") for s in u.slots.values()} for p, u in expected), len(expected)

    def confusions(self) -> list[tuple[tuple[str, str], list[str]]]:
        """(expected, got) pairs, most frequent first, each with the phrasings that went wrong."""
        examples: dict[tuple[str, str], list[str]] = defaultdict(list)
        for phrase, understood in self.results:
            if understood.intent != phrase.intent:
                examples[(phrase.intent, understood.intent)].append(phrase.utterance)
        return sorted(examples.items(), key=lambda item: (-len(item[1]), item[0]))


def read_labelled(locale: str, directory: Path = NLU_DIR) -> list[LabelledPhrase]:
    """One locale's labelled phrasings; '#' lines are comments, the first other line is the header."""
    path = directory / f"{locale}.tsv"
    phrases: list[LabelledPhrase] = []
    header_seen = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            if tuple(cells) != COLUMNS:
                raise LabelledSetError(f"{path.name}:{number}: header must be {' <tab> '.join(COLUMNS)}")
            header_seen = True
            continue
        if len(cells) != 3 or not cells[0].strip() or not cells[1].strip():
            raise LabelledSetError(f"{path.name}:{number}: expected utterance <tab> intent <tab> slot id")
        phrases.append(LabelledPhrase(cells[0].strip(), cells[1].strip(), cells[2].strip() or None, number))
    return phrases


def evaluate(locale: str, understanding: Understanding | None = None, directory: Path = NLU_DIR,
             model_dir: Path = MODEL_DIR) -> Evaluation:
    understanding = understanding or understanding_for(locale, model_dir)
    phrases = read_labelled(locale, directory)
    model = load_model(locale, model_dir)["interactionModel"]["languageModel"]
    intents = frozenset(intent["name"] for intent in model["intents"]) | {"AMAZON.FallbackIntent"}
    return Evaluation(locale, [(p, understanding.understand(p.utterance)) for p in phrases], intents)


def percent(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}% ({right}/{total})" if total else "    - (0/0)"


def report(evaluation: Evaluation, top: int = 10) -> str:
    """The table a grammar editor reads: overall, per intent, slot ids, most confused pairs."""
    right, total = evaluation.intent_right, len(evaluation.results)
    lines = [f"== {evaluation.locale}", f"intent accuracy  {percent(right, total)}"]
    missing = sorted(set(evaluation.per_intent) - evaluation.model_intents)
    if missing:
        lines.append(f"  on intents the model has  {percent(*evaluation.accuracy_on_known_intents())}")
        lines.append(f"  not in the model yet: {', '.join(missing)}")
    lines.append(f"slot-id accuracy {percent(*evaluation.slot_ids())}")
    per_intent = {intent: (right, total) for intent, (right, total) in evaluation.per_intent.items()}
    lines += intent_lines(per_intent) + confused_lines(evaluation.confusions()[:top], "expected -> got")
    return "\n".join(lines)


def intent_lines(per_intent: dict[str, tuple[int, int]]) -> list[str]:
    """Accuracy per intent, worst first."""
    width = max((len(intent) for intent in per_intent), default=0)
    ranked = sorted(per_intent.items(), key=lambda item: (item[1][0] / item[1][1], item[0]))
    return ["per intent:"] + [f"  {intent:<{width}}  {percent(right, total)}" for intent, (right, total) in ranked]


def confused_lines(confusions: list[tuple[tuple[str, str], list[str]]], heading: str) -> list[str]:
    """The most confused pairs, each with up to three of the phrasings that went wrong."""
    if not confusions:
        return []
    lines = [f"most confused ({heading}):"]
    for (expected, got), examples in confusions:
        shown = "; ".join(f'"{example}"' for example in examples[:3])
        lines.append(f"  {len(examples):3d}  {expected} -> {got}: {shown}")
    return lines


def unseen_report(score: UnseenScore, split: str, top: int = 10) -> str:
    """Per-locale accuracy one-shot and in context, per intent, and confused pairs on the dev half only."""
    lines = [f"== {score.locale} unseen set, {split} half" if split != "all" else f"== {score.locale} unseen set",
             f"all turns        {percent(*score.accuracy())}",
             f"one-shot         {percent(*score.accuracy(lambda row: row.one_shot))}",
             f"in context       {percent(*score.accuracy(lambda row: not row.one_shot))}",
             "per context:"]
    for context in CONTEXTS:
        right, total = score.accuracy(lambda row, context=context: row.context == context)
        if total:
            lines.append(f"  {context:<16} {percent(right, total)}")
    lines += intent_lines(score.per_intent())
    if split == "dev":  # the test half's failures are never printed
        lines += confused_lines(score.confusions()[:top], "expected @context -> heard")
    return "\n".join(lines)


def score_split(locale: str, split: str, replies: Replies, directory: Path = UNSEEN_DIR) -> UnseenScore:
    rows = read_unseen(locale, None if split == "all" else split, directory)
    return score_unseen(locale, rows, understanding_for(locale), replies)


def replay_file(locale: str, phrases: list[LabelledPhrase], skill_id: str, invocation: str) -> dict[str, Any]:
    """An `ask dialog --replay` file: each custom-intent phrasing as a one-shot to the skill.

    Built-ins such as "next" only mean something inside a conversation, so they are left out.
    """
    said = [f"ask {invocation} {p.utterance}" for p in phrases
            if not p.intent.startswith("AMAZON.")]
    return {"skillId": skill_id, "locale": locale, "type": "text", "userInput": said}


def main(argv: list[str] | None = None, out: TextIO | None = None,
         replies: Callable[[str, str], Replies] | None = None) -> int:
    """The command; `replies(locale, store_dir)` drives the real skill for --split (given by the console)."""
    parser = argparse.ArgumentParser(prog="python -m skill nlu-report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locale", action="append", choices=LOCALES,
                        help="one locale (repeatable); all five when omitted")
    parser.add_argument("--top", type=int, default=10, help="how many confused pairs to list")
    parser.add_argument("--replay-file", type=Path, help="write an ask-dialog replay file for ONE --locale and exit")
    parser.add_argument("--skill-id", default="", help="the skill id for the replay file (default: $SKILL_ID)")
    parser.add_argument("--split", choices=("dev", "test", "all"),
                        help="score the unseen set (tests/nlu/unseen/) by the skill's answers instead")
    parser.add_argument("--labelled-dir", type=Path, default=NLU_DIR, help="where <locale>.tsv live (default: tests/nlu)")
    options = parser.parse_args(argv)
    write = out.write if out else sys.stdout.write
    locales = options.locale or list(LOCALES)
    try:
        if options.replay_file:
            return write_replay(options, locales, write)
        if options.split:
            if replies is None:
                raise UnseenSetError("--split needs the skill: run it as `python -m skill nlu-report`")
            with tempfile.TemporaryDirectory() as store_dir:
                for locale in locales:
                    score = score_split(locale, options.split, replies(locale, store_dir))
                    write(unseen_report(score, options.split, options.top) + "\n\n")
            return 0
        for locale in locales:
            write(report(evaluate(locale, directory=options.labelled_dir), options.top) + "\n\n")
    except (LabelledSetError, UnseenSetError, OSError) as error:
        log.error("nlu-report: %s", error)
        print(f"nlu-report: {error}", file=sys.stderr)
        return 2
    return 0


def write_replay(options: argparse.Namespace, locales: list[str], write: Any) -> int:
    skill_id = options.skill_id or os.environ.get("SKILL_ID", "").split(",")[0].strip()
    if len(locales) != 1 or not skill_id:
        print("nlu-report: --replay-file needs exactly one --locale and a --skill-id (or SKILL_ID)", file=sys.stderr)
        return 2
    locale = locales[0]
    invocation = load_model(locale)["interactionModel"]["languageModel"]["invocationName"]
    replay = replay_file(locale, read_labelled(locale, options.labelled_dir), skill_id, invocation)
    options.replay_file.write_text(json.dumps(replay, indent=2) + "\n", encoding="utf-8")
    write(f"wrote {len(replay['userInput'])} utterances to {options.replay_file}\n"
          f"run: ask dialog --replay {options.replay_file}\n")
    return 0
