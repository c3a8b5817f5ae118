"""A real HTTP server on loopback that stands in for Alexa's APIs: it records every call it gets and
answers as Amazon would, or with the fault a test asks for.

    with AlexaApiStandIn() as amazon:
        amazon.fault = 429             # or 401, 403, 500, 503, "malformed", "hang", "slow", "trickle"
        ... amazon.calls ...           # (method, path, authorization, JSON body) of every call
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

REMINDERS = "/v1/alerts/reminders"
HANG_SECONDS = 3.0  # far past the client's timeout
SLOW_SECONDS = 0.7  # an answer just inside the client's per-call timeout
TRICKLE_SECONDS = 0.5  # "trickle": the headers at once, then the body one byte every half second


@dataclass
class Call:
    method: str
    path: str
    authorization: str | None
    body: Any


@dataclass
class AlexaApiStandIn:
    time_zone: str = "America/New_York"
    fault: int | str | None = None
    calls: list[Call] = field(default_factory=list)
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)  # alert token -> reminder

    def __enter__(self) -> AlexaApiStandIn:
        stand_in = self
        self.released = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                stand_in.calls.append(Call(self.command, self.path, self.headers.get("Authorization"), body))
                status, payload = stand_in.respond(self.command, self.path, body)
                if status is None:
                    stand_in.released.wait(HANG_SECONDS)
                    return
                if stand_in.fault == "slow":
                    stand_in.released.wait(SLOW_SECONDS)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if stand_in.fault != "trickle":
                    self.wfile.write(data)
                    return
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if stand_in.released.wait(TRICKLE_SECONDS):
                        return

            do_GET = do_POST = do_DELETE = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def respond(self, method: str, path: str, body: Any) -> tuple[int | None, Any]:
        if self.fault == "hang":
            return None, None
        if self.fault in ("slow", "trickle"):
            return self.answer_as_amazon(method, path, body)
        if self.fault == "malformed":
            return 200, b"{not json"
        if isinstance(self.fault, int):
            return self.fault, {"code": "ERROR", "message": "stand-in fault"}
        return self.answer_as_amazon(method, path, body)

    def answer_as_amazon(self, method: str, path: str, body: Any) -> tuple[int | None, Any]:
        if path.endswith("/settings/System.timeZone"):
            return 200, self.time_zone
        if path == REMINDERS and method == "POST":
            token = f"alert-{len(self.reminders) + 1}"
            offset = body["trigger"]["offsetInSeconds"]
            due = datetime.now(ZoneInfo(self.time_zone)) + timedelta(seconds=offset)  # her local time, no offset
            self.reminders[token] = {"alertToken": token, "status": "ON", "trigger": {
                "type": "SCHEDULED_RELATIVE", "offsetInSeconds": offset, "timeZoneId": self.time_zone,
                "scheduledTime": due.strftime("%Y-%m-%dT%H:%M:%S.000")}}
            return 201, {"alertToken": token, "status": "ON"}
        if path == REMINDERS and method == "GET":
            return 200, {"totalCount": str(len(self.reminders)), "alerts": list(self.reminders.values())}
        if path.startswith(f"{REMINDERS}/") and method == "DELETE":
            return (200, b"") if self.reminders.pop(path.rsplit("/", 1)[1], None) else (404, {"code": "NOT_FOUND"})
        return 404, {"code": "NOT_FOUND"}

    def sent(self, method: str, path: str = REMINDERS) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.path == path]
