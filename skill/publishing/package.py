"""Build the ASK CLI project from interaction_model/, so `ask deploy` ships the models we lint as they are.

Writes, into --out:
  ask-resources.json                                 what the ASK CLI (v2) reads first
  skill-package/skill.json                           the manifest, pointed at this endpoint
  skill-package/interactionModels/custom/<locale>.json
  skill-package/assets/images/*.png                  the icons the manifest names as file://assets/...
  pages/<page>-<locale>.html                         privacy and terms as static pages, for hosts
                                                     that cannot serve them (Lambda): see --pages-url
With --cloudformation, also the cfn-deployer's template, build hook and code folder (cloudformation.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from skill.publishing import cloudformation

REPO_DIR = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO_DIR / "interaction_model"
ASK_RUN_DIR = REPO_DIR / "lambda"  # lambda_function.py: the `ask run` shim to skill.lambda_handler
MANIFEST_NAME = "skill.json"
PACKAGE_NAME = "skill-package"
RESOURCES_NAME = "ask-resources.json"
CUSTOM_MODELS = Path("interactionModels") / "custom"
ASSETS = Path("assets") / "images"
ASSET_SCHEME = "file://"
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
# The pages skill/web/pages.py serves, by manifest field.
PAGE_FIELDS = {"privacyPolicyUrl": "privacy", "termsOfUseUrl": "terms"}
ICON_FIELDS = ("smallIconUri", "largeIconUri")


# arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>], as the manifest's endpoint.uri takes it.
LAMBDA_ARN = re.compile(r"arn:aws(-[a-z]+)*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?")


def check_endpoint(endpoint: str) -> str:
    """Only a plain https://host[:port]/path: no credentials, query, fragment, bad port or whitespace."""
    refused = ValueError(f"endpoint must be a plain https:// URL (host, optional port and path), got {endpoint!r}")
    if any(character.isspace() or ord(character) < 32 for character in endpoint):
        raise refused
    parts = urlsplit(endpoint)
    try:
        parts.port  # raises on a port that is not a number in 0..65535
    except ValueError:
        raise refused from None
    if (parts.scheme != "https" or not parts.hostname or parts.username is not None or parts.password is not None
            or parts.query or parts.fragment or "?" in endpoint or "#" in endpoint or parts.port == 0):
        raise refused
    if parts.port not in (None, 443):  # "The service must accept HTTP requests on port 443" (Amazon)
        raise ValueError(f"endpoint must be on port 443, the only port Alexa calls; got port {parts.port}")
    return endpoint


def check_lambda_arn(arn: str) -> str:
    """A Lambda function ARN, the only other endpoint Alexa accepts."""
    if not LAMBDA_ARN.fullmatch(arn):
        raise ValueError(f"lambda ARN must look like arn:aws:lambda:us-east-1:123456789012:function:name, got {arn!r}")
    return arn


PAGES_FOLDER = "pages"


def page_url(endpoint: str, page: str, locale: str) -> str:
    """The page beside the endpoint: the service answers Alexa at its root and serves /privacy there too."""
    base = endpoint if endpoint.endswith("/") else endpoint + "/"
    return urljoin(base, f"{page}/{locale}")


def static_page_name(page: str, locale: str) -> str:
    return f"{page}-{locale}.html"


def static_page_url(pages_url: str, page: str, locale: str) -> str:
    """Where the owner hosts the written pages/ folder: pages_url + privacy-en-US.html."""
    base = pages_url if pages_url.endswith("/") else pages_url + "/"
    return urljoin(base, static_page_name(page, locale))


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


def icon_files(manifest: dict[str, Any], model_dir: Path) -> set[Path]:
    """The icons every locale names, as paths under model_dir; a missing or non-file:// icon stops packaging."""
    files = set()
    for locale, info in manifest["manifest"]["publishingInformation"]["locales"].items():
        for field in ICON_FIELDS:
            uri = info.get(field, "")
            if not uri.startswith(ASSET_SCHEME + ASSETS.as_posix() + "/"):
                raise ValueError(f"{model_dir / MANIFEST_NAME}: {locale}.{field} must be "
                                 f"{ASSET_SCHEME}{ASSETS.as_posix()}/<file>.png, got {uri!r}")
            path = model_dir / uri.removeprefix(ASSET_SCHEME)
            if not path.is_file():
                raise ValueError(f"{model_dir / MANIFEST_NAME}: {locale}.{field} names {path}, which does not exist")
            files.add(path)
    return files


def manifest_for(endpoint: str | None, ssl_certificate_type: str, model_dir: Path, locales: set[str],
                 pages_url: str | None = None) -> dict[str, Any]:
    """Point the manifest at this deployment and check it publishes exactly the locales we model.

    With no endpoint (the cfn-deployer writes one per region) the pages are under pages_url."""
    if ssl_certificate_type not in SSL_CERTIFICATE_TYPES:
        raise ValueError(f"ssl certificate type must be one of {', '.join(SSL_CERTIFICATE_TYPES)}, "
                         f"got {ssl_certificate_type!r}")
    manifest = read_json(model_dir / MANIFEST_NAME)
    published = set(manifest["manifest"]["publishingInformation"]["locales"])
    if published != locales:
        raise ValueError(
            f"{model_dir / MANIFEST_NAME}: publishingInformation.locales {sorted(published)} "
            f"!= model files {sorted(locales)}"
        )
    if endpoint is None:
        pass
    elif endpoint.startswith("arn:"):
        target = {"uri": endpoint}  # no certificate for Lambda
    else:
        target = {"uri": endpoint, "sslCertificateType": ssl_certificate_type}
    if endpoint is not None:
        manifest["manifest"]["apis"]["custom"]["endpoint"] = target
        if "events" in manifest["manifest"]:  # SkillDisabled reaches the same service, which erases her record
            manifest["manifest"]["events"]["endpoint"] = dict(target)
    manifest["manifest"]["privacyAndCompliance"]["locales"] = {
        locale: {field: static_page_url(pages_url, page, locale) if pages_url else page_url(endpoint or "", page, locale)
                 for field, page in PAGE_FIELDS.items()}
        for locale in sorted(locales)
    }
    return manifest


def ask_resources(out_dir: Path, ask_run: bool) -> dict[str, Any]:
    """ask-resources.json: the ASK CLI v2 project file; with ask_run, the code `ask run` starts locally.

    No skillInfrastructure type, so `ask deploy` never tries to create a Lambda function.
    """
    profile: dict[str, Any] = {"skillMetadata": {"src": f"./{PACKAGE_NAME}"}}
    if ask_run:
        source = Path(os.path.relpath(ASK_RUN_DIR, out_dir.resolve())).as_posix()
        profile["code"] = {"default": {"src": source if source.startswith(".") else f"./{source}"}}
        profile["skillInfrastructure"] = {"userConfig": {"runtime": "python3", "handler": "lambda_function.lambda_handler"}}
    return {"askcliResourcesVersion": "2020-03-31", "profiles": {"default": profile}}


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def copy_file(target: Path, source: Path) -> None:
    shutil.copyfile(source, target)


def replace_folder_files(folder: Path, wanted: dict[str, Any], write: Callable[[Path, Any], None]) -> None:
    """Write each wanted file and drop any other, so a removed locale or icon leaves nothing stale."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in wanted.items():
        write(folder / name, source)
    for stale in folder.iterdir():
        if stale.name not in wanted and stale.is_file():
            stale.unlink()


def write_skill_package(endpoint: str | None, out_dir: Path, model_dir: Path = MODEL_DIR,
                        ssl_certificate_type: str = "Trusted", ask_run: bool = False,
                        pages_url: str | None = None,
                        pages: Mapping[tuple[str, str], str] | None = None) -> Path:
    """Write out_dir/ask-resources.json, out_dir/skill-package and out_dir/pages for this endpoint; safe to rerun.

    endpoint is an https URL or a Lambda function ARN; a Lambda serves no pages, so it needs pages_url.
    None writes the CloudFormation project instead: `ask deploy` creates the functions and fills in
    their endpoints (cloudformation.py); it needs pages_url too.
    """
    if endpoint is None:
        if not pages_url:
            raise ValueError("a CloudFormation project serves no /privacy or /terms: give --pages-url where you host pages/")
        cloudformation.check_out_dir(out_dir)
    elif endpoint.startswith("arn:"):
        check_lambda_arn(endpoint)
        if not pages_url:
            raise ValueError("a Lambda endpoint serves no /privacy or /terms: give --pages-url where you host pages/")
    else:
        check_endpoint(endpoint)
    if pages_url:
        check_endpoint(pages_url)
    models = locale_models(model_dir)
    if not models:
        raise ValueError(f"{model_dir}: no <locale>.json interaction models found")
    manifest = manifest_for(endpoint, ssl_certificate_type, model_dir, set(models), pages_url)
    icons = icon_files(manifest, model_dir)

    out_dir = Path(out_dir)
    package = out_dir / PACKAGE_NAME
    if endpoint is None:
        manifest, subscriptions = cloudformation.without_endpoints(manifest)
        cloudformation.write_infrastructure(out_dir)
        write_json(out_dir / RESOURCES_NAME, cloudformation.ask_resources(subscriptions))
    else:
        write_json(out_dir / RESOURCES_NAME, ask_resources(out_dir, ask_run))
    write_json(package / MANIFEST_NAME, manifest)
    replace_folder_files(package / CUSTOM_MODELS, {f"{locale}.json": model for locale, model in models.items()},
                         write_json)
    replace_folder_files(package / ASSETS, {icon.name: icon for icon in icons}, copy_file)
    if pages:
        replace_folder_files(out_dir / PAGES_FOLDER,
                             {static_page_name(page, locale): text for (page, locale), text in pages.items()},
                             lambda path, text: path.write_text(text, encoding="utf-8"))
    return package


def main(argv: list[str] | None = None, pages: Mapping[tuple[str, str], str] | None = None) -> int:
    """`python -m skill package --endpoint URL`: one command from source to a folder `ask deploy` accepts."""
    parser = argparse.ArgumentParser(
        prog="python -m skill package",
        description="Write an ASK CLI project (ask-resources.json and skill-package/) from interaction_model/.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint", metavar="URL", help="https URL Alexa will call")
    where.add_argument("--lambda-arn", metavar="ARN", help="the Lambda function Alexa will call (docs/lambda.md)")
    where.add_argument("--cloudformation", action="store_true",
                       help="let `ask deploy` create the function, table, role and Alexa trigger in each Alexa "
                            "region with @ask-cli/cfn-deployer (docs/lambda.md); needs --pages-url")
    parser.add_argument("--pages-url", metavar="URL",
                        help="https URL where you host the written pages/ folder (needed with --lambda-arn "
                             "and --cloudformation)")
    parser.add_argument("--ssl-certificate-type", choices=SSL_CERTIFICATE_TYPES, default="Trusted",
                        help="Trusted (a CA-signed certificate for this host), Wildcard (a sub-domain of a wildcard "
                             "certificate, as tunnels give), or SelfSigned (upload it in the console)")
    parser.add_argument("--out", type=Path, default=Path.cwd(), metavar="DIR",
                        help="directory to write ask-resources.json and skill-package/ into (default: current directory)")
    parser.add_argument("--ask-run", action="store_true",
                        help="also name the code `ask run` starts locally (lambda/lambda_function.py)")
    args = parser.parse_args(argv)
    try:
        if args.cloudformation and args.ask_run:
            raise ValueError("--ask-run names the code `ask run` starts; the CloudFormation project ships the zip")
        package = write_skill_package(args.endpoint or args.lambda_arn, args.out,
                                      ssl_certificate_type=args.ssl_certificate_type, ask_run=args.ask_run,
                                      pages_url=args.pages_url, pages=pages)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {Path(args.out) / RESOURCES_NAME}")
    if args.cloudformation:
        print(f"wrote {package / MANIFEST_NAME} (endpoints from `ask deploy`, one stack per Alexa region: "
              f"{', '.join(f'{region} {aws}' for region, aws in cloudformation.ALEXA_REGIONS.items())}; "
              f"pages under {args.pages_url})")
        for path in (cloudformation.TEMPLATE_PATH, cloudformation.HOOK_PATH):
            print(f"wrote {Path(args.out) / path}")
    elif args.lambda_arn:
        print(f"wrote {package / MANIFEST_NAME} (endpoint {args.lambda_arn}, pages under {args.pages_url})")
    else:
        print(f"wrote {package / MANIFEST_NAME} (endpoint {args.endpoint}, {args.ssl_certificate_type} certificate)")
    written_pages = sorted((Path(args.out) / PAGES_FOLDER).glob("*.html")) if pages else []
    for path in sorted((package / CUSTOM_MODELS).glob("*.json")) + sorted((package / ASSETS).glob("*")) + written_pages:
        print(f"wrote {path}")
    return 0
