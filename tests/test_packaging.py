"""The package command turns interaction_model/ into an ASK CLI skill-package/ without changing a word."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skill.packaging import MODEL_DIR, main, write_skill_package

ENDPOINT = "https://lumps.example.net/alexa"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


def snapshot(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*")) if path.is_file()}


def test_package_holds_the_manifest_and_every_locale_model(tmp_path: Path) -> None:
    package = write_skill_package(ENDPOINT, tmp_path)

    assert package == tmp_path / "skill-package"
    for path in package.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    for locale in LOCALES:
        written = json.loads((package / "interactionModels" / "custom" / f"{locale}.json").read_text())
        source = json.loads((MODEL_DIR / f"{locale}.json").read_text())
        assert written == source, f"skill-package model {locale}.json differs from interaction_model/{locale}.json"


def test_manifest_points_at_the_given_endpoint(tmp_path: Path) -> None:
    package = write_skill_package(ENDPOINT, tmp_path)

    manifest = json.loads((package / "skill.json").read_text())
    source = json.loads((MODEL_DIR / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"] == ENDPOINT
    manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"] = source["manifest"]["apis"]["custom"]["endpoint"]["uri"]
    assert manifest == source, "only apis.custom.endpoint.uri may differ from interaction_model/skill.json"


@pytest.mark.parametrize("endpoint", ["http://lumps.example.net/alexa", "lumps.example.net/alexa", "https://", ""])
def test_rejects_endpoints_alexa_cannot_call(tmp_path: Path, endpoint: str) -> None:
    with pytest.raises(ValueError, match="https"):
        write_skill_package(endpoint, tmp_path)
    assert not (tmp_path / "skill-package").exists()


def test_running_twice_gives_the_same_package(tmp_path: Path) -> None:
    package = write_skill_package(ENDPOINT, tmp_path)
    first = snapshot(package)

    write_skill_package(ENDPOINT, tmp_path)

    assert snapshot(package) == first


def test_a_dropped_locale_leaves_no_stale_model(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(MODEL_DIR, models)
    write_skill_package(ENDPOINT, tmp_path / "out", models)
    (models / "en-IN.json").unlink()
    manifest = json.loads((models / "skill.json").read_text())
    del manifest["manifest"]["publishingInformation"]["locales"]["en-IN"]
    (models / "skill.json").write_text(json.dumps(manifest))

    package = write_skill_package(ENDPOINT, tmp_path / "out", models)

    assert not (package / "interactionModels" / "custom" / "en-IN.json").exists()


def test_refuses_a_manifest_that_publishes_an_unmodelled_locale(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(MODEL_DIR, models)
    (models / "en-AU.json").unlink()

    with pytest.raises(ValueError, match="skill.json: publishingInformation.locales"):
        write_skill_package(ENDPOINT, tmp_path / "out", models)


def test_command_writes_the_package_and_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--endpoint", "https://example.org/alexa", "--out", str(tmp_path)])

    assert status == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "skill-package" / "skill.json") in out
    assert all(f"{locale}.json" in out for locale in LOCALES)
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"] == "https://example.org/alexa"


def test_command_refuses_http_with_a_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--endpoint", "http://example.org/alexa", "--out", str(tmp_path)])

    assert status == 2
    assert "https" in capsys.readouterr().err
    assert not (tmp_path / "skill-package").exists()


def test_command_defaults_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    assert main(["--endpoint", ENDPOINT]) == 0
    assert (tmp_path / "skill-package" / "skill.json").is_file()


def test_python_m_skill_package_writes_the_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-m", "skill", "package", "--endpoint", "https://example.org/alexa",
                             "--out", str(tmp_path)], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.json"))
    assert written == ["skill-package/interactionModels/custom/en-AU.json",
                       "skill-package/interactionModels/custom/en-CA.json",
                       "skill-package/interactionModels/custom/en-GB.json",
                       "skill-package/interactionModels/custom/en-IN.json",
                       "skill-package/interactionModels/custom/en-US.json",
                       "skill-package/skill.json"]
