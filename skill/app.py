"""create_app(): the one place where the parts are wired, for the server, Lambda, tests and the console."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from skill import config
from skill.content import load_library
from skill.handlers import build_skill
from skill.logs import configure_logging
from skill.web.pages import init_pages
from skill.persistence import build_persistence_adapter, guarded, prepare_at_start
from skill.verification import RequestVerifier
from skill.web.alexa_turn import Services
from skill.web.endpoint import init_web

log = logging.getLogger(__name__)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Defaults, then the environment, then `overrides` (tests inject VERIFIER, PERSISTENCE, CONTENT).

    Content is loaded and checked here, so a broken content file stops start-up, not a request.
    """
    app = Flask(__name__)
    app.config.from_mapping(config.DEFAULTS)
    app.config.update(config.from_environment())
    app.config.update(overrides or {})
    configure_logging(app.config["LOG_LEVEL"])

    library = app.config.get("CONTENT") or load_library()
    persistence = guarded(app.config.get("PERSISTENCE") or build_persistence_adapter(app.config["SKILL_STORE"]))
    prepare_at_start(persistence)
    init_web(app, Services(
        skill=build_skill(library, persistence, config.api_stand_in(app.config["ALEXA_API_ENDPOINT"])),
        verifier=app.config.get("VERIFIER") or build_verifier(app.config),
        persistence=persistence,
    ))
    init_pages(app)
    return app


def build_verifier(settings: Mapping[str, Any]) -> RequestVerifier:
    """The verifier the settings ask for, with a loud warning for every check that is off."""
    skill_ids = config.skill_ids(settings["SKILL_ID"])
    if not skill_ids:
        log.warning("SKILL_ID is not set: requests from ANY Alexa skill are accepted; set it before going live")
    if not settings["ALEXA_VERIFY_REQUESTS"]:
        log.warning("ALEXA_VERIFY_REQUESTS=false: signature and timestamp checks are OFF; never do this in production")
    return RequestVerifier(skill_ids=skill_ids, check_signature=bool(settings["ALEXA_VERIFY_REQUESTS"]),
                           max_body_bytes=int(settings["MAX_CONTENT_LENGTH"]))
