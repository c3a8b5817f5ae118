"""The Lambda cold start: the first event in a fresh process, from the unzipped zip, against the floor.

Lambda's python3.11 runtime unzips the package into a read-only folder and imports the handler on the
first event. This unzips dist/lambda.zip the same way (read-only, no bytecode written), SQLite store,
and times one LaunchRequest in a fresh process, side by side with ask-sdk-core's hello world built the
same way (`pip install --target` with Lambda's platform wheels, the releases requirements.lock pins,
bytecode compiled the same) and with
a hello world that also builds the SDK's DynamoDB adapter (boto3), the floor for a skill that keeps
memory in DynamoDB. Figures: the first event (import + handle, inside the process) and the whole
process (interpreter start to answer), medians of --runs. The target is the skill at most 2x the
plain hello world. Needs the package index once, to build the hello worlds.
Run: make lambda && .venv/bin/python bench/bench_lambda_cold_start.py [--runs 15]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skill.envelopes import Session  # noqa: E402
from skill.publishing.lambda_zip import DEFAULT_ZIP, compile_bytecode, install_requirements  # noqa: E402

SDK_VERSION = "1.19.0"
HELLO_WORLD = '''
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import {builder}
from ask_sdk_core.utils import is_request_type


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hello world").set_should_end_session(False).response


{setup}
sb.add_request_handler(LaunchRequestHandler())
lambda_handler = sb.lambda_handler()
'''
PLAIN = HELLO_WORLD.format(builder="SkillBuilder", setup="sb = SkillBuilder()")
WITH_DYNAMODB = HELLO_WORLD.format(
    builder="CustomSkillBuilder",
    setup="from ask_sdk_dynamodb.adapter import DynamoDbAdapter\n"
          "import boto3\n"
          "sb = CustomSkillBuilder(persistence_adapter=DynamoDbAdapter(\n"
          "    'hello', dynamodb_resource=boto3.resource('dynamodb', region_name='us-east-1')))")
# Lambda's bootstrap in miniature: the clock starts before the handler's module is imported.
RUNNER = """
import json, sys, time
began = time.perf_counter()
module, _, name = sys.argv[1].rpartition(".")
handler = getattr(__import__(module, fromlist=[name]), name)
answer = handler(json.loads(sys.stdin.read()), None)
print(json.dumps({"seconds": time.perf_counter() - began, "speech": answer["response"]["outputSpeech"]["ssml"]}))
"""


def read_only(folder: Path) -> None:
    for path in folder.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    folder.chmod(0o555)


def unzip(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


def locked_versions() -> str:
    """The skill's pins (name==version, without hashes) as a constraints file, so both sides get the same
    ask-sdk, boto3 and dateutil releases."""
    pins = [line.split()[0] for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line]
    return "".join(pin + "\n" for pin in pins)


def hello_world(folder: Path, source: str, requirements: list[str]) -> Path:
    """pip install --target (Lambda's wheels), the handler file, bytecode compiled as in the skill's zip."""
    folder.mkdir()
    constraints = folder.parent / "skill-pins.txt"
    constraints.write_text(locked_versions())
    wanted = folder.parent / f"{folder.name}-requirements.txt"
    wanted.write_text(f"-c {constraints.name}\n" + "".join(line + "\n" for line in requirements))
    install_requirements(folder, wanted, require_hashes=False)
    (folder / "hello_world.py").write_text(source)
    compile_bytecode(folder)
    return folder


def first_event(folder: Path, handler: str, event: dict, store: str) -> tuple[float, float]:
    """(first event inside the process, whole process), in seconds, in a fresh interpreter."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(folder), "PYTHONDONTWRITEBYTECODE": "1",
           "SKILL_STORE": store, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "LOG_LEVEL": "WARNING"}
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-S", "-c", RUNNER, handler], cwd=folder, env=env,
                          input=json.dumps(event), capture_output=True, text=True, timeout=60)
    whole = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"{handler} in {folder} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])["seconds"], whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP)
    options = parser.parse_args()
    if not options.zip.is_file():
        sys.exit(f"{options.zip} is missing: run `make lambda` first")
    with tempfile.TemporaryDirectory(prefix="lambda-cold-") as scratch:
        work = Path(scratch)
        targets = {
            "skill (dist/lambda.zip)": (unzip(options.zip, work / "skill"), "skill.lambda_handler"),
            "ask-sdk-core hello world": (hello_world(work / "hello", PLAIN, [f"ask-sdk-core=={SDK_VERSION}"]),
                                         "hello_world.lambda_handler"),
            "hello world + DynamoDB adapter": (
                hello_world(work / "hello-dynamodb", WITH_DYNAMODB,
                            [f"ask-sdk-core=={SDK_VERSION}", f"ask-sdk-dynamodb-persistence-adapter=={SDK_VERSION}"]), "hello_world.lambda_handler"),
        }
        for folder, _ in targets.values():
            read_only(folder)
        store_dir = work / "store"
        store_dir.mkdir()
        store = f"sqlite:///{store_dir}/bench.db"
        event = Session().launch()
        for folder, handler in targets.values():  # the skill's first run creates the store's schema
            first_event(folder, handler, event, store)
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
        for _ in range(options.runs):  # interleaved, so a busy moment on the machine hits every row alike
            for name, (folder, handler) in targets.items():
                timings[name].append(first_event(folder, handler, event, store))
    print(f"first LaunchRequest in a fresh process, read-only unzipped folder, no bytecode written, "
          f"median of {options.runs} (Python {sys.version.split()[0]}):")
    print(f"{'':34} {'first event':>12} {'whole process':>14}")
    medians = {}
    for name, runs in timings.items():
        medians[name] = statistics.median(first for first, _ in runs)
        print(f"{name:34} {medians[name] * 1000:9.0f} ms {statistics.median(whole for _, whole in runs) * 1000:11.0f} ms")
    skill_name, plain, dynamodb = list(medians)
    print(f"skill / hello world: {medians[skill_name] / medians[plain]:.2f}x (target at most 2x); "
          f"skill / hello world + DynamoDB adapter: {medians[skill_name] / medians[dynamodb]:.2f}x")


if __name__ == "__main__":
    main()
