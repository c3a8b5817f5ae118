"""The roots a signing chain must lead to: certifi's bundle, read once and only when first needed."""
from __future__ import annotations

import threading
import warnings

import certifi
from cryptography import utils as crypto_utils
from cryptography import x509
from cryptography.x509.verification import Store

_PEM_END = b"-----END CERTIFICATE-----"
_lock = threading.Lock()
_store: Store | None = None


def default_trust_store() -> Store:
    """Return the process-wide certifi store, loading it on first use so import stays cheap."""
    global _store
    with _lock:
        if _store is None:
            with open(certifi.where(), "rb") as bundle:
                _store = Store(_roots(bundle.read()))
        return _store


def _roots(bundle: bytes) -> list[x509.Certificate]:
    """Parse each root on its own, so one certificate cryptography dislikes cannot empty the store."""
    roots = []
    with warnings.catch_warnings():
        # A few public roots carry non-positive serials; cryptography warns about them on every load.
        warnings.simplefilter("ignore", crypto_utils.CryptographyDeprecationWarning)
        for block in bundle.split(_PEM_END):
            if b"-----BEGIN CERTIFICATE-----" not in block:
                continue
            try:
                roots.append(x509.load_pem_x509_certificate(block + _PEM_END))
            except ValueError:
                continue
    return roots
