"""Step 1b and the last step: a well-formed Signature-256, then proof Amazon signed exactly these body bytes."""
from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .constants import MAX_SIGNATURE_BYTES
from .errors import VerificationError


def decoded_signature(signature_b64: str) -> bytes:
    """Decode the header before anything costly happens, so a garbage signature never triggers a download."""
    if len(signature_b64) > MAX_SIGNATURE_BYTES * 2:
        raise VerificationError("signature: too long")
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError("signature: not valid base64") from error
    if not 0 < len(signature) <= MAX_SIGNATURE_BYTES:
        raise VerificationError("signature: not the length of an RSA signature")
    return signature


def check_body_signature(public_key: RSAPublicKey, signature: bytes, body: bytes) -> None:
    """Raise unless the signature (RSA PKCS#1 v1.5 over SHA-256) verifies over the raw body bytes."""
    try:
        public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise VerificationError("signature: does not match the body") from error
