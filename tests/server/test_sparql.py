"""SPARQL 1.1 Protocol behaviour over the real app and a real on-disk store of the curated data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDFS, Graph, Literal, URIRef

from ontology.namespaces import LG, SD
from ontology.paths import ONTOLOGY_TTL
from ontology.store import EmbeddedStore
from server.sparql.examples import Example, load_examples
from tests.server.conftest import store_of
from tests.server.support import BASE, app_client

COUNT_BATCHES = "SELECT (COUNT(*) AS ?n) WHERE { ?b a lg:Batch }"
BATCHES = "SELECT ?b ?o WHERE { ?b a lg:Batch ; lg:ordinal ?o } ORDER BY ?o"
CONSTRUCT_BATCHES = "CONSTRUCT { ?b lg:ordinal ?o } WHERE { ?b a lg:Batch ; lg:ordinal ?o }"
ASK_ANY = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def client(
    curated_dir: Path, curated_source: ox.Store, engine: str, request: pytest.FixtureRequest
) -> Iterator[TestClient]:
    """The endpoint over the default dataset (on disk, or in the remote engine), results cut at
    50 rows."""
    store = EmbeddedStore(curated_dir) if engine == "embedded" else None
    with app_client(store or store_of(curated_source, engine, request), max_result_rows=50) as c:
        yield c


def bindings(r: httpx.Response) -> list[dict]:
    return json.loads(r.text)["results"]["bindings"]


# -- the three ways to send a query
def test_query_via_get(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": COUNT_BATCHES})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert bindings(r)[0]["n"]["value"] == "7"


def test_query_via_post_form(client: TestClient) -> None:
    r = client.post("/sparql", data={"query": COUNT_BATCHES})
    assert r.status_code == 200, r.text
    assert bindings(r)[0]["n"]["value"] == "7"


def test_query_via_post_direct(client: TestClient) -> None:
    r = client.post(
        "/sparql",
        content=COUNT_BATCHES.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert r.status_code == 200, r.text
    assert bindings(r)[0]["n"]["value"] == "7"


def test_default_graph_is_the_union_and_dataset_parameters_narrow_it(client: TestClient) -> None:
    everything = bindings(client.get("/sparql", params={"query": COUNT_BATCHES}))
    assert everything[0]["n"]["value"] == "7"
    other = f"{BASE}/graph/reference"
    r = client.get("/sparql", params={"query": COUNT_BATCHES, "default-graph-uri": other})
    assert r.status_code == 200, r.text
    assert bindings(r)[0]["n"]["value"] == "0"
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": other,
        },
    )
    assert [b["g"]["value"] for b in bindings(named)] == [other]


def test_graph_still_reaches_one_source(client: TestClient) -> None:
    """Each source is its own graph: batch 1's ordinal is stated by the one page that describes
    the batch (the mirror of notice 153), the batches by as many pages as describe them."""
    r = client.get(
        "/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?b a lg:Batch } }"},
    )
    graphs = [b["g"]["value"] for b in bindings(r)]
    assert len(graphs) > 1
    assert all(g.startswith(f"{BASE}/graph/source-") for g in graphs)
    query = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{BASE}/id/batch/1> lg:ordinal 1 }} }}"
    one = bindings(client.get("/sparql", params={"query": query}))
    assert [b["g"]["value"] for b in one] == [f"{BASE}/graph/source-kjzch.com-8ce2df22"]


# -- formats
@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        pytest.param(
            "application/sparql-results+xml", "application/sparql-results+xml", "<sparql", id="xml"
        ),
        pytest.param("text/csv", "text/csv", "b,o\r\n", id="csv"),
        pytest.param(
            "text/tab-separated-values", "text/tab-separated-values", "?b\t?o\n", id="tsv"
        ),
        pytest.param("application/json", "application/sparql-results+json", '"vars"', id="json"),
        pytest.param(
            "text/csv;q=0.2, text/tab-separated-values;q=0.9",
            "text/tab-separated-values",
            "?b\t?o",
            id="q-values",
        ),
    ],
)
def test_select_formats_by_accept(client: TestClient, accept: str, media: str, marker: str) -> None:
    r = client.get("/sparql", params={"query": BATCHES}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert marker in r.text
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_formats_parse_to_the_same_graph(
    client: TestClient, accept: str, fmt: str
) -> None:
    r = client.get("/sparql", params={"query": CONSTRUCT_BATCHES}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(accept)
    g = Graph()
    if fmt in ("nquads", "trig"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=r.text, format=fmt)
        g = Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
    else:
        g.parse(data=r.text, format=fmt)
    assert len(g) == 7
    assert (URIRef(f"{BASE}/id/batch/1"), LG.ordinal, Literal(1)) in g


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        pytest.param(CONSTRUCT_BATCHES, "text/csv", id="construct-refuses-csv"),
        pytest.param(BATCHES, "text/turtle", id="select-refuses-turtle"),
        pytest.param(ASK_ANY, "image/png", id="ask-refuses-png"),
    ],
)
def test_nothing_acceptable_gets_406_with_offers(
    client: TestClient, query: str, accept: str
) -> None:
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 406, r.text
    assert "Available:" in r.text
    assert r.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("xml", "application/sparql-results+xml"),
        ("json", "application/sparql-results+json"),
    ],
)
def test_format_parameter_overrides_accept(client: TestClient, fmt: str, media: str) -> None:
    r = client.get(
        "/sparql", params={"query": BATCHES, "format": fmt}, headers={"Accept": "text/turtle"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)


def test_ask_answers_a_boolean(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ASK_ANY})
    assert r.status_code == 200, r.text
    assert json.loads(r.text)["boolean"] is True
    xml = client.get(
        "/sparql", params={"query": ASK_ANY}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert "<boolean>true</boolean>" in xml.text


def test_describe_answers_a_graph(client: TestClient) -> None:
    r = client.get(
        "/sparql",
        params={"query": f"DESCRIBE <{BASE}/id/batch/1>"},
        headers={"Accept": "text/turtle"},
    )
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.text, format="turtle")
    assert (URIRef(f"{BASE}/id/batch/1"), LG.ordinal, Literal(1)) in g


def test_undeclared_common_prefixes_are_known(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?l WHERE { lg:Batch rdfs:label ?l }"})
    assert r.status_code == 200, r.text
    labels = {(b["l"]["value"], b["l"].get("xml:lang")) for b in bindings(r)}
    ontology = Graph().parse(ONTOLOGY_TTL, format="turtle")
    expected = {(str(o), o.language) for o in ontology.objects(LG.Batch, RDFS.label)}
    assert expected
    assert labels == expected


# -- the service description, HEAD, CORS, methods
def test_service_description_without_query(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.text, format="turtle")
    service = next(g.subjects(predicate=SD.endpoint))
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    formats = set(g.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats
    names = {str(n) for n in g.objects(None, SD.name)}
    assert {f"{BASE}/graph/reference", f"{BASE}/graph/derived"} <= names
    assert r.headers["access-control-allow-origin"] == "*"


def test_browser_gets_the_query_page(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for r in (client.get("/sparql", headers={"Accept": accept}), client.get("/query")):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        assert "/static/vendor/yasgui/yasgui.min.js" in r.text
        assert "cdn" not in r.text.lower()
        for example in load_examples():
            assert example.title_en in r.text or example.title_en.replace('"', "&#34;") in r.text
            assert example.title_zh in r.text or "&" in example.title_zh


def test_query_page_assets_ship_with_the_package(client: TestClient) -> None:
    for path in (
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/query.js",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert len(r.content) > 500


def test_shared_url_prefills_the_page(client: TestClient) -> None:
    r = client.get("/query", params={"query": BATCHES})
    assert r.status_code == 200
    assert "lg:ordinal ?o" in r.text


def test_head_answers_headers_only(client: TestClient) -> None:
    r = client.head("/sparql", params={"query": BATCHES}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content == b""


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_with_allow(client: TestClient, method: str) -> None:
    r = client.request(method, "/sparql", content=b"x")
    assert r.status_code == 405
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_cors_preflight_and_headers(client: TestClient) -> None:
    r = client.options(
        "/sparql",
        headers={"Origin": "https://elsewhere.test", "Access-Control-Request-Method": "POST"},
    )
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    ok = client.get("/sparql", params={"query": ASK_ANY}, headers={"Origin": "https://x.test"})
    assert ok.headers["access-control-allow-origin"] == "*"


# -- bad requests are precise 4xx
def test_malformed_query_gets_400_with_position(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "1:" in r.text


def test_two_queries_get_400(client: TestClient) -> None:
    r = client.get("/sparql", params=[("query", ASK_ANY), ("query", ASK_ANY)])
    assert r.status_code == 400
    assert "one" in r.text


def test_query_and_update_together_are_refused(client: TestClient) -> None:
    r = client.post("/sparql", data={"query": ASK_ANY, "update": "CLEAR ALL"})
    assert r.status_code == 400
    assert "read-only" in r.text


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <file:///etc/passwd>",
        "load <file:///etc/passwd> INTO GRAPH <http://x>",
        "CLEAR ALL",
        "DROP GRAPH <http://x>",
        "CREATE GRAPH <http://x>",
        "INSERT DATA { <a:a> <a:b> <a:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "ADD DEFAULT TO <http://x>",
        "MOVE DEFAULT TO <http://x>",
        "COPY DEFAULT TO <http://x>",
        "PREFIX x: <http://x/> WITH <http://x> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_on_every_route(client: TestClient, update: str) -> None:
    before = bindings(
        client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    )
    for r in (
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post(
            "/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
        client.post(
            "/sparql",
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        client.get("/sparql", params={"update": update}),
    ):
        assert 400 <= r.status_code < 500, r.text
    after = bindings(
        client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    )
    assert before == after


@pytest.mark.parametrize(
    ("ctype", "status"),
    [
        ("text/plain", 415),
        ("application/json", 415),
        ("", 415),
        ("application/sparql-query; charset=iso-8859-1", 415),
    ],
)
def test_other_bodies_get_415(client: TestClient, ctype: str, status: int) -> None:
    headers = {"Content-Type": ctype} if ctype else {}
    r = client.post("/sparql", content=ASK_ANY.encode(), headers=headers)
    assert r.status_code == status, r.text


def test_invalid_utf8_is_refused_not_replaced(client: TestClient) -> None:
    direct = client.post(
        "/sparql",
        content=b'ASK { ?s ?p "\xff\xfe" }',
        headers={"Content-Type": "application/sparql-query"},
    )
    assert direct.status_code == 400, direct.text
    form = client.post(
        "/sparql",
        content=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400, form.text
    get = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%C3%28%22%20%7D")
    assert get.status_code == 400, get.text


@pytest.mark.parametrize(
    "junk",
    [
        b"\x00\x01\x02",
        b"SELECT \x00 WHERE {}",
        "\u202e SELECT * {}".encode(),
        b"}}}}{{{{",
        b"'''",
        b'SELECT * WHERE { ?s ?p "unterminated }',
        b"\xef\xbb\xbfASK {}x",
    ],
)
def test_junk_gets_4xx_never_5xx(client: TestClient, junk: bytes) -> None:
    r = client.post("/sparql", content=junk, headers={"Content-Type": "application/sparql-query"})
    assert 400 <= r.status_code < 500, r.text


def test_body_over_the_limit_gets_413(curated_dir: Path) -> None:
    with app_client(EmbeddedStore(curated_dir), max_body_bytes=1000) as c:
        r = c.post(
            "/sparql",
            content=b"ASK {}" + b" " * 2000,
            headers={"Content-Type": "application/sparql-query"},
        )
        assert r.status_code == 413, r.text


def test_query_over_the_length_limit_gets_413(curated_dir: Path) -> None:
    with app_client(EmbeddedStore(curated_dir), max_query_length=100) as c:
        r = c.post("/sparql", data={"query": "ASK {}" + " " * 200})
        assert r.status_code == 413, r.text
        assert "LG_MAX_QUERY_LENGTH" in r.text


def test_result_rows_are_cut_at_the_limit_with_a_signal(client: TestClient) -> None:
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": "text/tab-separated-values"})
    assert r.status_code == 200
    assert r.headers["x-result-truncated"] == "true"
    assert r.headers["x-result-limit"] == "50"
    assert len(r.text.strip().split("\n")) == 51  # header + 50 rows
    small = client.get("/sparql", params={"query": BATCHES})
    assert small.headers["x-result-truncated"] == "false"
    assert small.headers["x-result-rows"] == "7"
    graph = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert graph.headers["x-result-truncated"] == "true"
    assert len(graph.text.strip().split("\n")) == 50


# -- the examples run against the default data (built with its provenance, so none is empty)
@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e.slug)
def test_every_example_runs_on_the_default_data(client: TestClient, example: Example) -> None:
    r = client.post("/sparql", data={"query": example.query, "format": "tsv"})
    if example.query.lstrip().upper().find("CONSTRUCT") >= 0 and "SELECT" not in example.query:
        r = client.post("/sparql", data={"query": example.query}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    assert int(r.headers["x-result-rows"]) > 0, example.slug


def test_there_are_at_least_twelve_bilingual_examples() -> None:
    examples = load_examples()
    assert len(examples) >= 12
    for e in examples:
        assert e.title_en
        assert e.title_zh
        assert e.title_en != e.title_zh


def test_an_answer_is_revalidated_without_running_the_query(client: TestClient) -> None:
    """A cache in front (deploy/nginx) revalidates with the ETag: 304 while the generation is
    the one that answered, for the same query and format only."""
    r = client.get("/sparql", params={"query": COUNT_BATCHES})
    assert r.status_code == 200, r.text
    tag = r.headers["etag"]
    again = client.get("/sparql", params={"query": COUNT_BATCHES}, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/sparql", params={"query": BATCHES}, headers={"If-None-Match": tag})
    assert other.status_code == 200
    xml = {"If-None-Match": tag, "Accept": "application/sparql-results+xml"}
    assert client.get("/sparql", params={"query": COUNT_BATCHES}, headers=xml).status_code == 200
