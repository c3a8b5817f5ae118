"""A store that fails fast: after one failed or timed-out call, skip the store for a few seconds.

A granian worker runs the app on its one event-loop thread, so a store call that waits holds up every
mother behind it on that worker. Each call is already bounded (one DynamoDB attempt with sub-second
timeouts, a short SQLite lock wait), and this guard stops the next turns from paying the same wait
again: while the store is "open" (failed recently) every call raises PersistenceException at once,
and the turn answers in full without her memory. /healthz probes the store itself, at most once a
second whoever asks, and a probe that succeeds closes the guard early (docs/operations.md).
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

from skill.persistence.changes import StoredVisit

# How long the store is skipped after a failure: long enough that a queue of turns behind a stuck
# store pays one timeout, not one each; short enough that memory returns soon after the store does.
SKIP_SECONDS = 5.0
# /healthz reuses a probe's result for this long, so a flood of probes costs one store write a second.
PROBE_INTERVAL_SECONDS = 1.0

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
                self.store.ping()
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

    def ping(self) -> None:
        """Probe now, raising PersistenceException when the store fails (for callers that want the cause)."""
        self.store.ping()

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
        try:
            return action(*arguments)
        except PersistenceException as error:
            self._skip(error)
            raise

    def _skip(self, error: PersistenceException) -> None:
        with self._lock:
            self._skip_until = self.clock() + self.skip_seconds
            self._skip_cause = cause_of(error)
