"""What catalogues and crawlers read in schema.org: ``/dataset`` as a ``Dataset`` in each language
that says what the VoID / DCAT description says (title, licence, publisher, period, download), on
a page whose words are all in the reader's language; a batch as an ``ItemList`` of named pages."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef

from ontology.namespaces import DCAT, DCTERMS, FOAF, LG, SPDX
from tests.server.support import BASE

DATASET = URIRef(f"{BASE}/dataset")
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
DATED = (LG.datePublished, LG.announcementDate, LG.eventDate)
LANGS = ("zh", "en")


def schema_dataset(html: str) -> dict:
    """The page's embedded schema.org Dataset."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    [node] = [n for n in map(json.loads, blocks) if n.get("@type") == "Dataset"]
    return node


@pytest.fixture(scope="module")
def dcat(client: TestClient) -> Graph:
    return Graph().parse(data=client.get("/dataset.ttl").text, format="turtle")


@pytest.fixture(scope="module", params=LANGS)
def page(request: pytest.FixtureRequest, client: TestClient) -> tuple[str, dict]:
    lang = request.param
    r = client.get("/dataset", params={"lang": lang}, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    return lang, schema_dataset(r.text)


def in_lang(g: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    [value] = [o for o in g.objects(subject, predicate) if getattr(o, "language", None) == lang]
    return str(value)


def test_names_the_dataset_canonically_and_titles_it_in_the_page_language(
    page: tuple[str, dict], dcat: Graph
) -> None:
    lang, node = page
    assert node["@id"] == str(DATASET)
    assert node["name"] == in_lang(dcat, DATASET, DCTERMS.title, lang)
    assert node["url"] == f"http://testserver/dataset.html?lang={lang}"
    assert node["description"] == str(dcat.value(DATASET, DCTERMS.description))


def test_licence_is_the_datas(page: tuple[str, dict], dcat: Graph) -> None:
    assert page[1]["license"] == str(dcat.value(DATASET, DCTERMS.license))


@pytest.mark.parametrize("role", ["creator", "publisher"])
def test_creator_and_publisher_are_the_dcat_publisher(
    page: tuple[str, dict], dcat: Graph, role: str
) -> None:
    lang, node = page
    publisher = dcat.value(DATASET, DCTERMS.publisher)
    assert node[role]["@id"] == str(publisher)
    assert node[role]["name"] == in_lang(dcat, publisher, FOAF.name, lang)


def test_temporal_coverage_spans_the_dates_in_the_data(
    page: tuple[str, dict], dcat: Graph, sample_source: ox.Store
) -> None:
    dates = sorted(
        q.object.value
        for p in DATED
        for q in sample_source.quads_for_pattern(None, ox.NamedNode(str(p)), None)
        if isinstance(q.object, ox.Literal) and q.object.datatype.value == XSD_DATE
    )
    assert dates
    period = dcat.value(DATASET, DCTERMS.temporal)
    assert dcat.value(period, DCAT.startDate) == Literal(dates[0], datatype=URIRef(XSD_DATE))
    assert dcat.value(period, DCAT.endDate) == Literal(dates[-1], datatype=URIRef(XSD_DATE))
    assert page[1]["temporalCoverage"] == f"{dates[0]}/{dates[-1]}"


def test_spatial_coverage_is_china(page: tuple[str, dict]) -> None:
    place = page[1]["spatialCoverage"]
    assert (place["@type"], place["identifier"]) == ("Country", "CN")


def test_distribution_is_the_dcat_download_with_size_and_checksum(
    page: tuple[str, dict], dcat: Graph
) -> None:
    [download] = page[1]["distribution"]
    [dump] = [
        d for d in dcat.objects(DATASET, DCAT.distribution) if dcat.value(d, DCAT.downloadURL)
    ]
    assert download["@type"] == "DataDownload"
    assert download["contentUrl"] == str(dcat.value(dump, DCAT.downloadURL))
    assert download["contentUrl"].startswith("http://testserver/dumps/")
    assert download["contentSize"] == f"{dcat.value(dump, DCAT.byteSize)} B"
    checksum = dcat.value(dump, SPDX.checksum)
    assert download["sha256"] == str(dcat.value(checksum, SPDX.checksumValue))
    assert download["encodingFormat"] == "application/n-quads"


# the dataset page's own words, which must not show on the page in the other language
OWN_WORDS = {
    "zh": ("主语", "属性", "四元组", "字节", "数据下载"),
    "en": ("Subject", "Property", "quads", "bytes", "Data and dumps"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_speaks_one_language(client: TestClient, lang: str) -> None:
    html = client.get("/dataset.html", params={"lang": lang}).text
    other = "en" if lang == "zh" else "zh"
    assert [w for w in OWN_WORDS[lang] if w not in html] == []
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    words = re.sub(r"<(script|code|td)\b.*?</\1>", "", body, flags=re.S)  # data, not UI
    assert [w for w in OWN_WORDS[other] if re.search(rf">[^<]*\b{w}\b", words)] == []


# -- a batch as a schema.org ItemList


@pytest.mark.parametrize("lang", LANGS)
def test_batch_list_items_have_name_and_page_and_count_the_known(
    client: TestClient, sample_source: ox.Store, lang: str
) -> None:
    batch = f"{BASE}/id/batch/1"
    html = client.get("/id/batch/1.html", params={"lang": lang}).text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    [node] = [n for n in map(json.loads, blocks) if n.get("@type") == "ItemList"]
    holders = {
        row["e"].value
        for row in sample_source.query(
            f"SELECT DISTINCT ?e WHERE {{ GRAPH ?g {{ ?d <{LG.batch}> <{batch}> ; "
            f"<{LG.holder}> ?e }} }}"
        )
    }
    assert node["numberOfItems"] == len(holders) > 0
    items = node["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(holders) + 1))
    assert {i["item"]["@id"] for i in items} == holders
    for item in items:
        path = item["item"]["@id"].removeprefix(BASE)
        assert item["url"] == f"http://testserver{path}.html?lang={lang}"
        assert item["name"]
        assert item["name"] == item["item"]["name"]
