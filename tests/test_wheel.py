"""The wheel works on its own: ``pip wheel .`` builds it without a warning, it carries every file
the service reads, and, installed into a fresh virtual environment, ``littlegiant build``, ``serve``
and a query work from an empty folder, writing nothing into site-packages.

The fresh environment gets the wheel alone (``--no-deps``); its dependencies are this
environment's, reached through a path entry, which adds their folder to ``sys.path`` without
running the ``.pth`` files there: the editable install of this checkout stays out of reach, so
every module and file of the project comes from the wheel, as the test asserts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ontology.namespaces import LG
from tests.server.support import free_port

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

# What a wheel must carry besides the modules: (folder in the checkout, folder in the wheel).
SHIPPED = (
    ("data", "ontology/shipped/data"),
    ("shapes", "ontology/shipped/shapes"),
    ("ontology/contexts", "ontology/contexts"),
    ("ontology/examples", "ontology/examples"),
    ("server/templates", "server/templates"),
    ("server/static", "server/static"),
)
ANYWHERE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*_cache")
AT_THE_TOP = {".git", ".venv", "var", "build"}  # (ingest/build is a package)


def not_sources(folder: str, names: list[str]) -> set[str]:
    """What a fresh clone does not have: the checkout's environment, store and build output."""
    top = AT_THE_TOP & set(names) if Path(folder) == ROOT else set()
    return top | ANYWHERE(folder, names)


# setuptools' warnings (SetuptoolsDeprecationWarning, "warning: ..."); pip's own "WARNING:" lines
# (an index retried) are not about the project.
SETUPTOOLS_WARNING = re.compile(r"Warning\b|^\s*warning:", re.MULTILINE)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a user who installed the wheel: no LG_* settings, no PYTHONPATH."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LG_") and k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    }
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``pip wheel .`` on a copy of the sources: the wheel and the build's output."""
    home = tmp_path_factory.mktemp("wheel")
    sources = home / "sources"
    shutil.copytree(ROOT, sources, ignore=not_sources)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-v", "-w", str(home / "dist")],
        cwd=sources,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (path,) = (home / "dist").glob("littlegiant_kg-*.whl")
    return path, built.stdout + built.stderr


@pytest.fixture(scope="module")
def venv(wheel: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the wheel; the dependencies by a path entry."""
    home = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel[0])],
        check=True, env=clean_env(), timeout=300,
    )  # fmt: skip
    site = Path(purelib(python))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return home


def purelib(python: Path) -> str:
    return subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def test_pip_wheel_prints_no_setuptools_warning(wheel: tuple[Path, str]) -> None:
    _, output = wheel
    assert SETUPTOOLS_WARNING.findall(output) == []


def test_the_wheel_carries_every_shipped_file(wheel: tuple[Path, str]) -> None:
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    for folder, inside in SHIPPED:
        files = [
            p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
        assert files, folder
        for path in files:
            assert f"{inside}/{path.relative_to(ROOT / folder).as_posix()}" in names


def test_the_wheel_carries_every_package(wheel: tuple[Path, str]) -> None:
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    for top in ("ontology", "ingest", "server"):
        for module in (ROOT / top).rglob("*.py"):
            assert module.relative_to(ROOT).as_posix() in names


@pytest.fixture(scope="module")
def built_folder(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``littlegiant build`` run by the installed script in an empty folder."""
    folder = tmp_path_factory.mktemp("empty")
    run = subprocess.run(
        [str(venv / "bin" / "littlegiant"), "build"],
        cwd=folder, env=clean_env(), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return folder


def test_the_installed_project_comes_from_the_wheel(venv: Path) -> None:
    site = purelib(venv / "bin" / "python")
    code = "import ingest, server, ontology.paths as p; print(ingest.__file__, server.__file__)"
    code += "; print(p.DATA_DIR, p.SHAPES_DIR)"
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        cwd=venv, env=clean_env(), capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert [Path(w).is_relative_to(site) for w in where] == [True] * 4


def test_build_writes_under_the_current_folder_only(venv: Path, built_folder: Path) -> None:
    assert (built_folder / "var" / "store" / "current").exists()
    site = Path(purelib(venv / "bin" / "python"))
    assert not (site / "var").exists()
    assert not (site / "ontology" / "shipped" / "var").exists()


def test_the_registry_starts_as_the_shipped_one(built_folder: Path) -> None:
    """The shipped data keeps its keys: the registry copied on first use mints nothing new."""
    for name in ("enterprises.csv", "documents.csv"):
        copied = (built_folder / "var" / "registry" / name).read_bytes()
        assert copied == (ROOT / "data" / "registry" / name).read_bytes()


@pytest.fixture(scope="module")
def served(venv: Path, built_folder: Path) -> Iterator[str]:
    """``littlegiant serve`` from the installed script, in the built folder."""
    port = free_port()
    proc = subprocess.Popen(
        [str(venv / "bin" / "littlegiant"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=built_folder, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    pytest.fail(f"littlegiant serve exited with {proc.returncode}")
                time.sleep(0.1)
        else:
            pytest.fail("littlegiant serve did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_installed_server_answers_a_query(served: str) -> None:
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{LG.Enterprise}> }} }}"
    got = httpx.get(
        served + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert got.status_code == 200, got.text
    assert int(got.json()["results"]["bindings"][0]["n"]["value"]) > 0


@pytest.mark.parametrize(
    "path", ["/", "/dataset", "/docs", "/query", "/static/site.css", "/.well-known/void"]
)
def test_the_installed_server_serves_its_pages_and_files(served: str, path: str) -> None:
    got = httpx.get(served + path, headers={"Accept": "text/html,*/*;q=0.8"}, timeout=60)
    assert got.status_code == 200, got.text[:500]
