"""``/search`` and ``/api/suggest`` over the shipped dataset: every firm is found from part of its
name, from its name without the place or the brackets, and from its credit code."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from server.search import plain
from tests.server.support import app_client, memory_copy, page_links

LG = "https://w3id.org/littlegiant/ontology#"


@pytest.fixture(scope="module")
def curated(curated_source: ox.Store) -> Iterator[TestClient]:
    with app_client(memory_copy(curated_source)) as c:
        yield c


def names(client: TestClient, prop: str = "legalName") -> dict[str, str]:
    """Each enterprise's (first) value of ``prop``, from the endpoint."""
    query = f"SELECT ?e (MIN(?n) AS ?name) WHERE {{ ?e lg:{prop} ?n }} GROUP BY ?e"
    answer = client.get("/sparql", params={"query": query, "format": "json"})
    return {b["e"]["value"]: b["name"]["value"] for b in answer.json()["results"]["bindings"]}


def suggested(client: TestClient, q: str, limit: int = 50) -> list[dict[str, object]]:
    answer = client.get("/api/suggest", params={"q": q, "limit": limit})
    assert answer.status_code == 200
    return answer.json()["results"]


def test_every_firm_is_found_from_the_middle_of_its_name(curated: TestClient) -> None:
    firms = names(curated)
    assert len(firms) > 20
    for iri, name in firms.items():
        core = plain(name)
        part = core[2:6] if len(core) > 6 else core
        found = [r["iri"] for r in suggested(curated, part)]
        assert iri in found, (name, part)


def test_a_prefix_ranks_names_starting_with_it_first(curated: TestClient) -> None:
    firms = names(curated)
    # how many names start with each of the first two characters any name starts with
    count = Counter(plain(n)[:2] for n in firms.values())
    # the most common first two characters that one page of 50 suggestions can hold
    prefix = max((p for p in count if count[p] <= 40), key=lambda p: count[p])
    starting = {i for i, n in firms.items() if plain(n).startswith(prefix)}
    # a former name starting with it counts too (宇恒电池有限公司, formerly 浙江凯恩电池有限公司)
    starting |= {i for i, n in names(curated, "formerName").items() if plain(n).startswith(prefix)}
    results = suggested(curated, prefix)
    assert {r["iri"] for r in results[: len(starting)]} == starting


def test_short_names_without_the_place(curated: TestClient) -> None:
    firms = names(curated)
    places = ("北京", "天津", "宁波", "浙江", "江苏", "深圳", "广东", "湖北", "山西")
    tried = 0
    for iri, name in firms.items():
        place = next((p for p in places if name.startswith(p)), None)
        if place is None:
            continue
        short = name[len(place) : len(place) + 4]
        results = suggested(curated, short)
        assert iri in [r["iri"] for r in results], (name, short)
        tried += 1
    assert tried >= 3


def test_names_with_or_without_brackets(curated: TestClient) -> None:
    bracketed = {i: n for i, n in names(curated).items() if re.search(r"[(（]", n)}
    assert bracketed
    for iri, name in bracketed.items():
        without_part = re.sub(r"[(（][^)）]*[)）]", "", name)
        without_marks = re.sub(r"[()（）]", "", name)
        for q in (without_part, without_marks):
            assert suggested(curated, q)[0]["iri"] == iri, (name, q)


def test_credit_codes_whole_or_their_start(client: TestClient) -> None:
    """Over the synthetic sample: the shipped data states no credit code yet."""
    codes = names(client, "uscc")
    assert codes
    for iri, code in codes.items():
        assert suggested(client, code)[0]["iri"] == iri
        assert suggested(client, code.lower())[0]["iri"] == iri
        assert iri in [r["iri"] for r in suggested(client, code[:10])]


def test_suggest_answers_key_iri_name_region_batch(curated: TestClient) -> None:
    results = suggested(curated, "科技", limit=5)
    assert 0 < len(results) <= 5
    for r in results:
        assert {"key", "iri", "name", "region", "batch"} <= r.keys()
        assert str(r["iri"]).endswith("/" + str(r["key"]))
    assert curated.get("/api/suggest", params={"q": "x", "limit": 0}).status_code in (400, 422)


def test_search_page_lists_firms_with_region_batch_and_status(curated: TestClient) -> None:
    answer = curated.get("/search", params={"q": "宁波", "lang": "en"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    firms = [link for link in page_links(html) if "/id/enterprise/" in link]
    assert firms
    assert "/id/region/330200" in page_links(html)
    assert "batch" in html
    assert re.search(r"Active|Expired|Not renewed|Revoked|[Uu]nknown", html)  # a status on the day


def test_search_page_without_a_query_is_the_form(curated: TestClient) -> None:
    answer = curated.get("/search")
    assert answer.status_code == 200
    assert 'name="q"' in answer.text
    assert "/id/enterprise/" not in answer.text
