"""What every test folder shares: one real ``oxigraph serve`` per session for the remote store.

The server runs with its default settings (no union default graph): the store itself keeps the
merge of the named graphs, through SPARQL Update alone.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ontology.store import RemoteStore

OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).parents[1] / ".venv" / "bin" / "oxigraph")
START_S = 60.0  # a generous bound for a loaded machine; only reached when the server is broken


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
