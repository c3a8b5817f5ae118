"""Steps 5-7: read the signed envelope, refuse replays, and refuse requests meant for another skill."""
from __future__ import annotations

import json
from collections.abc import Set
from datetime import datetime, timezone
from typing import Any

from .constants import SKILL_EVENT_REQUEST_PREFIX, SKILL_EVENT_TIMESTAMP_TOLERANCE, TIMESTAMP_TOLERANCE
from .errors import MalformedRequest, VerificationError


def parse_envelope(body: bytes) -> dict[str, Any]:
    """Decode the body and insist on the fields every later step reads, so handlers never meet a half envelope."""
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedRequest("envelope: body is not JSON") from error
    if not isinstance(envelope, dict):
        raise MalformedRequest("envelope: body is not a JSON object")
    request = envelope.get("request")
    if not isinstance(request, dict):
        raise MalformedRequest("envelope: request is missing")
    if not isinstance(request.get("type"), str) or not request["type"]:
        raise MalformedRequest("envelope: request.type is missing")
    request_timestamp(envelope)
    application_id(envelope)
    return envelope


def request_timestamp(envelope: dict[str, Any]) -> datetime:
    """Read request.timestamp (ISO 8601, normally UTC with a Z) as an aware datetime."""
    raw = envelope["request"].get("timestamp")
    if not isinstance(raw, str):
        raise MalformedRequest("envelope: request.timestamp is missing")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as error:
        raise MalformedRequest("envelope: request.timestamp is not ISO 8601") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def application_id(envelope: dict[str, Any]) -> str:
    """Read the skill id from context.System, falling back to session for requests without context."""
    for path in (("context", "System", "application", "applicationId"), ("session", "application", "applicationId")):
        node: Any = envelope
        for name in path:
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, str) and node:
            return node
    raise MalformedRequest("envelope: application id is missing")


def check_timestamp(envelope: dict[str, Any], now: datetime) -> None:
    """Reject requests older or newer than Amazon's tolerance, which stops replayed requests."""
    tolerance = (
        SKILL_EVENT_TIMESTAMP_TOLERANCE
        if envelope["request"]["type"].startswith(SKILL_EVENT_REQUEST_PREFIX)
        else TIMESTAMP_TOLERANCE
    )
    if abs(now - request_timestamp(envelope)) > tolerance:
        raise VerificationError(f"timestamp: more than {int(tolerance.total_seconds())} s from now")


def check_application_id(envelope: dict[str, Any], skill_ids: Set[str]) -> None:
    """Reject requests from a skill that merely points at our endpoint; an empty set accepts any skill."""
    if skill_ids and application_id(envelope) not in skill_ids:
        raise VerificationError("application id: not one of this skill's ids")
