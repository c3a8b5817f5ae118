"""Step 3b: turn downloaded PEM into a signing key only if the chain proves it belongs to echo-api.amazon.com."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.x509 import verification as x509_verification

from .constants import SIGNING_CERT_DNS_NAME
from .errors import VerificationError


@dataclass(frozen=True)
class SigningKey:
    """A validated leaf key and the window in which every certificate of its chain is valid."""

    public_key: RSAPublicKey
    not_before: datetime
    not_after: datetime

    def is_valid_at(self, now: datetime) -> bool:
        """Tell whether a cached key may still be used at `now` without validating again."""
        return self.not_before <= now <= self.not_after


def validated_signing_key(pem: bytes, *, store: x509_verification.Store, now: datetime) -> SigningKey:
    """Parse the chain (signing certificate first) and validate it with cryptography's server profile."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise VerificationError("certificate chain: not PEM certificates") from error
    leaf, intermediates = certificates[0], certificates[1:]
    _check_leaf(leaf, now)
    verifier = (
        x509_verification.PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(SIGNING_CERT_DNS_NAME))
    )
    try:
        path = verifier.verify(leaf, intermediates)
    except x509_verification.VerificationError as error:
        raise VerificationError("certificate chain: does not lead to a trusted root") from error
    public_key = leaf.public_key()
    if not isinstance(public_key, RSAPublicKey):
        raise VerificationError("certificate chain: signing key is not RSA")
    return SigningKey(
        public_key=public_key,
        not_before=max(cert.not_valid_before_utc for cert in path),
        not_after=min(cert.not_valid_after_utc for cert in path),
    )


def _check_leaf(leaf: x509.Certificate, now: datetime) -> None:
    """Name the common leaf failures precisely; the policy verifier below stays the authority."""
    if now < leaf.not_valid_before_utc:
        raise VerificationError("certificate chain: signing certificate is not yet valid")
    if now > leaf.not_valid_after_utc:
        raise VerificationError("certificate chain: signing certificate has expired")
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName
        )
    except (x509.ExtensionNotFound, ValueError) as error:
        raise VerificationError(f"certificate chain: signing certificate has no SAN {SIGNING_CERT_DNS_NAME}") from error
    if SIGNING_CERT_DNS_NAME not in (name.lower() for name in names):
        raise VerificationError(f"certificate chain: signing certificate has no SAN {SIGNING_CERT_DNS_NAME}")
