"""Lint the interaction models and the skill manifest, so a broken model fails here, not at certification.

The rules follow Amazon's interaction model and manifest requirements ("Create Intents, Utterances,
and Slots", "Choose the Invocation Name", "Skill Manifest Schema") and the intent and slot contract
in interaction_model/README.md. Every failure names the file and the key to fix.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from skill.understanding.danger import BEYOND_THE_BREAST, EMERGENCY_ROUTES, read_words

MODEL_DIR = Path(__file__).resolve().parent.parent / "interaction_model"
MANIFEST_PATH = MODEL_DIR / "skill.json"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
INVOCATION_NAME = "lump relief guide"

# The contract in interaction_model/README.md.
CUSTOM_INTENTS = frozenset({
    "RelieveLumpIntent", "WalkStepsIntent", "FoodIntent", "MassageIntent", "HygieneIntent",
    "SeeDoctorIntent", "WhyLumpsIntent", "RisksIntent", "ReassuranceIntent", "WeaningIntent",
    "SymptomCheckIntent", "ReportSymptomIntent", "ForgetMeIntent",
    "KeepFeedingIntent", "BabyRefusesIntent", "PainReliefIntent", "HeatColdIntent", "HowLongIntent",
    "BreastChangesIntent", "NipplePainIntent", "PumpingIntent", "FeelingLowIntent", "MilkColourIntent", "SituationIntent",
    "NotSureIntent", "CrisisIntent", "EmergencyIntent", "LumpNotFeedingIntent",
    "RemindMeIntent", "CancelReminderIntent", "ListRemindersIntent",
    *(ROUTE_INTENTS := frozenset({
        "BabyEmergencyIntent", "BabyFeverIntent", "BabyUrgentIntent", "MotherEmergencyIntent", "MotherUrgentIntent",
        "PsychosisIntent", "AbuseIntent",
    })),
})
REQUIRED_BUILT_INS = frozenset({
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
})
SYMPTOM_IDS = frozenset({
    "EMERGENCY", "FEVER", "CHILLS", "FLU_LIKE", "REDNESS", "PUS", "NOT_IMPROVING",
    "BREAST_CHANGE", "LASTING", "AFTER_WEANING", "FIRM_FIXED", "LUMP",
})
SITUATION_IDS = frozenset({"FEEDING", "PUMPING", "WEANING"})
# Intents that carry her feeding situation, and SituationIntent, whose every sample names it.
SITUATION_INTENTS = frozenset({"RelieveLumpIntent", "WalkStepsIntent", "MassageIntent", "SituationIntent"})
# Enough distinct phrasings per custom intent for a real NLU to learn from (issue 10).
MIN_CUSTOM_SAMPLES = 150
# A route beyond the breast is one narrow kind of danger (her baby not breathing, a swollen calf), not a
# topic she may ask about in a hundred ways: its intent carries her own words from the writers and a few
# shapes, and any other wording still reaches the danger reader through the carriers' slots.
MIN_ROUTE_SAMPLES = 60

# Our budget, well inside the limits documented in interaction_model/README.md ("Limits").
MAX_SAMPLES_PER_INTENT = 300        # Lex V2 allows 1,500 per intent
MAX_CHARACTERS_PER_SAMPLE = 120     # Lex V1 allows 200, Lex V2 500
MAX_SAMPLE_CHARACTERS_PER_LOCALE = 192_000  # Lex V2 allows 200,000 outside en-US, en-GB, en-AU
MAX_SLOT_VALUES_PER_LOCALE = 2_000  # Alexa allows 50,000 values and synonyms across all slot types
MAX_INTENTS = 100                   # Lex V2 allows 250 outside en-US, en-GB, en-AU

# Phrases Alexa's built-in intents own; a custom sample that repeats one takes "yes" or "stop" away.
BUILT_IN_PHRASES = frozenset({
    "help", "help me", "what can i say", "stop", "cancel", "never mind", "next", "previous", "go back",
    "repeat", "say that again", "start over", "start again", "yes", "yeah", "yes please", "sure",
    "okay", "no", "no thanks", "nope", "no thank you", "exit", "quit",
})

# Words Alexa reserves for waking or launching; an invocation name must not contain them.
RESERVED_INVOCATION_WORDS = frozenset({
    "alexa", "amazon", "echo", "computer", "skill", "app", "ask", "open", "launch", "start",
    "tell", "load", "begin", "enable",
})

# Letters, possessive or contracted apostrophes, single-letter abbreviations ("g. p."), slots.
_WORD = r"(?:[A-Za-z]+(?:'[A-Za-z]+)*|[A-Za-z]\.)"
_SLOT = r"\{[A-Za-z][A-Za-z0-9_]*\}"
SAMPLE_PATTERN = re.compile(rf"^(?:{_WORD}|{_SLOT})(?: (?:{_WORD}|{_SLOT}))*$")
SLOT_VALUE_PATTERN = re.compile(rf"^{_WORD}(?: {_WORD})*$")
SLOT_REFERENCE = re.compile(r"\{([^{}]*)\}")

# What she says and the SymptomType id it must resolve to, through a sample template and a synonym.
MUST_REACH_SYMPTOMS = (
    ("I have a fever", "FEVER"),
    ("it's red and hot", "REDNESS"),
    ("my breast is red and hot", "REDNESS"),
    ("I feel like I have the flu", "FLU_LIKE"),
    ("there's pus", "PUS"),
    ("it's been there for three days", "NOT_IMPROVING"),
    ("I have chills", "CHILLS"),
    ("I feel very unwell and confused", "EMERGENCY"),
    ("I've got the shakes", "CHILLS"),
    ("I'm feeling poorly", "FLU_LIKE"),
    ("my temperature is a hundred and two", "FEVER"),
    ("I have blotchy skin", "REDNESS"),
    ("there's yellow stuff", "PUS"),
    ("it's no better after a day", "NOT_IMPROVING"),
    ("it's been there for a week", "LASTING"),
    ("I have dimpled skin", "BREAST_CHANGE"),
    ("it's still there weeks after weaning", "AFTER_WEANING"),
    ("it's hard and it doesn't move", "FIRM_FIXED"),
)
# Regional words only one market uses, reached the same way.
LOCAL_SYMPTOM_WORDS = (
    ("en-GB", "I feel a bit rough", "FLU_LIKE"),
    ("en-AU", "I'm feeling crook", "FLU_LIKE"),
    ("en-IN", "I have body pain", "FLU_LIKE"),
)
# Words of one market that must not leak into another's samples, and words each market must use.
FOREIGN_WORDS = {
    "en-US": {"mum", "mums", "nappy", "sterilise", "g. p.", "chemist"},
    "en-GB": {"mom", "moms", "diaper", "sterilize", "drugstore", "tylenol", "acetaminophen"},
    "en-CA": {"mum", "mums", "nappy", "g. p."},
    "en-AU": {"mom", "moms", "diaper", "sterilize", "drugstore", "tylenol", "acetaminophen"},
    "en-IN": {"tylenol", "drugstore", "o. b."},
}
LOCAL_WORDS = {
    "en-US": {"mom", "diaper", "o. b."}, "en-GB": {"mum", "nappy", "g. p.", "health visitor", "chemist"},
    "en-CA": {"family doctor", "mom"}, "en-AU": {"bub", "g. p.", "chemist", "nappy"},
    "en-IN": {"paining", "gynaecologist", "chemist"},
}

# Intent boundaries (issue 10) and the contract's examples: her words, the intent that answers them
# and the slot id they carry. They are held out of the samples (a test set may use them), so they
# must be reached by generalising: the nearest sample, by shared words and word pairs, must be right.
BOUNDARIES = (
    ("i've got this sore hard bit in my boob what should i do", "RelieveLumpIntent", None),
    ("I've got a hard lump what do I do", "RelieveLumpIntent", None),
    ("my boob's gone rock hard", "RelieveLumpIntent", None),
    ("i stopped feeding last week and now there's a hard lump how do i get rid of it", "RelieveLumpIntent", "WEANING"),
    ("what is mastitis", "RisksIntent", None),
    ("could a blocked duct give me a fever later on", "RisksIntent", None),
    ("can it get infected", "RisksIntent", None),
    ("what happens if I leave it", "RisksIntent", None),
    ("is it breast cancer", "BreastChangesIntent", None),
    ("could it be cancer", "BreastChangesIntent", None),
    ("my skin is dimpled", "BreastChangesIntent", None),
    ("my nipple is turning in", "BreastChangesIntent", None),
    ("there's a lump in my armpit", "BreastChangesIntent", None),
    ("what causes a blocked milk duct", "WhyLumpsIntent", None),
    ("what causes a blocked duct", "WhyLumpsIntent", None),
    ("there's yellow stuff coming out of my nipple", "ReportSymptomIntent", "PUS"),
    ("my thermometer says thirty nine degrees", "ReportSymptomIntent", "FEVER"),
    ("I'm scared", "ReassuranceIntent", None),
    ("is it serious", "ReassuranceIntent", None),
    ("should I be worried about my symptoms", "SymptomCheckIntent", None),
    ("should I keep breastfeeding", "KeepFeedingIntent", None),
    ("can I feed from that side", "KeepFeedingIntent", None),
    ("is my milk safe for the baby", "KeepFeedingIntent", None),
    ("my baby won't feed on that side", "BabyRefusesIntent", None),
    ("baby refuses the sore breast", "BabyRefusesIntent", None),
    ("what can I take for the pain", "PainReliefIntent", None),
    ("can I take painkillers while breastfeeding", "PainReliefIntent", None),
    ("should I use heat or ice", "HeatColdIntent", None),
    ("can I use a warm compress", "HeatColdIntent", None),
    ("how long will it take to go", "HowLongIntent", None),
    ("when should it get better", "HowLongIntent", None),
    ("my nipples are sore", "NipplePainIntent", None),
    ("how do I get a better latch", "NipplePainIntent", None),
    ("how should I pump with a blocked duct", "PumpingIntent", None),
    ("should I pump more", "PumpingIntent", None),
    ("I feel overwhelmed", "FeelingLowIntent", None),
    ("I'm feeling low", "FeelingLowIntent", None),
    ("I can't cope", "FeelingLowIntent", None),
)

EMERGENCY_NUMBERS = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}
DISTRIBUTION_COUNTRY = {"en-US": "US", "en-CA": "CA", "en-GB": "GB", "en-AU": "AU", "en-IN": "IN"}
EXAMPLE_PREFIXES = ("alexa, ask lump relief guide", "alexa, open lump relief guide")


def normalise(text: str) -> str:
    """Compare utterances the way Alexa does: case-insensitive, whitespace collapsed."""
    return " ".join(text.lower().split())


def model_path(locale: str) -> Path:
    return MODEL_DIR / f"{locale}.json"


def load_language_model(locale: str) -> dict[str, Any]:
    path = model_path(locale)
    document = json.loads(path.read_text(encoding="utf-8"))
    try:
        return document["interactionModel"]["languageModel"]
    except (KeyError, TypeError):
        pytest.fail(f"{path.name}: missing interactionModel.languageModel")


def load_manifest() -> dict[str, Any]:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["manifest"]


def intents_by_name(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in model["intents"]}


def custom_types(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {slot_type["name"]: slot_type for slot_type in model.get("types", [])}


def slot_phrases(slot_type: dict[str, Any]) -> dict[str, str]:
    """Every value and synonym of a custom type, normalised, mapped to the id it resolves to."""
    phrases: dict[str, str] = {}
    for value in slot_type["values"]:
        for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]:
            phrases[normalise(phrase)] = value["id"]
    return phrases


def expand(sample: str, slot_types: dict[str, str], types: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Fill a one-slot template with every phrase of its custom type, mapping each result to its id."""
    names = SLOT_REFERENCE.findall(sample)
    if len(names) != 1 or slot_types.get(names[0]) not in types:
        return {}
    template = normalise(sample)
    marker = "{" + names[0].lower() + "}"
    phrases = slot_phrases(types[slot_types[names[0]]])
    return {template.replace(marker, phrase): slot_id for phrase, slot_id in phrases.items()}


@pytest.fixture(params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def model(locale: str) -> dict[str, Any]:
    return load_language_model(locale)


def test_invocation_name_is_speakable_and_free_of_launch_words(locale: str, model: dict[str, Any]) -> None:
    name = model["invocationName"]
    where = f"{model_path(locale).name}: invocationName {name!r}"
    assert name == INVOCATION_NAME, f"{where} differs from the README's {INVOCATION_NAME!r}"
    assert re.fullmatch(r"[a-z]+(?: [a-z]+)+", name), f"{where}: two or more lowercase words only"
    reserved = RESERVED_INVOCATION_WORDS.intersection(name.split())
    assert not reserved, f"{where} contains wake or launch words {sorted(reserved)}"


def test_custom_intents_match_the_readme_contract(locale: str, model: dict[str, Any]) -> None:
    names = {name for name in intents_by_name(model) if not name.startswith("AMAZON.")}
    assert names == CUSTOM_INTENTS, (
        f"{model_path(locale).name}: intents missing {sorted(CUSTOM_INTENTS - names)}, "
        f"unknown {sorted(names - CUSTOM_INTENTS)}"
    )


def test_required_built_in_intents_are_present(locale: str, model: dict[str, Any]) -> None:
    missing = REQUIRED_BUILT_INS - set(intents_by_name(model))
    assert not missing, f"{model_path(locale).name}: intents lack {sorted(missing)}"


def test_intent_names_are_unique(locale: str, model: dict[str, Any]) -> None:
    names = [intent["name"] for intent in model["intents"]]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"{model_path(locale).name}: intents listed twice {duplicates}"


def test_slots_reference_defined_types(locale: str, model: dict[str, Any]) -> None:
    types = custom_types(model)
    problems = [
        f"intents[{intent['name']}].slots[{slot['name']}].type {slot['type']!r} is not defined"
        for intent in model["intents"]
        for slot in intent.get("slots", [])
        if not slot["type"].startswith("AMAZON.") and slot["type"] not in types
    ]
    assert not problems, f"{model_path(locale).name}: " + "; ".join(problems)


def test_every_custom_type_is_used(locale: str, model: dict[str, Any]) -> None:
    used = {slot["type"] for intent in model["intents"] for slot in intent.get("slots", [])}
    unused = sorted(set(custom_types(model)) - used)
    assert not unused, f"{model_path(locale).name}: types {unused} are defined but no slot uses them"


def test_sample_slot_references_are_declared_slots(locale: str, model: dict[str, Any]) -> None:
    problems = []
    for intent in model["intents"]:
        declared = {slot["name"] for slot in intent.get("slots", [])}
        for index, sample in enumerate(intent.get("samples", [])):
            for name in SLOT_REFERENCE.findall(sample):
                if name not in declared:
                    problems.append(f"intents[{intent['name']}].samples[{index}] {sample!r} uses {{{name}}}")
    assert not problems, f"{model_path(locale).name}: undeclared slots: " + "; ".join(problems)


def filled_samples(model: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """Every sample with its slot filled by each value and synonym: (text, intent, slot id)."""
    types = custom_types(model)
    filled: list[tuple[str, str, str | None]] = []
    for intent in model["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            if not SLOT_REFERENCE.search(sample):
                filled.append((normalise(sample), intent["name"], None))
            for text, slot_id in expand(sample, slot_types, types).items():
                filled.append((text, intent["name"], slot_id))
    return filled


@cache
def filled_for(locale: str) -> tuple[tuple[str, str, str | None, frozenset[str]], ...]:
    """The locale's filled samples with their word grams, computed once per test run."""
    return tuple((text, name, slot_id, frozenset(word_grams(text)))
                 for text, name, slot_id in filled_samples(load_language_model(locale)))


def word_grams(text: str) -> set[str]:
    words = normalise(text).split()
    return set(words) | {f"{first} {second}" for first, second in zip(words, words[1:])}


def nearest_sample(phrase: str, locale: str) -> tuple[str, str, str | None]:
    """The filled sample sharing most words and word pairs with the phrase (Dice), ties by order."""
    said = word_grams(phrase)
    text, name, slot_id, _ = max(filled_for(locale),
                                 key=lambda entry: 2 * len(said & entry[3]) / (len(said) + len(entry[3])))
    return text, name, slot_id


def test_custom_intents_have_enough_samples(locale: str, model: dict[str, Any]) -> None:
    thin = [
        f"intents[{name}].samples has {len(intent.get('samples', []))}"
        for name, intent in intents_by_name(model).items()
        if name in CUSTOM_INTENTS
        and len(intent.get("samples", [])) < (MIN_ROUTE_SAMPLES if name in ROUTE_INTENTS else MIN_CUSTOM_SAMPLES)
    ]
    assert not thin, f"{model_path(locale).name}: fewer than {MIN_CUSTOM_SAMPLES} samples: " + "; ".join(thin)


def test_custom_intents_have_distinct_samples_after_expansion(locale: str, model: dict[str, Any]) -> None:
    repeated = [
        name for name, intent in intents_by_name(model).items()
        if len({normalise(sample) for sample in intent.get("samples", [])}) != len(intent.get("samples", []))
    ]
    assert not repeated, f"{model_path(locale).name}: intents with repeated samples {repeated}"


def test_the_model_stays_well_inside_alexas_limits(locale: str, model: dict[str, Any]) -> None:
    where = model_path(locale).name
    samples = [sample for intent in model["intents"] for sample in intent.get("samples", [])]
    assert len(model["intents"]) <= MAX_INTENTS, f"{where}: {len(model['intents'])} intents"
    crowded = {intent["name"]: len(intent.get("samples", [])) for intent in model["intents"]
               if len(intent.get("samples", [])) > MAX_SAMPLES_PER_INTENT}
    assert not crowded, f"{where}: more than {MAX_SAMPLES_PER_INTENT} samples in {crowded}"
    long = [sample for sample in samples if len(sample) > MAX_CHARACTERS_PER_SAMPLE]
    assert not long, f"{where}: samples over {MAX_CHARACTERS_PER_SAMPLE} characters: {long}"
    characters = sum(len(sample) for sample in samples)
    assert characters <= MAX_SAMPLE_CHARACTERS_PER_LOCALE, f"{where}: {characters} characters of samples"
    values = sum(1 + len(value["name"].get("synonyms", []))
                 for slot_type in model.get("types", []) for value in slot_type["values"])
    assert values <= MAX_SLOT_VALUES_PER_LOCALE, f"{where}: {values} slot values and synonyms"


def test_no_custom_sample_is_a_built_in_intents_own_phrase(locale: str, model: dict[str, Any]) -> None:
    taken = [
        f"intents[{intent['name']}] {sample!r}"
        for intent in model["intents"] if not intent["name"].startswith("AMAZON.")
        for sample in intent.get("samples", []) if normalise(sample) in BUILT_IN_PHRASES
    ]
    assert not taken, f"{model_path(locale).name}: samples that belong to a built-in intent: " + "; ".join(taken)


def test_no_sample_is_only_a_slot(locale: str, model: dict[str, Any]) -> None:
    bare = [f"intents[{intent['name']}] {sample!r}" for intent in model["intents"]
            for sample in intent.get("samples", []) if SLOT_REFERENCE.fullmatch(sample.strip())]
    assert not bare, f"{model_path(locale).name}: samples that say nothing but a slot: " + "; ".join(bare)


def test_samples_use_only_allowed_characters(locale: str, model: dict[str, Any]) -> None:
    bad = [
        f"intents[{intent['name']}].samples[{index}] {sample!r}"
        for intent in model["intents"]
        for index, sample in enumerate(intent.get("samples", []))
        if not SAMPLE_PATTERN.fullmatch(sample)
    ]
    assert not bad, (
        f"{model_path(locale).name}: samples may hold only letters, single spaces, apostrophes, "
        "abbreviation periods and {slots} (spell numbers out): " + "; ".join(bad)
    )


def test_slot_values_use_only_allowed_characters(locale: str, model: dict[str, Any]) -> None:
    bad = [
        f"types[{slot_type['name']}].values[{value['id']}] {phrase!r}"
        for slot_type in model.get("types", [])
        for value in slot_type["values"]
        for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]
        if not SLOT_VALUE_PATTERN.fullmatch(phrase)
    ]
    assert not bad, f"{model_path(locale).name}: slot values with disallowed characters: " + "; ".join(bad)


def test_no_utterance_sits_under_two_intents(locale: str, model: dict[str, Any]) -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for intent in model["intents"]:
        for sample in intent.get("samples", []):
            owners[normalise(sample)].append(intent["name"])
    clashes = [f"{text!r} in {' and '.join(names)}" for text, names in owners.items() if len(names) > 1]
    assert not clashes, f"{model_path(locale).name}: utterances listed twice: " + "; ".join(clashes)


def test_no_filled_slot_template_repeats_another_intents_sample(locale: str, model: dict[str, Any]) -> None:
    """A template filled with a synonym that equals another intent's sample leaves Alexa guessing."""
    types = custom_types(model)
    literal_owner = {
        normalise(sample): intent["name"]
        for intent in model["intents"]
        for sample in intent.get("samples", [])
        if not SLOT_REFERENCE.search(sample)
    }
    clashes = []
    for intent in model["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            for filled in expand(sample, slot_types, types):
                owner = literal_owner.get(filled)
                if owner and owner != intent["name"]:
                    clashes.append(f"{filled!r} from {intent['name']} {sample!r} is a sample of {owner}")
    assert not clashes, f"{model_path(locale).name}: " + "; ".join(clashes)


def test_slot_synonyms_resolve_to_one_id(locale: str, model: dict[str, Any]) -> None:
    problems = []
    for slot_type in model.get("types", []):
        ids: dict[str, set[str]] = defaultdict(set)
        for value in slot_type["values"]:
            for phrase in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                ids[normalise(phrase)].add(value["id"])
        problems += [
            f"types[{slot_type['name']}] {phrase!r} under {sorted(found)}"
            for phrase, found in ids.items()
            if len(found) > 1
        ]
    assert not problems, f"{model_path(locale).name}: ambiguous synonyms: " + "; ".join(problems)


def test_symptom_type_ids_match_the_readme(locale: str, model: dict[str, Any]) -> None:
    symptom_type = custom_types(model).get("SymptomType")
    assert symptom_type, f"{model_path(locale).name}: types lacks SymptomType"
    ids = {value["id"] for value in symptom_type["values"]}
    assert ids == SYMPTOM_IDS, (
        f"{model_path(locale).name}: types[SymptomType] ids missing {sorted(SYMPTOM_IDS - ids)}, "
        f"unknown {sorted(ids - SYMPTOM_IDS)}"
    )
    report = intents_by_name(model)["ReportSymptomIntent"]
    assert report.get("slots") == [{"name": "symptom", "type": "SymptomType"}, {"name": "happening", "type": "HappeningType"},
                                   {"name": "person", "type": "PersonType"}], (
        f"{model_path(locale).name}: intents[ReportSymptomIntent].slots must be 'symptom' of SymptomType, "
        "'happening' of HappeningType (her words as a verb) and 'person' of PersonType (who they are about)"
    )


@pytest.mark.parametrize(("phrase", "symptom_id"), MUST_REACH_SYMPTOMS)
def test_report_symptom_reaches_her_words(locale: str, model: dict[str, Any], phrase: str, symptom_id: str) -> None:
    intent = intents_by_name(model)["ReportSymptomIntent"]
    slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    reachable: dict[str, str] = {}
    for sample in intent["samples"]:
        reachable.update(expand(sample, slot_types, custom_types(model)))
    assert normalise(phrase) in reachable, (
        f"{model_path(locale).name}: intents[ReportSymptomIntent] has no template and synonym for {phrase!r}"
    )
    assert reachable[normalise(phrase)] == symptom_id, (
        f"{model_path(locale).name}: {phrase!r} resolves to {reachable[normalise(phrase)]}, not {symptom_id}"
    )


# On a device the skill hears only a carrier's slots, never its own words. So a carrier's words must
# not hold what her sentence means for her safety: a danger ("i'm not safe at home with {person}"),
# her baby as the one it is about ("i think the baby {happening}": who it is about goes in {person}),
# or a denial just before the slot ("i don't think {happening}" sends "i can go on").
CARRIER_BABY = re.compile(r"\b(baby|bub|son|daughter|newborn|little one|he|she)\s+\{")
CARRIER_DENIAL = re.compile(r"\b(not|don't|can't|cannot|isn't|won't|never|no)\s+(\S+\s+)?\{")


def test_a_carrier_keeps_nothing_about_her_safety_outside_its_slots(locale: str, model: dict[str, Any]) -> None:
    faults = []
    for sample in intents_by_name(model)["ReportSymptomIntent"]["samples"]:
        carrier = re.sub(r"\{\w+\}", "this", sample)
        if (route := read_words(carrier).route) in EMERGENCY_ROUTES | BEYOND_THE_BREAST:
            faults.append(f"{sample!r} holds {route}")
        if "{person}" not in sample and CARRIER_BABY.search(sample):
            faults.append(f"{sample!r} names her baby outside {{person}}")
        if CARRIER_DENIAL.search(sample):
            faults.append(f"{sample!r} denies just before a slot")
    assert not faults, f"{model_path(locale).name}: intents[ReportSymptomIntent]: " + "; ".join(faults)


@pytest.mark.parametrize(("market", "phrase", "symptom_id"), LOCAL_SYMPTOM_WORDS)
def test_report_symptom_reaches_her_regional_words(market: str, phrase: str, symptom_id: str) -> None:
    reached = {entry[0]: entry[2] for entry in filled_for(market) if entry[1] == "ReportSymptomIntent"}
    assert reached.get(normalise(phrase)) == symptom_id, (
        f"{market}.json: {phrase!r} does not reach ReportSymptomIntent with {symptom_id}"
    )


def test_situation_slot_is_on_the_intents_that_use_it(locale: str, model: dict[str, Any]) -> None:
    situation = custom_types(model).get("FeedingSituationType")
    assert situation, f"{model_path(locale).name}: types lacks FeedingSituationType"
    ids = {value["id"] for value in situation["values"]}
    assert ids == SITUATION_IDS, f"{model_path(locale).name}: types[FeedingSituationType] ids {sorted(ids)}"
    intents = intents_by_name(model)
    for name in SITUATION_INTENTS:
        assert intents[name].get("slots") == [{"name": "situation", "type": "FeedingSituationType"}], (
            f"{model_path(locale).name}: intents[{name}].slots must be one 'situation' of FeedingSituationType"
        )
    unnamed = [sample for sample in intents["SituationIntent"]["samples"] if "{situation}" not in sample]
    assert not unnamed, f"{model_path(locale).name}: intents[SituationIntent] samples without {{situation}}: {unnamed}"


def test_each_market_speaks_its_own_words(locale: str, model: dict[str, Any]) -> None:
    text = " | ".join(normalise(s) for intent in model["intents"] for s in intent.get("samples", []))

    def words(found: set[str]) -> set[str]:
        return {word for word in found if re.search(rf"(?<![a-z']){re.escape(word)}(?![a-z'])", text)}

    leaked = words(FOREIGN_WORDS[locale])
    assert not leaked, f"{model_path(locale).name}: words from another market {sorted(leaked)}"
    missing = LOCAL_WORDS[locale] - words(LOCAL_WORDS[locale])
    assert not missing, f"{model_path(locale).name}: none of its samples say {sorted(missing)}"


@pytest.mark.parametrize(("phrase", "intent", "slot_id"), BOUNDARIES)
def test_her_words_reach_the_intent_that_answers_them(locale: str, model: dict[str, Any], phrase: str,
                                                     intent: str, slot_id: str | None) -> None:
    assert normalise(phrase) not in {entry[0] for entry in filled_for(locale)}, (
        f"{model_path(locale).name}: {phrase!r} is a sample; keep it held out in interaction_model/grammar/en.toml"
    )
    text, nearest, nearest_slot = nearest_sample(phrase, locale)
    assert (nearest, nearest_slot) == (intent, slot_id), (
        f"{model_path(locale).name}: {phrase!r} is nearest to {text!r} ({nearest} {nearest_slot}), "
        f"not {intent} {slot_id}: add phrasings to {intent} in interaction_model/grammar/en.toml"
    )


def test_all_locales_share_intents_and_symptom_ids() -> None:
    reference = load_language_model(LOCALES[0])
    expected_intents = set(intents_by_name(reference))
    expected_ids = {value["id"] for value in custom_types(reference)["SymptomType"]["values"]}
    for locale in LOCALES[1:]:
        model = load_language_model(locale)
        intents = set(intents_by_name(model))
        assert intents == expected_intents, (
            f"{model_path(locale).name}: intents differ from {LOCALES[0]}: "
            f"missing {sorted(expected_intents - intents)}, extra {sorted(intents - expected_intents)}"
        )
        ids = {value["id"] for value in custom_types(model)["SymptomType"]["values"]}
        assert ids == expected_ids, f"{model_path(locale).name}: types[SymptomType] ids differ from {LOCALES[0]}"


def test_model_files_are_exactly_the_supported_locales() -> None:
    files = {path.stem for path in MODEL_DIR.glob("*.json") if path.name != MANIFEST_PATH.name}
    assert files == set(LOCALES), f"{MODEL_DIR.name}/: locale files {sorted(files)} != {sorted(LOCALES)}"


# The skill manifest.

def test_manifest_locales_match_the_model_files() -> None:
    manifest = load_manifest()
    published = set(manifest["publishingInformation"]["locales"])
    files = {path.stem for path in MODEL_DIR.glob("*.json") if path.name != MANIFEST_PATH.name}
    assert published == files, (
        f"skill.json: publishingInformation.locales {sorted(published)} != model files {sorted(files)}"
    )
    countries = set(manifest["publishingInformation"]["distributionCountries"])
    expected = {DISTRIBUTION_COUNTRY[locale] for locale in published}
    assert countries == expected, f"skill.json: publishingInformation.distributionCountries {sorted(countries)}"
    assert manifest["publishingInformation"]["isAvailableWorldwide"] is False, (
        "skill.json: publishingInformation.isAvailableWorldwide must be false with distributionCountries"
    )


def test_example_phrases_are_sample_utterances(locale: str, model: dict[str, Any]) -> None:
    entry = load_manifest()["publishingInformation"]["locales"][locale]
    phrases = entry["examplePhrases"]
    key = f"skill.json: publishingInformation.locales.{locale}.examplePhrases"
    assert 1 <= len(phrases) <= 3, f"{key} must hold one to three phrases"
    samples = {normalise(s) for intent in model["intents"] for s in intent.get("samples", [])}
    for phrase in phrases:
        spoken = normalise(phrase).rstrip(".")
        prefix = next((p for p in EXAMPLE_PREFIXES if spoken.startswith(p)), None)
        assert prefix, f"{key}: {phrase!r} must start with one of {EXAMPLE_PREFIXES}"
        rest = spoken[len(prefix):].strip()
        if prefix.startswith("alexa, open"):
            assert rest == "", f"{key}: {phrase!r} must end after the invocation name"
        else:
            assert rest in samples, f"{key}: {rest!r} is not a sample utterance in {model_path(locale).name}"


def test_description_says_it_is_not_medical_advice(locale: str) -> None:
    entry = load_manifest()["publishingInformation"]["locales"][locale]
    key = f"skill.json: publishingInformation.locales.{locale}.description"
    description = entry["description"]
    assert "not a substitute for professional medical advice" in description, (
        f"{key} must say it is not a substitute for professional medical advice"
    )
    assert re.search(rf"\b{EMERGENCY_NUMBERS[locale]}\b", description), (
        f"{key} must name the emergency number {EMERGENCY_NUMBERS[locale]}"
    )
    assert entry["name"] == "Lump Relief Guide", f"skill.json: publishingInformation.locales.{locale}.name"
    for field in ("summary", "keywords"):
        assert entry.get(field), f"skill.json: publishingInformation.locales.{locale}.{field} is empty"


def test_manifest_declares_the_custom_skill_interfaces() -> None:
    manifest = load_manifest()
    assert manifest["manifestVersion"] == "1.0", "skill.json: manifestVersion"
    custom = manifest["apis"]["custom"]
    assert custom["endpoint"]["uri"].startswith("https://"), "skill.json: apis.custom.endpoint.uri must be https"
    assert custom["endpoint"]["sslCertificateType"] == "Trusted", "skill.json: apis.custom.endpoint.sslCertificateType"
    interfaces = {interface["type"]: interface for interface in custom["interfaces"]}
    assert "CAN_FULFILL_INTENT_REQUEST" in interfaces, "skill.json: apis.custom.interfaces lacks CAN_FULFILL_INTENT_REQUEST"
    apl = interfaces.get("ALEXA_PRESENTATION_APL")
    assert apl and apl.get("supportedViewports"), "skill.json: apis.custom.interfaces ALEXA_PRESENTATION_APL needs supportedViewports"


def test_manifest_privacy_answers_are_set() -> None:
    privacy = load_manifest()["privacyAndCompliance"]
    expected = {
        "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
        "isExportCompliant": True, "containsAds": False,
    }
    wrong = {key: privacy.get(key) for key, value in expected.items() if privacy.get(key) is not value}
    assert not wrong, f"skill.json: privacyAndCompliance {wrong} differ from {expected}"
