"""The only code that knows HTTP: raw body in, verify, dispatch to the skill, JSON out.

Every failure is a short JSON error with the right status and one log line naming the check
that failed; nothing the caller sends can produce a 500 or a stack trace.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge, RequestTimeout

from skill.persistence import is_reachable
from skill.web.alexa_turn import Services, answer_alexa, refusal, to_json

try:  # gunicorn's errors for a body it cannot decode (chunk sizes, terminators); absent on Lambda
    from gunicorn.http.errors import ParseException
    SERVER_PARSE_ERRORS: tuple[type[Exception], ...] = (ParseException,)
except ImportError:  # pragma: no cover
    SERVER_PARSE_ERRORS = ()

alexa = Blueprint("alexa", __name__)


def services() -> Services:
    return current_app.extensions["lump_relief"]


def respond(status: int, content: bytes) -> Response:
    return Response(content, status=status, mimetype="application/json")


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    return respond(status, to_json(payload))


def refuse(status: int, error: str, check: str) -> Response:
    """The turn's own refusal (one WARNING line naming the check), as Flask's response."""
    return respond(*refusal(status, error, check))


@alexa.post("/")
def alexa_request() -> Response:
    """The turn itself is framework-free (skill/web/alexa_turn.py); here only the body is read."""
    body = read_body(current_app.config["MAX_CONTENT_LENGTH"])
    return respond(*answer_alexa(services(), request.headers, body))


class MalformedBody(BadRequest):
    """A body the server could not decode (a broken chunked encoding): 400, never a 500."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def read_body(limit: int) -> bytes:
    """The raw body, refused with 413 past `limit` whether or not the client declared its length.

    A declared Content-Length over the limit is refused before a byte is read; a chunked body is read
    to at most `limit` + 1 bytes, so an oversized one gets 413 rather than arriving cut short and
    failing the signature. Under granian the ASGI bridge (skill/web/asgi.py) has already read the whole
    body within its deadline; under gunicorn the client socket ends this read at the request's deadline
    (serving.ReadDeadlineSocket), and a body still arriving then gets 408.
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise RequestEntityTooLarge()
    stream = request.environ["wsgi.input"]
    try:
        body = stream.read(declared if declared is not None else limit + 1)
    except TimeoutError:
        raise RequestTimeout() from None
    except (OSError, ValueError, *SERVER_PARSE_ERRORS) as error:
        raise MalformedBody(type(error).__name__) from None
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body


@alexa.get("/healthz")
def health() -> Response:
    """Up, and the store takes a real write right now (503 when not, so a balancer moves on). A failing
    probe is logged once, with its cause, by the store's guard; the access line carries the 503."""
    if is_reachable(services().persistence):
        return json_response({"status": "ok", "store": "reachable"})
    return json_response({"status": "unavailable", "store": "unreachable"}, 503)


def http_error(error: HTTPException) -> Response:
    """405, 404, 413...: the same short JSON as every other refusal."""
    if isinstance(error, MalformedBody):
        return refuse(400, "bad request", f"body: malformed ({error.reason})")
    return refuse(error.code or 400, error.name.lower(), f"http: {error.name}")


def init_web(app: Flask, service: Services) -> None:
    app.extensions["lump_relief"] = service
    app.register_blueprint(alexa)
    app.register_error_handler(HTTPException, http_error)
