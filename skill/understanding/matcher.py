"""Map typed words to an intent the way Alexa's own NLU would: by generalising from the model's samples.

The console and the conversation tests talk to the skill in her words without a device. A linear
classifier (scikit-learn's LinearSVC) over word and character n-grams is trained at start-up on every sample of the locale's
interaction model (slot references expanded by their values and synonyms), so words nobody wrote
as a sample still reach the right intent; below a confidence floor she gets AMAZON.FallbackIntent,
as on a device. Slots are filled as Alexa fills them: the words a sample of the intent frames
around its {slot} (resolved when they are a value or synonym, else sent unresolved with
ER_SUCCESS_NO_MATCH), or a value named where no sample frames her words. It emulates Alexa and
nothing more: every safety decision is the skill's own (skill/understanding/danger.py), made on
exactly what this sends, as on a device.
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

from skill.understanding.built_in_slots import BUILT_IN_VALUE

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
# "Anything else?" is not among them either: "no, how long will it take" asks something new.
YES_NO_QUESTIONS = frozenset({"walk", "return", "resume", "check", "forget", "offer_check", "after_crisis",
                              "after_care", "after_doctor", "after_safety", "offer_relief", "walk_today",
                              "reached"})
LEADING_YES = frozenset({"yes", "yeah", "yep", "yup", "yea", "sure"})
LEADING_NO = frozenset({"no", "nope", "nah"})
# Never turned into a yes or a no: the intent Alexa chose is sent as it is. These are the intents the
# skill's safety net answers first (content/triage.toml [intents]): a crisis, an emergency, and every
# route beyond the breast ("no but my baby went blue" is about her baby, not an answer).
DANGER_INTENTS = frozenset({"CrisisIntent", "EmergencyIntent", "BabyEmergencyIntent", "BabyFeverIntent",
                            "BabyUrgentIntent", "MotherEmergencyIntent", "MotherUrgentIntent",
                            "PsychosisIntent", "AbuseIntent"})
# Slot value ids that mean "get help now" (SymptomType EMERGENCY): kept first when several signs are named.
DANGER_VALUES = frozenset({"EMERGENCY"})
# Slot value ids that say only what she already has (a lump): kept last, so a sign named with it
# ("a fever and a hard lump") is the value sent, whichever words are longer.
PLAIN_VALUES = frozenset({"LUMP"})
# Slot types whose words are always one of their listed values ("my baby", "my wife", "my friend"):
# Alexa weighs a short, closed list to its values, so the stand-in fills them with a value only.
LISTED_ONLY = frozenset({"PersonType"})


def keeps_its_intent(understood: "Understood") -> bool:
    """Sent as Alexa chose it even while a yes/no question waits: a crisis or emergency intent, or any
    intent with words in a slot ("no but the lump is hard and doesn't move"): the skill reads those."""
    return understood.intent in DANGER_INTENTS or bool(understood.slots)


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

    def resolve(self, kind: str, words: str) -> str | None:
        """The id of the value these words are exactly (a value or a synonym), as Alexa's entity
        resolution answers ER_SUCCESS_MATCH; None for words it would send unresolved."""
        return next((word.id for word in self.words.get(kind, []) if word.words == words), None)

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
                if word.words not in said:  # most values are not there: skip the regex (and its compile)
                    continue
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


def expansions(template: str, slot_types: dict[str, str], vocabulary: SlotVocabulary) -> Iterator[tuple[str, tuple[SlotWord, ...]]]:
    """Every phrase a sample stands for: each {slot} replaced by each of its values (all combinations),
    with the values used, in the order of the template's slots."""
    names = SLOT_REFERENCE.findall(template)
    around = SLOT_REFERENCE.split(template)[0::2]  # the sample's own words before, between and after its slots
    choices = [vocabulary.words.get(slot_types.get(name, ""), []) for name in names]
    for words in itertools.product(*choices):
        phrase = around[0] + "".join(word.words + after for word, after in zip(words, around[1:]))
        # The template and the values are normalised already; only an empty value leaves a double space.
        yield (phrase if all(word.words for word in words) else normalise(phrase)), words


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
            names = SLOT_REFERENCE.findall(template)
            for phrase, words in itertools.islice(expansions(template, self.slot_types[name], self.vocabulary),
                                                  MAX_PHRASES_PER_SAMPLE):
                if phrase not in phrases:
                    phrases[phrase] = Understood(name, {slot: {"value": word.words, "id": word.id}
                                                        for slot, word in zip(names, words)})
        return phrases

    def understand(self, text: str, pending: str | None = None) -> Understood:
        """Her words as an intent; `pending` is the question the skill is waiting on, if any.

        The console's stand-in for Alexa weighing a reply against the question just asked: while a
        yes/no question waits, words that start with yes or no ("no it's getting better", "yes the
        skin looks dimpled") are that answer, unless the intent Alexa chose is one it keeps (see
        keeps_its_intent). The handlers' own context resolver (skill/handlers/context.py) still
        decides what the answer does.
        """
        understood = self.understand_alone(text)
        if pending in YES_NO_QUESTIONS and not keeps_its_intent(understood):
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
        if exact := self.samples.get(said) or self.built_ins.get(said) or self.phrases.get(said):
            return exact  # a sample, or a slotted sample said with one of its values: matched exactly
        intent, confidence = self.best_intent(said)
        if confidence < CONFIDENCE_FLOOR:
            return Understood(FALLBACK, confidence=confidence)
        return Understood(intent, self.slots_heard(said, intent), confidence)

    def slots_heard(self, said: str, intent: str) -> Slots:
        """The intent's slots as Alexa fills them: the words one of its samples frames around each
        slot (the sample with the most words of its own wins), cut to a value or synonym named in them
        (resolved) when that value is most of them, else sent whole; where no sample frames her words, the values
        named in them; where none is named, the words after the opening of a sample, unresolved."""
        framed = [(len(frame.pattern), match) for frame in self.frames.get(intent, ()) if (match := frame.fullmatch(said))]
        named = self.vocabulary.fill(said, self.slot_types.get(intent, {}))
        if not framed and named.keys() - {name for name, kind in self.slot_types.get(intent, {}).items() if kind in LISTED_ONLY}:
            return named
        if not framed:  # no sample frames all her words: one that opens them lets its slot take the rest
            framed = [(len(opening.pattern), match) for opening in self.openings.get(intent, ())
                      if (match := opening.fullmatch(said))]
        if not framed:
            return {}
        _, match = max(framed, key=lambda pair: pair[0])
        types = self.slot_types[intent]
        slots: Slots = {}
        for name, words in match.groupdict().items():
            if types.get(name, "").startswith("AMAZON."):  # Alexa sends a built-in slot in its own form
                as_alexa_sends = BUILT_IN_VALUE[types[name]](words) if types[name] in BUILT_IN_VALUE else None
                if as_alexa_sends is not None:
                    slots[name] = {"value": as_alexa_sends, "built_in": True}
                continue
            # Alexa weighs slot words towards the listed values: a value that makes up most of the
            # words is what it sends; otherwise the words go whole, resolved only if they are a value.
            named = self.vocabulary.fill(words, {name: types.get(name, "")}).get(name)
            if named and len(str(named["value"]).split()) * 2 >= len(words.split()):
                slots[name] = named
            else:
                slots[name] = {"value": words, "id": self.vocabulary.resolve(types.get(name, ""), words)}
        return slots

    @cached_property
    def frames(self) -> dict[str, list["Frame"]]:
        """Each slotted sample as a pattern whose groups catch the words where its slots stand."""
        frames: dict[str, list[re.Pattern[str]]] = {}
        for template, intent in self.slotted:
            parts = re.split(r"\{(\w+)\}", template)
            if len(set(parts[1::2])) != len(parts[1::2]):
                continue
            pattern = ""
            for index, part in enumerate(parts):
                if index % 2 == 0:
                    pattern += re.escape(part)
                elif (index + 1 < len(parts) and not parts[index + 1].strip()) or \
                        self.slot_types[intent].get(part) in LISTED_ONLY:
                    # Two slots side by side ("{person} {happening}"): where one ends is only known by
                    # its listed values, so the first takes one of them; so does a slot whose words
                    # are always one of a short list (who she speaks of).
                    values = self.vocabulary.words.get(self.slot_types[intent].get(part, ""), [])
                    pattern += f"(?P<{part}>" + "|".join(re.escape(word.words) for word in values) + ")"
                else:
                    pattern += f"(?P<{part}>.+?)"
            frames.setdefault(intent, []).append(Frame(pattern, tuple(parts[0::2])))
        return frames

    @cached_property
    def openings(self) -> dict[str, list["Frame"]]:
        """Each slotted sample up to its last slot, that slot taking all that follows."""
        openings: dict[str, list[re.Pattern[str]]] = {}
        for intent, frames in self.frames.items():
            for frame in frames:
                last = frame.pattern.rfind("(?P<")
                if last >= 0:
                    name = frame.pattern[last + 4:frame.pattern.index(">", last)]
                    openings.setdefault(intent, []).append(Frame(f"{frame.pattern[:last]}(?P<{name}>.+)",
                                                                 (*frame.words[:-1], "")))
        return openings

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


class Frame:
    """One slotted sample as a pattern whose groups catch the words where its slots stand.

    The pattern is compiled only when her words could fit it: they open and close with the sample's
    own words and hold the words between its slots. A frame with a listed slot spells out hundreds of
    values, and compiling all of a locale's frames up front took seconds per start."""

    def __init__(self, pattern: str, words: tuple[str, ...]):
        self.pattern = pattern  # its length measures how much of the sample is its own words
        self.words = words      # the sample's own words: before its first slot, between slots, after its last

    def fullmatch(self, said: str) -> re.Match[str] | None:
        opening, *between, closing = self.words
        if not (said.startswith(opening) and said.endswith(closing) and all(part.strip() in said for part in between)):
            return None
        return self.compiled.fullmatch(said)

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


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
