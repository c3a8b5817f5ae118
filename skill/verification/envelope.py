"""Steps 3-6: size, JSON, timestamp and application id: everything checkable without the certificate.

They run before any download, so a body that could never be accepted costs no network; the signature
check that follows still covers the exact bytes, and nothing parsed here is acted on until it holds.
"""
from __future__ import annotations

import math
from collections.abc import Set
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson

from .constants import (
    MAX_BODY_BYTES, MAX_JSON_DEPTH, SKILL_EVENT_REQUEST_PREFIX, SKILL_EVENT_TIMESTAMP_TOLERANCE, TIMESTAMP_TOLERANCE,
)
from .errors import MalformedRequest, VerificationError


def check_body_size(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> None:
    """Refuse a body larger than any Alexa request before a byte of it is parsed."""
    if len(body) > max_bytes:
        raise MalformedRequest(f"envelope: body is over {max_bytes} bytes")


def parse_envelope(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """Decode the body and insist on the fields every later step reads, so handlers never meet a half envelope.

    orjson refuses nesting past 1024 levels (the standard library would raise RecursionError) and
    NaN or Infinity; the walk below then holds nesting to what Alexa sends.
    """
    try:
        envelope = orjson.loads(body)
    except (orjson.JSONDecodeError, RecursionError) as error:
        raise MalformedRequest("envelope: body is not JSON") from error
    if not isinstance(envelope, dict):
        raise MalformedRequest("envelope: body is not a JSON object")
    # Each container opens with one bracket, so a body with no more brackets than max_depth (Alexa's
    # have a dozen or two) cannot nest deeper; counting bytes is ~10x cheaper than the walk.
    if body.count(b"{") + body.count(b"[") > max_depth and _depth_exceeds(envelope, max_depth):
        raise MalformedRequest(f"envelope: nested deeper than {max_depth} levels")
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


def timestamp_tolerance(envelope: dict[str, Any]) -> timedelta:
    """How far from now Amazon lets this request's timestamp be: an hour for skill events, else 150 s."""
    if envelope["request"]["type"].startswith(SKILL_EVENT_REQUEST_PREFIX):
        return SKILL_EVENT_TIMESTAMP_TOLERANCE
    return TIMESTAMP_TOLERANCE


def check_timestamp(envelope: dict[str, Any], now: datetime) -> None:
    """Reject requests older or newer than Amazon's tolerance, which stops replayed requests."""
    tolerance = timestamp_tolerance(envelope)
    if abs(now - request_timestamp(envelope)) > tolerance:
        raise VerificationError(f"timestamp: more than {int(tolerance.total_seconds())} s from now")


def refused_from(envelope: dict[str, Any]) -> int:
    """The first whole Unix second at which check_timestamp refuses this request (and every copy of it:
    the timestamp is signed), so an id kept until then need not be kept longer."""
    return math.floor((request_timestamp(envelope) + timestamp_tolerance(envelope)).timestamp()) + 1


def check_application_id(envelope: dict[str, Any], skill_ids: Set[str]) -> None:
    """Reject requests from a skill that merely points at our endpoint; an empty set accepts any skill."""
    if skill_ids and application_id(envelope) not in skill_ids:
        raise VerificationError("application id: not one of this skill's ids")


def _depth_exceeds(document: dict[str, Any], max_depth: int) -> bool:
    """Walk the containers without recursion and stop at the first one nested too deep."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > max_depth:
            return True
        children = node.values() if isinstance(node, dict) else node
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
