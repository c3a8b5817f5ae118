"""Map typed words to an intent using the interaction model's own sample utterances.

Lets the console (and the conversation tests) talk to the skill in her words without a device:
exact match after normalising, then fuzzy matching, else AMAZON.FallbackIntent.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

MODEL_DIR = Path(__file__).resolve().parents[1] / "interaction_model"
FALLBACK = "AMAZON.FallbackIntent"
FUZZY_CUTOFF = 85
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


@dataclass(frozen=True)
class Understood:
    intent: str
    slots: dict[str, dict[str, str | None]] = field(default_factory=dict)  # name -> {"value", "id"}


def normalise(text: str) -> str:
    """Lower case, apostrophes kept, other punctuation and extra spaces dropped."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split())


class Understanding:
    """Every sample of one locale's model, with slot templates expanded by their values."""

    def __init__(self, model: dict):
        language = model["interactionModel"]["languageModel"]
        values = {kind["name"]: kind.get("values", []) for kind in language.get("types", [])}
        self.phrases: dict[str, Understood] = {}
        for intent in language["intents"]:
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            samples = list(intent.get("samples", [])) + list(BUILT_IN_SAMPLES.get(intent["name"], ()))
            for sample in samples:
                self._add(intent["name"], normalise_template(sample), slot_types, values)

    def _add(self, intent: str, sample: str, slot_types: dict[str, str], values: dict[str, list]) -> None:
        slot_names = re.findall(r"\{(\w+)\}", sample)
        if not slot_names:
            self.phrases.setdefault(sample, Understood(intent))
            return
        name = slot_names[0]  # the skill's intents carry at most one slot
        for value in values.get(slot_types.get(name, ""), []):
            for word in (value["name"]["value"], *value["name"].get("synonyms", [])):
                phrase = normalise(sample.replace(f"{{{name}}}", word))
                slot = {"value": word, "id": value.get("id")}
                self.phrases.setdefault(phrase, Understood(intent, {name: slot}))

    def understand(self, text: str) -> Understood:
        said = normalise(text)
        if said in self.phrases:
            return self.phrases[said]
        match = process.extractOne(said, self.phrases.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return self.phrases[match[0]] if match else Understood(FALLBACK)


def normalise_template(sample: str) -> str:
    """Normalise a sample but keep its {slot} references intact."""
    parts = re.split(r"(\{\w+\})", sample)
    return " ".join(part if part.startswith("{") else normalise(part) for part in parts if part.strip())


@cache
def understanding_for(locale: str, model_dir: Path = MODEL_DIR) -> Understanding:
    with (model_dir / f"{locale}.json").open(encoding="utf-8") as handle:
        return Understanding(json.load(handle))
