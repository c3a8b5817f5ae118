"""Step 4: prove Amazon signed exactly these body bytes (RSA PKCS#1 v1.5 over SHA-256)."""
from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .errors import VerificationError


def check_body_signature(public_key: RSAPublicKey, signature_b64: str, body: bytes) -> None:
    """Raise unless the base64 signature verifies over the raw body, before any byte of it is parsed."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError("signature: not valid base64") from error
    try:
        public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise VerificationError("signature: does not match the body") from error
