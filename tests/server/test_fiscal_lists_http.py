"""The 2024 fiscal-support lists as the served default dataset shows them: each list's page with
its size and completeness and its rows, an entry, a firm's page citing the official PDF, the
lists in VoID, and the retired key Little Giant designation IRIs answering 301."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, PROV, VOID
from tests.server.support import app_client, memory_copy, turtle_graph

IRIS = Iris()
B1Y3 = "/id/document/keylg-b1-y3-list"
PDF_B1Y3 = (
    "https://www.miit.gov.cn/cms_files/filemanager/1226211233/attach/20244/"
    "bc918b07c4064658955a97246d069c8b.pdf"
)


@pytest.fixture(scope="module")
def curated(curated_source: ox.Store) -> Iterator[TestClient]:
    with app_client(memory_copy(curated_source)) as c:
        yield c


def test_a_list_page_states_its_size_completeness_rows_and_pdf(curated: TestClient) -> None:
    r = curated.get(f"{B1Y3}.html?lang=en")
    assert r.status_code == 200
    page = r.text
    assert '<dd class="list-size">409</dd>' in page
    assert '<dd class="list-known">409 (every firm of the list is in this dataset)' in page
    assert PDF_B1Y3 in page
    assert page.count(f'href="{B1Y3}/entry/') == 409
    assert "第一批第三年" in page


def test_the_list_as_data_states_size_known_count_and_sources(curated: TestClient) -> None:
    g = turtle_graph(curated.get(f"{B1Y3}.ttl").text)
    doc = URIRef(str(IRIS.document("keylg-b1-y3-list")))
    assert (doc, RDF.type, LG.PublishedList) in g
    assert (doc, LG.entryCount, Literal(409, datatype=XSD.integer)) in g
    assert (doc, LG.knownEntryCount, Literal(409, datatype=XSD.integer)) in g
    assert (doc, PROV.hadPrimarySource, URIRef(PDF_B1Y3)) in g
    assert (doc, LG.fiscalBatch, URIRef(str(IRIS.fiscal_batch(1)))) in g


def test_an_entry_is_its_printed_row(curated: TestClient) -> None:
    g = turtle_graph(curated.get(f"{B1Y3}/entry/17.ttl").text)
    entry = URIRef(str(IRIS.list_entry("keylg-b1-y3-list", 17)))
    assert (entry, LG.position, Literal(17, datatype=XSD.integer)) in g
    assert g.value(entry, LG.printedRegion) is not None
    firm = g.value(entry, LG.listedEnterprise)
    assert firm is not None
    page = curated.get(f"{B1Y3}/entry/17.html")
    assert page.status_code == 200
    assert str(g.value(entry, LG.printedName)) in page.text
    assert 'href="/id/document/keylg-b1-y3-list"' in page.text


def test_a_firm_page_shows_its_support_and_the_official_pdf(curated: TestClient) -> None:
    g = turtle_graph(curated.get(f"{B1Y3}/entry/1.ttl").text)
    firm = g.value(URIRef(str(IRIS.list_entry("keylg-b1-y3-list", 1))), LG.listedEnterprise)
    assert firm is not None
    path = IRIS.relative(str(firm))
    page = curated.get(f"{path}.html?lang=en").text
    assert PDF_B1Y3 in page
    assert "Key Little Giants, fiscal-support batch 1" in page
    assert f'href="{B1Y3}/entry/1"' in page


def test_a_firm_page_cites_the_pdfs_of_its_own_lists_alone(
    curated: TestClient, curated_source: ox.Store
) -> None:
    """The three lists were read through one copy; a firm on one list cites that list's PDF,
    not the other two (one firm a list, each the first such firm of its list)."""
    q = f"""SELECT ?l (SAMPLE(?e) AS ?firm) (SAMPLE(?pdf) AS ?own) WHERE {{
      {{ SELECT ?e WHERE {{ ?x <{LG.listedEnterprise}> ?e ; <{LG.inList}> ?any }}
         GROUP BY ?e HAVING (COUNT(DISTINCT ?any) = 1) }}
      ?x <{LG.listedEnterprise}> ?e ; <{LG.inList}> ?l ; <{PROV.hadPrimarySource}> ?pdf
    }} GROUP BY ?l"""
    rows = list(curated_source.query(q))
    assert len(rows) == 3
    pdfs = {r["own"].value for r in rows}  # the three lists' PDFs
    for row in rows:
        page = curated.get(f"{IRIS.relative(row['firm'].value)}.html?lang=en").text
        cited = {pdf for pdf in pdfs if pdf in page}
        assert cited == {row["own"].value}, row["firm"].value


def test_void_states_each_lists_size_and_completeness(curated: TestClient) -> None:
    r = curated.get("/.well-known/void", headers={"Accept": "text/turtle"})
    g = turtle_graph(r.text)
    sizes = {
        str(s).rsplit("/", 1)[-1]: (
            int(str(g.value(s, LG.entryCount))),
            int(str(g.value(s, LG.knownEntryCount))),
        )
        for s in g.subjects(RDF.type, VOID.Dataset)
        if (s, LG.entryCount, None) in g
    }
    assert sizes == {
        "keylg-b1-y3-list": (409, 409),
        "keylg-b2-y3-list": (381, 381),
        "keylg-b3-y2-list": (398, 398),
    }
    doc = URIRef(str(IRIS.document("keylg-b1-y3-list")))
    size, known = g.value(doc, LG.entryCount), g.value(doc, LG.knownEntryCount)
    assert isinstance(size, Literal)
    assert isinstance(known, Literal)
    assert size.datatype == known.datatype == XSD.nonNegativeInteger
    # the official PDF the list is, and the copy it was read through
    assert (doc, PROV.hadPrimarySource, URIRef(PDF_B1Y3)) in g
    assert g.value(doc, DCTERMS.source) is not None
    graphs = [s for s in g.subjects(PROV.hadPrimarySource, URIRef(PDF_B1Y3)) if s != doc]
    assert graphs, "the list's graph names the PDF its copy was made from"
    # one copy holds the three lists: each list's graph names its own PDF alone
    for graph in graphs:
        assert set(g.objects(graph, PROV.hadPrimarySource)) == {URIRef(PDF_B1Y3)}, graph


def test_a_retired_key_little_giant_designation_answers_301(
    curated: TestClient, curated_source: ox.Store
) -> None:
    old = next(
        q
        for q in curated_source.quads_for_pattern(
            None, ox.NamedNode(str(DCTERMS.isReplacedBy)), None
        )
        if "-key-little-giant-2-2" in str(q.subject)
    )
    assert isinstance(old.subject, ox.NamedNode)
    assert isinstance(old.object, ox.NamedNode)
    r = curated.get(str(IRIS.relative(old.subject.value)), follow_redirects=False)
    assert r.status_code == 301, r.text
    assert r.headers["location"] == IRIS.relative(old.object.value)
    assert "/id/support/" in r.headers["location"]
    assert curated.get(r.headers["location"] + ".ttl").status_code == 200
