"""The server's layout rules, read from the source with ``ast``: routers stand alone, state is
reached through ``server.deps``, IRIs are parsed by ``ontology.iris``, and modules stay small.
(That server and ingest never import each other is ``tests/test_architecture.py``'s.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "server"
MODULES = sorted(SERVER.rglob("*.py"))
ROUTERS = sorted((SERVER / "routes").glob("*.py"))


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def calls(path: Path, attribute: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == attribute
    ]


@pytest.mark.parametrize("path", ROUTERS, ids=lambda p: p.name)
def test_no_router_imports_or_includes_another(path: Path) -> None:
    others = {f"server.routes.{p.stem}" for p in ROUTERS if p.stem not in (path.stem, "__init__")}
    assert not imported(path) & others
    assert calls(path, "include_router") == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SERVER)))
def test_state_is_reached_only_through_deps(path: Path) -> None:
    """``app.state`` is never read or written: the lifespan yields an AppState (server.state)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    touched = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "state"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "app"
    ]
    assert touched == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SERVER)))
def test_iris_are_not_split_by_hand(path: Path) -> None:
    """IRIs are parsed by ``Iris.parse`` (STYLE §1), never by splitting on "/"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    splits = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("rsplit", "split")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "/"
    ]
    assert splits == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SERVER)))
def test_modules_stay_under_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400
