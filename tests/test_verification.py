"""Alexa's certification cases for the request verifier, each valid case beside the invalid ones it guards.

No test touches the network: chains come from tests/signing.py's TestPKI (or the stored Amazon chain in
tests/fixtures), and the default downloader is exercised against loopback sockets only.
"""
from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from werkzeug.datastructures import Headers

from skill.envelopes import Session, now_timestamp
from skill.verification import MalformedRequest, RequestVerifier, VerificationError
from skill.verification.chain import validated_signing_key
from skill.verification.fetch import download_chain
from skill.verification.trust import default_trust_store
from skill.verification.url import checked_chain_url
from tests.signing import CHAIN_URL, TestPKI, rsa_key, sign, signed_headers

SKILL_ID = "amzn1.ask.skill.lump-relief-guide-test"
AMAZON_CHAIN = Path(__file__).resolve().parent / "fixtures" / "amazon-echo-api-chain-2026.pem"


@pytest.fixture
def pki() -> TestPKI:
    return TestPKI()


def make_body(
    pki: TestPKI,
    *,
    age: timedelta = timedelta(0),
    request_type: str = "LaunchRequest",
    application_id: str = SKILL_ID,
) -> bytes:
    """A real envelope from the shared factory, stamped `age` before the PKI's clock."""
    envelope = Session(application_id=application_id).envelope({"type": request_type})
    envelope["request"]["timestamp"] = now_timestamp(pki.now - age)
    return json.dumps(envelope).encode()


def verifier(pki: TestPKI, **options: Any) -> RequestVerifier:
    return pki.verifier(skill_ids=frozenset({SKILL_ID}), **options)


def rejected(verifier_: RequestVerifier, headers: Any, body: bytes, match: str) -> VerificationError:
    with pytest.raises(VerificationError, match=match) as caught:
        verifier_.verify(headers, body)
    return caught.value


class MovableClock:
    """A clock the test can move forward, to expire cached chains."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- 1. headers --------------------------------------------------------------------------------------------


def test_valid_request_is_accepted_and_returned_parsed(pki: TestPKI) -> None:
    body = make_body(pki)
    envelope = verifier(pki).verify(pki.sign_headers(body), body)
    assert envelope["request"]["type"] == "LaunchRequest"
    assert envelope["context"]["System"]["application"]["applicationId"] == SKILL_ID
    assert pki.fetcher.calls == [CHAIN_URL]


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_signing_header_is_rejected(pki: TestPKI, missing: str) -> None:
    body = make_body(pki)
    headers = pki.sign_headers(body)
    del headers[missing]
    rejected(verifier(pki), headers, body, f"headers: {missing} is missing")
    assert pki.fetcher.calls == []


def test_empty_signing_header_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki)
    headers = {**pki.sign_headers(body), "Signature-256": "  "}
    rejected(verifier(pki), headers, body, "headers: Signature-256 is missing")


def test_legacy_sha1_signature_header_alone_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki)
    headers = pki.sign_headers(body)
    headers["Signature"] = headers.pop("Signature-256")
    rejected(verifier(pki), headers, body, "Signature-256 is missing")


def test_headers_are_found_in_any_case_in_a_plain_dict(pki: TestPKI) -> None:
    body = make_body(pki)
    headers = {name.lower(): value for name, value in pki.sign_headers(body).items()}
    assert verifier(pki).verify(headers, body)["request"]["type"] == "LaunchRequest"


def test_flask_headers_pass_through(pki: TestPKI) -> None:
    body = make_body(pki)
    headers = Headers([(name.upper(), value) for name, value in pki.sign_headers(body).items()])
    assert verifier(pki).verify(headers, body)["request"]["type"] == "LaunchRequest"


# --- 2. certificate URL ------------------------------------------------------------------------------------

ACCEPTED_URLS = {
    "upper-case scheme and host": "HTTPS://S3.AMAZONAWS.COM/echo.api/x.pem",
    "explicit port 443": "https://s3.amazonaws.com:443/echo.api/x.pem",
    "dot-dot back into echo.api": "https://s3.amazonaws.com/echo.api/../echo.api/x.pem",
    "single-dot segment": "https://s3.amazonaws.com/echo.api/./x.pem",
}

REJECTED_URLS = {
    "http": ("http://s3.amazonaws.com/echo.api/x.pem", "scheme is not https"),
    "wrong host": ("https://notamazon.com/echo.api/x.pem", "host is not s3.amazonaws.com"),
    "host suffix": ("https://s3.amazonaws.com.evil.example/echo.api/x.pem", "host is not"),
    "host in path": ("https://evil.example/s3.amazonaws.com/echo.api/x.pem", "host is not"),
    "port 563": ("https://s3.amazonaws.com:563/echo.api/x.pem", "port is not 443"),
    "port not a number": ("https://s3.amazonaws.com:https/echo.api/x.pem", "not a valid URL"),
    "path case": ("https://s3.amazonaws.com/EcHo.aPi/x.pem", "path does not start with /echo.api/"),
    "other path": ("https://s3.amazonaws.com/invalid.path/x.pem", "path does not start with /echo.api/"),
    "dot-dot out of echo.api": ("https://s3.amazonaws.com/echo.api/../invalid.path/x.pem", "path does not start"),
    "escaped dot-dot": ("https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/x.pem", "path does not start"),
    "backslash": ("https://s3.amazonaws.com/echo.api/..\\invalid.path/x.pem", "backslash"),
    "no path": ("https://s3.amazonaws.com", "path does not start"),
}


@pytest.mark.parametrize("url", ACCEPTED_URLS.values(), ids=ACCEPTED_URLS.keys())
def test_certificate_url_forms_amazon_allows_are_accepted(pki: TestPKI, url: str) -> None:
    pki.publish("https://s3.amazonaws.com/echo.api/x.pem", pki.chain_pem)
    body = make_body(pki)
    assert verifier(pki).verify(pki.sign_headers(body, url=url), body)
    assert pki.fetcher.calls == ["https://s3.amazonaws.com/echo.api/x.pem"], "downloads the canonical URL"


@pytest.mark.parametrize(("url", "reason"), REJECTED_URLS.values(), ids=REJECTED_URLS.keys())
def test_certificate_url_is_rejected_before_any_download(pki: TestPKI, url: str, reason: str) -> None:
    pki.publish(url, pki.chain_pem)
    body = make_body(pki)
    error = rejected(verifier(pki), pki.sign_headers(body, url=url), body, f"certificate url: .*{reason}")
    assert pki.fetcher.calls == []
    assert "evil" not in error.reason, "reasons are fixed text, never the attacker's URL"


def test_canonical_url_keeps_the_path_case_and_the_query() -> None:
    assert checked_chain_url("HTTPS://S3.AmazonAWS.com:443/echo.api/Cert-12.pem?v=1") == (
        "https://s3.amazonaws.com/echo.api/Cert-12.pem?v=1"
    )


# --- 3. certificate chain ----------------------------------------------------------------------------------


def test_expired_signing_certificate_is_rejected(pki: TestPKI) -> None:
    url = pki.publish(
        "https://s3.amazonaws.com/echo.api/expired.pem",
        pki.leaf_chain_pem(not_before=pki.now - timedelta(days=60), not_after=pki.now - timedelta(seconds=1)),
    )
    body = make_body(pki)
    headers = pki.sign_headers(body, url=url)
    rejected(verifier(pki), headers, body, "certificate chain: signing certificate has expired")


def test_not_yet_valid_signing_certificate_is_rejected(pki: TestPKI) -> None:
    url = pki.publish(
        "https://s3.amazonaws.com/echo.api/future.pem",
        pki.leaf_chain_pem(not_before=pki.now + timedelta(seconds=1), not_after=pki.now + timedelta(days=30)),
    )
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body, url=url), body, "signing certificate is not yet valid")


def test_signing_certificate_without_echo_api_san_is_rejected(pki: TestPKI) -> None:
    url = pki.publish(
        "https://s3.amazonaws.com/echo.api/other-san.pem",
        pki.leaf_chain_pem(dns_names=("echo-api.example.com", "amazon.com")),
    )
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body, url=url), body, "has no SAN echo-api.amazon.com")


def test_chain_to_an_untrusted_root_is_rejected(pki: TestPKI) -> None:
    url = pki.publish("https://s3.amazonaws.com/echo.api/untrusted.pem", pki.untrusted_chain_pem())
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body, url=url), body, "does not lead to a trusted root")


def test_leaf_without_its_intermediate_is_rejected(pki: TestPKI) -> None:
    url = pki.publish(
        "https://s3.amazonaws.com/echo.api/leaf-only.pem", pki.leaf.public_bytes(serialization.Encoding.PEM)
    )
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body, url=url), body, "does not lead to a trusted root")


def test_download_that_is_not_pem_is_rejected(pki: TestPKI) -> None:
    url = pki.publish("https://s3.amazonaws.com/echo.api/html.pem", b"<html>AccessDenied</html>")
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body, url=url), body, "certificate chain: not PEM certificates")


def test_cached_key_expires_with_the_first_certificate_of_the_chain_to_expire(pki: TestPKI) -> None:
    key = validated_signing_key(pki.chain_pem, store=pki.store, now=pki.now)
    assert key.not_after == min(pki.leaf.not_valid_after_utc, pki.intermediate.not_valid_after_utc)
    assert key.not_before == max(pki.leaf.not_valid_before_utc, pki.intermediate.not_valid_before_utc,
                                 pki.root.not_valid_before_utc)


# --- 3. fetching: injected fetchers ------------------------------------------------------------------------


@pytest.mark.parametrize("failure", [TimeoutError("timed out"), ConnectionResetError("reset"), OSError("dns")])
def test_fetcher_that_fails_or_times_out_is_rejected_quickly(pki: TestPKI, failure: OSError) -> None:
    def failing_fetch(url: str) -> bytes:
        raise failure

    body = make_body(pki)
    started = time.monotonic()
    checker = verifier(pki, fetch_chain=failing_fetch)
    rejected(checker, pki.sign_headers(body), body, "certificate chain: download failed")
    assert time.monotonic() - started < 1.0


def test_chain_missing_at_its_url_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki)
    url = "https://s3.amazonaws.com/echo.api/never-published.pem"
    rejected(verifier(pki), pki.sign_headers(body, url=url), body, "certificate chain: download failed")


def test_fetcher_verification_error_passes_through(pki: TestPKI) -> None:
    def refusing_fetch(url: str) -> bytes:
        raise VerificationError("certificate chain: download answered HTTP 403")

    body = make_body(pki)
    rejected(verifier(pki, fetch_chain=refusing_fetch), pki.sign_headers(body), body, "HTTP 403")


# --- 3. fetching: the default downloader, against loopback sockets only ------------------------------------


@pytest.fixture
def silent_socket() -> Iterator[int]:
    """A loopback port whose kernel accepts connections that no one ever answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_default_fetcher_gives_up_on_a_silent_server_at_its_deadline(silent_socket: int) -> None:
    started = time.monotonic()
    with pytest.raises(VerificationError, match="certificate chain: download timed out"):
        download_chain(f"https://127.0.0.1:{silent_socket}/echo.api/x.pem", timeout=0.5)
    assert time.monotonic() - started < 2.0


def test_request_whose_chain_download_hangs_is_rejected_at_the_deadline(pki: TestPKI, silent_socket: int) -> None:
    def hanging_s3(url: str) -> bytes:
        return download_chain(f"https://127.0.0.1:{silent_socket}/echo.api/x.pem", timeout=0.5)

    body = make_body(pki)
    started = time.monotonic()
    rejected(verifier(pki, fetch_chain=hanging_s3), pki.sign_headers(body), body, "download timed out")
    assert time.monotonic() - started < 2.0


def test_default_fetcher_refuses_plain_http() -> None:
    with pytest.raises(VerificationError, match="needs an https URL"):
        download_chain("http://127.0.0.1:9/echo.api/x.pem")


class LoopbackS3:
    """A TLS server on 127.0.0.1 standing in for S3: serves a chain, a huge file, a 404 and a slow drip."""

    def __init__(self, tmp_path: Path, chain_pem: bytes) -> None:
        key = rsa_key("loopback-tls")
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.now(timezone.utc)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        (tmp_path / "cert.pem").write_bytes(cert_pem)
        (tmp_path / "key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        self.client_context = ssl.create_default_context(cadata=cert_pem.decode())
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(chain_pem))
        self.server.daemon_threads = True
        self.server.socket = server_context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(chain_pem: bytes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/echo.api/chain.pem":
                self._send(chain_pem)
            elif self.path == "/echo.api/huge.pem":
                self._send(b"A" * (70 * 1024))
            elif self.path == "/echo.api/drip.pem":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                try:
                    for _ in range(1000):
                        self.wfile.write(b"-")
                        self.wfile.flush()
                        time.sleep(0.05)
                except OSError:
                    return
            else:
                self.send_error(404)

        def _send(self, payload: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return

    return Handler


@pytest.fixture
def loopback_s3(tmp_path: Path, pki: TestPKI) -> Iterator[LoopbackS3]:
    server = LoopbackS3(tmp_path, pki.chain_pem)
    yield server
    server.close()


def test_default_fetcher_downloads_a_chain(loopback_s3: LoopbackS3, pki: TestPKI) -> None:
    pem = download_chain(loopback_s3.url("/echo.api/chain.pem"), tls_context=loopback_s3.client_context)
    assert pem == pki.chain_pem


def test_default_fetcher_refuses_a_download_over_the_size_cap(loopback_s3: LoopbackS3) -> None:
    with pytest.raises(VerificationError, match="larger than the size cap"):
        download_chain(loopback_s3.url("/echo.api/huge.pem"), tls_context=loopback_s3.client_context)


def test_default_fetcher_rejects_an_http_error(loopback_s3: LoopbackS3) -> None:
    with pytest.raises(VerificationError, match="HTTP 404"):
        download_chain(loopback_s3.url("/echo.api/missing.pem"), tls_context=loopback_s3.client_context)


def test_default_fetcher_cuts_a_server_that_drips_past_the_deadline(loopback_s3: LoopbackS3) -> None:
    started = time.monotonic()
    with pytest.raises(VerificationError, match="download timed out"):
        download_chain(loopback_s3.url("/echo.api/drip.pem"), timeout=0.5, tls_context=loopback_s3.client_context)
    assert time.monotonic() - started < 1.5


def test_default_fetcher_refuses_a_server_it_does_not_trust(loopback_s3: LoopbackS3) -> None:
    with pytest.raises(VerificationError, match="download failed"):
        download_chain(loopback_s3.url("/echo.api/chain.pem"), timeout=2.0)


# --- 3. cache ----------------------------------------------------------------------------------------------


def test_second_request_reuses_the_cached_chain(pki: TestPKI) -> None:
    checker = verifier(pki)
    for _ in range(3):
        body = make_body(pki)
        checker.verify(pki.sign_headers(body), body)
    assert pki.fetcher.calls == [CHAIN_URL]


def test_expired_cached_chain_is_dropped_and_downloaded_again(pki: TestPKI) -> None:
    clock = MovableClock(pki.now)
    checker = verifier(pki, clock=clock)
    body = make_body(pki)
    checker.verify(pki.sign_headers(body), body)

    clock.now = pki.leaf.not_valid_after_utc + timedelta(seconds=1)
    late = make_body(pki, age=pki.now - clock.now)
    rejected(checker, pki.sign_headers(late), late, "signing certificate has expired")
    assert pki.fetcher.calls == [CHAIN_URL, CHAIN_URL]

    pki.publish(CHAIN_URL, pki.leaf_chain_pem(not_before=clock.now - timedelta(days=1),
                                              not_after=clock.now + timedelta(days=30)))
    assert checker.verify(pki.sign_headers(late), late)
    assert pki.fetcher.calls == [CHAIN_URL, CHAIN_URL, CHAIN_URL]


def test_chain_that_fails_validation_is_not_cached(pki: TestPKI) -> None:
    url = pki.publish("https://s3.amazonaws.com/echo.api/untrusted.pem", pki.untrusted_chain_pem())
    checker = verifier(pki)
    body = make_body(pki)
    for _ in range(2):
        rejected(checker, pki.sign_headers(body, url=url), body, "trusted root")
    assert pki.fetcher.calls == [url, url]


def test_cache_is_bounded_and_evicts_the_least_recently_used_url(pki: TestPKI) -> None:
    urls = [pki.publish(f"https://s3.amazonaws.com/echo.api/cert-{n}.pem", pki.chain_pem) for n in range(3)]
    checker = verifier(pki, cache_size=2)
    body = make_body(pki)
    for url in [urls[0], urls[1], urls[0], urls[2]]:  # cert-1 is now the least recently used
        checker.verify(pki.sign_headers(body, url=url), body)
    assert len(checker._keys) == 2
    checker.verify(pki.sign_headers(body, url=urls[0]), body)
    checker.verify(pki.sign_headers(body, url=urls[1]), body)
    assert pki.fetcher.calls == [urls[0], urls[1], urls[2], urls[1]]


def test_cache_size_zero_downloads_every_time(pki: TestPKI) -> None:
    checker = verifier(pki, cache_size=0)
    body = make_body(pki)
    checker.verify(pki.sign_headers(body), body)
    checker.verify(pki.sign_headers(body), body)
    assert pki.fetcher.calls == [CHAIN_URL, CHAIN_URL]


def test_negative_cache_size_is_refused() -> None:
    with pytest.raises(ValueError, match="cache_size"):
        RequestVerifier(cache_size=-1)


def _race(threads: int, target: Any) -> list[BaseException | None]:
    """Start `threads` calls of `target` at the same instant and collect each outcome."""
    barrier = threading.Barrier(threads)
    outcomes: list[BaseException | None] = [None] * threads

    def run(index: int) -> None:
        barrier.wait()
        try:
            target()
        except VerificationError as error:
            outcomes[index] = error

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    return outcomes


def test_sixteen_concurrent_first_requests_download_the_chain_once(pki: TestPKI) -> None:
    def slow_fetch(url: str) -> bytes:
        time.sleep(0.3)
        return pki.fetcher(url)

    checker = verifier(pki, fetch_chain=slow_fetch)
    body = make_body(pki)
    headers = pki.sign_headers(body)
    outcomes = _race(16, lambda: checker.verify(headers, body))
    assert outcomes == [None] * 16
    assert pki.fetcher.calls == [CHAIN_URL]


def test_concurrent_requests_share_one_failed_download(pki: TestPKI) -> None:
    calls: list[str] = []

    def slow_failing_fetch(url: str) -> bytes:
        calls.append(url)
        time.sleep(0.3)
        raise TimeoutError("timed out")

    checker = verifier(pki, fetch_chain=slow_failing_fetch)
    body = make_body(pki)
    headers = pki.sign_headers(body)
    started = time.monotonic()
    outcomes = _race(16, lambda: checker.verify(headers, body))
    assert all(isinstance(o, VerificationError) and "download failed" in o.reason for o in outcomes)
    assert calls == [CHAIN_URL]
    assert time.monotonic() - started < 2.0


# --- 4. signature ------------------------------------------------------------------------------------------


def test_signature_over_another_body_is_rejected(pki: TestPKI) -> None:
    signed_body, sent_body = make_body(pki), make_body(pki, request_type="SessionEndedRequest")
    rejected(verifier(pki), pki.sign_headers(signed_body), sent_body, "signature: does not match the body")


def test_body_changed_by_one_byte_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body), body + b" ", "signature: does not match the body")


def test_signature_by_another_key_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki)
    headers = signed_headers(body, rsa_key("rogue-root"))
    rejected(verifier(pki), headers, body, "signature: does not match the body")


@pytest.mark.parametrize("bad", ["not base64!", "QUJ", "QUJDRA===", "QU JD"])
def test_signature_that_is_not_base64_is_rejected(pki: TestPKI, bad: str) -> None:
    body = make_body(pki)
    headers = {**pki.sign_headers(body), "Signature-256": bad}
    rejected(verifier(pki), headers, body, "signature: not valid base64")


def test_signature_is_checked_before_the_body_is_parsed(pki: TestPKI) -> None:
    body = b"not json"
    rejected(verifier(pki), pki.sign_headers(b"another body"), body, "signature: does not match the body")
    with pytest.raises(MalformedRequest, match="envelope: body is not JSON"):
        verifier(pki).verify(pki.sign_headers(body), body)


# --- 5. JSON envelope --------------------------------------------------------------------------------------

MALFORMED_BODIES = {
    "not JSON": (b"{not json", "body is not JSON"),
    "not UTF-8": (b"\xff\xfe{}", "body is not JSON"),
    "JSON array": (b"[]", "not a JSON object"),
    "no request": (b'{"version": "1.0"}', "request is missing"),
    "no request type": (b'{"request": {"timestamp": "2026-01-01T00:00:00Z"}}', "request.type is missing"),
    "no timestamp": (b'{"request": {"type": "LaunchRequest"}}', "request.timestamp is missing"),
    "bad timestamp": (b'{"request": {"type": "LaunchRequest", "timestamp": "yesterday"}}', "not ISO 8601"),
    "no application id": (b'{"request": {"type": "LaunchRequest", "timestamp": "2026-01-01T00:00:00Z"}}',
                          "application id is missing"),
}


@pytest.mark.parametrize(("body", "reason"), MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_signed_but_malformed_envelope_is_rejected(pki: TestPKI, body: bytes, reason: str) -> None:
    with pytest.raises(MalformedRequest, match=reason):
        verifier(pki).verify(pki.sign_headers(body), body)


def test_application_id_from_the_session_is_enough(pki: TestPKI) -> None:
    envelope = json.loads(make_body(pki))
    del envelope["context"]
    body = json.dumps(envelope).encode()
    assert verifier(pki).verify(pki.sign_headers(body), body)["session"]["application"]["applicationId"] == SKILL_ID


# --- 6. timestamp ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [timedelta(seconds=150), timedelta(seconds=-150), timedelta(0)],
                         ids=["150 s old", "150 s ahead", "now"])
def test_timestamp_within_150_seconds_is_accepted(pki: TestPKI, age: timedelta) -> None:
    body = make_body(pki, age=age)
    assert verifier(pki).verify(pki.sign_headers(body), body)


@pytest.mark.parametrize("age", [timedelta(seconds=151), timedelta(seconds=-151), timedelta(minutes=59)],
                         ids=["151 s old", "151 s ahead", "59 min old"])
def test_timestamp_beyond_150_seconds_is_rejected(pki: TestPKI, age: timedelta) -> None:
    body = make_body(pki, age=age)
    rejected(verifier(pki), pki.sign_headers(body), body, "timestamp: more than 150 s from now")


def test_skill_event_up_to_an_hour_old_is_accepted(pki: TestPKI) -> None:
    body = make_body(pki, age=timedelta(minutes=59), request_type="AlexaSkillEvent.SkillEnabled")
    assert verifier(pki).verify(pki.sign_headers(body), body)


def test_skill_event_over_an_hour_old_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki, age=timedelta(minutes=61), request_type="AlexaSkillEvent.SkillEnabled")
    rejected(verifier(pki), pki.sign_headers(body), body, "timestamp: more than 3600 s from now")


def test_timestamp_with_milliseconds_is_read(pki: TestPKI) -> None:
    envelope = json.loads(make_body(pki))
    envelope["request"]["timestamp"] = pki.now.strftime("%Y-%m-%dT%H:%M:%S.123Z")
    body = json.dumps(envelope).encode()
    assert verifier(pki).verify(pki.sign_headers(body), body)


def test_naive_clock_is_read_as_utc(pki: TestPKI) -> None:
    body = make_body(pki)
    naive = pki.now.replace(tzinfo=None)
    assert verifier(pki, clock=lambda: naive).verify(pki.sign_headers(body), body)


# --- 7. application id -------------------------------------------------------------------------------------


def test_wrong_application_id_is_rejected(pki: TestPKI) -> None:
    body = make_body(pki, application_id="amzn1.ask.skill.someone-else")
    rejected(verifier(pki), pki.sign_headers(body), body, "application id: not one of this skill's ids")


def test_any_application_id_is_accepted_when_no_skill_ids_are_configured(pki: TestPKI) -> None:
    body = make_body(pki, application_id="amzn1.ask.skill.someone-else")
    assert pki.verifier().verify(pki.sign_headers(body), body)


# --- check_signature=False ---------------------------------------------------------------------------------


def test_without_signature_check_an_unsigned_request_is_accepted_without_download(pki: TestPKI) -> None:
    body = make_body(pki, age=timedelta(hours=2))
    assert verifier(pki, check_signature=False).verify({}, body)["request"]["type"] == "LaunchRequest"
    assert pki.fetcher.calls == []


def test_without_signature_check_a_wrong_application_id_is_still_rejected(pki: TestPKI) -> None:
    body = make_body(pki, application_id="amzn1.ask.skill.someone-else")
    rejected(verifier(pki, check_signature=False), {}, body, "application id:")


def test_without_signature_check_malformed_json_is_still_rejected(pki: TestPKI) -> None:
    with pytest.raises(MalformedRequest, match="body is not JSON"):
        verifier(pki, check_signature=False).verify({}, b"{not json")


# --- Amazon's real chain, at pinned times ------------------------------------------------------------------


@pytest.fixture(scope="module")
def amazon_chain_pem() -> bytes:
    if not AMAZON_CHAIN.is_file():
        pytest.fail(
            f"Amazon's stored chain is missing at {AMAZON_CHAIN}: it is part of the repo, restore it from git"
        )
    return AMAZON_CHAIN.read_bytes()


def test_amazon_chain_validates_against_certifi_inside_its_window(amazon_chain_pem: bytes) -> None:
    key = validated_signing_key(amazon_chain_pem, store=default_trust_store(),
                                now=datetime(2026, 11, 1, tzinfo=timezone.utc))
    assert key.not_after == datetime(2027, 2, 10, 23, 59, 59, tzinfo=timezone.utc)


@pytest.mark.parametrize(("moment", "reason"), [
    (datetime(2027, 3, 1, tzinfo=timezone.utc), "signing certificate has expired"),
    (datetime(2026, 7, 1, tzinfo=timezone.utc), "signing certificate is not yet valid"),
], ids=["after its window", "before its window"])
def test_amazon_chain_is_rejected_outside_its_window(amazon_chain_pem: bytes, moment: datetime, reason: str) -> None:
    with pytest.raises(VerificationError, match=reason):
        validated_signing_key(amazon_chain_pem, store=default_trust_store(), now=moment)


def test_amazon_chain_is_not_trusted_by_a_store_without_amazon_roots(amazon_chain_pem: bytes, pki: TestPKI) -> None:
    with pytest.raises(VerificationError, match="does not lead to a trusted root"):
        validated_signing_key(amazon_chain_pem, store=pki.store, now=datetime(2026, 11, 1, tzinfo=timezone.utc))


def test_default_verifier_trusts_amazon_and_then_checks_the_signature(amazon_chain_pem: bytes) -> None:
    """Through the default trust store the chain passes; our body is not Amazon-signed, so step 4 is what fails."""
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert-2026.pem"
    checker = RequestVerifier(fetch_chain={url: amazon_chain_pem}.__getitem__,
                              clock=lambda: datetime(2026, 11, 1, tzinfo=timezone.utc))
    body = b'{"request": {}}'
    headers = {"SignatureCertChainUrl": url, "Signature-256": sign(body, rsa_key("leaf"))}
    with pytest.raises(VerificationError, match="signature: does not match the body"):
        checker.verify(headers, body)


def test_default_trust_store_is_loaded_once() -> None:
    assert default_trust_store() is default_trust_store()
