"""How long `python -m skill console --say ...` takes to answer, with no fitted matcher cached and then with one.

The first start fits the matcher and writes it to .cache/matcher/ (keyed by the model and the
matcher's code); the second loads it. Each start is a fresh process, as when she types the command.
Run: .venv/bin/python bench/bench_console_start.py [--locale en-GB] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "matcher"


def start(locale: str, store: str) -> float:
    """Seconds from process start to the answer of one --say."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "skill", "console", "--locale", locale, "--say", "how do i ease a hard lump"],
                   cwd=ROOT, check=True, capture_output=True, env={**os.environ, "SKILL_STORE": store})
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--locale", default="en-US")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    first, second = [], []
    with tempfile.TemporaryDirectory() as scratch:
        store = f"sqlite:///{scratch}/bench.db"
        for _ in range(options.runs):
            shutil.rmtree(CACHE, ignore_errors=True)
            first.append(start(options.locale, store))
            second.append(start(options.locale, store))
    print(f"console --say, {options.locale}, {options.runs} runs (median, min-max)")
    print(f"  first start (fits, writes the cache): {statistics.median(first):.2f} s ({min(first):.2f}-{max(first):.2f})")
    print(f"  second start (loads the cache):       {statistics.median(second):.2f} s ({min(second):.2f}-{max(second):.2f})")


if __name__ == "__main__":
    main()
