"""`python -m skill models`: the committed models are exactly what the grammar gives, and a broken
grammar stops the command with a message that names what to fix."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.understanding.grammar import GrammarError
from skill.understanding.models import GRAMMAR_DIR, LOCALES, MODEL_DIR, build_model, render, stale_models

ROOT = Path(__file__).resolve().parent.parent

TINY_BASE = """
invocation_name = "lump relief guide"
[macros]
breast = "(breast|boob)"
[intents.RelieveLumpIntent]
samples = ["how do i (ease|clear) a lump in my <breast>"]
[intents.ReportSymptomIntent]
slots = { symptom = "SymptomType" }
samples = ["i have {symptom}"]
[types.SymptomType.FEVER]
value = "a fever"
synonyms = ["(a|) temperature"]
"""


def tiny_grammar(tmp_path: Path, base: str = TINY_BASE, **locale_files: str) -> Path:
    folder = tmp_path / "grammar"
    folder.mkdir()
    (folder / "en.toml").write_text(base, encoding="utf-8")
    for name, text in locale_files.items():
        (folder / f"{name.replace('_', '-')}.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("locale", LOCALES)
def test_the_committed_model_is_what_the_grammar_gives(locale: str) -> None:
    committed = (MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8")
    assert committed == render(locale), (
        f"interaction_model/{locale}.json differs from interaction_model/grammar/: run python -m skill models"
    )


def test_the_check_command_passes_on_the_committed_models() -> None:
    result = subprocess.run([sys.executable, "-m", "skill", "models", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_check_names_a_model_edited_by_hand(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for locale in LOCALES:
        (models / f"{locale}.json").write_text(render(locale), encoding="utf-8")
    assert stale_models(models, GRAMMAR_DIR) == []
    edited = models / "en-GB.json"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"how do i relieve a hard lump"',
                                                                 '"how do i relieve a lump"'), encoding="utf-8")
    assert stale_models(models, GRAMMAR_DIR) == ["en-GB.json"]


def test_a_tiny_grammar_expands_into_an_ask_model(tmp_path: Path) -> None:
    folder = tiny_grammar(tmp_path, en_GB='[macros]\nbreast = "(breast|boob|bosom)"\n')
    model = build_model("en-GB", folder)["interactionModel"]["languageModel"]
    intents = {intent["name"]: intent for intent in model["intents"]}
    assert model["invocationName"] == "lump relief guide"
    assert len(intents["RelieveLumpIntent"]["samples"]) == 6
    assert "how do i clear a lump in my bosom" in intents["RelieveLumpIntent"]["samples"]
    assert intents["ReportSymptomIntent"]["slots"] == [{"name": "symptom", "type": "SymptomType"}]
    assert model["types"] == [{"name": "SymptomType", "values": [
        {"id": "FEVER", "name": {"value": "a fever", "synonyms": ["a temperature", "temperature"]}}]}]


@pytest.mark.parametrize(("extra", "fault"), [
    ('[intents.WalkStepsIntent]\nsamples = ["how do i ease a lump in my breast"]\n',
     "is a sample of both RelieveLumpIntent and WalkStepsIntent"),
    ('[intents.SymptomCheckIntent]\nsamples = ["i have a temperature"]\n',
     "ReportSymptomIntent 'i have {symptom}' with 'a temperature' is a sample of SymptomCheckIntent"),
    ('[intents.WalkStepsIntent]\nsamples = ["(next|walk me through it)"]\n', "a built-in intent's own phrase"),
    ('[intents.WalkStepsIntent]\nsamples = ["take me through step {number}"]\n', "slot not declared"),
])
def test_a_clash_stops_the_build_and_names_both_sides(tmp_path: Path, extra: str, fault: str) -> None:
    folder = tiny_grammar(tmp_path, TINY_BASE + extra)
    with pytest.raises(GrammarError, match=re.escape(fault)):
        build_model("en-US", folder)


def test_a_locale_file_may_only_change_what_the_base_has(tmp_path: Path) -> None:
    folder = tiny_grammar(tmp_path, en_AU='[macros]\nbub = "(bub|bubba)"\n')
    with pytest.raises(GrammarError, match=r"en-AU.toml: macros \['bub'\]"):
        build_model("en-AU", folder)


def test_a_held_out_phrase_is_never_a_sample(tmp_path: Path) -> None:
    folder = tiny_grammar(tmp_path, 'held_out = ["how do i ease a lump in my boob"]\n' + TINY_BASE)
    samples = build_model("en-US", folder)["interactionModel"]["languageModel"]["intents"][0]["samples"]
    assert "how do i ease a lump in my boob" not in samples
    assert len(samples) == 3


def repo_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "skill", copy / "skill", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(MODEL_DIR, copy / "interaction_model")
    return copy


def test_the_check_command_fails_naming_a_model_edited_by_hand(tmp_path: Path) -> None:
    copy = repo_copy(tmp_path)
    edited = copy / "interaction_model" / "en-AU.json"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"step by step"', '"steps by steps"'),
                      encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "skill", "models", "--check"], cwd=copy,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == ("interaction_model/en-AU.json differs from the grammar: "
                                     "run python -m skill models")


def test_the_command_writes_nothing_and_fails_on_a_grammar_error(tmp_path: Path) -> None:
    copy = repo_copy(tmp_path)
    base = copy / "interaction_model" / "grammar" / "en.toml"
    base.write_text(base.read_text(encoding="utf-8").replace('"step by step",', '"step by step", "(stop",', 1),
                    encoding="utf-8")
    before = (copy / "interaction_model" / "en-US.json").read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "skill", "models"], cwd=copy,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "grammar error" in result.stderr and "missing ')'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (copy / "interaction_model" / "en-US.json").read_text(encoding="utf-8") == before
