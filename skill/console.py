"""Try the skill without a device: type what you would say, read what Alexa would say.

Words are understood by a classifier trained on the interaction model's samples (see
understanding.py); the session carries over between lines exactly as on an Echo.
"""
from __future__ import annotations

import argparse
import json
import os
from typing import Any, TextIO

from flask import Flask

from skill.app import create_app
from skill.envelopes import ECHO_SHOW, SPEAKER, Session
from skill.conversation.render import plain_text
from skill.understanding.matcher import understanding_for
from skill.verification import RequestVerifier

OPENING_WORDS = {"open", "launch", "open lump relief guide", "start", ""}


class Console:
    """One person's conversation with a local copy of the skill."""

    def __init__(self, app: Flask, locale: str = "en-US", screen: bool = False):
        self.client = app.test_client()
        self.locale = locale
        self.device = ECHO_SHOW if screen else SPEAKER
        self.session = self._fresh_session()

    def _fresh_session(self) -> Session:
        return Session(user_id="amzn1.ask.account.console", locale=self.locale, device=self.device)

    def hear(self, words: str) -> dict[str, Any]:
        """Send what she said; return the response body."""
        if words.strip().lower() in OPENING_WORDS:
            envelope = self.session.launch()
        else:
            understood = understanding_for(self.locale).understand(words)
            envelope = self.session.intent(understood.intent, dict(understood.slots))
        body = self.client.post("/", data=json.dumps(envelope), content_type="application/json").get_json()
        self.session.attributes = body.get("sessionAttributes") or {}
        if body["response"].get("shouldEndSession"):
            self.session = self._fresh_session()
        return body


def describe(body: dict[str, Any]) -> str:
    """The answer as a person would take it in: speech, card, and whether Alexa keeps listening."""
    response = body["response"]
    lines = [f"Alexa: {plain_text(response.get('outputSpeech', {}).get('ssml'))}"]
    if card := response.get("card"):
        lines.append(f"  [card] {card.get('title')}: {card.get('content')}")
    if any(d.get("type", "").startswith("Alexa.Presentation.APL") for d in response.get("directives", [])):
        lines.append("  [screen] the answer is shown in large text")
    lines.append("  (session ends)" if response.get("shouldEndSession") else "  (session stays open, Alexa listens)")
    return "\n".join(lines)


def console_app() -> Flask:
    """The real app, with signature checks off (no Alexa in the loop) and quiet logs."""
    return create_app({
        "VERIFIER": RequestVerifier(check_signature=False),
        "SKILL_STORE": os.environ.get("SKILL_STORE", "sqlite:///lump-relief-console.db"),
        "LOG_LEVEL": "ERROR",
    })


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill console", description=__doc__)
    parser.add_argument("--say", help="answer one utterance, as a one-shot request, and exit")
    parser.add_argument("--locale", default="en-US", help="en-US, en-GB, en-CA, en-AU or en-IN")
    parser.add_argument("--screen", action="store_true", help="pretend to be an Echo Show")
    options = parser.parse_args(argv)
    console = Console(console_app(), options.locale, options.screen)
    write = (out.write if out else lambda text: print(text, end=""))
    if options.say is not None:
        write(describe(console.hear(options.say)) + "\n")
        return 0
    write("Type what you would say (\"open\" to start, Ctrl-D to quit).\n")
    while True:
        try:
            words = input("you> ")
        except (EOFError, KeyboardInterrupt):
            write("\n")
            return 0
        write(describe(console.hear(words)) + "\n")
