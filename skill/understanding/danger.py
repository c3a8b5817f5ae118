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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from skill.understanding.grammar import Choice, Grammar, Sequence, Word

DANGER_WORDS_FILE = Path(__file__).with_name("danger_words.toml")
CRISIS, EMERGENCY, SCREEN, TODAY, APPOINTMENT, RELIEF = "crisis", "emergency", "screen", "today", "appointment", "relief"
BABY_EMERGENCY, MOTHER_EMERGENCY, PSYCHOSIS, ABUSE = "baby_emergency", "mother_emergency", "psychosis", "abuse"
BABY_FEVER, BABY_URGENT, MOTHER_URGENT, SUPPORT = "baby_fever", "baby_urgent", "mother_urgent", "support"
# Most urgent first: the route a sentence gets is the most urgent one any of its clauses carries.
# Her baby's and her own danger now lead (an overdose taken is the emergency number, unconditionally,
# before the crisis line); "I can only help with breast lumps" is never a route here.
ROUTES = (BABY_EMERGENCY, MOTHER_EMERGENCY, CRISIS, PSYCHOSIS, EMERGENCY, ABUSE, SCREEN, BABY_FEVER, BABY_URGENT,
          MOTHER_URGENT, TODAY, SUPPORT, APPOINTMENT, RELIEF)
# The routes that lead with the emergency number, said before anything else from any state.
EMERGENCY_ROUTES = frozenset({BABY_EMERGENCY, CRISIS, PSYCHOSIS, MOTHER_EMERGENCY, EMERGENCY, ABUSE})
# The routes beyond the breast: answered first from any state too, with their own care route.
BEYOND_THE_BREAST = frozenset({BABY_EMERGENCY, PSYCHOSIS, MOTHER_EMERGENCY, ABUSE, BABY_FEVER, BABY_URGENT,
                               MOTHER_URGENT, SUPPORT})
CONTEXTS = ("someone_else", "reported_by", "household", "baby", "her_breast", "past", "recurring", "later", "denial", "idioms", "never")
# Days a lump has lasted ([today].lasting): the same-day route, unless she says anywhere in the same
# words that it is easing ([ordinary].easing, read for the whole sentence, not clause by clause like
# the contexts above: "there for three days but getting smaller": clinical review, 2026-12-06).
LASTING, EASING = "lasting", "easing"
BABY_ROUTES = frozenset({BABY_EMERGENCY, BABY_FEVER, BABY_URGENT})  # read only in a clause about her baby
PAST_NEVER_EXCUSES = frozenset({APPOINTMENT})  # how long a lump has lasted is the sign itself
DENIAL_WORDS_BEFORE = 3  # a denial reaches this many words back from the alarming words ...
SUBJECTS = frozenset({"i", "she", "he", "we", "they", "my", "her"})  # ... but never past a new subject
NEVER_SOMEONE_ELSE = frozenset({CRISIS, PSYCHOSIS})  # anyone's crisis gets the crisis line
SPOKEN = (  # contractions written out, so "i'm" and "i am" read the same
    (re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bcannot\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain't\b"), "am not"), (re.compile(r"n't\b"), " not"), (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"), (re.compile(r"'ve\b"), " have"), (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"), (re.compile(r"\b(it|that|what|there|he|she|who|where|how|when)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""), (re.compile(r"'"), ""),
)
NOT_WORDS = re.compile(r"[^a-z0-9' ]+")
# Numbers as Alexa may write them in a slot ("38.5", "2 weeks", "101"), read as said ("thirty eight point
# five", "two weeks"), so the lists need one form: "lump for 2 weeks" read as a plain lump and "38 degrees"
# as nothing (QA audit 4, 2026-12-07).
NUMBER = re.compile(r"\b(\d{1,4})(?:[.,](\d))?\b")
ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(number: int) -> str:
    """0 to 9999 as spoken: 38 "thirty eight", 101 "one hundred one", 2024 "two thousand twenty four"."""
    if number < 20:
        return ONES[number]
    if number < 100:
        return TENS[number // 10] + ("" if number % 10 == 0 else " " + ONES[number % 10])
    if number < 1000:
        return f"{ONES[number // 100]} hundred" + ("" if number % 100 == 0 else " " + number_words(number % 100))
    return f"{number_words(number // 1000)} thousand" + ("" if number % 1000 == 0 else " " + number_words(number % 1000))


def spelled_numbers(text: str) -> str:
    return NUMBER.sub(lambda found: number_words(int(found.group(1)))
                      + (f" point {ONES[int(found.group(2))]}" if found.group(2) else ""), text)


def spoken_form(text: str) -> str:
    """Lower case, punctuation dropped, contractions written out: one form for her words and the lists."""
    said = " ".join(NOT_WORDS.sub(" ", spelled_numbers(text.lower().replace("’", "'"))).split())
    for contraction, written_out in SPOKEN:
        said = contraction.sub(written_out, said)
    return " ".join(said.split())


@cache
def node_pattern(node: Word | Sequence | Choice) -> str:
    """A regular expression for one grammar node; every word it matches ends with a space."""
    if isinstance(node, Word):
        return "".join(re.escape(word) + " " for word in spoken_form(node.text).split())
    if isinstance(node, Sequence):
        return "".join(node_pattern(part) for part in node.parts)
    options = "|".join(node_pattern(option) for option in node.options)
    return f"(?:{options}){'?' if node.optional else ''}"


@cache
def first_words(node: Word | Sequence | Choice) -> tuple[frozenset[str], bool]:
    """The words a node's phrases can start with, and whether it can say nothing at all."""
    if isinstance(node, Word):
        words = spoken_form(node.text).split()
        return frozenset(words[:1]), not words
    found: frozenset[str] = frozenset()
    if isinstance(node, Sequence):
        for part in node.parts:
            words, empty = first_words(part)
            found |= words
            if not empty:
                return found, False
        return found, True
    empty = node.optional
    for option in node.options:
        words, option_empty = first_words(option)
        found, empty = found | words, empty or option_empty
    return found, empty


Span = tuple[int, int]
TOGETHER = "together"


class Phrases:
    """Every list of phrases, indexed by the word each phrase can start with, so her words are tried
    only where a phrase could begin: one pass over her words finds every list's matches."""

    def __init__(self, grammar: Grammar, lists: dict[str, list[str]]):
        by_first: dict[str, dict[str, list[str]]] = {}
        for name, phrases in lists.items():
            for phrase in phrases:
                node = grammar.parse(phrase)
                words, empty = first_words(node)
                if empty:
                    raise ValueError(f"{name}: {phrase!r} can match nothing at all")
                pattern = node_pattern(node)
                for word in words:
                    by_first.setdefault(word, {}).setdefault(name, []).append(pattern)
        self.sources = by_first
        self.by_first: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}  # compiled on first use

    def starting_with(self, word: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        if (compiled := self.by_first.get(word)) is None:
            compiled = tuple((name, re.compile("|".join(patterns))) for name, patterns in self.sources.get(word, {}).items())
            self.by_first[word] = compiled
        return compiled

    def spans(self, said: str) -> dict[str, list[Span]]:
        """Each list's matches in her words (which end with a space), the longest at each start."""
        found: dict[str, list[Span]] = {}
        for match in WORD.finditer(said):
            for name, pattern in self.starting_with(match.group()):
                if phrase := pattern.match(said, match.start()):
                    found.setdefault(name, []).append(phrase.span())
        return found


WORD = re.compile(r"[^ ]+")


@dataclass(frozen=True)
class DangerWords:
    phrases: Phrases  # every route's list, "together" (sepsis signs that, two together or with a
                      # same-day sign, are the emergency) and every context of [ordinary]
    joining: frozenset[str]


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
        lists = {route: data[route]["phrases"] for route in ROUTES}
        lists |= {TOGETHER: data[SCREEN]["together"], LASTING: data[TODAY]["lasting"],
                  EASING: data["ordinary"]["easing"]}
        lists |= {name: data["ordinary"][name] for name in CONTEXTS}
        phrases = Phrases(grammar, lists)
        joining = frozenset(data["ordinary"]["joining"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path.name}: {error}") from error
    return DangerWords(phrases, joining)


@dataclass(frozen=True)
class Reading:
    """The most urgent route her words carry (None: nothing to act on), and why, for the logs."""

    route: str | None
    why: str = ""  # a list's name ("emergency", "emergency excused: past"): never her words
    about_her_baby: bool = False  # the words open with her baby ("my baby ...", "the little one ...")


def read_words(text: str | None) -> Reading:
    """The care route her words carry, clause by clause, the most urgent first."""
    if not text:  # most turns: an intent with no slot filled
        return Reading(None)
    said = spoken_form(text)
    if not said:
        return Reading(None)
    words = danger_words()
    said += " "
    found = words.phrases.spans(said)
    # Where each clause begins and ends, in order: a span's clause is found by bisection, so a slot
    # of any length (up to the 128 KB a request may carry) is read in time linear in its words.
    bounds = [0, *(match.end() + 1 for match in WORD.finditer(said) if match.group() in words.joining), len(said)]
    excused = ""
    heard: dict[str, list[Span]] = {}
    lasting = [] if found.get(EASING) else [(TODAY, span) for span in found.get(LASTING, ())]
    for route, span in [*((route, span) for route in ROUTES for span in found.get(route, ())), *lasting]:
        clause = (bounds[bisect_right(bounds, span[0]) - 1], bounds[bisect_left(bounds, span[1])])
        if reason := ordinary_because(found, said, clause, span, route):
            excused = excused or f"{route} excused: {reason}"
        else:
            heard.setdefault(route, []).append(span)
    urgent = next((route for route in ROUTES if route in heard), None)
    if urgent in EMERGENCY_ROUTES:
        return Reading(urgent, urgent)
    if SCREEN in heard and signs_together(said, found.get(TOGETHER, []), heard):
        return Reading(EMERGENCY, "signs together")
    return Reading(urgent, urgent or excused, any(start == 0 for start, _ in found.get("baby", ())))


def signs_together(said: str, signs: list[Span], heard: dict[str, list[Span]]) -> bool:
    """Two sepsis signs, or one with a same-day sign, heard (not excused) in one sentence."""
    screened = [span for span in heard[SCREEN] if any(start < span[1] and span[0] < end for start, end in signs)]
    distinct = {said[start:end] for start, end in screened}
    return len(distinct) >= 2 or (bool(distinct) and TODAY in heard)


def ordinary_because(found_in_words: dict[str, list[Span]], said: str, clause: Span, span: Span, route: str) -> str:
    """Why the alarming words at `span` are ordinary in their clause, or "" when they are not."""
    (clause_start, clause_end), (start, end) = clause, span
    found = {name: [(s, e) for s, e in found_in_words.get(name, ()) if clause_start <= s and e <= clause_end]
             for name in CONTEXTS}
    if route in BABY_ROUTES and not about_her_baby(said, start, clause_end, found_in_words.get("baby", [])):
        return "not about her baby"
    if route in (BABY_FEVER, BABY_URGENT) and found["her_breast"]:  # "she has a hot red patch on her boob"
        return "her breast: the mother"
    if any(s < end and start < e for s, e in found["never"]):
        return ""
    if any(s < end and start < e for s, e in found["idioms"]):
        return "idiom"
    if denied(said, clause_start, start, found["denial"]):
        return "denial"
    if found["later"]:
        return "later"
    if found["past"] and route not in PAST_NEVER_EXCUSES and not any(s >= end for s, _ in found_in_words.get("recurring", ())):
        return "past"
    if (route not in NEVER_SOMEONE_ELSE and any(s < start for s, _ in found["someone_else"])
            and not (found["household"] or found["reported_by"])):
        return "someone else"
    return ""


def about_her_baby(said: str, start: int, clause_end: int, babies: list[Span]) -> bool:
    """The words at `start` are about her baby: the baby is named before them (or after them in the
    same clause: "is my baby okay with a fever"), and she has not turned to herself in between ("my
    baby is fine and I have a fever" is hers)."""
    before = [end for begin, end in babies if begin < start]
    if not before:
        return any(start <= begin < clause_end for begin, _ in babies)
    return not any(match.group() in ("i", "me", "myself") for match in WORD.finditer(said, max(before), start))


def denied(said: str, clause_start: int, start: int, denials: list[Span]) -> bool:
    """A denial among the few words just before the alarming ones, with no new subject between
    ("I'm not confused" is denied; "no, I want to die" is not)."""
    window = start
    for match in list(WORD.finditer(said, clause_start, start))[::-1][:DENIAL_WORDS_BEFORE]:
        if match.group() in SUBJECTS:
            break
        window = match.start()
    return any(window <= s and e <= start + 1 for s, e in denials)
