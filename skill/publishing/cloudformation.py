"""The ASK CLI project for `ask deploy` to build and ship everything through @ask-cli/cfn-deployer.

Writes, beside skill-package/ (package.py writes that):
  ask-resources.json                          the cfn-deployer, one code entry per Alexa region
  infrastructure/cfn-deployer/skill-stack.yaml  function, table with TTL, role, Alexa trigger, logs
  hooks/build.sh                              the ASK CLI's custom build step: `make lambda` in this repo,
                                              so the deployer ships the pinned, Lambda-platform zip
  code/README.md                              the code folder the CLI copies; the zip comes from the hook
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parents[2]
TEMPLATE_SOURCE = Path(__file__).resolve().parent / "infrastructure" / "skill-stack.yaml"
TEMPLATE_PATH = Path("infrastructure") / "cfn-deployer" / "skill-stack.yaml"
HOOK_PATH = Path("hooks") / "build.sh"
CODE_FOLDER = "code"
DEPLOYER = "@ask-cli/cfn-deployer"
RUNTIME = "python3.11"
HANDLER = "skill.lambda_handler"
# One stack per Alexa region, in the AWS region nearest its endpoint (Amazon's table for Lambda skills):
# "default" answers North America (and any region without its own entry), EU serves Europe and
# India, FE the Far East including Australia.
# https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-an-aws-lambda-function.html
ALEXA_REGIONS = {"default": "us-east-1", "EU": "eu-west-1", "FE": "us-west-2"}

HOOK = """#!/bin/sh
# The ASK CLI's custom build step (`ask deploy` runs hooks/build.sh OUT_FILE DO_DEBUG): build the
# Lambda zip with the repo's own `make lambda` (hashed lock, Lambda's platform wheels, compiled
# bytecode) and hand it to the cfn-deployer, instead of letting the CLI zip a folder itself.
set -eu
out_file="$1"
repo="$(cd "$(dirname "$0")/{repo}" && pwd)"
make -C "$repo" lambda
cp "$repo/dist/lambda.zip" "$out_file"
"""

CODE_README = """The ASK CLI copies this folder before each build; the code it ships is not here.
hooks/build.sh builds dist/lambda.zip in the repo (`make lambda`) and hands that zip to the deployer.
"""


def ask_resources(subscriptions: list[str]) -> dict[str, Any]:
    """ask-resources.json for the cfn-deployer; SkillDisabled events reach the same regional function."""
    user_config: dict[str, Any] = {
        "runtime": RUNTIME,
        "handler": HANDLER,
        "templatePath": f"./{TEMPLATE_PATH.as_posix()}",
        "awsRegion": ALEXA_REGIONS["default"],
        "regionalOverrides": {region: {"awsRegion": aws} for region, aws in ALEXA_REGIONS.items() if region != "default"},
    }
    if subscriptions:
        user_config["skillEvents"] = {"subscriptions": subscriptions}
    return {
        "askcliResourcesVersion": "2020-03-31",
        "profiles": {"default": {
            "skillMetadata": {"src": "./skill-package"},
            "code": {region: {"src": f"./{CODE_FOLDER}"} for region in ALEXA_REGIONS},
            "skillInfrastructure": {"type": DEPLOYER, "userConfig": user_config},
        }},
    }


def without_endpoints(manifest: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The manifest with no endpoint (the deployer writes each region's) and its event subscriptions,
    which the deployer sets again with the endpoint."""
    apis = manifest["manifest"]["apis"]["custom"]
    apis.pop("endpoint", None)
    apis.pop("regions", None)
    events = manifest["manifest"].pop("events", None) or {}
    return manifest, [entry["eventName"] for entry in events.get("subscriptions", [])]


def repo_from(folder: Path) -> str:
    """The repo relative to folder, so the written project names no path of this machine."""
    repo = Path(os.path.relpath(REPO_DIR, folder.resolve())).as_posix()
    if any(character in repo for character in '"$`\\\n'):
        raise ValueError(f"the path from {folder} to the repo holds a character a shell would expand: {repo!r}")
    return repo


def check_out_dir(out_dir: Path) -> None:
    """The project's folders (hooks/, code/, infrastructure/) belong in their own folder, not the repo's root."""
    if Path(out_dir).resolve() == REPO_DIR:
        raise ValueError("write the CloudFormation project into its own folder, e.g. --out build")


def write_infrastructure(out_dir: Path) -> list[Path]:
    """The template, the build hook (naming the repo relative to out_dir) and the code folder."""
    out_dir = Path(out_dir)
    hook = out_dir / HOOK_PATH
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook_text = HOOK.replace("{repo}", repo_from(hook.parent))  # may refuse: before anything is written
    template = out_dir / TEMPLATE_PATH
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEMPLATE_SOURCE, template)
    hook.write_text(hook_text, encoding="utf-8")
    hook.chmod(0o755)
    code = out_dir / CODE_FOLDER / "README.md"
    code.parent.mkdir(parents=True, exist_ok=True)
    code.write_text(CODE_README, encoding="utf-8")
    return [template, hook, code]
