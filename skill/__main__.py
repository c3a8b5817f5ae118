"""python -m skill serve | console | package: the service's command line."""
from __future__ import annotations

import sys

USAGE = """usage: python -m skill COMMAND [options]

commands:
  serve     start the production server (granian, or gunicorn) with the repo's configuration
  console   talk to the skill by typing; --say "..." answers one utterance
  package   write an ASK CLI skill-package/ for a given --endpoint
  nlu-report  how well the labelled phrasings in tests/nlu/ are understood, per locale and intent
"""


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "serve":
        from skill.serving import main as serve
        return serve(rest)
    if command == "console":
        from skill.console import main as console
        return console(rest)
    if command == "package":
        from skill.packaging import main as package
        return package(rest)
    if command == "nlu-report":
        from skill.nlu_report import main as nlu_report
        return nlu_report(rest)
    print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
