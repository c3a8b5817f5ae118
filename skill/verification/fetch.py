"""Step 3a: download a certificate chain with a hard deadline and a size cap, so a slow S3 never hangs a request."""
from __future__ import annotations

import http.client
import socket
import ssl
import threading
from functools import cache
from urllib.parse import urlsplit

import certifi

from .constants import CHAIN_FETCH_TIMEOUT_SECONDS, CHAIN_MAX_BYTES
from .errors import VerificationError


@cache
def _default_tls_context() -> ssl.SSLContext:
    """Build the TLS context once: certifi's roots, so the download works on slim images too."""
    return ssl.create_default_context(cafile=certifi.where())


class _Connection(http.client.HTTPSConnection):
    """An HTTPS connection that keeps hold of its socket, which http.client hands to the response on close."""

    live_socket: socket.socket | None = None

    def connect(self) -> None:
        super().connect()
        self.live_socket = self.sock

    def cut(self) -> None:
        """Shut the socket down under a blocked read so the download thread ends soon after the deadline."""
        if self.live_socket is None:
            return
        try:
            # The plain-socket shutdown wakes a TLS read without unwrapping the TLS object beneath it.
            socket.socket.shutdown(self.live_socket, socket.SHUT_RDWR)
        except OSError:
            return


def download_chain(
    url: str,
    *,
    timeout: float = CHAIN_FETCH_TIMEOUT_SECONDS,
    max_bytes: int = CHAIN_MAX_BYTES,
    tls_context: ssl.SSLContext | None = None,
) -> bytes:
    """GET an https URL and return its body, raising VerificationError once `timeout` seconds have passed in total."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise VerificationError("certificate chain: download needs an https URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _Connection(
        parts.hostname, parts.port or 443, timeout=timeout, context=tls_context or _default_tls_context()
    )
    outcome: dict[str, bytes | VerificationError] = {}
    # Socket timeouts bound each read; running in a thread bounds their sum, even against a server that drips.
    worker = threading.Thread(target=_get, args=(connection, target, max_bytes, outcome), daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        connection.cut()
        raise VerificationError("certificate chain: download timed out")
    result = outcome.get("result", VerificationError("certificate chain: download failed"))
    if isinstance(result, VerificationError):
        raise result
    return result


def _get(
    connection: _Connection, target: str, max_bytes: int, outcome: dict[str, bytes | VerificationError]
) -> None:
    """Do the blocking GET and leave its body, or the reason it failed, in `outcome`."""
    response: http.client.HTTPResponse | None = None
    try:
        connection.request("GET", target, headers={"Accept": "application/x-pem-file, */*"})
        response = connection.getresponse()
        if response.status != 200:
            raise VerificationError(f"certificate chain: download answered HTTP {response.status}")
        declared = response.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise VerificationError("certificate chain: download is larger than the size cap")
        body = response.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise VerificationError("certificate chain: download is larger than the size cap")
        outcome["result"] = body
    except VerificationError as error:
        outcome["result"] = error
    except TimeoutError as error:
        failure = VerificationError("certificate chain: download timed out")
        failure.__cause__ = error
        outcome["result"] = failure
    except (OSError, http.client.HTTPException) as error:
        failure = VerificationError("certificate chain: download failed")
        failure.__cause__ = error
        outcome["result"] = failure
    finally:
        if response is not None:
            response.close()
        connection.close()
        if connection.live_socket is not None:
            connection.live_socket.close()
