"""Running in public (issue 13): metrics, readiness, fair use per client, the access log.

The app is the real one over TestClient and a real store; TestClient's peer address is
``testclient``, which the fair-use tests name as a trusted proxy to speak for other clients.
"""

from __future__ import annotations

import json
import logging
import time

import pyoxigraph as ox
import pytest
from prometheus_client.parser import text_string_to_metric_families

from server import fair_use
from tests.server.conftest import store_of
from tests.server.support import app_client

LOOKUP = "SELECT ?s WHERE { ?s a <https://w3id.org/littlegiant/ontology#Enterprise> } LIMIT 1"


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fair-use ledger's calendar minute held still, so that a test's requests all fall in
    one minute wherever the clock is (a budget resets when the minute turns)."""
    minute = fair_use._minute()
    monkeypatch.setattr(fair_use, "_minute", lambda: minute)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def test_metrics_count_requests_queries_and_describe_the_store(
    sample_source: ox.Store, engine: str, request: pytest.FixtureRequest
) -> None:
    store = store_of(sample_source, engine, request)
    with app_client(store) as c:
        before = samples(c.get("/metrics").text)
        assert c.get("/sparql", params={"query": LOOKUP}).status_code == 200
        assert c.get("/sparql", params={"query": "SELEKT"}).status_code == 400
        r = c.get("/metrics")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain")
        after = samples(r.text)
    ok = ("lg_sparql_queries_total", (("outcome", "ok"),))
    rejected = ("lg_sparql_queries_total", (("outcome", "rejected"),))
    assert after[ok] == before.get(ok, 0) + 1
    assert after[rejected] == before.get(rejected, 0) + 1
    get_200 = (
        "lg_http_requests_total",
        (("method", "GET"), ("route", "/sparql"), ("status", "200")),
    )
    assert after[get_200] >= 1
    assert ("lg_http_request_duration_seconds_count", (("route", "/sparql"),)) in after
    assert after[("lg_sparql_query_duration_seconds_count", ())] >= 2
    assert ("lg_sparql_worker_restarts_total", ()) in after
    assert after[("lg_store_quads", ())] == len(store)
    assert after[("lg_store_generation_info", (("generation", store.generation()),))] == 1
    assert after[("lg_ingest_commits_total", (("outcome", "ok"),))] == store.commit_counts()["ok"]


def test_ready_reports_the_generation_once_the_workers_are_up(
    sample_source: ox.Store, engine: str, request: pytest.FixtureRequest
) -> None:
    store = store_of(sample_source, engine, request)
    with app_client(store) as c:
        r = c.get("/ready")
        for _ in range(600):  # the workers load the store's snapshot first: 503 until then
            if r.status_code == 200:
                break
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "1"
            time.sleep(0.1)
            r = c.get("/ready")
        assert r.status_code == 200, r.text
        assert r.json() == {"status": "ready", "generation": store.generation()}
        assert c.get("/health").json()["status"] == "ok"


@pytest.mark.usefixtures("one_minute")
def test_a_client_over_its_query_budget_gets_429_and_others_do_not(
    sample_source: ox.Store,
) -> None:
    trusted = ["testclient"]
    with app_client(
        store_of(sample_source, "embedded", None), query_budget_s=1e-9, trusted_proxies=trusted
    ) as c:
        alice = {"X-Forwarded-For": "203.0.113.7"}
        bob = {"X-Forwarded-For": "198.51.100.9"}
        assert c.get("/sparql", params={"query": LOOKUP}, headers=alice).status_code == 200
        r = c.get("/sparql", params={"query": LOOKUP}, headers=alice)
        assert r.status_code == 429, r.text
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert "203.0.113.7" in r.text
        assert "budget" in r.text
        assert c.get("/sparql", params={"query": LOOKUP}, headers=bob).status_code == 200
        metrics = samples(c.get("/metrics").text)
        assert metrics[("lg_sparql_queries_total", (("outcome", "limited"),))] >= 1


@pytest.mark.usefixtures("one_minute")
def test_forwarded_for_is_believed_only_from_a_trusted_proxy(sample_source: ox.Store) -> None:
    with app_client(store_of(sample_source, "embedded", None), query_budget_s=1e-9) as c:
        assert c.get("/sparql", params={"query": LOOKUP}).status_code == 200
        spoofed = {"X-Forwarded-For": "192.0.2.1"}  # the peer is no trusted proxy: ignored
        r = c.get("/sparql", params={"query": LOOKUP}, headers=spoofed)
        assert r.status_code == 429, r.text
        assert "testclient" in r.text


@pytest.mark.usefixtures("one_minute")
def test_reconciliation_has_its_own_budget_in_queries(sample_source: ox.Store) -> None:
    with app_client(store_of(sample_source, "embedded", None), reconcile_budget=3) as c:
        batch = json.dumps({f"q{i}": {"query": "示例"} for i in range(3)})
        assert c.post("/reconcile", data={"queries": batch}).status_code == 200
        r = c.post("/reconcile", data={"queries": batch})
        assert r.status_code == 429, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "reconciliation queries" in r.json()["detail"]
        assert int(r.headers["retry-after"]) >= 1
        assert c.get("/sparql", params={"query": LOOKUP}).status_code == 200  # SPARQL unaffected


def test_the_access_log_is_one_json_line_per_request(
    sample_source: ox.Store, caplog: pytest.LogCaptureFixture
) -> None:
    with app_client(store_of(sample_source, "embedded", None)) as c:
        caplog.set_level(logging.INFO, logger="littlegiant.access")
        c.get("/sparql", params={"query": LOOKUP})
        c.get("/id/enterprise/nobody")
    entries = [json.loads(r.getMessage()) for r in caplog.records if r.name == "littlegiant.access"]
    query, missing = entries[-2], entries[-1]
    assert query["route"] == "/sparql"
    assert query["status"] == 200
    assert query["outcome"] == "ok"
    assert len(query["query_hash"]) == 16
    assert LOOKUP not in json.dumps(query)  # the hash, never the text
    assert query["client"] == "testclient"
    assert query["duration_ms"] >= 0
    assert missing["route"] == "/id/{kind}/{local:path}"
    assert missing["status"] == 404
