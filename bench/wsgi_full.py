"""The full pipeline for the benchmark: the production app, its verifier trusting only the bench's test root.

Bench-only by construction: it lives under bench/, is named by the benchmark's command line, and reads
the test root and chain that bench/run.py wrote. Production code has no switch that could do this.
"""
from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.x509.verification import Store
from flask import Flask

from skill.app import create_app as create_production_app
from skill.verification import RequestVerifier

PKI_DIR_VARIABLE = "LUMP_RELIEF_BENCH_PKI"


def create_app() -> Flask:
    """create_app() with one override: the verifier (signature and timestamp checks on) trusts the bench root."""
    pki_dir = Path(os.environ[PKI_DIR_VARIABLE])
    root = x509.load_pem_x509_certificate((pki_dir / "root.pem").read_bytes())
    chain = (pki_dir / "chain.pem").read_bytes()
    verifier = RequestVerifier(
        skill_ids=frozenset(filter(None, os.environ.get("SKILL_ID", "").split(","))),
        trust_store=Store([root]),
        fetch_chain=lambda url: chain,
    )
    return create_production_app({"VERIFIER": verifier})
