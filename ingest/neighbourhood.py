"""The part of the store the gate reads when validating a change, copied into memory.

A shape reads its focus node's own triples (in every graph) and, one hop out, the nodes they
point to (a region's division-code prefixes, a batch's ordinal, an object's type), plus the
ontology for class hierarchies. Validating that copy gives the same results for the focus nodes
as the whole new state, at in-memory speed, and its cost follows the size of the change rather
than of the store. Whole-store rules (batch completeness) run in ``littlegiant validate``.

How a store reads what it says of a set of nodes is its own business (``GraphStore.about``):
the embedded store from its indexes node by node, a remote engine in a few VALUES queries with
the blank nodes in the answer that names them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ontology.store import GraphStore
from ontology.store.common import expect_solutions


def neighbourhood(
    store: GraphStore,
    focus: set[str],
    *,
    changed: Mapping[str, bytes],
    patched: Mapping[str, tuple[bytes, bytes]] | None = None,
    ontology: str,
    dropped: frozenset[str] = frozenset(),
) -> ox.Store:
    """The context the gate validates ``focus`` in: the ``changed`` graphs (N-Triples, loaded
    straight into memory), the ontology, and what the other graphs of ``store`` (less the
    ``dropped`` ones) say of the focus nodes and of the IRIs the context points to. A graph
    ``patched`` (lines that go, lines that come) is read from ``store`` with the patch applied.

    ``store`` is the state the change applies to (the writer's, under its lock).
    """
    context = ox.Store()
    for graph, data in changed.items():
        context.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    if ontology not in changed and ontology not in dropped:
        context.bulk_extend(store.quads(None, None, None, ox.NamedNode(ontology)))
    skip = frozenset({*changed, *dropped, ontology})
    context.bulk_extend(store.about(sorted(focus), excluding=skip))
    for graph, (gone, come) in (patched or {}).items():
        g = ox.NamedNode(graph)
        for t in ox.parse(gone, format=ox.RdfFormat.N_TRIPLES):
            context.remove(ox.Quad(t.subject, t.predicate, t.object, g))
        context.bulk_load(come, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    pointed = expect_solutions(
        context.query("SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER isIRI(?o) }")
    )
    hop = sorted({row["o"].value for row in pointed} - focus)
    context.bulk_extend(store.about(hop, excluding=skip))
    return context
