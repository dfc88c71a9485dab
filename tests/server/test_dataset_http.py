"""End to end over a real uvicorn: an on-disk store, its dump, negotiation and lookups over HTTP."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from ontology.store import EmbeddedStore
from ontology.store.dumps import write_dumps
from tests.server.support import disk_copy, same_dataset, uvicorn_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, sample_source: ox.Store
) -> Iterator[tuple[str, EmbeddedStore]]:
    root = tmp_path_factory.mktemp("ld-e2e")
    store = disk_copy(sample_source, root / "store")
    write_dumps(store, root / "store" / "dumps")  # what `littlegiant build` does after a commit
    with uvicorn_server({"LG_STORE": str(root / "store")}) as url:
        yield url, store


def test_dump_over_http_matches_its_checksum_and_the_store(
    server: tuple[str, EmbeddedStore],
) -> None:
    url, store = server
    manifest = httpx.get(url + "/dumps").json()["dumps"][0]
    body = httpx.get(url + manifest["href"]).content
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"]
    assert manifest["generation"] == store.generation()
    reloaded = ox.Store()
    reloaded.load(gzip.decompress(body), format=ox.RdfFormat.N_QUADS)
    assert same_dataset(reloaded, store.quads())
    part = httpx.get(url + manifest["href"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.content == body[:100]


def test_negotiation_and_304_over_http(server: tuple[str, EmbeddedStore]) -> None:
    url, _ = server
    r = httpx.get(url + "/id/enterprise/E900001", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    assert r.headers["content-location"] == "/id/enterprise/E900001.jsonld"
    again = httpx.get(
        url + "/id/enterprise/E900001",
        headers={"Accept": "application/ld+json", "If-None-Match": r.headers["etag"]},
    )
    assert again.status_code == 304
    head = httpx.head(url + "/id/enterprise/E900001.ttl")
    assert head.status_code == 200
    assert head.content == b""


def test_lookup_and_reconcile_over_http(server: tuple[str, EmbeddedStore]) -> None:
    url, _ = server
    r = httpx.get(url + "/id/uscc/91110108MA01AAAA0M")
    assert r.status_code == 303
    assert r.headers["location"] == "/id/enterprise/E900001"
    queries = {"q0": {"query": "北京示例精密机械有限公司"}}
    answer = httpx.post(url + "/reconcile", data={"queries": json.dumps(queries)}).json()
    assert answer["q0"]["result"][0]["id"] == "E900001"


# Every kind of JSON-LD document the service serves, with the Turtle of the same triples.
JSONLD_DOCUMENTS = [
    "/id/enterprise/E900001",
    "/id/batch/1",
    "/id/document/slqh-2019-1",
    "/api/enterprises?limit=3",
    "/api/documents",
    "/api/batches",
    "/api/regions",
    "/dataset",
    "/graph/enterprises",
    "/ontology",
]


@pytest.mark.parametrize("path", JSONLD_DOCUMENTS)
def test_pyld_expands_every_document_from_the_serving_host(
    server: tuple[str, EmbeddedStore], path: str
) -> None:
    """pyld with its usual document loader (requests) fetches the context from the host that
    served the document, whatever that host is, and gets the triples the Turtle has."""
    url, _ = server
    fetched: list[str] = []
    load = jsonld.requests_document_loader(timeout=30)

    def loader(iri: str, options: dict[str, object] | None = None) -> dict[str, object]:
        fetched.append(iri)
        return load(iri, options or {})

    doc = httpx.get(url + path, headers={"Accept": "application/ld+json"}, timeout=30)
    assert doc.status_code == 200, doc.text[:300]
    nquads = jsonld.to_rdf(
        doc.json(), {"format": "application/n-quads", "documentLoader": loader, "base": url}
    )
    ttl = httpx.get(url + path, headers={"Accept": "text/turtle"}, timeout=30)
    assert isomorphic(Graph().parse(data=nquads, format="nt"), Graph().parse(data=ttl.text))
    assert fetched
    assert [iri for iri in fetched if not iri.startswith(url + "/")] == []
