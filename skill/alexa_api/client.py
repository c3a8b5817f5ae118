"""One short call to an Alexa API: Amazon's hosts only, a total deadline, one attempt, a named fault.

ask-sdk-core's own API client sets no timeout and refuses a plain-HTTP stand-in, so the skill uses
http.client directly. A socket timeout bounds each read and not the name lookup, so the whole call
(lookup, connect, every read) runs in a worker thread waited on for at most TIMEOUT_SECONDS, or what
is left of the turn's budget (skill/turn.py); at the deadline its socket is shut so the thread ends
too. An API that times out or keeps this worker waiting too long in total is skipped for SKIP_SECONDS
by every turn on the worker, so a queue of reminder turns pays one wait, not one each.
Every fault becomes AlexaApiError with a fixed reason (safe to log: never her ids, the token or the
body), so a handler can answer calmly and keep the rest of the turn.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from skill import turn

log = logging.getLogger(__name__)

# The apiEndpoint values Alexa sends, by region (Request and response JSON reference, System object).
AMAZON_ENDPOINTS = frozenset({
    "https://api.amazonalexa.com", "https://api.eu.amazonalexa.com", "https://api.fe.amazonalexa.com",
})
TIMEOUT_SECONDS = 0.8  # one breath of waiting at most: the answer she asked for must not wait on this
MAX_ANSWER_BYTES = 256 * 1024
# After a timeout, or once the API kept this worker waiting over turn.SLOW_BUDGET_SECONDS within a
# few seconds, every turn on the worker skips it for this long (one calm sentence instead of a wait).
SKIP_SECONDS = 5.0
# What a bearer token may hold (RFC 6750's b64token, and then some): never a space, CR, LF or control.
TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=|:")
MAX_TOKEN_LENGTH = 8192


class Skipping:
    """Per API base: until when every call is skipped, and how long it kept this worker waiting lately."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}
        self._slowness: dict[str, turn.Slowness] = {}

    def skipped(self, base: str) -> bool:
        with self._lock:
            return self._until.get(base, 0.0) > time.monotonic()

    def waited(self, base: str, seconds: float, timed_out: bool) -> None:
        with self._lock:
            slowness = self._slowness.setdefault(base, turn.Slowness())
        if slowness.add(seconds) or timed_out:
            with self._lock:
                self._until[base] = time.monotonic() + SKIP_SECONDS
            log.warning("Alexa API slow or silent; skipped for a few seconds",
                        extra={"outcome": "api skipped", "duration_ms": round(seconds * 1000, 1)})

    def clear(self) -> None:
        with self._lock:
            self._until.clear()
            self._slowness.clear()


SKIPPING = Skipping()


class AlexaApiError(Exception):
    """A call that did not succeed; `reason` is one of a few fixed words."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def reason_for(status: int) -> str:
    if status == 401:
        return "unauthorized"
    if status == 403:
        return "forbidden"
    if status == 429:
        return "throttled"
    if status >= 500:
        return "unavailable"
    return "rejected"


@dataclass(frozen=True)
class AlexaApi:
    """Her API base and token for this request; build it with `for_request`."""

    base: str
    token: str
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def for_request(cls, api_endpoint: str | None, token: str | None, override: str | None = None) -> AlexaApi:
        """The request's apiEndpoint if it is Amazon's (or the loopback stand-in the settings name)."""
        if not token:
            raise AlexaApiError("no token")
        if len(token) > MAX_TOKEN_LENGTH or not set(token) <= TOKEN_CHARACTERS:
            raise AlexaApiError("malformed token")  # a header it would break, or a log line
        if override:
            return cls(base=override.rstrip("/"), token=token)
        endpoint = (api_endpoint or "").rstrip("/")
        if endpoint not in AMAZON_ENDPOINTS:
            raise AlexaApiError("foreign endpoint")
        return cls(base=endpoint, token=token)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Send one request and return its JSON (None for an empty answer); any fault raises AlexaApiError."""
        if SKIPPING.skipped(self.base):
            raise AlexaApiError("skipped")
        seconds = turn.left(self.timeout)
        if seconds <= 0:
            raise AlexaApiError("no time left")
        opened: list[http.client.HTTPConnection] = []
        started = time.monotonic()
        try:
            status, raw = turn.call_within(seconds, self._exchange, method, path, body, opened,
                                               on_abandon=lambda: abandon(opened))
        except turn.DeadlineExceeded as error:
            SKIPPING.waited(self.base, time.monotonic() - started, timed_out=True)
            raise AlexaApiError("timeout") from error
        SKIPPING.waited(self.base, time.monotonic() - started, timed_out=False)
        if not 200 <= status < 300:
            raise AlexaApiError(reason_for(status), status)
        if len(raw) > MAX_ANSWER_BYTES:
            raise AlexaApiError("malformed", status)
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise AlexaApiError("malformed", status) from error

    def _exchange(self, method: str, path: str, body: dict[str, Any] | None,
                  opened: list[http.client.HTTPConnection]) -> tuple[int, bytes]:
        """The call itself, in the worker thread: status and at most MAX_ANSWER_BYTES + 1 of the answer."""
        import http.client  # here, not at the top: only a reminder needs it, and a Lambda cold start would pay
        parts = urlsplit(self.base)
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
        opened.append(connection)
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, f"{parts.path.rstrip('/')}{path}", body=payload, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.read(MAX_ANSWER_BYTES + 1)
        except (TimeoutError, socket.timeout) as error:
            raise AlexaApiError("timeout") from error
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise AlexaApiError("unreachable") from None if isinstance(error, ValueError) else error
        finally:
            connection.close()


def abandon(opened: list[http.client.HTTPConnection]) -> None:
    """Shut the abandoned call's socket, so its thread stops waiting for a byte that may never come."""
    for connection in opened:
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
