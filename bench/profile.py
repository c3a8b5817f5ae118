"""Where a request's time goes: the full pipeline in-process under pyinstrument.

.venv/bin/python bench/profile.py [--requests N] [--html FILE]

Same app and request as bench/run.py's full pipeline (signature check on with a warm chain cache,
SQLite store on disk, INFO logs), driven through Flask's test client so the server is left out.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.signed import sign_request, write_pki  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    options = parser.parse_args(argv)
    from pyinstrument import Profiler

    with tempfile.TemporaryDirectory() as work:
        os.environ.update({"LUMP_RELIEF_BENCH_PKI": f"{work}/pki", "SKILL_STORE": f"sqlite:///{work}/profile.db",
                           "SKILL_ID": "amzn1.ask.skill.lump-relief-guide-local"})
        pki = write_pki(Path(work) / "pki")
        request = sign_request(pki, Path(work), "profile")
        from bench.wsgi_full import create_app
        client = create_app().test_client()
        quiet_logs(Path(work) / "profile.log")
        post = lambda: client.post("/", data=request.body, headers=request.headers)  # noqa: E731
        assert post().status_code == 200, "the signed request was refused"
        started = time.perf_counter()
        for _ in range(options.requests):
            post()
        per_request = (time.perf_counter() - started) / options.requests * 1e6
        profiler = Profiler(interval=0.0001)
        with profiler:
            for _ in range(options.requests):
                post()
    print(f"{per_request:.0f} µs per request in-process (test client, {options.requests} requests, no profiler)")
    print(profiler.output_text(unicode=True, color=False))
    if options.html:
        options.html.write_text(profiler.output_html())
    return 0


def quiet_logs(path: Path) -> None:
    """Keep the INFO lines (their cost is part of a request) but send them to a file, not the terminal."""
    for handler in logging.getLogger("skill").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(path.open("a"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
