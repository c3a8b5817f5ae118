"""The README fits on a page and points at docs/ that exist; the depth lives in short, current pages."""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")


def test_the_readme_fits_on_a_page() -> None:
    assert len(README.read_bytes()) < 10_000


def test_the_readme_gives_the_two_commands_and_ci_runs_exactly_the_test_one() -> None:
    readme = README.read_text()
    assert "make serve" in readme and "make test" in readme
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "make test"


def test_every_local_link_in_the_readme_and_docs_resolves() -> None:
    broken = []
    for page in [README, *DOCS.glob("*.md")]:
        for target, _ in LINK.findall(page.read_text()):
            if not target.startswith(("http:", "https:", "mailto:")) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken


def test_the_depth_moved_to_docs() -> None:
    for name in ("architecture", "deployment", "lambda", "performance", "verification"):
        assert (DOCS / f"{name}.md").is_file()
        assert f"docs/{name}.md" in README.read_text()


def test_the_dummy_ask_cli_profile_is_shown_and_is_the_cli_config_shape() -> None:
    deployment = (DOCS / "deployment.md").read_text()
    assert "~/.ask/cli_config" in deployment
    shown = re.search(r"```json\n(.*?)```", deployment, re.DOTALL)
    assert shown, "docs/deployment.md must show the dummy ~/.ask/cli_config"
    profile = json.loads(shown.group(1))["profiles"]["default"]
    assert {"access_token", "refresh_token", "expires_at"} <= set(profile["token"]) and profile["vendor_id"]
