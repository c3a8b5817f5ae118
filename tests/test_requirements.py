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
    assert {"granian", "gunicorn"} <= requirement_names("requirements-server.txt")
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
