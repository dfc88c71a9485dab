"""The public endpoint over a remote engine (issue 13): the engine's own graphs never show, a
query's own dataset means what SPARQL 1.1 says on every engine, the limits hold.

The engine is the session's real ``oxigraph serve``; the quirks of Virtuoso's answers are checked
on bytes Virtuoso 7.2.5 really sent (``deploy/virtuoso/probe-output.md``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from ontology.store.remote import MERGE_GRAPH, STATE_GRAPH
from ontology.store.sparql_http import Answer, parse_answer
from tests.conftest import remote_copy
from tests.server.support import app_client

pytestmark = pytest.mark.slow
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(sample_source: ox.Store, oxigraph_endpoint: str) -> Iterator[TestClient]:
    with app_client(remote_copy(sample_source, oxigraph_endpoint), max_result_rows=5) as c:
        yield c


def values(client: TestClient, query: str, **params: str) -> list[str]:
    r = client.get("/sparql", params={"query": query, **params}, headers=JSON)
    assert r.status_code == 200, r.text
    if "boolean" in r.json():
        return [str(r.json()["boolean"]).lower()]
    return [b[v]["value"] for b in r.json()["results"]["bindings"] for v in b]


def test_graph_queries_see_the_data_graphs_only(
    client: TestClient, sample_source: ox.Store
) -> None:
    graphs = values(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert STATE_GRAPH not in graphs
    assert MERGE_GRAPH not in graphs
    assert graphs[:5] == sorted(g.value for g in sample_source.named_graphs())[:5]


def test_naming_a_reserved_graph_gives_nothing(client: TestClient) -> None:
    for graph in (STATE_GRAPH, MERGE_GRAPH):
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert values(client, query) == ["0"]
        assert values(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{
            "default-graph-uri": graph
        }) == ["0"]  # fmt: skip


def test_from_nothing_counts_zero_and_from_a_graph_counts_that_graph(
    client: TestClient, sample_source: ox.Store
) -> None:
    assert values(client, "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }") == ["0"]
    graph = next(iter(sample_source.named_graphs()))
    expected = str(len(list(sample_source.quads_for_pattern(None, None, None, graph))))
    query = f"SELECT (COUNT(*) AS ?n) FROM {graph} WHERE {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL
    assert values(client, query) == [expected]
    # FROM alone: there are no named graphs (SPARQL 1.1 §13.2), whatever the engine adds
    assert values(client, f"ASK FROM {graph} {{ GRAPH ?g {{ ?s ?p ?o }} }}") == ["false"]


def test_the_row_limit_and_the_endpoints_prefixes_hold_over_the_engine(
    client: TestClient,
) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a ?c }"}, headers=JSON)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == 5
    assert r.headers["x-result-truncated"] == "true"
    named = values(client, "SELECT (COUNT(*) AS ?n) WHERE { ?e a lg:Enterprise }")  # no PREFIX
    assert int(named[0]) > 0


def test_service_is_refused_before_the_engine_sees_it(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 403, r.text


def test_a_syntax_error_from_the_engine_is_400(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400, r.text


# what Virtuoso 7.2.5 sent for a blank node (deploy/virtuoso/probe-output.md)
VIRTUOSO_JSON = b"""{ "head": { "link": [], "vars": ["o"] },
  "results": { "distinct": false, "ordered": true, "bindings": [
    { "o": { "type": "bnode", "value": "nodeID://b10003" }} ] } }"""
VIRTUOSO_XML = b"""<sparql xmlns="http://www.w3.org/2005/sparql-results#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.w3.org/2001/sw/DataAccess/rf1/result2.xsd">
 <head>
  <variable name="o"/>
 </head>
 <results distinct="false" ordered="true">
  <result>
   <binding name="o"><bnode>nodeID://b10003</bnode></binding>
  </result>
 </results>
</sparql>"""  # noqa: E501 - as sent


def test_virtuoso_blank_nodes_parse() -> None:
    for body, media in (
        (VIRTUOSO_JSON, "application/sparql-results+json"),
        (VIRTUOSO_XML, "application/sparql-results+xml"),
    ):
        (row,) = list(parse_answer(Answer(body, media, False)))
        assert isinstance(row["o"], ox.BlankNode)
    graph = parse_answer(Answer(b"<nodeID://b1> <urn:p> <nodeID://b2> .\n", "text/plain", False))
    (triple,) = list(graph)
    assert isinstance(triple.subject, ox.BlankNode)
    assert isinstance(triple.object, ox.BlankNode)
