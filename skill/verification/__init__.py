"""Checks that a request really comes from Alexa for this skill, before any handler reads it.

One small module per check. May import only config/logs/envelopes.
RequestVerifier (the certificate chain and signature, with cryptography's X.509) is loaded only when
asked for, so Lambda, which checks the caller in its trigger, never pays for importing it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import MalformedRequest, VerificationError

if TYPE_CHECKING:
    from .verifier import RequestVerifier

__all__ = ["MalformedRequest", "RequestVerifier", "VerificationError"]


def __getattr__(name: str) -> Any:
    if name == "RequestVerifier":
        from .verifier import RequestVerifier
        return RequestVerifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
