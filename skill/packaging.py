"""Build the ASK CLI skill-package from interaction_model/, so a deploy ships the models we lint."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MODEL_DIR = Path(__file__).resolve().parent.parent / "interaction_model"
MANIFEST_NAME = "skill.json"
PACKAGE_NAME = "skill-package"
CUSTOM_MODELS = Path("interactionModels") / "custom"


def check_endpoint(endpoint: str) -> str:
    """Alexa only calls HTTPS endpoints with a host, so refuse anything else before writing."""
    parts = urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"endpoint must be an https:// URL with a host, got {endpoint!r}")
    return endpoint


def read_json(path: Path) -> dict[str, Any]:
    """A model that is not valid JSON must stop packaging with its file name, not deploy broken."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error


def locale_models(model_dir: Path) -> dict[str, dict[str, Any]]:
    """Every <locale>.json beside the manifest is a model, so a new market needs no code change."""
    return {
        path.stem: read_json(path)
        for path in sorted(model_dir.glob("*.json"))
        if path.name != MANIFEST_NAME
    }


def manifest_for(endpoint: str, model_dir: Path, locales: set[str]) -> dict[str, Any]:
    """Point the manifest at this deployment and check it publishes exactly the locales we model."""
    manifest = read_json(model_dir / MANIFEST_NAME)
    published = set(manifest["manifest"]["publishingInformation"]["locales"])
    if published != locales:
        raise ValueError(
            f"{model_dir / MANIFEST_NAME}: publishingInformation.locales {sorted(published)} "
            f"!= model files {sorted(locales)}"
        )
    manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"] = endpoint
    return manifest


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_skill_package(endpoint: str, out_dir: Path, model_dir: Path = MODEL_DIR) -> Path:
    """Write out_dir/skill-package so `ask deploy` gets our models and this endpoint; safe to rerun."""
    check_endpoint(endpoint)
    models = locale_models(model_dir)
    if not models:
        raise ValueError(f"{model_dir}: no <locale>.json interaction models found")
    manifest = manifest_for(endpoint, model_dir, set(models))

    package = Path(out_dir) / PACKAGE_NAME
    custom = package / CUSTOM_MODELS
    write_json(package / MANIFEST_NAME, manifest)
    for locale, model in models.items():
        write_json(custom / f"{locale}.json", model)
    for stale in custom.glob("*.json"):
        if stale.stem not in models:
            stale.unlink()
    return package


def main(argv: list[str] | None = None) -> int:
    """`python -m skill package --endpoint URL [--out DIR]`: one command from source to deployable package."""
    parser = argparse.ArgumentParser(
        prog="python -m skill package",
        description="Write an ASK CLI skill-package/ from interaction_model/.",
    )
    parser.add_argument("--endpoint", required=True, metavar="URL", help="https URL Alexa will call")
    parser.add_argument("--out", type=Path, default=Path.cwd(), metavar="DIR",
                        help="directory to write skill-package/ into (default: current directory)")
    args = parser.parse_args(argv)
    try:
        package = write_skill_package(args.endpoint, args.out)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {package / MANIFEST_NAME} (endpoint {args.endpoint})")
    for path in sorted((package / CUSTOM_MODELS).glob("*.json")):
        print(f"wrote {path}")
    return 0
