"""python -m skill serve: the production server with this repo's settings, so every host serves alike.

Two servers share one set of settings: granian (the default: it served the full pipeline faster in
bench/, see docs/performance.md) and gunicorn. Both get the same bind, worker count, time
limits well under Alexa's 8 s, graceful shutdown on SIGTERM, and JSON logs whose access lines carry
method, path, status and duration, never an address, query string, header or body. granian serves the
Flask app through skill/web/asgi.py, which reads each body whole, under a deadline, before the app runs.
"""
from __future__ import annotations

import argparse
import errno
import logging
import os
import re
import selectors
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger
from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import TConn, ThreadWorker

from skill import config, logs
from skill.persistence import DEFAULT_STORE_URL, store_target
from skill.web.asgi import APP_FACTORY, load_factory

log = logging.getLogger(__name__)
SERVERS = ("granian", "gunicorn")
DEFAULT_SERVER = "granian"
DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8080
# Alexa gives up after 8 s; a gunicorn worker silent this long is killed and replaced.
WORKER_TIMEOUT_SECONDS = 5
# On SIGTERM, answers in flight get this long to finish before workers are stopped.
GRACEFUL_TIMEOUT_SECONDS = 5
# A client (or proxy) must finish sending its headers within this; stops slow-header attacks.
HEADER_READ_TIMEOUT_MS = 5000
# Each worker holds 45-60 MB (docs/performance.md); past this many, add machines, not workers.
MAX_DEFAULT_WORKERS = 8
# A gunicorn request (headers and body, a few KB) must arrive whole within this, as under granian:
# a socket timeout bounds each read, so a client trickling a byte at a time would hold a thread forever.
REQUEST_READ_SECONDS = 5.0
# gunicorn threads per worker (gthread): an idle or slow connection waits in the worker's poller and
# holds no thread; a sync worker gave its one thread to whichever socket it accepted, so four idle
# connections made every probe fail for 12 s (docs/operations.md).
GUNICORN_THREADS = 4
# granian restarts a dead worker after this pause (the OOM killer took it, say); the others keep serving.
RESPAWN_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class ServeSettings:
    """Everything `serve` needs; `app` is a 'module:factory' path so the benchmark can serve its own."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    server: str = DEFAULT_SERVER
    access_log: bool = True
    app: str = APP_FACTORY


def default_workers(cores: int) -> int:
    """One worker per usable core: a turn is CPU work (the store answers in well under a millisecond on
    SQLite), and bench/ measured more workers than cores adding no throughput but raising p99 latency."""
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def usable_cores() -> int:
    """Cores this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_args(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> ServeSettings:
    """Command line first, then PORT and WEB_CONCURRENCY (as platforms set them), then the defaults."""
    parser = argparse.ArgumentParser(prog="python -m skill serve", description="Start the production server.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    port = str(environ.get("PORT", DEFAULT_PORT)).strip()
    if not port.isdigit():
        raise ValueError(f"PORT must be a whole number, not {port[:40]!r}")
    parser.add_argument("--port", type=int, default=int(port),
                        help=f"port to bind (default $PORT or {DEFAULT_PORT})")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default $WEB_CONCURRENCY, else one per usable core, at most 8)")
    parser.add_argument("--server", choices=SERVERS, default=DEFAULT_SERVER, help=f"default {DEFAULT_SERVER}")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="leave out the one JSON line per request")
    options = parser.parse_args(list(argv))
    workers = options.workers or int(environ.get("WEB_CONCURRENCY", 0)) or default_workers(usable_cores())
    if workers < 1:
        parser.error("--workers must be 1 or more")
    return ServeSettings(host=options.host, port=options.port, workers=workers,
                         server=options.server, access_log=options.access_log)


def main(argv: Sequence[str]) -> int:
    """`python -m skill serve [options]`, as `make serve` and the Dockerfile run it. A wrong setting
    stops the start with one logged line and status 2, not a traceback from each worker."""
    try:
        settings = parse_args(argv)
        config.check()
        check_store_url(os.environ.get("SKILL_STORE", DEFAULT_STORE_URL))
    except ValueError as error:
        logs.configure_logging("INFO")
        log.error("cannot start: a setting is wrong", extra={"check": "settings", "cause": str(error)})
        return 2
    return serve(settings)


def check_store_url(url: str) -> None:
    """SKILL_STORE read as the app will read it, without building the store (nor importing boto3)."""
    try:
        store_target(url)
    except ValueError as error:
        raise ValueError(f"SKILL_STORE: {error}") from None


def serve(settings: ServeSettings) -> int:
    """Run the chosen server in the foreground until SIGTERM or SIGINT; returns its exit status."""
    logs.configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    runner = run_granian if settings.server == "granian" else run_gunicorn
    try:
        runner(settings)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0


# gunicorn ---------------------------------------------------------------------------------------


def run_gunicorn(settings: ServeSettings) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):  # type: ignore[misc]
        """gunicorn configured in code: nothing read from gunicorn.conf.py or GUNICORN_CMD_ARGS."""

        def load_config(self) -> None:
            for name, value in gunicorn_options(settings).items():
                if name in self.cfg.settings:  # control_socket_disable exists from gunicorn 25.1 on
                    self.cfg.set(name, value)

        def load(self) -> Any:
            return load_factory(settings.app)()

    Application(prog="python -m skill serve").run()


def gunicorn_options(settings: ServeSettings) -> dict[str, Any]:
    """Threaded workers, so an idle connection holds no worker; the app is built once, before fork."""
    return {
        "bind": [f"{settings.host}:{settings.port}"],
        "workers": settings.workers,
        "worker_class": "skill.web.serving.IdleSafeThreadWorker",
        "threads": GUNICORN_THREADS,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        # Content is loaded and checked once: a broken file stops the master, not every worker.
        # The SQLite store opens its connection per process on first use, so forking after is safe.
        "preload_app": True,
        "logger_class": JsonGunicornLogger,
        "accesslog": "-" if settings.access_log else None,
        "errorlog": "-",
        "loglevel": os.environ.get("LOG_LEVEL", "INFO").lower(),
        "proc_name": "lump-relief",
        # No admin socket in $HOME: two servers on one host would fight over it, and it needs no remote control.
        "control_socket_disable": True,
    }


class IdleSafeThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, but a new connection waits in the worker's poller until it sends a byte.

    gthread hands each new connection to a thread that waits up to 5 s for data, so as many idle
    connections as threads stalled every probe. Here a new connection takes the same path gthread
    gives a connection that sent nothing in time (its pending queue): no thread until it is readable,
    closed after the keepalive time if it never is.

    Each request must also arrive whole within REQUEST_READ_SECONDS (ReadDeadlineSocket): a client
    trickling its headers or a chunk, or announcing a chunk it never sends, frees its thread then.
    """

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        client.setblocking(False)
        connection = TConn(self.cfg, ReadDeadlineSocket(client), address, listener.getsockname())
        connection.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(connection)
        self.poller.register(connection.sock, selectors.EVENT_READ,
                             partial(self.on_pending_socket_readable, connection))

    def handle(self, conn: TConn) -> Any:
        """A request's reading starts now (a kept-alive connection's next request gets a fresh deadline)."""
        if isinstance(conn.sock, ReadDeadlineSocket):
            conn.sock.deadline = time.monotonic() + REQUEST_READ_SECONDS
        return super().handle(conn)


class ReadDeadline(NoMoreData, TimeoutError):
    """The request did not arrive in time: gunicorn closes quietly (no more data), the app answers 408."""


class ReadDeadlineSocket:
    """A client socket whose reads share one deadline per request; writes are not limited by it."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline: float | None = None

    def recv(self, size: int, *flags: int) -> bytes:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise ReadDeadline()
            self._sock.settimeout(left)
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError:
            raise ReadDeadline() from None
        finally:
            if self.deadline is not None:
                self._sock.settimeout(None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


# gunicorn names the client in its refusal of a malformed request ("Invalid request from ip=...: ").
CLIENT_ADDRESS = re.compile(r" from ip=.*?: ")


class WithoutClientAddress(logging.Filter):
    """Drops the client's address from gunicorn's own error lines (logs never carry addresses)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = CLIENT_ADDRESS.sub(": ", record.msg, count=1)
        return True


class JsonGunicornLogger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's own lines as JSON, without client addresses, and an access line built from four safe fields only."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(WithoutClientAddress())
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(logs.JsonFormatter())
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)  # every JSON line on stderr, as with granian

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """One line per request; the request id the app set is attached, then cleared for the next request."""
        if self.access_log_enabled:
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            self.access_log.info(
                "%s %s", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                extra={"status": int(status), "duration_ms": round(request_time.total_seconds() * 1000, 2)},
            )
        logs.request_id.set(None)


# granian ----------------------------------------------------------------------------------------


def run_granian(settings: ServeSettings) -> None:
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.server import Server

    from skill.web import asgi

    # Build the app once here, so broken content stops the server at start rather than failing
    # every respawned worker (workers are respawned below).
    load_factory(settings.app)()
    # Each worker builds the bridge around this WSGI factory (skill/web/asgi.py create_bridge).
    os.environ[asgi.WSGI_APP_VARIABLE] = settings.app
    os.environ[asgi.ACCESS_LOG_VARIABLE] = "1" if settings.access_log else "0"
    Server(
        "skill.web.asgi:create_bridge",
        address=settings.host,
        port=settings.port,
        # granian reads a WSGI body lazily, on the thread running the request, with no deadline
        # (emmett-framework/granian#728, "wontfix"): a client trickling its body held a thread.
        # Under the ASGI interface, skill/web/asgi.py reads the whole body on the event loop within
        # asgi.BODY_DEADLINE_SECONDS (408 past it) and MAX_CONTENT_LENGTH (413), then runs the app on
        # the loop's own thread: one Python thread per worker, nothing at the GIL but the app
        # (docs/performance.md). No lifespan (ASGINL): the app is built when the worker loads it.
        interface=Interfaces.ASGINL,
        # uvloop (requirements-server.txt) served 15 % more answers per second than asyncio's own loop
        # in bench/run.py; named here so a missing uvloop stops the start instead of slowing it quietly.
        loop=Loops.uvloop,
        # The TLS proxy in front speaks HTTP/1.1 to us; skipping HTTP/2 detection trimmed p99 in bench/.
        http=HTTPModes.http1,
        websockets=False,
        factory=True,
        workers=settings.workers,
        blocking_threads=1,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
        workers_kill_timeout=GRACEFUL_TIMEOUT_SECONDS,
        # A worker that dies (the OOM killer, a crash) is replaced and the others keep answering;
        # content was checked above, so a respawned worker does not fail the same way forever.
        respawn_failed_workers=True,
        respawn_interval=RESPAWN_INTERVAL_SECONDS,
        log_dictconfig=granian_log_config(),
        log_level=os.environ.get("LOG_LEVEL", "INFO").lower(),
        # The bridge writes the access line itself, on the app's thread, with the request id.
        log_access=False,
    ).serve()


def granian_log_config() -> dict[str, Any]:
    """granian's own server lines as JSON on stderr, like the app's (access lines come from skill/web/asgi.py)."""
    formatter = {"()": "skill.logs.JsonFormatter"}
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"}
    return {
        "formatters": {"json": formatter},
        "handlers": {"json": handler},
        "loggers": {"_granian": {"handlers": ["json"], "propagate": False}},
    }


def with_app(settings: ServeSettings, app: str) -> ServeSettings:
    """The same settings serving another WSGI factory (the benchmark's signed-request and echo apps)."""
    return replace(settings, app=app)
