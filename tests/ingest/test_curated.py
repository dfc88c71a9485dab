"""The default dataset built from the shipped curated files, loaded into a real pyoxigraph store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ingest.build.curated import CuratedDataError, build_default
from ingest.identity import Registry
from ingest.load import SourceGraph
from ingest.registry_commit import registry_graphs
from ingest.validity import DERIVED, derive_after
from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.paths import DATA_DIR, ONTOLOGY_TTL
from ontology.store import EmbeddedStore
from ontology.temporal import holds_on

BASE = "https://w3id.org/littlegiant"
IRIS = Iris(BASE)
PREFIXES = """
PREFIX lg: <https://w3id.org/littlegiant/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _registry_copy(tmp: Path) -> Registry:
    """The committed registry, copied so that a test can never change it."""
    target = tmp / "registry"
    shutil.copytree(DATA_DIR / "registry", target)
    return Registry.load(target)


def _load(changes: list[SourceGraph], registry: Registry) -> ox.Store:
    """The curated graphs and, as ``littlegiant build`` writes them, the registry's names and
    the derived graph a commit derives from them."""
    store = ox.Store()
    changes = [*changes, *registry_graphs(EmbeddedStore(None), IRIS, registry, changes)]
    new = {str(IRIS.graph(change.source.name)): change.builder.triples for change in changes}
    new[str(IRIS.graph(DERIVED))] = derive_after(None, IRIS, new).builder.triples
    for graph, triples in new.items():
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples
        )
    return store


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[SourceGraph], Registry]:
    registry = _registry_copy(tmp_path_factory.mktemp("curated"))
    return build_default(IRIS, registry, DATA_DIR), registry


@pytest.fixture(scope="module")
def store(built: tuple[list[SourceGraph], Registry]) -> ox.Store:
    return _load(*built)


def _select(store: ox.Store, query: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def _ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query, use_default_graph_as_union=True))


def test_one_graph_per_source_read(built: tuple[list[SourceGraph], Registry]) -> None:
    """Issue 10: a graph per source actually read (a page, or a copy of a list), not per file."""
    names = [change.source.name for change in built[0]]
    assert names[0] == "reference"
    assert len(names) == len(set(names)) > 40
    read = set()
    lists = [name for name in names if name.startswith("list-keylg-")]  # one per published list
    assert len(lists) == 3
    for change in built[0]:
        assert change.source.files, change.source.name
        assert all(path.is_file() for path in change.source.files)
        assert len(change.builder) > 0
        if change.source.name not in ("reference", *lists):
            assert change.source.name.startswith("source-")
            assert change.source.pages == (change.source.url,)
            read.add(change.source.url)
    assert len(read) == len(names) - 1 - len(lists)


def test_the_graphs_that_state_a_batch_each_name_their_own_source(
    built: tuple[list[SourceGraph], Registry], store: ox.Store
) -> None:
    """Issue 10: ``GRAPH ?g { <designation> lg:batch ?b }`` names the sources that say it, and each
    graph's facts cite that graph's own source (its PROV names it, ``Source.url``)."""
    own = {str(IRIS.graph(c.source.name)): c.source.url for c in built[0]}
    rows = _select(
        store, "SELECT ?g ?src WHERE { GRAPH ?g { ?d lg:batch ?b ; dcterms:source ?src } }"
    )
    assert rows
    assert all(r["src"].value == own[r["g"].value] for r in rows)
    # a batch-2 title: the association page names the firm, the newspaper the batch's validity
    d = "<https://w3id.org/littlegiant/id/designation/E000011-little-giant-2>"
    query = "SELECT ?g WHERE {{ GRAPH ?g {{ {d} lg:{p} ?v }} }}"
    who = {
        p: {own[r["g"].value] for r in _select(store, query.format(d=d, p=p))}
        for p in ("batch", "validUntil")
    }
    assert who == {
        "batch": {"http://tupvw34.cn/news/d257083.html"},
        "validUntil": {"https://henan.china.com/news/yw/2021/0203/2530147681.html"},
    }


def test_a_fact_read_through_a_copy_names_the_copy_and_its_primary_source(
    store: ox.Store,
) -> None:
    """The Ningbo review list was read through a code repository that cites the official page:
    the facts cite the copy, and the copy records the official page as its primary source."""
    official = "http://jxj.ningbo.gov.cn/art/2022/8/8/art_1229561613_58934870.html"
    copy = IRIS.source("repository-copy-ningbo-2022-review")
    rows = _select(
        store,
        """SELECT DISTINCT ?src WHERE { ?ev a lg:ReviewPassed ; dcterms:source ?src ;
               lg:designation/lg:holder/lg:legalName "宁波中意液压马达有限公司"@zh }""",
    )
    assert [r["src"].value for r in rows] == [str(copy)]
    assert _ask(
        store,
        f"""ASK {{ <{copy}> a lg:SecondaryReport ; prov:hadPrimarySource <{official}> .
                  <{official}> a lg:OfficialPublication ; lg:sourceDate ?day }}""",
    )
    assert not _ask(store, f"ASK {{ ?fact dcterms:source <{official}> }}")


def test_evidence_and_count_bases_are_concepts_with_the_printed_words_kept(
    store: ox.Store,
) -> None:
    """Issue 10: lg:evidence and lg:countBasis are SKOS concepts; the phrase is a note beside."""
    for prop, scheme in (("evidence", "EvidenceScheme"), ("countBasis", "CountBasisScheme")):
        assert not _ask(store, f"ASK {{ ?s lg:{prop} ?v FILTER (!isIRI(?v)) }}"), prop
        in_scheme = _select(store, f"SELECT DISTINCT ?v WHERE {{ ?s lg:{prop} ?v }}")
        ontology = Graph().parse(ONTOLOGY_TTL)
        scheme_members = set(ontology.subjects(SKOS.inScheme, LG[scheme]))
        assert {URIRef(r["v"].value) for r in in_scheme} <= scheme_members, prop
    claim = _select(
        store,
        """SELECT ?doc ?day ?kind ?note WHERE { ?b lg:ordinal 1 ; lg:countClaim ?c .
             ?c lg:statedIn ?doc ; lg:claimDate ?day ; lg:claimDateKind ?kind ;
                lg:countBasis lg:BasisFinalList ; lg:countBasisNote ?note }""",
    )
    assert [(r["day"].value, r["kind"].value, r["note"].value) for r in claim] == [
        ("2019-06-05", str(LG.DateKindWritten), "final list")
    ]


def test_zhendi_is_the_legal_name_of_an_enterprise(store: ox.Store) -> None:
    rows = _select(
        store, 'SELECT ?e WHERE { ?e a lg:Enterprise ; lg:legalName "北京臻迪科技股份有限公司"@zh }'
    )
    assert len(rows) == 1
    parsed = IRIS.parse(rows[0]["e"].value)
    assert parsed is not None
    assert parsed.kind == "enterprise"


def test_notice_153_cites_381(store: ox.Store) -> None:
    assert _ask(
        store,
        """ASK { ?n lg:documentNumber "工信部企业函〔2019〕153号" ; lg:cites ?c .
                 ?c lg:documentNumber "工信厅企业函〔2018〕381号" }""",
    )
    assert str(IRIS.document("gxbqyh-2019-153")) in {
        r["d"].value
        for r in _select(store, 'SELECT ?d { ?d lg:documentNumber "工信部企业函〔2019〕153号" }')
    }


def test_batch_1_declares_248_and_is_announced_by_153(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?count ?number WHERE {
             ?b lg:ordinal 1 ; lg:declaredCount ?count ; lg:announcedBy ?d .
             ?d lg:documentNumber ?number }""",
    )
    assert [(int(r["count"].value), r["number"].value) for r in rows] == [
        (248, "工信部企业函〔2019〕153号")
    ]
    assert _ask(store, "ASK { ?d lg:announces ?b . ?b lg:ordinal 1 }")


def test_batch_2_keeps_three_disagreeing_counts_with_their_sources(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?claim ?count ?source WHERE {
             ?b lg:ordinal 2 ; lg:countClaim ?claim .
             ?claim lg:count ?count ; lg:countBasis ?basis ; dcterms:source ?source }""",
    )
    counts = {int(r["count"].value) for r in rows}
    assert counts == {1584, 1744, 1748}
    assert len({r["claim"] for r in rows}) == 5  # two sources each for 1584 and 1744
    assert all(r["source"].value.startswith("http") for r in rows)
    assert not _ask(store, "ASK { ?b lg:ordinal 2 ; lg:declaredCount ?n }")


def test_shanxi_changda_has_an_english_name_and_no_chinese_one(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?e WHERE {
             ?e lg:englishName "Shanxi Changda Traffic Facilities Co., Ltd."@en }""",
    )
    assert len(rows) == 1
    e = rows[0]["e"]
    assert not _ask(store, f"ASK {{ {e} lg:legalName ?n }}")
    assert not _ask(store, f'ASK {{ {e} rdfs:label ?n FILTER (lang(?n) = "zh") }}')
    assert _ask(store, f"ASK {{ ?d lg:holder {e} ; lg:batch ?b . ?b lg:ordinal 1 }}")


def test_every_fact_bearing_node_has_a_source(store: ox.Store) -> None:
    rows = _select(
        store,
        f"""SELECT DISTINCT ?s WHERE {{
             GRAPH ?g {{ ?s ?p ?o FILTER (isIRI(?s)) }} FILTER (?g != <{IRIS.graph(DERIVED)}>)
             FILTER NOT EXISTS {{ ?s a lg:SourcePage }}
             FILTER NOT EXISTS {{ ?s dcterms:source ?url }} }}""",
    )
    assert rows == []
    # and every cited page is typed as one, in the graph that cites it
    assert not _ask(
        store,
        "ASK { GRAPH ?g { ?s dcterms:source ?url FILTER NOT EXISTS { ?url a lg:SourcePage } } }",
    )


def test_building_twice_gives_identical_triples_and_mints_no_key(tmp_path: Path) -> None:
    registry = _registry_copy(tmp_path)
    keys = len(registry)
    documents = registry.documents()
    first = build_default(IRIS, registry, DATA_DIR)
    second = build_default(IRIS, registry, DATA_DIR)
    for a, b in zip(first, second, strict=True):
        assert set(a.builder) == set(b.builder), a.source.name
        assert a.source.sha256() == b.source.sha256()
    assert not registry.dirty, "the committed registry lacks a key or document slug"
    assert len(registry) == keys
    assert registry.documents() == documents


def test_a_fresh_registry_gives_one_key_per_firm_across_files(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    changes = build_default(IRIS, registry, DATA_DIR)
    store = _load(changes, registry)
    # 宁波中意 is in enterprises.csv and review_outcomes.csv: one enterprise, its event on it
    rows = _select(
        store,
        """SELECT DISTINCT ?e WHERE { ?e lg:legalName "宁波中意液压马达有限公司"@zh }""",
    )
    assert len(rows) == 1
    assert _ask(
        store,
        f"""ASK {{ ?ev a lg:ReviewPassed ; lg:designation ?d ; lg:eventDate ?day ;
                      lg:evidence lg:EvidenceReviewPassList ; dcterms:source ?src .
                  ?d lg:holder {rows[0]["e"]} }}""",
    )


def test_a_variant_name_merged_on_a_source_is_one_enterprise(store: ox.Store) -> None:
    """精工阀门有限公司 (2nd-batch list) and 精工阀门集团有限公司 (2023 review list): the 2024 MIIT
    list prints 精工阀门集团有限公司（原名：精工阀门有限公司）, so the registry records the merge
    (with that list as its source) and one enterprise holds one batch-2 designation."""
    rows = _select(
        store,
        """SELECT DISTINCT ?e WHERE {
             VALUES ?n { "精工阀门有限公司"@zh "精工阀门集团有限公司"@zh }
             { ?e lg:legalName ?n } UNION { ?e lg:formerName ?n } }""",
    )
    assert len(rows) == 1
    held = _select(
        store, f"SELECT DISTINCT ?d WHERE {{ ?d lg:holder {rows[0]['e']} ; lg:batch ?b }}"
    )
    assert len(held) == 1


def test_stated_validity_is_kept_and_missing_ends_are_derived_by_the_rule(store: ox.Store) -> None:
    batch2 = _select(
        store,
        """SELECT DISTINCT ?from ?until WHERE {
             ?d lg:batch ?b ; lg:validFrom ?from ; lg:validUntil ?until . ?b lg:ordinal 2 }""",
    )
    assert [(r["from"].value, r["until"].value) for r in batch2] == [("2021-01-01", "2023-12-31")]
    assert not _ask(store, "ASK { ?d lg:batch ?b ; prov:wasDerivedFrom ?rule . ?b lg:ordinal 2 }")
    batch1 = _select(
        store,
        """SELECT DISTINCT ?from ?until ?rule WHERE {
             ?d lg:batch ?b ; lg:validFrom ?from ; lg:validUntil ?until ;
                prov:wasDerivedFrom ?doc . ?b lg:ordinal 1 . ?doc lg:documentNumber ?rule }""",
    )
    assert [(r["from"].value, r["until"].value, r["rule"].value) for r in batch1] == [
        ("2019-06-05", "2022-06-04", "工信部企业〔2022〕63号")
    ]
    batch4 = "ASK { ?d lg:batch ?b ; lg:validFrom ?f . ?b lg:ordinal 4 }"
    assert not _ask(store, batch4), "no source dates batch 4: no validity is invented"


def test_completeness_is_visible_as_known_against_declared(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?n ?known ?declared WHERE {
             ?b lg:ordinal ?n ; lg:knownCount ?known OPTIONAL { ?b lg:declaredCount ?declared } }
           ORDER BY ?n""",
    )
    known = {int(r["n"].value): int(r["known"].value) for r in rows}
    assert set(known) == {1, 2, 3, 4, 5, 6, 7}
    assert known[1] == 10
    assert known[7] == 0
    declared = {int(r["n"].value): r["declared"] for r in rows}
    assert declared[1] is not None
    assert int(declared[1].value) == 248


def test_key_little_giant_rows_are_fiscal_supports_not_titles(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?s ?n WHERE { GRAPH ?g { ?s a lg:FiscalSupport ; lg:fiscalBatch ?b ;
             lg:holder ?e ; dcterms:source ?src } ?b lg:ordinal ?n }""",
    )
    assert {int(r["n"].value) for r in rows} == {1, 2, 3}
    assert not _ask(store, "ASK { ?d a lg:Designation ; lg:tier lg:KeyLittleGiant }")
    assert not _ask(store, "ASK { ?d lg:fiscalBatch ?f . ?d a lg:Designation }")


def test_planned_city_sits_inside_its_province(store: ox.Store) -> None:
    ningbo, zhejiang = IRIS.region("330200"), IRIS.province("330000")
    assert _ask(
        store,
        f"""ASK {{ <{ningbo}> a lg:PlannedCity ; lg:withinProvince <{zhejiang}> ;
                   lg:gbCode "330200" ; lg:divisionCodePrefix "33" ; skos:prefLabel "宁波市"@zh .
                 <{zhejiang}> a lg:Province ; lg:gbCode "330000" }}""",
    )
    assert len(_select(store, "SELECT ?p WHERE { ?p a lg:Province }")) == 31
    xpcc = IRIS.region("xpcc")
    prefixes = _select(store, f"SELECT ?x WHERE {{ <{xpcc}> lg:divisionCodePrefix ?x }}")
    assert {r["x"].value for r in prefixes} == {"65", "66"}


def test_a_dangling_document_reference_names_file_and_row(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("registry"))
    path = data / "enterprises.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(
        "工信部企业函〔2019〕153号,http", "工信部企业函〔2019〕999号,http", 1
    )
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"data/enterprises\.csv::4: .*999号"):
        build_default(IRIS, Registry(tmp_path / "registry"), data)


def test_an_unknown_region_is_rejected_with_its_row(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("registry"))
    path = data / "review_outcomes.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("宁波市", "宁波省", 1), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"review_outcomes\.csv::2: '宁波省'"):
        build_default(IRIS, Registry(tmp_path / "registry"), data)


HOLDERS_ON = """
SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {
  ?d a lg:Designation ; lg:tier lg:LittleGiant .
  HOLDS
}"""


@pytest.mark.parametrize(
    ("day", "holders"),
    [
        pytest.param("2019-06-04", 0, id="before-the-first-notice"),
        pytest.param("2020-06-01", 10, id="batch-1-only"),
        # batch 2 names 102 rows, two of them one firm (精工阀门, merged)
        pytest.param("2022-01-01", 10 + 101 + 31, id="batches-1-to-3"),
        pytest.param("2025-01-01", 4 + 78, id="only-firms-that-passed-a-review"),
        pytest.param("2027-01-01", 0, id="every-known-end-passed"),
    ],
)
def test_who_held_the_title_on_a_date(store: ox.Store, day: str, holders: int) -> None:
    query = HOLDERS_ON.replace("HOLDS", holds_on(day))
    assert int(_select(store, query)[0]["n"].value) == holders
