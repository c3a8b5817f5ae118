"""The idiomatic Python peer: Flask + ask-sdk-core's SkillBuilder and DefaultSerializer, one fixed answer.

What a Python developer writes from the SDK's own samples: no store, no verification (the peer never
checks a signature, like the Node peer), one handler that answers every request the same. bench/run.py
serves it under gunicorn (one sync worker) and under granian, so the server's share and the skill's
share of a turn are seen apart. Its packages are the PyPI releases pinned in requirements.txt beside
it (the project's own lock pins the same, so the bench's virtualenv already holds them).
"""
from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, Response
from flask import Flask, request

SPEECH = "Warmth before a feed, then gentle massage toward the armpit, and feed often from that side."


class AnyRequestHandler(AbstractRequestHandler):
    """Every request gets the one answer, as in the SDK's hello-world sample."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak(SPEECH).set_should_end_session(True).response


def create_app() -> Flask:
    builder = SkillBuilder()
    builder.add_request_handler(AnyRequestHandler())
    skill = builder.create()
    serializer = DefaultSerializer()
    app = Flask(__name__)

    @app.post("/")
    def answer() -> Any:
        envelope = serializer.deserialize(request.get_data(as_text=True), RequestEnvelope)
        body = serializer.serialize(skill.invoke(envelope, None))
        return app.response_class(json.dumps(body), mimetype="application/json")

    return app

