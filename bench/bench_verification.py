"""Measure what request verification costs per request, so a regression in the hot path shows up as a number.

Run: .venv/bin/python bench/bench_verification.py [--requests 5000]
Uses the test PKI from tests/signing.py; nothing touches the network.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.envelopes import Session, now_timestamp  # noqa: E402 - needs the repo root on sys.path
from skill.verification.chain import validated_signing_key  # noqa: E402
from tests.signing import TestPKI  # noqa: E402

SKILL_ID = "amzn1.ask.skill.lump-relief-guide-bench"
TIME_BUDGET_SECONDS = 8.0  # per scenario, so the whole run stays well under 30 s


def timings(call: Callable[[], object], runs: int) -> list[float]:
    """Time `runs` calls (fewer if the budget runs out), in microseconds each."""
    samples: list[float] = []
    budget_ends = time.perf_counter() + TIME_BUDGET_SECONDS
    for _ in range(runs):
        started = time.perf_counter()
        call()
        finished = time.perf_counter()
        samples.append((finished - started) * 1e6)
        if finished > budget_ends:
            break
    return samples


def row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{name:<44} {len(samples):>6} {statistics.fmean(samples):>10.1f} {p50:>10.1f} {p99:>10.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="verify() calls per scenario")
    runs = parser.parse_args().requests

    pki = TestPKI()
    envelope = Session(application_id=SKILL_ID).intent("AMAZON.HelpIntent")
    envelope["request"]["timestamp"] = now_timestamp(pki.now)
    body = json.dumps(envelope).encode()
    headers = pki.sign_headers(body)

    full = pki.verifier(skill_ids=frozenset({SKILL_ID}))
    full.verify(headers, body)  # warm the chain cache: one download, one validation
    unsigned = pki.verifier(skill_ids=frozenset({SKILL_ID}), check_signature=False)

    print(f"request body: {len(body)} bytes; RSA 2048 signing key; times in microseconds")
    print(f"{'scenario':<44} {'runs':>6} {'mean':>10} {'p50':>10} {'p99':>10}")
    print(row("full verification, warm chain cache", timings(lambda: full.verify(headers, body), runs)))
    print(row("check_signature=False (JSON + app id)", timings(lambda: unsigned.verify({}, body), runs)))
    print(row("cache miss: chain validation (no download)",
              timings(lambda: validated_signing_key(pki.chain_pem, store=pki.store, now=pki.now), max(1, runs // 10))))
    assert len(pki.fetcher.calls) == 1, "the warm runs must not download again"


if __name__ == "__main__":
    main()
