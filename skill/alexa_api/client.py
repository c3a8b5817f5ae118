"""One short call to an Alexa API: Amazon's hosts only, a real timeout, one attempt, a named fault.

ask-sdk-core's own API client sets no timeout and refuses a plain-HTTP stand-in, so the skill uses
http.client directly. Every fault becomes AlexaApiError with a fixed reason (safe to log: never her
ids, the token or the body), so a handler can answer calmly and keep the rest of the turn.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# The apiEndpoint values Alexa sends, by region (Request and response JSON reference, System object).
AMAZON_ENDPOINTS = frozenset({
    "https://api.amazonalexa.com", "https://api.eu.amazonalexa.com", "https://api.fe.amazonalexa.com",
})
TIMEOUT_SECONDS = 0.8  # one breath of waiting at most: the answer she asked for must not wait on this
MAX_ANSWER_BYTES = 256 * 1024


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
        if override:
            return cls(base=override.rstrip("/"), token=token)
        endpoint = (api_endpoint or "").rstrip("/")
        if endpoint not in AMAZON_ENDPOINTS:
            raise AlexaApiError("foreign endpoint")
        return cls(base=endpoint, token=token)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Send one request and return its JSON (None for an empty answer); any fault raises AlexaApiError."""
        import http.client  # here, not at the top: only a reminder needs it, and a Lambda cold start would pay
        import socket

        parts = urlsplit(self.base)
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, f"{parts.path.rstrip('/')}{path}", body=payload, headers=headers)
            answer = connection.getresponse()
            raw = answer.read(MAX_ANSWER_BYTES + 1)
        except (TimeoutError, socket.timeout) as error:
            raise AlexaApiError("timeout") from error
        except (OSError, http.client.HTTPException) as error:
            raise AlexaApiError("unreachable") from error
        finally:
            connection.close()
        if not 200 <= answer.status < 300:
            raise AlexaApiError(reason_for(answer.status), answer.status)
        if len(raw) > MAX_ANSWER_BYTES:
            raise AlexaApiError("malformed", answer.status)
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise AlexaApiError("malformed", answer.status) from error
