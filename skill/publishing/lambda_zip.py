"""Build the AWS Lambda deployment zip: Lambda's own wheels of requirements-lambda.lock, plus skill/.

pip picks manylinux wheels for CPython 3.11 on x86_64 (Lambda's python3.11 runtime), whatever this
machine is, exactly the versions and files the lock names (each checked against its hash), and the zip is checked against Lambda's limits before anyone uploads it.

Lambda's code folder is read-only, so Python cannot write bytecode there: without .pyc files every
cold start compiles every module it imports. The zip therefore ships bytecode compiled by CPython 3.11
in "unchecked-hash" mode (valid whatever the files' times after unzipping, never re-checked against
the source), with the paths a traceback shows set to Lambda's /var/task.
"""
from __future__ import annotations

import argparse
import compileall
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
# requirements-lambda.txt (what the handler imports: no Flask, no certificate verifier) locked with hashes,
# at the runtime lock's versions (docs/deployment.md, "Updating the pins").
REQUIREMENTS = REPO_DIR / "requirements-lambda.lock"
DEFAULT_ZIP = REPO_DIR / "dist" / "lambda.zip"
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (deployment package, direct upload)
ZIPPED_LIMIT = 50 * 1000 * 1000
UNZIPPED_LIMIT = 250 * 1000 * 1000
PLATFORM = ["--platform", "manylinux2014_x86_64", "--implementation", "cp", "--python-version", "3.11",
            "--only-binary=:all:"]
LEFT_OUT = ("__pycache__", ".pyc")
# pip's console scripts (bin/) never run on Lambda, and their first line names the builder's own venv;
# each RECORD is pip's uninstall list, hashing those scripts. Left out, two checkouts build the same bytes.
BUILDER_ONLY_FOLDER, BUILDER_ONLY_FILE = "bin/", ".dist-info/RECORD"
# Lambda unzips the package into its task root; the compiled files name their sources there.
TASK_ROOT = "/var/task"
BYTECODE_PYTHON = (3, 11)


def install_requirements(target: Path, requirements: Path = REQUIREMENTS, require_hashes: bool = True) -> None:
    """pip install --target with Lambda's platform; the one step that needs the package index."""
    hashes = ["--require-hashes"] if require_hashes else []
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-compile", *hashes, *PLATFORM, "--target", str(target), "-r", str(requirements)], check=True)


def copy_skill(target: Path) -> None:
    """skill/ beside the libraries, leaving out this machine's own compiled caches."""
    shutil.copytree(REPO_DIR / "skill", target / "skill", ignore=shutil.ignore_patterns(*LEFT_OUT, "*.pyc"))


def compile_bytecode(folder: Path) -> None:
    """Every .py under folder to __pycache__/*.cpython-311.pyc, unchecked-hash, named under /var/task."""
    if sys.version_info[:2] != BYTECODE_PYTHON:
        raise ValueError(f"Lambda's python3.11 loads only bytecode from CPython 3.11; this is "
                         f"{sys.version_info.major}.{sys.version_info.minor}: build the zip with Python 3.11")
    compiled = compileall.compile_dir(str(folder), quiet=2, workers=0, stripdir=str(folder), prependdir=TASK_ROOT,
                                      invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    if not compiled:
        raise ValueError(f"a module under {folder} does not compile with Python 3.11")


def package_files(site: Path) -> list[tuple[Path, str]]:
    """(file, name in the zip): everything in the prepared folder (libraries, skill/, their bytecode),
    but what only the machine that built it uses (BUILDER_ONLY_FOLDER, BUILDER_ONLY_FILE)."""
    named = ((path, path.relative_to(site).as_posix()) for path in sorted(site.rglob("*")) if path.is_file())
    return [(path, name) for path, name in named
            if not name.startswith(BUILDER_ONLY_FOLDER) and not name.endswith(BUILDER_ONLY_FILE)]


def write_zip(files: list[tuple[Path, str]], zip_path: Path) -> tuple[int, int]:
    """Write the zip with fixed times (the same input gives the same bytes); returns (zipped, unzipped)."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    unzipped = 0
    partial = zip_path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path, name in files:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            archive.writestr(info, data)
    os.replace(partial, zip_path)
    return zip_path.stat().st_size, unzipped


def check_limits(zipped: int, unzipped: int) -> None:
    if zipped > ZIPPED_LIMIT or unzipped > UNZIPPED_LIMIT:
        raise ValueError(f"over Lambda's limits: {zipped / 1e6:.1f} MB zipped (limit 50 MB), "
                         f"{unzipped / 1e6:.1f} MB unzipped (limit 250 MB)")


def build_lambda_zip(zip_path: Path = DEFAULT_ZIP, requirements: Path = REQUIREMENTS) -> tuple[int, int]:
    with tempfile.TemporaryDirectory(prefix="lambda-site-") as site:
        install_requirements(Path(site), requirements)
        copy_skill(Path(site))
        compile_bytecode(Path(site))
        zipped, unzipped = write_zip(package_files(Path(site)), zip_path)
    check_limits(zipped, unzipped)
    return zipped, unzipped


def main(argv: list[str] | None = None) -> int:
    """`python -m skill lambda`: dist/lambda.zip for the function's handler `skill.lambda_handler`."""
    parser = argparse.ArgumentParser(prog="python -m skill lambda",
                                     description="Build the AWS Lambda zip (python3.11, x86_64) and check its size.")
    parser.add_argument("--out", type=Path, default=DEFAULT_ZIP, metavar="ZIP", help="default: dist/lambda.zip")
    args = parser.parse_args(argv)
    try:
        zipped, unzipped = build_lambda_zip(args.out)
    except (ValueError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {zipped / 1e6:.1f} MB zipped (limit 50 MB), "
          f"{unzipped / 1e6:.1f} MB unzipped (limit 250 MB); handler skill.lambda_handler, runtime python3.11")
    return 0


if __name__ == "__main__":
    sys.exit(main())
