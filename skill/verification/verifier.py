"""The recipe in order, cheapest first and the network last.

Headers (present, signature well-formed) -> certificate URL (canonical) -> body size -> JSON (bounded)
-> timestamp -> application id -> chain (cached, rationed downloads) -> signature over the raw bytes.
Each step raises a VerificationError naming its reason; the parsed envelope is returned only once the
signature holds.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.x509.verification import Store

from .cache import SigningKeyCache
from .chain import SigningKey, validated_signing_key
from .constants import (
    CHAIN_DOWNLOAD_SLOTS, CHAIN_DOWNLOAD_WAIT_SECONDS, CHAIN_FAILURE_MEMORY, CHAIN_FAILURE_TTL, MAX_BODY_BYTES,
)
from .envelope import check_application_id, check_body_size, check_timestamp, parse_envelope
from .errors import VerificationError
from .fetch import download_chain
from .headers import signing_headers
from .signature import check_body_signature, decoded_signature
from .trust import default_trust_store
from .url import checked_chain_url

logger = logging.getLogger(__name__)


def _utc_now() -> datetime:
    """Default clock: aware UTC, so comparisons with certificate dates never mix naive and aware."""
    return datetime.now(timezone.utc)


class RequestVerifier:
    """Verifies that a request really comes from Alexa for this skill, and returns its parsed envelope."""

    def __init__(
        self,
        *,
        skill_ids: frozenset[str] = frozenset(),
        check_signature: bool = True,
        trust_store: Store | None = None,
        fetch_chain: Callable[[str], bytes] | None = None,
        clock: Callable[[], datetime] | None = None,
        cache_size: int = 32,
        max_body_bytes: int = MAX_BODY_BYTES,
        download_slots: int = CHAIN_DOWNLOAD_SLOTS,
        download_wait: float = CHAIN_DOWNLOAD_WAIT_SECONDS,
        failure_ttl: timedelta = CHAIN_FAILURE_TTL,
        failure_memory: int = CHAIN_FAILURE_MEMORY,
    ) -> None:
        self._skill_ids = frozenset(skill_ids)
        self._check_signature = check_signature
        self._trust_store = trust_store
        self._store_lock = threading.Lock()
        self._fetch_chain = fetch_chain or download_chain
        self._clock = clock or _utc_now
        self._max_body_bytes = max_body_bytes
        self._keys = SigningKeyCache(cache_size, download_slots=download_slots, download_wait=download_wait,
                                     failure_ttl=failure_ttl, failure_memory=failure_memory)

    @property
    def checks_signature(self) -> bool:
        """Whether requests are checked as Alexa's (off only for local testing and benchmarks)."""
        return self._check_signature

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Return the parsed JSON envelope, or raise VerificationError naming the failed check."""
        if not self._check_signature:
            check_body_size(body, self._max_body_bytes)
            envelope = parse_envelope(body)
            check_application_id(envelope, self._skill_ids)
            return envelope
        chain_url, signature_header = signing_headers(headers)
        signature = decoded_signature(signature_header)
        canonical_url = checked_chain_url(chain_url)
        check_body_size(body, self._max_body_bytes)
        envelope = parse_envelope(body)
        now = self._now()
        check_timestamp(envelope, now)
        check_application_id(envelope, self._skill_ids)
        key = self._keys.get(canonical_url, now, lambda: self._load_key(canonical_url, now))
        check_body_signature(key.public_key, signature, body)
        return envelope

    def _now(self) -> datetime:
        """Read the injected clock, treating a naive answer as UTC."""
        now = self._clock()
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)

    def _store(self) -> Store:
        """Resolve the trust store on first use, so building a verifier never reads the CA bundle."""
        with self._store_lock:
            if self._trust_store is None:
                self._trust_store = default_trust_store()
            return self._trust_store

    def _load_key(self, url: str, now: datetime) -> SigningKey:
        """Download and validate one chain; a fetcher's OSError (timeouts included) becomes a VerificationError."""
        try:
            pem = self._fetch_chain(url)
        except OSError as error:
            raise VerificationError("certificate chain: download failed") from error
        key = validated_signing_key(pem, store=self._store(), now=now)
        logger.info("validated signing chain %s, cached until %s", url, key.not_after.isoformat())
        return key
