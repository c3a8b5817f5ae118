"""Step 2: accept only Amazon's certificate location before anything is downloaded."""
from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote, urlsplit

from .constants import CERT_URL_HOST, CERT_URL_PATH_PREFIX, CERT_URL_PORT, CERT_URL_SCHEME
from .errors import VerificationError


def checked_chain_url(url: str) -> str:
    """Return the canonical URL to download, or say which part of Amazon's URL rule it breaks."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise VerificationError("certificate url: not a valid URL") from error
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise VerificationError(f"certificate url: scheme is not {CERT_URL_SCHEME}")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationError(f"certificate url: host is not {CERT_URL_HOST}")
    if port is not None and port != CERT_URL_PORT:
        raise VerificationError(f"certificate url: port is not {CERT_URL_PORT}")
    path = _normalised_path(parts.path)
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(f"certificate url: path does not start with {CERT_URL_PATH_PREFIX}")
    query = f"?{parts.query}" if parts.query else ""
    return f"{CERT_URL_SCHEME}://{CERT_URL_HOST}{quote(path)}{query}"


def _normalised_path(raw_path: str) -> str:
    """Resolve `.` and `..` segments (percent-escaped ones too) the way a POSIX path would."""
    path = unquote(raw_path)
    if "\\" in path or "\x00" in path:
        raise VerificationError("certificate url: path has a backslash or NUL")
    return posixpath.normpath(path) if path else ""
