"""The part of the store the gate reads when validating a change, copied into memory.

A shape reads its focus node's own triples (in every graph) and, one hop out, the nodes they
point to (a region's division-code prefixes, a batch's ordinal, an object's type), plus the
ontology for class hierarchies. Validating that copy gives the same results for the focus nodes
as the whole new state, at in-memory speed, and its cost follows the size of the change rather
than of the store. Whole-store rules (batch completeness) run in ``littlegiant validate``.

What the store says of a set of nodes is asked in a few queries (a VALUES block of nodes each),
never one request per node: over a remote engine every query is a round trip. A blank node has
no name outside the answer that gave it (a query cannot ask for it later), so a node's triples
and those of the blank nodes it points to come in the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from ontology.store import GraphStore
from ontology.store.common import expect_solutions

CHUNK = 1_000  # nodes per VALUES block: large enough to be few queries, small enough to POST


def neighbourhood(
    store: GraphStore,
    focus: set[str],
    *,
    changed: Mapping[str, bytes],
    ontology: str,
    dropped: frozenset[str] = frozenset(),
) -> ox.Store:
    """The context the gate validates ``focus`` in: the ``changed`` graphs (N-Triples, loaded
    straight into memory), the ontology, and what the other graphs of ``store`` (less the
    ``dropped`` ones) say of the focus nodes and of the IRIs the context points to.

    ``store`` is the state the change applies to (the writer's, under its lock).
    """
    context = ox.Store()
    for graph, data in changed.items():
        context.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    if ontology not in changed and ontology not in dropped:
        context.bulk_extend(store.quads(None, None, None, ox.NamedNode(ontology)))
    skip = frozenset({*changed, *dropped, ontology})
    context.bulk_extend(described(store, sorted(focus), skip))
    pointed = expect_solutions(
        context.query("SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER isIRI(?o) }")
    )
    hop = sorted({row["o"].value for row in pointed} - focus)
    context.bulk_extend(described(store, hop, skip))
    return context


def described(store: GraphStore, iris: Sequence[str], skip: frozenset[str]) -> Iterator[ox.Quad]:
    """What the named graphs other than ``skip`` say of the IRIs, and of the blank nodes the IRIs
    point to (their triples come in the same answer as the triple that names them)."""
    exclude = ", ".join(f"<{graph}>" for graph in sorted(skip))
    keep = f"FILTER (?g NOT IN ({exclude}))" if exclude else ""
    for start in range(0, len(iris), CHUNK):
        nodes = " ".join(f"<{iri}>" for iri in iris[start : start + CHUNK])
        own = store.select(
            f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {nodes} }}"
            f" GRAPH ?g {{ ?s ?p ?o }} FILTER (!isBlank(?o)) {keep} }}"
        )
        yield from _quads(own, ("s", "p", "o", "g"))
        blank = store.select(
            f"SELECT ?n ?link ?b ?p ?o ?g WHERE {{ VALUES ?n {{ {nodes} }}"
            f" GRAPH ?g {{ ?n ?link ?b . ?b ?p ?o }} FILTER isBlank(?b) {keep} }}"
        )
        for row in blank:
            yield from _quads([row], ("n", "link", "b", "g"))
            yield from _quads([row], ("b", "p", "o", "g"))


def _quads(rows: Iterable[ox.QuerySolution], names: tuple[str, str, str, str]) -> Iterator[ox.Quad]:
    for row in rows:
        s, p, o, g = (row[name] for name in names)
        if not (
            isinstance(s, ox.NamedNode | ox.BlankNode)
            and isinstance(p, ox.NamedNode)
            and isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal)
            and isinstance(g, ox.NamedNode)
        ):
            raise TypeError(f"the store answered a pattern with {row}")
        yield ox.Quad(s, p, o, g)
