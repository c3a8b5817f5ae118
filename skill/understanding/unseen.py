"""The unseen set (tests/nlu/unseen/): her phrasings nobody tuned to, scored by what the skill says back.

A row is an utterance, the question pending when she says it (its context), the intent the skill
should take it as, and a dev/test split. It is right when the skill's answer to her words, said in
that context, is the answer it gives to the expected intent itself in the same context: so "no I
feel okay" counts whether the matcher hears NoIntent or the skill's context resolver turns another
intent into a "no". The skill is driven by a `Replies` (the console's SkillReplies), which lives
above this layer.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from skill.understanding.matcher import Understanding

UNSEEN_DIR = Path(__file__).resolve().parents[2] / "tests" / "nlu" / "unseen"
COLUMNS = ("utterance", "context", "intent", "slot_id", "split")
SPLITS = ("dev", "test")

# A step of the way into a context: ("launch",), ("intent", name) or ("intent", name, slots),
# ("words", what she says), or ("away",) (the session ends; the next step is a new visit).
Step = tuple[Any, ...]
# What she hears and where it leaves her: speech, session ended, pending question, step.
Said = tuple[str, bool, str | None, int | None]

# How each context is reached from a first visit, always through intents (never through words), so
# the way in does not depend on the matcher.
CONTEXTS: dict[str, tuple[Step, ...]] = {
    "none": (),
    "walk": (("launch",), ("intent", "RelieveLumpIntent")),
    "offer_check": (("launch",), ("intent", "ReportSymptomIntent", {"symptom": {"value": "a lump", "id": "LUMP"}})),
    "check_emergency": (("launch",), ("intent", "SymptomCheckIntent")),
    "check_today": (("launch",), ("intent", "SymptomCheckIntent"), ("intent", "AMAZON.NoIntent")),
    "check_examine": (("launch",), ("intent", "SymptomCheckIntent"), ("intent", "AMAZON.NoIntent"),
                      ("intent", "AMAZON.NoIntent")),
    "situation": (("launch",), ("intent", "SituationIntent")),
    # On a first visit "forget me" erases at once and asks nothing: she has been before here.
    "forget": (("launch",), ("away",), ("launch",), ("intent", "ForgetMeIntent")),
    "resume": (("launch",), ("intent", "WalkStepsIntent"), ("intent", "AMAZON.NextIntent"), ("away",),
               ("launch",)),
    "mid_walk": (("launch",), ("intent", "WalkStepsIntent"), ("intent", "AMAZON.NextIntent")),
}
# Where each context must leave her, checked before scoring so a changed flow cannot score nonsense.
PENDING: dict[str, str | None] = {
    "walk": "walk", "offer_check": "offer_check", "check_emergency": "check", "check_today": "check",
    "check_examine": "check", "situation": "situation", "forget": "forget", "resume": "resume",
}


class UnseenSetError(ValueError):
    """A row that cannot be read; names the file and line."""


class Replies(Protocol):
    def reply(self, path: tuple[Step, ...], last: Step) -> Said: ...


@dataclass(frozen=True)
class UnseenRow:
    utterance: str
    context: str
    intent: str
    slot_id: str | None
    split: str
    line: int

    @property
    def one_shot(self) -> bool:
        return self.context == "none"


def read_unseen(locale: str, split: str | None = None, directory: Path = UNSEEN_DIR) -> list[UnseenRow]:
    """One locale's rows, of one split (dev or test) or both."""
    path = directory / f"{locale}.tsv"
    rows: list[UnseenRow] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        raise UnseenSetError(f"{path.name}:1: header must be {' <tab> '.join(COLUMNS)}")
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
        if len(cells) != 5 or not cells[0] or cells[1] not in CONTEXTS or cells[4] not in SPLITS:
            raise UnseenSetError(f"{path.name}:{number}: expected utterance, context, intent, slot id, dev|test")
        row = UnseenRow(cells[0], cells[1], cells[2], cells[3] or None, cells[4], number)
        if split is None or row.split == split:
            rows.append(row)
    return rows


def canonical_slots(understanding: Understanding, intent: str, slot_id: str | None) -> dict[str, Any] | None:
    """The expected slot as Alexa would fill it: the intent's slot whose type has that value id."""
    if not slot_id:
        return None
    for slot, kind in understanding.slot_types.get(intent, {}).items():
        for word in understanding.vocabulary.words.get(kind, []):
            if word.id == slot_id:
                return {slot: {"value": word.words, "id": slot_id}}
    return None


@dataclass
class UnseenScore:
    """Each row beside whether the skill's answer was the expected one, and what the matcher heard."""

    locale: str
    results: list[tuple[UnseenRow, bool, str]] = field(default_factory=list)  # row, right, matched intent

    def accuracy(self, keep: Callable[[UnseenRow], bool] = lambda row: True) -> tuple[int, int]:
        kept = [right for row, right, _ in self.results if keep(row)]
        return sum(kept), len(kept)

    def per_intent(self) -> dict[str, tuple[int, int]]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row, right, _ in self.results:
            counts[row.intent][0] += right
            counts[row.intent][1] += 1
        return {intent: (right, total) for intent, (right, total) in counts.items()}

    def confusions(self) -> list[tuple[tuple[str, str], list[str]]]:
        """(expected in context, heard) for rows answered wrongly, most frequent first."""
        examples: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row, right, heard in self.results:
            if not right:
                examples[(f"{row.intent} @{row.context}", heard)].append(row.utterance)
        return sorted(examples.items(), key=lambda item: (-len(item[1]), item[0]))


def score_unseen(locale: str, rows: list[UnseenRow], understanding: Understanding, replies: Replies) -> UnseenScore:
    """Say each row in its context and compare with the expected intent's answer there."""
    expected: dict[tuple[str, str, str | None], Said] = {}
    score = UnseenScore(locale)
    for row in rows:
        path = CONTEXTS[row.context]
        key = (row.context, row.intent, row.slot_id)
        if key not in expected:
            if path and row.context in PENDING:
                pending = replies.reply(path[:-1], path[-1])[2]
                if pending != PENDING[row.context]:
                    raise UnseenSetError(f"context {row.context} leaves the question {pending!r} pending")
            slots = canonical_slots(understanding, row.intent, row.slot_id)
            expected[key] = replies.reply(path, ("intent", row.intent, slots))
        said = replies.reply(path, ("words", row.utterance))
        score.results.append((row, said == expected[key], understanding.understand(row.utterance).intent))
    return score
