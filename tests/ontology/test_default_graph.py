"""The default graph is the RDF merge of the named graphs, a set (DESIGN §3), with SPARQL 1.1
dataset semantics: a query's own FROM / FROM NAMED, or the caller's dataset, win over it.

Each test runs on the embedded store (on disk and in memory) and on a real Oxigraph server
started without any union option."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ontology.store import EmbeddedStore, GraphStore, merge
from ontology.store.common import ntriples
from tests.conftest import DefaultBuild

A = "https://w3id.org/littlegiant/graph/source-a"
B = "https://w3id.org/littlegiant/graph/source-b"
LG = "https://w3id.org/littlegiant/ontology#"
E1 = "https://w3id.org/littlegiant/id/enterprise/E000001"
E2 = "https://w3id.org/littlegiant/id/enterprise/E000002"
SHARED = f'<{E1}> <{LG}legalName> "示例甲有限公司"@zh .\n'.encode()
ONLY_A = f"<{E1}> <{LG}reportingRegion> <https://w3id.org/littlegiant/id/province/110000> .\n"
ONLY_B = f'<{E2}> <{LG}legalName> "示例乙有限公司"@zh .\n'
COUNT = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"


# over the remote engine too (the session's ``oxigraph serve``); as for the server's routes,
# those runs are slow and belong to the slow set, which ``make test`` and CI run
@pytest.fixture(params=["disk", "memory", pytest.param("remote", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    if request.param == "remote":
        remote: GraphStore = request.getfixturevalue("remote")
        return remote
    return EmbeddedStore(tmp_path / "s" if request.param == "disk" else None)


def count(store: GraphStore, sparql: str, **dataset: list[str]) -> int:
    row = next(iter(store.select(sparql, **dataset)))
    term = row["n"]
    assert isinstance(term, ox.Literal)
    return int(term.value)


def distinct_triples(store: GraphStore) -> int:
    return len({(q.subject, q.predicate, q.object) for q in store.quads()})


def two_sources(store: GraphStore) -> None:
    with store.transaction() as tx:
        tx.replace_graph(A, SHARED + ONLY_A.encode())
        tx.replace_graph(B, SHARED + ONLY_B.encode())


def test_a_triple_two_sources_state_is_one_triple_of_the_default_graph(store: GraphStore) -> None:
    two_sources(store)
    assert len(store) == 4  # quads in the named graphs
    assert distinct_triples(store) == 3
    assert count(store, COUNT.format(**{"from": ""})) == 3


def test_a_query_from_an_absent_graph_sees_nothing(store: GraphStore) -> None:
    two_sources(store)
    assert count(store, COUNT.format(**{"from": "FROM <urn:nothing>"})) == 0
    assert count(store, COUNT.format(**{"from": f"FROM <{B}>"})) == 2


def test_the_callers_dataset_overrides_the_querys(store: GraphStore) -> None:
    two_sources(store)
    nothing = COUNT.format(**{"from": "FROM <urn:nothing>"})
    assert count(store, nothing, default_graph=[A]) == 2
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(store, named, named_graphs=[B]) == 2
    assert count(store, named, default_graph=[A]) == 0  # no named graph in that dataset


def test_graph_still_reaches_each_source(store: GraphStore) -> None:
    two_sources(store)
    rows = store.select(f'SELECT ?g WHERE {{ GRAPH ?g {{ <{E1}> ?p "示例甲有限公司"@zh }} }}')
    assert sorted(r["g"].value for r in rows) == [A, B]


def test_a_triple_leaves_the_merge_only_when_no_source_states_it(store: GraphStore) -> None:
    two_sources(store)
    with store.transaction() as tx:
        tx.replace_graph(A, ONLY_A.encode())  # A no longer states the shared name
    assert store.ask(f"ASK {{ <{E1}> <{LG}legalName> ?n }}")  # B still does
    with store.transaction() as tx:
        tx.drop_graph(B)
    assert not store.ask(f"ASK {{ <{E1}> <{LG}legalName> ?n }}")
    assert count(store, COUNT.format(**{"from": ""})) == distinct_triples(store) == 1


def test_blank_nodes_leave_the_merge_with_their_source(store: GraphStore) -> None:
    listing = f'<{E1}> <{LG}p> _:b .\n_:b <{LG}q> "in a blank node" .\n'.encode()
    with store.transaction() as tx:
        tx.replace_graph(A, listing + SHARED)
    assert count(store, COUNT.format(**{"from": ""})) == 3
    assert store.ask(f'ASK {{ <{E1}> <{LG}p> ?b . ?b <{LG}q> "in a blank node" }}')
    with store.transaction() as tx:
        tx.replace_graph(A, SHARED)
    assert count(store, COUNT.format(**{"from": ""})) == 1


def test_the_default_dataset_counts_each_distinct_triple_once(
    store: GraphStore, default_build: DefaultBuild
) -> None:
    """On the shipped data: sources repeat facts (an enterprise's name in a list and in the
    curated file), and the default graph still holds each once."""
    built = EmbeddedStore(None)
    with built.writer() as draft:
        draft.bulk_extend(default_build.quads)
    with store.transaction() as tx:
        for graph in built.named_graphs():
            tx.replace_graph(graph, ntriples(built.quads(graph=ox.NamedNode(graph))))
    distinct = distinct_triples(store)
    assert distinct < len(store)  # the shipped sources do repeat facts
    assert count(store, COUNT.format(**{"from": ""})) == distinct
    assert count(store, COUNT.format(**{"from": "FROM <urn:nothing>"})) == 0
    per_graph = store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    graphs = set(store.named_graphs())  # a remote store's own state graph is not one of them
    assert {r["g"].value: int(r["n"].value) for r in per_graph if r["g"].value in graphs} == {
        g: len(list(built.quads(graph=ox.NamedNode(g)))) for g in built.named_graphs()
    }


def test_a_store_written_before_the_merge_existed_gets_it_when_opened(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    old = ox.Store(str(tmp_path / "s" / "gen-000001"))  # the layout as it was: named graphs only
    old.bulk_load(SHARED + ONLY_A.encode(), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(A))
    old.bulk_load(SHARED, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(B))
    del old
    (tmp_path / "s" / "current").symlink_to("gen-000001")
    store = EmbeddedStore(tmp_path / "s")
    assert store.generation() == "gen-000002"
    assert count(store, COUNT.format(**{"from": ""})) == distinct_triples(store) == 2


def test_triples_written_through_raw_join_the_merge_at_the_next_commit() -> None:
    store = EmbeddedStore(None)
    store.raw.load(SHARED, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(A))
    with store.transaction() as tx:
        tx.replace_graph(B, ONLY_B.encode())
    assert count(store, COUNT.format(**{"from": ""})) == distinct_triples(store) == 2


@pytest.mark.parametrize(
    ("bulk", "bystander"),
    [(12_000, 0), (0, 50)],
    ids=["change-is-most-of-the-store", "change-is-a-small-part"],
)
def test_the_merge_is_the_same_whether_kept_or_rebuilt(
    tmp_path: Path, bulk: int, bystander: int
) -> None:
    """Small changes keep the merge triple by triple; a change that is most of a large enough
    store rebuilds it. Both give the set of the named graphs' triples, blank nodes included."""
    store = EmbeddedStore(tmp_path / "s")
    blank = f'<{E1}> <{LG}p> _:b .\n_:b <{LG}q> "in a blank node" .\n'.encode()
    extra = "".join(f'<{E1}> <{LG}n> "{i}" .\n' for i in range(bulk)).encode()
    others = "".join(f'<{E2}> <{LG}n> "{i}" .\n' for i in range(bystander)).encode()
    with store.transaction() as tx:
        tx.replace_graph(A, SHARED + ONLY_A.encode() + blank + extra)
        tx.replace_graph(B, SHARED + ONLY_B.encode())
        tx.replace_graph("https://w3id.org/littlegiant/graph/bystander", others)
    for change in ({A: SHARED}, {B: ONLY_B.encode() + blank}, {A: b""}):
        with store.transaction() as tx:
            for graph, data in change.items():
                tx.replace_graph(graph, data)
        merged = set(store.quads(graph=ox.DefaultGraph()))
        named = {ox.Quad(q.subject, q.predicate, q.object) for q in store.quads()}
        assert merged == named


_POOL = [f'<{E1}> <{LG}n> "{i}" .\n'.encode() for i in range(12)] + [
    f"<{E2}> <{LG}m> <{E1}> .\n".encode(),
    f'<{E2}> <{LG}legalName> "乙"@zh .\n'.encode(),
]
_GRAPHS = [A, B, "https://w3id.org/littlegiant/graph/source-c"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(_GRAPHS),
            st.sets(st.integers(0, len(_POOL) - 1)) | st.just({-1}),
            min_size=1,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_sequence_of_replacements_leaves_the_merge_the_set_of_the_named_graphs(
    commits: list[dict[str, set[int]]],
) -> None:
    """Whether a replacement is patched (little changes), reloaded whole or has a blank node
    (-1), the default graph after each commit is the set of the named graphs' triples."""
    store = EmbeddedStore(None)
    blank = f'<{E1}> <{LG}p> _:b .\n_:b <{LG}q> "in a blank node" .\n'.encode()
    for change in commits:
        with store.transaction() as tx:
            for graph, picked in change.items():
                tx.replace_graph(graph, b"".join(blank if i < 0 else _POOL[i] for i in picked))
        merged = {q.triple for q in store.quads(graph=ox.DefaultGraph())}
        named = {q.triple for q in store.quads()}
        assert merged == named


def test_a_graph_that_changes_little_is_patched_and_the_merge_follows(tmp_path: Path) -> None:
    """The registry's graphs change by a few firms at a commit: the stored graph is patched
    (its other triples stay where they are) and a triple another graph states stays merged."""
    store = EmbeddedStore(tmp_path / "s")
    many = b"".join(f'<{E1}> <{LG}n> "{i}" .\n'.encode() for i in range(100))
    with store.transaction() as tx:
        tx.replace_graph(A, SHARED + many)
        tx.replace_graph(B, SHARED)
    with store.transaction() as tx:
        tx.replace_graph(A, many + ONLY_A.encode())  # SHARED leaves A, stays in B
    assert count(store, COUNT.format(**{"from": ""})) == 102
    assert count(store, COUNT.format(**{"from": f"FROM <{A}>"})) == 101
    shared = next(iter(ox.parse(SHARED, ox.RdfFormat.N_TRIPLES))).triple
    assert shared in {q.triple for q in store.quads(graph=ox.DefaultGraph())}


def test_only_a_small_change_without_blank_nodes_is_patched() -> None:
    raw = ox.Store()
    many = b"".join(f'<{E1}> <{LG}n> "{i}" .\n'.encode() for i in range(100))
    merge.replace_graph(raw, A, many)
    assert merge.patch(raw, A, many + ONLY_A.encode())  # one triple more
    assert not merge.patch(raw, A, ONLY_A.encode())  # a hundred triples go: reloaded whole
    assert not merge.patch(raw, B, ONLY_B.encode())  # a new graph: loaded
    assert not merge.patch(raw, A, many + f"<{E1}> <{LG}p> _:b .\n".encode())  # a blank node
    merged = {q.triple for q in raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert len(merged) == 101


def test_a_patch_changes_only_its_lines_and_the_merge_follows(store: GraphStore) -> None:
    """A patch removes and adds lines of one graph; a triple it removes stays merged while
    another graph states it, and a line removed and added back stays in the graph."""
    two_sources(store)
    added = f'<{E2}> <{LG}n> "1" .\n'.encode()
    with store.transaction() as tx:
        tx.patch_graph(A, SHARED + ONLY_A.encode(), added + SHARED)
    a = {q.triple for q in store.quads(graph=ox.NamedNode(A))}
    assert a == {t.triple for t in ox.parse(added + SHARED, ox.RdfFormat.N_TRIPLES)}
    with store.transaction() as tx:
        tx.patch_graph(A, SHARED, b"")
        tx.patch_graph(B, ONLY_B.encode(), b"")  # B keeps SHARED: it stays merged
    merged = {q.triple for q in store.quads(graph=ox.DefaultGraph())}
    assert merged == {q.triple for q in store.quads()}
    assert merged == {t.triple for t in ox.parse(added + SHARED, ox.RdfFormat.N_TRIPLES)}
    with store.transaction() as tx:
        tx.patch_graph(B, SHARED, b"")
    merged = {q.triple for q in store.quads(graph=ox.DefaultGraph())}
    assert (
        merged
        == {q.triple for q in store.quads()}
        == {t.triple for t in ox.parse(added, ox.RdfFormat.N_TRIPLES)}
    )


def test_a_patch_with_a_blank_node_is_refused(store: GraphStore) -> None:
    two_sources(store)
    with pytest.raises(ValueError, match="blank node"), store.transaction() as tx:
        tx.patch_graph(A, b"", f"<{E1}> <{LG}p> _:b .\n".encode())
    assert count(store, COUNT.format(**{"from": f"FROM <{A}>"})) == 2


def test_a_patch_of_many_lines_loads_them_in_bulk(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s")
    two_sources(store)
    many = b"".join(f'<{E1}> <{LG}n> "{i}" .\n'.encode() for i in range(merge.BULK_AT_LEAST))
    with store.transaction() as tx:
        tx.patch_graph(A, ONLY_A.encode(), many)
    assert count(store, COUNT.format(**{"from": f"FROM <{A}>"})) == merge.BULK_AT_LEAST + 1
    merged = {q.triple for q in store.quads(graph=ox.DefaultGraph())}
    assert merged == {q.triple for q in store.quads()}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(_GRAPHS),
            st.tuples(*[st.sets(st.integers(0, len(_POOL) - 1))] * 2),
            min_size=1,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_patching_a_graph_leaves_what_replacing_it_by_the_result_does(
    commits: list[dict[str, tuple[set[int], set[int]]]],
) -> None:
    """A patch (lines to remove, lines to add) gives the graphs and the merge that replacing
    the graph by its stored lines less the removed, plus the added, gives."""
    patched, replaced = EmbeddedStore(None), EmbeddedStore(None)
    state: dict[str, set[int]] = {}
    for change in commits:
        with patched.transaction() as tx, replaced.transaction() as whole:
            for graph, (gone, come) in change.items():
                tx.patch_graph(
                    graph, b"".join(_POOL[i] for i in gone), b"".join(_POOL[i] for i in come)
                )
                state[graph] = (state.get(graph, set()) - gone) | come
                whole.replace_graph(graph, b"".join(_POOL[i] for i in state[graph]))
        assert set(patched.quads()) == set(replaced.quads())
        merged = {q.triple for q in patched.quads(graph=ox.DefaultGraph())}
        assert merged == {q.triple for q in replaced.quads(graph=ox.DefaultGraph())}
