"""Map typed words to an intent the way Alexa's own NLU would: by generalising from the model's samples.

The console and the conversation tests talk to the skill in her words without a device. A linear
classifier over word and character n-grams is trained at start-up on every sample of the locale's
interaction model (slot references expanded by their values and synonyms), so words nobody wrote
as a sample still reach the right intent; below a confidence floor she gets AMAZON.FallbackIntent,
as on a device. Slots are filled from the intent's slot values and synonyms, longest match first.
"""
from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

MODEL_DIR = Path(__file__).resolve().parents[1] / "interaction_model"
FALLBACK = "AMAZON.FallbackIntent"
# Below this probability the best intent is a guess; Alexa would send the fallback instead.
CONFIDENCE_FLOOR = 0.30
# Each slotted sample is trained with this many values of its slot(s), rotating through the values
# so that every value is seen while no one intent swamps the others with thousands of copies.
VALUES_PER_SLOTTED_SAMPLE = 3
# A sample with several slots stands for the product of their values; beyond this many phrases the
# exact-sample lookup keeps only the first ones (the classifier still learns from the rotation).
MAX_PHRASES_PER_SAMPLE = 5000
# Built-in intents answer to these words even when the model adds no samples of its own.
BUILT_IN_SAMPLES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": ("help", "help me", "what can i say"),
    "AMAZON.StopIntent": ("stop", "off", "shut up"),
    "AMAZON.CancelIntent": ("cancel", "never mind"),
    "AMAZON.NavigateHomeIntent": ("home", "go home"),
    "AMAZON.NextIntent": ("next",),
    "AMAZON.PreviousIntent": ("previous", "go back", "back"),
    "AMAZON.RepeatIntent": ("repeat", "say that again"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again"),
    "AMAZON.YesIntent": ("yes", "yeah", "yes please", "sure", "okay"),
    "AMAZON.NoIntent": ("no", "no thanks", "nope"),
}
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")

Slots = dict[str, dict[str, str | None]]  # slot name -> {"value": her words, "id": the value's id}


@dataclass(frozen=True)
class Understood:
    intent: str
    slots: Slots = field(default_factory=dict)
    confidence: float = 1.0


@dataclass(frozen=True)
class SlotWord:
    """One way of saying a slot value: the words, and the id they resolve to."""

    words: str
    id: str | None


def normalise(text: str) -> str:
    """Lower case, apostrophes kept, other punctuation and extra spaces dropped."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split())


def normalise_template(sample: str) -> str:
    """Normalise a sample but keep its {slot} references intact."""
    parts = re.split(r"(\{\w+\})", sample)
    return " ".join(part if part.startswith("{") else normalise(part) for part in parts if part.strip())


class SlotVocabulary:
    """Every way of saying each value of one locale's slot types, for expansion and for slot filling."""

    def __init__(self, types: list[dict[str, Any]]):
        self.words: dict[str, list[SlotWord]] = {}
        for kind in types:
            said = []
            for value in kind.get("values", []):
                for words in (value["name"]["value"], *value["name"].get("synonyms", [])):
                    said.append(SlotWord(normalise(words), value.get("id") or value["name"]["value"]))
            # Longest first, so "a hard lump" wins over "hard" when both are in her words.
            self.words[kind["name"]] = sorted(said, key=lambda word: -len(word.words))

    def fill(self, said: str, slot_types: dict[str, str]) -> Slots:
        """The longest value of each slot found in her words; spans already taken are not reused."""
        candidates = []
        for name, kind in slot_types.items():
            for word in self.words.get(kind, []):
                for match in re.finditer(rf"(?<![\w']){re.escape(word.words)}(?![\w'])", said):
                    candidates.append((match.end() - match.start(), match.start(), name, word))
        slots: Slots = {}
        taken: list[range] = []
        for length, start, name, word in sorted(candidates, key=lambda c: (-c[0], c[1])):
            span = range(start, start + length)
            if name in slots or any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            slots[name] = {"value": word.words, "id": word.id}
            taken.append(span)
        return slots


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


class Understanding:
    """One locale's model, learnt: exact samples answer at once, anything else goes to the classifier."""

    def __init__(self, model: dict[str, Any]):
        language = model["interactionModel"]["languageModel"]
        self.vocabulary = SlotVocabulary(language.get("types", []))
        self.slot_types: dict[str, dict[str, str]] = {}
        self.phrases: dict[str, Understood] = {}
        texts: list[str] = []
        labels: list[str] = []
        rotation = itertools.count()
        for intent in language["intents"]:
            name = intent["name"]
            self.slot_types[name] = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for sample in (*intent.get("samples", []), *BUILT_IN_SAMPLES.get(name, ())):
                template = normalise_template(sample)
                phrases = list(itertools.islice(expansions(template, self.slot_types[name], self.vocabulary),
                                                MAX_PHRASES_PER_SAMPLE))
                for phrase, slots in phrases:
                    self.phrases.setdefault(phrase, Understood(name, slots))
                if SLOT_REFERENCE.search(template) and phrases:
                    start = next(rotation) * VALUES_PER_SLOTTED_SAMPLE
                    phrases = [phrases[(start + i) % len(phrases)] for i in range(VALUES_PER_SLOTTED_SAMPLE)]
                texts.extend(phrase for phrase, _ in phrases)
                labels.extend(name for _ in phrases)
        self.features = FeatureUnion([
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"[a-z0-9']+",
                                      sublinear_tf=True)),
            ("characters", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
        ])
        self.classifier = LogisticRegression(C=20.0, max_iter=300, class_weight="balanced")
        self.classifier.fit(self.features.fit_transform(texts), labels)

    def understand(self, text: str) -> Understood:
        said = normalise(text)
        if not said:
            return Understood(FALLBACK, confidence=0.0)
        if said in self.phrases:
            return self.phrases[said]
        intent, confidence = self.best_intent(said)
        if confidence < CONFIDENCE_FLOOR:
            return Understood(FALLBACK, confidence=confidence)
        return Understood(intent, self.vocabulary.fill(said, self.slot_types.get(intent, {})), confidence)

    def best_intent(self, said: str) -> tuple[str, float]:
        """The classifier's most likely intent and its probability."""
        features = self.features.transform([said])
        if features.nnz == 0:  # not one known word or sound: nothing to go on
            return FALLBACK, 0.0
        probabilities = self.classifier.predict_proba(features)[0]
        best = int(probabilities.argmax())
        return str(self.classifier.classes_[best]), float(probabilities[best])

    def is_sample(self, text: str) -> bool:
        """True when the words are one of the model's samples after slot expansion."""
        return normalise(text) in self.phrases


def load_model(locale: str, model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    with (model_dir / f"{locale}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def understanding_for(locale: str, model_dir: Path = MODEL_DIR) -> Understanding:
    return Understanding(load_model(locale, model_dir))
