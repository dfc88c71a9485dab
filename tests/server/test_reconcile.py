"""The reconciliation service driven the way OpenRefine drives it (Reconciliation API v0.2)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from ontology.namespaces import LG
from ontology.store import EmbeddedStore
from server.matching import core_name
from server.routes.reconcile import MAX_QUERIES
from tests.server.support import BASE, app_client

# (query, hints, expected top id, expected match) — variants as other datasets print names;
# ``match`` only for the firm's own name (legal form included) or its credit code (issue 9)
BATCH = [
    ("北京示例精密机械有限公司", [], "E900001", False),  # 股份有限公司 printed as 有限公司
    ("示例（上海）生物科技有限公司", [], "E900002", True),  # full-width brackets
    ("深圳市 示例电子 有限公司", [], "E900003", True),  # spaces
    ("宁波示例液压股份有限公司", [], "E900004", False),  # 有限公司 printed as 股份有限公司
    ("示例新材料有限公司", [{"pid": "region", "v": "江苏省"}], "E900006", True),  # tie broken
    ("91320500MA1FFFFF5E", [], "E900006", True),  # a credit code as the query
    ("深圳市示例智能科技有限公司", [], "E900007", False),  # its former name
    ("Beijing Shili Software Co., Ltd.", [], "E900008", True),  # English name
    ("Example Optoelectronics Company Limited", [], "E900009", False),  # English suffix variant
    ("示例新材料有限公司", [], None, False),  # two firms share the name: a tie, no match
]


def post_batch(client: TestClient, queries: dict) -> dict:
    r = client.post("/reconcile", data={"queries": json.dumps(queries, ensure_ascii=False)})
    assert r.status_code == 200, r.text
    return r.json()


def test_manifest(client: TestClient) -> None:
    r = client.get("/reconcile")
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == "*"
    m = r.json()
    assert "0.2" in m["versions"]
    assert m["identifierSpace"] == f"{BASE}/id/enterprise/"
    assert m["schemaSpace"] == str(LG)
    assert m["defaultTypes"][0]["id"] == str(LG.Enterprise)
    assert m["view"]["url"] == "http://testserver/id/enterprise/{{id}}"  # on the serving host
    assert m["identifierSpace"] == f"{BASE}/id/enterprise/"  # identifiers stay canonical
    assert "{{id}}" in m["preview"]["url"]
    assert m["batchSize"] == 100  # what the server really takes (issue 15.6)
    assert m["suggest"]["entity"]["service_path"] == "/reconcile/suggest/entity"


def test_openrefine_session(client: TestClient) -> None:
    """Manifest, one batch of ten queries (variants, a code, a tie), then a preview."""
    manifest = client.get("/reconcile").json()
    queries = {
        f"q{i}": {
            "query": q,
            "type": manifest["defaultTypes"][0]["id"],
            "type_strict": "should",
            "limit": 3,
            **({"properties": hints} if hints else {}),
        }
        for i, (q, hints, _, _) in enumerate(BATCH)
    }
    assert len(queries) <= manifest["batchSize"]
    answer = post_batch(client, queries)
    assert set(answer) == set(queries)
    for i, (query, _, top, match) in enumerate(BATCH):
        result = answer[f"q{i}"]["result"]
        assert result, query
        assert len(result) <= 3
        scores = [c["score"] for c in result]
        assert scores == sorted(scores, reverse=True), query
        assert all(0 <= s <= 100 for s in scores)
        assert result[0]["type"][0]["id"] == str(LG.Enterprise)
        assert sum(c["match"] for c in result) == (1 if match else 0), (query, result)
        if top is not None:
            assert result[0]["id"] == top, (query, result)
            assert result[0]["match"] is match
    # the tie: both firms, equal scores, neither chosen
    tie = answer["q9"]["result"]
    assert {c["id"] for c in tie[:2]} == {"E900005", "E900006"}
    assert tie[0]["score"] == tie[1]["score"]
    # exact names outscore variants, and a credit code is certain
    assert answer["q1"]["result"][0]["score"] > answer["q0"]["result"][0]["score"]
    assert answer["q2"]["result"][0]["score"] > answer["q3"]["result"][0]["score"]
    assert answer["q5"]["result"][0]["score"] == 100
    preview_url = manifest["preview"]["url"].replace("{{id}}", answer["q0"]["result"][0]["id"])
    preview = client.get(preview_url.removeprefix("http://testserver"))
    assert preview.status_code == 200, preview.text
    assert preview.headers["content-type"].startswith("text/html")
    assert "北京示例精密机械股份有限公司" in preview.text
    assert "91110108MA01AAAA0M" in preview.text


def test_credit_code_hint_decides(client: TestClient) -> None:
    answer = post_batch(
        client,
        {
            "q0": {
                "query": "示例新材料有限公司",
                "properties": [{"pid": "uscc", "v": "91320500MA1FFFFF5E"}],
            }
        },
    )
    top = answer["q0"]["result"][0]
    assert top["id"] == "E900006"
    assert top["score"] == 100
    assert top["match"] is True


def test_batch_hint_and_unknown_property(client: TestClient) -> None:
    answer = post_batch(
        client,
        {
            "q0": {
                "query": "示例新材料有限公司",
                "properties": [{"pid": "batch", "v": "第一批"}, {"pid": "colour", "v": "blue"}],
            }
        },
    )
    assert answer["q0"]["result"][0]["id"] == "E900005"
    assert answer["q0"]["result"][0]["match"] is True


def test_queries_by_get_work_too(client: TestClient) -> None:
    r = client.get(
        "/reconcile", params={"queries": json.dumps({"q0": {"query": "北京示例软件有限公司"}})}
    )
    assert r.status_code == 200, r.text
    assert r.json()["q0"]["result"][0]["id"] == "E900008"


def test_no_candidate_is_an_empty_result(client: TestClient) -> None:
    assert post_batch(client, {"q0": {"query": "完全无关的名字"}}) == {"q0": {"result": []}}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("not json", id="not-json"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param('{"q0": {"query": 5}}', id="query-not-a-string"),
        pytest.param('{"q0": {"query": "x", "limit": "many"}}', id="bad-limit"),
    ],
)
def test_malformed_batch_is_400(client: TestClient, raw: str) -> None:
    r = client.post("/reconcile", data={"queries": raw})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"


def test_oversized_batch_is_413(client: TestClient) -> None:
    queries = {f"q{i}": {"query": "示例"} for i in range(MAX_QUERIES + 1)}
    r = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert r.status_code == 413, r.text


def test_overload_gets_429_with_retry_after(sample_store: EmbeddedStore) -> None:
    """With every matching slot taken (here: none configured) a batch waits for nobody."""
    batch = {"queries": json.dumps({"q0": {"query": "示例"}})}
    with app_client(sample_store, reconcile_max_concurrent=0) as full:
        r = full.post("/reconcile", data=batch)
        assert r.status_code == 429, r.text
        assert r.headers["retry-after"] == "1"
        assert r.headers["content-type"] == "application/problem+json"
        manifest = full.get("/reconcile")  # the manifest needs no slot
        assert manifest.status_code == 200, manifest.text
    with app_client(sample_store, reconcile_max_concurrent=1) as one:
        again = one.post("/reconcile", data=batch)
        assert again.status_code == 200, again.text
        assert one.post("/reconcile", data=batch).status_code == 200  # the slot was released


def test_suggest_completes_prefixes(client: TestClient) -> None:
    r = client.get("/reconcile/suggest/entity", params={"prefix": "深圳市示例"})
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == "*"
    ids = {s["id"] for s in r.json()["result"]}
    assert ids == {"E900003", "E900007"}
    english = client.get("/reconcile/suggest/entity", params={"prefix": "beijing"}).json()
    assert {s["id"] for s in english["result"]} == {"E900001", "E900008"}


def test_suggest_property_and_type(client: TestClient) -> None:
    props = client.get("/reconcile/suggest/property", params={"prefix": "reg"}).json()
    assert [p["id"] for p in props["result"]] == ["region"]
    types = client.get("/reconcile/suggest/type", params={"prefix": "ent"}).json()
    assert types["result"][0]["id"] == str(LG.Enterprise)


def test_preview_of_unknown_id_is_404(client: TestClient) -> None:
    assert client.get("/reconcile/preview", params={"id": "E999999"}).status_code == 404


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京示例精密机械股份有限公司", "北京示例精密机械有限公司"),
        ("瑞普(天津)生物药业有限公司", "瑞普（天津）生物药业有限公司"),
        ("Example Optoelectronics Co., Ltd.", "EXAMPLE OPTOELECTRONICS COMPANY LIMITED"),
    ],
)
def test_core_name_folds_company_forms_and_brackets(a: str, b: str) -> None:
    assert core_name(a) == core_name(b)
