"""The package command turns interaction_model/ into an ASK CLI skill-package/ without changing a word."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.publishing.package import MODEL_DIR, main, write_skill_package

ROOT = Path(__file__).resolve().parent.parent

ENDPOINT = "https://lumps.example.net/alexa"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


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
    assert manifest["manifest"]["apis"]["custom"]["endpoint"] == {"uri": ENDPOINT, "sslCertificateType": "Trusted"}
    assert manifest["manifest"]["events"]["endpoint"] == {"uri": ENDPOINT, "sslCertificateType": "Trusted"}, \
        "the SkillDisabled event must reach the service that erases her record"
    for moved in (manifest, source):
        del moved["manifest"]["apis"]["custom"]["endpoint"]
        del moved["manifest"]["events"]["endpoint"]
        del moved["manifest"]["privacyAndCompliance"]["locales"]
    assert manifest == source, "only the endpoints and the page URLs may differ from interaction_model/skill.json"


@pytest.mark.parametrize("certificate", ["Trusted", "Wildcard", "SelfSigned"])
def test_the_certificate_type_is_the_one_given(tmp_path: Path, certificate: str) -> None:
    """The README's tunnel needs Wildcard; `package` used to write Trusted whatever was asked."""
    package = write_skill_package(ENDPOINT, tmp_path, ssl_certificate_type=certificate)

    endpoint = json.loads((package / "skill.json").read_text())["manifest"]["apis"]["custom"]["endpoint"]
    assert endpoint["sslCertificateType"] == certificate


def test_an_unknown_certificate_type_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Trusted, Wildcard, SelfSigned"):
        write_skill_package(ENDPOINT, tmp_path, ssl_certificate_type="wildcard")
    assert not (tmp_path / "skill-package").exists()


@pytest.mark.parametrize(("endpoint", "privacy"), [
    ("https://alexa.example.org/", "https://alexa.example.org/privacy/en-GB"),
    ("https://alexa.example.org", "https://alexa.example.org/privacy/en-GB"),
    ("https://lumps.example.net/alexa", "https://lumps.example.net/alexa/privacy/en-GB"),
])
def test_the_privacy_and_terms_pages_are_beside_the_endpoint_in_every_locale(tmp_path: Path, endpoint: str,
                                                                               privacy: str) -> None:
    package = write_skill_package(endpoint, tmp_path)

    pages = json.loads((package / "skill.json").read_text())["manifest"]["privacyAndCompliance"]["locales"]
    assert sorted(pages) == sorted(LOCALES)
    assert pages["en-GB"] == {"privacyPolicyUrl": privacy, "termsOfUseUrl": privacy.replace("privacy", "terms")}


def test_the_ask_cli_finds_its_project_file_and_everything_it_names(tmp_path: Path) -> None:
    """What ask-cli 2.x reads before it calls Amazon: ask-resources.json, skillMetadata.src, the manifest,
    the models under interactionModels/custom, and each file:// asset the manifest names."""
    write_skill_package(ENDPOINT, tmp_path)

    resources = json.loads((tmp_path / "ask-resources.json").read_text())
    assert resources == {"askcliResourcesVersion": "2020-03-31",
                         "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}}}
    package = tmp_path / resources["profiles"]["default"]["skillMetadata"]["src"]
    manifest = json.loads((package / "skill.json").read_text())["manifest"]
    for locale, info in manifest["publishingInformation"]["locales"].items():
        assert (package / "interactionModels" / "custom" / f"{locale}.json").is_file()
        for field in ("smallIconUri", "largeIconUri"):
            assert info[field].startswith("file://assets/images/"), f"{locale}.{field}"
            assert (package / info[field].removeprefix("file://")).is_file(), f"{locale}.{field}: {info[field]}"


def test_the_icons_are_copied_byte_for_byte(tmp_path: Path) -> None:
    package = write_skill_package(ENDPOINT, tmp_path)

    for name in ("icon-108.png", "icon-512.png"):
        assert (package / "assets" / "images" / name).read_bytes() == (MODEL_DIR / "assets" / "images" / name).read_bytes()


def test_a_manifest_naming_a_missing_icon_is_refused(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(MODEL_DIR, models)
    (models / "assets" / "images" / "icon-512.png").unlink()

    with pytest.raises(ValueError, match=r"largeIconUri names .*icon-512.png, which does not exist"):
        write_skill_package(ENDPOINT, tmp_path / "out", models)


def test_ask_run_names_the_shim_that_hands_over_to_the_lambda_handler(tmp_path: Path) -> None:
    """`ask run` starts ask-sdk-local-debug on code.default.src/<file>.py, calling the handler named in userConfig."""
    import importlib.util

    import skill

    write_skill_package(ENDPOINT, tmp_path / "project", ask_run=True)

    profile = json.loads((tmp_path / "project" / "ask-resources.json").read_text())["profiles"]["default"]
    assert profile["skillInfrastructure"] == {"userConfig": {"runtime": "python3",
                                                             "handler": "lambda_function.lambda_handler"}}
    assert "type" not in profile["skillInfrastructure"], "with a deployer type, ask deploy would create a Lambda"
    shim = tmp_path / "project" / profile["code"]["default"]["src"] / "lambda_function.py"
    spec = importlib.util.spec_from_file_location("lambda_handler", shim)  # as ask-sdk-local-debug loads it
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.lambda_handler is skill.lambda_handler


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


def test_command_takes_the_certificate_type_for_a_tunnel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--endpoint", "https://alexa.example.org/", "--ssl-certificate-type", "Wildcard",
                   "--out", str(tmp_path)])

    assert status == 0
    assert "Wildcard certificate" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"]["sslCertificateType"] == "Wildcard"


def test_command_refuses_an_unknown_certificate_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--endpoint", ENDPOINT, "--ssl-certificate-type", "Selfsigned", "--out", str(tmp_path)])

    assert exit_.value.code == 2
    assert "invalid choice: 'Selfsigned'" in capsys.readouterr().err
    assert not (tmp_path / "skill-package").exists()


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
    assert written == ["ask-resources.json",
                       "skill-package/interactionModels/custom/en-AU.json",
                       "skill-package/interactionModels/custom/en-CA.json",
                       "skill-package/interactionModels/custom/en-GB.json",
                       "skill-package/interactionModels/custom/en-IN.json",
                       "skill-package/interactionModels/custom/en-US.json",
                       "skill-package/skill.json"]


@pytest.mark.parametrize("endpoint", [
    "https://user:secret@lumps.example.net/alexa", "https://lumps.example.net:99999/alexa",
    "https://lumps.example.net:port/alexa", "https://lumps.example.net/al exa", "https://lumps.example.net/alexa\n",
    "https://lumps.example.net/alexa?x=1", "https://lumps.example.net/alexa#top",
])
def test_refuses_an_endpoint_that_is_not_a_plain_https_host_and_path(tmp_path: Path, endpoint: str) -> None:
    with pytest.raises(ValueError, match="plain https"):
        write_skill_package(endpoint, tmp_path)
    assert not (tmp_path / "skill-package").exists()


@pytest.mark.parametrize("endpoint", ["https://localhost:8443/", "https://lumps.example.net:8080/alexa"])
def test_refuses_an_endpoint_on_a_port_alexa_never_calls(tmp_path: Path, endpoint: str) -> None:
    """Alexa calls a web service on port 443 only ("Host a Custom Skill as a Web Service"): 8443 was
    accepted and written into the manifest (deploy audit, 2026-12-07)."""
    with pytest.raises(ValueError, match="port 443"):
        write_skill_package(endpoint, tmp_path)
    write_skill_package("https://lumps.example.net:443/alexa", tmp_path)  # 443 said aloud is fine


ARN = "arn:aws:lambda:eu-west-1:123456789012:function:lump-relief"
PAGES_URL = "https://pages.example.net/lump-relief/"


def test_a_lambda_arn_becomes_the_endpoint_and_the_pages_point_at_the_written_static_pages(tmp_path: Path) -> None:
    from skill.web.pages import load_pages

    write_skill_package(ARN, tmp_path, pages_url=PAGES_URL, pages=load_pages().rendered)

    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert manifest["events"]["endpoint"] == {"uri": ARN}
    # docs/lambda.md creates the function itself: ask deploy must upload the skill package only
    profile = json.loads((tmp_path / "ask-resources.json").read_text())["profiles"]["default"]
    assert profile == {"skillMetadata": {"src": "./skill-package"}}
    for locale, urls in manifest["privacyAndCompliance"]["locales"].items():
        for url in urls.values():
            assert url.startswith(PAGES_URL)
            page = tmp_path / "pages" / url.removeprefix(PAGES_URL)
            assert page.is_file() and f'lang="{locale}"' in page.read_text()


@pytest.mark.parametrize("arn", ["arn:aws:lambda:eu-west-1:123:function:x", "arn:aws:s3:::bucket",
                                 ARN + "\n", "arn:aws:lambda:eu-west-1:123456789012:function:"])
def test_refuses_a_malformed_lambda_arn(tmp_path: Path, arn: str) -> None:
    with pytest.raises(ValueError, match="ARN"):
        write_skill_package(arn, tmp_path, pages_url=PAGES_URL)


def test_a_lambda_arn_without_a_pages_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--pages-url"):
        write_skill_package(ARN, tmp_path)


def test_python_m_skill_package_takes_a_lambda_arn_and_writes_the_pages(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "skill", "package", "--lambda-arn", ARN, "--pages-url", PAGES_URL,
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert ARN in done.stdout and (tmp_path / "pages" / "privacy-en-GB.html").is_file()
