"""Measure what understanding costs: fitting the matcher at console start-up, and one utterance.

Targets (issue 10): start-up (fit) under 1 s per locale; one utterance under 5 ms. The danger reader
rows show a slot's words cost time linear in their length, up to the 128 KB body a request may carry.
Run: .venv/bin/python bench/bench_understanding.py [--fits 5]
The "grown" rows fit a copy of each model padded to --grow-to samples per custom intent (the
samples again with filler words), to show what a model of that size will cost before it exists.
"""
from __future__ import annotations

import argparse
import copy
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.understanding.report import LOCALES, read_labelled  # noqa: E402 - needs the repo root on sys.path
from skill.understanding.danger import read_words  # noqa: E402
from skill.understanding.matcher import Understanding, load_model  # noqa: E402

FILLERS = ("um", "so", "okay", "please", "sorry", "i was wondering", "can you tell me", "right", "erm", "hey")


def grown(model: dict[str, Any], per_intent: int) -> dict[str, Any]:
    """The model with each custom intent padded to `per_intent` distinct samples."""
    bigger = copy.deepcopy(model)
    for intent in bigger["interactionModel"]["languageModel"]["intents"]:
        samples = intent.get("samples", [])
        if intent["name"].startswith("AMAZON.") or not samples:
            continue
        padded = dict.fromkeys(samples)
        for filler, sample in itertools.product(FILLERS, samples):
            if len(padded) >= per_intent:
                break
            padded.setdefault(f"{filler} {sample}")
        intent["samples"] = list(padded)
    return bigger


def fit_seconds(model: dict[str, Any], fits: int) -> tuple[list[float], Understanding]:
    times, understanding = [], None
    for _ in range(fits):
        started = time.perf_counter()
        understanding = Understanding(model)
        times.append(time.perf_counter() - started)
    assert understanding is not None
    return times, understanding


def utterance_ms(understanding: Understanding, phrases: list[str], rounds: int = 3) -> list[float]:
    samples = []
    for _, phrase in itertools.product(range(rounds), phrases):
        started = time.perf_counter()
        understanding.understand(phrase)
        samples.append((time.perf_counter() - started) * 1e3)
    return samples


def danger_reader_ms(size: int, rounds: int = 5) -> list[float]:
    """One slot of `size` characters of ordinary words, a crisis at its very end, read for danger."""
    filler = "my lump is sore and a bit hard and "
    words = (filler * (size // len(filler) + 1))[:size - 30] + " i want to end my life"
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert read_words(words).route == "crisis"
        samples.append((time.perf_counter() - started) * 1e3)
    return samples


def fresh_process_seconds(arguments: list[str], runs: int) -> list[float]:
    """Wall time of a new Python process: what she waits for when the console starts."""
    root = Path(__file__).resolve().parents[1]
    times = []
    with tempfile.TemporaryDirectory() as store:
        env = {**os.environ, "SKILL_STORE": f"sqlite:///{store}/bench.db"}
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, *arguments], cwd=root, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def row(name: str, values: list[float], unit: str) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{name:<34} {len(values):>6} {statistics.fmean(values):>9.2f} {ordered[len(ordered) // 2]:>9.2f} "
            f"{p99:>9.2f} {ordered[-1]:>9.2f}  {unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=5, help="fits per locale")
    parser.add_argument("--grow-to", type=int, default=150, help="samples per custom intent in the grown rows")
    options = parser.parse_args()
    print(f"{'scenario':<34} {'runs':>6} {'mean':>9} {'p50':>9} {'p99':>9} {'max':>9}")
    print(row("import skill.understanding.matcher", fresh_process_seconds(["-c", "import skill.understanding.matcher"], 3), "s"))
    print(row("console --say, whole process", fresh_process_seconds(
        ["-m", "skill", "console", "--say", "my boob has gone hard what do i do"], 3), "s"))
    read_words("warm up the danger words")
    for size in (100, 10_000, 128 * 1024):
        print(row(f"danger reader, {size:,}-char slot", danger_reader_ms(size), "ms"))
    for locale in LOCALES:
        model = load_model(locale)
        fits, understanding = fit_seconds(model, options.fits)
        print(row(f"{locale} fit ({len(understanding.phrases)} phrases)", fits, "s"))
        grown_fits, grown_understanding = fit_seconds(grown(model, options.grow_to), options.fits)
        print(row(f"{locale} fit, grown to {options.grow_to}/intent", grown_fits, "s"))
        phrases = [phrase.utterance for phrase in read_labelled(locale)]
        print(row(f"{locale} one utterance", utterance_ms(understanding, phrases), "ms"))
        print(row(f"{locale} one utterance, grown", utterance_ms(grown_understanding, phrases), "ms"))


if __name__ == "__main__":
    main()
