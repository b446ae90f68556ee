"""The layers of inventory/ (docs/architecture.md): none imports upwards, no package cycle.

A package here is a first-level name under inventory/: a folder (`assets`) or a module
(`errors`). Imports inside functions count too: a late import is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import inventory

ROOT = Path(inventory.__file__).parent

# Lowest first. A package may import its own layer's packages (without cycles) and
# any layer below its own.
LAYERS: list[set[str]] = [
    # The kernel: leaf modules (settings, Vietnamese text, errors, HTTP conventions,
    # documents rendered from plain data).
    {
        "settings",
        "clock",
        "errors",
        "collation",
        "tagcodes",
        "console",
        "openapi",
        "versioning",
        "metrics",
        "security",
        "documents",
    },
    {"db"},  # the pool, the embedded server, SQL builders, lists
    {"accounts"},  # who is calling
    {"history", "workflow"},  # the platform: the write step and history, statuses
    {"api"},  # the table helper, on the write step
    {
        "jobs",
        "units",
        "users",
        "categories",
        "sites",
        "rooms",
        "tags",
        "assets",
        "claims",
        "printing",
        "deployment",
        "stocktakes",
        "handovers",
        "photos",
        "notifications",
        "compliance",
        "norms",
        "staffing",
        "needs",
        "imports",
        "requests",
        "ledger",
    },  # the domains
    {"web"},  # pages
    {"demo"},  # demo data, through the domains
    {"app", "cli", "asgi"},  # wiring
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _imports() -> dict[str, set[str]]:
    """Package -> the inventory packages it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        source = _package_of(path)
        if source == "__init__":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "inventory":
                    names = [f"inventory.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "inventory" and len(parts) > 1 and parts[1] != source:
                    graph[source].add(parts[1])
    return graph


def test_every_package_has_a_layer() -> None:
    packages = {_package_of(p) for p in ROOT.rglob("*.py")} - {"__init__"}
    assert packages - set(LAYER) == set(), "add the new package to LAYERS (and the docs)"


def test_no_layer_imports_upwards() -> None:
    upward = [
        f"{source} (layer {LAYER[source]}) imports {target} (layer {LAYER[target]})"
        for source, targets in _imports().items()
        for target in targets
        if LAYER[target] > LAYER[source]
    ]
    assert upward == []


def test_no_package_cycle() -> None:
    graph = _imports()
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for target in sorted(graph.get(node, ())):
            if target in path:
                cycles.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    assert cycles == []


def test_the_database_layer_builds_no_responses() -> None:
    answers = ("litestar.response", "litestar.exceptions", "litestar.plugins")
    for path in (ROOT / "db").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {alias.name for alias in node.names}
                assert not node.module.startswith(answers), (path, node.module)
                assert "Response" not in names, path
