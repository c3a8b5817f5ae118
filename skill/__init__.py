"""Lump Relief Guide: an Alexa skill that helps mothers ease hard breast lumps, hands-free.

`skill.lambda_handler` runs the same skill on AWS Lambda with no code change (handler setting
`skill.lambda_handler`): content and store come from the same environment variables as the web service.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda's entry point: ask-sdk-core's own SkillBuilder.lambda_handler(), wired once per container.

    Signatures are Lambda's job (the Alexa trigger's skill id check); SKILL_ID, when set, is checked too.
    """
    from skill import logs
    from skill.verification.envelope import check_application_id

    handler, skill_ids = _lambda_entry()
    logs.bind_request_id(event)
    check_application_id(event, skill_ids)
    return handler(event, context)


@cache
def _lambda_entry() -> tuple[Callable[[dict[str, Any], Any], dict[str, Any]], frozenset[str]]:
    """Load content, pick the store and wire the handlers once per Lambda container (the cold start)."""
    from skill import config
    from skill.content import load_library
    from skill.handlers import skill_builder
    from skill.logs import configure_logging
    from skill.persistence import build_persistence_adapter

    settings = {**config.DEFAULTS, **config.from_environment()}
    configure_logging(settings["LOG_LEVEL"])
    builder = skill_builder(load_library(), build_persistence_adapter(settings["SKILL_STORE"]),
                            config.api_stand_in(settings["ALEXA_API_ENDPOINT"]))
    return builder.lambda_handler(), config.skill_ids(settings["SKILL_ID"])
