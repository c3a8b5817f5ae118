"""The Flask (WSGI) app behind granian's ASGI interface, so reading a body has a deadline.

granian reads a WSGI body lazily, on the thread running the request, with no deadline
(emmett-framework/granian#728, "wontfix"): a client trickling its body held a thread for as long as
it liked. Here the whole body is read first, on the event loop, within BODY_DEADLINE_SECONDS (408
past it) and MAX_CONTENT_LENGTH (413 as soon as the limit is passed, chunked bodies included). Only
then does the app run, with the complete body, right on the loop's thread: each worker has ONE
Python thread, so nothing contends for the GIL. A slow client costs a pending read, never a thread.
granian's Rust side goes on accepting connections and buffering bytes while the app runs.

Measured in bench/ (docs/performance.md): handing the app to a one-thread executor instead cost a
quarter of the throughput (a thread hop per request and two threads at the GIL); running it here
matched granian's WSGI interface with one thread. The price: while the app waits (a certificate
download, at most 250 ms; a SQLite lock, at most 1 s), this worker's other requests wait too, as
they would for a single WSGI thread.
(a2wsgi was considered: its WSGIMiddleware hands the app a body read lazily as the app asks, with
no deadline, and runs the app on a thread pool, so it would keep both problems.)

POST / (Alexa's requests) skips Flask: once the body is whole, the bridge hands headers and body to
skill/web/alexa_turn.py, the same function the Flask endpoint calls, so verification, the replay
check, the log lines and the status codes are the ones the Flask path gives (tests/test_asgi.py).
Flask's request and response objects cost more than the rest of the bridge (docs/performance.md).
Every other path (pages, health, 404s, 405s) still goes through Flask.

Every answer gets one line. Alexa's POST / is logged by the turn itself ("answered" or "request
refused", with the request id, status and duration); every other path gets an access line (method,
path, status, duration; never an address, query string, header or body), written right after the
app, in its context, so it carries the request id the app set.
"""
from __future__ import annotations

import asyncio
import importlib
import contextvars
import io
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from skill import config
from skill.web.alexa_turn import Services, answer_alexa

# Alexa gives up after 8 s; a body (a few KB) still arriving after this is a slow client or an attack.
BODY_DEADLINE_SECONDS = 5.0
# The Flask factory every server loads, as a 'module:factory' path.
APP_FACTORY = "skill.app:create_app"
# How serving.run_granian tells each worker which WSGI factory to serve and whether to log access.
WSGI_APP_VARIABLE = "SKILL_SERVE_WSGI_APP"
ACCESS_LOG_VARIABLE = "SKILL_SERVE_ACCESS_LOG"

log = logging.getLogger("skill.web.serving")
access_log = logging.getLogger("skill.access")

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class MalformedBody(Exception):
    """The server could not decode the body (a broken chunked encoding, say); `reason` names the error class."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ScopeHeaders(dict[str, str]):
    """An ASGI request's headers by lower-case name (the first of repeated ones, as Flask's `get` gives)."""

    @classmethod
    def of(cls, scope: Scope) -> ScopeHeaders:
        headers = cls()
        for name, value in scope["headers"]:
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        return headers

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(name.lower(), default)


class WsgiBridge:
    """An ASGI app that reads the whole body under a deadline, then runs the WSGI `app` on the loop's thread.

    `alexa` (the app's Services, when it is the skill's app) answers POST / directly; see the module's docstring.
    """

    def __init__(self, app: WsgiApp, *, max_body_bytes: int, body_deadline: float = BODY_DEADLINE_SECONDS,
                 log_access: bool = True, alexa: Services | None = None) -> None:
        self.app = app
        self.alexa = alexa
        self.max_body_bytes = max_body_bytes
        self.body_deadline = body_deadline
        self.log_access = log_access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here (granian is started with websockets off)
        started = time.perf_counter()
        try:
            body = await self.read_body_within_deadline(scope, receive)
        except ClientGone:
            # granian also reports a body it cannot decode (a broken chunk) as a disconnect: answer 400
            # in case the client is still there; if it really left, the send fails and nothing is lost.
            try:
                await self.refuse(scope, send, 400, "bad request", "body: incomplete", started)
            except Exception:  # granian's own error for a client that has gone
                pass
            return
        except BodyTooLarge:
            await self.refuse(scope, send, 413, "request entity too large", "body: over the limit", started)
            return
        except MalformedBody as error:
            await self.refuse(scope, send, 400, "bad request", f"body: malformed ({error.reason})", started)
            return
        except asyncio.TimeoutError:
            await self.refuse(scope, send, 408, "request timeout", "body: too slow", started)
            return
        # Run here, on the loop's thread, in a fresh context: see the module's docstring for why.
        if self.alexa is not None and scope["method"] == "POST" and scope["path"] == "/":
            status, headers, content = contextvars.Context().run(self.run_alexa, scope, body, started)
        else:
            status, headers, content = contextvars.Context().run(self.run_app, wsgi_environ(scope, body), started)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def read_body_within_deadline(self, scope: Scope, receive: Receive) -> bytes:
        """The whole body, or asyncio.TimeoutError past body_deadline. A timer cancels this very task:
        asyncio.wait_for would run the read as a task of its own, which cost more than the rest of the
        bridge in bench/ (the server's share in docs/performance.md)."""
        task = asyncio.current_task()
        assert task is not None
        expired: list[bool] = []

        def expire() -> None:
            expired.append(True)
            task.cancel()

        timer = asyncio.get_running_loop().call_later(self.body_deadline, expire)
        try:
            return await self.read_body(scope, receive)
        except asyncio.CancelledError:
            if not expired:
                raise  # not ours (the server stopping): let it through
            task.uncancel()
            raise asyncio.TimeoutError from None
        finally:
            timer.cancel()

    async def read_body(self, scope: Scope, receive: Receive) -> bytes:
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await receive()
            except Exception as error:  # granian raises its own error types for a body it cannot decode
                raise MalformedBody(type(error).__name__) from None
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def run_app(self, environ: dict[str, Any], started: float) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The app, whole; in a fresh context, so the request id the app sets dies with this request."""
        response: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            if exc_info and response:
                raise exc_info[1].with_traceback(exc_info[2])
            response[:] = [int(status.split(None, 1)[0]), headers]
            return written.append

        written: list[bytes] = []
        try:
            result = self.app(environ, start_response)
            try:
                content = b"".join([*written, *result])
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            status, headers = response
        except Exception:  # the app's own error handlers failed: a server fault, logged with its traceback
            log.exception("app failed", extra={"status": 500})
            status, headers, content = 500, [("Content-Type", "application/json")], b'{"error":"internal server error"}'
        self.access(environ["REQUEST_METHOD"], environ["PATH_INFO"], status, started)
        return status, [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers], content

    def run_alexa(self, scope: Scope, body: bytes, started: float) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Alexa's turn without Flask: the same function, headers and status codes as the Flask endpoint's."""
        try:
            status, content = answer_alexa(self.alexa, ScopeHeaders.of(scope), body)  # type: ignore[arg-type]
        except Exception:  # as in run_app: a server fault, logged with its traceback
            log.exception("app failed", extra={"status": 500})
            status, content = 500, b'{"error":"internal server error"}'
        # No access line: the turn's own line ("answered", "request refused") already carries the
        # request id, status and duration, and one line a turn is cheaper than two (bench/stages.py).
        return status, [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())], content

    async def refuse(self, scope: Scope, send: Send, status: int, error: str, check: str, started: float) -> None:
        """One WARNING line, no traceback, and the same short JSON as the app's own refusals."""
        log.warning("request refused", extra={"status": status, "check": check})
        content = orjson.dumps({"error": error})
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(content)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": content})
        self.access(scope.get("method", "-"), scope["path"], status, started)

    def access(self, method: str, path: str, status: int, started: float) -> None:
        if self.log_access:
            access_log.info("%s %s", method, path, extra={
                "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 2)})


async def lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: the app is built when the worker loads it."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def wsgi_environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """PEP 3333's environ for a request whose body has been read whole (so its length is known)."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "80",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_LENGTH" or name == "TRANSFER_ENCODING":
            continue  # the body is whole: CONTENT_LENGTH above is its real length
        key = "CONTENT_TYPE" if name == "CONTENT_TYPE" else f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def load_factory(path: str) -> Callable[[], Any]:
    """Import 'module:factory' only when a server loads the app, never when this module is imported."""
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def create_bridge() -> WsgiBridge:
    """granian's factory: the WSGI factory named by serving.run_granian, wrapped in the bridge."""
    app = load_factory(os.environ.get(WSGI_APP_VARIABLE, APP_FACTORY))()
    access_log.setLevel(logging.INFO)  # access lines whatever LOG_LEVEL says, as the servers' own
    limit = getattr(app, "config", {}).get("MAX_CONTENT_LENGTH") or config.DEFAULTS["MAX_CONTENT_LENGTH"]
    return WsgiBridge(app, max_body_bytes=int(limit), log_access=os.environ.get(ACCESS_LOG_VARIABLE, "1") == "1",
                      alexa=getattr(app, "extensions", {}).get("lump_relief"))
