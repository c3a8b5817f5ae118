"""The container image, read as text (no Docker engine here): slim base, non-root user, health check, README's command."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVE = ["python", "-m", "skill", "serve"]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            pairs.append((keyword.upper(), arguments.strip()))
    return pairs


def last(keyword: str) -> str:
    found = [arguments for name, arguments in instructions() if name == keyword]
    assert found, f"Dockerfile has no {keyword}"
    return found[-1]


def exec_form(arguments: str) -> list[str]:
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


def test_the_base_image_is_python_311_slim_pinned_by_digest() -> None:
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?@sha256:[0-9a-f]{64}", last("FROM").split()[0])


def test_the_service_runs_as_a_non_root_user() -> None:
    user = last("USER").split(":")[0]
    assert user not in ("root", "0")
    assert any(name == "RUN" and "useradd" in arguments and user in arguments for name, arguments in instructions())


def test_the_health_check_asks_healthz() -> None:
    arguments = last("HEALTHCHECK")
    assert "--interval" in arguments and "--timeout" in arguments and "/healthz" in arguments


def test_the_container_starts_with_the_readme_start_command() -> None:
    assert exec_form(last("CMD")) == SERVE
    assert not [name for name, _ in instructions() if name == "ENTRYPOINT"]
    makefile = (ROOT / "Makefile").read_text()
    serve_recipe = re.search(r"^serve:.*\n\t(.+)$", makefile, re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert serve_recipe.split()[1:] == SERVE[1:]  # `make serve` runs $(PY) -m skill serve
    assert "make serve" in (ROOT / "README.md").read_text()
    assert " ".join(SERVE) in (ROOT / "docs" / "deployment.md").read_text()


def test_the_image_installs_the_runtime_and_server_requirements_but_not_the_dev_tools() -> None:
    run = " ".join(arguments for name, arguments in instructions() if name == "RUN")
    copied = " ".join(arguments for name, arguments in instructions() if name in ("COPY", "ADD"))
    assert "--require-hashes -r requirements-server.lock" in run, "the image installs the hashed lock"
    assert "requirements-server.lock" in copied and "requirements.lock" in copied
    assert "requirements-dev" not in run + copied
    assert "requirements-dev.txt" not in (ROOT / ".dockerignore").read_text()


def test_the_build_context_leaves_out_the_venv_tests_and_local_stores() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "*" in ignored and "!skill/" in ignored and "!requirements.txt" in ignored
    assert "!requirements-server.txt" in ignored
    assert {"!requirements.lock", "!requirements-server.lock"} <= set(ignored)


def test_the_image_compiles_its_bytecode_once_and_never_at_start() -> None:
    """PYTHONDONTWRITEBYTECODE keeps a start from writing; without compiled files every start compiled all."""
    run = [arguments for name, arguments in instructions() if name == "RUN"]
    compiles = [arguments for arguments in run if "compileall" in arguments]
    assert any("--invalidation-mode unchecked-hash skill" in arguments for arguments in compiles)
    assert any("--invalidation-mode unchecked-hash" in arguments and "purelib" in arguments for arguments in compiles)
