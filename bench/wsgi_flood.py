"""The production app for the certificate-flood benchmark: real verifier, real downloader, S3 on loopback.

Bench-only by construction, like bench/wsgi_full.py: it lives under bench/ and reads two variables
that bench/bench_cert_flood.py sets. The verifier keeps every production limit (download slots, wait
budget, failure memory, the fetcher's 3 s deadline); the only change is where downloads go: the
bench's trusted test chain for its one real URL, and the loopback stand-in for S3 for any other
URL, fetched with the production downloader exactly as s3.amazonaws.com would be.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.verification import Store
from flask import Flask

from skill.app import create_app as create_production_app
from skill.verification import RequestVerifier
from skill.verification.fetch import download_chain
from tests.signing import CHAIN_URL

PKI_DIR_VARIABLE = "LUMP_RELIEF_BENCH_PKI"
S3_VARIABLE = "LUMP_RELIEF_BENCH_S3"


def create_app() -> Flask:
    pki_dir = Path(os.environ[PKI_DIR_VARIABLE])
    stand_in = os.environ[S3_VARIABLE]  # host:port of a loopback server standing in for S3
    root = x509.load_pem_x509_certificate((pki_dir / "root.pem").read_bytes())
    chain = (pki_dir / "chain.pem").read_bytes()

    def fetch_chain(url: str) -> bytes:
        if url == CHAIN_URL:
            return chain
        return download_chain(f"https://{stand_in}{urlsplit(url).path}")

    verifier = RequestVerifier(trust_store=Store([root]), fetch_chain=fetch_chain)
    return create_production_app({"VERIFIER": verifier})
