"""The console starts without fitting again: the fitted matcher is cached on disk, keyed by its model.

A second start loads what the first fitted; a cache that is corrupt, or was fitted on another model,
is ignored and fitted again (issue 18, from 20).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.understanding import matcher
from skill.understanding.matcher import Understanding, understanding_for

MODEL = {"interactionModel": {"languageModel": {"invocationName": "test", "types": [], "intents": [
    {"name": "MassageIntent", "samples": ["can i massage it", "how hard should i rub", "should i rub the lump"]},
    {"name": "FoodIntent", "samples": ["what should i eat", "do i need to change my diet", "what should i drink"]},
    {"name": "AMAZON.StopIntent", "samples": []},
]}}}


def start(model_dir: Path, cache_dir: Path) -> Understanding:
    """One console start: no in-process memory, only what is on disk."""
    return understanding_for.__wrapped__("en-US", model_dir, cache_dir)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    (tmp_path / "en-US.json").write_text(json.dumps(MODEL))
    return tmp_path


def refuse_to_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    def fit(self: Understanding, model: dict) -> None:
        raise AssertionError("fitted again")
    monkeypatch.setattr(Understanding, "__init__", fit)


def test_a_second_start_loads_the_fitted_matcher_instead_of_fitting(model_dir: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    first = start(model_dir, cache_dir)
    refuse_to_fit(monkeypatch)
    second = start(model_dir, cache_dir)
    assert second.understand("bye").intent == first.understand("bye").intent == "AMAZON.StopIntent"
    assert second.understand("how firmly do i rub").intent == "MassageIntent"


def test_a_corrupt_cache_is_fitted_again_and_rewritten(model_dir: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    start(model_dir, cache_dir)
    [cached] = cache_dir.glob("*.pickle")
    cached.write_bytes(b"not a pickle at all")
    assert start(model_dir, cache_dir).understand("what should i eat").intent == "FoodIntent"
    assert cached.read_bytes() != b"not a pickle at all"


def test_a_cache_of_another_model_is_not_used(model_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    start(model_dir, cache_dir)
    changed = json.loads(json.dumps(MODEL))
    changed["interactionModel"]["languageModel"]["intents"][1]["samples"].append("can i eat normally")
    (model_dir / "en-US.json").write_text(json.dumps(changed))
    assert start(model_dir, cache_dir).is_sample("can i eat normally")
    assert len(list(cache_dir.glob("*.pickle"))) == 1  # the stale fit is gone


def test_the_cache_key_follows_the_model_and_the_matcher_code() -> None:
    assert matcher.cache_key(b"{}") != matcher.cache_key(b"{ }")
    assert len(matcher.cache_key(b"{}")) == 24


def test_the_cache_folder_is_ignored_by_git() -> None:
    ignored = (Path(__file__).resolve().parents[1] / ".gitignore").read_text().split()
    assert ".cache/" in ignored
