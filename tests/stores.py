"""Store fixtures: a fresh SQLite file per test, one real dynalite (local DynamoDB) per session.

Load with `pytest_plugins = ["tests.stores"]` or `-p tests.stores`.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

DYNALITE_DIR = Path(__file__).resolve().parent / "dynalite"
DYNALITE_CLI = DYNALITE_DIR / "node_modules" / "dynalite" / "cli.js"
DYNALITE_SETUP = "npm ci --prefix tests/dynalite"
STARTUP_SECONDS = 10.0
START_ATTEMPTS = 3
# Only the variables the docs name: AWS_REGION alone must be enough (botocore itself reads only
# AWS_DEFAULT_REGION, which is removed so a test cannot pass on it).
LOCAL_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def dynalite_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an in-memory dynalite on loopback; boto3 in this process and its children uses it."""
    node = shutil.which("node")
    if node is None or not DYNALITE_CLI.is_file():
        missing = "node is not on PATH" if node is None else f"{DYNALITE_CLI} is missing"
        pytest.fail(f"The DynamoDB tests need dynalite, but {missing}. Run the README's test command, "
                    f"which installs it with `{DYNALITE_SETUP}` (Node 20+).", pytrace=False)
    log_path = tmp_path_factory.mktemp("dynalite") / "dynalite.log"
    process, url = start_dynalite(node, log_path)
    try:
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
            for name, value in LOCAL_AWS.items():
                environment.setenv(name, value)
            environment.delenv("AWS_DEFAULT_REGION", raising=False)
            environment.delenv("AWS_SESSION_TOKEN", raising=False)
            environment.delenv("AWS_PROFILE", raising=False)
            yield url
    finally:
        stop(process)


@pytest.fixture(params=["sqlite", "dynamodb"], ids=["sqlite", "dynamodb"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each backend in turn: a temp SQLite file, or a fresh table in dynalite (started only if asked)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/skill.db"
    request.getfixturevalue("dynalite_endpoint")
    return fresh_table_url()


@pytest.fixture
def sqlite_store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/skill.db"


@pytest.fixture
def dynamodb_store_url(dynalite_endpoint: str) -> str:
    return fresh_table_url()


def fresh_table_url() -> str:
    return f"dynamodb://lump-relief-test-{uuid.uuid4().hex}"


def start_dynalite(node: str, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start dynalite on a free port, retrying if another process took the port first."""
    for _ in range(START_ATTEMPTS):
        port = free_port()
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [node, str(DYNALITE_CLI), "--host", "127.0.0.1", "--port", str(port),
                 "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        if wait_until_listening(process, log_path, port):
            return process, f"http://127.0.0.1:{port}"
        stop(process)
    pytest.fail(f"dynalite did not start within {STARTUP_SECONDS:.0f} s; its output:\n"
                f"{log_path.read_text(errors='replace')[-2000:]}", pytrace=False)


def wait_until_listening(process: subprocess.Popen[bytes], log_path: Path, port: int) -> bool:
    """True once dynalite says it listens on the port and the port accepts a connection."""
    deadline = time.monotonic() + STARTUP_SECONDS
    announcement = f"127.0.0.1:{port}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if announcement in log_path.read_text(errors="replace"):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                pass
        time.sleep(0.05)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
