"""The recipe in order: headers, certificate URL, chain, signature, then JSON, timestamp and application id."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from cryptography.x509.verification import Store

from .cache import SigningKeyCache
from .chain import SigningKey, validated_signing_key
from .envelope import check_application_id, check_timestamp, parse_envelope
from .errors import VerificationError
from .fetch import download_chain
from .headers import signing_headers
from .signature import check_body_signature
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
    ) -> None:
        self._skill_ids = frozenset(skill_ids)
        self._check_signature = check_signature
        self._trust_store = trust_store
        self._store_lock = threading.Lock()
        self._fetch_chain = fetch_chain or download_chain
        self._clock = clock or _utc_now
        self._keys = SigningKeyCache(cache_size)

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Return the parsed JSON envelope, or raise VerificationError naming the failed check."""
        if not self._check_signature:
            envelope = parse_envelope(body)
            check_application_id(envelope, self._skill_ids)
            return envelope
        chain_url, signature = signing_headers(headers)
        canonical_url = checked_chain_url(chain_url)
        now = self._now()
        key = self._keys.get(canonical_url, now, lambda: self._load_key(canonical_url, now))
        check_body_signature(key.public_key, signature, body)
        envelope = parse_envelope(body)
        check_timestamp(envelope, now)
        check_application_id(envelope, self._skill_ids)
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
