"""Checked with Amazon's own artefacts: the SMAPI model classes for the manifest and every model,
and Amazon's apl-suggester (npm, installed by `make test` into tests/apl/) for the screen document."""
from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from skill.publishing.package import MODEL_DIR, write_skill_package
from tests.amazon_schemas import INTERACTION_MODEL, MANIFEST, unknown_keys

REPO = Path(__file__).resolve().parents[1]
APL_DIR = REPO / "skill" / "content" / "apl"
APL_CHECK = REPO / "tests" / "apl" / "check.js"
APL_SUGGESTER = REPO / "tests" / "apl" / "node_modules" / "apl-suggester" / "package.json"
MODELS = sorted(path for path in MODEL_DIR.glob("*.json") if path.name != "skill.json")


@pytest.fixture(scope="module")
def packaged_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("package")
    package = write_skill_package("https://alexa.example.org/", out, ssl_certificate_type="Wildcard")
    return json.loads((package / "skill.json").read_text(encoding="utf-8"))


def test_amazon_knows_every_key_of_the_packaged_manifest(packaged_manifest: dict[str, Any]) -> None:
    assert unknown_keys(packaged_manifest, MANIFEST) == []


def test_amazon_knows_every_key_of_the_source_manifest() -> None:
    assert unknown_keys(json.loads((MODEL_DIR / "skill.json").read_text(encoding="utf-8")), MANIFEST) == []


@pytest.mark.parametrize("model", MODELS, ids=lambda path: path.name)
def test_amazon_knows_every_key_of_the_interaction_model(model: Path) -> None:
    assert unknown_keys(json.loads(model.read_text(encoding="utf-8")), INTERACTION_MODEL) == []


def test_a_misspelled_manifest_key_is_named_with_its_path(packaged_manifest: dict[str, Any]) -> None:
    broken = copy.deepcopy(packaged_manifest)
    locale = broken["manifest"]["publishingInformation"]["locales"]["en-GB"]
    locale["smallIconUrl"] = locale.pop("smallIconUri")

    findings = unknown_keys(broken, MANIFEST)

    assert len(findings) == 1
    assert findings[0].startswith("$.manifest.publishingInformation.locales.en-GB.smallIconUrl: not a key of")


def test_a_certificate_type_amazon_does_not_know_is_refused(packaged_manifest: dict[str, Any]) -> None:
    broken = copy.deepcopy(packaged_manifest)
    broken["manifest"]["apis"]["custom"]["endpoint"]["sslCertificateType"] = "wildcard"

    assert unknown_keys(broken, MANIFEST) == [
        "$.manifest.apis.custom.endpoint.sslCertificateType: 'wildcard' is not one of ['SelfSigned', 'Wildcard', 'Trusted']"]


def test_a_misspelled_key_deep_in_a_model_is_named_with_its_path() -> None:
    model = json.loads(MODELS[0].read_text(encoding="utf-8"))
    model["interactionModel"]["languageModel"]["intents"][0]["sample"] = ["hello"]

    findings = unknown_keys(model, INTERACTION_MODEL)

    assert [finding.split(":")[0] for finding in findings] == ["$.interactionModel.languageModel.intents[0].sample"]


def apl_suggester(*documents: Path) -> subprocess.CompletedProcess[str]:
    if not APL_SUGGESTER.is_file():
        pytest.fail("The screen check needs Amazon's apl-suggester in tests/apl/node_modules. "
                    "Run the README's test command (make test), which installs it.")
    return subprocess.run(["node", str(APL_CHECK), *map(str, documents)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_apl_suggester_finds_nothing_in_the_screen_documents() -> None:
    documents = sorted(APL_DIR.glob("*.json"))
    assert documents, f"no APL documents in {APL_DIR}"

    result = apl_suggester(*documents)

    assert result.stdout == "", f"apl-suggester findings:\n{result.stdout}{result.stderr}"
    assert result.returncode == 0, result.stderr
    assert "0 finding(s)" in result.stderr


def test_apl_suggester_reports_a_container_background_colour(tmp_path: Path) -> None:
    """The finding the issue named: backgroundColor is not a Container property (a Frame's it is)."""
    document = json.loads((APL_DIR / "answer.json").read_text(encoding="utf-8"))
    container = document["mainTemplate"]["item"]
    while container["type"] != "Container":
        container = container["item"]
    container["backgroundColor"] = "@background"
    broken = tmp_path / "answer.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = apl_suggester(broken)

    assert result.returncode == 1
    finding = json.loads(result.stdout.splitlines()[0])
    assert finding["path"].startswith("/mainTemplate/item")
    assert "backgroundColor" in finding["message"]
