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
    """The request a server's first answer is awaited with, and the wrk scripts that load it."""

    body: bytes
    headers: dict[str, str]
    wrk_script: Path
    warmup_script: Path | None = None


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


def sign_pool(pki: TestPKI, directory: Path, name: str, count: int, warmup_share: float = 0.2) -> SignedRequest:
    """`count` copies of her question, each with its own request id and signature, for a server that
    refuses replays: wrk's warm-up takes the first `warmup_share` of them, the measured run the rest,
    each request once (past its pool's end wrk starts over, and the replays it sends fail the row)."""
    first = sign_request(pki, directory, f"{name}-first")
    lines = []
    for _ in range(count):
        body = json.dumps(Session().intent(INTENT)).encode()
        lines.append((pki.sign_headers(body), body))
    split = int(count * warmup_share)
    warmup = _pool_script(directory, f"{name}-warmup", lines[:split])
    measured = _pool_script(directory, f"{name}-measured", lines[split:])
    return SignedRequest(body=first.body, headers=first.headers, wrk_script=measured, warmup_script=warmup)


def _pool_script(directory: Path, name: str, pool: list[tuple[dict[str, str], bytes]]) -> Path:
    """A data file of tab-separated lines (each header's value, then the body) and a wrk script that
    sends each line once, in order."""
    names = list(pool[0][0])
    data = directory / f"{name}.tsv"
    data.write_bytes(b"".join(
        b"\t".join([*(headers[header].encode() for header in names), body]) + b"\n" for headers, body in pool))
    pattern = "^" + "([^\\t]*)\\t" * len(names) + "(.*)$"
    values = ", ".join(f"v{index}" for index in range(len(names)))
    fields = ", ".join(f'["{header}"] = v{index}' for index, header in enumerate(names))
    script = directory / f"{name}.lua"
    script.write_text("\n".join([
        "local requests = {}",
        f'for line in io.lines("{data}") do',
        f'  local {values}, body = line:match("{pattern}")',
        f'  requests[#requests + 1] = wrk.format("POST", "/", {{{fields}}}, body)',
        "end",
        "local sent = 0",
        "request = function()",
        "  sent = sent % #requests + 1",
        "  return requests[sent]",
        "end",
    ]) + "\n")
    return script
