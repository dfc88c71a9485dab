"""The three 2024 MIIT fiscal-support lists in the default data: one entry per printed row, one
support per firm and fiscal batch, every firm once, the official PDFs cited, sizes and
completeness stated, known firms matched rather than duplicated, renamings left for review."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ingest.build.curated import CuratedDataError, build_default_reviewed
from ingest.build.curated.fiscal_lists import LISTS_FILE, REVIEW_FILE, ListGraph, review_rows
from ingest.identity import Registry
from ingest.load import SourceGraph
from ingest.registry_commit import registry_graphs
from ontology.iris import Iris
from ontology.paths import DATA_DIR
from ontology.store import EmbeddedStore

IRIS = Iris()
PREFIXES = """
PREFIX lg: <https://w3id.org/littlegiant/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
with (DATA_DIR / LISTS_FILE).open(encoding="utf-8", newline="") as _fh:
    ROWS = list(csv.DictReader(_fh))
SIZES = {"keylg-b1-y3-list": 409, "keylg-b2-y3-list": 381, "keylg-b3-y2-list": 398}
Built = tuple[list[SourceGraph], list[ListGraph], Registry]


def _registry(tmp: Path) -> Registry:
    shutil.copytree(DATA_DIR / "registry", tmp / "registry")
    return Registry.load(tmp / "registry")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    registry = _registry(tmp_path_factory.mktemp("fiscal"))
    graphs, lists = build_default_reviewed(IRIS, registry, DATA_DIR)
    return graphs, lists, registry


@pytest.fixture(scope="module")
def store(built: Built) -> ox.Store:
    graphs, _, registry = built
    store = ox.Store()
    for change in [*graphs, *registry_graphs(EmbeddedStore(None), IRIS, registry, graphs)]:
        graph = ox.NamedNode(str(IRIS.graph(change.source.name)))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in change.builder)
    return store


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def _count(store: ox.Store, query: str) -> int:
    return int(_select(store, query)[0]["n"])


def test_the_committed_registry_and_review_record_are_current(built: Built) -> None:
    _, lists, registry = built
    assert not registry.dirty, "keys were minted: the committed registry is stale"
    with (DATA_DIR / REVIEW_FILE).open(encoding="utf-8", newline="") as fh:
        committed = list(csv.reader(fh))[1:]
    assert committed == review_rows(lists), f"data/{REVIEW_FILE} is stale: write_review() it"


def test_the_store_holds_at_least_1300_enterprises(store: ox.Store) -> None:
    n = _count(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a lg:Enterprise }")
    assert n >= 1300


def test_one_entry_per_printed_row_with_its_seq_name_and_region(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?list ?pos ?name ?region WHERE { ?x a lg:ListEntry ; lg:inList ?list ;
             lg:position ?pos ; lg:printedName ?name ; lg:printedRegion ?region }""",
    )
    printed = {
        (str(IRIS.document(f"keylg-b{_cn(r['fiscal_batch_year'])}-list")), int(r["seq"]),
         r["name_zh"], r["region_as_printed"])
        for r in ROWS
    }  # fmt: skip
    found = {(r["list"], int(r["pos"]), r["name"], r["region"]) for r in rows}
    assert len(rows) == len(ROWS) == 1188
    assert found == printed


def test_each_list_states_its_size_and_that_every_firm_is_known(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?list ?size ?known (COUNT(?x) AS ?entries) (COUNT(?e) AS ?resolved) WHERE {
             ?list a lg:PublishedList ; lg:entryCount ?size ; lg:knownEntryCount ?known .
             ?x lg:inList ?list . OPTIONAL { ?x lg:listedEnterprise ?e } }
           GROUP BY ?list ?size ?known""",
    )
    stated = {_local(r["list"]): (int(r["size"]), int(r["known"])) for r in rows}
    assert stated == {slug: (size, size) for slug, size in SIZES.items()}
    assert all(int(r["entries"]) == int(r["resolved"]) == int(r["size"]) for r in rows)


def test_every_firm_of_the_lists_once_with_its_region(store: ox.Store) -> None:
    firms = _select(
        store,
        """SELECT ?e (COUNT(DISTINCT ?x) AS ?n) (SAMPLE(?r) AS ?region) WHERE {
             ?x lg:listedEnterprise ?e ; lg:reportedBy ?reported .
             OPTIONAL { ?e lg:reportingRegion ?r } } GROUP BY ?e""",
    )
    assert len(firms) == 1188
    assert all(int(f["n"]) == 1 for f in firms)
    assert all("region" in f for f in firms)


def test_entries_cite_the_copy_they_were_read_from_and_the_official_pdf(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT DISTINCT ?via ?pdf WHERE { ?x a lg:ListEntry ; dcterms:source ?via ;
             prov:hadPrimarySource ?pdf . ?via prov:hadPrimarySource ?pdf .
             ?pdf a lg:SourcePage }""",
    )
    assert {(r["via"], r["pdf"]) for r in rows} == {(r["via"], r["source_url"]) for r in ROWS}
    assert all(r["pdf"].startswith("https://www.miit.gov.cn/") for r in rows)
    dated = """SELECT ?d WHERE { ?d a lg:PublishedList .
                 { ?d lg:datePublished ?x } UNION { ?d lg:dateWritten ?x } }"""
    assert _select(store, dated) == []  # the lists' dates are not known: left unstated


def test_one_support_per_firm_and_fiscal_batch_with_every_year_shown(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?s ?n (GROUP_CONCAT(DISTINCT STR(?y); separator=",") AS ?years) WHERE {
             ?s a lg:FiscalSupport ; lg:fiscalBatch ?b ; lg:supportYear ?y . ?b lg:ordinal ?n }
           GROUP BY ?s ?n""",
    )
    per_batch: dict[int, int] = {}
    for r in rows:
        per_batch[int(r["n"])] = per_batch.get(int(r["n"]), 0) + 1
    # batch 1: the 409 of 第一批第三年; 2: the 381 of 第二批第三年 (the eight firms of
    # key_little_giants.csv's 第二批第二年 rows are all on it); 3: the 398 of 第三批第二年
    # and three of the nine 第三批第一年 firms that are not on it
    assert per_batch == {1: 409, 2: 381, 3: 401}
    fujian = str(IRIS.support(_key_of(store, "福建亿榕信息技术有限公司"), 2))
    assert {r["s"]: r["years"] for r in rows}[fujian] in ("2,3", "3,2")


def test_no_title_and_no_recognition_batch_is_inferred(store: ox.Store) -> None:
    listed_only = _select(
        store,
        """SELECT ?e WHERE { ?x lg:listedEnterprise ?e .
             FILTER NOT EXISTS { ?d a lg:Designation ; lg:holder ?e } } LIMIT 2000""",
    )
    assert len(listed_only) > 1100  # most firms are known only from these lists
    assert not _select(store, "SELECT ?d WHERE { ?d a lg:Designation ; lg:tier lg:KeyLittleGiant }")


@pytest.mark.parametrize(
    "name",
    ["杭州华普永明光电股份有限公司", "福建亿榕信息技术有限公司", "宁波菲仕技术股份有限公司"],
)
def test_firms_already_in_the_default_data_are_matched_not_duplicated(
    store: ox.Store, name: str
) -> None:
    rows = _select(
        store,
        f"""SELECT DISTINCT ?e WHERE {{ ?x lg:printedName "{name}"@zh ;
              lg:listedEnterprise ?e . ?other lg:holder ?e }}""",
    )
    assert len(rows) == 1, rows  # the list's firm is the one the curated data already names
    assert int(_local(rows[0]["e"]).lstrip("E")) <= 193


def test_a_former_name_note_resolves_to_the_merged_firm(store: ox.Store) -> None:
    key = _key_of(store, "精工阀门集团有限公司（原名：精工阀门有限公司）")
    rows = _select(store, f"SELECT ?f WHERE {{ <{IRIS.enterprise(key)}> lg:formerName ?f }}")
    assert "精工阀门有限公司" in {r["f"] for r in rows}


def test_possible_renamings_go_to_review_not_to_a_merge(built: Built, store: ox.Store) -> None:
    review = review_rows(built[1])
    tangshan = [r for r in review if r[2] == "唐山贺祥智能科技股份有限公司"]
    assert [(r[6], r[7]) for r in tangshan] == [("possible renaming", "")]
    new, old = tangshan[0][4], tangshan[0][5]
    assert new != old
    assert built[2].canonical(new) == new  # its own key: not merged by guess
    assert built[2].legal_name(old) == "唐山贺祥机电股份有限公司"
    comment = _select(
        store,
        """SELECT ?c WHERE { ?x lg:printedName "唐山贺祥智能科技股份有限公司"@zh ;
             rdfs:comment ?c }""",
    )
    assert any(old in r["c"] for r in comment)


def test_old_key_little_giant_designations_are_replaced_by_supports(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT DISTINCT ?old ?new WHERE {
             ?old dcterms:isReplacedBy ?new . ?new a lg:FiscalSupport }""",
    )
    assert len(rows) == 17
    assert all("-key-little-giant-" in r["old"] for r in rows)
    assert not _select(store, "SELECT ?s WHERE { ?s dcterms:isReplacedBy ?n . ?s a ?t }")


def test_a_gap_in_the_seq_run_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    lines = (data / LISTS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    (data / LISTS_FILE).write_text("".join(lines[:5] + lines[6:]), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"do not run 1\.\.409"):
        build_default_reviewed(IRIS, Registry.load(data / "registry"), data)


def _key_of(store: ox.Store, printed: str) -> str:
    rows = _select(
        store, f'SELECT ?e WHERE {{ ?x lg:printedName "{printed}"@zh ; lg:listedEnterprise ?e }}'
    )
    assert len(rows) == 1
    return _local(rows[0]["e"])


def _local(iri: str) -> str:
    parsed = IRIS.parse(iri)
    assert parsed is not None, iri
    return parsed.local


def _cn(fiscal: str) -> str:
    """第一批第三年 → 1-y3 (the list slug's middle)."""
    digits = {"一": "1", "二": "2", "三": "3"}
    return f"{digits[fiscal[1]]}-y{digits[fiscal[4]]}"
