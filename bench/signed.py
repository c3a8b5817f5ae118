"""The one request every row sends: her one-shot question, signed by a test PKI the full pipeline trusts.

"Alexa, ask lump relief guide how do I relieve a hard lump" opens a new session, so the skill reads
her memory and stores the new visit: the heaviest common turn. Each row signs it afresh, because the
verifier refuses timestamps more than 150 s old.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from skill.envelopes import Session
from tests.signing import TestPKI

INTENT = "RelieveLumpIntent"


@dataclass(frozen=True)
class SignedRequest:
    body: bytes
    headers: dict[str, str]
    wrk_script: Path


def write_pki(directory: Path) -> TestPKI:
    """A fresh test PKI, with the root and chain written where bench/wsgi_full.py reads them."""
    directory.mkdir(parents=True, exist_ok=True)
    pki = TestPKI()
    (directory / "root.pem").write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    (directory / "chain.pem").write_bytes(pki.chain_pem)
    return pki


def sign_request(pki: TestPKI, directory: Path, name: str) -> SignedRequest:
    """Build the envelope with the current time, sign it, and write a wrk script that posts it unchanged."""
    body = json.dumps(Session().intent(INTENT)).encode()
    headers = pki.sign_headers(body)
    body_path = directory / f"{name}.json"
    body_path.write_bytes(body)
    lines = ['wrk.method = "POST"',
             f'local body = io.open("{body_path}", "rb"); wrk.body = body:read("*a"); body:close()']
    lines += [f'wrk.headers["{key}"] = "{value}"' for key, value in headers.items()]
    script = directory / f"{name}.lua"
    script.write_text("\n".join(lines) + "\n")
    return SignedRequest(body=body, headers=headers, wrk_script=script)
