"""The gated commit through the store's transaction API, for a store without a local draft (a
remote SPARQL engine): the change is validated before anything is sent, and sent as one commit.

The gate sees what it sees on the embedded path: the changed graphs as written, what the other
graphs say of the nodes they touch, one hop out, and the ontology, read from the store as it was
before the transaction (``GraphStore.quads`` / ``select``), so the cost follows the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, NoReturn, Protocol

import pyoxigraph as ox

from ontology.store import GraphStore
from ontology.store.common import expect_solutions

if TYPE_CHECKING:
    from ingest.identity import Registry
    from ingest.shacl import ShapesGate, ValidationReport

_VALUES_AT_ONCE = 200  # nodes per VALUES list: one request each, well inside any engine's limits


class Pending(Protocol):
    """A graph to write (``load._Pending``)."""

    @property
    def graph(self) -> str: ...
    @property
    def ntriples(self) -> bytes: ...
    @property
    def subjects(self) -> set[str]: ...


def write_validated(
    store: GraphStore,
    pending: Iterable[Pending],
    *,
    ontology: str,
    gate: ShapesGate,
    validate: Callable[[ShapesGate, ox.Store, set[str]], ValidationReport],
    registry: Registry | None,
    replace_all: bool,
    refuse: Callable[[ValidationReport], NoReturn],
) -> ValidationReport:
    """Stage the graphs in one transaction, validate, and publish only if the gate passes.

    ``validate(gate, context, focus)`` and ``refuse(report)`` are the embedded path's own (so
    both paths judge alike); ``refuse`` raises.
    """
    todo = list(pending)
    with store.transaction() as tx:
        existing = set(store.named_graphs())
        keep = {p.graph for p in todo}
        if replace_all:
            for g in sorted(existing - keep):
                tx.drop_graph(g)
        focus: set[str] = set()
        for p in todo:
            if p.graph in existing:
                q = "SELECT DISTINCT ?s WHERE {{ GRAPH <{}> {{ ?s ?p ?o }} FILTER isIRI(?s) }}"
                rows = tx.select(q.format(p.graph))
                focus |= {t.value for row in rows if isinstance(t := row["s"], ox.NamedNode)}
            focus |= p.subjects
            tx.replace_graph(p.graph, p.ntriples)
        changed = {p.graph: p.ntriples for p in todo}
        context = neighbourhood(store, focus, changed=changed, ontology=ontology)
        report = validate(gate, context, focus)
        if not report.conforms:
            refuse(report)
        if registry is not None:
            registry.save()  # before publishing: every key in the store is in the registry
    return report


def neighbourhood(
    store: GraphStore, focus: set[str], *, changed: Mapping[str, bytes], ontology: str
) -> ox.Store:
    """The part of the store the shapes read when validating ``focus``, copied into memory."""
    context = ox.Store()
    for graph, data in changed.items():
        context.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    if ontology not in changed:
        context.bulk_extend(store.quads(graph=ox.NamedNode(ontology)))
    exclude = {*changed, ontology}
    context.bulk_extend(_described(store, sorted(focus), exclude))
    q = "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER (isIRI(?o)) }"
    objects = expect_solutions(context.query(q))
    todo = {t.value for row in objects if isinstance(t := row["o"], ox.NamedNode)} - focus
    context.bulk_extend(_described(store, sorted(todo), set()))
    return context


def _described(store: GraphStore, nodes: list[str], exclude: set[str]) -> list[ox.Quad]:
    """What the store's graphs (but ``exclude``) say of ``nodes``, with blank nodes they reach."""
    found: list[ox.Quad] = []
    skip = ", ".join(f"<{g}>" for g in sorted(exclude))
    where = f"FILTER (?g NOT IN ({skip}))" if skip else ""
    for start in range(0, len(nodes), _VALUES_AT_ONCE):
        values = " ".join(f"<{iri}>" for iri in nodes[start : start + _VALUES_AT_ONCE])
        rows = store.select(
            f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?x {{ {values} }} GRAPH ?g {{ "
            "{ ?x ?p ?o BIND (?x AS ?s) } UNION { ?x ?via ?s FILTER isBlank(?s) ?s ?p ?o } "
            f"}} {where} }}"
        )
        for row in rows:
            s, p, o, g = row["s"], row["p"], row["o"], row["g"]
            if (
                isinstance(s, ox.NamedNode | ox.BlankNode)
                and isinstance(p, ox.NamedNode)
                and isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal)
                and isinstance(g, ox.NamedNode)
            ):
                found.append(ox.Quad(s, p, o, g))
    return found
