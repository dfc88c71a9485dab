"""Pages that answer questions, over the shipped dataset, each checked against the endpoint:
a province lists the firms of its planned cities, a batch draws its completeness and counts its
firms by region, a review round lists who passed and who failed, sources say which are
official, and an enterprise's timeline shows when its title ends."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from tests.server.support import app_client, memory_copy, page_links


@pytest.fixture(scope="module")
def curated(curated_source: ox.Store) -> Iterator[TestClient]:
    with app_client(memory_copy(curated_source)) as c:
        yield c


def select(client: TestClient, query: str) -> list[dict[str, str]]:
    answer = client.get("/sparql", params={"query": query, "format": "json"})
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]


def path(iri: str) -> str:
    return "/" + iri.split("/", 3)[3].split("/", 1)[1] if "w3id.org" in iri else iri


def test_a_province_lists_the_firms_of_its_planned_cities(curated: TestClient) -> None:
    rows = select(
        curated,
        "SELECT ?p ?e WHERE { ?c lg:withinProvince ?p . ?e lg:reportingRegion ?c }",
    )
    assert rows, "the shipped data has firms in a separately-planned city"
    province = rows[0]["p"]
    links = page_links(curated.get(path(province) + ".html", params={"lang": "en"}).text)
    for row in rows:
        if row["p"] == province:
            assert path(row["e"]) in links


def test_region_page_shows_batch_and_status(curated: TestClient) -> None:
    html = curated.get("/id/province/330000.html", params={"lang": "en"}).text
    assert "/id/batch/" in html
    assert re.search(r"<td>(Active|Expired|Revoked|Not renewed|unknown)<br>", html)


def test_batch_page_draws_completeness_and_counts_by_region(curated: TestClient) -> None:
    rows = select(
        curated,
        """SELECT ?b ?declared (COUNT(DISTINCT ?e) AS ?known) WHERE {
          ?b lg:declaredCount ?declared . ?d lg:batch ?b ; lg:holder ?e
        } GROUP BY ?b ?declared""",
    )
    assert rows
    for row in rows:
        html = curated.get(path(row["b"]) + ".html").text
        meter = re.search(r'<meter min="0" max="(\d+)" value="(\d+)"', html)
        assert meter is not None
        assert meter.groups() == (row["declared"], row["known"])
        section = html.split('id="by-region"', 1)[1].split("</section>", 1)[0]
        counts = [int(n) for n in re.findall(r"</td><td>(\d+)</td></tr>", section)]
        assert sum(counts) >= int(row["known"])  # a firm in two regions counts in each


def test_review_round_lists_passed_and_failed(curated: TestClient) -> None:
    rows = select(
        curated,
        """SELECT ?round ?kind ?e WHERE {
          ?ev lg:reviewRound ?round ; a ?kind ; lg:designation/lg:holder ?e .
          VALUES ?kind { lg:ReviewPassed lg:ReviewFailed } }""",
    )
    assert rows
    for round_iri in {r["round"] for r in rows}:
        html = curated.get(path(round_iri) + ".html", params={"lang": "en"}).text
        for kind, anchor in (("ReviewPassed", 'id="passed"'), ("ReviewFailed", 'id="failed"')):
            section = html.split(anchor, 1)[1].split("</section>", 1)[0]
            expected = {
                path(r["e"]) for r in rows if r["round"] == round_iri and r["kind"].endswith(kind)
            }
            shown = {link for link in page_links(section) if "/id/enterprise/" in link}
            assert shown == expected, (round_iri, kind)


def test_sources_official_first_and_marked(curated: TestClient) -> None:
    rows = select(
        curated,
        """SELECT ?e WHERE { ?d lg:holder ?e ; dcterms:source ?s
          FILTER (CONTAINS(STR(?s), ".gov.cn/")) } LIMIT 3""",
    )
    assert rows
    for row in rows:
        html = curated.get(path(row["e"]) + ".html", params={"lang": "en"}).text
        section = html.split('id="sources"', 1)[1].split("</section>", 1)[0]
        kinds = re.findall(r'<span class="source-kind">(\w+)</span> <a href="([^"]+)"', section)
        assert kinds[0][0] == "official"
        assert ".gov.cn" in kinds[0][1]
        marks = [k for k, _ in kinds]
        assert marks == sorted(marks, key=lambda k: k != "official")
        for kind, url in kinds:
            assert (kind == "official") == (".gov.cn" in url.split("/")[2])


def test_enterprise_timeline_shows_when_the_title_ends(curated: TestClient) -> None:
    rows = select(
        curated,
        """SELECT ?e (MAX(?u) AS ?end) WHERE {
          ?d lg:holder ?e .
          { ?d lg:validUntil ?u }
          UNION { ?r lg:designation ?d ; a lg:ReviewPassed ; lg:validUntil ?u }
          FILTER NOT EXISTS { ?x lg:designation ?d ; a ?k
                              VALUES ?k { lg:Revocation lg:ReviewFailed } }
        } GROUP BY ?e LIMIT 3""",
    )
    assert rows
    for row in rows:
        html = curated.get(path(row["e"]) + ".html", params={"lang": "en"}).text
        timeline = html.split('id="timeline"', 1)[1].split("</section>", 1)[0]
        assert f'<time datetime="{row["end"]}">' in timeline
        assert "Title ends" in timeline
