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
    "query string": ("https://s3.amazonaws.com/echo.api/x.pem?v=1", "has a query or a fragment"),
    "empty query": ("https://s3.amazonaws.com/echo.api/x.pem?", "has a query or a fragment"),
    "fragment": ("https://s3.amazonaws.com/echo.api/x.pem#part", "has a query or a fragment"),
    "escaped query": ("https://s3.amazonaws.com/echo.api/x.pem%3Fv=1", "not a plain file name"),
    "sub-folder": ("https://s3.amazonaws.com/echo.api/sub/x.pem", "not a plain file name"),
    "prefix alone": ("https://s3.amazonaws.com/echo.api/", "path does not start"),
    "very long": ("https://s3.amazonaws.com/echo.api/" + "x" * 600 + ".pem", "too long"),
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


def test_canonical_url_keeps_the_file_name_case_and_drops_the_default_port() -> None:
    assert checked_chain_url("HTTPS://S3.AmazonAWS.com:443/echo.api/Cert-12.pem") == (
        "https://s3.amazonaws.com/echo.api/Cert-12.pem"
    )


def test_every_spelling_of_one_chain_shares_one_download(pki: TestPKI) -> None:
    pki.publish("https://s3.amazonaws.com/echo.api/x.pem", pki.chain_pem)
    checker = verifier(pki)
    body = make_body(pki)
    for url in ACCEPTED_URLS.values():
        checker.verify(pki.sign_headers(body, url=url), body)
    assert pki.fetcher.calls == ["https://s3.amazonaws.com/echo.api/x.pem"]


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


def test_request_whose_chain_download_hangs_is_refused_within_the_wait_budget(pki: TestPKI,
                                                                             silent_socket: int) -> None:
    def hanging_s3(url: str) -> bytes:
        return download_chain(f"https://127.0.0.1:{silent_socket}/echo.api/x.pem", timeout=0.5)

    checker = verifier(pki, fetch_chain=hanging_s3, download_wait=0.1)
    body = make_body(pki)
    started = time.monotonic()
    rejected(checker, pki.sign_headers(body), body, "download still in progress")
    assert time.monotonic() - started < 0.5, "the request does not wait for the fetcher's deadline"
    _wait_for(lambda: checker._keys.downloads_in_flight() == 0)
    rejected(checker, pki.sign_headers(body), body, "download timed out \\(remembered\\)")


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

    clock.now += timedelta(seconds=61)  # past the failure's memory
    late = make_body(pki, age=pki.now - clock.now)
    pki.publish(CHAIN_URL, pki.leaf_chain_pem(not_before=clock.now - timedelta(days=1),
                                              not_after=clock.now + timedelta(days=30)))
    assert checker.verify(pki.sign_headers(late), late)
    assert pki.fetcher.calls == [CHAIN_URL, CHAIN_URL, CHAIN_URL]


def test_chain_that_fails_validation_is_not_cached_but_remembered_for_a_minute(pki: TestPKI) -> None:
    url = pki.publish("https://s3.amazonaws.com/echo.api/untrusted.pem", pki.untrusted_chain_pem())
    clock = MovableClock(pki.now)
    checker = verifier(pki, clock=clock)
    body = make_body(pki)
    rejected(checker, pki.sign_headers(body, url=url), body, "trusted root")
    rejected(checker, pki.sign_headers(body, url=url), body, "trusted root \\(remembered\\)")
    assert pki.fetcher.calls == [url], "a failed URL is not downloaded again while remembered"
    assert len(checker._keys) == 0

    clock.now += timedelta(seconds=60)
    rejected(checker, pki.sign_headers(body, url=url), body, "trusted root$")
    assert pki.fetcher.calls == [url, url], "after its minute the URL is tried again"


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


def _wait_for(condition: Any, seconds: float = 5.0) -> None:
    """Poll until a background download has finished; fails the test rather than hanging it."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "background download did not finish"
        time.sleep(0.01)


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

    checker = verifier(pki, fetch_chain=slow_fetch, download_wait=5.0)
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

    checker = verifier(pki, fetch_chain=slow_failing_fetch, download_wait=5.0)
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


def test_a_valid_envelope_is_still_refused_until_the_signature_covers_its_exact_bytes(pki: TestPKI) -> None:
    body = make_body(pki)
    rejected(verifier(pki), pki.sign_headers(body.replace(b"LaunchRequest", b"SessionEndedRequest")), body,
             "signature: does not match the body")


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
    envelope = Session().launch()
    envelope["request"]["timestamp"] = "2026-11-01T00:00:00Z"
    body = json.dumps(envelope).encode()
    headers = {"SignatureCertChainUrl": url, "Signature-256": sign(body, rsa_key("leaf"))}
    with pytest.raises(VerificationError, match="signature: does not match the body"):
        checker.verify(headers, body)


def test_default_trust_store_is_loaded_once() -> None:
    assert default_trust_store() is default_trust_store()


# --- cheapest first: nothing that could never be accepted costs a download ---------------------------------

DEEP_REQUEST = b'{"request":' + b"[" * 60_000 + b"]" * 60_000 + b"}"


REFUSED_BEFORE_DOWNLOAD = {
    "signature not base64": (lambda pki, body: {**pki.sign_headers(body), "Signature-256": "%%%"}, None,
                             "signature: not valid base64"),
    "signature too long": (lambda pki, body: {**pki.sign_headers(body), "Signature-256": "QUJD" * 400}, None,
                           "signature: too long"),
    "body not JSON": (None, b"{not json", "envelope: body is not JSON"),
    "60,000 levels deep": (None, DEEP_REQUEST, "envelope: body is not JSON"),
    "66 levels deep": (None, "nested", "envelope: nested deeper than 64 levels"),
    "over the size limit": (None, b" " * (128 * 1024 + 1), "envelope: body is over"),
    "stale timestamp": (None, "stale", "timestamp: more than 150 s from now"),
    "another skill": (None, "other skill", "application id: not one of this skill's ids"),
}


@pytest.mark.parametrize(("headers_for", "body_spec", "reason"), REFUSED_BEFORE_DOWNLOAD.values(),
                         ids=REFUSED_BEFORE_DOWNLOAD.keys())
def test_a_request_that_could_never_pass_is_refused_before_any_download(pki: TestPKI, headers_for: Any,
                                                                       body_spec: Any, reason: str) -> None:
    if body_spec == "stale":
        body = make_body(pki, age=timedelta(minutes=5))
    elif body_spec == "other skill":
        body = make_body(pki, application_id="amzn1.ask.skill.someone-else")
    elif isinstance(body_spec, str):
        envelope = json.loads(make_body(pki))
        envelope["session"]["attributes"]["odd"] = json.loads("[" * 63 + "]" * 63)
        body = json.dumps(envelope).encode()
    else:
        body = body_spec or make_body(pki)
    fresh_url = "https://s3.amazonaws.com/echo.api/never-seen-before.pem"
    headers = headers_for(pki, body) if headers_for else pki.sign_headers(body, url=fresh_url)
    rejected(verifier(pki), headers, body, reason)
    assert pki.fetcher.calls == []


def test_nesting_within_the_bound_is_accepted(pki: TestPKI) -> None:
    envelope = json.loads(make_body(pki))
    envelope["session"]["attributes"]["odd"] = json.loads("[" * 60 + "]" * 60)
    body = json.dumps(envelope).encode()
    assert verifier(pki).verify(pki.sign_headers(body), body)["session"]["attributes"]["odd"]


# --- rationed downloads: what a certificate URL may cost a process -----------------------------------------


class SilentS3:
    """A fetcher standing in for an S3 that never answers: each call blocks until the test lets it go."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.release = threading.Event()

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        self.release.wait(10)
        raise TimeoutError("timed out")


@pytest.fixture
def silent_s3() -> Iterator[SilentS3]:
    fetcher = SilentS3()
    yield fetcher
    fetcher.release.set()


def _fresh_url_attack(pki: TestPKI, checker: RequestVerifier, count: int) -> list[float]:
    """`count` well-formed requests, each naming a certificate URL never seen before; returns each one's wait."""
    waits = []
    for n in range(count):
        body = make_body(pki)
        started = time.monotonic()
        rejected(checker, pki.sign_headers(body, url=f"https://s3.amazonaws.com/echo.api/fresh-{n}.pem"), body,
                 "certificate chain: (every download slot is busy|download still in progress)")
        waits.append(time.monotonic() - started)
    return waits


def test_a_flood_of_fresh_certificate_urls_starts_at_most_two_downloads(pki: TestPKI, silent_s3: SilentS3) -> None:
    checker = verifier(pki, fetch_chain=silent_s3, download_wait=0.05)
    waits = _fresh_url_attack(pki, checker, 50)
    assert len(silent_s3.calls) == 2, "two download slots per process, the rest refused at once"
    assert checker._keys.downloads_in_flight() == 2
    assert max(waits) < 0.05 + 0.5, "no request waits much past the budget for a download"


def test_requests_waiting_on_eight_threads_never_exceed_the_download_slots(pki: TestPKI,
                                                                          silent_s3: SilentS3) -> None:
    checker = verifier(pki, fetch_chain=silent_s3, download_wait=0.05)
    attacks = [threading.Thread(target=_fresh_url_attack, args=(pki, checker, 10)) for _ in range(8)]
    for attack in attacks:
        attack.start()
    for attack in attacks:
        attack.join(timeout=10)
    assert len(silent_s3.calls) == 2


def test_when_every_slot_is_busy_the_cached_real_chain_still_answers(pki: TestPKI, silent_s3: SilentS3) -> None:
    chains = {CHAIN_URL: pki.chain_pem}
    checker = verifier(pki, fetch_chain=lambda url: chains[url] if url in chains else silent_s3(url),
                       download_wait=0.05)
    body = make_body(pki)
    checker.verify(pki.sign_headers(body), body)
    _fresh_url_attack(pki, checker, 10)
    assert checker.verify(pki.sign_headers(body), body)["request"]["type"] == "LaunchRequest"


def test_a_request_for_a_url_already_downloading_waits_only_the_budget(pki: TestPKI, silent_s3: SilentS3) -> None:
    checker = verifier(pki, fetch_chain=silent_s3, download_wait=0.05)
    body = make_body(pki)
    for _ in range(3):
        rejected(checker, pki.sign_headers(body), body, "download still in progress")
    assert silent_s3.calls == [CHAIN_URL], "one download per URL however many requests name it"


def test_a_slot_is_given_back_when_its_download_ends(pki: TestPKI, silent_s3: SilentS3) -> None:
    checker = verifier(pki, fetch_chain=silent_s3, download_wait=0.05, download_slots=1)
    _fresh_url_attack(pki, checker, 3)
    silent_s3.release.set()
    _wait_for(lambda: checker._keys.downloads_in_flight() == 0)
    assert checker._keys.remembered_failures() == 1
    body = make_body(pki)
    rejected(checker, pki.sign_headers(body, url="https://s3.amazonaws.com/echo.api/later.pem"), body,
             "download failed")
    assert len(silent_s3.calls) == 2


def test_remembered_failures_are_bounded_and_the_oldest_is_forgotten_first(pki: TestPKI) -> None:
    checker = verifier(pki, failure_memory=3)
    body = make_body(pki)
    urls = [f"https://s3.amazonaws.com/echo.api/missing-{n}.pem" for n in range(5)]
    for url in urls:
        rejected(checker, pki.sign_headers(body, url=url), body, "download failed$")
    assert checker._keys.remembered_failures() == 3
    rejected(checker, pki.sign_headers(body, url=urls[-1]), body, "download failed \\(remembered\\)")
    rejected(checker, pki.sign_headers(body, url=urls[0]), body, "download failed$")
    assert pki.fetcher.calls == urls + [urls[0]]


def test_a_fetcher_bug_frees_its_slot_and_is_refused_like_a_failed_download(pki: TestPKI) -> None:
    def broken_fetch(url: str) -> bytes:
        raise RuntimeError("bug")

    checker = verifier(pki, fetch_chain=broken_fetch, download_slots=1)
    body = make_body(pki)
    rejected(checker, pki.sign_headers(body), body, "download failed")
    assert checker._keys.downloads_in_flight() == 0


@pytest.mark.parametrize("options", [{"download_slots": 0}, {"download_wait": -1}, {"failure_memory": -1}])
def test_limits_that_make_no_sense_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        RequestVerifier(**options)
