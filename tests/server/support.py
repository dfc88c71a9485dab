"""What the server tests share (no tests here): stores, the app, uvicorn, parsing answers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from ontology.settings import Settings
from ontology.store import EmbeddedStore, GraphStore
from server.app import create_app

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/littlegiant"
DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample.trig"
W3C = ROOT / "tests" / "data" / "w3c-sparql11"
ONTOLOGY_GRAPH = f"{BASE}/graph/ontology"
DERIVED_GRAPH = f"{BASE}/graph/derived"


def settings(**overrides: object) -> Settings:
    """Settings for a test app: the canonical base, an in-memory store unless one is named."""
    values: dict[str, object] = {"base_uri": BASE, "store": None, **overrides}
    return Settings.model_validate(values)


@contextmanager
def app_client(
    store: GraphStore, *, base_url: str = "http://testserver", **overrides: object
) -> Iterator[TestClient]:
    """The real app over ``store``, its lifespan running (``with`` starts and stops it)."""
    if isinstance(store, EmbeddedStore) and store.path is not None:
        overrides.setdefault("store", store.path)
    app = create_app(settings(**overrides), store=store)
    with TestClient(app, base_url=base_url) as client:
        yield client


def memory_copy(source: ox.Store) -> EmbeddedStore:
    """An in-memory store holding a copy of ``source``, written the way ingest writes."""
    store = EmbeddedStore(None)
    with store.writer() as draft:
        draft.bulk_extend(source)
    return store


def disk_copy(source: ox.Store, directory: Path) -> EmbeddedStore:
    """An on-disk store (one published generation) holding a copy of ``source``."""
    store = EmbeddedStore(directory)
    with store.writer() as draft:
        draft.bulk_extend(source)
    return store


def load_quads(path: Path) -> EmbeddedStore:
    """An in-memory store of an N-Quads file."""
    source = ox.Store()
    source.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return memory_copy(source)


def copy_registry(target: Path) -> Path:
    """A writable copy of the committed key registry (so keys are the shipped ones)."""
    shutil.copytree(ROOT / "data" / "registry", target, dirs_exist_ok=True)
    return target


def same_dataset(a: Iterable[ox.Quad], b: Iterable[ox.Quad]) -> bool:
    """Whether two sets of quads are the same dataset: the same graph names, each graph equal,
    or isomorphic where blank nodes (whose labels a reload renews) are involved."""
    left, right = _by_graph(a), _by_graph(b)
    if left.keys() != right.keys():
        return False
    for name, triples in left.items():
        other = right[name]
        if not any(_has_blank(t) for t in (*triples, *other)):
            if set(triples) != set(other):
                return False
        elif not isomorphic(_rdflib(triples), _rdflib(other)):
            return False
    return True


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    by_name: dict[str, list[ox.Triple]] = {}
    for q in quads:
        by_name.setdefault(str(q.graph_name), []).append(q.triple)
    return by_name


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _rdflib(triples: list[ox.Triple]) -> Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def context_loader(client: TestClient) -> Callable[..., dict[str, object]]:
    """A pyld document loader that can reach only the app that served the document."""
    root = str(client.base_url).rstrip("/")

    def load(url: str, options: dict[str, object] | None = None) -> dict[str, object]:
        assert url.startswith(root + "/"), f"{url} is not on the serving host {root}"
        r = client.get(url[len(root) :])
        assert r.status_code == 200, r.text
        return {"contextUrl": None, "documentUrl": url, "document": r.json()}

    return load


def jsonld_graph(client: TestClient, doc: object) -> Graph:
    """The triples a JSON-LD document we serve expands to (contexts fetched from the app)."""
    nquads = jsonld.to_rdf(
        doc, {"format": "application/n-quads", "documentLoader": context_loader(client)}
    )
    return Graph().parse(data=nquads, format="nt")


def turtle_graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


class _PageReader(HTMLParser):
    """Collects a page's ``<dt>``/``<dd>`` pairs and link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.facts: dict[str, list[str]] = {}
        self.links: list[str] = []
        self._cell: str | None = None
        self._term = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("dt", "dd"):
            self._cell, self._text = tag, []
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v is not None]

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._cell:
            return
        text = " ".join("".join(self._text).split())
        if tag == "dt":
            self._term = text
        else:
            self.facts.setdefault(self._term, []).append(text)
        self._cell = None


def page_facts(html: str) -> dict[str, list[str]]:
    """The facts a page lists (``<dt>`` term → the text of each ``<dd>``), markup aside."""
    reader = _PageReader()
    reader.feed(html)
    return reader.facts


def page_links(html: str) -> list[str]:
    """Every link target of a page, in order."""
    reader = _PageReader()
    reader.feed(html)
    return reader.links


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn_server(env: dict[str, str], ready_path: str = "/health") -> Iterator[str]:
    """``uvicorn server.app:from_env`` on a free port with ``LG_*`` settings from ``env``."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:from_env", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, "LG_BASE_URI": BASE, **env},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + ready_path, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("uvicorn did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def worker_pids() -> set[int]:
    """The query worker processes this test process started, as the OS lists them."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"server.sparql.worker" in cmdline:
            pids.add(int(entry.name))
    return pids
