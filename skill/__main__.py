"""python -m skill serve | console | package | lambda | models | nlu-report: the service's command line."""
from __future__ import annotations

import importlib
import sys

USAGE = """usage: python -m skill COMMAND [options]

commands:
  serve       start the production server (granian, or gunicorn) with the repo's configuration
  console     talk to the skill by typing; --say "..." answers one utterance
  package     write an ASK CLI project for an --endpoint, a --lambda-arn, or --cloudformation (ask deploy
              creates the function, table and trigger in each Alexa region)
  lambda      build dist/lambda.zip for AWS Lambda (python3.11, x86_64) and check it against Lambda's limits
  models      expand interaction_model/grammar/ into the five models; --check fails if one is stale
  nlu-report  how well the labelled phrasings in tests/nlu/ are understood, per locale and intent
  nlu-gate    before certification: crisis and emergency statements through Amazon's NLU (ask smapi profile-nlu)
"""
# Each command's module, imported only when asked for, so `serve` never loads scikit-learn.
COMMANDS = {
    "serve": "skill.web.serving",
    "console": "skill.console",
    "package": "skill.publishing.package",
    "lambda": "skill.publishing.lambda_zip",
    "models": "skill.understanding.models",
    "nlu-report": "skill.console:nlu_report",  # drives the real skill to score answers in context
    "nlu-gate": "skill.publishing.nlu_gate",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    module, _, function = COMMANDS[command].partition(":")
    entry = getattr(importlib.import_module(module), function or "main")
    if command == "package":  # the static pages come from the web layer, which publishing must not import
        from skill.web.pages import load_pages
        return entry(rest, pages=load_pages().rendered)
    return entry(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
