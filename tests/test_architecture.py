"""Imports point one way, server → ontology ← ingest: ingest and server never import each other.

Read from the source with ``ast`` (nothing is imported), so a violation anywhere, even in a module
no test loads or inside a function, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"ingest": {"server"}, "server": {"ingest"}, "ontology": {"ingest", "server"}}


def imports_of(source: str, package: str) -> set[str]:
    """Absolute names of the modules ``source`` imports, as a module of ``package`` would.

    Relative imports are resolved against ``package``; ``importlib.import_module("x")`` with a
    literal name counts as importing ``x``.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
        elif isinstance(node, ast.Call) and _is_import_module(node):
            names.add(node.args[0].value)  # type: ignore[attr-defined]
    return names


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
            "import importlib\nimportlib.import_module('ingest.pipeline')\n",
            "server",
            {"importlib", "ingest.pipeline"},
            id="import-module",
        ),
    ],
)
def test_import_reader_sees_every_form(source: str, package: str, expected: set[str]) -> None:
    assert imports_of(source, package) == expected
