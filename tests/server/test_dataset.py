"""Dataset publishing: VoID/DCAT, robots, sitemaps, dumps, the @context, the ontology and shapes."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ontology.iris import Iris
from ontology.namespaces import DCAT, LG, VOID
from ontology.paths import CONTEXT_JSONLD, ONTOLOGY_TTL
from ontology.settings import Settings
from ontology.store import EmbeddedStore, load_dataset
from ontology.store.dumps import DUMP_NAME, read_manifest, write_dumps
from server.app import create_app
from server.routes.dataset import sitemap_pages

BASE = "https://w3id.org/littlegiant"
DATA = Path(__file__).parent / "data" / "sample.trig"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sample_store() -> EmbeddedStore:
    store = EmbeddedStore(None)
    load_dataset(store, DATA)
    return store


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(base_uri=BASE, store=None), store=sample_store())) as c:
        yield c


def enterprise_iris(store: EmbeddedStore) -> set[str]:
    q = f"SELECT ?e WHERE {{ ?e a <{LG.Enterprise}> }}"
    return {row["e"].value for row in store.query(q)}


def sitemap_locs(text: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", text)


# -- VoID and DCAT


def test_void_describes_the_dataset(client: TestClient) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.text, format="turtle")
    ds = URIRef(f"{BASE}/dataset")
    assert (ds, RDF.type, VOID.Dataset) in g
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert (ds, VOID.sparqlEndpoint, URIRef(f"{BASE}/sparql")) in g
    assert (ds, VOID.triples, Literal(280)) in g
    # class partitions count entities
    parts = {
        str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities))
        for p in g.objects(ds, VOID.classPartition)
    }
    assert parts[str(LG.Enterprise)] == 9
    assert parts[str(LG.Designation)] == 9
    # one subset per source graph, with its size and title
    graph = URIRef(f"{BASE}/graph/enterprises")
    assert (ds, VOID.subset, graph) in g
    assert int(g.value(graph, VOID.triples)) > 0
    # per-batch completeness: declared vs known
    batch = URIRef(f"{BASE}/id/batch/1")
    assert int(g.value(batch, LG.declaredCount)) == 7
    assert int(g.value(batch, LG.knownCount)) == 5


def test_void_and_dataset_are_the_same_description(client: TestClient) -> None:
    a = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    b = client.get("/dataset.nt")
    assert isomorphic(
        Graph().parse(data=a.text, format="nt"), Graph().parse(data=b.text, format="nt")
    )
    assert a.headers["content-location"] == "/dataset.nt"


def test_dataset_lists_the_dump_once_written(client: TestClient) -> None:
    assert client.get("/dumps").status_code == 200  # writes it
    g = Graph().parse(data=client.get("/dataset.ttl").text, format="turtle")
    dump = URIRef(f"{BASE}/dumps/{DUMP_NAME}")
    assert (URIRef(f"{BASE}/dataset"), VOID.dataDump, dump) in g
    assert (dump, DCAT.downloadURL, dump) in g
    assert int(g.value(dump, DCAT.byteSize)) > 0
    assert len(str(g.value(dump, LG.sha256))) == 64


def test_dataset_jsonld_expands_to_the_turtle_triples(client: TestClient) -> None:
    def load(url: str, options: dict | None = None) -> dict:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": client.get(url[len(BASE) :]).json(),
        }

    doc = client.get("/dataset", headers={"Accept": "application/ld+json"}).json()
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": load})
    ttl = client.get("/dataset.ttl").text
    assert isomorphic(Graph().parse(data=nq, format="nt"), Graph().parse(data=ttl, format="turtle"))


# -- robots and sitemaps


def test_robots_points_to_the_sitemap(client: TestClient) -> None:
    r = client.get("/robots.txt")
    assert r.status_code == 200
    assert f"Sitemap: {BASE}/sitemap.xml" in r.text
    assert "Disallow: /sparql" in r.text


def test_sitemap_lists_every_enterprise_page(client: TestClient) -> None:
    r = client.get("/sitemap.xml")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    locs = sitemap_locs(r.text)
    pages = {loc.removesuffix(".html") for loc in locs if loc.endswith(".html")}
    assert enterprise_iris(client.app.state.store) <= pages
    assert len(locs) == len(set(locs))
    for loc in locs[:5]:
        assert client.get(loc.removeprefix(BASE)).status_code == 200


def test_sitemap_becomes_an_index_past_the_limit(client: TestClient) -> None:
    client.app.state.sitemap_limit = 4
    index = client.get("/sitemap.xml")
    assert "<sitemapindex" in index.text
    parts = sitemap_locs(index.text)
    assert parts[0] == f"{BASE}/sitemaps/1.xml"
    listed = []
    for part in parts:
        r = client.get(part.removeprefix(BASE))
        assert r.status_code == 200
        assert len(sitemap_locs(r.text)) <= 4
        listed += sitemap_locs(r.text)
    assert enterprise_iris(client.app.state.store) <= {u.removesuffix(".html") for u in listed}
    assert client.get(f"/sitemaps/{len(parts) + 1}.xml").status_code == 404


def test_sitemap_files_hold_at_most_50000_urls() -> None:
    urls = [f"{BASE}/id/enterprise/E{n:06d}.html" for n in range(120_001)]
    pages = sitemap_pages(urls)
    assert [len(p) for p in pages] == [50_000, 50_000, 20_001]


# -- dumps


def test_dump_checksum_matches_and_reloads_to_the_same_quads(client: TestClient) -> None:
    manifest = client.get("/dumps").json()["dumps"][0]
    r = client.get(manifest["href"])
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/n-quads")
    body = r.content
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"]
    assert len(body) == manifest["size"]
    line = client.get(manifest["href"] + ".sha256").text
    assert line == f"{manifest['sha256']}  {DUMP_NAME}\n"
    reloaded = ox.Store()
    reloaded.load(gzip.decompress(body), format=ox.RdfFormat.N_QUADS)
    original = client.app.state.store
    assert len(reloaded) == len(original) == manifest["quads"]
    assert set(reloaded) == set(original.quads())


def test_dump_supports_range_requests(client: TestClient) -> None:
    full = client.get(f"/dumps/{DUMP_NAME}").content
    r = client.get(f"/dumps/{DUMP_NAME}", headers={"Range": "bytes=10-19"})
    assert r.status_code == 206, r.text
    assert r.content == full[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{len(full)}"
    assert r.headers["accept-ranges"] == "bytes"


def test_unknown_dump_is_404(client: TestClient) -> None:
    assert client.get("/dumps/other.nq.gz").status_code == 404


def test_write_dumps_is_deterministic(tmp_path: Path) -> None:
    store = sample_store()
    first = write_dumps(store, tmp_path / "a")
    second = write_dumps(store, tmp_path / "b")
    assert first.sha256 == second.sha256
    assert read_manifest(tmp_path / "a") == first
    assert (tmp_path / "a" / DUMP_NAME).read_bytes() == (tmp_path / "b" / DUMP_NAME).read_bytes()


def test_on_disk_store_serves_dumps_from_its_directory(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    with store.writer() as w:
        w.load(path=str(DATA), format=ox.RdfFormat.TRIG)
    written = write_dumps(store, tmp_path / "store" / "dumps")  # as the CLI does after a commit
    with TestClient(
        create_app(Settings(base_uri=BASE, store=tmp_path / "store"), store=store)
    ) as c:
        manifest = c.get("/dumps").json()["dumps"][0]
        assert manifest["sha256"] == written.sha256
        assert hashlib.sha256(c.get(manifest["href"]).content).hexdigest() == written.sha256


# -- the JSON-LD context


@pytest.mark.parametrize(
    ("path", "immutable"), [("/context.jsonld", False), ("/ns/context/0.1.0.jsonld", True)]
)
def test_context_is_published_with_cors_and_cache_headers(
    client: TestClient, path: str, immutable: bool
) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/ld+json"
    assert r.headers["access-control-allow-origin"] == "*"
    assert ("immutable" in r.headers["cache-control"]) is immutable
    assert r.content == CONTEXT_JSONLD.read_bytes()
    assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_unknown_context_version_is_404(client: TestClient) -> None:
    assert client.get("/ns/context/9.9.9.jsonld").status_code == 404


# -- the ontology and the shapes


def test_ontology_turtle_is_lg_ttl(client: TestClient) -> None:
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    assert r.headers["content-location"] == "/ontology.ttl"
    expected = Graph().parse(ONTOLOGY_TTL, format="turtle")
    assert isomorphic(Graph().parse(data=r.text, format="turtle"), expected)


def test_ontology_page_has_an_anchor_for_every_term(client: TestClient) -> None:
    r = client.get("/ontology", headers={"Accept": "text/html"})
    assert r.status_code == 200
    g = Graph().parse(ONTOLOGY_TTL, format="turtle")
    terms = {
        str(s)[len(str(LG)) :]
        for s in g.subjects()
        if isinstance(s, URIRef) and str(s).startswith(str(LG)) and str(s) != str(LG)
    }
    assert terms
    missing = [t for t in terms if f'id="{t}"' not in r.text]
    assert not missing


def test_ontology_jsonld_and_conditional_get(client: TestClient) -> None:
    r = client.get("/ontology.jsonld")
    assert r.status_code == 200
    assert (
        client.get("/ontology.jsonld", headers={"If-None-Match": r.headers["etag"]}).status_code
        == 304
    )


def test_shapes_are_served_with_negotiation(client: TestClient) -> None:
    ttl = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200, ttl.text
    html = client.get("/shapes.html")
    assert html.status_code == 200
    assert "sh:targetClass" in html.text or "<p>" in html.text


# -- the curated default data, built from data/ by the real builders


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from ingest.curated import build_default
    from ingest.identity import Registry

    registry_dir = tmp_path_factory.mktemp("registry")
    source = Path(__file__).resolve().parents[2] / "data" / "registry"
    if source.exists():
        shutil.copytree(source, registry_dir, dirs_exist_ok=True)
    iris = Iris(BASE)
    changes = build_default(iris, Registry.load(registry_dir))
    store = EmbeddedStore(None)
    store.replace_graphs(
        {
            str(iris.graph(c.source.name)): [
                ox.Quad(
                    t.subject, t.predicate, t.object, ox.NamedNode(str(iris.graph(c.source.name)))
                )
                for t in c.builder
            ]
            for c in changes
        }
    )
    with TestClient(create_app(Settings(base_uri=BASE, store=None), store=store)) as c:
        yield c


def test_curated_sitemap_lists_every_enterprise_page(curated: TestClient) -> None:
    store = curated.app.state.store
    enterprises = enterprise_iris(store)
    assert len(enterprises) > 100
    locs = sitemap_locs(curated.get("/sitemap.xml").text)
    assert enterprises <= {u.removesuffix(".html") for u in locs}


def test_curated_dump_reloads_to_the_same_quads(curated: TestClient) -> None:
    manifest = curated.get("/dumps").json()["dumps"][0]
    body = curated.get(manifest["href"]).content
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"]
    reloaded = ox.Store()
    reloaded.load(gzip.decompress(body), format=ox.RdfFormat.N_QUADS)
    assert set(reloaded) == set(curated.app.state.store.quads())


def test_curated_enterprise_pages_and_jsonld(curated: TestClient) -> None:
    store = curated.app.state.store
    sample = sorted(enterprise_iris(store))[:: max(1, len(enterprise_iris(store)) // 15)]

    def load(url: str, options: dict | None = None) -> dict:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": curated.get(url[len(BASE) :]).json(),
        }

    for iri in sample:
        path = iri[len(BASE) :]
        html = curated.get(path + ".html")
        assert html.status_code == 200, html.text
        assert f'"@id": "{iri}"' in html.text
        doc = curated.get(path, headers={"Accept": "application/ld+json"}).json()
        nq = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": load})
        ttl = curated.get(path + ".ttl").text
        assert isomorphic(
            Graph().parse(data=nq, format="nt"), Graph().parse(data=ttl, format="turtle")
        ), iri
