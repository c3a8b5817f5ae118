"""Settings: defaults, then environment variables, then whatever a test passes in.

Every variable here is documented in the README's "Settings" table.
"""
from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

DEFAULTS: dict[str, Any] = {
    # Comma-separated Alexa skill ids allowed to call us; empty accepts any (logged loudly).
    "SKILL_ID": "",
    # Signature and timestamp checks; only ever off for the console, tunnels and local tests.
    "ALEXA_VERIFY_REQUESTS": True,
    # Where her place in the steps is remembered: sqlite:///file.db or dynamodb://TABLE.
    "SKILL_STORE": "sqlite:///lump-relief.db",
    # Alexa requests are a few KB; anything far larger is refused with 413 before it is read.
    "MAX_CONTENT_LENGTH": 128 * 1024,
    # Logging level for the service's own logs (JSON lines on stderr).
    "LOG_LEVEL": "INFO",
    # A loopback stand-in for Alexa's APIs (reminders, time zone), for tests and local trials only;
    # empty (the default) calls the apiEndpoint each request names, and only Amazon's.
    "ALEXA_API_ENDPOINT": "",
}

FALSE_WORDS = {"0", "false", "no", "off"}
log = logging.getLogger(__name__)


def from_environment(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Read the settings the operator set, converting each to the type of its default."""
    settings: dict[str, Any] = {}
    for name, default in DEFAULTS.items():
        if name not in environ:
            continue
        raw = environ[name].strip()
        if isinstance(default, bool):
            settings[name] = raw.lower() not in FALSE_WORDS
        elif isinstance(default, int):
            if not raw.isdigit():
                raise ValueError(f"{name} must be a whole number, not {raw[:40]!r}")
            settings[name] = int(raw)
        else:
            settings[name] = raw
    return settings


def skill_ids(value: str | frozenset[str] | set[str]) -> frozenset[str]:
    """`SKILL_ID` may list several skills (a dev and a live skill share one service)."""
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(",") if part.strip())
    return frozenset(value)


def check(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Every setting read as the service will read it, so a wrong one stops the start in one line;
    the settings read, when none is wrong. Each error names its setting first."""
    settings = from_environment(environ)
    level = str(settings.get("LOG_LEVEL", DEFAULTS["LOG_LEVEL"])).upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level[:40]!r}")
    loopback_url(settings.get("ALEXA_API_ENDPOINT", ""))
    return settings


def settings_or_defaults(environ: Mapping[str, str] = os.environ) -> tuple[dict[str, Any], dict[str, str]]:
    """For a host with no start-up to stop (Lambda): the settings as `check` reads them, each wrong one
    left at its default, and what was wrong with each (to be logged once), so she is still answered."""
    settings, wrong = dict(DEFAULTS), {}
    for name in [name for name in DEFAULTS if name in environ]:  # in DEFAULTS' order: the same lines each cold start
        try:
            settings.update(check({name: environ[name]}))
        except ValueError as error:
            wrong[name] = str(error)
    return settings, wrong


def api_stand_in(value: str) -> str | None:
    """`ALEXA_API_ENDPOINT`: None when off; a loopback http(s) URL; anything else stops start-up."""
    value = loopback_url(value)
    if value is None:
        return None
    log.warning("ALEXA_API_ENDPOINT is set: reminder calls go to the local stand-in, never to Amazon; "
                "never set it in production", extra={"check": "settings"})
    return value


def loopback_url(value: str) -> str | None:
    """The stand-in's URL without its trailing slash, None when empty; ValueError unless loopback."""
    value = value.strip()
    if not value:
        return None
    parts = urlsplit(value)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback or parts.query or parts.fragment:
        raise ValueError("ALEXA_API_ENDPOINT must be a loopback http(s) URL (a local stand-in), or empty")
    return value.rstrip("/")
