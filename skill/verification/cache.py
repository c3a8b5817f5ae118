"""Step 3c: remember validated signing keys per URL, bounded, and download each URL once however many requests race."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from .chain import SigningKey
from .errors import VerificationError

# How long a request waits for another request's download of the same URL; that download has its own deadline.
_FLIGHT_WAIT_SECONDS = 10.0


class _Flight:
    """One download in progress, whose outcome the requests queued behind it share."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.key: SigningKey | None = None
        self.failure: str = "certificate chain: concurrent download failed"


class SigningKeyCache:
    """A least-recently-used map of URL to validated key; entries are dropped once their chain expires."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 0:
            raise ValueError("cache_size must be zero or more")
        self._max_entries = max_entries
        self._entries: OrderedDict[str, SigningKey] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, url: str, now: datetime, load: Callable[[], SigningKey]) -> SigningKey:
        """Return the cached key for `url`, or run `load` once for all concurrent callers and cache its result."""
        with self._lock:
            key = self._fresh(url, now)
            if key is not None:
                return key
            flight = self._flights.get(url)
            leading = flight is None
            if flight is None:
                flight = self._flights[url] = _Flight()
        if not leading:
            return self._follow(flight)
        try:
            key = load()
        except VerificationError as error:
            flight.failure = error.reason
            raise
        else:
            flight.key = key
            with self._lock:
                self._remember(url, key)
            return key
        finally:
            with self._lock:
                del self._flights[url]
            flight.done.set()

    def _fresh(self, url: str, now: datetime) -> SigningKey | None:
        """Return an entry still valid at `now` (marking it recently used), evicting it if it is not."""
        key = self._entries.get(url)
        if key is None:
            return None
        if not key.is_valid_at(now):
            del self._entries[url]
            return None
        self._entries.move_to_end(url)
        return key

    def _remember(self, url: str, key: SigningKey) -> None:
        """Insert a validated key, pushing out the least recently used entry when full."""
        if self._max_entries == 0:
            return
        self._entries[url] = key
        self._entries.move_to_end(url)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    @staticmethod
    def _follow(flight: _Flight) -> SigningKey:
        """Wait for the leading request's download and share its key or its failure."""
        if not flight.done.wait(_FLIGHT_WAIT_SECONDS):
            raise VerificationError("certificate chain: timed out waiting for a concurrent download")
        if flight.key is None:
            raise VerificationError(flight.failure)
        return flight.key
