"""Lump Relief Guide: an Alexa skill that helps mothers ease hard breast lumps, hands-free.

`skill.lambda_handler` runs the same skill on AWS Lambda with no code change (handler setting
`skill.lambda_handler`): content and store come from the same environment variables as the web service.
"""
from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda's entry point, doing what ask-sdk-core's SkillBuilder.lambda_handler() does, with the skill built once.

    The SDK's wrapper deserialises the event, invokes the skill and serialises the response envelope;
    so does this, with the web service's compiled codec, and without rebuilding the skill per event.
    Signatures are Lambda's job (the Alexa trigger's skill id check); SKILL_ID, when set, is checked too.
    """
    from skill import logs
    from skill.verification.envelope import check_application_id

    skill, codec, skill_ids = _lambda_skill()
    logs.request_id.set(str(event.get("request", {}).get("requestId", ""))[:120] or None)
    check_application_id(event, skill_ids)
    return codec.response_dict(skill.invoke(codec.request_envelope(event), context))


@cache
def _lambda_skill() -> tuple[CustomSkill, Any, frozenset[str]]:
    """Load content, pick the store and wire the handlers once per Lambda container (the cold start)."""
    from skill import config
    from skill.codec import EnvelopeCodec
    from skill.content import load_library
    from skill.handlers import build_skill
    from skill.logs import configure_logging
    from skill.persistence import build_persistence_adapter

    settings = {**config.DEFAULTS, **config.from_environment()}
    configure_logging(settings["LOG_LEVEL"])
    skill = build_skill(load_library(), build_persistence_adapter(settings["SKILL_STORE"]))
    return skill, EnvelopeCodec(), config.skill_ids(settings["SKILL_ID"])
