"""Step 7a: what a certificate URL may cost a process: validated keys cached, failures remembered, few downloads.

Any caller can name a URL under https://s3.amazonaws.com/echo.api/, so downloads are rationed: the
validated key is cached per canonical URL (bounded, least recently used out first), a URL that failed
is refused without a new download for a while (bounded too), at most `download_slots` downloads run at
once, each in its own thread up to the fetcher's deadline, and a request waits for one only
`download_wait` seconds. A request that finds every slot taken, or whose download is still running when
its wait ends, is refused at once: a certificate URL costs the service no more than any other bad request.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from .chain import SigningKey
from .constants import CHAIN_DOWNLOAD_SLOTS, CHAIN_DOWNLOAD_WAIT_SECONDS, CHAIN_FAILURE_MEMORY, CHAIN_FAILURE_TTL
from .errors import VerificationError

log = logging.getLogger(__name__)


class _Flight:
    """One download in progress, whose outcome every request waiting on that URL shares."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.key: SigningKey | None = None
        self.failure = "certificate chain: download failed"


class SigningKeyCache:
    """Validated keys by canonical URL, recent failures, and the downloads in flight, under one lock."""

    def __init__(
        self,
        max_entries: int,
        *,
        download_slots: int = CHAIN_DOWNLOAD_SLOTS,
        download_wait: float = CHAIN_DOWNLOAD_WAIT_SECONDS,
        failure_ttl: timedelta = CHAIN_FAILURE_TTL,
        failure_memory: int = CHAIN_FAILURE_MEMORY,
    ) -> None:
        if max_entries < 0:
            raise ValueError("cache_size must be zero or more")
        if download_slots < 1 or download_wait < 0 or failure_memory < 0:
            raise ValueError("download_slots must be 1 or more; download_wait and failure_memory not negative")
        self._max_entries = max_entries
        self._slots = download_slots
        self._wait = download_wait
        self._failure_ttl = failure_ttl
        self._failure_memory = failure_memory
        self._entries: OrderedDict[str, SigningKey] = OrderedDict()
        self._failures: OrderedDict[str, tuple[datetime, str]] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def downloads_in_flight(self) -> int:
        with self._lock:
            return len(self._flights)

    def remembered_failures(self) -> int:
        with self._lock:
            return len(self._failures)

    def get(self, url: str, now: datetime, load: Callable[[], SigningKey]) -> SigningKey:
        """Return the key for `url`: cached, or from a download this request may start or join, within the budget."""
        with self._lock:
            key = self._fresh(url, now)
            if key is not None:
                return key
            self._refuse_recent_failure(url, now)
            flight = self._flights.get(url)
            starting = flight is None
            if flight is None:
                if len(self._flights) >= self._slots:
                    raise VerificationError("certificate chain: every download slot is busy")
                flight = self._flights[url] = _Flight()
        if starting:
            threading.Thread(target=self._download, args=(url, now, load, flight),
                             name="chain-download", daemon=True).start()
        if not flight.done.wait(self._wait):
            raise VerificationError("certificate chain: download still in progress")
        if flight.key is None:
            raise VerificationError(flight.failure)
        return flight.key

    def _download(self, url: str, now: datetime, load: Callable[[], SigningKey], flight: _Flight) -> None:
        """Run one download to its end (its own deadline bounds it), then cache the key or remember the failure."""
        try:
            flight.key = load()
        except VerificationError as error:
            flight.failure = error.reason
        except Exception:  # a fetcher bug must not kill the thread silently or leave the slot taken
            log.exception("certificate download failed unexpectedly", extra={"check": "certificate chain"})
        finally:
            with self._lock:
                if flight.key is not None:
                    self._remember(url, flight.key)
                else:
                    self._remember_failure(url, now, flight.failure)
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

    def _refuse_recent_failure(self, url: str, now: datetime) -> None:
        """Raise the remembered reason while a failure is recent; forget it once its time is up."""
        remembered = self._failures.get(url)
        if remembered is None:
            return
        until, reason = remembered
        if now < until:
            raise VerificationError(f"{reason} (remembered)")
        del self._failures[url]

    def _remember(self, url: str, key: SigningKey) -> None:
        """Insert a validated key, pushing out the least recently used entry when full."""
        self._failures.pop(url, None)
        if self._max_entries == 0:
            return
        self._entries[url] = key
        self._entries.move_to_end(url)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def _remember_failure(self, url: str, now: datetime, reason: str) -> None:
        """Note a failed URL until `now` + the TTL, forgetting the oldest failure when the memory is full."""
        if self._failure_memory == 0:
            return
        self._failures[url] = (now + self._failure_ttl, reason)
        self._failures.move_to_end(url)
        while len(self._failures) > self._failure_memory:
            self._failures.popitem(last=False)
