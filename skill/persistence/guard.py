"""A store that fails fast: after one failed, timed-out or too slow call, skip the store for a few seconds.

A granian worker runs the app on its one event-loop thread, so a store call that waits holds up every
mother behind it on that worker. Each call is bounded as a whole: a remote store (DynamoDB) is called
in a worker thread waited on for at most STORE_CALL_SECONDS and what is left of the turn's budget
(skill/turn.py), so neither a name lookup nor an answer trickled a byte at a time can hold a turn;
SQLite waits a short busy timeout. This guard stops the next turns from paying the same wait again:
while the store is "open" every call raises PersistenceException at once, and the turn answers in full
without her memory. It opens after a failure, and also when the store keeps the worker waiting more
than turn.SLOW_BUDGET_SECONDS within a few seconds while answering (a slow store, not only a
failing one). /healthz probes the store itself, at most once a second whoever asks, and a probe that
succeeds closes the guard early (docs/operations.md).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill import turn
from skill.persistence.changes import StoredVisit

# How long the store is skipped after a failure: long enough that a queue of turns behind a stuck
# store pays one timeout, not one each; short enough that memory returns soon after the store does.
SKIP_SECONDS = 5.0
# /healthz reuses a probe's result for this long, so a flood of probes costs one store write a second.
PROBE_INTERVAL_SECONDS = 1.0
# One call to a remote store, whole (its own timeouts bound each connect and read, not the call).
STORE_CALL_SECONDS = 1.0
# A health probe of a remote store (a describe, a write and a read); longer is not healthy.
PROBE_SECONDS = 1.5
# Readying a remote store at start-up (a describe, or a create and a wait for it); past this, start
# anyway and let her first turn try again.
PREPARE_SECONDS = 3.0

log = logging.getLogger(__name__)
Result = TypeVar("Result")


def cause_of(error: BaseException) -> str:
    """The error behind a store failure, as 'Class: message' (store messages name no ids of hers)."""
    cause = error.__cause__ or error
    return f"{type(cause).__name__}: {cause}"[:300]


class GuardedStore(AbstractPersistenceAdapter):
    """The SDK's persistence interface and the record changes, each call skipped while the store is failing."""

    def __init__(self, store: Any, *, skip_seconds: float = SKIP_SECONDS,
                 probe_interval: float = PROBE_INTERVAL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.skip_seconds = skip_seconds
        self.probe_interval = probe_interval
        self.clock = clock
        self._lock = threading.Lock()
        self._skip_until = 0.0
        self._skip_cause = ""
        self._probed_at: float | None = None
        self._probe_healthy = False
        self._probing = threading.Lock()
        # A remote store is called in a worker thread held to a deadline; SQLite in the caller's thread
        # (its connections are per thread, and its busy timeout bounds the wait).
        self.in_thread = bool(getattr(store, "remote", False))
        self.slowness = turn.Slowness(clock=clock)

    # The SDK's interface and the record changes ----------------------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self._call(self.store.get_attributes, request_envelope)

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        self._call(self.store.save_attributes, request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._call(self.store.delete_attributes, request_envelope)

    def count_visit(self, request_envelope: RequestEnvelope) -> StoredVisit:
        return self._call(self.store.count_visit, request_envelope)

    def set_step(self, request_envelope: RequestEnvelope, record: str, step: int | None) -> bool:
        return self._call(self.store.set_step, request_envelope, record, step)

    def claim_request(self, request_id: str, until: int) -> bool:
        return self._call(self.store.claim_request, request_id, until)

    def release_request(self, request_id: str, until: int) -> None:
        self._call(self.store.release_request, request_id, until)

    # Health ------------------------------------------------------------------------------------------

    def healthy(self) -> bool:
        """The last probe's answer; a new probe (a real read and write) when it is over a second old.

        Only one probe runs at a time; callers meanwhile get the previous answer.
        """
        now = self.clock()
        if self._probed_at is not None and now - self._probed_at < self.probe_interval:
            return self._probe_healthy
        if not self._probing.acquire(blocking=False):
            return self._probe_healthy
        try:
            try:
                self._probe()
            except PersistenceException as error:
                self._skip(error)
                self._probe_healthy = False
                log.warning("store probe failed", extra={"check": "health", "cause": cause_of(error)})
            else:
                with self._lock:
                    self._skip_until = 0.0
                self._probe_healthy = True
            self._probed_at = self.clock()
            return self._probe_healthy
        finally:
            self._probing.release()

    def prepare(self) -> None:
        """Ready the store before the first turn (DynamoDB's table check). A store that is down or slow
        costs start-up at most PREPARE_SECONDS and one log line, never the start: her turns try again."""
        prepare = getattr(self.store, "prepare", None)
        if prepare is None:
            return
        try:
            turn.call_within(PREPARE_SECONDS, prepare) if self.in_thread else prepare()
        except (PersistenceException, turn.DeadlineExceeded) as error:
            log.warning("store not ready at start; turns will try again",
                        extra={"check": "start", "cause": cause_of(error)})

    def ping(self) -> None:
        """Probe now, raising PersistenceException when the store fails (for callers that want the cause)."""
        self._probe()

    def _probe(self) -> None:
        if not self.in_thread:
            self.store.ping()
            return
        try:
            turn.call_within(PROBE_SECONDS, self.store.ping)
        except turn.DeadlineExceeded as error:
            raise PersistenceException(f"store probe did not answer within {PROBE_SECONDS} s") from error

    def close(self) -> None:
        close = getattr(self.store, "close", None)
        if close is not None:
            close()

    # The guard ---------------------------------------------------------------------------------------

    def _call(self, action: Callable[..., Result], *arguments: Any) -> Result:
        with self._lock:
            left = self._skip_until - self.clock()
            if left > 0:
                raise PersistenceException(f"store skipped for {left:.1f} s after: {self._skip_cause}")
        seconds = turn.left(STORE_CALL_SECONDS)
        if seconds <= 0:  # the turn spent its time elsewhere: not the store's fault, so no skip
            raise PersistenceException("no time left in this turn for the store")
        started = self.clock()
        try:
            result = turn.call_within(seconds, action, *arguments) if self.in_thread else action(*arguments)
        except turn.DeadlineExceeded as error:
            failure = PersistenceException(f"store did not answer within {seconds:.2f} s")
            failure.__cause__ = error
            self.slowness.add(self.clock() - started)
            self._skip(failure)
            raise failure from error
        except PersistenceException as error:
            self.slowness.add(self.clock() - started)
            self._skip(error)
            raise
        if self.slowness.add(self.clock() - started):
            self._skip(PersistenceException(
                f"store slow: kept this worker waiting over {self.slowness.budget} s within {self.slowness.window} s"))
        return result

    def _skip(self, error: PersistenceException) -> None:
        with self._lock:
            self._skip_until = self.clock() + self.skip_seconds
            self._skip_cause = cause_of(error)
