"""The remote store speaks to a real SPARQL engine (Oxigraph server) exactly as the embedded one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ontology.store import EmbeddedStore, RemoteStore

G = "https://w3id.org/littlegiant/graph/remote-test"
OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).parents[1] / ".venv" / "bin" / "oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    if not Path(OXIGRAPH).exists():
        pytest.fail("the oxigraph server binary (PyPI package oxigraph) is a test dependency")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    command.append("--union-default-graph")  # queries see the union, as in the embedded store
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        yield RemoteStore(f"{base}/query", f"{base}/update")
    finally:
        proc.terminate()
        proc.wait(10)


def quads(*values: str) -> list[ox.Quad]:
    return [
        ox.Quad(
            ox.NamedNode("https://w3id.org/littlegiant/id/enterprise/E000001"),
            ox.NamedNode("https://w3id.org/littlegiant/ontology#legalName"),
            ox.Literal(v, language="zh"),
            ox.NamedNode(G),
        )
        for v in values
    ]


def test_remote_and_embedded_answer_alike(remote: RemoteStore) -> None:
    embedded = EmbeddedStore(None)
    for store in (remote, embedded):
        store.replace_graphs({G: quads("示例甲有限公司", "示例乙有限公司")})
        store.replace_graphs({G: quads("示例丙有限公司")})
    query = "SELECT ?n WHERE { ?e <https://w3id.org/littlegiant/ontology#legalName> ?n }"
    remote_rows = [r["n"] for r in remote.query(query)]  # type: ignore[attr-defined]
    embedded_rows = [r["n"] for r in embedded.query(query)]  # type: ignore[attr-defined]
    assert remote_rows == embedded_rows == [ox.Literal("示例丙有限公司", language="zh")]
    assert remote.named_graphs() == embedded.named_graphs() == [G]
    assert len(remote) == len(embedded) == 1
    assert list(remote.quads(graph=ox.NamedNode(G))) == list(embedded.quads())
