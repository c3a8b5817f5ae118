"""Map typed words to an intent the way Alexa's own NLU would: by generalising from the model's samples.

The console and the conversation tests talk to the skill in her words without a device. A linear
classifier (scikit-learn's LinearSVC) over word and character n-grams is trained at start-up on every sample of the locale's
interaction model (slot references expanded by their values and synonyms), so words nobody wrote
as a sample still reach the right intent; below a confidence floor she gets AMAZON.FallbackIntent,
as on a device. Slots are filled from the intent's slot values and synonyms, longest match first.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import pickle
import re
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"
# Fitted matchers, one file per locale named by cache_key (gitignored): a second start does not fit again.
CACHE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "matcher"
log = logging.getLogger(__name__)
FALLBACK = "AMAZON.FallbackIntent"
# The classifier's score for its best intent (a signed distance from that intent's boundary) below
# which the best intent is only a guess and Alexa would send the fallback. Set from the dev half of
# tests/nlu/unseen/ (one-shots, all five markets: -0.7 to -0.2 tried, -0.4 best); never from the test half.
CONFIDENCE_FLOOR = -0.4
# Each slotted sample is trained with this many values of its slot(s), rotating through the values
# so that every value is seen while no one intent swamps the others with thousands of copies.
VALUES_PER_SLOTTED_SAMPLE = 6
# How alike (cosine of character n-grams) a run of her words must be to a symptom synonym to be taken as
# that symptom when no synonym is said exactly, and the longest run compared. Set on the unseen dev half.
RESOLVE_FLOOR = 0.6
RESOLVE_RUN_WORDS = 8
# A sample with several slots stands for the product of their values; beyond this many phrases the
# full expansion behind is_sample keeps only the first ones (the classifier learns from the rotation).
MAX_PHRASES_PER_SAMPLE = 5000
# Alexa's built-in intents as the console knows them (Amazon's model knows them on a device): the
# documented common utterances and typical phrasings, kept as data beside this file.
BUILT_INS_FILE = Path(__file__).with_name("builtins.toml")
# What Alexa's own out-of-domain model knows (other skills' requests, health questions outside breast
# lumps), kept as data beside this file: trained as AMAZON.FallbackIntent.
OUT_OF_DOMAIN_FILE = Path(__file__).with_name("out_of_domain.toml")
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
# The skill's yes/no questions (conversation.state.Question values), and the words that open an answer
# to one. The situation question is not among them: there "no, I stopped" is a situation, not a no.
YES_NO_QUESTIONS = frozenset({"walk", "return", "resume", "check", "forget", "offer_check"})
LEADING_YES = frozenset({"yes", "yeah", "yep", "yup", "yea", "sure"})
LEADING_NO = frozenset({"no", "nope", "nah"})
# Never turned into a yes or a no: the safety net answers these from any state.
DANGER_INTENTS = frozenset({"CrisisIntent", "EmergencyIntent"})
# Slot value ids that mean "get help now" (SymptomType EMERGENCY): kept first when several signs are named.
DANGER_VALUES = frozenset({"EMERGENCY"})
# Slot value ids that say only what she already has (a lump): kept last, so a sign named with it
# ("a fever and a hard lump") is the value sent, whichever words are longer.
PLAIN_VALUES = frozenset({"LUMP"})
# Where a red-flag sign is heard on any intent: the intent and slot that carry her symptoms.
SYMPTOM_INTENT, SYMPTOM_SLOT = "ReportSymptomIntent", "symptom"
# Words that open a new clause in speech ("no I don't want the steps | I want to die"): a crisis or an
# emergency said after something else starts at one of them. A tail shorter than this (a run between
# joining words, one word shorter) is not scored
# ("my baby myself" is not a crisis), and a clause wins when a danger intent is its best guess and
# scores above the margin. Both set on the unseen dev half, the labelled set and the safety set's
# other statements: 0.1 to 0.3 reach every danger statement with the fewest false alarms (7, against 9
# before clauses were scored); see docs/safety.md.
CLAUSE_OPENERS = frozenset({"i", "i'm", "i've", "i'd", "i'll", "my", "everything", "it's"})
DANGER_CLAUSE_WORDS = 4
DANGER_CLAUSE_MARGIN = 0.2


def carries_danger(understood: "Understood") -> bool:
    """A crisis or emergency intent, or a red-flag sign on any intent: the safety net's to answer."""
    return understood.intent in DANGER_INTENTS or any(
        slot.get("id") in DANGER_VALUES for slot in understood.slots.values())


def built_in_phrases(path: Path = BUILT_INS_FILE) -> dict[str, tuple[str, ...]]:
    """Each built-in intent's phrases from builtins.toml: the documented ones, then the typical ones."""
    with path.open("rb") as handle:
        intents = tomllib.load(handle)["intents"]
    return {name: tuple(normalise(said) for said in (*entry.get("documented", []), *entry.get("typical", [])))
            for name, entry in intents.items()}

def out_of_domain_phrases(path: Path = OUT_OF_DOMAIN_FILE) -> tuple[str, ...]:
    """What Alexa's out-of-domain model would send to the fallback, from out_of_domain.toml."""
    with path.open("rb") as handle:
        return tuple(normalise(said) for said in tomllib.load(handle)["phrases"])


Slots = dict[str, dict[str, str | None]]  # slot name -> {"value": her words, "id": the value's id}


@dataclass(frozen=True)
class Understood:
    """What Alexa would send: the intent and its slots; the score is only for reports."""

    intent: str
    slots: Slots = field(default_factory=dict)
    confidence: float = field(default=1.0, compare=False)  # the classifier's score; 1.0 for a sample


@dataclass(frozen=True)
class SlotWord:
    """One way of saying a slot value: the words, and the id they resolve to."""

    words: str
    id: str | None


def normalise(text: str) -> str:
    """Lower case, apostrophes kept, other punctuation and extra spaces dropped."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split())


# Spoken contractions written out, so "I'm pumping" and "I am pumping" teach the classifier the same words.
CONTRACTIONS: tuple[tuple[str, str], ...] = (
    (r"\bcan't\b", "can not"), (r"\bwon't\b", "will not"), (r"n't\b", " not"), (r"'m\b", " am"),
    (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"), (r"'d\b", " would"),
    (r"\b(it|that|what|there|he|she|who|where|how|when)'s\b", r"\1 is"), (r"'s\b", ""),
)
WORD_ENDINGS = ("ing", "ed", "es", "s")


def word_root(word: str) -> str:
    """A word without a plural or tense ending ("clogs", "clogged" -> "clog"); crude, but the same both sides."""
    for ending in WORD_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[:-len(ending)]
    return word


def classifier_form(said: str) -> str:
    """Normalised words as the classifier reads them: contractions written out, endings dropped.

    Measured on 1,000 US phrasings written apart from the grammar, before they were merged into it:
    one-shots right rose from 86.8 % to 88.4 %.
    """
    for contraction, written_out in CONTRACTIONS:
        said = re.sub(contraction, written_out, said)
    return " ".join(word_root(word) for word in said.split())


def normalise_template(sample: str) -> str:
    """Normalise a sample but keep its {slot} references intact."""
    parts = re.split(r"(\{\w+\})", sample)
    return " ".join(part if part.startswith("{") else normalise(part) for part in parts if part.strip())


class SlotVocabulary:
    """Every way of saying each value of one locale's slot types, for expansion and for slot filling."""

    def __init__(self, types: list[dict[str, Any]]):
        self.words: dict[str, list[SlotWord]] = {}
        self.names: dict[str, list[SlotWord]] = {}  # each value's own name, in the model's order
        for kind in types:
            said = []
            for value in kind.get("values", []):
                for words in (value["name"]["value"], *value["name"].get("synonyms", [])):
                    said.append(SlotWord(normalise(words), value.get("id") or value["name"]["value"]))
            self.names[kind["name"]] = [SlotWord(normalise(value["name"]["value"]), value.get("id") or value["name"]["value"])
                                        for value in kind.get("values", [])]
            # Longest first, so "a hard lump" wins over "hard" when both are in her words.
            self.words[kind["name"]] = sorted(said, key=lambda word: -len(word.words))

    def fill(self, said: str, slot_types: dict[str, str]) -> Slots:
        """The longest value of each slot found in her words; spans already taken are not reused.

        A danger sign anywhere in her words is kept before any longer value, and a plain lump after any
        sign: "my heart is racing and I have a high temperature" names the emergency, not the fever,
        and "a fever and a hard lump" the fever (safety first; one slot holds one value, so the most
        urgent one is the one kept).
        """
        candidates = []
        for name, kind in slot_types.items():
            for word in self.words.get(kind, []):
                for match in re.finditer(rf"(?<![\w']){re.escape(word.words)}(?![\w'])", said):
                    candidates.append((match.end() - match.start(), match.start(), name, word))
        slots: Slots = {}
        taken: list[range] = []
        for length, start, name, word in sorted(candidates, key=lambda c: (c[3].id not in DANGER_VALUES, c[3].id in PLAIN_VALUES, -c[0], c[1])):
            span = range(start, start + length)
            if name in slots or any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            slots[name] = {"value": word.words, "id": word.id}
            taken.append(span)
        return slots


class SlotResolver:
    """Alexa's entity resolution, roughly: a slot value said in other words than any synonym.

    On a device the slot's words reach the skill even when they match no synonym exactly, and
    Amazon's resolution maps near ones ("my fingertips are going blue") to a value. Here each run
    of her words is compared with every synonym of the type by character n-grams; the closest pair
    wins when it is at least RESOLVE_FLOOR alike.
    """

    def __init__(self, words: list[SlotWord]):
        self.words = words
        self.vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.known = self.vectors.fit_transform([word.words for word in words])

    def resolve(self, said: str) -> SlotWord | None:
        words = said.split()
        runs = [" ".join(words[start:start + size]) for size in range(2, RESOLVE_RUN_WORDS + 1)
                for start in range(len(words) - size + 1)]
        if not runs:
            return None
        alike = (self.vectors.transform(runs) @ self.known.T).toarray().max(axis=0)
        best = int(alike.argmax())
        return self.words[best] if alike[best] >= RESOLVE_FLOOR else None


def expansions(template: str, slot_types: dict[str, str], vocabulary: SlotVocabulary) -> Iterator[tuple[str, Slots]]:
    """Every phrase a sample stands for: each {slot} replaced by each of its values (all combinations)."""
    names = SLOT_REFERENCE.findall(template)
    choices = [vocabulary.words.get(slot_types.get(name, ""), []) for name in names]
    for words in itertools.product(*choices):
        phrase = template
        slots: Slots = {}
        for name, word in zip(names, words):
            phrase = phrase.replace(f"{{{name}}}", word.words, 1)
            slots[name] = {"value": word.words, "id": word.id}
        yield normalise(phrase), slots


def rotated_expansions(template: str, slot_types: dict[str, str], vocabulary: SlotVocabulary, count: int,
                       start: int) -> list[tuple[str, Slots]]:
    """Phrases of a slotted sample for training: each value's own name once, then `count` synonyms.

    The names keep every value said with every carrier ("i have {symptom}" with "a fever"), however
    many synonyms a value has; the synonyms rotate from `start` so each one is seen somewhere.
    """
    names = SLOT_REFERENCE.findall(template)
    choices = [vocabulary.words.get(slot_types.get(name, ""), []) for name in names]
    own_names = [vocabulary.names.get(slot_types.get(name, ""), []) for name in names]
    if not all(choices):
        return []
    picks = [[kind[turn % len(kind)] for kind in own_names] for turn in range(max(map(len, own_names)))]
    picks += [[words[(start + offset) % len(words)] for words in choices] for offset in range(count)]
    phrases = []
    for pick in picks:
        phrase, slots = template, {}
        for name, word in zip(names, pick):
            phrase = phrase.replace(f"{{{name}}}", word.words, 1)
            slots[name] = {"value": word.words, "id": word.id}
        phrases.append((normalise(phrase), slots))
    return phrases


class Understanding:
    """One locale's model, learnt: exact samples answer at once, anything else goes to the classifier.

    Only samples without slots are looked up as they are; a slotted sample stands for thousands of
    phrases, so it is learnt from a rotation of its values (and expanded in full only for is_sample).
    """

    def __init__(self, model: dict[str, Any]):
        language = model["interactionModel"]["languageModel"]
        self.vocabulary = SlotVocabulary(language.get("types", []))
        self.slot_types: dict[str, dict[str, str]] = {}
        self.samples: dict[str, Understood] = {}           # samples without a slot, as she would say them
        self.built_ins: dict[str, Understood] = {}         # phrases of Alexa's built-ins (not model samples)
        built_ins = built_in_phrases()
        self.slotted: list[tuple[str, str]] = []           # (template, intent) of samples with slots
        texts: list[str] = []
        labels: list[str] = []
        rotation = itertools.count()
        for intent in language["intents"]:
            name = intent["name"]
            self.slot_types[name] = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for said in built_ins.get(name, ()):
                self.built_ins.setdefault(said, Understood(name))
                texts.append(said)
                labels.append(name)
            for sample in intent.get("samples", []):
                template = normalise_template(sample)
                if SLOT_REFERENCE.search(template):
                    self.slotted.append((template, name))
                    phrases = [phrase for phrase, _ in rotated_expansions(
                        template, self.slot_types[name], self.vocabulary, VALUES_PER_SLOTTED_SAMPLE,
                        next(rotation) * VALUES_PER_SLOTTED_SAMPLE)]
                else:
                    self.samples.setdefault(template, Understood(name))
                    phrases = [template]
                texts.extend(phrases)
                labels.extend(name for _ in phrases)
        out_of_domain = out_of_domain_phrases()
        texts.extend(out_of_domain)
        labels.extend(FALLBACK for _ in out_of_domain)
        self.features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 3), token_pattern=r"[a-z0-9']+",
                                      sublinear_tf=True, preprocessor=classifier_form)),
            ("characters", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                           preprocessor=classifier_form)),
        ])
        # Balanced: an intent with a few samples (a built-in) still counts as much as one with hundreds.
        self.classifier = LinearSVC(C=1.0, class_weight="balanced", random_state=0)
        self.classifier.fit(self.features.fit_transform(texts), labels)

    @cached_property
    def phrases(self) -> dict[str, Understood]:
        """Every phrase the model's samples stand for, slots filled every way (built on first use)."""
        phrases = dict(self.samples)
        for template, name in self.slotted:
            for phrase, slots in itertools.islice(expansions(template, self.slot_types[name], self.vocabulary),
                                                  MAX_PHRASES_PER_SAMPLE):
                phrases.setdefault(phrase, Understood(name, slots))
        return phrases

    def understand(self, text: str, pending: str | None = None) -> Understood:
        """Her words as an intent; `pending` is the question the skill is waiting on, if any.

        The console's stand-in for Alexa weighing a reply against the question just asked: while a
        yes/no question waits, words that start with yes or no ("no it's getting better", "yes the
        skin looks dimpled") are that answer, unless they carry a crisis or an emergency. The
        handlers' own context resolver (skill/handlers/context.py) still decides what the answer does.
        """
        understood = self.understand_alone(text)
        if pending in YES_NO_QUESTIONS and not carries_danger(understood):
            first = normalise(text).split(" ", 1)[0]
            if first in LEADING_YES:
                return Understood("AMAZON.YesIntent", confidence=understood.confidence)
            if first in LEADING_NO:
                return Understood("AMAZON.NoIntent", confidence=understood.confidence)
        return understood

    def understand_alone(self, text: str) -> Understood:
        """Her words as an intent, out of any context (what a one-shot would send)."""
        said = normalise(text)
        if not said:
            return Understood(FALLBACK, confidence=float("-inf"))
        if exact := self.samples.get(said) or self.built_ins.get(said):
            return exact
        intent, confidence = self.best_intent(said)
        if confidence < CONFIDENCE_FLOOR:
            understood = self.danger_sign_guessed(said) or Understood(FALLBACK, confidence=confidence)
        else:
            understood = Understood(intent, self.slots_heard(said, intent), confidence)
        if not carries_danger(understood) and (danger := self.danger_said_anywhere(said)):
            return danger
        return understood

    def slots_heard(self, said: str, intent: str) -> Slots:
        """The intent's slots in her words: exact synonyms first; a symptom said in other words resolved."""
        slots = self.vocabulary.fill(said, self.slot_types.get(intent, {}))
        if intent == SYMPTOM_INTENT and SYMPTOM_SLOT not in slots and (word := self.symptoms.resolve(said)):
            slots[SYMPTOM_SLOT] = {"value": word.words, "id": word.id}
        return slots

    @cached_property
    def symptom_words(self) -> list[SlotWord]:
        """Every way of saying a symptom in this model (none when it has no symptom slot)."""
        return self.vocabulary.words.get(self.slot_types.get(SYMPTOM_INTENT, {}).get(SYMPTOM_SLOT, ""), [])

    @cached_property
    def symptoms(self) -> SlotResolver:
        return SlotResolver(self.symptom_words)

    @cached_property
    def danger_phrases(self) -> dict[str, Understood]:
        """What a danger phrase inside a longer sentence is sent as, by its words.

        A red-flag sign (the EMERGENCY value of the symptom slot, two words or more) is that symptom
        reported; a crisis or emergency intent's own sample of three words or more is that intent.
        """
        phrases = {said: understood for said, understood in self.samples.items()
                   if understood.intent in DANGER_INTENTS and said.count(" ") >= 2}
        for word in self.symptom_words:
            if word.id in DANGER_VALUES and " " in word.words:
                phrases[word.words] = Understood(SYMPTOM_INTENT, {SYMPTOM_SLOT: {"value": word.words, "id": word.id}})
        return phrases

    @cached_property
    def danger_pattern(self) -> re.Pattern[str] | None:
        """One pattern for every danger phrase, longest first, whole words only."""
        if not self.danger_phrases:
            return None
        phrases = "|".join(re.escape(words) for words in sorted(self.danger_phrases, key=len, reverse=True))
        return re.compile(rf"(?<![\w'])({phrases})(?![\w'])")

    def danger_said_anywhere(self, said: str) -> Understood | None:
        """A crisis or emergency in any part of her words, whatever the rest of them asks (safety first).

        Two ways, both stand-ins for what a device needs the grammar for: a danger phrase of the model
        named anywhere ("I've become very pale", "my heartbeat is too fast and my fever is a hundred
        and three", "I've got chest pains and my breast is swollen"); and a clause after a false
        start or another request ("okay next oh wait I'm feeling really confused", "no I don't want
        the steps I want to die") that the classifier alone places clearly on the danger side.
        Single words ("confused", "faint") are not spotted alone: they are too often something else.
        """
        if self.danger_pattern and (phrase := self.danger_pattern.search(said)):
            return self.danger_phrases[phrase.group(1)]
        clauses = self.clauses(said)
        if not clauses:
            return None
        scores = self.classifier.decision_function(self.features.transform(clauses))
        heard = [(float(row.max()), str(self.classifier.classes_[row.argmax()])) for row in scores]
        danger = [(confidence, intent) for confidence, intent in heard
                  if intent in DANGER_INTENTS and confidence > DANGER_CLAUSE_MARGIN]
        if not danger:
            return None
        confidence, intent = max(danger)
        return Understood(intent, confidence=confidence)

    def danger_sign_guessed(self, said: str) -> Understood | None:
        """A red-flag sign in other words, in words the classifier is unsure of ("my fingernails are
        turning kind of bluish", "i'm super pale like gray"): reported rather than lost to the fallback."""
        sign = self.symptoms.resolve(said)
        if sign is None or sign.id not in DANGER_VALUES:
            return None
        return Understood(SYMPTOM_INTENT, {SYMPTOM_SLOT: {"value": sign.words, "id": sign.id}})

    @staticmethod
    def clauses(said: str) -> list[str]:
        """The parts of a sentence that could be said on their own: each run between joining words
        ("I've got chest pain | my breast is swollen"), and each tail from a word that opens a clause."""
        words = said.split()
        tails = [" ".join(words[start:]) for start in range(1, len(words) - DANGER_CLAUSE_WORDS + 1)
                 if words[start] in CLAUSE_OPENERS]
        runs = [run.strip() for run in re.split(r"\b(?:and|but|so|because|then)\b", said)]
        return tails + [run for run in runs if run != said and run.count(" ") + 1 >= DANGER_CLAUSE_WORDS - 1]

    def best_intent(self, said: str) -> tuple[str, float]:
        """The classifier's most likely intent and its score."""
        features = self.features.transform([said])
        if features.nnz == 0:  # not one known word or sound: nothing to go on
            return FALLBACK, float("-inf")
        scores = self.classifier.decision_function(features)[0]
        best = int(scores.argmax())
        return str(self.classifier.classes_[best]), float(scores[best])

    def is_sample(self, text: str) -> bool:
        """True when the words are one of the model's samples after slot expansion."""
        return normalise(text) in self.phrases


def load_model(locale: str, model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    with (model_dir / f"{locale}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def cache_key(model_bytes: bytes) -> str:
    """What a fitted matcher depends on: the model, this code, the built-in and out-of-domain phrases, scikit-learn's version."""
    digest = hashlib.sha256(model_bytes)
    for part in (Path(__file__).read_bytes(), BUILT_INS_FILE.read_bytes(), OUT_OF_DOMAIN_FILE.read_bytes(),
                 sklearn.__version__.encode()):
        digest.update(b"\0" + part)
    return digest.hexdigest()[:24]


@cache
def understanding_for(locale: str, model_dir: Path = MODEL_DIR, cache_dir: Path | None = CACHE_DIR) -> Understanding:
    """The locale's fitted matcher, from the on-disk cache when it was fitted on this very model and code.

    A missing, stale or unreadable cache file is ignored and the matcher fitted again (then saved).
    """
    model_bytes = (model_dir / f"{locale}.json").read_bytes()
    if cache_dir is None:
        return Understanding(json.loads(model_bytes))
    path = cache_dir / f"{locale}-{cache_key(model_bytes)}.pickle"
    try:
        with path.open("rb") as handle:
            understanding = pickle.load(handle)
        if isinstance(understanding, Understanding):
            return understanding
    except FileNotFoundError:
        pass
    except Exception as error:  # a corrupt cache of our own making: log and fit again
        log.warning("matcher cache %s unreadable (%s); fitting again", path.name, type(error).__name__)
    understanding = Understanding(json.loads(model_bytes))
    save_fitted(understanding, path, locale)
    return understanding


def save_fitted(understanding: Understanding, path: Path, locale: str) -> None:
    """Write the fitted matcher atomically and drop the locale's older (stale) files; a failure only logs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{locale}-*.pickle"):
            stale.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".part") as handle:
            pickle.dump(understanding, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as error:
        log.warning("matcher cache not written (%s)", error.strerror or type(error).__name__)
