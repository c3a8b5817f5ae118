"""A deadline per turn: with Alexa's Reminders API or DynamoDB slow, hanging or trickling, no turn on a
worker, hers or another mother's queued behind it, takes more than 3 s.

Real server processes (`python -m skill serve`, one granian worker, so turns queue as they do in
production), with loopback stand-ins: tests/alexa_api_stand_in.py for Alexa's API, and below a proxy in
front of dynalite that answers late, never, or a byte at a time.
"""
from __future__ import annotations

import http.client
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from skill.envelopes import Device, Session
from tests.alexa_api_stand_in import AlexaApiStandIn
from tests.stores import LOCAL_AWS, fresh_table_url
from tests.test_serving import Server, blackhole  # noqa: F401  (fixture by name)

JSON = {"Content-Type": "application/json"}
ANSWER_SECONDS = 3.0
AT_ONCE = 12
SCOPE = "alexa::alerts:reminders:skill:readwrite"


def post(server: Server, envelope: dict[str, Any]) -> tuple[int, str, float]:
    status, body, seconds = server.request("POST", "/", json.dumps(envelope).encode(), JSON, timeout=30)
    return status, body.get("response", {}).get("outputSpeech", {}).get("ssml", ""), seconds


def reminder_turn(server: Server, n: int) -> tuple[int, str, float]:
    """A mother with the permission asks for a reminder: one call to the Reminders API."""
    session = Session(user_id=f"amzn1.ask.account.REMIND-{n}", device=Device(device_id=f"amzn1.ask.device.{n}"))
    envelope = session.intent("RemindMeIntent", {"duration": {"value": "PT12H", "id": None}})
    system = envelope["context"]["System"]
    system["apiAccessToken"] = "stand-in-token"
    system["user"]["permissions"] = {"scopes": {SCOPE: {"status": "GRANTED"}}}
    return post(server, envelope)


def plain_launch(server: Server, n: int) -> tuple[int, str, float]:
    session = Session(user_id=f"amzn1.ask.account.BYSTANDER-{n}", device=Device(device_id=f"amzn1.ask.device.b{n}"))
    return post(server, session.launch())


def rush(server: Server, turn: Any) -> tuple[list[tuple[int, str, float]], tuple[int, str, float]]:
    """AT_ONCE turns at the same moment, and another mother's plain launch just behind them."""
    with ThreadPoolExecutor(max_workers=AT_ONCE + 1) as pool:
        turns = [pool.submit(turn, server, n) for n in range(AT_ONCE)]
        time.sleep(0.05)
        bystander = pool.submit(plain_launch, server, 0)
        return [future.result() for future in turns], bystander.result()


# Alexa's Reminders API -------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["slow", "hang", "trickle"])
def test_a_slow_hanging_or_trickling_reminders_api_keeps_every_turn_on_the_worker_within_three_seconds(
        tmp_path: Path, blackhole: int, fault: str) -> None:
    with AlexaApiStandIn() as amazon:
        running = Server(tmp_path, blackhole, ALEXA_VERIFY_REQUESTS="false", ALEXA_API_ENDPOINT=amazon.url)
        try:
            assert reminder_turn(running, 99)[0] == 200 and amazon.sent("POST")  # answered in time when well
            amazon.fault = fault
            turns, bystander = rush(running, reminder_turn)
        finally:
            running.stop()
    assert [status for status, _, _ in turns] == [200] * AT_ONCE and bystander[0] == 200
    slowest = max(seconds for _, _, seconds in [*turns, bystander])
    assert slowest < ANSWER_SECONDS, f"a turn took {slowest:.1f} s"
    assert "not medical advice" in bystander[1].lower()
    assert "Traceback" not in running.log()


# DynamoDB ----------------------------------------------------------------------------------------------

class DynamoDbStandIn:
    """A proxy in front of dynalite: passes calls through, or answers each late, never, or a byte at a time."""

    SLOW_SECONDS = 0.45  # just under botocore's read timeout (0.5 s): every call answers, slowly
    TRICKLE_SECONDS = 0.3

    def __init__(self, upstream: str) -> None:
        self.mode = "pass"
        self.released = threading.Event()
        target = urlsplit(upstream)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                mode = stand_in.mode
                if mode == "hang":
                    stand_in.released.wait(10)
                    self.close_connection = True
                    return
                upstream_connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                try:
                    upstream_connection.request("POST", self.path, body, dict(self.headers))
                    answer = upstream_connection.getresponse()
                    data, status, headers = answer.read(), answer.status, answer.getheaders()
                finally:
                    upstream_connection.close()
                if mode == "slow":
                    stand_in.released.wait(stand_in.SLOW_SECONDS)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if mode != "trickle":
                    self.wfile.write(data)
                    return
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if stand_in.released.wait(stand_in.TRICKLE_SECONDS):
                        return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("mode", ["slow", "hang", "trickle"])
def test_a_slow_hanging_or_trickling_dynamodb_keeps_every_turn_on_the_worker_within_three_seconds(
        tmp_path: Path, blackhole: int, dynalite_endpoint: str, mode: str) -> None:
    dynamodb = DynamoDbStandIn(dynalite_endpoint)
    environment = {name: os.environ[name] for name in LOCAL_AWS} | {"AWS_ENDPOINT_URL_DYNAMODB": dynamodb.url}
    try:
        running = Server(tmp_path, blackhole, ALEXA_VERIFY_REQUESTS="false", SKILL_STORE=fresh_table_url(),
                         **environment)
        try:
            assert plain_launch(running, 99)[0] == 200  # the table is made while the store is well
            dynamodb.mode = mode
            turns, bystander = rush(running, lambda server, n: plain_launch(server, n + 1))
        finally:
            running.stop()
    finally:
        dynamodb.close()
    assert [status for status, _, _ in turns] == [200] * AT_ONCE and bystander[0] == 200
    assert all("not medical advice" in speech.lower() for _, speech, _ in [*turns, bystander])
    slowest = max(seconds for _, _, seconds in [*turns, bystander])
    assert slowest < ANSWER_SECONDS, f"a turn took {slowest:.1f} s"
    assert "Traceback" not in running.log()
