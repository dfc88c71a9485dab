"""Data extension, property proposals, substring suggest and preview, called as OpenRefine calls
them ("add columns from reconciled values": manifest → propose → POST ``extend=``)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

LG = "https://w3id.org/littlegiant/ontology#"


def label(client: TestClient, iri: str, lang: str = "zh") -> str:
    """A term's label as the store holds it (the ontology labels the statuses)."""
    query = (
        f"SELECT ?l WHERE {{ <{iri}> rdfs:label|skos:prefLabel ?l "
        f'FILTER (LANGMATCHES(LANG(?l), "{lang}")) }} LIMIT 1'
    )
    answer = client.get("/sparql", params={"query": query, "format": "json"}).json()
    return answer["results"]["bindings"][0]["l"]["value"]


def extend(client: TestClient, request: dict, **params: str) -> dict:
    answer = client.post(
        "/reconcile", params=params, data={"extend": json.dumps(request, ensure_ascii=False)}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_manifest_offers_extension(client: TestClient) -> None:
    manifest = client.get("/reconcile").json()
    propose = manifest["extend"]["propose_properties"]
    assert propose["service_path"] == "/reconcile/extend/propose"
    assert [s["name"] for s in manifest["extend"]["property_settings"]] == ["asOf"]
    answer = client.get(propose["service_path"], params={"type": f"{LG}Enterprise"}).json()
    offered = {p["id"] for p in answer["properties"]}
    assert {"region", "batch", "tier", "uscc", "status", "lists"} <= offered
    assert answer["type"] == f"{LG}Enterprise"


def test_openrefine_adds_columns(client: TestClient) -> None:
    ids = ["E900004", "E900001"]
    props = ["region", "province", "batch", "tier", "uscc", "lists"]
    answer = extend(client, {"ids": ids, "properties": [{"id": p} for p in props]})
    assert [m["id"] for m in answer["meta"]] == props
    ningbo = answer["rows"]["E900004"]
    assert ningbo["region"] == [
        {"id": "https://w3id.org/littlegiant/id/region/330200", "name": "宁波市"}
    ]
    assert ningbo["province"][0]["name"] == "浙江省"  # a planned city rolls up to its province
    assert ningbo["uscc"] == [{"str": "91330200MA2DDDDD3J"}]
    assert ningbo["tier"][0]["name"] == label(client, f"{LG}LittleGiant")
    assert ningbo["batch"][0]["id"].endswith("/id/batch/1")
    assert ningbo["lists"]
    assert all(c["id"].startswith("https://") for c in ningbo["lists"])
    for cells in answer["rows"]["E900001"].values():
        for cell in cells:
            assert cell.get("name", cell.get("str")), cell  # labels, never empty


def test_labels_in_english_when_asked(client: TestClient) -> None:
    answer = extend(client, {"ids": ["E900004"], "properties": [{"id": "region"}]}, lang="en")
    assert answer["rows"]["E900004"]["region"][0]["name"] == "Ningbo"


def test_status_on_the_date_asked(client: TestClient) -> None:
    def status(day: str) -> list[str]:
        request = {"ids": ["E900004"], "properties": [{"id": "status", "settings": {"asOf": day}}]}
        return [c["str"] for c in extend(client, request)["rows"]["E900004"]["status"]]

    active, revoked = label(client, f"{LG}StatusActive"), label(client, f"{LG}StatusRevoked")
    assert any(s.endswith(active) for s in status("2020-01-01"))
    assert any(s.endswith(revoked) for s in status("2021-06-01"))  # revoked on 2021-03-01


def test_unknown_ids_get_empty_cells_and_bad_requests_a_clear_error(client: TestClient) -> None:
    answer = extend(client, {"ids": ["E999999"], "properties": [{"id": "region"}]})
    assert answer["rows"] == {"E999999": {"region": []}}
    for bad in (
        {"ids": ["E900004"], "properties": [{"id": "colour"}]},
        {"ids": "E900004", "properties": [{"id": "region"}]},
        {"ids": ["E900004"], "properties": [{"id": "status", "settings": {"asOf": "soon"}}]},
    ):
        r = client.post("/reconcile", data={"extend": json.dumps(bad)})
        assert r.status_code == 400, r.text
        assert r.headers["content-type"].startswith("application/problem+json")


def test_suggest_finds_substrings_and_describes_by_region_and_batch(client: TestClient) -> None:
    found = client.get("/reconcile/suggest/entity", params={"prefix": "示例液压"}).json()["result"]
    assert found[0]["id"] == "E900004"
    assert "宁波市" in found[0]["description"]
    assert "E900004" not in found[0]["description"]


def test_preview_shows_labels_not_codes(client: TestClient) -> None:
    html = client.get("/reconcile/preview", params={"id": "E900004"}).text
    assert "宁波市" in html
    assert "<dd>330200</dd>" not in html  # the code may appear only inside the credit code
