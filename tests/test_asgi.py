"""The ASGI bridge in-process (tests/test_serving.py runs it under granian): the environ it builds and its limits."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from flask import Flask, request

from skill.web.asgi import WsgiBridge, wsgi_environ

SCOPE: dict[str, Any] = {
    "type": "http", "method": "POST", "path": "/caf\u00e9", "root_path": "", "query_string": b"a=1&b=%20",
    "http_version": "1.1", "scheme": "https", "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 5000),
    "headers": [(b"content-type", b"application/json"), (b"x-thing", b"one"), (b"x-thing", b"two"),
                (b"transfer-encoding", b"chunked"), (b"signature", b"abc")],
}


def test_the_environ_is_pep_3333_with_the_whole_body_and_its_real_length() -> None:
    environ = wsgi_environ(SCOPE, b'{"a": 1} ')
    assert (environ["REQUEST_METHOD"], environ["PATH_INFO"], environ["QUERY_STRING"]) == (
        "POST", "/caf\u00e9".encode().decode("latin-1"), "a=1&b=%20")
    assert (environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"]) == ("application/json", "9")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"], environ["wsgi.url_scheme"]) == ("127.0.0.1", "8080", "https")
    assert environ["HTTP_X_THING"] == "one,two" and environ["HTTP_SIGNATURE"] == "abc"
    assert "HTTP_TRANSFER_ENCODING" not in environ and "HTTP_CONTENT_TYPE" not in environ
    assert environ["wsgi.input"].read() == b'{"a": 1} '


def _echo_app() -> Flask:
    app = Flask(__name__)

    @app.post("/")
    def echo() -> Any:
        return {"body": request.get_data(as_text=True), "length": request.content_length}

    return app


def _call(bridge: WsgiBridge, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    messages = [{"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
                for index, chunk in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(bridge({**SCOPE, "path": "/", "query_string": b"", "headers": headers}, receive, send))
    return sent[0]["status"], sent[1]["body"]


def test_a_body_in_pieces_reaches_the_app_byte_for_byte() -> None:
    bridge = WsgiBridge(_echo_app(), max_body_bytes=100)
    status, body = _call(bridge, [b'{"x":', b' "\xc3\xa9" ', b"}"], [(b"content-type", b"application/json")])
    assert status == 200 and json.loads(body) == {"body": '{"x": "\u00e9" }', "length": 12}


def test_a_chunked_body_past_the_limit_is_413_before_the_app_runs() -> None:
    bridge = WsgiBridge(_echo_app(), max_body_bytes=10)
    assert _call(bridge, [b"123456", b"78901", b"more"], []) == (413, b'{"error":"request entity too large"}')
    assert _call(bridge, [b"x"], [(b"content-length", b"11")]) == (413, b'{"error":"request entity too large"}')


def _direct_and_flask(app: Flask, body: bytes, headers: dict[str, str]) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    """The same request through the bridge's direct path for POST / and through Flask's endpoint."""
    bridge = WsgiBridge(app, max_body_bytes=app.config["MAX_CONTENT_LENGTH"], log_access=False,
                        alexa=app.extensions["lump_relief"])
    direct = _call(bridge, [body], [(name.lower().encode(), value.encode()) for name, value in headers.items()])
    answer = app.test_client().post("/", data=body, headers=headers)
    return direct, (answer.status_code, answer.data)


def test_alexa_s_post_skips_flask_with_the_same_answers_checks_and_replay_refusals(
        app_factory, sqlite_store_url: str, log_lines: list[str]) -> None:
    from skill.envelopes import Session
    from tests.signing import TestPKI
    pki = TestPKI()
    app = app_factory(sqlite_store_url, VERIFIER=pki.verifier())()
    session = Session()
    for envelope in (session.launch(), session.intent("RelieveLumpIntent")):
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json", **pki.sign_headers(body)}
        direct, flask_path = _direct_and_flask(app, body, headers)
        assert direct[0] == 200 and json.loads(direct[1])["response"]["outputSpeech"]["ssml"]
        assert flask_path == (400, b'{"error":"request already answered"}')  # the direct path remembered it
    unsigned = json.dumps(session.intent("RelieveLumpIntent")).encode()
    direct, flask_path = _direct_and_flask(app, unsigned, {"Content-Type": "application/json"})
    assert direct == flask_path and direct[0] == 400
    refused = [(line["check"], line["status"]) for line in map(json.loads, log_lines) if line["message"] == "request refused"]
    assert refused == [("replayed request id", 400)] * 2 + [(refused[-1][0], 400)] * 2
    assert refused[-1][0].startswith("headers:")
