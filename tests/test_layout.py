"""The tree reads like the path of a request: one folder per layer, no circles, nothing imports upward.

Each failure names the module and the import to move.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SKILL_DIR = Path(__file__).resolve().parents[1] / "skill"
# Modules that may stay at the top of skill/: the wiring, settings, logs, console and entry points.
TOP_LEVEL_LIMIT = 8
BASE_MODULES = {"skill.config", "skill.logs", "skill.envelopes", "skill.turn"}
ENTRY_MODULES = {"skill", "skill.__main__", "skill.app", "skill.console"}
# Each layer, and the layers it may import (besides itself and the base modules), top to bottom.
MAY_IMPORT: dict[str, set[str]] = {
    "entry": {"web", "publishing", "handlers", "understanding", "conversation", "verification",
              "content", "persistence", "alexa_api"},
    "web": {"handlers", "conversation", "verification", "content", "persistence"},
    "publishing": {"understanding", "content"},
    "handlers": {"understanding", "conversation", "content", "persistence", "alexa_api"},
    "understanding": {"content"},
    "conversation": {"content", "persistence"},
    "verification": set(),
    "alexa_api": set(),
    "content": set(),
    "persistence": set(),
    "base": set(),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SKILL_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    if module in BASE_MODULES:
        return "base"
    if module in ENTRY_MODULES:
        return "entry"
    return module.split(".")[1]


def imports_of(path: Path) -> set[str]:
    """Every skill module this file imports, at the top or inside a function (a lazy import still ties)."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "skill")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "skill":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found


MODULES = {module_name(path): path for path in SKILL_DIR.rglob("*.py")}
GRAPH = {name: imports_of(path) & set(MODULES) for name, path in MODULES.items()}


def test_at_most_eight_modules_sit_at_the_top_of_skill():
    top = sorted(path.name for path in SKILL_DIR.glob("*.py"))
    assert len(top) <= TOP_LEVEL_LIMIT, f"move one of {top} into a layer folder"


def test_every_module_sits_in_a_known_layer():
    unknown = sorted(name for name in MODULES if layer_of(name) not in MAY_IMPORT)
    assert not unknown, f"these modules belong to no layer in tests/test_layout.py: {unknown}"


def test_every_layer_folder_says_what_lives_there_and_what_it_may_import():
    for folder in sorted(p for p in SKILL_DIR.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text())) or ""
        assert "may import" in doc.lower(), f"{folder / '__init__.py'}: say what lives here and what it may import"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module):
    layer = layer_of(module)
    allowed = MAY_IMPORT[layer] | {layer, "base"}
    upward = sorted(f"{target} ({layer_of(target)})" for target in GRAPH[module]
                    if layer_of(target) not in allowed and not (layer == "entry" and layer_of(target) == "entry"))
    assert not upward, f"{MODULES[module]}: {layer} may not import {upward}"


def test_no_import_circle_anywhere_in_skill():
    """Tarjan's strongly connected components over the import graph: every component is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target == node:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not circles, f"import circles: {circles}"
