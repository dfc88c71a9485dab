"""Dataset publishing: VoID/DCAT, robots, sitemaps, dumps, the @context, the ontology and shapes."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ontology.namespaces import DCAT, LG, SH, SPDX, VOID
from ontology.paths import CONTEXT_JSONLD, CONTEXTS_DIR, ONTOLOGY_TTL, SHAPES_DIR
from ontology.store import EmbeddedStore
from ontology.store.dumps import DUMP_NAME, read_manifest, write_dumps
from server.routes.crawl import Entry, sitemap_pages
from tests.server.support import (
    BASE,
    app_client,
    disk_copy,
    jsonld_graph,
    memory_copy,
    same_dataset,
    turtle_graph,
)

SAMPLE_QUADS = 280  # the sample's own; the ontology graph is loaded beside them


def ground(graph: Graph) -> set[tuple[object, object, object]]:
    """The triples of ``graph`` without blank nodes."""
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def enterprise_iris(source: ox.Store) -> set[str]:
    q = f"SELECT ?e WHERE {{ ?e a <{LG.Enterprise}> }}"
    result = source.query(q, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return {row["e"].value for row in result}


HOST = "http://testserver"


def sitemap_locs(text: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", text)


def page_iris(locs: list[str]) -> set[str]:
    """The canonical IRIs whose pages the locations are (``{host}/id/x.html?lang=zh``)."""
    return {BASE + loc.removeprefix(HOST).split(".html")[0] for loc in locs if ".html" in loc}


# -- VoID and DCAT


def test_void_triples_count_each_distinct_triple_once_and_quads_beside(
    sample_source: ox.Store, client: TestClient
) -> None:
    """Issue 10: ``void:triples`` is the size of the default graph (a set: a fact two sources
    state counts once); the quads, fact × source, are ``lg:quadCount``."""
    g = Graph().parse(data=client.get("/dataset.ttl").text, format="turtle")
    ds = URIRef(f"{BASE}/dataset")
    named = [q for q in sample_source if not isinstance(q.graph_name, ox.DefaultGraph)]
    distinct = {q.triple for q in named}
    assert int(g.value(ds, VOID.triples)) == len(distinct)
    assert int(g.value(ds, LG.quadCount)) == len(named)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    r = client.get("/sparql", params={"query": count})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == len(distinct)


def test_void_describes_the_dataset(client: TestClient) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.text, format="turtle")
    ds = URIRef(f"{BASE}/dataset")
    assert (ds, RDF.type, VOID.Dataset) in g
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert (ds, VOID.sparqlEndpoint, URIRef("http://testserver/sparql")) in g
    # class partitions count entities
    parts = {
        str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities))
        for p in g.objects(ds, VOID.classPartition)
    }
    assert parts[str(LG.Enterprise)] == 9
    assert parts[str(LG.Designation)] == 9
    # one subset per source graph, with its size and title
    graph = URIRef(f"{BASE}/graph/enterprises")
    assert (URIRef(f"{BASE}/graph/derived"), VOID.triples, None) in g
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


def test_dataset_lists_the_dump(client: TestClient) -> None:
    manifest = client.get("/dumps")
    assert manifest.status_code == 200, manifest.text
    g = Graph().parse(data=client.get("/dataset.ttl").text, format="turtle")
    dump = URIRef(f"{BASE}/dumps/{DUMP_NAME}")  # the distribution, named canonically
    url = URIRef(f"http://testserver/dumps/{DUMP_NAME}")  # where it is downloaded
    assert (URIRef(f"{BASE}/dataset"), VOID.dataDump, url) in g
    assert (dump, DCAT.downloadURL, url) in g
    assert int(g.value(dump, DCAT.byteSize)) > 0
    checksum = g.value(dump, SPDX.checksum)
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(g.value(checksum, SPDX.checksumValue)) == manifest.json()["dumps"][0]["sha256"]


def test_dataset_jsonld_expands_to_the_turtle_triples(client: TestClient) -> None:
    doc = client.get("/dataset", headers={"Accept": "application/ld+json"}).json()
    ttl = client.get("/dataset.ttl").text
    assert isomorphic(jsonld_graph(client, doc), turtle_graph(ttl))


# -- robots and sitemaps


def test_robots_points_to_the_sitemap(client: TestClient) -> None:
    r = client.get("/robots.txt")
    assert r.status_code == 200
    assert f"Sitemap: {HOST}/sitemap.xml" in r.text  # on the host that serves the sitemap
    assert "Disallow: /sparql" in r.text
    assert "Allow: /dumps/" in r.text  # dataset search engines fetch the download
    assert "Disallow: /dumps" not in r.text


def test_sitemap_lists_every_enterprise_page(client: TestClient, sample_source: ox.Store) -> None:
    r = client.get("/sitemap.xml")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/xml")
    locs = sitemap_locs(r.text)
    assert enterprise_iris(sample_source) <= page_iris(locs)
    assert len(locs) == len(set(locs))
    for loc in locs[:6]:
        assert client.get(loc.removeprefix(HOST)).status_code == 200


def test_sitemap_names_each_language_and_when_it_changed(client: TestClient) -> None:
    text = client.get("/sitemap.xml").text
    [entry] = re.findall(r"<url><loc>[^<]*/id/batch/1\.html\?lang=en</loc>.*?</url>", text)
    assert re.search(r"<lastmod>\d{4}-\d{2}-\d{2}</lastmod>", entry)
    alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry))
    assert alternates == {
        "zh-Hans": f"{HOST}/id/batch/1.html?lang=zh",
        "en": f"{HOST}/id/batch/1.html?lang=en",
        "x-default": f"{HOST}/id/batch/1.html",
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_language_has_its_canonical_url_and_names_the_others(
    client: TestClient, lang: str
) -> None:
    r = client.get("/id/batch/1.html", params={"lang": lang})
    assert f'<link rel="canonical" href="{HOST}/id/batch/1.html?lang={lang}">' in r.text
    assert f'hreflang="en" href="{HOST}/id/batch/1.html?lang=en"' in r.text
    assert f'hreflang="zh-Hans" href="{HOST}/id/batch/1.html?lang=zh"' in r.text
    assert r.headers["content-language"] == {"zh": "zh-Hans", "en": "en"}[lang]


def test_sitemap_becomes_an_index_past_the_limit(sample_source: ox.Store) -> None:
    with app_client(memory_copy(sample_source), sitemap_limit=4) as client:
        index = client.get("/sitemap.xml")
        assert "<sitemapindex" in index.text
        parts = sitemap_locs(index.text)
        assert parts[0] == f"{HOST}/sitemaps/1.xml"
        listed = []
        for part in parts:
            r = client.get(part.removeprefix(HOST))
            assert r.status_code == 200
            assert len(sitemap_locs(r.text)) <= 4
            listed += sitemap_locs(r.text)
        assert enterprise_iris(sample_source) <= page_iris(listed)
        assert client.get(f"/sitemaps/{len(parts) + 1}.xml").status_code == 404


def test_sitemap_files_hold_at_most_50000_urls() -> None:
    """Each page is listed once per language: 25,000 pages make a file of 50,000 URLs."""
    entries = [Entry(f"/id/enterprise/E{n:06d}", None) for n in range(60_001)]
    pages = sitemap_pages(entries, 50_000)
    assert [len(p) for p in pages] == [25_000, 25_000, 10_001]


# -- dumps


def test_dump_checksum_matches_and_reloads_to_the_same_quads(
    client: TestClient, sample_source: ox.Store
) -> None:
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
    assert len(reloaded) == len(sample_source) == manifest["quads"]
    assert same_dataset(reloaded, sample_source)


def test_dump_supports_range_requests(client: TestClient) -> None:
    full = client.get(f"/dumps/{DUMP_NAME}").content
    r = client.get(f"/dumps/{DUMP_NAME}", headers={"Range": "bytes=10-19"})
    assert r.status_code == 206, r.text
    assert r.content == full[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{len(full)}"
    assert r.headers["accept-ranges"] == "bytes"


def test_unknown_dump_is_404(client: TestClient) -> None:
    assert client.get("/dumps/other.nq.gz").status_code == 404


def test_write_dumps_is_deterministic(tmp_path: Path, sample_store: EmbeddedStore) -> None:
    store = sample_store
    first = write_dumps(store, tmp_path / "a")
    second = write_dumps(store, tmp_path / "b")
    assert first.sha256 == second.sha256
    assert read_manifest(tmp_path / "a") == first
    assert (tmp_path / "a" / DUMP_NAME).read_bytes() == (tmp_path / "b" / DUMP_NAME).read_bytes()


def test_on_disk_store_serves_dumps_from_its_directory(
    tmp_path: Path, sample_source: ox.Store
) -> None:
    store = disk_copy(sample_source, tmp_path / "store")
    written = write_dumps(store, tmp_path / "store" / "dumps")  # as the CLI does after a commit
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "store" / "dumps").iterdir()}
    with app_client(store) as c:
        manifest = c.get("/dumps").json()["dumps"][0]
        assert manifest["sha256"] == written.sha256
        assert hashlib.sha256(c.get(manifest["href"]).content).hexdigest() == written.sha256
        assert c.get("/dataset.ttl").status_code == 200
    # a current dump is served as it is: neither start-up nor requests wrote it again
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "store" / "dumps").iterdir()} == files


def test_a_store_without_a_dump_gets_one_at_start_up(
    tmp_path: Path, sample_source: ox.Store
) -> None:
    """A store built elsewhere has no dump: the app writes it once, before the first request."""
    store = disk_copy(sample_source, tmp_path / "store")
    assert read_manifest(tmp_path / "store" / "dumps") is None
    with app_client(store) as c:
        written = read_manifest(tmp_path / "store" / "dumps")
        assert written is not None
        assert written.generation == store.generation()
        manifest = c.get("/dumps").json()["dumps"][0]
        assert manifest["sha256"] == written.sha256


def test_a_memory_store_dump_lives_only_as_long_as_the_app(sample_store: EmbeddedStore) -> None:
    with app_client(sample_store) as c:
        href = c.get("/dumps").json()["dumps"][0]["href"]
        body = c.get(href).content
    reloaded = ox.Store()
    reloaded.load(gzip.decompress(body), format=ox.RdfFormat.N_QUADS)
    assert same_dataset(reloaded, sample_store.quads())


# -- the JSON-LD context


@pytest.mark.parametrize(
    ("path", "immutable", "file"),
    [
        ("/context.jsonld", False, CONTEXT_JSONLD),
        ("/ns/context/0.2.0.jsonld", True, CONTEXT_JSONLD),
        ("/ns/context/0.1.0.jsonld", True, CONTEXTS_DIR / "0.1.0.jsonld"),  # never withdrawn
    ],
)
def test_context_is_published_with_cors_and_cache_headers(
    client: TestClient, path: str, immutable: bool, file: Path
) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/ld+json"
    assert r.headers["access-control-allow-origin"] == "*"
    assert ("immutable" in r.headers["cache-control"]) is immutable
    assert r.content == file.read_bytes()
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
    expected = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        expected.parse(path, format="turtle")
    ttl = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200, ttl.text
    assert ttl.headers["content-location"] == "/shapes.ttl"
    served = turtle_graph(ttl.text)
    # the same graph (isomorphism over ~1,000 blank nodes takes rdflib seconds: compare the
    # ground triples exactly and the blank-node ones by count)
    assert len(served) == len(expected)
    assert ground(served) == ground(expected)
    html = client.get("/shapes.html")
    assert html.status_code == 200
    targets = {str(o).removeprefix(str(LG)) for o in expected.objects(None, SH.targetClass)}
    assert "Enterprise" in targets
    shown = html.text
    missing = [t for t in targets if t.isidentifier() and f"<code>lg:{t}</code>" not in shown]
    assert not missing  # every class a shape targets is named on the page


# -- the curated default data, built from data/ by the real pipeline


@pytest.fixture(scope="module")
def curated(curated_source: ox.Store) -> Iterator[TestClient]:
    with app_client(memory_copy(curated_source)) as c:
        yield c


def test_curated_sitemap_lists_every_enterprise_page(
    curated: TestClient, curated_source: ox.Store
) -> None:
    enterprises = enterprise_iris(curated_source)
    assert len(enterprises) > 100
    locs = sitemap_locs(curated.get("/sitemap.xml").text)
    assert enterprises <= page_iris(locs)


def test_curated_dump_reloads_to_the_same_quads(
    curated: TestClient, curated_source: ox.Store
) -> None:
    manifest = curated.get("/dumps").json()["dumps"][0]
    body = curated.get(manifest["href"]).content
    assert hashlib.sha256(body).hexdigest() == manifest["sha256"]
    reloaded = ox.Store()
    reloaded.load(gzip.decompress(body), format=ox.RdfFormat.N_QUADS)
    named = (q for q in curated_source if not isinstance(q.graph_name, ox.DefaultGraph))
    assert same_dataset(reloaded, named)  # the dump holds the named graphs, not their merge


def test_curated_enterprise_pages_and_jsonld(curated: TestClient, curated_source: ox.Store) -> None:
    enterprises = sorted(enterprise_iris(curated_source))
    sample = enterprises[:: max(1, len(enterprises) // 15)]

    for iri in sample:
        path = iri[len(BASE) :]
        html = curated.get(path + ".html")
        assert html.status_code == 200, html.text
        assert f'"@id": "{iri}"' in html.text
        doc = curated.get(path, headers={"Accept": "application/ld+json"}).json()
        ttl = curated.get(path + ".ttl").text
        assert isomorphic(jsonld_graph(curated, doc), turtle_graph(ttl)), iri
