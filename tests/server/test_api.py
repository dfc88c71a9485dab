"""JSON-LD collections: filters, keyset pages with Hydra views and Link: next, negotiation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from ontology.namespaces import HYDRA, LG
from ontology.store import EmbeddedStore
from server.state import PerGeneration
from tests.server.support import BASE, app_client, jsonld_graph


def collection_node(doc: dict) -> dict:
    [node] = [n for n in doc["@graph"] if n.get("type") == "Collection"]
    return node


def members(client: TestClient, path: str, **params: str) -> list[str]:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    member = collection_node(r.json()).get("member", [])
    return sorted(k.rsplit("/", 1)[-1] for k in ([member] if isinstance(member, str) else member))


def test_collection_is_hydra_jsonld_with_our_context(client: TestClient) -> None:
    r = client.get("/api/enterprises")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@context"][0] == "http://testserver/ns/context/0.2.0.jsonld"
    coll = collection_node(doc)
    assert coll["totalItems"] == 9
    assert len(coll["member"]) == 9


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"region": "110000"}, ["E900001", "E900005", "E900008"], id="region-code"),
        pytest.param({"region": "Beijing"}, ["E900001", "E900005", "E900008"], id="region-en"),
        pytest.param({"region": "广东省"}, ["E900003", "E900007"], id="province-with-city"),
        pytest.param({"region": "深圳"}, ["E900003", "E900007"], id="planned-city"),
        pytest.param({"batch": "2"}, ["E900006", "E900007", "E900008", "E900009"], id="batch"),
        pytest.param({"tier": "little-giant", "batch": "1"},
                     ["E900001", "E900002", "E900003", "E900004", "E900005"], id="tier"),
        pytest.param({"tier": "key-little-giant"}, [], id="no-key-little-giants"),
        pytest.param({"q": "示例新材料"}, ["E900005", "E900006"], id="name-substring"),
        pytest.param({"q": "optoelectronics"}, ["E900009"], id="english-substring"),
        pytest.param({"status": "revoked", "asOf": "2021-06-01"}, ["E900004"], id="revoked"),
        pytest.param({"status": "not-renewed", "asOf": "2022-07-01"}, ["E900005"],
                     id="not-renewed"),
        pytest.param({"status": "active", "asOf": "2023-01-01", "batch": "1"},
                     ["E900002"], id="active-in-batch"),
        pytest.param({"status": "expired", "asOf": "2023-01-01"}, ["E900001", "E900003"],
                     id="expired-after-a-complete-review"),
        pytest.param({"status": "unknown", "asOf": "2024-01-01"},
                     ["E900006", "E900007", "E900008", "E900009"], id="unknown-when-silent"),
        pytest.param({"status": "active", "asOf": "2010-01-01"}, [], id="none-before-start"),
        pytest.param({"asOf": "2020-01-01"},
                     ["E900001", "E900002", "E900003", "E900004", "E900005"], id="held-on-date"),
    ],
)  # fmt: skip
def test_enterprise_filters(client: TestClient, params: dict, expected: list[str]) -> None:
    assert members(client, "/api/enterprises", **params) == expected


def _observed(client: TestClient, params: dict[str, str], designation: str) -> list[dict]:
    r = client.get("/api/enterprises", params=params)
    assert r.status_code == 200, r.text
    return [
        n
        for n in r.json()["@graph"]
        if n.get("type") == "StatusObservation" and n.get("designation") == designation
    ]


def test_members_carry_status_on_the_date_as_dated_observations(client: TestClient) -> None:
    """Issue 10: the API's status is an lg:StatusObservation with its lg:onDate, never a bare
    lg:status of the designation (which would turn false the day the title ends)."""
    d = f"{BASE}/id/designation/E900004-little-giant-1"
    later = _observed(client, {"status": "revoked", "asOf": "2021-06-01"}, d)
    assert [(o["lgStatus"], o["onDate"]) for o in later] == [(["StatusRevoked"], "2021-06-01")]
    earlier = _observed(client, {"q": "宁波", "asOf": "2020-06-01"}, d)
    assert [(o["lgStatus"], o["onDate"]) for o in earlier] == [(["StatusActive"], "2020-06-01")]
    r = client.get("/api/enterprises", params={"asOf": "2020-06-01"})
    assert all("lgStatus" not in n for n in r.json()["@graph"] if n.get("type") == "Designation")


def test_keyset_pages_walk_the_whole_collection(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/api/enterprises?limit=4"
    pages = 0
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        doc = r.json()
        coll = collection_node(doc)
        seen += coll["member"] if isinstance(coll["member"], list) else [coll["member"]]
        [view] = [n for n in doc["@graph"] if n.get("type") == "PartialCollectionView"]
        link = r.headers["link"]
        if "next" in view:
            assert view["next"].startswith("http://testserver/api/")  # where it was served
            assert f'<{view["next"].removeprefix(BASE)}>; rel="next"' in link
            url = view["next"].removeprefix(BASE)
        else:
            assert 'rel="next"' not in link
            url = None
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 9
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        pytest.param("/api/enterprises", {"status": "sleeping"}, id="unknown-status"),
        pytest.param("/api/enterprises", {"asOf": "yesterday"}, id="bad-date"),
        pytest.param("/api/enterprises", {"region": "Atlantis"}, id="unknown-region"),
        pytest.param("/api/enterprises", {"region": "https://elsewhere.org/x"}, id="foreign-iri"),
        pytest.param("/api/enterprises", {"batch": "first"}, id="bad-batch"),
        pytest.param("/api/enterprises", {"tier": "gold"}, id="unknown-tier"),
        pytest.param("/api/enterprises", {"after": "E900001"}, id="after-not-an-iri"),
        pytest.param("/api/regions", {"status": "active"}, id="filter-not-offered"),
        pytest.param("/api/enterprises", {"limit": "0"}, id="limit-too-small"),
        pytest.param("/api/enterprises", {"limit": "100000"}, id="limit-too-large"),
    ],
)
def test_bad_filters_are_4xx_with_a_reason(client: TestClient, path: str, params: dict) -> None:
    r = client.get(path, params=params)
    assert r.status_code in (400, 422), r.text
    assert r.json()["detail"]


def test_injection_in_q_is_just_text(client: TestClient) -> None:
    r = client.get("/api/enterprises", params={"q": '") } ?e ?p ?o { FILTER("'})
    assert r.status_code == 200, r.text
    assert collection_node(r.json()).get("member") is None


@pytest.mark.parametrize(
    ("path", "params", "count"),
    [
        ("/api/documents", {}, 3),
        ("/api/documents", {"batch": "1"}, 1),
        ("/api/documents", {"q": "2018"}, 1),
        ("/api/batches", {}, 2),
        ("/api/batches", {"tier": "little-giant"}, 2),
        ("/api/regions", {}, 7),
        ("/api/regions", {"q": "shen"}, 1),
    ],
)
def test_other_collections(client: TestClient, path: str, params: dict, count: int) -> None:
    assert len(members(client, path, **params)) == count


@pytest.mark.parametrize("path", ["/api/enterprises?limit=3", "/api/documents", "/api/regions"])
def test_collection_jsonld_expands_to_the_turtle_triples(client: TestClient, path: str) -> None:
    doc = client.get(path, headers={"Accept": "application/ld+json"}).json()
    ttl = client.get(path, headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200
    assert ttl.headers["vary"] == "Accept"
    turtle = Graph().parse(data=ttl.text, format="turtle")
    assert isomorphic(jsonld_graph(client, doc), turtle)
    assert list(turtle.subjects(HYDRA.member, None))


def test_collection_conditional_get(client: TestClient) -> None:
    r = client.get("/api/batches")
    again = client.get("/api/batches", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_openapi_documents_the_collections(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/enterprises"]["get"]["parameters"]}
    assert {"region", "batch", "tier", "status", "q", "asOf", "after", "limit"} <= params
    assert client.get("/docs").status_code == 200


def test_openapi_documents_the_redirects_the_lookups_answer(client: TestClient) -> None:
    """What a lookup answers is in the document (schemathesis found an undocumented 303)."""
    paths = client.get("/openapi.json").json()["paths"]
    assert {"303", "300"} <= paths["/id/name/{name}"]["get"]["responses"].keys()
    assert "303" in paths["/id/uscc/{code}"]["get"]["responses"]
    assert "301" in paths["/id/{kind}/{local}"]["get"]["responses"]
    found = client.get("/id/name/示例(上海)生物科技有限公司", follow_redirects=False)
    shared = client.get("/id/name/示例新材料有限公司", follow_redirects=False)
    assert (found.status_code, shared.status_code) == (303, 300)


def test_enterprise_member_keeps_its_types(client: TestClient) -> None:
    ttl = client.get("/api/enterprises", params={"limit": 1}, headers={"Accept": "text/turtle"})
    g = Graph().parse(data=ttl.text, format="turtle")
    e = URIRef(f"{BASE}/id/enterprise/E900001")
    assert (e, None, LG.Enterprise) in g


def test_browsers_get_an_html_list_and_data_clients_json_ld(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/api/enterprises", params={"limit": 4}, headers={"Accept": browser})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert 'href="/id/enterprise/E900001"' in r.text
    assert 'rel="next"' in r.text
    anything = client.get("/api/enterprises", headers={"Accept": "*/*"})
    assert anything.headers["content-type"].startswith("application/ld+json")


def test_a_total_is_kept_per_state_and_filter_and_follows_a_commit(
    sample_store: EmbeddedStore,
) -> None:
    """``totalItems`` counts every member the filters select (seconds on a large store): kept
    per published state and filter, it still changes with a commit and with the filter."""
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    new_firm = f"<{BASE}/id/enterprise/E900099> <{rdf_type}> <{LG.Enterprise}> .\n".encode()

    def total(c: TestClient, **params: str) -> int:
        r = c.get("/api/enterprises", params={"limit": "1", **params})
        assert r.status_code == 200, r.text
        return int(collection_node(r.json())["totalItems"])

    with app_client(sample_store) as c:
        assert total(c) == total(c) == 9
        beijing = total(c, region="110000")
        assert beijing < 9
        with sample_store.transaction() as tx:
            tx.replace_graph(f"{BASE}/graph/test-one-more-firm", new_firm)
        assert total(c) == 10
        assert total(c, region="110000") == beijing  # the new firm has no region


def test_a_family_of_kept_values_is_bounded(sample_store: EmbeddedStore) -> None:
    """Requests with ever new parameters cannot grow the per-state cache without bound."""
    kept = PerGeneration(sample_store)
    built: list[str] = []

    def build(key: str) -> str:
        built.append(key)
        return key.upper()

    for key in ["a", "b", "c", "a", "b", "c"]:
        assert kept.get_keyed("total", key, lambda k=key: build(k), most=2) == key.upper()
    assert built == ["a", "b", "c", "c"]  # a and b kept; c, past the bound, built each time
