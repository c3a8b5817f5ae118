"""A test PKI and request signer, so any test can send requests the verifier accepts (no network, no Amazon keys).

Usage: `pki = TestPKI()`; build the verifier with `pki.verifier()` (or pass `pki.store`, `pki.fetcher` and a clock),
then send `body` with `pki.sign_headers(body)`.
"""
from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store

from skill.verification import RequestVerifier
from skill.verification.constants import CERT_CHAIN_URL_HEADER, SIGNATURE_HEADER, SIGNING_CERT_DNS_NAME

CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


@cache
def rsa_key(role: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key per role per process: the WebPKI profile wants 2048 bits, and generation is slow."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    """Sign the raw body as Alexa does for Signature-256: base64 of RSA PKCS#1 v1.5 over SHA-256."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def signed_headers(body: bytes, key: rsa.RSAPrivateKey, url: str = CHAIN_URL) -> dict[str, str]:
    """The two headers Alexa adds to every request, with HTTP's usual content type."""
    return {
        "Content-Type": "application/json",
        CERT_CHAIN_URL_HEADER: url,
        SIGNATURE_HEADER: sign(body, key),
    }


def pem(certificates: Iterable[x509.Certificate]) -> bytes:
    """Concatenate certificates as the PEM chain S3 serves, signing certificate first."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certificates)


def _name(common_name: str) -> x509.Name:
    """A distinguished name that says at a glance the certificate is a test one."""
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Lump Relief Test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    *,
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
    dns_names: tuple[str, ...] = (),
) -> x509.Certificate:
    """Issue a CA certificate (no dns_names) or a serverAuth leaf, with the extensions the WebPKI profile wants."""
    is_ca = not dns_names
    issuer_name = issuer.subject if issuer else _name(subject)
    authority_key = issuer.public_key() if issuer else key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key), critical=False
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=not is_ca, content_commitment=False, key_encipherment=not is_ca,
                data_encipherment=False, key_agreement=False, key_cert_sign=is_ca, crl_sign=is_ca,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
    )
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in dns_names]), critical=False
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class TestPKI:
    """Root CA -> intermediate -> signing leaf for echo-api.amazon.com, valid around `now`, plus broken variants."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, now: datetime | None = None) -> None:
        self.now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        self.root_key, self.intermediate_key, self.leaf_key = rsa_key("root"), rsa_key("intermediate"), rsa_key("leaf")
        self.root = _certificate(
            subject="Lump Relief Test Root", key=self.root_key, issuer=None, issuer_key=self.root_key,
            not_before=self.now - timedelta(days=365), not_after=self.now + timedelta(days=3650),
        )
        self.intermediate = _certificate(
            subject="Lump Relief Test Intermediate", key=self.intermediate_key, issuer=self.root,
            issuer_key=self.root_key, not_before=self.now - timedelta(days=365),
            not_after=self.now + timedelta(days=1825),
        )
        self.leaf = self.issue_leaf()
        self.store = Store([self.root])
        self.chain_pem = pem([self.leaf, self.intermediate])
        self.fetcher = RecordingFetcher({CHAIN_URL: self.chain_pem})

    def issue_leaf(
        self,
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        dns_names: tuple[str, ...] = (SIGNING_CERT_DNS_NAME,),
    ) -> x509.Certificate:
        """A signing certificate under the test intermediate; defaults make it valid from a day ago for 30 days."""
        return _certificate(
            subject=dns_names[0], key=self.leaf_key, issuer=self.intermediate, issuer_key=self.intermediate_key,
            not_before=not_before or self.now - timedelta(days=1),
            not_after=not_after or self.now + timedelta(days=30),
            dns_names=dns_names,
        )

    def leaf_chain_pem(self, **leaf_options: Any) -> bytes:
        """A chain whose signing certificate differs from the good one (dates, SAN); same key, same CA."""
        return pem([self.issue_leaf(**leaf_options), self.intermediate])

    def untrusted_chain_pem(self) -> bytes:
        """A well-formed chain for echo-api.amazon.com under a root that is not in `store`."""
        rogue_key = rsa_key("rogue-root")
        rogue_root = _certificate(
            subject="Lump Relief Test Root", key=rogue_key, issuer=None, issuer_key=rogue_key,
            not_before=self.now - timedelta(days=365), not_after=self.now + timedelta(days=3650),
        )
        rogue_intermediate = _certificate(
            subject="Lump Relief Test Intermediate", key=self.intermediate_key, issuer=rogue_root,
            issuer_key=rogue_key, not_before=self.now - timedelta(days=365), not_after=self.now + timedelta(days=1825),
        )
        leaf = _certificate(
            subject=SIGNING_CERT_DNS_NAME, key=self.leaf_key, issuer=rogue_intermediate,
            issuer_key=self.intermediate_key, not_before=self.now - timedelta(days=1),
            not_after=self.now + timedelta(days=30), dns_names=(SIGNING_CERT_DNS_NAME,),
        )
        return pem([leaf, rogue_intermediate, rogue_root])

    def publish(self, url: str, chain_pem: bytes) -> str:
        """Serve `chain_pem` at `url` through `fetcher`; returns the URL for chaining into sign_headers."""
        self.fetcher.chains[url] = chain_pem
        return url

    def sign(self, body: bytes) -> str:
        """Signature-256 value for `body` under the test signing key."""
        return sign(body, self.leaf_key)

    def sign_headers(self, body: bytes, url: str = CHAIN_URL) -> dict[str, str]:
        """Headers Alexa would send with `body`, pointing at a chain served by `fetcher`."""
        return signed_headers(body, self.leaf_key, url)

    def clock(self) -> datetime:
        """A fixed clock at `now`, for verifiers that must agree with the certificates' dates."""
        return self.now

    def verifier(self, **options: Any) -> RequestVerifier:
        """A RequestVerifier trusting this PKI, fetching through `fetcher`; `options` override any argument."""
        arguments: dict[str, Any] = {"trust_store": self.store, "fetch_chain": self.fetcher, "clock": self.clock}
        arguments.update(options)
        return RequestVerifier(**arguments)


class RecordingFetcher:
    """A fetch_chain stand-in that serves PEM from a dict and records every URL asked for."""

    def __init__(self, chains: Mapping[str, bytes]) -> None:
        self.chains = dict(chains)
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        try:
            return self.chains[url]
        except KeyError as error:
            raise FileNotFoundError(f"no test chain published at {url}") from error
