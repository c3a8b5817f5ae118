"""The privacy policy and terms of use, served by the skill at the URLs the manifest gives Amazon."""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from skill.web.pages import PAGES_DIR, load_pages
from skill.publishing.package import write_skill_package

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
EMERGENCY_NUMBERS = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}


@pytest.fixture
def app(app_factory, sqlite_store_url: str) -> Flask:
    return app_factory(sqlite_store_url)()


@pytest.mark.parametrize("page", ["privacy", "terms"])
@pytest.mark.parametrize("locale", LOCALES)
def test_each_page_is_short_html_in_each_locale(app: Flask, page: str, locale: str) -> None:
    response = app.test_client().get(f"/{page}/{locale}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("<!doctype html>")
    assert f'<html lang="{locale}">' in text
    assert len(text.split()) < 600, "a reviewer and a tired mother should read it in two minutes"


def test_the_privacy_policy_says_what_is_kept_for_how_long_and_how_to_erase_it(app: Flask) -> None:
    text = app.test_client().get("/privacy").get_data(as_text=True)

    assert "The step you were on" in text
    assert "How many times you have opened the skill" in text
    assert "No health information" in text
    assert "you ask the skill to forget you" in text
    assert "you disable the skill" in text and "90 days pass without a visit" in text
    assert "forget me" in text
    assert "privacy@example.org" in text


def test_nothing_else_is_said_to_be_kept(app: Flask) -> None:
    """Exactly what her record holds (skill/persistence/changes.py): her step mid-walk, her visit count,
    the random record id, and the day the record expires."""
    text = app.test_client().get("/privacy").get_data(as_text=True)
    kept = text.split("<h2>What the skill keeps</h2>")[1].split("<h2>")[0]

    assert kept.count("<li>") == 4
    assert "random record number" in kept and "90 days after your last visit" in kept
    assert "topic" not in kept and "date" not in kept


@pytest.mark.parametrize("locale", LOCALES)
def test_the_terms_give_each_markets_emergency_number(app: Flask, locale: str) -> None:
    text = app.test_client().get(f"/terms/{locale}").get_data(as_text=True)

    assert f"call {EMERGENCY_NUMBERS[locale]} now" in text


def test_a_locale_can_be_asked_for_as_a_query(app: Flask) -> None:
    text = app.test_client().get("/terms?locale=en-GB").get_data(as_text=True)

    assert '<html lang="en-GB">' in text and "999" in text


def test_the_bare_pages_are_in_the_default_locale(app: Flask) -> None:
    assert '<html lang="en-US">' in app.test_client().get("/privacy").get_data(as_text=True)


def test_an_unknown_locale_is_a_logged_404_not_a_500(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/privacy/xx-XX")

    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}
    assert [record.message for record in caplog.records] == ["request refused"]


def test_every_url_in_the_manifest_resolves_on_the_skill(app: Flask, tmp_path: Path) -> None:
    package = write_skill_package("https://alexa.example.org/", tmp_path)
    manifest = json.loads((package / "skill.json").read_text(encoding="utf-8"))["manifest"]
    pages = manifest["privacyAndCompliance"]["locales"]
    client = app.test_client()

    assert set(pages) == set(manifest["publishingInformation"]["locales"]) == set(LOCALES)
    for locale, urls in pages.items():
        for field in ("privacyPolicyUrl", "termsOfUseUrl"):
            url = urlsplit(urls[field])
            assert url.scheme == "https" and url.hostname == "alexa.example.org", f"{locale}.{field}: {urls[field]}"
            response = client.get(url.path)
            assert response.status_code == 200, f"{locale}.{field}: {url.path} -> {response.status_code}"
            assert f'<html lang="{locale}">' in response.get_data(as_text=True)


@pytest.fixture
def pages_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pages"
    shutil.copytree(PAGES_DIR, copy)
    return copy


def test_a_locale_file_overrides_the_shared_wording(pages_copy: Path) -> None:
    (pages_copy / "privacy.en-GB.md").write_text("# Privacy\n\nBritish wording.\n", encoding="utf-8")

    rendered = load_pages(pages_copy).rendered

    assert "British wording." in rendered[("privacy", "en-GB")]
    assert "British wording." not in rendered[("privacy", "en-US")]


def test_an_unknown_placeholder_stops_start_up_naming_the_file(pages_copy: Path) -> None:
    (pages_copy / "terms.md").write_text("# Terms\n\nCall $emergency_nubmer.\n", encoding="utf-8")

    with pytest.raises(ValueError, match=r"terms\.md: unknown or malformed placeholder 'emergency_nubmer'"):
        load_pages(pages_copy)


def test_a_page_without_a_title_stops_start_up(pages_copy: Path) -> None:
    (pages_copy / "privacy.md").write_text("Just words.\n", encoding="utf-8")

    with pytest.raises(ValueError, match=r"privacy\.md: the page needs a '# Title' line"):
        load_pages(pages_copy)


def test_markup_in_the_words_is_shown_not_run(pages_copy: Path) -> None:
    (pages_copy / "privacy.md").write_text("# Privacy <b>\n\n- a <script>x</script> & b\n", encoding="utf-8")

    page = load_pages(pages_copy).rendered[("privacy", "en-US")]

    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; b" in page


def test_the_shipped_placeholder_contact_is_warned_about_once_at_start(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """privacy@example.org used to ship silently on the privacy page of a live skill."""
    logger = logging.getLogger("skill")
    logger.addHandler(caplog.handler)
    try:
        caplog.set_level(logging.WARNING)
        load_pages()
        records = {id(record): record for record in caplog.records}.values()  # once, however it propagates
        shipped = [record.getMessage() for record in records if "privacy@example.org" in record.getMessage()]
        caplog.clear()
        own = tmp_path / "pages"
        shutil.copytree(PAGES_DIR, own)
        settings = own / "pages.toml"
        settings.write_text(settings.read_text().replace("privacy@example.org", "privacy@lumprelief.example.net"))
        load_pages(own)
        after = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    finally:
        logger.removeHandler(caplog.handler)
    assert len(shipped) == 1 and "pages.toml" in shipped[0] and "mailbox" in shipped[0]
    assert after == []
