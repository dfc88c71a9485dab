"""End to end over a real uvicorn on a free port: SPARQLWrapper, rdflib's SPARQLStore, curl-like
clients, and the wall-clock limit that really stops a query while others keep answering."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from tests.server.support import BASE, uvicorn_server

pytestmark = pytest.mark.slow
TIMEOUT_S = 10.0  # the runaway is cut at it; every other query here ends far sooner, loaded or not


@pytest.fixture(scope="module")
def server(curated_dir: Path) -> Iterator[str]:
    env = {
        "LG_STORE": str(curated_dir),
        "LG_QUERY_TIMEOUT_S": str(TIMEOUT_S),
        "LG_QUERY_WORKERS": "2",
    }
    with uvicorn_server(env, ready_path="/sparql?query=ASK%20%7B%7D") as url:
        yield url


def test_sparqlwrapper_select_json_and_csv(server: str) -> None:
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(
        "PREFIX lg: <https://w3id.org/littlegiant/ontology#> "
        "SELECT ?b ?o WHERE { ?b a lg:Batch ; lg:ordinal ?o } ORDER BY ?o"
    )
    sw.setReturnFormat(JSON)
    result = sw.query().convert()
    assert [int(b["o"]["value"]) for b in result["results"]["bindings"]] == [1, 2, 3, 4, 5, 6, 7]
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode().splitlines()[0] == "b,o"


def test_sparqlwrapper_post_construct_turtle(server: str) -> None:
    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod("POST")
    sw.setQuery(
        "PREFIX lg: <https://w3id.org/littlegiant/ontology#> "
        "CONSTRUCT { ?b lg:ordinal ?o } WHERE { ?b a lg:Batch ; lg:ordinal ?o }"
    )
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(g) == 7


def test_rdflib_sparqlstore_reads_the_endpoint(server: str) -> None:
    store = SPARQLStore(server + "/sparql", returnFormat="json")
    g = Graph(store=store)
    rows = list(
        g.query(
            "PREFIX lg: <https://w3id.org/littlegiant/ontology#> "
            "SELECT (COUNT(?b) AS ?n) WHERE { ?b a lg:Batch }"
        )
    )
    assert int(rows[0][0]) == 7
    assert (URIRef(f"{BASE}/id/batch/1"), None, None) in g


def test_a_runaway_query_is_stopped_while_others_answer(server: str) -> None:
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcome: dict[str, str | int | float] = {}

    def runaway() -> None:
        start = time.monotonic()
        r = httpx.post(server + "/sparql", data={"query": cross}, timeout=60)
        outcome["status"], outcome["text"] = r.status_code, r.text
        outcome["elapsed"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    with httpx.Client(timeout=10) as other:  # another connection
        r = other.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        # answered while the runaway still runs: it did not wait behind it
        assert thread.is_alive()
    assert r.status_code == 200, r.text
    thread.join(TIMEOUT_S + 30)
    assert outcome["status"] == 503, outcome
    assert "LG_QUERY_TIMEOUT_S" in str(outcome["text"])
    # stopped at the limit, not before; the generous upper bound only catches a query never cut
    assert TIMEOUT_S <= float(outcome["elapsed"]) < TIMEOUT_S + 30
    # the killed worker was replaced: the endpoint still answers
    again = httpx.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert again.status_code == 200


def test_large_results_stream_in_chunks(server: str) -> None:
    with httpx.stream(
        "GET",
        server + "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "tsv"},
        timeout=30,
    ) as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers  # streamed, not built whole first
        chunks = [c for c in r.iter_raw()]
    assert sum(len(c) for c in chunks) > 100_000
