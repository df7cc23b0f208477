"""The import rules of docs/architecture.md, read from the source with ``ast``: a module that imports
across a layer it may not (a core stage importing the warehouse, Prefect outside flows/) fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Folder -> the package it installs as (pyproject.toml's package-dir).
PACKAGES = {
    "newswatch": "newswatch",
    "sources": "newswatch.sources",
    "warehouse": "newswatch.warehouse",
    "flows": "newswatch.flows",
}
# Each layer and the layers it may import (besides itself). Everything under newswatch/ that is not
# named here is a core stage or a core module (records, settings, errors, text, ...).
ABOVE_CORE = {"sources": "sources", "warehouse": "warehouse", "driver": "driver", "flows": "flows"}
MAY_IMPORT = {
    "core": set(),
    "sources": {"core"},
    "warehouse": {"core"},
    "driver": {"core", "sources", "warehouse"},
    "flows": {"core", "sources", "warehouse", "driver"},
    "cli": {"core", "sources", "warehouse", "driver", "flows"},
}
ONLY_IN_FLOWS = ("prefect",)


def layer(module: str) -> str:
    """The layer of a ``newswatch`` module."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ABOVE_CORE:
        return ABOVE_CORE[parts[1]]
    if len(parts) > 1 and parts[1] in ("cli", "__main__"):
        return "cli"
    return "core"


def imported(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """The absolute module names a module imports."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package
                package = module.split(".")
                base = package[: len(package) - node.level + (1 if is_package else 0)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            out.add(name)
            if name == "newswatch":  # ``from newswatch import warehouse`` imports a layer
                out.update(f"{name}.{a.name}" for a in node.names)
    return out


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """What ``module`` (its ``source``) imports against the rules."""
    here = layer(module)
    found = []
    for name in sorted(imported(ast.parse(source), module, is_package)):
        top = name.split(".")[0]
        if top in ONLY_IN_FLOWS and here != "flows":
            found.append(f"{module} imports {name}: {top} only in newswatch.flows")
        if top == "newswatch" and name.count(".") >= 1:
            there = layer(name)
            if there != here and there not in MAY_IMPORT[here]:
                found.append(f"{module} ({here}) imports {name} ({there})")
    return found


def modules() -> list[tuple[str, Path]]:
    out = []
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT / folder).with_suffix("")
            out.append((".".join([package, *rel.parts]).removesuffix(".__init__"), path))
    return out


def test_the_package_keeps_its_import_rules() -> None:
    found = [
        v
        for module, path in modules()
        for v in violations(module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py")
    ]
    assert found == []


def test_every_layer_has_modules() -> None:
    assert {layer(m) for m, _ in modules()} == set(MAY_IMPORT)


def test_a_broken_rule_is_reported() -> None:
    assert violations("newswatch.stories.assign", "import prefect\nfrom newswatch.warehouse import db\n") == [
        "newswatch.stories.assign (core) imports newswatch.warehouse (warehouse)",
        "newswatch.stories.assign imports prefect: prefect only in newswatch.flows",
    ]
    assert violations("newswatch.sources.web", "from newswatch import warehouse") == [
        "newswatch.sources.web (sources) imports newswatch.warehouse (warehouse)"
    ]
    assert violations("newswatch.driver.stages", "from newswatch.flows.pipeline import x") == [
        "newswatch.driver.stages (driver) imports newswatch.flows.pipeline (flows)",
    ]
    assert violations("newswatch.warehouse.state", "from ..driver import stages") == [
        "newswatch.warehouse.state (warehouse) imports newswatch.driver (driver)",
    ]
    assert violations("newswatch.topics", "from .. import flows", is_package=True) == [
        "newswatch.topics (core) imports newswatch.flows (flows)",
    ]
    # allowed: the CLI over the flows, the driver over sources and warehouse, flows over Prefect
    assert violations("newswatch.cli", "from newswatch.flows import pipeline") == []
    assert violations("newswatch.driver.runs", "from newswatch.warehouse.db import connect") == []
    assert violations("newswatch.flows.pipeline", "from prefect import flow") == []
