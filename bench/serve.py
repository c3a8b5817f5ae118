"""Serve a benchmark app through skill.web.serving with exactly the production settings.

python bench/serve.py MODULE:FACTORY [python -m skill serve options]; only the app differs from
`python -m skill serve`, so a row measures the production server configuration, not a copy of it.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skill.web import serving  # noqa: E402  (after the path is set)


def main(argv: list[str]) -> int:
    if not argv or ":" not in argv[0]:
        print(__doc__, file=sys.stderr)
        return 2
    return serving.serve(serving.with_app(serving.parse_args(argv[1:]), argv[0]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
