"""Build the AWS Lambda deployment zip: Lambda's own wheels of requirements.txt, plus skill/.

pip picks manylinux wheels for CPython 3.11 on x86_64 (Lambda's python3.11 runtime), whatever this
machine is, and the zip is checked against Lambda's limits before anyone uploads it.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
REQUIREMENTS = REPO_DIR / "requirements.txt"
DEFAULT_ZIP = REPO_DIR / "dist" / "lambda.zip"
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (deployment package, direct upload)
ZIPPED_LIMIT = 50 * 1000 * 1000
UNZIPPED_LIMIT = 250 * 1000 * 1000
PLATFORM = ["--platform", "manylinux2014_x86_64", "--implementation", "cp", "--python-version", "3.11",
            "--only-binary=:all:"]
LEFT_OUT = ("__pycache__", ".pyc")


def install_requirements(target: Path, requirements: Path = REQUIREMENTS) -> None:
    """pip install --target with Lambda's platform; the one step that needs the package index."""
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *PLATFORM, "--target", str(target), "-r", str(requirements)], check=True)


def package_files(site: Path) -> list[tuple[Path, str]]:
    """(file, name in the zip): the installed libraries and skill/, compiled caches left out."""
    files = []
    for root in (site, REPO_DIR / "skill"):
        base = site if root == site else REPO_DIR
        for path in sorted(root.rglob("*")):
            if path.is_file() and not any(part in LEFT_OUT or part.endswith(".pyc") for part in path.parts):
                files.append((path, path.relative_to(base).as_posix()))
    return files


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
