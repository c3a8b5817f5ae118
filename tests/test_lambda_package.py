"""The Lambda zip as Lambda runs it: unzipped on its own, no venv, the handler fed real Alexa events
on DynamoDB (dynalite). `make test` builds dist/lambda.zip first (`make lambda`), so no test fetches."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skill.conversation.render import plain_text
from skill.envelopes import Session
from skill.publishing.lambda_zip import DEFAULT_ZIP, UNZIPPED_LIMIT, ZIPPED_LIMIT

# Lambda's bootstrap in miniature: only the unzipped folder on the path (-S: no site-packages).
RUNNER = """
import json, sys
from skill import lambda_handler
for line in sys.stdin:
    print(json.dumps(lambda_handler(json.loads(line), None)), flush=True)
"""
FORBIDDEN = ("sklearn", "numpy", "scipy", "granian", "gunicorn", "pytest",
             "flask", "werkzeug", "jinja2", "cryptography", "cffi")  # the web service's own


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DEFAULT_ZIP.is_file():
        pytest.fail(f"{DEFAULT_ZIP} is missing: run `make lambda` (make test builds it).", pytrace=False)
    folder = tmp_path_factory.mktemp("lambda-task")
    with zipfile.ZipFile(DEFAULT_ZIP) as archive:
        archive.extractall(folder)
    return folder


def test_the_zip_is_within_lambdas_limits_and_holds_only_the_runtime(unzipped: Path) -> None:
    assert DEFAULT_ZIP.stat().st_size < ZIPPED_LIMIT
    assert sum(path.stat().st_size for path in unzipped.rglob("*") if path.is_file()) < UNZIPPED_LIMIT
    top = {path.name.split(".")[0].split("-")[0] for path in unzipped.iterdir()}
    assert "skill" in top and "ask_sdk_core" in top and "ask_sdk_dynamodb" in top
    assert not top & set(FORBIDDEN)
    assert any(path.name.endswith("manylinux2014_x86_64.whl") or "manylinux" in path.read_text(errors="ignore")
               for path in unzipped.glob("orjson-*.dist-info/WHEEL")), "not Lambda's platform wheels"


def test_the_zip_names_nothing_of_the_machine_that_built_it(unzipped: Path) -> None:
    """The zip shipped pip's console scripts (bin/), whose first line is the builder's own venv, and the
    RECORD lists hashing them: two checkouts built different bytes (deploy audit, 2026-12-07)."""
    assert not (unzipped / "bin").exists()
    assert not list(unzipped.glob("*.dist-info/RECORD"))
    builder = sys.prefix.encode()
    assert not [path for path in unzipped.rglob("*") if path.is_file() and builder in path.read_bytes()]


def test_every_module_ships_bytecode_for_python_311_that_is_never_rechecked(unzipped: Path) -> None:
    """Lambda's code folder is read-only: without these, each cold start compiles every module it imports."""
    magic_311 = (3495).to_bytes(2, "little") + b"\r\n"  # importlib.util.MAGIC_NUMBER of CPython 3.11
    sources = [path for path in unzipped.rglob("*.py") if path.parts[len(unzipped.parts)].split(".")[0]
               in ("skill", "ask_sdk_core", "ask_sdk_model", "boto3", "botocore", "orjson", "dateutil")]
    assert len(sources) > 500
    missing, stale = [], []
    for source in sources:
        compiled = source.parent / "__pycache__" / f"{source.stem}.cpython-311.pyc"
        if not compiled.is_file():
            missing.append(source.relative_to(unzipped).as_posix())
            continue
        header = compiled.read_bytes()[:8]
        # PEP 552: flags 0b01 is hash-based with check_source off ("unchecked-hash").
        if header[:4] != magic_311 or int.from_bytes(header[4:8], "little") != 0b01:
            stale.append(compiled.relative_to(unzipped).as_posix())
    assert not missing, f"{len(missing)} modules without bytecode, e.g. {missing[:5]}"
    assert not stale, f"{len(stale)} .pyc files not unchecked-hash for 3.11, e.g. {stale[:5]}"


def test_the_unzipped_handler_answers_a_launch_and_an_intent_on_dynamodb(unzipped: Path,
                                                                          dynamodb_store_url: str) -> None:
    she = Session()
    later = Session(user_id=she.user_id)
    events = [she.launch(), she.intent("RelieveLumpIntent"), later.launch()]
    env = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    env |= {"SKILL_STORE": dynamodb_store_url, "PATH": os.environ["PATH"], "PYTHONPATH": str(unzipped)}
    done = subprocess.run([sys.executable, "-S", "-c", RUNNER], cwd=unzipped, env=env, timeout=120,
                          input="".join(json.dumps(event) + "\n" for event in events), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    launch, relief, second_visit = (json.loads(line) for line in done.stdout.splitlines())

    assert "lump" in plain_text(launch["response"]["outputSpeech"]["ssml"]).lower()
    assert launch["response"]["shouldEndSession"] is False
    relief_speech = plain_text(relief["response"]["outputSpeech"]["ssml"]).lower()
    assert relief_speech and relief_speech != plain_text(launch["response"]["outputSpeech"]["ssml"]).lower()
    visits = [answer["sessionAttributes"]["memory"]["visits"] for answer in (launch, second_visit)]
    assert visits[0] == 1 and visits[1] > 1, visits  # her visits are remembered in DynamoDB
