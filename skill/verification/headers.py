"""Step 1: find the two signing headers, whatever case the HTTP stack gave them."""
from __future__ import annotations

from collections.abc import Mapping

from .constants import CERT_CHAIN_URL_HEADER, SIGNATURE_HEADER
from .errors import VerificationError


def _header(headers: Mapping[str, str], name: str) -> str:
    """Look a header up case-insensitively, so Flask's headers and a plain dict both work."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    if not value or not value.strip():
        raise VerificationError(f"headers: {name} is missing")
    return value.strip()


def signing_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """Return (certificate chain URL, signature) or name the header that is absent."""
    return _header(headers, CERT_CHAIN_URL_HEADER), _header(headers, SIGNATURE_HEADER)
