"""Errors that name the check a request failed, so the web layer can log and answer without guessing."""
from __future__ import annotations


class VerificationError(Exception):
    """A request failed a check; `reason` is short, fixed text that is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MalformedRequest(VerificationError):
    """The body is not JSON or not an Alexa request envelope, so nothing downstream can read it."""
