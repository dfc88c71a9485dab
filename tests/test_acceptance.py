"""The foundation's promises, checked end to end over the default dataset and the real app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib import Graph, Literal, URIRef

from ontology.namespaces import LG
from ontology.settings import Settings
from ontology.store import open_store
from server.app import create_app
from tests.conftest import home_copy

BASE = "https://w3id.org/littlegiant"
PREFIX = "PREFIX lg: <https://w3id.org/littlegiant/ontology#>\n"


@pytest.fixture(scope="module")
def client(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over a copy of the store ``littlegiant build`` wrote (tests/conftest.py)."""
    home = home_copy(built_home, tmp_path_factory.mktemp("acceptance") / "home")
    settings = Settings(base_uri=BASE, store=home / "store", registry=home / "registry")
    store = open_store(settings.store)
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def select(client: TestClient, query: str) -> list[dict[str, dict[str, str]]]:
    r = client.get(
        "/sparql",
        params={"query": PREFIX + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def test_legal_name_belongs_to_an_enterprise_iri(client: TestClient) -> None:
    rows = select(client, 'SELECT ?e WHERE { ?e lg:legalName "北京臻迪科技股份有限公司"@zh }')
    assert len(rows) == 1
    assert rows[0]["e"]["value"].startswith(f"{BASE}/id/enterprise/")


def test_notice_153_cites_381(client: TestClient) -> None:
    rows = select(
        client,
        'SELECT ?d WHERE { ?d lg:documentNumber "工信部企业函〔2019〕153号" ; lg:cites ?c .'
        ' ?c lg:documentNumber "工信厅企业函〔2018〕381号" }',
    )
    assert len(rows) == 1


def test_batch_one_declares_248(client: TestClient) -> None:
    rows = select(client, "SELECT ?n WHERE { ?b a lg:Batch ; lg:ordinal 1 ; lg:declaredCount ?n }")
    assert [r["n"]["value"] for r in rows] == ["248"]


def test_every_named_graph_is_described_with_prov(client: TestClient) -> None:
    graphs = select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert len(graphs) >= 5
    described = select(
        client,
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        "SELECT ?g WHERE { GRAPH ?g { ?g lg:sha256 ?sha ; prov:generatedAtTime ?t ;"
        " prov:wasGeneratedBy ?a . ?a prov:wasAssociatedWith ?agent ."
        " ?agent lg:softwareVersion ?v } }",
    )
    assert {r["g"]["value"] for r in described} == {r["g"]["value"] for r in graphs}


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_enterprise_iri_dereferences_with_its_name(
    client: TestClient, accept: str, fmt: str
) -> None:
    rows = select(client, 'SELECT ?e WHERE { ?e lg:legalName "北京臻迪科技股份有限公司"@zh }')
    iri = rows[0]["e"]["value"]
    r = client.get(iri[len(BASE) :], headers={"Accept": accept})
    assert r.status_code == 200, r.text
    if fmt == "turtle":
        g = Graph().parse(data=r.text, format="turtle", publicID=iri)
    else:
        # a crawler resolves our published @context over HTTP: here, from the same app
        def load(url: str, options: object = None) -> dict[str, object]:
            path = url[len(BASE) :] if url.startswith(BASE) else url
            got = client.get(path, headers={"Accept": "application/ld+json"})
            assert got.status_code == 200, url
            return {"contextUrl": None, "documentUrl": url, "document": got.json()}

        nq = jsonld.to_rdf(r.json(), {"format": "application/n-quads", "documentLoader": load})
        g = Graph().parse(data=nq, format="nquads")
    assert (URIRef(iri), LG.legalName, Literal("北京臻迪科技股份有限公司", lang="zh")) in g


def test_unknown_iri_is_404(client: TestClient) -> None:
    r = client.get("/id/enterprise/E999999", headers={"Accept": "text/turtle"})
    assert r.status_code == 404


def test_enterprise_timeline_starts_with_its_award(client: TestClient) -> None:
    """A designation known only from its list still shows its award on the timeline."""
    rows = select(client, 'SELECT ?e WHERE { ?e lg:legalName "北京臻迪科技股份有限公司"@zh }')
    path = rows[0]["e"]["value"][len(BASE) :]
    r = client.get(path, params={"lang": "en"}, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert '<time datetime="2019-06-05">2019-06-05</time> — Award' in r.text
