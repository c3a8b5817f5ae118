"""The runtime is only the runtime: the image and the Lambda zip install requirements.txt, which the
service and Lambda handler need whole, and nothing the console, tests or benchmarks need."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCIENTIFIC = ("scikit-learn", "sklearn", "numpy", "scipy")


def requirement_names(name: str) -> set[str]:
    """Project names in a requirements file, following -r includes."""
    names: set[str] = set()
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= requirement_names(line[3:].strip())
        elif line:
            names.add(re.split(r"[<>=!~\[; ]", line, 1)[0].lower())
    return names


def test_the_runtime_and_server_requirements_hold_no_scientific_libraries() -> None:
    for name in ("requirements.txt", "requirements-server.txt"):
        assert not requirement_names(name) & set(SCIENTIFIC), f"{name} installs the console's libraries"


def test_the_web_server_and_the_test_tools_stay_out_of_the_runtime() -> None:
    runtime = requirement_names("requirements.txt")
    assert not runtime & {"granian", "gunicorn", "pytest", "hypothesis", "ask-smapi-model", "pillow", "pyinstrument"}
    assert {"granian", "gunicorn", "uvloop"} <= requirement_names("requirements-server.txt")
    assert "uvloop" not in runtime  # the web server's event loop; Lambda has none
    assert {"scikit-learn", "pytest"} <= requirement_names("requirements-dev.txt")


def test_the_service_and_the_lambda_handler_import_no_scientific_library(tmp_path: Path) -> None:
    """Build the app and answer a launch on the Lambda path, then look at what got imported."""
    probe = (
        "import sys, skill\n"
        "from skill.app import create_app\n"
        "from skill.envelopes import Session\n"
        f"create_app({{'SKILL_STORE': 'sqlite:///{tmp_path}/app.db'}})\n"
        "skill.lambda_handler(Session().launch(), None)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'numpy', 'scipy'))))\n"
    )
    env = {"SKILL_STORE": f"sqlite:///{tmp_path}/lambda.db", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""


# Each requirements file names ranges; its lock pins what is installed, with hashes (docs/deployment.md).
# Each includes the one before it, and is locked within that one's lock (Lambda's within the runtime's).
LOCKS = {"requirements-lambda.txt": "requirements-lambda.lock", "requirements.txt": "requirements.lock",
         "requirements-server.txt": "requirements-server.lock", "requirements-dev.txt": "requirements-dev.lock"}
# The web service's own: Lambda never runs Flask or the certificate verifier (tests/test_lambda.py).
SERVICE_ONLY = ("flask", "werkzeug", "jinja2", "itsdangerous", "click", "blinker", "markupsafe", "cryptography", "cffi",
                "pycparser")


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """project -> (version, hashes) from a lock written by `uv pip compile --generate-hashes`."""
    pins: dict[str, tuple[str, list[str]]] = {}
    text = re.sub(r"\\\n\s*", " ", (ROOT / name).read_text())
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split(" --hash=")
        project, _, version = requirement.strip().partition("==")
        assert version, f"{name}: {line[:60]!r} is not pinned with =="
        pins[project.lower().replace("_", "-")] = (version.strip(), [value.strip() for value in options])
    return pins


def test_every_requirements_file_has_a_lock_with_a_hash_for_every_pin() -> None:
    for source, lock in LOCKS.items():
        pins = locked(lock)
        assert pins, f"{lock} is empty"
        unhashed = [project for project, (_, hashes) in pins.items() if not hashes]
        assert not unhashed, f"{lock}: no --hash for {unhashed}: pip --require-hashes would refuse it"
        assert all(value.startswith("sha256:") for _, hashes in pins.values() for value in hashes)
        missing = {name.replace("_", "-") for name in requirement_names(source)} - set(pins)
        assert not missing, f"{lock} does not pin {sorted(missing)} from {source}: run `make lock`"


def test_the_locks_satisfy_the_ranges_and_agree_with_each_other() -> None:
    from packaging.requirements import Requirement

    for source, lock in LOCKS.items():
        pins = locked(lock)
        for line in (ROOT / source).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                wanted = Requirement(line)
                version = pins[wanted.name.lower().replace("_", "-")][0]
                assert wanted.specifier.contains(version, prereleases=True), \
                    f"{lock} pins {wanted.name}=={version}, outside {source}'s {wanted.specifier}: run `make lock`"
    chain = list(LOCKS.values())
    for smaller, larger in zip(chain, chain[1:]):
        pins, wider = locked(smaller), locked(larger)
        differing = {project for project in pins if wider.get(project) != pins[project]}
        assert not differing, f"{smaller} and {larger} pin {sorted(differing)} differently"


def test_make_the_image_and_the_zip_install_the_locks_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-server.lock" in makefile
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes -r requirements-server.lock" in (ROOT / "Dockerfile").read_text()
    from skill.publishing import lambda_zip
    assert lambda_zip.REQUIREMENTS == ROOT / "requirements-lambda.lock"
    assert "require_hashes: bool = True" in (ROOT / "skill" / "publishing" / "lambda_zip.py").read_text()


def test_the_lambda_zip_installs_only_what_the_handler_imports() -> None:
    """It shipped Flask and cryptography, 7 MB of the zip's 30.5 that no event ever imported."""
    lambda_needs = requirement_names("requirements-lambda.txt")
    assert {"ask-sdk-core", "ask-sdk-dynamodb-persistence-adapter", "boto3", "orjson"} <= lambda_needs
    assert lambda_needs < requirement_names("requirements.txt")
    assert not set(locked("requirements-lambda.lock")) & set(SERVICE_ONLY)
    assert set(SERVICE_ONLY) <= set(locked("requirements.lock")), "the service still needs them"
