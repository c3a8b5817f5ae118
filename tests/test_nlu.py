"""She is understood in her own words: the labelled phrasings in tests/nlu/ against the console's matcher.

The phrasings are written apart from the samples, so accuracy here is the matcher generalising,
not looking up. `python -m skill nlu-report` prints the same figures per intent.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.understanding import report as nlu_report
from skill.understanding.report import LOCALES, LabelledSetError, evaluate, read_labelled
from skill.understanding.matcher import FALLBACK, Understanding, understanding_for

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {"en-US": 300, "en-GB": 100, "en-CA": 100, "en-AU": 100, "en-IN": 100}
ACCURACY_FLOOR = 0.90

# The contract's intents and slot ids (CONTRACT.md), whatever today's models hold.
CUSTOM_INTENTS = {
    "RelieveLumpIntent", "WalkStepsIntent", "FoodIntent", "MassageIntent", "HygieneIntent", "SeeDoctorIntent",
    "WhyLumpsIntent", "RisksIntent", "ReassuranceIntent", "WeaningIntent", "SymptomCheckIntent",
    "ReportSymptomIntent", "ForgetMeIntent", "KeepFeedingIntent", "BabyRefusesIntent", "PainReliefIntent",
    "HeatColdIntent", "HowLongIntent", "BreastChangesIntent", "NipplePainIntent", "PumpingIntent",
    "FeelingLowIntent", "SituationIntent", "NotSureIntent",
    "RemindMeIntent", "CancelReminderIntent", "ListRemindersIntent",  # the follow-through (issue 21)
}
BUILT_INS_SHE_USES = {
    "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.StopIntent",
    "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.HelpIntent",
}
OTHER_BUILT_INS = {"AMAZON.CancelIntent", "AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent", FALLBACK}
SYMPTOM_IDS = {"EMERGENCY", "FEVER", "CHILLS", "FLU_LIKE", "REDNESS", "PUS", "NOT_IMPROVING",
               "BREAST_CHANGE", "LASTING", "AFTER_WEANING", "FIRM_FIXED", "LUMP"}
SITUATION_IDS = {"FEEDING", "PUMPING", "WEANING"}
SLOT_IDS_BY_INTENT = {
    "ReportSymptomIntent": SYMPTOM_IDS,
    "RelieveLumpIntent": SITUATION_IDS, "WalkStepsIntent": SITUATION_IDS, "MassageIntent": SITUATION_IDS,
    "SituationIntent": SITUATION_IDS,
}


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_has_enough_labelled_phrasings(locale: str) -> None:
    assert len(read_labelled(locale)) >= REQUIRED[locale], f"tests/nlu/{locale}.tsv needs {REQUIRED[locale]} rows"


@pytest.mark.parametrize("locale", LOCALES)
def test_labelled_phrasings_name_only_contract_intents_and_slot_ids(locale: str) -> None:
    known = CUSTOM_INTENTS | BUILT_INS_SHE_USES | OTHER_BUILT_INS
    for phrase in read_labelled(locale):
        where = f"tests/nlu/{locale}.tsv:{phrase.line}"
        assert phrase.intent in known, f"{where}: unknown intent {phrase.intent}"
        if phrase.slot_id:
            assert phrase.slot_id in SLOT_IDS_BY_INTENT.get(phrase.intent, set()), (
                f"{where}: {phrase.intent} has no slot value {phrase.slot_id}")
        assert phrase.intent != "SituationIntent" or phrase.slot_id, f"{where}: SituationIntent needs its situation"


@pytest.mark.parametrize("locale", LOCALES)
def test_labelled_phrasings_cover_every_intent_and_slot_id(locale: str) -> None:
    phrases = read_labelled(locale)
    missing_intents = (CUSTOM_INTENTS | BUILT_INS_SHE_USES) - {p.intent for p in phrases}
    missing_ids = (SYMPTOM_IDS | SITUATION_IDS) - {p.slot_id for p in phrases}
    assert not missing_intents and not missing_ids, f"tests/nlu/{locale}.tsv lacks {missing_intents or missing_ids}"


@pytest.mark.parametrize("locale", LOCALES)
def test_labelled_phrasings_are_speech_not_text(locale: str) -> None:
    """Alexa transcribes numbers as words and sends no punctuation but apostrophes."""
    for phrase in read_labelled(locale):
        assert all(c.islower() or c in " '" for c in phrase.utterance), (
            f"tests/nlu/{locale}.tsv:{phrase.line}: {phrase.utterance!r} is not lower-case words")


@pytest.mark.parametrize("locale", LOCALES)
def test_no_labelled_phrasing_is_also_a_sample(locale: str) -> None:
    """A phrasing that is a sample measures lookup, not understanding: reword it or drop the sample."""
    understanding = understanding_for(locale)
    samples = [f"tests/nlu/{locale}.tsv:{p.line} {p.utterance!r}" for p in read_labelled(locale)
               if understanding.is_sample(p.utterance)]
    assert not samples, f"also samples in interaction_model/{locale}.json: {samples}"


@pytest.mark.parametrize("locale", LOCALES)
def test_her_own_words_reach_the_right_intent_nine_times_in_ten(locale: str) -> None:
    accuracy = evaluate(locale).accuracy
    assert accuracy >= ACCURACY_FLOOR, (
        f"{locale}: {accuracy:.1%} of tests/nlu/{locale}.tsv understood; "
        f"see `python -m skill nlu-report --locale {locale}`")


@pytest.mark.parametrize("words", ["what's the weather", "play some music", "what is the capital of peru",
                                   "turn off the lights in the hallway", ""])
@pytest.mark.parametrize("locale", LOCALES)
def test_off_topic_words_get_the_fallback(locale: str, words: str) -> None:
    assert understanding_for(locale).understand(words).intent == FALLBACK


@pytest.mark.parametrize(("words", "symptom"), [
    ("i think i'm running a high temperature", "FEVER"),
    ("honestly the whole breast is red and swollen now", "REDNESS"),
    ("i keep shivering under the duvet", "CHILLS"),
])
def test_slot_filling_gives_the_id_of_the_warning_sign_she_names(words: str, symptom: str) -> None:
    understood = understanding_for("en-GB").understand(words)
    assert understood.intent == "ReportSymptomIntent"
    assert understood.slots["symptom"]["id"] == symptom


def tiny_model(samples: dict[str, list[str]], slots: dict[str, dict[str, str]],
               types: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """A hand-made interaction model: intents with samples and slots, types with values and synonyms."""
    intents = [{"name": name, "samples": said,
                "slots": [{"name": slot, "type": kind} for slot, kind in slots.get(name, {}).items()]}
               for name, said in samples.items()]
    values = [{"name": kind, "values": [{"id": value_id, "name": {"value": words[0], "synonyms": words[1:]}}
                                        for value_id, words in ids.items()]} for kind, ids in types.items()]
    return {"interactionModel": {"languageModel": {"invocationName": "test", "intents": intents, "types": values}}}


def test_slots_are_filled_at_any_position_and_for_two_slot_types_longest_words_first() -> None:
    model = tiny_model(
        samples={
            "ReliefIntent": ["while {situation} how do i ease {lump}", "how do i ease {lump} while {situation}",
                             "{lump} and i am {situation} what now", "what helps {lump}"],
            "FoodIntent": ["what should i eat", "what should i drink", "is coffee okay", "foods that help"],
        },
        slots={"ReliefIntent": {"lump": "LumpType", "situation": "SituationType"}},
        types={"LumpType": {"LUMP": ["a lump", "a hard lump", "a knot"], "BLOCKED": ["a blocked duct"]},
               "SituationType": {"FEEDING": ["feeding", "still feeding"], "WEANING": ["weaning", "stopped feeding"]}},
    )
    understood = Understanding(model).understand("so i've stopped feeding and how can i ease a hard lump please")
    assert understood.intent == "ReliefIntent"
    assert understood.slots == {"situation": {"value": "stopped feeding", "id": "WEANING"},
                                "lump": {"value": "a hard lump", "id": "LUMP"}}


def test_a_sample_is_understood_exactly_with_its_slot() -> None:
    understood = understanding_for("en-US").understand("I feel very unwell and confused")
    assert understood.intent == "ReportSymptomIntent" and understood.slots["symptom"]["id"] == "EMERGENCY"


def test_a_malformed_labelled_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "en-US.tsv").write_text("utterance\tintent\tslot_id\n# fine\nwhat is mastitis RisksIntent\n")
    with pytest.raises(LabelledSetError, match=r"en-US.tsv:3: expected utterance <tab> intent <tab> slot id"):
        read_labelled("en-US", tmp_path)


def run_report(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skill", "nlu-report", *arguments], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


def test_nlu_report_prints_accuracy_per_intent_and_the_confused_pairs() -> None:
    result = run_report("--locale", "en-GB")
    assert result.returncode == 0, result.stderr
    assert "== en-GB" in result.stdout and "intent accuracy" in result.stdout and "slot-id accuracy" in result.stdout
    assert "  RelieveLumpIntent " in result.stdout and "  AMAZON.NextIntent " in result.stdout
    evaluation = evaluate("en-GB")
    if evaluation.confusions():
        assert "most confused (expected -> got):" in result.stdout


def test_nlu_report_writes_an_ask_dialog_replay_file(tmp_path: Path) -> None:
    out = tmp_path / "replay.json"
    result = run_report("--locale", "en-AU", "--replay-file", str(out), "--skill-id", "amzn1.ask.skill.test")
    assert result.returncode == 0, result.stderr
    replay = json.loads(out.read_text())
    assert replay["skillId"] == "amzn1.ask.skill.test" and replay["locale"] == "en-AU" and replay["type"] == "text"
    custom = [p for p in read_labelled("en-AU") if not p.intent.startswith("AMAZON.")]
    assert len(replay["userInput"]) == len(custom)
    assert replay["userInput"][0] == f"ask lump relief guide {custom[0].utterance}"


@pytest.mark.parametrize("arguments", [("--locale", "xx-XX"), ("--replay-file", "out.json", "--skill-id", "s")])
def test_nlu_report_refuses_bad_arguments_in_one_line(arguments: tuple[str, ...], tmp_path: Path) -> None:
    result = run_report(*arguments, SKILL_ID="")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "invalid choice: 'xx-XX'" in result.stderr or "needs exactly one --locale" in result.stderr


def test_nlu_report_names_a_missing_labelled_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert nlu_report.main(["--locale", "en-IN", "--labelled-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "en-IN.tsv" in error and len(error.strip().splitlines()) == 1

