"""Checks that a request really comes from Alexa for this skill, before any handler reads it.

One small module per check. May import only config/logs/envelopes.
"""
from __future__ import annotations

from .errors import MalformedRequest, VerificationError
from .verifier import RequestVerifier

__all__ = ["MalformedRequest", "RequestVerifier", "VerificationError"]
