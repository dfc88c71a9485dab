"""The W3C SPARQL 1.1 Protocol test cases (rdf-tests, sparql11/protocol) against the real app.

Requests, bodies, headers and expected status classes, booleans and formats come from the
manifest; the data from ``fixtures.nq`` (both vendored in ``tests/data/w3c-sparql11``, see its
README). Update cases that expect success do not apply (the endpoint is read-only): for those the
refusal itself is checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection

from tests.server.support import W3C, app_client, load_quads

MANIFEST = W3C / "protocol" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


def cases() -> list[tuple[str, list[dict]]]:
    g = Graph().parse(MANIFEST, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    found = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[-1]
        action = g.value(test, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            body = g.value(req, HT.body)
            headers = {}
            hl = g.value(req, HT.headers)
            if hl is not None:
                for h in Collection(g, hl):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            resp = g.value(req, HT.resp)
            requests.append(
                {
                    "method": str(g.value(req, HT.methodName)),
                    "path": str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                    "body": None
                    if body is None
                    else str(g.value(body, CNT.chars)).encode(
                        str(g.value(body, CNT.characterEncoding) or "UTF-8")
                    ),
                    "headers": headers,
                    "status": {
                        str(s).rsplit("StatusCode", 1)[-1]
                        for s in g.objects(resp, MF.expectedStatus)
                    },
                    "boolean": g.value(resp, MF.expectedBoolean),
                    "format": g.value(resp, MF.expectedFormat),
                }
            )
        found.append((name, requests))
    return found


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = load_quads(W3C / "fixtures.nq")  # in memory: the workers get a dump
    with app_client(store) as c:
        yield c


CASES = cases()


def test_the_manifest_is_read() -> None:
    """The vendored manifest yields the protocol's cases (an empty list would test nothing)."""
    assert len(CASES) >= 30
    assert {"query_get", "query_post_form", "query_post_direct"} <= {name for name, _ in CASES}


@pytest.mark.parametrize(("name", "requests"), CASES, ids=[c[0] for c in CASES])
def test_w3c_protocol_case(client: TestClient, name: str, requests: list[dict]) -> None:
    for req in requests:
        r = client.request(req["method"], req["path"], content=req["body"], headers=req["headers"])
        expected = req["status"]
        if name.startswith("update_") or req["headers"].get("content-type", "").startswith(
            "application/sparql-update"
        ):
            # read-only endpoint: an update must be refused, never applied
            assert 400 <= r.status_code < 500, (name, r.status_code, r.text)
            return
        got = f"{r.status_code // 100}xx"
        assert got in expected, (name, r.status_code, r.text)
        if req["boolean"] is not None:
            assert json.loads(r.text)["boolean"] is req["boolean"].toPython(), (name, r.text)
        fmt = str(req["format"]) if req["format"] is not None else None
        ctype = r.headers.get("content-type", "")
        if fmt == "boolean" or fmt == "tabular":
            assert ctype.startswith(("application/sparql-results", "text/csv", "text/tab")), ctype
        elif fmt == "RDF":
            assert ctype.startswith(
                (
                    "text/turtle",
                    "application/n-triples",
                    "application/ld+json",
                    "application/rdf+xml",
                )
            ), ctype
