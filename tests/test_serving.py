"""The production server, for real: `python -m skill serve` in a subprocess on loopback, as `make serve` runs it.

The server's process cannot reach the internet here: a sitecustomize (test-only, put on its
PYTHONPATH) sends s3.amazonaws.com to a loopback port that accepts and never answers, and refuses
every other outside name, so the certificate download path is exercised without leaving the machine.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from skill.web import serving
from skill.envelopes import Session
from tests.stores import free_port

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 15.0
OFFLINE_SITECUSTOMIZE = '''
import os, socket
_real = socket.getaddrinfo
def getaddrinfo(host, port, *args, **kwargs):
    if host == "s3.amazonaws.com":
        return _real("127.0.0.1", int(os.environ["TEST_BLACKHOLE_PORT"]), *args, **kwargs)
    if host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", None):
        raise socket.gaierror(socket.EAI_NONAME, "offline test machine")
    return _real(host, port, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
'''


class Server:
    """One `python -m skill serve --port P --workers N` process and what it wrote to stderr."""

    def __init__(self, tmp: Path, blackhole_port: int, *, server: str | None = None, workers: int = 1,
                 preexec_fn: Callable[[], None] | None = None, app: str | None = None, **environment: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        (tmp / "sitecustomize.py").write_text(OFFLINE_SITECUSTOMIZE)
        env = {name: value for name, value in os.environ.items() if not name.startswith(("SKILL_", "ALEXA_", "AWS_"))}
        env |= {"PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}", "TEST_BLACKHOLE_PORT": str(blackhole_port),
                "SKILL_STORE": f"sqlite:///{tmp}/skill.db", **environment}
        # `app` serves another factory through the same settings, as bench/serve.py does.
        start = [str(ROOT / "bench" / "serve.py"), app] if app else ["-m", "skill", "serve"]
        command = [sys.executable, *start, "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(workers)]
        if server:
            command += ["--server", server]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        self.wait_until_answering()

    def wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.log()}", pytrace=False)
            try:
                self.request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"server did not answer within {START_SECONDS:.0f} s:\n{self.log()}", pytrace=False)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, dict, float]:
        """Status, JSON body and seconds taken; error statuses are answers here, not exceptions."""
        started = time.monotonic()
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        return status, json.loads(payload), time.monotonic() - started

    def stop(self, timeout: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def blackhole() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word: S3 on a very bad day."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, blackhole: int) -> Iterator[Server]:
    """The production defaults: verification on, SQLite store, the default server."""
    running = Server(tmp_path_factory.mktemp("serve"), blackhole)
    yield running
    running.stop()


def test_healthz_reports_the_store_reachable(server: Server) -> None:
    assert server.request("GET", "/healthz")[:2] == (200, {"status": "ok", "store": "reachable"})


def test_unsigned_request_is_refused_with_json_in_under_a_second(server: Server) -> None:
    body = json.dumps(Session().launch()).encode()
    status, payload, seconds = server.request("POST", "/", body, {"Content-Type": "application/json"})
    assert (status, payload) == (400, {"error": "request could not be verified"})
    assert seconds < 1


def test_a_certificate_download_that_hangs_is_refused_within_five_seconds(server: Server) -> None:
    body = json.dumps(Session().launch()).encode()
    headers = {"Content-Type": "application/json", "Signature-256": "c2lnbmF0dXJl",
               "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/unreachable.pem"}
    status, payload, seconds = server.request("POST", "/", body, headers)
    assert (status, payload) == (400, {"error": "request could not be verified"})
    assert seconds < 5


def test_wrong_method_gets_405_json(server: Server) -> None:
    assert server.request("GET", "/")[:2] == (405, {"error": "method not allowed"})


def test_huge_body_gets_413_json(server: Server) -> None:
    status, payload, _ = server.request("POST", "/", b"{" + b" " * 300_000 + b"}", {"Content-Type": "application/json"})
    assert (status, payload) == (413, {"error": "request entity too large"})


def test_logs_are_json_lines_without_addresses_or_bodies(server: Server) -> None:
    server.request("GET", "/healthz")
    lines = [json.loads(line) for line in server.log().splitlines() if line.strip()]
    access = [line for line in lines if line["message"] == "GET /healthz"]
    assert access and access[-1]["status"] == 200 and "duration_ms" in access[-1]
    assert "127.0.0.1:" not in server.log().replace(f"127.0.0.1:{server.port}", "")


@pytest.mark.parametrize("server_name", serving.SERVERS)
def test_answers_carry_alexas_request_id_into_the_logs(tmp_path: Path, blackhole: int, server_name: str) -> None:
    running = Server(tmp_path, blackhole, server=server_name, ALEXA_VERIFY_REQUESTS="false")
    try:
        envelope = Session(user_id="amzn1.ask.account.SECRET-MOTHER").launch()
        status, payload, _ = running.request("POST", "/", json.dumps(envelope).encode(),
                                             {"Content-Type": "application/json"})
        running.request("GET", "/healthz")
    finally:
        running.stop()
    assert status == 200 and payload["response"]["outputSpeech"]["ssml"]
    request_id = envelope["request"]["requestId"]
    lines = [json.loads(line) for line in running.log().splitlines() if line.strip()]
    tagged = [line["message"] for line in lines if line.get("request_id") == request_id]
    # One line a turn under granian: the answer's own line is its access line. gunicorn adds its own.
    assert tagged == (["answered"] if server_name == "granian" else ["answered", "POST /"])
    [answered] = [line for line in lines if line["message"] == "answered"]
    assert answered["status"] == 200 and answered["duration_ms"] > 0
    assert not any(line.get("request_id") for line in lines if line["message"] == "GET /healthz")
    assert "SECRET-MOTHER" not in running.log()


def test_healthz_is_503_when_the_store_cannot_be_opened(tmp_path: Path, blackhole: int) -> None:
    running = Server(tmp_path, blackhole, SKILL_STORE=f"sqlite:///{tmp_path}/missing/dir/skill.db")
    try:
        assert running.request("GET", "/healthz")[:2] == (503, {"status": "unavailable", "store": "unreachable"})
    finally:
        running.stop()


@pytest.mark.parametrize("server_name", serving.SERVERS)
def test_sigterm_stops_each_server_gracefully_with_exit_code_0(tmp_path: Path, blackhole: int,
                                                               server_name: str) -> None:
    running = Server(tmp_path, blackhole, server=server_name)
    assert running.request("GET", "/healthz")[0] == 200
    started = time.monotonic()
    assert running.stop() == 0
    assert time.monotonic() - started < serving.GRACEFUL_TIMEOUT_SECONDS


def test_defaults_bind_every_address_on_8080_with_a_worker_per_core() -> None:
    settings = serving.parse_args([], environ={})
    assert (settings.host, settings.port, settings.server) == ("0.0.0.0", 8080, serving.DEFAULT_SERVER)
    assert settings.workers == serving.default_workers(serving.usable_cores())
    assert serving.default_workers(2) == 2 and serving.default_workers(64) == serving.MAX_DEFAULT_WORKERS


def test_platform_variables_and_flags_override_the_defaults() -> None:
    settings = serving.parse_args([], environ={"PORT": "9000", "WEB_CONCURRENCY": "2"})
    assert (settings.port, settings.workers) == (9000, 2)
    settings = serving.parse_args(["--port", "7000", "--workers", "1", "--server", "gunicorn"],
                                  environ={"PORT": "9000", "WEB_CONCURRENCY": "2"})
    assert (settings.port, settings.workers, settings.server) == (7000, 1, "gunicorn")


def test_gunicorn_keeps_every_time_limit_under_alexas_eight_seconds() -> None:
    options = serving.gunicorn_options(serving.ServeSettings())
    assert options["timeout"] < 8 and options["graceful_timeout"] < 8
    assert options["preload_app"] is True and options["worker_class"].endswith("IdleSafeThreadWorker")


class CountingBlackhole:
    """S3 standing in on loopback: accepts every connection, counts it, and never says a word."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def test_a_flood_of_fresh_certificate_urls_costs_two_downloads_and_no_waiting(tmp_path: Path) -> None:
    """Issue 12's attack, counted rather than timed: 40 fresh URLs while S3 never answers."""
    s3 = CountingBlackhole()
    running = Server(tmp_path, s3.port)
    try:
        waits = []
        for n in range(40):
            body = json.dumps(Session().launch()).encode()
            headers = {"Content-Type": "application/json", "Signature-256": base64.b64encode(os.urandom(256)).decode(),
                       "SignatureCertChainUrl": f"https://s3.amazonaws.com/echo.api/fresh-{n}.pem"}
            status, payload, seconds = running.request("POST", "/", body, headers)
            assert (status, payload) == (400, {"error": "request could not be verified"})
            waits.append(seconds)
        assert len(s3.accepted) <= 2, "at most two downloads in flight per process"
        assert max(waits) < 1.0, "no request waits for a download that never ends"
    finally:
        running.stop()
        s3.close()
    assert "Traceback" not in running.log()


@pytest.fixture(scope="module")
def unverified_server(tmp_path_factory: pytest.TempPathFactory, blackhole: int) -> Iterator[Server]:
    """Signature checks off, so a plain launch is answered 200 (as behind the console or a tunnel)."""
    running = Server(tmp_path_factory.mktemp("unverified"), blackhole, ALEXA_VERIFY_REQUESTS="false")
    yield running
    running.stop()


def _trickle(port: int, stop: threading.Event) -> None:
    """A client that declares a 1,000-byte body and sends it one byte a second."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: skill\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 1000\r\n\r\n")
        while not stop.wait(1.0):
            try:
                connection.sendall(b" ")
            except OSError:
                return


def test_two_clients_trickling_bodies_do_not_hold_up_her_answers(unverified_server: Server) -> None:
    stop = threading.Event()
    tricklers = [threading.Thread(target=_trickle, args=(unverified_server.port, stop)) for _ in range(2)]
    for trickler in tricklers:
        trickler.start()
    try:
        time.sleep(0.5)  # both slow bodies are being read
        body = json.dumps(Session().launch()).encode()
        answers = []
        for _ in range(5):
            answers.append(unverified_server.request("POST", "/", body, {"Content-Type": "application/json"}))
            time.sleep(0.2)
    finally:
        stop.set()
        for trickler in tricklers:
            trickler.join(timeout=5)
    assert [status for status, _, _ in answers] == [200] * 5
    assert max(seconds for _, _, seconds in answers) < 1.0, "a slow body holds one thread, not the worker"


def test_a_body_still_trickling_at_the_deadline_gets_408_and_others_are_answered(unverified_server: Server) -> None:
    from skill.web.asgi import BODY_DEADLINE_SECONDS

    with socket.create_connection(("127.0.0.1", unverified_server.port)) as slow:
        slow.settimeout(BODY_DEADLINE_SECONDS + 3)
        started = time.monotonic()
        slow.sendall(b"POST / HTTP/1.1\r\nHost: skill\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{")
        body = json.dumps(Session().launch()).encode()
        during = unverified_server.request("POST", "/", body, {"Content-Type": "application/json"})
        answer = b""
        while time.monotonic() - started < BODY_DEADLINE_SECONDS + 3:  # one byte every half second
            try:
                slow.sendall(b" ")
            except OSError:
                pass
            if _wait_readable(slow, 0.5):
                chunk = slow.recv(4096)
                answer += chunk
                if not chunk or answer.rstrip().endswith(b"}"):
                    break
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"error": "request timeout"}
    assert BODY_DEADLINE_SECONDS - 0.5 < waited < BODY_DEADLINE_SECONDS + 1.5
    assert during[0] == 200 and during[2] < 1.0
    assert unverified_server.request("GET", "/healthz")[0] == 200
    lines = [json.loads(line) for line in unverified_server.log().splitlines() if line.startswith("{")]
    refusals = [line for line in lines if line.get("status") == 408]
    assert [line["message"] for line in refusals] == ["request refused", "POST /"]
    assert refusals[0]["level"] == "WARNING" and "error" not in refusals[0]


def _wait_readable(connection: socket.socket, seconds: float) -> bool:
    import select
    return bool(select.select([connection], [], [], seconds)[0])


def _post_chunked(server: Server, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """POST `body` in 8 KB chunks, as a careful client does: once the server has answered (a 413
    comes before the body ends, and the connection then closes) it stops sending and reads."""
    head = "".join(f"{name}: {value}\r\n" for name, value in
                   {"Content-Type": "application/json", **(headers or {})}.items())
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                           f"Connection: close\r\n{head}\r\n".encode())
        try:
            for start in range(0, len(body), 8192):
                if _wait_readable(connection, 0):
                    break
                chunk = body[start:start + 8192]
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the rest arrived: its answer is read below
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, json.loads(response.read())


def test_a_chunked_body_over_the_limit_gets_413_not_a_cut_body(unverified_server: Server) -> None:
    envelope = Session().launch()
    envelope["padding"] = "x" * (200 * 1024)
    assert _post_chunked(unverified_server, json.dumps(envelope).encode()) == (413, {"error": "request entity too large"})


def test_a_chunked_body_within_the_limit_is_read_whole(unverified_server: Server) -> None:
    status, payload = _post_chunked(unverified_server, json.dumps(Session().launch()).encode())
    assert status == 200 and "outputSpeech" in payload["response"]


def test_gunicorn_also_refuses_a_chunked_body_over_the_limit_with_413(tmp_path: Path, blackhole: int) -> None:
    running = Server(tmp_path, blackhole, server="gunicorn", ALEXA_VERIFY_REQUESTS="false")
    try:
        envelope = Session().launch()
        envelope["padding"] = "x" * (200 * 1024)
        assert _post_chunked(running, json.dumps(envelope).encode())[0] == 413
        assert _post_chunked(running, json.dumps(Session().launch()).encode())[0] == 200
    finally:
        running.stop()


def test_signed_requests_verify_through_the_server_byte_for_byte(tmp_path: Path, blackhole: int) -> None:
    """The signature covers the exact raw bytes: the server must hand the app the body untouched."""
    from bench.signed import sign_request, write_pki

    pki = write_pki(tmp_path / "pki")
    running = Server(tmp_path, blackhole, app="bench.wsgi_full:create_app", LUMP_RELIEF_BENCH_PKI=str(tmp_path / "pki"),
                     SKILL_ID="amzn1.ask.skill.lump-relief-guide-local")
    try:
        signed = sign_request(pki, tmp_path, "signed")
        headers = {"Content-Type": "application/json", **signed.headers}
        status, payload, _ = running.request("POST", "/", signed.body, headers)
        again = sign_request(pki, tmp_path, "signed-again")  # a new request id: a replay would be refused
        chunked = _post_chunked(running, again.body, again.headers)
        changed = running.request("POST", "/", signed.body + b" ", headers)[:2]
        health = running.request("GET", "/healthz")[0]
        pages = []
        for path in ("/privacy", "/terms"):
            with urllib.request.urlopen(running.url + path, timeout=10) as page:
                pages.append((page.status, page.headers.get_content_type(), b"</html>" in page.read().lower()))
    finally:
        running.stop()
    assert status == 200 and payload["response"]["outputSpeech"]["ssml"]
    assert chunked[0] == 200 and chunked[1]["response"]["outputSpeech"]["ssml"]
    assert changed == (400, {"error": "request could not be verified"})
    assert health == 200 and pages == [(200, "text/html", True)] * 2


@pytest.mark.parametrize("setting, value", [("SKILL_STORE", "postgres://user:secret@host/db"),
                                            ("MAX_CONTENT_LENGTH", "abc"), ("LOG_LEVEL", "bogus"),
                                            ("ALEXA_API_ENDPOINT", "https://evil.example.com"), ("PORT", "notaport")])
def test_a_wrong_setting_stops_the_start_with_one_logged_line_naming_it(tmp_path: Path, setting: str,
                                                                        value: str) -> None:
    """Each used to stop the server with a 16-23 line traceback, one event per line in a log pipeline
    (service audit 2026-12-07). A password in a store URL is never repeated."""
    env = {**os.environ, "SKILL_STORE": f"sqlite:///{tmp_path / 'skill.db'}", setting: value}
    done = subprocess.run([sys.executable, "-m", "skill", "serve", "--port", str(free_port())], cwd=tmp_path,
                          env=env | {"PYTHONPATH": str(Path(__file__).resolve().parents[1])},
                          capture_output=True, text=True, timeout=60)
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    line = json.loads(lines[0])
    assert line["level"] == "ERROR" and setting in line["cause"]
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
