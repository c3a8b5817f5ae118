"""A signed request is answered once: its id, claimed in the store every worker shares, refuses a
replay within Amazon's timestamp window, on any worker or host that uses the same store. The id is
kept until its signed timestamp is refused anyway (`refused_from`), so the same moment comes with every copy.

The id is claimed before the answer, in one write (a read and a write before), so two copies racing
on two workers cannot both be answered; an answer that fails releases it, so Alexa's own retry of a
request that failed is answered. When the store cannot say (failing, slow, or skipped by its guard)
the request is answered: her answer matters more than refusing a copy, and the timestamp check still
bounds any replay to its window (150 s; an hour for skill events).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ask_sdk_core.exceptions import PersistenceException

from skill.persistence.changes import AnsweredRequests
from skill.persistence.guard import cause_of
from skill.verification.envelope import refused_from

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """A signed request's id, and the Unix second from which its timestamp alone refuses it."""

    request_id: str
    until: int


def claim_of(envelope: dict[str, Any]) -> Claim | None:
    """What the store keeps of a verified request; None without a request id."""
    request = envelope.get("request")
    request_id = request.get("requestId") if isinstance(request, dict) else None
    if not isinstance(request_id, str) or not request_id:
        return None
    return Claim(request_id, refused_from(envelope))


def keeps_answered_ids(store: Any) -> bool:
    """issubclass on the store's class: ABCMeta caches it, where isinstance on a Protocol walks its members each time."""
    return issubclass(type(store), AnsweredRequests)


def replayed(store: Any, claim: Claim | None) -> bool:
    """Claim the id; True when it was claimed already (a replay). False when there is no id, no shared
    store, or no answer from it."""
    if claim is None or not keeps_answered_ids(store):
        return False
    try:
        return not store.claim_request(claim.request_id, claim.until)
    except PersistenceException as error:
        log.warning("replay check skipped: the store did not answer",
                    extra={"check": "replay", "cause": cause_of(error)})
        return False


def release(store: Any, claim: Claim | None) -> None:
    """Forget a claimed id whose answer failed, so a retry of the same request is answered."""
    if claim is None or not keeps_answered_ids(store):
        return
    try:
        store.release_request(claim.request_id, claim.until)
    except PersistenceException as error:
        log.warning("request id not released: the store did not answer; a retry is refused until its timestamp expires",
                    extra={"check": "replay", "cause": cause_of(error)})
