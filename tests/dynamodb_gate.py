"""A loopback stand-in for IAM and for TTL in front of dynalite: it forwards every DynamoDB call, except
that it refuses the operations a test denies (AccessDeniedException, as a role without that permission
gets) and reports TTL as DynamoDB would once enabled (dynalite has no UpdateTimeToLive and always says
DISABLED)."""
from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

TARGET_PREFIX = "DynamoDB_20120810."


@contextmanager
def dynamodb_gate(dynalite_url: str, denied: set[str] = frozenset(), ttl_enabled: set[str] = frozenset(),
                  calls: list[tuple[str, int]] | None = None) -> Iterator[str]:
    """Yield the gate's URL; `denied` are operation names (UpdateTimeToLive), `ttl_enabled` table names;
    `calls`, if given, collects each call's operation and the client port it came from (its connection)."""
    upstream = urlsplit(dynalite_url)

    class Gate(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep connections open, as botocore's pool expects

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            operation = self.headers.get("X-Amz-Target", "").removeprefix(TARGET_PREFIX)
            if calls is not None:
                calls.append((operation, self.client_address[1]))
            if operation in denied:
                return self.answer(400, {"__type": "com.amazon.coral.service#AccessDeniedException",
                                         "message": f"User is not authorized to perform: dynamodb:{operation}"})
            if operation == "DescribeTimeToLive" and json.loads(body).get("TableName") in ttl_enabled:
                return self.answer(200, {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED",
                                                                   "AttributeName": "expires_at"}})
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=5)
            headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
            connection.request("POST", self.path, body=body, headers=headers)
            reply = connection.getresponse()
            payload = reply.read()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("content-length", "connection", "keep-alive", "transfer-encoding", "date",
                                        "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            connection.close()

        def answer(self, status: int, document: dict) -> None:
            payload = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
