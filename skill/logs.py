"""JSON log lines carrying Alexa's request id, and never her ids, words or the request body."""
from __future__ import annotations

import contextvars
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# The only extra fields a log line may carry; anything else passed in `extra` is dropped.
ALLOWED_FIELDS = ("request_type", "intent", "outcome", "check", "status", "path", "duration_ms", "cause")
# No text in a line is longer than this: a 64 KB path or intent name must not make a 64 KB line.
TEXT_LIMIT = 300


def bind_request_id(envelope: dict[str, Any]) -> None:
    """Tag this request's log lines with Alexa's request id (an id of Amazon's, not hers)."""
    request = envelope.get("request")
    value = request.get("requestId") if isinstance(request, dict) else None
    request_id.set(printable(str(value))[:120] if value else None)


def printable(text: str) -> str:
    """Text without control characters (CR, LF, ESC...), so nothing a caller sends can forge or split a log line."""
    if text.isprintable():  # nearly always: one C call instead of a walk over each character
        return text
    return "".join(character for character in text if character.isprintable())


class JsonFormatter(logging.Formatter):
    _second = -1
    _stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.stamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": printable(record.getMessage())[:TEXT_LIMIT],
        }
        if request_id.get():
            line["request_id"] = request_id.get()
        for name in ALLOWED_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value[:TEXT_LIMIT] if isinstance(value, str) else value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = where_it_failed(record.exc_info[0], record.exc_info[2])
        return orjson.dumps(line, default=str).decode()

    def stamp(self, record: logging.LogRecord) -> str:
        """The record's second, formatted once per second rather than once per line (strftime is slow)."""
        second = int(record.created)
        if second != self._second:
            self._stamp, self._second = self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), second
        return self._stamp


def where_it_failed(kind: type[BaseException], trace: TracebackType | None) -> str:
    """An exception as its class and the frames it came through, innermost first ("KeyError at
    render.py:42 in render_step < ..."): one short line an operator can act on. Never its message,
    which may carry what she said, nor a multi-line traceback."""
    frames = [f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
              for frame in reversed(traceback.extract_tb(trace))]
    return f"{kind.__name__} at {' < '.join(frames) or 'an unknown place'}"[:TEXT_LIMIT]


def configure_logging(level: str = "INFO") -> None:
    """Send the service's logs to stderr as JSON lines; safe to call once per app."""
    root = logging.getLogger("skill")
    root.setLevel(level.upper())
    if not any(getattr(handler, "lump_relief", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.lump_relief = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.propagate = False
