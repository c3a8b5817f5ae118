"""Screenshots of the relief answer, step 1, launch and the first check question on Echo Show 5, 8
and 15, through the same stand-in the rendered check uses: `python -m tests.apl.screenshots docs/screens`.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from skill.app import create_app
from skill.envelopes import ECHO_SHOW
from skill.verification import RequestVerifier
from tests.apl.browser import screenshot
from tests.apl.stand_in import Page, Viewport
from tests.conftest import Alexa

SCREENS = (Viewport("echo-show-5", 960, 480), Viewport("echo-show-8", 1280, 800), Viewport("echo-show-15", 1920, 1080))
FEEDING = {"situation": {"value": "breastfeeding", "id": "FEEDING"}}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        visitors = iter(range(100))

        def device() -> Alexa:
            """A first visit each time: her own record, so launch shows the first welcome."""
            return Alexa(lambda: create_app({"SKILL_STORE": f"sqlite:///{folder}/store.db", "TESTING": True,
                                             "VERIFIER": RequestVerifier(check_signature=False)}),
                         device=ECHO_SHOW, user_id=f"amzn1.ask.account.screenshot-{next(visitors)}")
        turns = {"relief": device().intent("RelieveLumpIntent", FEEDING),
                 "step-1": device().say("take me through the steps"),
                 "launch": device().launch(), "check": device().say("check my symptoms")}
        for name, turn in turns.items():
            screen = next(d for d in turn.directives if d["type"] == "Alexa.Presentation.APL.RenderDocument")
            for viewport in SCREENS:
                page = Page(screen["document"], screen["datasources"], viewport).html()
                screenshot(page, viewport.width, viewport.height, out / f"{name}-{viewport.name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens"))
