"""The floor of the stack: a bare Flask JSON echo, served with exactly the settings of the full pipeline."""
from __future__ import annotations

from typing import Any

from flask import Flask, request


def create_app() -> Flask:
    """Parse the JSON body and send it back; no verification, no skill, no store."""
    app = Flask(__name__)

    @app.post("/")
    def echo() -> Any:
        return request.get_json()

    return app
