"""Score the held-out sets' dev halves as a device hears them, and list the misses.

    .venv/bin/python -m tests.safety.score_dev [--misses] [--set heldout|heldout27|both|safety|reader]

Only the dev half is ever read for misses (tests/safety/heldout/README.md); the test half is scored
by the suite alone (`test_device_safety`, `test_beyond_the_breast`) and nobody tunes to it. Run this
before and after a grammar or danger-word change: a change is kept only if the dev figures hold.
`--set safety` plays tests/safety/ (said once, in its own context) for a quick look at what
`test_safety` holds from every state. `--set reader` reads the slot words of tests/safety/reader/dev.tsv
with the danger reader alone (no model): run it before and after a change to danger_words.toml.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from skill.app import create_app
from skill.understanding.matcher import Understood, understanding_for
from skill.verification import RequestVerifier
from tests import test_beyond_the_breast as beyond
from tests import test_danger_reader as reader
from tests import test_device_safety as device
from tests.conftest import Alexa
from tests.test_safety import CONTEXTS, DANGER, LOCALES, heard_in, pending_in, route_heard, statements


def sent(understood: Understood) -> str:
    """What Alexa sent, for a miss's line: the intent and the words in its slots."""
    return f"{understood.intent} {({name: slot.get('value') for name, slot in understood.slots.items()})}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print each dev statement that missed")
    parser.add_argument("--set", choices=("heldout", "heldout27", "both", "safety", "reader"), default="both")
    parser.add_argument("--half", choices=("dev", "test"), default="dev", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="score-dev-"))

    def make_app():
        return create_app({"SKILL_STORE": f"sqlite:///{directory / 'skill.db'}", "TESTING": True,
                           "VERIFIER": RequestVerifier(check_signature=False), "LOG_LEVEL": "ERROR"})

    right, total, misses = Counter(), Counter(), []
    if options.set == "reader":
        for row, heard, group, ok in reader.reader_played(options.half):
            total["reader:" + group] += 1
            right["reader:" + group] += ok
            if not ok:
                misses.append(("-", "reader:" + group, row["route"], row["words"], "the reader alone", str(heard), ""))
    for locale in () if options.set == "reader" else LOCALES:
        alexa = Alexa(make_app, locale=locale)
        if options.set in ("heldout", "both"):
            for row, understood, turn, heard in device.played(alexa, options.half):
                ok = device.reaches_help(row, heard)
                for key in {row.group, row.route}:  # danger, and crisis and emergency apart
                    total[key] += 1
                    right[key] += ok
                if not ok:
                    misses.append((locale, row.group, row.context, row.utterance, sent(understood), heard, turn.speech))
        if options.set in ("heldout27", "both"):
            for row, understood, turn in beyond.played(alexa, options.half):
                ok = beyond.reached(row, turn, locale)
                group = "27:" + row["route"]
                for key in (group, "27:overall", *(("27:now",) if row["route"] in beyond.NOW else ())):
                    total[key] += 1
                    right[key] += ok
                if not ok:
                    misses.append((locale, group, row["context"], row["utterance"], sent(understood), "", turn.speech))
        if options.set == "safety":
            understanding = understanding_for(locale)
            for statement in statements(locale):
                state = CONTEXTS.get(statement.context) if statement.context else None
                understood = understanding.understand(statement.utterance, pending_in(state))
                turn = heard_in(alexa, understood, state)
                heard = route_heard(turn, locale)
                group = "safety:" + ("danger" if statement.route in DANGER else "other")
                total[group] += 1
                right[group] += heard == statement.route
                if heard != statement.route:
                    misses.append((locale, group, statement.context or "none", statement.utterance, sent(understood),
                                   f"{heard}, not {statement.route}", turn.speech))
    if options.misses:
        for locale, group, context, utterance, by, heard, speech in sorted(misses, key=lambda m: (m[1], m[0])):
            print(f"{group:20} {locale} {context:8} {utterance!r}\n    -> {by} [{heard}] {speech[:90]!r}")
    for key in sorted(total):
        print(f"{key:22} {right[key]:4}/{total[key]:<4} {right[key] / total[key]:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
