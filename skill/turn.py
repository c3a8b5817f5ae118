"""What one turn carries across the layers: its time for outside calls (DynamoDB, Alexa's APIs), how
a call is held to it, and whether the turn must be answered with an error.

Alexa waits 8 s, and a worker answers its turns one after another, so every outside call a turn makes
draws on one budget (TURN_BUDGET_SECONDS from the moment the request arrived), and a call that has not
answered by its deadline is abandoned: it runs in a worker thread waited on with a timeout, because a
name lookup (getaddrinfo) cannot be timed out at all and a socket timeout bounds each read, not the
call (an answer trickled a byte at a time never trips it). An abandoned call ends on its own socket
timeouts; at most MAX_ABANDONED run at once, past that a call fails at once.

An event the skill could not honour (her record not erased when she disabled the skill) must not be
acknowledged as done: the handler calls `not_honoured`, and the entry point answers with an error.

`Slowness` is the other half: a dependency that holds the worker too long in total, failing or not,
is skipped for a while by everyone on the worker (skill/persistence/guard.py, skill/alexa_api/client.py).
"""
from __future__ import annotations

import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

# Her answer within 3 s: outside calls end by this many seconds after her request arrived, leaving
# the rest for the skill's own work.
TURN_BUDGET_SECONDS = 2.5
# Calls still running after their caller gave up on them, per process.
MAX_ABANDONED = 16
# A dependency whose calls took, past USUAL_SECONDS each, this long in total within SLOW_WINDOW_SECONDS
# is slow, even if every call answered: twelve turns at 0.45 s each would otherwise queue for 5.4 s.
# (DynamoDB in the same region answers in milliseconds, Alexa's API in about a tenth of a second;
# a local DynamoDB stand-in under a burst of writes, in a few tenths.)
USUAL_SECONDS = 0.25
SLOW_BUDGET_SECONDS = 1.0
SLOW_WINDOW_SECONDS = 5.0

Result = TypeVar("Result")
_turn_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("turn_deadline", default=None)
_not_honoured: contextvars.ContextVar[str | None] = contextvars.ContextVar("not_honoured", default=None)
_running = threading.BoundedSemaphore(MAX_ABANDONED)


class DeadlineExceeded(TimeoutError):
    """The call did not answer in the time it had (or there was no time left, or no thread for it)."""


def start(budget: float = TURN_BUDGET_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
    """A request arrived: its outside calls share `budget` seconds from now, and nothing failed yet."""
    _turn_deadline.set(clock() + budget)
    _not_honoured.set(None)


def end() -> None:
    """The answer is out: calls made after it (a health probe on the same thread) are not this turn's."""
    _turn_deadline.set(None)


def not_honoured(reason: str) -> None:
    """This turn's event was not carried out (e.g. an erase the store refused): answer with an error."""
    _not_honoured.set(reason)


def failure() -> str | None:
    """Why this turn must be answered with an error, or None."""
    return _not_honoured.get()


def left(cap: float, clock: Callable[[], float] = time.monotonic) -> float:
    """Seconds a call may take now: `cap`, or less when the turn's budget runs out first."""
    deadline = _turn_deadline.get()
    return cap if deadline is None else min(cap, deadline - clock())


def call_within(seconds: float, action: Callable[..., Result], *arguments: Any,
                on_abandon: Callable[[], None] | None = None) -> Result:
    """action(*arguments) if it returns or raises within `seconds`; else DeadlineExceeded, after
    `on_abandon` (which may close the call's socket so its thread ends sooner)."""
    if seconds <= 0:
        raise DeadlineExceeded("no time left in this turn")
    if not _running.acquire(blocking=False):
        raise DeadlineExceeded(f"{MAX_ABANDONED} calls still running")
    outcome: dict[str, Any] = {}
    finished = threading.Event()
    context = contextvars.copy_context()  # the request id for its log lines

    def run() -> None:
        try:
            outcome["value"] = context.run(action, *arguments)
        except BaseException as error:  # handed to the caller, who may still be waiting
            outcome["error"] = error
        finally:
            finished.set()
            _running.release()

    threading.Thread(target=run, name="outside-call", daemon=True).start()
    if not finished.wait(seconds):
        if on_abandon is not None:
            on_abandon()
        raise DeadlineExceeded(f"no answer within {seconds:.2f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class Slowness:
    """How much longer than usual one dependency kept this process waiting lately."""

    def __init__(self, budget: float = SLOW_BUDGET_SECONDS, window: float = SLOW_WINDOW_SECONDS,
                 usual: float = USUAL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self.usual = usual
        self.window = window
        self.clock = clock
        self._waits: deque[tuple[float, float]] = deque()
        self._lock = threading.Lock()

    def add(self, seconds: float) -> bool:
        """Count one call's wait; True when the waits past the usual within the window exceed the budget."""
        if seconds <= self.usual:
            return False
        now = self.clock()
        with self._lock:
            self._waits.append((now, seconds - self.usual))
            while self._waits and self._waits[0][0] < now - self.window:
                self._waits.popleft()
            total = sum(wait for _, wait in self._waits)
            if total > self.budget:
                self._waits.clear()
                return True
        return False
