"""The skill's own danger reader: what her words in a slot mean for her safety, on any host.

On a device the skill never hears the sentence. Alexa hands it an intent and the words of its slots,
resolved or not (`ER_SUCCESS_NO_MATCH` still carries the words). So the safety decision is made here,
from those words alone, in pure Python (web service and Lambda alike), with the lists a clinician
edits in danger_words.toml. The words are read clause by clause: a danger phrase counts unless its
own clause makes it ordinary (someone outside her household, a past tied to a time, a question about
later, a denial just before it, an everyday idiom); what was done to her baby or by her own hand is
never excused. Nothing here logs or keeps her words.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from skill.understanding.grammar import Choice, Grammar, Sequence, Word

DANGER_WORDS_FILE = Path(__file__).with_name("danger_words.toml")
CRISIS, EMERGENCY, SCREEN, TODAY, APPOINTMENT, RELIEF = "crisis", "emergency", "screen", "today", "appointment", "relief"
# Most urgent first: the route a sentence gets is the most urgent one any of its clauses carries.
ROUTES = (CRISIS, EMERGENCY, SCREEN, TODAY, APPOINTMENT, RELIEF)
CONTEXTS = ("someone_else", "reported_by", "household", "past", "later", "denial", "idioms", "never")
PAST_NEVER_EXCUSES = frozenset({"appointment"})  # how long a lump has lasted is the sign itself
DENIAL_WORDS_BEFORE = 3  # a denial reaches this many words back from the alarming words
SPOKEN = (  # contractions written out, so "i'm" and "i am" read the same
    (re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bcannot\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain't\b"), "am not"), (re.compile(r"n't\b"), " not"), (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"), (re.compile(r"'ve\b"), " have"), (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"), (re.compile(r"\b(it|that|what|there|he|she|who|where|how|when)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""), (re.compile(r"'"), ""),
)
NOT_WORDS = re.compile(r"[^a-z0-9' ]+")


def spoken_form(text: str) -> str:
    """Lower case, punctuation dropped, contractions written out: one form for her words and the lists."""
    said = " ".join(NOT_WORDS.sub(" ", text.lower().replace("’", "'")).split())
    for contraction, written_out in SPOKEN:
        said = contraction.sub(written_out, said)
    return " ".join(said.split())


def node_pattern(node: Word | Sequence | Choice) -> str:
    """A regular expression for one grammar node; every word it matches ends with a space."""
    if isinstance(node, Word):
        return "".join(re.escape(word) + " " for word in spoken_form(node.text).split())
    if isinstance(node, Sequence):
        return "".join(node_pattern(part) for part in node.parts)
    options = "|".join(node_pattern(option) for option in node.options)
    return f"(?:{options}){'?' if node.optional else ''}"


def phrase_pattern(grammar: Grammar, phrases: list[str]) -> re.Pattern[str]:
    """One pattern for a list of phrases, matching whole words only (her words carry a trailing space)."""
    return re.compile("(?<![^ ])(?:" + "|".join(node_pattern(grammar.parse(phrase)) for phrase in phrases) + ")")


@dataclass(frozen=True)
class DangerWords:
    routes: dict[str, re.Pattern[str]]
    together: re.Pattern[str]  # sepsis signs that, two together or with a same-day sign, are the emergency
    contexts: dict[str, re.Pattern[str]]
    joining: re.Pattern[str]


@cache
def danger_words(path: Path = DANGER_WORDS_FILE) -> DangerWords:
    """Read and compile the lists once; a mistake names the file and stops start-up."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    grammar = Grammar(data.get("macros", {}))
    try:
        unsourced = [route for route in ROUTES if not data[route].get("clinical_source")]
        if unsourced or not data["ordinary"].get("clinical_source"):
            raise ValueError(f"every list needs a clinical_source ({', '.join(unsourced) or 'ordinary'})")
        routes = {route: phrase_pattern(grammar, data[route]["phrases"]) for route in ROUTES}
        together = phrase_pattern(grammar, data[SCREEN]["together"])
        contexts = {name: phrase_pattern(grammar, data["ordinary"][name]) for name in CONTEXTS}
        joining = re.compile(r"(?<![^ ])(?:" + "|".join(re.escape(word) for word in data["ordinary"]["joining"]) + ") ")
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path.name}: {error}") from error
    return DangerWords(routes, together, contexts, joining)


@dataclass(frozen=True)
class Reading:
    """The most urgent route her words carry (None: nothing to act on), and why, for the logs."""

    route: str | None
    why: str = ""  # a list's name ("emergency", "emergency excused: past"): never her words


def read_words(text: str | None) -> Reading:
    """The care route her words carry, clause by clause, the most urgent first."""
    said = spoken_form(text or "")
    if not said:
        return Reading(None)
    words = danger_words()
    said += " "
    bounds = [0, *(match.end() for match in words.joining.finditer(said)), len(said)]
    excused = ""
    heard: dict[str, list[tuple[int, int]]] = {}
    for route in ROUTES:
        for match in words.routes[route].finditer(said):
            clause = (max(bound for bound in bounds if bound <= match.start()),
                      min(bound for bound in bounds if bound >= match.end()))
            if reason := ordinary_because(words, said, clause, match.start(), match.end(), route):
                excused = excused or f"{route} excused: {reason}"
            else:
                heard.setdefault(route, []).append(match.span())
    if heard.keys() & {CRISIS, EMERGENCY}:
        return Reading(CRISIS if CRISIS in heard else EMERGENCY, "crisis" if CRISIS in heard else "emergency")
    if SCREEN in heard and signs_together(words, said, heard):
        return Reading(EMERGENCY, "signs together")
    route = next((route for route in ROUTES if route in heard), None)
    return Reading(route, route or excused)


def signs_together(words: DangerWords, said: str, heard: dict[str, list[tuple[int, int]]]) -> bool:
    """Two sepsis signs, or one with a same-day sign, heard (not excused) in one sentence."""
    screened = [span for span in heard[SCREEN]
                if any(m.start() < span[1] and span[0] < m.end() for m in words.together.finditer(said))]
    distinct = {said[start:end] for start, end in screened}
    return len(distinct) >= 2 or (bool(distinct) and TODAY in heard)


def ordinary_because(words: DangerWords, said: str, clause: tuple[int, int], start: int, end: int, route: str) -> str:
    """Why the alarming words at [start, end) are ordinary in their clause, or "" when they are not."""
    clause_start, clause_end = clause
    clause_words = said[clause_start:clause_end]
    found = {name: [(m.start() + clause_start, m.end() + clause_start) for m in pattern.finditer(clause_words)]
             for name, pattern in words.contexts.items()}
    if any(s < end and start < e for s, e in found["never"]):
        return ""
    if any(s < end and start < e for s, e in found["idioms"]):
        return "idiom"
    before = said[clause_start:start].split()[-DENIAL_WORDS_BEFORE:]
    if before and words.contexts["denial"].search(" ".join(before) + " "):
        return "denial"
    if found["later"]:
        return "later"
    if found["past"] and route not in PAST_NEVER_EXCUSES:
        return "past"
    if any(s < start for s, _ in found["someone_else"]) and not (found["household"] or found["reported_by"]):
        return "someone else"
    return ""


def most_urgent(*routes: str | None) -> str | None:
    """The most urgent of several routes (None when none is given)."""
    given = [route for route in routes if route in ROUTES]
    return min(given, key=ROUTES.index) if given else None
