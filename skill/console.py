"""Try the skill without a device: type what you would say, read what Alexa would say.

Words are understood by a classifier trained on the interaction model's samples (see
understanding.py); the session carries over between lines exactly as on an Echo.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
from typing import Any, TextIO

from flask import Flask

from skill.app import create_app
from skill.envelopes import ECHO_SHOW, SPEAKER, Session
from skill.conversation.render import plain_text
from skill.understanding import report
from skill.understanding.matcher import understanding_for
from skill.understanding.unseen import Said, Step
from skill.verification import RequestVerifier

OPENING_WORDS = {"open", "launch", "open lump relief guide", "start", ""}


class Console:
    """One person's conversation with a local copy of the skill."""

    def __init__(self, app: Flask, locale: str = "en-US", screen: bool = False,
                 user_id: str = "amzn1.ask.account.console"):
        self.client = app.test_client()
        self.locale = locale
        self.device = ECHO_SHOW if screen else SPEAKER
        self.user_id = user_id
        self.session = self._fresh_session()
        self.asked_for: dict[str, Any] | None = None  # Alexa's own permission question, while it waits
        self.last_request: dict[str, Any] | None = None

    def _fresh_session(self) -> Session:
        return Session(user_id=self.user_id, locale=self.locale, device=self.device)

    def hear(self, words: str) -> dict[str, Any]:
        """Send what she said; return the response body. While Alexa itself asks her for a permission,
        her words answer Alexa, and Alexa sends the skill her choice, never an intent."""
        if self.asked_for is not None:
            return self.send(self.session.envelope(consent_answer(self.asked_for, words, self.locale)))
        if words.strip().lower() in OPENING_WORDS:
            return self.send(self.session.launch())
        pending = (self.session.attributes.get("conversation") or {}).get("question")
        understood = understanding_for(self.locale).understand(words, pending)
        return self.send(self.session.intent(understood.intent, dict(understood.slots)))

    def hear_intent(self, name: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send an intent as Alexa would after understanding her (the canonical way to say it)."""
        return self.send(self.session.intent(name, slots))

    def walk_away(self) -> None:
        """She stops talking; her next words open a new session."""
        self.send(self.session.session_ended("EXCEEDED_MAX_REPROMPTS"))
        self.session = self._fresh_session()

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        self.last_request = envelope["request"]
        body = self.client.post("/", data=json.dumps(envelope), content_type="application/json").get_json()
        self.session.attributes = body.get("sessionAttributes") or {}
        self.asked_for = next((directive for directive in body.get("response", {}).get("directives", [])
                               if permission_request(directive)), None)
        if body.get("response", {}).get("shouldEndSession"):
            self.session = self._fresh_session()
        return body


class SkillReplies:
    """What the real skill says back to her words, or to an intent, once led into a context.

    Each call is a new person (her own user id on a throwaway store), so nothing carries over.
    """

    def __init__(self, locale: str, store_dir: str):
        self.app = create_app({
            "VERIFIER": RequestVerifier(check_signature=False),
            "SKILL_STORE": f"sqlite:///{store_dir}/nlu-report-{locale}.db",  # one store per market: new people only
            "LOG_LEVEL": "ERROR",
            "TESTING": True,
        })
        self.locale = locale
        self.people = itertools.count()

    def reply(self, path: tuple[Step, ...], last: Step) -> Said:
        """Lead a new person along the path, then say `last`; what she hears, and where that leaves her."""
        console = Console(self.app, self.locale, user_id=f"amzn1.ask.account.report-{next(self.people)}")
        for step in path:
            take(console, step)
        body = take(console, last)
        response = body.get("response", {})
        conversation = (body.get("sessionAttributes") or {}).get("conversation") or {}
        return (plain_text(response.get("outputSpeech", {}).get("ssml")), bool(response.get("shouldEndSession")),
                conversation.get("question"), conversation.get("step"))


def take(console: Console, step: Step) -> dict[str, Any]:
    kind, *rest = step
    if kind == "launch":
        return console.hear("open")
    if kind == "away":
        console.walk_away()
        return {}
    if kind == "words":
        return console.hear(rest[0])
    return console.hear_intent(rest[0], rest[1] if len(rest) > 1 else None)


def nlu_report(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """`python -m skill nlu-report`, able to score the unseen set by what the real skill says back."""
    return report.main(argv, out, replies=SkillReplies)


def permission_request(directive: dict[str, Any]) -> str | None:
    """A Connections.SendRequest AskFor in words: Alexa, not the skill, asks her and answers with a
    Connections.Response."""
    if directive.get("type") != "Connections.SendRequest" or directive.get("name") != "AskFor":
        return None
    scopes = [scope.get("permissionScope", "?") for scope in directive.get("payload", {}).get("permissionScopes", [])]
    kinds = "reminders" if any("reminders" in scope for scope in scopes) else "this"
    return f"(Alexa itself asks her for permission to use {kinds}: {', '.join(scopes)}; her yes or no comes back to the skill)"


def consent_answer(asked_for: dict[str, Any], words: str, locale: str) -> dict[str, Any]:
    """Alexa's Connections.Response to its AskFor: her yes or no to Alexa's own question, or not answered."""
    said = understanding_for(locale).understand(words, None).intent
    status = {"AMAZON.YesIntent": "ACCEPTED", "AMAZON.NoIntent": "DENIED"}.get(said, "NOT_ANSWERED")
    scope = (asked_for.get("payload", {}).get("permissionScopes") or [{}])[0].get("permissionScope")
    return {"type": "Connections.Response", "name": "AskFor", "status": {"code": "200", "message": "OK"},
            "token": asked_for.get("token", ""), "payload": {"permissionScope": scope, "status": status}}


def describe(body: dict[str, Any]) -> str:
    """The answer as a person would take it in: speech, card, and whether Alexa keeps listening."""
    response = body["response"]
    speech = plain_text(response.get("outputSpeech", {}).get("ssml"))
    asked = [words for directive in response.get("directives", []) if (words := permission_request(directive))]
    lines = [f"Alexa: {' '.join(filter(None, [speech, *asked]))}"]
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
