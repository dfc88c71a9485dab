"""End to end over a real uvicorn on a free port: SPARQLWrapper, rdflib's SPARQLStore, curl-like
clients, and the wall-clock limit that really stops a query while others keep answering."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from tests.server.test_sparql_helpers import BASE, ROOT, build_curated

TIMEOUT_S = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("e2e")
    store = build_curated(root / "store", root / "registry")
    port = free_port()
    env = {
        **os.environ,
        "LG_STORE": str(store.path),
        "LG_BASE_URI": BASE,
        "LG_QUERY_TIMEOUT_S": str(TIMEOUT_S),
        "LG_QUERY_WORKERS": "2",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "server.app:from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if (
                    httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("uvicorn did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


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
    outcome: dict[str, object] = {}

    def runaway() -> None:
        start = time.monotonic()
        r = httpx.post(server + "/sparql", data={"query": cross}, timeout=60)
        outcome["status"], outcome["text"] = r.status_code, r.text
        outcome["elapsed"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    with httpx.Client(timeout=10) as other:  # another connection
        start = time.monotonic()
        r = other.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        cheap = time.monotonic() - start
    assert r.status_code == 200, r.text
    assert cheap < 1.0
    thread.join(30)
    assert outcome["status"] == 503, outcome
    assert "LG_QUERY_TIMEOUT_S" in str(outcome["text"])
    assert TIMEOUT_S <= float(outcome["elapsed"]) < TIMEOUT_S + 3  # type: ignore[arg-type]
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
