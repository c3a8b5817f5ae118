"""Step 2: accept only Amazon's certificate location, in one canonical form, before anything is downloaded."""
from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from .constants import CERT_URL_FILE_NAME, CERT_URL_HOST, CERT_URL_PATH_PREFIX, CERT_URL_PORT, CERT_URL_SCHEME
from .errors import VerificationError

_FILE_NAME = re.compile(CERT_URL_FILE_NAME)
# Longer than any URL Amazon sends, short enough that parsing it costs nothing.
_MAX_URL_LENGTH = 512


def checked_chain_url(url: str) -> str:
    """Return the one canonical URL to download and cache under, or say which part of Amazon's rule it breaks.

    Every spelling Amazon allows (host case, :443, dot segments) maps to the same string, and anything
    that could name a different object on S3 under the same file (a query, a fragment) is refused, so an
    outsider can neither bypass the cache nor push the real chain out of it.
    """
    if len(url) > _MAX_URL_LENGTH:
        raise VerificationError("certificate url: too long")
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
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise VerificationError("certificate url: has a query or a fragment")
    path = _normalised_path(parts.path)
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(f"certificate url: path does not start with {CERT_URL_PATH_PREFIX}")
    file_name = path[len(CERT_URL_PATH_PREFIX):]
    if not _FILE_NAME.fullmatch(file_name):
        raise VerificationError("certificate url: not a plain file name under /echo.api/")
    return f"{CERT_URL_SCHEME}://{CERT_URL_HOST}{CERT_URL_PATH_PREFIX}{file_name}"


def _normalised_path(raw_path: str) -> str:
    """Resolve `.` and `..` segments (percent-escaped ones too) the way a POSIX path would."""
    path = unquote(raw_path)
    if "\\" in path or "\x00" in path:
        raise VerificationError("certificate url: path has a backslash or NUL")
    return posixpath.normpath(path) if path else ""
