"""GET /privacy and /terms: the pages Amazon's certification asks for, served by the skill itself.

The words live in skill/content/pages/ (Markdown-like text plus pages.toml) so they can be edited
without touching Python. Every page in every locale is rendered once when the app starts, so a
broken page stops start-up rather than a reviewer's visit.
"""
from __future__ import annotations

import html
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request

PAGES_DIR = Path(__file__).resolve().parents[1] / "content" / "pages"
PAGE_NAMES = ("privacy", "terms")
SETTINGS_FILE = "pages.toml"
EXTENSION_KEY = "lump_relief_pages"
# The contact the repo ships with: certification and the privacy page need a mailbox someone reads.
PLACEHOLDER_CONTACT = "privacy@example.org"

log = logging.getLogger(__name__)

pages = Blueprint("pages", __name__)

SHELL = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{max-width:40em;margin:2em auto;padding:0 1em;font:1.05em/1.55 system-ui,sans-serif;color:#233}}
h1{{font-size:1.5em}}h2{{font-size:1.15em;margin-top:1.6em}}</style>
</head>
<body>
{body}
</body>
</html>
"""


def render_markdown(text: str) -> tuple[str, str]:
    """The small part of Markdown the pages use: `#`/`##` headings, `-` lists, paragraphs. Returns (title, html).

    Everything is escaped, so a stray `<` in the words cannot break the page.
    """
    blocks: list[str] = []
    title = ""
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{html.escape(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>\n" + "\n".join(f"<li>{html.escape(item)}</li>" for item in items) + "\n</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            flush()
            title = title or line[2:]
            blocks.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:])
        elif items:
            items[-1] += " " + line  # a list item that wraps onto the next line
        else:
            paragraph.append(line)
    flush()
    return title, "\n".join(blocks)


def page_source(pages_dir: Path, name: str, locale: str) -> Path:
    """A locale's own file (privacy.en-GB.md) when its wording differs, else the shared one."""
    own = pages_dir / f"{name}.{locale}.md"
    return own if own.is_file() else pages_dir / f"{name}.md"


def render_page(pages_dir: Path, name: str, locale: str, settings: dict[str, Any]) -> str:
    """One finished HTML page; an unknown `$placeholder` names the file and the word to fix."""
    source = page_source(pages_dir, name, locale)
    values = {key: str(value) for key, value in settings.items() if not isinstance(value, dict)}
    values.update({key: str(value) for key, value in settings["locales"][locale].items()})
    try:
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
    except (KeyError, ValueError) as error:
        raise ValueError(f"{source}: unknown or malformed placeholder {error} (known: {sorted(values)})") from error
    title, body = render_markdown(text)
    if not title:
        raise ValueError(f"{source}: the page needs a '# Title' line")
    return SHELL.format(lang=html.escape(locale), title=html.escape(title), body=body)


@dataclass(frozen=True)
class Pages:
    """The rendered pages, keyed by (page, locale), and the locale a bare /privacy shows."""

    default_locale: str
    rendered: dict[tuple[str, str], str]


def load_pages(pages_dir: Path = PAGES_DIR) -> Pages:
    """Every (page, locale) rendered up front; a missing file or setting stops start-up with its name."""
    settings_path = pages_dir / SETTINGS_FILE
    try:
        settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{settings_path}: {error}") from error
    locales = settings.get("locales") or {}
    if settings.get("default_locale") not in locales:
        raise ValueError(f"{settings_path}: default_locale must be one of [locales.*] {sorted(locales)}")
    if settings.get("contact") == PLACEHOLDER_CONTACT:
        repo = PAGES_DIR.parents[2]
        shown = settings_path.relative_to(repo) if settings_path.is_relative_to(repo) else settings_path
        log.warning("%s: contact is still %s; put a mailbox someone reads there before publishing",
                    shown, PLACEHOLDER_CONTACT)
    rendered = {}
    for name in PAGE_NAMES:
        for locale in locales:
            try:
                rendered[(name, locale)] = render_page(pages_dir, name, locale, settings)
            except OSError as error:
                raise ValueError(f"{pages_dir}: cannot read the {name} page for {locale} ({error})") from error
    return Pages(default_locale=settings["default_locale"], rendered=rendered)


def serve(name: str, locale: str | None) -> Response:
    loaded: Pages = current_app.extensions[EXTENSION_KEY]
    page = loaded.rendered.get((name, locale or request.args.get("locale") or loaded.default_locale))
    if page is None:
        abort(404)  # the app's error handler logs one line and answers short JSON
    return Response(page, mimetype="text/html")


@pages.get("/privacy")
@pages.get("/privacy/<locale>")
def privacy(locale: str | None = None) -> Response:
    return serve("privacy", locale)


@pages.get("/terms")
@pages.get("/terms/<locale>")
def terms(locale: str | None = None) -> Response:
    return serve("terms", locale)


def init_pages(app: Flask, pages_dir: Path = PAGES_DIR) -> None:
    app.extensions[EXTENSION_KEY] = load_pages(pages_dir)
    app.register_blueprint(pages)
