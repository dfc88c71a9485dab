"""What the app does for every route: CORS, the logged 500, static assets, read-only GETs."""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from ontology.namespaces import LG, RDF
from ontology.store import EmbeddedStore
from server.app import create_app
from tests.server.support import disk_copy, settings

EVERY_KIND_OF_ROUTE = [
    "/id/enterprise/E900001",
    "/api/regions",
    "/dataset",
    "/dumps",
    "/changes",
    "/sitemap.xml",
    "/ontology",
    "/context.jsonld",
    "/reconcile",
    "/health",
    "/",
    "/static/site.css",
    "/id/enterprise/E999999",  # a 404 too
]


@pytest.mark.parametrize("path", EVERY_KIND_OF_ROUTE)
def test_every_response_allows_any_origin(client: TestClient, path: str) -> None:
    """Everything is public and read-only: browsers on any site may read it, Origin or not."""
    for headers in ({}, {"Origin": "https://elsewhere.test"}):
        r = client.get(path, headers=headers)
        assert r.headers["access-control-allow-origin"] == "*", (path, r.status_code)
        assert "ETag" in r.headers["access-control-expose-headers"]


@pytest.mark.parametrize("path", ["/api/enterprises", "/reconcile", "/id/batch/1"])
def test_preflight_is_answered_for_any_route(client: TestClient, path: str) -> None:
    r = client.options(
        path,
        headers={
            "Origin": "https://elsewhere.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-custom",
        },
    )
    assert r.status_code == 204, r.text
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert r.headers["access-control-allow-headers"] == "content-type, x-custom"


def test_an_unexpected_failure_is_a_logged_500_with_a_request_id(
    sample_store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    """STYLE §6: a fault of ours is logged with its traceback; the client sees a generic
    problem naming a request id, never the traceback or the exception's text."""
    app = create_app(settings(), store=sample_store)

    @app.get("/fails")
    def fails() -> None:
        raise RuntimeError("secret internal detail")

    with (
        caplog.at_level(logging.ERROR, logger="server.problems"),
        TestClient(app, raise_server_exceptions=False) as c,
    ):
        r = c.get("/fails")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    request_id = body["requestId"]
    assert r.headers["x-request-id"] == request_id
    assert request_id in body["detail"]
    assert "secret" not in r.text
    assert "Traceback" not in r.text
    [record] = [rec for rec in caplog.records if request_id in rec.getMessage()]
    assert record.exc_info is not None
    assert "secret internal detail" in str(record.exc_info[1])


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/static/site.css", "text/css"),
        ("/static/query.js", "javascript"),
        ("/static/vendor/yasgui/yasgui.min.js", "javascript"),
        ("/static/vendor/yasgui/yasgui.min.css", "text/css"),
    ],
)
def test_static_assets_are_served_with_cache_headers(
    client: TestClient, path: str, media_type: str
) -> None:
    r = client.get(path)
    assert r.status_code == 200, path
    assert media_type in r.headers["content-type"]
    assert r.headers["cache-control"] == "public, max-age=86400"
    assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_unknown_static_file_is_404(client: TestClient) -> None:
    assert client.get("/static/nothing.css").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_no_request_writes_to_the_store_directory(tmp_path: Path, sample_source: ox.Store) -> None:
    """GETs read what was published; only the start-up writes a missing dump, once."""
    store = disk_copy(sample_source, tmp_path / "store")

    def files() -> dict[Path, int]:
        return {p: p.stat().st_mtime_ns for p in (tmp_path / "store").rglob("*") if p.is_file()}

    with TestClient(create_app(settings(store=tmp_path / "store"), store=store)) as c:
        after_start = files()
        for path in EVERY_KIND_OF_ROUTE:
            c.get(path)
        c.get("/dumps/littlegiant.nq.gz")
        c.get("/dataset.ttl")
        assert files() == after_start


def test_aggregates_follow_a_new_state_of_the_store(sample_store: EmbeddedStore) -> None:
    """VoID, the sitemap, the name index and the query workers' snapshot are built once per
    state: a commit (here a graph replaced while the app runs) shows in each of them."""
    graph = "https://w3id.org/littlegiant/graph/late"
    enterprise = ox.NamedNode("https://w3id.org/littlegiant/id/enterprise/E900099")
    name = "后来示例科技有限公司"  # SYNTHETIC
    with TestClient(create_app(settings(), store=sample_store)) as c:
        before = {
            "void": c.get("/dataset.nt").text,
            "sitemap": c.get("/sitemap.xml").text,
            "lookup": c.get(f"/id/name/{name}", follow_redirects=False).status_code,
            "sparql": c.get("/sparql", params={"query": f"ASK {{ {enterprise} ?p ?o }}"}).json(),
        }
        g = ox.NamedNode(graph)
        quads = [
            ox.Quad(enterprise, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(LG.Enterprise)), g),
            ox.Quad(
                enterprise, ox.NamedNode(str(LG.legalName)), ox.Literal(name, language="zh"), g
            ),
        ]
        sample_store.replace_graphs({graph: quads})
        assert before["lookup"] == 404
        assert before["sparql"]["boolean"] is False
        page = "/id/enterprise/E900099.html"  # on the serving host, like every sitemap URL
        assert page not in before["sitemap"]
        assert c.get("/dataset.nt").text != before["void"]
        assert page in c.get("/sitemap.xml").text
        found = c.get(f"/id/name/{name}", follow_redirects=False)
        assert found.status_code == 303, found.text
        assert found.headers["location"] == "/id/enterprise/E900099"
        ask = c.get("/sparql", params={"query": f"ASK {{ {enterprise} ?p ?o }}"})
        assert ask.json()["boolean"] is True
