"""No 5xx from any request (issue 15, items 6 and 7): odd bytes, bad IRIs, hostile JSON, greedy
headers get 400/404 with a problem body, and nothing a client sent is echoed back whole."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("path", "status"),
    [
        pytest.param("/id/enterprise/%FF", 400, id="latin1-byte"),
        pytest.param("/id/enterprise/%ED%A0%80", 400, id="utf16-surrogate"),
        pytest.param("/id/enterprise/%00", 400, id="nul"),
        pytest.param("/id/enterprise/a%0Ab", 400, id="newline"),
        pytest.param("/graph/%3C%3E%22", 404, id="graph-iri-breakers"),
        pytest.param("/graph/a%20b", 404, id="graph-space"),
        pytest.param("/graph/%7B%7D", 404, id="graph-braces"),
        pytest.param("/id/enterprise/%3Cscript%3E", 404, id="enterprise-markup"),
        pytest.param("/reconcile/preview?id=", 404, id="preview-empty-id"),
        pytest.param("/reconcile/preview?id=%3Cscript%3E", 404, id="preview-markup-id"),
        pytest.param("/api/enterprises?q=%FF", 400, id="query-string-latin1"),
        pytest.param("/lookup/name?q=%00", 400, id="query-string-nul"),
    ],
)
def test_odd_paths_and_parameters_get_a_4xx_problem(
    client: TestClient, path: str, status: int
) -> None:
    r = client.get(path, headers={"Accept": "application/json"})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(("application/problem+json", "text/html"))


@pytest.mark.parametrize(
    ("queries", "says"),
    [
        pytest.param(DEEP, "nested", id="nested-100k-deep"),
        pytest.param(
            json.dumps({"q0": {"query": "x"}})[:-1] + ', "q1": 1e400}', "range", id="1e400"
        ),
        pytest.param('{"q0": {"query": "x", "limit": 1e400}}', "range", id="limit-1e400"),
        pytest.param('{"q0": {"query": "x", "limit": NaN}}', "NaN", id="nan"),
    ],
)
def test_hostile_reconciliation_batches_get_400(
    client: TestClient, queries: str, says: str
) -> None:
    r = client.post("/reconcile", data={"queries": queries})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert says in r.json()["detail"]


def test_the_manifest_tells_the_batch_size_the_server_takes(client: TestClient) -> None:
    size = client.get("/reconcile").json()["batchSize"]
    batch = {f"q{i}": {"query": "示例"} for i in range(size)}
    assert client.post("/reconcile", data={"queries": json.dumps(batch)}).status_code == 200
    batch[f"q{size}"] = {"query": "示例"}
    assert client.post("/reconcile", data={"queries": json.dumps(batch)}).status_code == 413


def test_a_huge_accept_header_is_not_echoed_in_the_406(client: TestClient) -> None:
    accept = ", ".join(f"application/x-nothing-{i}" for i in range(2_000))
    r = client.get("/dataset", headers={"Accept": accept})
    assert r.status_code == 406, r.text
    assert len(r.content) < 3_000
    assert "characters" in r.json()["detail"]
