"""Imports point one way, server → ontology ← ingest: ingest and server never import each other,
and no module imports itself back through others (no import cycle).

Read from the source with ``ast`` (nothing is imported), so a violation anywhere, even in a module
no test loads or inside a function, fails here. Strings count too: a module path such as
``"server.app:from_env"`` in ingest is a runtime dependency just like an import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"ingest": {"server"}, "server": {"ingest"}, "ontology": {"ingest", "server"}}
PACKAGES = tuple(FORBIDDEN)


def imports_of(source: str, package: str) -> set[str]:
    """Absolute names of the modules ``source`` imports, as a module of ``package`` would.

    Relative imports are resolved against ``package``; ``importlib.import_module("x")`` with a
    literal name counts as importing ``x``.
    """
    return {name for node in ast.walk(ast.parse(source)) for name in _imported(node, package)}


def _imported(node: ast.AST, package: str) -> set[str]:
    """The modules one node of a module of ``package`` imports (none for most nodes)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if isinstance(node, ast.ImportFrom):
        if node.level:
            parts = package.split(".")
            base = parts[: len(parts) - (node.level - 1)]
            return {".".join([*base, node.module] if node.module else base)}
        return {node.module} if node.module else set()
    if isinstance(node, ast.Call) and _is_import_module(node):
        return {node.args[0].value}  # type: ignore[attr-defined]
    return set()


def _is_import_module(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return (
        name == "import_module"
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    )


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parts[:-1])


CASES = [
    pytest.param(path, layer, id=str(path.relative_to(ROOT)))
    for layer in FORBIDDEN
    for path in sorted((ROOT / layer).rglob("*.py"))
]


def test_the_layers_have_sources() -> None:
    for layer in FORBIDDEN:
        assert any((ROOT / layer).rglob("*.py")), layer


@pytest.mark.parametrize(("path", "layer"), CASES)
def test_module_imports_only_what_its_layer_may(path: Path, layer: str) -> None:
    names = imports_of(path.read_text(encoding="utf-8"), _package_of(path))
    bad = sorted(n for n in names if n.split(".")[0] in FORBIDDEN[layer])
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        pytest.param("import server.app\n", "ingest", {"server.app"}, id="import"),
        pytest.param("from server import app\n", "ingest", {"server"}, id="from-import"),
        pytest.param("from . import rdf\n", "ingest", {"ingest"}, id="relative-here"),
        pytest.param("from ..server import app\n", "ingest.sub", {"ingest.server"}, id="up-one"),
        pytest.param("from ...server import app\n", "ingest.sub", {"server"}, id="up-two"),
        pytest.param(
            "def f():\n    from ingest.cli import main\n", "server", {"ingest.cli"}, id="lazy"
        ),
        pytest.param(
            "import importlib\nimportlib.import_module('ingest.load')\n",
            "server",
            {"importlib", "ingest.load"},
            id="import-module",
        ),
    ],
)
def test_import_reader_sees_every_form(source: str, package: str, expected: set[str]) -> None:
    assert imports_of(source, package) == expected


_MODULE_PATH = {layer: re.compile(rf"\b{layer}\.[A-Za-z_]") for layer in FORBIDDEN}


@pytest.mark.parametrize(("path", "layer"), CASES)
def test_module_names_no_module_of_a_forbidden_layer(path: Path, layer: str) -> None:
    """No string spells a module path of a layer this one may not import (``server.app``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    bad = sorted(s for s in strings for other in FORBIDDEN[layer] if _MODULE_PATH[other].search(s))
    assert bad == [], f"{path.relative_to(ROOT)} names {bad}"


def module_name(path: Path) -> str:
    """``ingest/build/lists.py`` → ``ingest.build.lists``; ``x/__init__.py`` → ``x``."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every project module and the project modules it imports (lazy imports included).

    ``from a import b`` counts as importing ``a.b`` when that is a module, else ``a``.
    """
    paths = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    modules = {module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                (base,) = _imported(node, package) or {""}
                subs = {f"{base}.{alias.name}" for alias in node.names}
                targets |= (subs & set(modules)) or {base}
            else:
                targets |= _imported(node, package)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_project_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "ingest.build.lists" in graph
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        pytest.param({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]], id="pair"),
        pytest.param({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]], id="ring"),
        pytest.param({"a": {"b"}, "b": {"c"}, "c": set()}, [], id="chain"),
    ],
)
def test_cycle_finder_sees_every_cycle(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert cycles(graph) == expected


def test_import_graph_sees_lazy_and_from_imports() -> None:
    graph = import_graph()
    assert (
        "ingest.source_graph" in graph["ingest.build.lists"]
    )  # from ingest.source_graph import ...
    assert "ingest.build.curated" in graph["ingest.cli"]  # a package's __init__
    assert "ontology.rdf" in graph["ingest.load"]  # from ontology import rdf
