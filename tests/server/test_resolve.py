"""Dereferencing IRIs: negotiation, format URLs, validators, 404/406, pages and their schema.org."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re

import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ontology.iris import Iris
from ontology.namespaces import LG, OWL
from ontology.store import EmbeddedStore
from ontology.temporal import holds_on
from tests.server.support import (
    BASE,
    app_client,
    jsonld_graph,
    page_facts,
    page_links,
    turtle_graph,
)

E1 = f"{BASE}/id/enterprise/E900001"

RESOURCES = [
    "/id/enterprise/E900001",
    "/id/enterprise/E900009",
    "/id/province/110000",
    "/id/region/440300",
    "/id/authority/example-ministry",
    "/id/batch/1",
    "/id/document/slqh-2019-1",
    "/id/designation/E900002-little-giant-1",
    "/id/event/revocation/E900004-little-giant-1/2021-03-01",
    "/id/claim/00000000000000a1",
    "/graph/enterprises",
]
RDF_FORMATS = [
    ("ttl", "text/turtle"),
    ("nt", "application/n-triples"),
    ("rdf", "application/rdf+xml"),
]


@pytest.mark.parametrize("path", RESOURCES)
def test_negotiated_jsonld_expands_to_the_turtle_triples(client: TestClient, path: str) -> None:
    ttl = client.get(path, headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200, ttl.text
    doc = client.get(path, headers={"Accept": "application/ld+json"})
    assert doc.status_code == 200, doc.text
    assert doc.headers["content-type"].startswith("application/ld+json")
    expected, got = turtle_graph(ttl.text), jsonld_graph(client, doc.json())
    assert len(expected) > 0
    assert isomorphic(expected, got), (len(expected), len(got))


@pytest.mark.parametrize("path", RESOURCES)
@pytest.mark.parametrize(("ext", "media_type"), RDF_FORMATS)
def test_each_format_has_its_own_url(
    client: TestClient, path: str, ext: str, media_type: str
) -> None:
    r = client.get(f"{path}.{ext}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media_type
    fmt = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}[ext]
    assert isomorphic(
        Graph().parse(data=r.text, format=fmt), turtle_graph(client.get(f"{path}.ttl").text)
    )


def test_the_description_is_bounded_and_links_back(client: TestClient) -> None:
    g = turtle_graph(client.get("/id/enterprise/E900001.ttl").text)
    e = URIRef(E1)
    assert (e, LG.legalName, Literal("北京示例精密机械股份有限公司", lang="zh")) in g
    designation = URIRef(f"{BASE}/id/designation/E900001-little-giant-1")
    assert (designation, LG.holder, e) in g  # the incoming arc that makes the record navigable
    assert not list(g.triples((designation, LG.batch, None)))  # but not the designation itself


def test_negotiated_response_names_every_alternate(client: TestClient) -> None:
    r = client.get("/id/batch/1", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    assert "Accept" in r.headers["vary"]
    assert r.headers["content-location"] == "/id/batch/1.ttl"
    links = r.headers["link"]
    for ext, media_type in [("html", "text/html"), ("jsonld", "application/ld+json"), *RDF_FORMATS]:
        assert f'</id/batch/1.{ext}>; rel="alternate"; type="{media_type}"' in links


def test_browsers_get_html_and_curl_gets_html_first(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/id/enterprise/E900001", headers={"Accept": browser})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-location"] == "/id/enterprise/E900001.html"


def test_identifier_answers_200_not_303(client: TestClient) -> None:
    r = client.get(
        "/id/enterprise/E900001", headers={"Accept": "text/turtle"}, follow_redirects=False
    )
    assert r.status_code == 200, r.text
    assert "location" not in r.headers
    assert r.headers["content-location"] == "/id/enterprise/E900001.ttl"
    # the 200 describes the thing itself, not a document about a document
    assert (URIRef(E1), LG.legalName, None) in turtle_graph(r.text)


@pytest.mark.parametrize("path", ["/id/enterprise/E900001", "/id/enterprise/E900001.ttl"])
def test_conditional_get_gives_304(client: TestClient, path: str) -> None:
    first = client.get(path, headers={"Accept": "application/ld+json"})
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    again = client.get(path, headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert again.status_code == 304, again.text
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(path, headers={"Accept": "application/ld+json", "If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304


def test_if_modified_since_uses_the_ingest_time(client: TestClient) -> None:
    r = client.get("/id/enterprise/E900001.ttl")
    modified = email.utils.parsedate_to_datetime(r.headers["last-modified"])
    assert modified == dt.datetime(2024, 3, 4, 5, 6, 7, tzinfo=dt.UTC)  # graph's generatedAtTime
    same = client.get(
        "/id/enterprise/E900001.ttl", headers={"If-Modified-Since": r.headers["last-modified"]}
    )
    assert same.status_code == 304
    older = email.utils.format_datetime(modified - dt.timedelta(days=1), usegmt=True)
    changed = client.get("/id/enterprise/E900001.ttl", headers={"If-Modified-Since": older})
    assert changed.status_code == 200


def test_a_different_representation_has_a_different_etag(client: TestClient) -> None:
    ttl = client.get("/id/enterprise/E900001.ttl").headers["etag"]
    nt = client.get("/id/enterprise/E900001.nt").headers["etag"]
    zh = client.get("/id/enterprise/E900001.html").headers["etag"]
    en = client.get("/id/enterprise/E900001.html", params={"lang": "en"}).headers["etag"]
    assert len({ttl, nt, zh, en}) == 4
    stale = client.get("/id/enterprise/E900001.ttl", headers={"If-None-Match": nt})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        pytest.param("/id/enterprise/E999999", "application/ld+json", id="unknown-key"),
        pytest.param("/id/enterprise/E999999.ttl", None, id="unknown-key-turtle-url"),
        pytest.param("/id/unicorn/1", "text/turtle", id="unknown-kind"),
        pytest.param("/graph/nothing-here", "text/turtle", id="unknown-graph"),
    ],
)
def test_unknown_iri_gets_problem_json_404(
    client: TestClient, path: str, accept: str | None
) -> None:
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 404, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404
    assert "w3id.org/littlegiant" in r.json()["detail"]


def test_unknown_iri_gets_an_html_404_for_browsers(client: TestClient) -> None:
    r = client.get("/id/enterprise/E999999", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert f"{BASE}/id/enterprise/E999999" in r.text


def test_nothing_acceptable_gets_406_listing_offers(client: TestClient) -> None:
    r = client.get("/id/enterprise/E900001", headers={"Accept": "text/csv"})
    assert r.status_code == 406, r.text
    assert "text/turtle" in r.json()["detail"]


def test_unknown_extension_is_404(client: TestClient) -> None:
    r = client.get("/id/enterprise/E900001.json")
    assert r.status_code == 404


def test_head_answers_headers_without_body(client: TestClient) -> None:
    r = client.head("/id/enterprise/E900001.ttl")
    assert r.status_code == 200
    assert r.headers["etag"]
    assert r.content == b""


def test_canonical_iris_are_served_on_any_host(sample_store: EmbeddedStore) -> None:
    """Data holds the canonical base; the app runs on another host and still answers for it."""
    with app_client(sample_store, base_url="http://mirror.test:8080") as c:
        r = c.get("/id/enterprise/E900001.ttl")
        assert r.status_code == 200, r.text
        assert (URIRef(E1), LG.uscc, Literal("91110108MA01AAAA0M")) in turtle_graph(r.text)
        assert r.headers["link"].startswith("</id/enterprise/E900001.html>")


# -- HTML pages and their embedded schema.org JSON-LD

PAGES = [
    ("/id/enterprise/E900001", "Organization"),
    ("/id/enterprise/E900009", "Organization"),
    ("/id/province/110000", "AdministrativeArea"),
    ("/id/region/440300", "AdministrativeArea"),
    ("/id/batch/1", "ItemList"),
    ("/id/document/slqh-2019-1", "Legislation"),
    ("/id/designation/E900001-little-giant-1", "Thing"),
    ("/id/authority/example-ministry", "Thing"),
]


def embedded_jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


@pytest.mark.parametrize(("path", "schema_type"), PAGES)
def test_html_page_embeds_schema_org_naming_its_thing(
    client: TestClient, path: str, schema_type: str
) -> None:
    r = client.get(path + ".html")
    assert r.status_code == 200, r.text
    [data] = embedded_jsonld(r.text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    assert data["@id"] == BASE + path
    assert data["name"]
    assert "<h1" in r.text
    assert data["name"] in r.text
    # the embedded JSON-LD is valid JSON-LD: it expands to triples about the page's thing
    expanded = jsonld.expand({**data, "@context": {"@vocab": "https://schema.org/"}})
    assert expanded[0]["@id"] == BASE + path


def test_enterprise_page_markup(client: TestClient) -> None:
    [data] = embedded_jsonld(client.get("/id/enterprise/E900001.html").text)
    assert data["legalName"] == "北京示例精密机械股份有限公司"
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "https://www.wikidata.org/wiki/Property:P6795",
        "name": "统一社会信用代码 (Unified Social Credit Code, GB 32100-2015)",
        "value": "91110108MA01AAAA0M",
    }
    assert data["taxID"] == "91110108MA01AAAA0M"
    assert data["address"]["addressRegion"] == "北京市"
    [title] = data["hasCertification"]
    assert title["@type"] == "Certification"
    assert title["@id"] == f"{BASE}/id/designation/E900001-little-giant-1"
    assert title["issuedBy"]["@type"] == "GovernmentOrganization"
    assert title["validFrom"]
    assert data["award"]
    assert "Beijing Example Precision Machinery Co., Ltd." in data["alternateName"]


def test_document_page_markup_and_citations_both_ways(client: TestClient) -> None:
    r = client.get("/id/document/slqh-2019-1.html")
    [data] = embedded_jsonld(r.text)
    assert data["legislationIdentifier"] == "示例企函〔2019〕1号"
    assert data["legislationDate"] == "2019-06-05"
    assert data["citation"][0]["@id"] == f"{BASE}/id/document/slqh-2018-5"
    assert "sameAs" not in data  # a page a copy was read from is not the document
    assert {page["@type"] for page in data["subjectOf"]} == {"WebPage"}
    assert 'href="/id/document/slqh-2018-5"' in r.text  # cites
    assert 'href="/id/document/slqh-2020-9"' in r.text  # cited by
    assert 'href="/id/batch/1"' in r.text  # announces
    assert 'href="/id/enterprise/E900001"' in r.text  # the designations it awarded


def test_batch_page_shows_declared_and_known(client: TestClient) -> None:
    r = client.get("/id/batch/1.html", params={"lang": "en"})
    assert r.status_code == 200, r.text
    shown = page_facts(r.text)
    assert shown["Declared count"] == ["7"]
    assert shown["Known in this dataset"] == ["5"]
    [data] = embedded_jsonld(r.text)
    assert data["numberOfItems"] == 5
    assert len(data["itemListElement"]) == 5
    # the disagreeing claim, linked to its source
    assert "http://example.org/synthetic/publicity-1.html" in page_links(r.text)


def test_region_page_lists_its_enterprises_by_batch(client: TestClient) -> None:
    r = client.get("/id/province/110000.html", params={"lang": "en"})
    assert r.status_code == 200
    for key in ("E900001", "E900005", "E900008"):
        assert f'href="/id/enterprise/{key}"' in r.text
    assert "Batch 1" in r.text
    assert "Batch 2" in r.text
    province = client.get("/id/province/440000.html")
    assert province.status_code == 200
    assert 'href="/id/region/440300"' in province.text  # the planned city within it


def test_pages_are_chinese_by_default_and_english_on_request(client: TestClient) -> None:
    zh = client.get("/id/enterprise/E900001.html")
    assert '<html lang="zh-Hans">' in zh.text
    assert "统一社会信用代码" in zh.text
    en = client.get("/id/enterprise/E900001.html", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in en.text
    assert "Unified Social Credit Code" in en.text
    assert "Accept-Language" in en.headers["vary"]
    by_param = client.get(
        "/id/enterprise/E900001.html", params={"lang": "en"}, headers={"Accept-Language": "zh"}
    )
    assert '<html lang="en">' in by_param.text


def test_pages_need_no_javascript(client: TestClient) -> None:
    for path, _ in PAGES:
        html = client.get(path + ".html").text
        assert "<script" not in html.replace('<script type="application/ld+json">', "")


@pytest.mark.parametrize(
    ("key", "as_of", "status"),
    [
        pytest.param("E900004", "2020-06-01", "Active", id="before-revocation"),
        pytest.param("E900004", "2021-06-01", "Revoked", id="after-revocation"),
        pytest.param("E900002", "2024-01-01", "Active", id="renewed-by-review"),
        pytest.param("E900001", "2024-01-01", "Expired", id="expired"),
        pytest.param("E900005", "2022-06-02", "Not renewed", id="review-failed"),
    ],
)
def test_enterprise_status_as_of_a_date(
    client: TestClient, key: str, as_of: str, status: str
) -> None:
    r = client.get(f"/id/enterprise/{key}.html", params={"asOf": as_of, "lang": "en"})
    assert r.status_code == 200, r.text
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", r.text, re.S)
    assert row is not None
    assert f"<td>{status}</td>" in row.group(1)


def test_enterprise_timeline_lists_its_events(client: TestClient) -> None:
    r = client.get("/id/enterprise/E900004.html", params={"lang": "en"})
    assert "2021-03-01" in r.text
    assert "Revocation" in r.text
    assert "a synthetic reason" in r.text


def test_bad_as_of_is_400(client: TestClient) -> None:
    r = client.get("/id/enterprise/E900004.html", params={"asOf": "2021-13-01"})
    assert r.status_code == 400, r.text


def test_holds_on_is_the_readme_definition(sample_store: EmbeddedStore) -> None:
    store = sample_store
    query = f"""SELECT ?d WHERE {{ ?d a <{LG.Designation}> ; <{LG.validFrom}> ?_from .
      {holds_on("2022-01-01")} }}"""
    held = {row["d"].value.rsplit("/", 1)[-1] for row in store.query(query)}
    # E900004 was revoked in 2021; everyone else's title runs on 2022-01-01
    assert held == {
        "E900001-little-giant-1",
        "E900002-little-giant-1",
        "E900003-little-giant-1",
        "E900005-little-giant-1",
        "E900006-little-giant-2",
        "E900007-little-giant-2",
        "E900008-little-giant-2",
        "E900009-little-giant-2",
    }
    later = f"""SELECT ?d WHERE {{ ?d a <{LG.Designation}> ; <{LG.validFrom}> ?_from .
      {holds_on("2023-01-01")} }}"""
    held_later = {row["d"].value.rsplit("/", 1)[-1] for row in store.query(later)}
    assert "E900002-little-giant-1" in held_later  # renewed by review
    assert "E900001-little-giant-1" not in held_later  # expired 2022-06-04
    assert "E900005-little-giant-1" not in held_later  # failed review
    # no end stated: three years by the rule (2022-06-04), then not renewed in the complete
    # 2022 review round
    assert "E900003-little-giant-1" not in held_later


def test_home_page_counts(client: TestClient) -> None:
    r = client.get("/", params={"lang": "en"})
    assert r.status_code == 200
    assert '<a href="/api/enterprises">9</a>' in r.text
    [data] = embedded_jsonld(r.text)
    assert data["@type"] == "Dataset"


def test_home_page_is_built_once_per_state_and_follows_a_commit(
    sample_store: EmbeddedStore,
) -> None:
    """The home page's counts are aggregates over the store, kept per published state: the same
    page until a commit, the new counts right after it, and each host its own links."""
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    new_firm = f"<{BASE}/id/enterprise/E900099> <{rdf_type}> <{LG.Enterprise}> .\n".encode()
    with app_client(sample_store) as c:
        assert '<a href="/api/enterprises">9</a>' in c.get("/", params={"lang": "en"}).text
        with sample_store.transaction() as tx:
            tx.replace_graph(f"{BASE}/graph/test-one-more-firm", new_firm)
        assert '<a href="/api/enterprises">10</a>' in c.get("/", params={"lang": "en"}).text
        here = c.get("/", params={"lang": "en"}).text
        mirror = c.get("http://mirror.test:8080/", params={"lang": "en"}).text
    assert "http://testserver/dumps/" in here
    assert "http://mirror.test:8080/dumps/" in mirror
    assert "http://testserver/" not in mirror


def test_iris_module_parses_what_resolve_serves() -> None:
    assert Iris(BASE).parse(E1) is not None


def test_merged_duplicate_redirects_and_keeps_its_statement(client: TestClient) -> None:
    r = client.get("/id/enterprise/E900010", follow_redirects=False)
    assert r.status_code == 301, r.text
    assert r.headers["location"] == "/id/enterprise/E900001"
    ttl = client.get("/id/enterprise/E900010.ttl")
    assert ttl.status_code == 200
    g = turtle_graph(ttl.text)
    assert (URIRef(f"{BASE}/id/enterprise/E900010"), OWL.sameAs, URIRef(E1)) in g


def test_page_etag_changes_with_as_of(client: TestClient) -> None:
    a = client.get("/id/enterprise/E900004.html", params={"asOf": "2020-06-01"})
    b = client.get("/id/enterprise/E900004.html", params={"asOf": "2021-06-01"})
    assert a.headers["etag"] != b.headers["etag"]
    stale = client.get(
        "/id/enterprise/E900004.html",
        params={"asOf": "2021-06-01"},
        headers={"If-None-Match": a.headers["etag"]},
    )
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("accept", "params", "media_type"),
    [
        pytest.param("application/json", {}, "application/ld+json", id="json-means-json-ld"),
        pytest.param("text/plain", {}, "application/n-triples", id="old-n-triples-type"),
        pytest.param("application/xml", {}, "application/rdf+xml", id="xml-means-rdf-xml"),
        pytest.param(None, {"format": "ttl"}, "text/turtle", id="format-param"),
        pytest.param("text/html", {"format": "jsonld"}, "application/ld+json", id="param-wins"),
        pytest.param("text/turtle;q=0.5, application/ld+json", {}, "application/ld+json", id="q"),
    ],
)
def test_negotiation_table(
    client: TestClient, accept: str | None, params: dict, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get("/id/batch/1", headers=headers, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media_type


def test_unknown_format_param_is_406(client: TestClient) -> None:
    r = client.get("/id/batch/1", params={"format": "csv"})
    assert r.status_code == 406, r.text
