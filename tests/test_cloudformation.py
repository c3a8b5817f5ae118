"""`package --cloudformation` writes a project `ask deploy` can ship end to end with @ask-cli/cfn-deployer.

Checked offline: the project file the ASK CLI reads, the template through cfn-lint (AWS's own linter,
with the resource specifications it ships) and the pieces a live skill needs, and the build hook.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

from skill.publishing import cloudformation
from skill.__main__ import main as skill_main
from skill.publishing.package import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = "https://pages.example.org/lump-relief/"
# Parameters the cfn-deployer always passes (its _mapStackParameters); CloudFormation refuses a
# parameter the template does not declare.
RESERVED = {"SkillId", "LambdaRuntime", "LambdaHandler", "CodeBucket", "CodeKey", "CodeVersion"}
ALEXA_TIMEOUT_SECONDS = 8
PRIVACY_PROMISE_DAYS = 90


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cfn") / "build"
    assert skill_main(["package", "--cloudformation", "--pages-url", PAGES, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def template(project: Path) -> dict[str, Any]:
    resources = json.loads((project / "ask-resources.json").read_text())
    path = project / resources["profiles"]["default"]["skillInfrastructure"]["userConfig"]["templatePath"]
    decoded, problems = decode(str(path))
    assert not problems, problems
    return decoded


def resources_of(template: dict[str, Any], kind: str) -> dict[str, Any]:
    found = {name: body for name, body in template["Resources"].items() if body["Type"] == kind}
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return found


def test_the_project_names_the_cfn_deployer_and_one_stack_per_alexa_region(project: Path) -> None:
    profile = json.loads((project / "ask-resources.json").read_text())["profiles"]["default"]
    infrastructure = profile["skillInfrastructure"]
    config = infrastructure["userConfig"]

    assert infrastructure["type"] == "@ask-cli/cfn-deployer"
    assert config["runtime"] == "python3.11" and config["handler"] == "skill.lambda_handler"
    assert (project / config["templatePath"]).is_file()
    # The deployer's region rule: "default" takes userConfig.awsRegion, the others regionalOverrides.
    aws_regions = {region: config["awsRegion"] if region == "default" else config["regionalOverrides"][region]["awsRegion"]
                   for region in profile["code"]}
    assert aws_regions == {"default": "us-east-1", "EU": "eu-west-1", "FE": "us-west-2"}
    for code in profile["code"].values():
        assert (project / code["src"]).is_dir(), "the CLI copies code.src before building"
        assert (project / code["src"]).resolve().is_relative_to(project.resolve()), \
            "a src outside the project makes the CLI empty a build folder outside .ask/"
    assert config["skillEvents"] == {"subscriptions": ["SKILL_DISABLED"]}, \
        "the deployer must point SkillDisabled at each regional function, which erases her record"


def test_the_manifest_leaves_the_endpoints_to_the_deployer_and_the_pages_to_the_pages_url(project: Path) -> None:
    manifest = json.loads((project / "skill-package" / "skill.json").read_text())["manifest"]

    assert "endpoint" not in manifest["apis"]["custom"] and "events" not in manifest
    assert manifest["apis"]["custom"]["interfaces"], "the screen and CanFulfill interfaces stay"
    privacy = manifest["privacyAndCompliance"]["locales"]["en-GB"]["privacyPolicyUrl"]
    assert privacy == PAGES + "privacy-en-GB.html"
    assert (project / "pages" / "privacy-en-GB.html").is_file()


def test_the_template_passes_cfn_lint(project: Path, template: dict[str, Any]) -> None:
    linter = Path(sys.executable).parent / "cfn-lint"
    path = project / cloudformation.TEMPLATE_PATH
    result = subprocess.run([str(linter), "--regions", "us-east-1", "eu-west-1", "us-west-2", "--", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_template_declares_the_reserved_parameters_and_the_skill_endpoint(template: dict[str, Any]) -> None:
    assert RESERVED <= set(template["Parameters"])
    (function_name,) = resources_of(template, "AWS::Lambda::Function")
    assert template["Outputs"]["SkillEndpoint"]["Value"] == {"Fn::GetAtt": [function_name, "Arn"]}


def test_the_function_answers_within_alexas_wait_from_the_uploaded_zip(template: dict[str, Any]) -> None:
    (function,) = resources_of(template, "AWS::Lambda::Function").values()
    properties = function["Properties"]

    assert properties["Timeout"] < ALEXA_TIMEOUT_SECONDS
    assert isinstance(properties["MemorySize"], int) and properties["MemorySize"] >= 128
    assert properties["Code"] == {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"},
                                  "S3ObjectVersion": {"Ref": "CodeVersion"}}
    assert properties["Handler"] == {"Ref": "LambdaHandler"} and properties["Runtime"] == {"Ref": "LambdaRuntime"}
    (table_name,) = resources_of(template, "AWS::DynamoDB::Table")
    variables = properties["Environment"]["Variables"]
    assert variables["SKILL_STORE"] == {"Fn::Sub": f"dynamodb://${{{table_name}}}"}
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}


def test_the_table_keeps_her_record_90_days_by_ttl_and_survives_a_stack_delete(template: dict[str, Any]) -> None:
    (table,) = resources_of(template, "AWS::DynamoDB::Table").values()

    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]


def test_the_role_may_touch_only_its_table_and_its_log_group(template: dict[str, Any]) -> None:
    (role,) = resources_of(template, "AWS::IAM::Role").values()
    (table_name,) = resources_of(template, "AWS::DynamoDB::Table")
    (logs_name,) = resources_of(template, "AWS::Logs::LogGroup")
    statements = [statement for policy in role["Properties"]["Policies"]
                  for statement in policy["PolicyDocument"]["Statement"]]
    granted = {(action, json.dumps(statement["Resource"], sort_keys=True))
               for statement in statements for action in statement["Action"]}

    assert role.get("Properties", {}).get("ManagedPolicyArns") is None
    table = json.dumps({"Fn::GetAtt": [table_name, "Arn"]}, sort_keys=True)
    logs = json.dumps({"Fn::GetAtt": [logs_name, "Arn"]}, sort_keys=True)
    assert granted == {*((f"dynamodb:{action}", table) for action in (
        "DescribeTable", "DescribeTimeToLive", "GetItem", "PutItem", "UpdateItem", "DeleteItem")),
        ("logs:CreateLogStream", logs), ("logs:PutLogEvents", logs)}


def test_only_this_skill_may_invoke_the_function(template: dict[str, Any]) -> None:
    (permission,) = resources_of(template, "AWS::Lambda::Permission").values()
    (function_name,) = resources_of(template, "AWS::Lambda::Function")

    assert permission["Properties"] == {"Action": "lambda:InvokeFunction",
                                        "FunctionName": {"Fn::GetAtt": [function_name, "Arn"]},
                                        "Principal": "alexa-appkit.amazon.com",
                                        "EventSourceToken": {"Ref": "SkillId"}}


def test_the_logs_are_kept_no_longer_than_her_record(template: dict[str, Any]) -> None:
    (log_group_name, log_group), = resources_of(template, "AWS::Logs::LogGroup").items()
    (function,) = resources_of(template, "AWS::Lambda::Function").values()

    assert 0 < log_group["Properties"]["RetentionInDays"] <= PRIVACY_PROMISE_DAYS
    assert function["Properties"]["LoggingConfig"]["LogGroup"] == {"Ref": log_group_name}


def test_the_build_hook_ships_the_zip_make_lambda_builds(project: Path) -> None:
    """The ASK CLI runs hooks/build.sh OUT_FILE DO_DEBUG from a build folder under .ask/."""
    hook = project / cloudformation.HOOK_PATH
    assert os.access(hook, os.X_OK)
    build_folder = project / ".ask" / "code"
    build_folder.mkdir(parents=True)
    dry_run = subprocess.run(["make", "-q", "-C", str(ROOT), "lambda"], capture_output=True)
    if dry_run.returncode != 0:  # dist/lambda.zip is stale: run the hook's make as a dry run only
        script = hook.read_text().replace("make -C", "make -n -C").replace('cp "$repo', ': "$repo')
        hook = hook.with_name("dry-run.sh")
        hook.write_text(script)
    result = subprocess.run(["sh", str(hook), str(build_folder / "build.zip"), "false"], cwd=build_folder,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    if dry_run.returncode != 0:
        assert "-m skill lambda --out dist/lambda.zip" in result.stdout
    else:
        assert (build_folder / "build.zip").read_bytes() == (ROOT / "dist" / "lambda.zip").read_bytes()


def test_the_project_refuses_the_repo_root_and_a_missing_pages_url(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cloudformation", "--pages-url", PAGES, "--out", str(ROOT)]) == 2
    assert "--out build" in capsys.readouterr().err
    assert main(["--cloudformation", "--out", str(tmp_path)]) == 2
    assert "--pages-url" in capsys.readouterr().err
    assert not (tmp_path / "ask-resources.json").exists()


def test_the_manifest_with_the_regional_endpoints_the_deployer_writes_is_known_to_amazon(project: Path) -> None:
    """What `ask deploy` makes of the manifest (its Manifest.setApisEndpointByDomainRegion and
    setEventsEndpointByRegion for each region's SkillEndpoint), checked against the SMAPI model classes."""
    from tests.amazon_schemas import MANIFEST, unknown_keys

    document = json.loads((project / "skill-package" / "skill.json").read_text())
    manifest = document["manifest"]
    subscriptions = json.loads((project / "ask-resources.json").read_text())[
        "profiles"]["default"]["skillInfrastructure"]["userConfig"]["skillEvents"]["subscriptions"]
    manifest["events"] = {"subscriptions": [{"eventName": name} for name in subscriptions]}
    for region, aws in cloudformation.ALEXA_REGIONS.items():
        endpoint = {"uri": f"arn:aws:lambda:{aws}:123456789012:function:ask-lumpreliefguide-{region}"}
        if region == "default":
            manifest["apis"]["custom"]["endpoint"] = endpoint
            manifest["events"]["endpoint"] = endpoint
        else:
            manifest["apis"]["custom"].setdefault("regions", {})[region] = {"endpoint": endpoint}
            manifest["events"].setdefault("regions", {})[region] = {"endpoint": endpoint}

    assert unknown_keys(document, MANIFEST) == []
    assert set(manifest["apis"]["custom"]["regions"]) == {"EU", "FE"}
