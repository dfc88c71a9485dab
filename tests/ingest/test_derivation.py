"""The derived graph after a commit is derived only where the commit reaches; it must be the graph
derived from every fact of the store (``validity.derive_after``), byte for byte, after any
sequence of commits: facts spread over graphs, moved, changed and removed at random."""

from __future__ import annotations

import datetime as dt
import math

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.derivation import DerivedPart, derived_after_commit, fingerprint
from ingest.validity import DERIVED, derive_after
from ontology import rdf
from ontology.iris import CANONICAL_BASE, Iris
from ontology.namespaces import LG, RDF, XSD
from ontology.store import EmbeddedStore

IRIS = Iris(CANONICAL_BASE)
ID = f"{CANONICAL_BASE}/id/"
GRAPHS = [str(IRIS.graph(f"source-{name}")) for name in "abc"]


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def _day(year: int, month: int = 7, day: int = 1) -> ox.Literal:
    return rdf.date(dt.date(year, month, day))


def _pool() -> list[ox.Triple]:
    """Facts of two batches, six titles, their events, review rounds and documents."""
    t, a = ox.Triple, rdf.node(RDF.type)
    p = {name: rdf.node(getattr(LG, name)) for name in (
        "batch", "validFrom", "validUntil", "awardedBy", "designation", "eventDate",
        "reviewRound", "reviewedBatch", "outcomesComplete", "year", "announcedBy",
        "announcementDate", "dateWritten",
    )}  # fmt: skip
    b1, b2, doc1, doc2 = _n("batch/1"), _n("batch/2"), _n("document/n1"), _n("document/n2")
    r1, r2 = _n("review/r1"), _n("review/r2")
    yes = ox.Literal("true", datatype=rdf.node(XSD.boolean))
    facts = [
        t(b1, a, rdf.node(LG.Batch)),
        t(b2, a, rdf.node(LG.Batch)),
        t(b1, p["year"], rdf.typed(2019, XSD.gYear)),
        t(b2, p["year"], rdf.typed(2020, XSD.gYear)),
        t(b1, p["announcedBy"], doc1),
        t(b2, p["announcementDate"], _day(2020, 12, 1)),
        t(doc1, p["dateWritten"], _day(2019, 6, 5)),
        t(doc2, p["dateWritten"], _day(2020, 11, 2)),
        t(r1, a, rdf.node(LG.ReviewRound)),
        t(r1, p["reviewedBatch"], b1),
        t(r1, p["year"], rdf.typed(2022, XSD.gYear)),
        t(r1, p["outcomesComplete"], yes),
        t(r2, a, rdf.node(LG.ReviewRound)),
        t(r2, p["reviewedBatch"], b2),
        t(r2, p["outcomesComplete"], yes),
        t(r2, p["year"], rdf.typed(2024, XSD.gYear)),  # no pass of d2, d3 in it: they expire
    ]
    for i in range(4):
        d, e, rev = _n(f"designation/d{i}"), _n(f"event/award-{i}"), _n(f"event/pass-{i}")
        facts += [
            t(d, a, rdf.node(LG.Designation)),
            t(d, p["batch"], b1 if i < 2 else b2),
            t(d, p["validFrom"], _day(2019 + i)),
            t(d, p["awardedBy"], doc2),
            t(e, a, rdf.node(LG.Award)),
            t(e, p["designation"], d),
            t(rev, a, rdf.node(LG.ReviewPassed)),
            t(rev, p["designation"], d),
            t(rev, p["eventDate"], _day(2022 + i % 2)),
            t(rev, p["reviewRound"], r1),
        ]
        if i == 3:
            end = _n("event/revoked-3")
            facts += [t(end, a, rdf.node(LG.Revocation)), t(end, p["designation"], d),
                      t(end, p["eventDate"], _day(2023, 3, 1)), t(d, p["batch"], b1)]  # fmt: skip
    # no start date: unknown from the earliest date of the document awarding it (d4) or
    # announcing its batch (d5)
    d4, d5 = _n("designation/d4"), _n("designation/d5")
    facts += [
        t(d4, a, rdf.node(LG.Designation)),
        t(d4, p["batch"], b2),
        t(d4, p["awardedBy"], doc2),
        t(d5, a, rdf.node(LG.Designation)),
        t(d5, p["batch"], b1),
    ]
    return facts


POOL = _pool()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(GRAPHS), min_size=len(POOL), max_size=len(POOL)),
    st.lists(
        st.tuples(st.sampled_from(GRAPHS), st.sets(st.integers(0, len(POOL) - 1), max_size=3)),
        min_size=1,
        max_size=6,
    ),
)
def test_the_derived_graph_after_any_commits_is_the_graph_derived_from_every_fact(
    homes: list[str], toggles: list[tuple[str, set[int]]]
) -> None:
    """Every fact starts in a graph drawn for it; each later commit adds or removes a few facts
    of one graph (a small change: the scope stays small, so what it misses shows)."""
    store = EmbeddedStore(None)
    derived = str(IRIS.graph(DERIVED))
    graphs = {g: {i for i, home in enumerate(homes) if home == g} for g in GRAPHS}
    changes = [dict(graphs), *({g: graphs[g] ^ picked} for g, picked in toggles)]
    for change in changes:
        graphs.update(change)
        new = {graph: [POOL[i] for i in sorted(picked)] for graph, picked in change.items()}
        _commit_both_ways(store, derived, new)


@pytest.mark.parametrize("fact", range(len(POOL)), ids=lambda i: _short(POOL[i]))
def test_removing_or_restoring_any_one_fact_rederives_what_it_reaches(fact: int) -> None:
    """Each fact of the pool alone in a graph of its own, removed, then restored: the smallest
    changes there are, one per kind of fact (what a random sequence reaches only by luck)."""
    store = EmbeddedStore(None)
    derived = str(IRIS.graph(DERIVED))
    rest = [t for i, t in enumerate(POOL) if i != fact]
    commits: list[dict[str, list[ox.Triple]]] = [
        {GRAPHS[0]: rest, GRAPHS[1]: [POOL[fact]]},
        {GRAPHS[1]: []},
        {GRAPHS[1]: [POOL[fact]]},
    ]
    for new in commits:
        _commit_both_ways(store, derived, new)


def _short(t: ox.Triple) -> str:
    return " ".join(
        str(x).rsplit("/", 1)[-1].rsplit("#", 1)[-1].strip("<>")
        for x in (t.subject, t.predicate, t.object)
    )[:60]


def _commit_both_ways(store: EmbeddedStore, derived: str, new: dict[str, list[ox.Triple]]) -> None:
    """Derive the graph after ``new`` in part and whole, hold them equal, and commit it."""
    partial = derived_after_commit(store, IRIS, new, whole_at=math.inf)  # in part, always
    whole = derive_after(store, IRIS, new)
    assert partial.ntriples == whole.ntriples
    assert partial.sources == whole.sources
    sha = fingerprint(whole.ntriples.splitlines(keepends=True))
    if isinstance(partial, DerivedPart):  # the stored sum, updated by the patch's lines alone
        assert partial.fingerprint == sha
    with store.transaction() as tx:
        for graph, triples in new.items():
            tx.replace_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        if isinstance(partial, DerivedPart):  # as a commit stages it
            prov = _with_sources(b"", derived, partial.sources, sha)
            tx.patch_graph(derived, partial.gone, partial.come + prov)
        else:
            tx.replace_graph(
                derived, _with_sources(partial.ntriples, derived, partial.sources, sha)
            )
    stored = {q.triple for q in store.quads(graph=ox.NamedNode(derived))}
    expected = _with_sources(whole.ntriples, derived, whole.sources, sha)
    reference = ox.Store()  # the store's own terms (it keeps a count as xsd:integer)
    reference.load(expected, ox.RdfFormat.N_TRIPLES)
    assert stored == {q.triple for q in reference}


def _with_sources(data: bytes, graph: str, sources: tuple[str, ...], sha: str) -> bytes:
    """The derived graph as a commit stores it: with the graphs it was derived from and its
    fingerprint (its PROV)."""
    derived_from = "http://www.w3.org/ns/prov#wasDerivedFrom"
    lines = [f"<{graph}> <{derived_from}> <{s}> .\n" for s in sources]
    lines.append(f'<{graph}> <{LG.sha256}> "{sha}" .\n')
    return data + "".join(lines).encode()


def test_a_commit_of_one_batch_rederives_that_batch_only() -> None:
    """A list of batch 2 reaches batch 2's titles; batch 1's stay as stored (what keeps a commit's
    cost to the change, not the store)."""
    from ingest.derivation import scope_of

    store = EmbeddedStore(None)
    derived = str(IRIS.graph(DERIVED))
    first = {GRAPHS[0]: [t for t in POOL if "d2" not in str(t) and "d3" not in str(t)]}
    with store.transaction() as tx:
        data = ox.serialize(first[GRAPHS[0]], format=ox.RdfFormat.N_TRIPLES) or b""
        tx.replace_graph(GRAPHS[0], data)
        tx.replace_graph(derived, derive_after(None, IRIS, first).ntriples)
    d2 = _n("designation/d2")
    second = {GRAPHS[1]: [t for t in POOL if t.subject == d2 and "batch/1" not in str(t)]}
    scope = scope_of(store, second, {*second, derived})
    assert d2.value in scope.nodes
    assert _n("batch/2").value in scope.nodes
    assert _n("designation/d0").value not in scope.nodes
    assert _n("batch/1").value not in scope.nodes
