"""Nothing in the project reads outside its own tree, so a clone on its own passes `make test`.

The tests once read Amazon's certificate chain from ../shared/fixtures/, beside the repo; a fresh
clone then failed five tests. This scans the code and configuration for the ways a path leaves the
tree: `..` from the working directory (the repo root, for make, pytest and the CLI), `..`, `.parent`
or `parents[N]` climbing above the root from a file's own folder, absolute paths to the machine it
was written on, and the old shared folder.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CODE_SUFFIXES = {".py", ".js", ".sh", ".ini", ".cfg", ".yml", ".yaml"}
CODE_NAMES = {"Makefile", "Dockerfile", "package.json", ".dockerignore", "run"}
# Names that anchor a relative path to the file's own folder rather than the working directory.
FILE_ANCHORS = ("__file__", "dirname", "$0", "__dirname", "BASH_SOURCE")
DOT_DOT = re.compile(r"(?<![\w.])\.\.(?=[/\\\"'\s)]|$)")
PARENTS_INDEX = re.compile(r"__file__\)?(?:\.resolve\(\))?\.parents\[(\d+)\]")
PARENT_CHAIN = re.compile(r"__file__\)?(?:\.resolve\(\))?((?:\.parent)+)")
MACHINE_PATHS = re.compile(r"(?<![\w.])/(work|home|Users)/")
SHARED = re.compile(r"(?<![\w-])shared[/\\\"']")


def project_files() -> list[Path]:
    """The files git tracks (a clone's contents), or every file outside installed folders without git."""
    try:
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                                text=True, check=True, timeout=30).stdout.splitlines()
        paths = [REPO / line for line in listed]
    except (OSError, subprocess.CalledProcessError):
        skipped = {".venv", "node_modules", ".git", "__pycache__"}
        paths = [path for path in REPO.rglob("*") if not skipped & set(path.relative_to(REPO).parts)]
    return sorted(path for path in paths if path.is_file()
                  and (path.suffix in CODE_SUFFIXES or path.name in CODE_NAMES))


def outside_reads(relative: Path, text: str) -> list[str]:
    """Each line that leaves the tree, as 'file:line: reason'."""
    depth = len(relative.parts) - 1  # how many folders the file sits below the root
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{relative.as_posix()}:{number}"
        code = line if "://" not in line else re.sub(r"\w+://\S+", "", line)  # `..` inside a URL is no path
        climbs = len(DOT_DOT.findall(code))
        if climbs:
            anchored = any(anchor in code for anchor in FILE_ANCHORS)
            if not anchored:
                findings.append(f"{where}: '..' from the working directory (the repo root) leaves the repo")
            elif climbs > depth:
                findings.append(f"{where}: climbs {climbs} folders from a file {depth} deep, above the repo root")
        for match in PARENTS_INDEX.finditer(line):
            if int(match[1]) > depth:
                findings.append(f"{where}: parents[{match[1]}] of a file {depth} deep is above the repo root")
        for match in PARENT_CHAIN.finditer(line):
            if match[1].count(".parent") - 1 > depth:
                findings.append(f"{where}: {match[1].count('.parent')} x .parent of a file {depth} deep "
                                "is above the repo root")
        if MACHINE_PATHS.search(line):
            findings.append(f"{where}: an absolute path on the author's machine")
        if SHARED.search(line):
            findings.append(f"{where}: names the shared folder beside the repo")
    return findings


def test_no_project_file_reads_outside_the_repo() -> None:
    files = [path for path in project_files() if path != Path(__file__).resolve()]  # its examples are the ways out
    assert len(files) > 20, f"found only {len(files)} code files under {REPO}"

    findings = [finding for path in files
                for finding in outside_reads(path.relative_to(REPO), path.read_text(encoding="utf-8", errors="replace"))]

    assert findings == [], "\n".join(findings)


@pytest.mark.parametrize(("file", "line", "reason"), [
    ("tests/test_verification.py",
     'AMAZON_CHAIN = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "chain.pem"',
     "parents[2] of a file 1 deep is above the repo root"),
    ("tests/x.py", 'CHAIN = Path("../" "shared/fixtures/chain.pem")', "leaves the repo"),
    ("tests/x.py", 'CHAIN = Path(__file__).parent.parent.parent / "fixtures"', "3 x .parent of a file 1 deep"),
    ("skill/x.py", 'open("/work/shared/guidance.txt")', "an absolute path on the author's machine"),
    ("Makefile", "\tcp -r ../fixtures tests/", "'..' from the working directory"),
])
def test_each_way_out_of_the_tree_is_named(file: str, line: str, reason: str) -> None:
    findings = outside_reads(Path(file), line)

    assert any(reason in finding for finding in findings), findings


@pytest.mark.parametrize(("file", "line"), [
    ("skill/handlers/triage.py", 'TRIAGE = Path(__file__).resolve().parents[1] / "content" / "triage.toml"'),
    ("skill/publishing/package.py", "REPO_DIR = Path(__file__).resolve().parent.parent"),
    (".ci/run", 'cd "$(dirname "$0")/.."'),
    ("tests/test_verification.py", '"dot-dot": "https://s3.amazonaws.com/echo.api/../echo.api/x.pem",'),
])
def test_paths_that_stay_inside_the_tree_pass(file: str, line: str) -> None:
    assert outside_reads(Path(file), line) == []
