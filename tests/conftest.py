"""What every test folder shares, built once per session (per worker) and copied per test.

- ``built_home``: a home (``store/``, ``registry/``, ``review/``) where ``littlegiant build``
  ran on the shipped data, gate included; ``home_copy`` gives a test its own copy (a directory
  copy: milliseconds, where a build takes seconds).
- ``default_build``: that build's quads and registry, for stores in memory or on a remote engine.
- ``oxigraph_endpoint``: one real ``oxigraph serve``, with its default settings (no union
  default graph): the store itself keeps the merge of the named graphs, through SPARQL Update.
"""

from __future__ import annotations

import sys

# Cache compiled modules and pytest's rewritten test modules in ``__pycache__`` (ignored by git)
# even where the environment sets PYTHONDONTWRITEBYTECODE: without the cache every worker of
# every run compiles the project and rewrites the assertions of each test module again, about
# 4 s of a worker's start. Set before the project is imported below, hence the late imports.
# ruff: noqa: E402
sys.dont_write_bytecode = False

import fcntl
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from ingest.cli import main
from ontology.paths import DATA_DIR
from ontology.store import EmbeddedStore, RemoteStore
from ontology.store.generations import PREFIX as GENERATION_PREFIX

OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).parents[1] / ".venv" / "bin" / "oxigraph")
START_S = 60.0  # a generous bound for a loaded machine; only reached when the server is broken


@dataclass(frozen=True)
class DefaultBuild:
    """The default dataset as built once: its quads, and the registry directory it used (read
    it; copy it before writing)."""

    quads: tuple[ox.Quad, ...]
    registry: Path


def home_env(home: Path) -> dict[str, str]:
    """The settings of the CLI run over ``home``: its store and registry, never the repository's."""
    return {"LG_STORE": str(home / "store"), "LG_REGISTRY": str(home / "registry")}


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home where ``littlegiant build`` ran, on disk, over a copy of the shipped registry
    (shared: copy it with ``home_copy`` before writing).

    Built once for the whole run: the first worker to take the lock builds it, in the folder the
    run's workers share, and leaves the quads of its named graphs beside it (``quads.nq``), so no
    worker opens the store itself (an open store is locked).
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' temp folders share this parent
    home = shared / "built-home"
    with (shared / "built-home.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / "quads.nq").exists():
            shutil.rmtree(home, ignore_errors=True)  # a build that broke off
            shutil.copytree(DATA_DIR / "registry", home / "registry")
            with pytest.MonkeyPatch.context() as mp:
                for name, value in home_env(home).items():
                    mp.setenv(name, value)
                assert main(["build"]) == 0
            store = EmbeddedStore(home / "store")
            data = ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS) or b""
            del store
            (home / "quads.part").write_bytes(data)
            (home / "quads.part").rename(home / "quads.nq")
    return home


def home_copy(built: Path, target: Path) -> Path:
    """A writable copy of a built home (the store's generation link stays relative).

    The files of a published generation are hard-linked, not copied: a generation is never
    written again (``ontology.store.generations``), and a writer works on its own draft, so
    the copy costs directory entries instead of the store's megabytes written and deleted.
    """

    def link_or_copy(source: str, destination: str) -> object:
        if Path(source).parent.name.startswith(GENERATION_PREFIX):
            os.link(source, destination)
            return destination
        return shutil.copy2(source, destination)

    shutil.copytree(built, target, symlinks=True, copy_function=link_or_copy)
    return target


@pytest.fixture(scope="session")
def default_build(built_home: Path) -> DefaultBuild:
    """The quads of the built home's named graphs, and its registry."""
    quads = ox.parse(path=str(built_home / "quads.nq"), format=ox.RdfFormat.N_QUADS)
    return DefaultBuild(tuple(quads), built_home / "registry")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def oxigraph_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a running Oxigraph server (``/query``, ``/update``)."""
    if not Path(OXIGRAPH).exists():
        pytest.fail("the oxigraph server binary (PyPI package oxigraph) is a test dependency")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):  # noqa: S310
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not start (exit status {proc.poll()})")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def emptied_remote(endpoint: str) -> RemoteStore:
    """A remote store over the session's server, every graph of the engine cleared first."""
    store = RemoteStore(f"{endpoint}/query", f"{endpoint}/update")
    store.client.update("CLEAR ALL")
    return store


def remote_copy(source: ox.Store, endpoint: str) -> RemoteStore:
    """The session's engine holding (only) a copy of ``source``'s named graphs."""
    store = emptied_remote(endpoint)
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in source.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad)
    store.replace_graphs(graphs)
    return store
