"""The changes the skill makes to her stored record: each is made in place by the store, never by
writing back a copy read earlier, so concurrent visits and a "forget me" on another device cannot
lose or resurrect anything.

Her record holds exactly three things: `visits` (how many times she opened the skill), `step`
(the step she stopped at mid-walk, or null) and `record`, a random id drawn when the record is
created. `record` carries no information about her: a session remembers it, and may change the step
only while the stored record still has that id. "Forget me" deletes the record, so a session that
began before the erase can no longer write, and a record made by a later visit has a new id.

Both stores (SQLite and DynamoDB) implement these next to the SDK's get/save/delete_attributes.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ask_sdk_model import RequestEnvelope

# The keys of her record; nothing else is written by these changes.
VISITS, STEP, RECORD = "visits", "step", "record"
# Keys an older version stored (the last topic and the last-visit date); a visit removes them.
RETIRED_KEYS = ("topic", "last_visit")
# Bounds for numbers read back from the store (a hand-edited or corrupted record must not crash a turn).
MAX_VISITS = 10**9
MAX_STEP = 99
# A record not visited (not written) for this long is erased: a TTL attribute on DynamoDB, a purge on SQLite.
KEEP_DAYS = 90
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class StoredVisit:
    """Her record as a new visit left it: the visit already counted."""

    visits: int
    step: int | None
    record: str

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> StoredVisit:
        return cls(visits=bounded(stored.get(VISITS), 1, MAX_VISITS) or 1,
                   step=bounded(stored.get(STEP), 0, MAX_STEP),
                   record=str(stored.get(RECORD) or ""))


# The key a remembered request id is kept under in DynamoDB, beside the records (no record key starts
# so: Alexa's user ids start with "amzn1.account" or "amzn1.ask.account").
ANSWERED_PREFIX = "answered-request:"


def answered_key(request_id: str) -> str:
    return ANSWERED_PREFIX + request_id


@runtime_checkable
class AnsweredRequests(Protocol):
    """Request ids already answered, shared by every worker and host that uses the store, so a signed
    request replayed within Amazon's timestamp window is refused everywhere (skill/web/replays.py).
    An id is kept `until` the moment its request's timestamp is refused anyway (Unix seconds, from the
    signed request itself, so every copy carries the same one), never longer; it says nothing about her."""

    def claim_request(self, request_id: str, until: int) -> bool:
        """Keep the id as being answered, in one write; False when it is kept already (a replay, or a
        copy racing the first on another worker)."""

    def release_request(self, request_id: str, until: int) -> None:
        """Forget an id whose answer failed, so Alexa's own retry of it is answered."""


@runtime_checkable
class RecordChanges(Protocol):
    """What memory needs from a store, besides the SDK's delete_attributes for "forget me"."""

    def count_visit(self, request_envelope: RequestEnvelope) -> StoredVisit:
        """Add one visit (creating her record if there is none) and return the record as it now is."""

    def set_step(self, request_envelope: RequestEnvelope, record: str, step: int | None) -> bool:
        """Set her step if her stored record is still `record`; False when it was erased since."""

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Erase her record, and every copy of it the store keeps."""


def new_record_id() -> str:
    """A fresh, meaningless id for a record being created: 8 bytes from os.urandom, as secrets.token_hex
    reads them (importing secrets loads OpenSSL through hmac, ~30 ms of a Lambda cold start)."""
    return os.urandom(8).hex()


def bounded(value: Any, low: int, high: int) -> int | None:
    """An integer within [low, high], or None for anything else (bools, floats, text, huge numbers)."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return None


def expiry(now: float | None = None) -> int:
    """When a record written now expires: KEEP_DAYS after the end of today (UTC), in whole days, so the
    stored value says only which day she last came, never the time."""
    today = int(time.time() if now is None else now) // DAY_SECONDS
    return (today + 1 + KEEP_DAYS) * DAY_SECONDS
