"""The protocol held to the letter: parse before negotiating, one dataset whichever way it is sent,
and no input the engine could not survive (https://www.w3.org/TR/sparql11-protocol/ §2.1).

Over the W3C fixtures: three graphs of different sizes, so that every dataset has its own answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from server.prefixes import PREFIXES
from server.sparql.analyse import (
    DEFAULT_MAX_CHAIN,
    QueryRejectedError,
    analyse,
    chain_depth,
    tokenize,
)
from tests.server.support import W3C, app_client, load_quads

SUITE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
G1, G2, G3 = (
    SUITE + f for f in ("construct/data.ttl", "csv-tsv-res/data.ttl", "csv-tsv-res/data2.ttl")
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_NAMED = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
BAD = "CONSTRUCT WHERE { ?s ?p ?o FILTER (?o) }"  # CONSTRUCT WHERE takes triples only
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
Send = Callable[[TestClient, str, list[tuple[str, str]], dict[str, str]], httpx.Response]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client(load_quads(W3C / "fixtures.nq")) as c:
        yield c


def via_get(c: TestClient, query: str, extra: list[tuple[str, str]], h: dict) -> httpx.Response:
    return c.get("/sparql", params=[("query", query), *extra], headers=h)


def via_form(c: TestClient, query: str, extra: list[tuple[str, str]], h: dict) -> httpx.Response:
    body = httpx.QueryParams([("query", query), *extra])
    return c.post("/sparql", content=str(body), headers={**h, "Content-Type": FORM})


def via_form_url(
    c: TestClient, query: str, extra: list[tuple[str, str]], h: dict
) -> httpx.Response:
    # the W3C cases put the dataset in the URL of a form POST (query_post_form)
    body = str(httpx.QueryParams([("query", query)]))
    return c.post("/sparql", params=extra, content=body, headers={**h, "Content-Type": FORM})


def via_direct(c: TestClient, query: str, extra: list[tuple[str, str]], h: dict) -> httpx.Response:
    return c.post("/sparql", params=extra, content=query, headers={**h, "Content-Type": DIRECT})


SENDERS = [
    pytest.param(via_get, id="get"),
    pytest.param(via_form, id="post-form"),
    pytest.param(via_form_url, id="post-form-dataset-in-url"),
    pytest.param(via_direct, id="post-direct"),
]


def number(r: httpx.Response) -> int:
    assert r.status_code == 200, r.text
    return int(json.loads(r.text)["results"]["bindings"][0]["n"]["value"])


def from_graph(graph: str, named: bool = False) -> str:
    """A count over one graph, named by the query's own FROM (or FROM NAMED)."""
    if named:
        return f"SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"  # noqa: S608 - SPARQL
    return f"SELECT (COUNT(*) AS ?n) FROM <{graph}> {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL


def size(client: TestClient, graph: str) -> int:
    return number(via_get(client, from_graph(graph), [], {}))


# -- parse before negotiating
ACCEPTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/turtle",
    "image/png",
    "",
]


@pytest.mark.parametrize("send", SENDERS)
@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_bad_query_is_400_whatever_accept(client: TestClient, send: Send, accept: str) -> None:
    r = send(client, BAD, [], {"Accept": accept} if accept else {})
    assert r.status_code == 400, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("text/plain")
    assert "error at 1:" in r.text  # the parser's own message, with its position


def test_a_bad_query_from_a_browser_gets_the_page_with_the_message(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": BAD}, headers={"Accept": "text/html"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "error at 1:" in r.text


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        pytest.param("CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-results+json",
                     id="construct-as-results"),
        pytest.param("SELECT * WHERE { ?s ?p ?o }", "text/turtle", id="select-as-turtle"),
        pytest.param("ASK {}", "image/png", id="ask-as-image"),
    ],
)  # fmt: skip
def test_a_good_query_in_a_format_it_lacks_is_406(
    client: TestClient, query: str, accept: str
) -> None:
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 406, r.text


@pytest.mark.parametrize(
    "params",
    [
        pytest.param([("default-graph-uri", G1)], id="default-graph-uri"),
        pytest.param([("named-graph-uri", G1)], id="named-graph-uri"),
        pytest.param([("timeout", "5")], id="unknown-parameter"),
    ],
)
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/turtle", ""])
def test_parameters_without_a_query_are_400(
    client: TestClient, params: list[tuple[str, str]], accept: str
) -> None:
    r = client.get("/sparql", params=params, headers={"Accept": accept} if accept else {})
    assert r.status_code == 400, r.text
    assert "query" in r.text


def test_a_format_alone_still_asks_for_the_service_description(client: TestClient) -> None:
    r = client.get("/sparql", params={"format": "ttl"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/turtle")


# -- one dataset, whichever way it is sent
@pytest.mark.parametrize("send", SENDERS)
def test_default_graph_uri_is_the_default_graph(client: TestClient, send: Send) -> None:
    one = send(client, COUNT, [("default-graph-uri", G1)], {})
    both = send(client, COUNT, [("default-graph-uri", G1), ("default-graph-uri", G2)], {})
    assert number(one) == size(client, G1)
    assert number(both) == size(client, G1) + size(client, G2)


@pytest.mark.parametrize("send", SENDERS)
def test_named_graph_uri_names_the_graphs(client: TestClient, send: Send) -> None:
    r = send(client, COUNT_NAMED, [("named-graph-uri", G2), ("named-graph-uri", G3)], {})
    assert number(r) == size(client, G2) + size(client, G3)


@pytest.mark.parametrize("send", SENDERS)
def test_protocol_dataset_overrides_from(client: TestClient, send: Send) -> None:
    query = from_graph(G1)
    assert number(send(client, query, [], {})) == size(client, G1)
    assert number(send(client, query, [("default-graph-uri", G3)], {})) == size(client, G3)
    named = from_graph(G1, named=True)
    assert number(send(client, named, [("named-graph-uri", G2)], {})) == size(client, G2)


def test_the_three_graphs_differ_in_size(client: TestClient) -> None:
    """The dataset tests above can tell the graphs apart only if their sizes differ."""
    sizes = [size(client, g) for g in (G1, G2, G3)]
    assert len(set(sizes)) == 3, sizes
    assert 0 not in sizes


# -- recursion: bounded before the engine sees it
def chain(n: int) -> dict[str, str]:
    """Queries whose trees the engine walks recursively, ``n`` links long."""
    p = "<http://x/p>"
    return {
        "not": "ASK { FILTER (" + "!" * n + "true) }",
        "unary-minus": "ASK { FILTER (" + "- " * n + "1 = 1) }",
        "plus": "ASK { FILTER (" + " + ".join(["1"] * n) + " > 0) }",
        "or": "ASK { FILTER (" + " || ".join(["false"] * n) + ") }",
        "union": "ASK { " + " UNION ".join(["{}"] * (n // 2)) + " }",
        "optional": "ASK { " + " ".join(["OPTIONAL {}"] * (n // 2)) + " }",
        "minus": "ASK { ?s ?p ?o " + " ".join(["MINUS { ?s ?p 1 }"] * (n // 3)) + " }",
        "bind": "ASK { " + " ".join(f"BIND (1 AS ?v{i})" for i in range(n // 4)) + " }",
        "path-alternatives": f"ASK {{ ?s {'|'.join([p] * n)} ?o }}",
        "inverse": f"ASK {{ ?s {'^' * n}{p} ?o }}",
        "brackets": "ASK { FILTER (" + "(" * n + "1" + ")" * n + ") }",
        "path-brackets": f"ASK {{ ?s {'(' * n}{p}{')' * n} ?o }}",
        "groups": "ASK " + "{ " * n + "}" * n,
        "subqueries": "ASK { " + "{ SELECT * WHERE " * n + "{}" + " }" * n + " }",
        "quoted-triples": "ASK { " + "<< " * n + "?s ?p ?o" + " >> ?p ?o" * n + " }",
    }


CHAINS = list(chain(1))


@pytest.mark.parametrize("kind", CHAINS)
def test_a_hostile_chain_is_refused_with_400(client: TestClient, kind: str) -> None:
    n = 30_000  # past where the engine crashes, as long as the length limit allows
    while len(chain(n)[kind]) > 99_000:
        n = n * 4 // 5
    query = chain(n)[kind]
    r = client.post("/sparql", data={"query": query})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# nesting is bounded by LG_MAX_QUERY_NESTING, and "^^" is not SPARQL at all
BOUNDED_ELSEWHERE = (
    "brackets",
    "path-brackets",
    "groups",
    "subqueries",
    "quoted-triples",
    "inverse",
)


@pytest.mark.parametrize("kind", [k for k in CHAINS if k not in BOUNDED_ELSEWHERE])
def test_a_chain_just_inside_the_bound_is_evaluated(client: TestClient, kind: str) -> None:
    """The bound sits well below where the engine's recursion fails: the longest chain it lets
    through is answered (200, or the engine's own 400), never a crash."""
    n = 1
    while n < 100_000 and analyse_depth(chain(n * 2)[kind]) <= DEFAULT_MAX_CHAIN:
        n *= 2
    query = chain(n)[kind]
    r = client.post("/sparql", data={"query": query})
    assert r.status_code in (200, 400), (r.status_code, r.text[:300])
    assert analyse_depth(query) > DEFAULT_MAX_CHAIN // 4, "the probe should be near the bound"


def analyse_depth(query: str) -> int:
    """The query's chain depth; past the bound when its brackets alone are refused."""
    try:
        return chain_depth(tokenize(query, max_depth=64)[0])
    except QueryRejectedError:
        return DEFAULT_MAX_CHAIN + 1


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o FILTER (?o != 1 && ?o <= 2 || ?o >= 3) }",
                     id="comparisons"),
        pytest.param('SELECT * WHERE { ?s ?p "1"^^xsd:integer }', id="datatype"),
        pytest.param("SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", id="quoted-triple"),
        pytest.param("SELECT * WHERE { FILTER (" + " || ".join(
            f"?s = <http://x/{i}>" for i in range(500)) + ") }", id="500-alternatives"),
        pytest.param("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 200) + " }",
                     id="200-unions"),
    ],
)  # fmt: skip
def test_ordinary_queries_pass_the_bound(client: TestClient, query: str) -> None:
    assert analyse(query, default_prefixes=PREFIXES, allowlist=(), max_depth=64).form == "SELECT"
    assert client.post("/sparql", data={"query": query}).status_code == 200
