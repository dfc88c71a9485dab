"""The derived graph a commit leaves: derived whole at a first build, and after it only where the
commit reaches.

A designation's terms follow from its own facts, its events (award, re-reviews, ends), its batch
and that batch's review rounds, and the documents that award it or announce its batch
(``ingest.validity``); a batch's known count from the designations of the batch. A commit can
change the derived graph only where it changes one of those facts: the designations and batches
within reach of a node whose facts it changes are derived again, from facts read node by node,
and every other designation keeps the terms stored. The cost follows the change and the batches
it touches, not the store.

Every touched node is taken for every kind at once (a designation, an event, a batch, a review
round, a document): a node that is not of a kind finds nothing by the lookups of that kind, so
no rule of the derivation needs repeating here.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass

import pyoxigraph as ox

from ingest.provenance import stored_fingerprint
from ingest.validity import (
    CLASSES,
    DERIVED,
    PREDICATES,
    Derived,
    Facts,
    derive,
    derive_after,
    is_fact,
)
from ontology import rdf
from ontology.iris import Iris
from ontology.namespaces import LG, PROV, RDF, XSD
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore
from ontology.store.common import values_blocks

WHOLE_AT = 0.5  # a change this share of the store's size or more is derived whole
_RULE_TEXT = {  # what the rule states of a designation, a term or a batch (not the graph's PROV)
    f"<{p}>".encode()
    for p in (
        LG.term, LG.effectiveUntil, LG.statusAfterTerm, LG.earliestStart, LG.endedOn,
        LG.endCause, LG.knownCount, LG.termStart, LG.termEnd,
    )
}  # fmt: skip
_TERM, _KNOWN = f"<{LG.term}>".encode(), f"<{LG.knownCount}>".encode()
_TYPE, _GENERATED_BY = f"<{RDF.type}>".encode(), f"<{PROV.wasGeneratedBy}>".encode()
# pyoxigraph stores an integer subtype as xsd:integer; a kept count must read as one derived again
_INTEGER = f"^^<{XSD.integer}>".encode()
_NON_NEGATIVE = f"^^<{XSD.nonNegativeInteger}>".encode()
_MOD = 1 << 256


@dataclass(frozen=True)
class Scope:
    """The facts to derive again from, and the nodes whose stored derived triples they replace."""

    facts: Facts
    nodes: frozenset[str]  # designations and batches within reach of the change


@dataclass(frozen=True)
class DerivedPart:
    """The derived graph a commit leaves, as a patch of the stored one: its lines of the scope's
    nodes and its PROV go (``gone``, as stored), the lines derived again come (``come``). The
    stored graph is not read whole (144,000 lines at 20,000 titles, ~1.5 s on disk); ``ntriples``
    reads it to give the whole text (for tests and benchmarks; a commit never asks)."""

    builder: GraphBuilder
    sources: tuple[str, ...]
    gone: bytes
    come: bytes
    fingerprint: str
    stored: Callable[[], bytes]  # the stored graph's text

    @functools.cached_property
    def ntriples(self) -> bytes:
        """The whole graph's text, as ``Derived.of`` gives it (lines sorted)."""
        kept = set(_normal(self.stored())) - set(_normal(self.gone))
        return b"".join(sorted(kept | set(self.come.splitlines(keepends=True))))


def fingerprint(lines: Iterable[bytes]) -> str:
    """A derived graph's fingerprint (its lg:sha256): the sum of its distinct lines' sha256,
    modulo 2**256 (lines as ``Derived.of`` writes them, PROV aside). Equal texts give equal
    sums however they were derived, a text that differs a different one, and a patch updates
    the stored sum by its lines alone (``DerivedPart``), without the whole text."""
    return f"{sum(map(line_hash, set(lines))) % _MOD:064x}"


def line_hash(line: bytes) -> int:
    return int.from_bytes(hashlib.sha256(line).digest(), "big")


def derived_after_commit(
    store: GraphStore | None,
    iris: Iris,
    new: Mapping[str, Iterable[ox.Triple]],
    *,
    whole_at: float = WHOLE_AT,
) -> Derived | DerivedPart:
    """The derived graph as a commit of the ``new`` graphs (name → triples) leaves ``store``:
    the same graph as ``validity.derive_after`` derives from every fact (the tests hold them
    equal), from the facts within reach of the change and the stored terms of the rest (a
    patch of the stored graph); whole when the change is at least ``whole_at`` times the
    store's size."""
    graph = str(iris.graph(DERIVED))
    if store is None or graph not in store.named_graphs() or _most_of(store, new, whole_at):
        return derive_after(store, iris, new)
    scope = scope_of(store, new, {*new, graph})
    builder = derive(scope.facts, iris, only=scope.nodes)
    node = ox.NamedNode(graph)
    stored = {
        q.object.value
        for q in store.quads(node, rdf.node(PROV.wasDerivedFrom), None, node)
        if isinstance(q.object, ox.NamedNode)
    }
    sources = tuple(sorted((stored - set(new)) | scope.facts.graphs))
    gone, prov = stored_lines(store, graph, scope.nodes)
    text = ox.serialize(builder.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    come = sorted(set(text.splitlines(keepends=True)))
    part = DerivedPart(
        builder, sources, gone + prov, b"".join(come), "", lambda: store.graph_ntriples(graph)
    )
    recorded = (stored_fingerprint(store, graph) or ("", ""))[0]
    if len(recorded) != 64:  # a graph written without one: from its whole text, once
        return dataclasses.replace(part, fingerprint=fingerprint(part.ntriples.splitlines(True)))
    total = int(recorded, 16) - sum(map(line_hash, set(_normal(gone))))
    total += sum(map(line_hash, come))
    return dataclasses.replace(part, fingerprint=f"{total % _MOD:064x}")


def stored_lines(store: GraphStore, graph: str, nodes: frozenset[str]) -> tuple[bytes, bytes]:
    """The stored derived graph's statements of ``nodes`` and of their terms, and its PROV (the
    graph's own description, its activity and the activity's agent: described again at each
    commit), read by index, as N-Triples: (the nodes' and terms', the PROV)."""
    only = frozenset(store.named_graphs()) - {graph}
    node = ox.NamedNode(graph)
    prov = [q.triple for q in store.quads(node, None, None, node)]
    activity = [q.triple for q in store.about(_objects(prov, PROV.wasGeneratedBy), excluding=only)]
    agent = _objects(activity, PROV.wasAssociatedWith)
    own = [q.triple for q in store.about(sorted(nodes), excluding=only)]
    terms = sorted(set(_objects(own, LG.term)) - nodes)
    own += [q.triple for q in store.about(terms, excluding=only)]
    prov += activity + [q.triple for q in store.about(agent, excluding=only)]
    text = [
        ox.serialize(dict.fromkeys(t), format=ox.RdfFormat.N_TRIPLES) or b"" for t in (own, prov)
    ]
    return text[0], text[1]


def _objects(triples: Iterable[ox.Triple], predicate: object) -> list[str]:
    wanted = str(predicate)
    return sorted(
        {
            t.object.value
            for t in triples
            if t.predicate.value == wanted and isinstance(t.object, ox.NamedNode)
        }
    )


def _most_of(store: GraphStore, new: Mapping[str, Iterable[ox.Triple]], share: float) -> bool:
    """Whether the change is at least ``share`` of the store's size: then its scope is most of
    the store, and reading every fact at once (by index) beats reading them node by node (a
    first load of 20,000 firms into a store with the default data: 18.7 s in part, ~6 whole)."""
    size = sum(len(t) if isinstance(t, Sized) else 0 for t in new.values())
    return size >= share * len(store)


def scope_of(
    store: GraphStore, new: Mapping[str, Iterable[ox.Triple]], excluded: set[str]
) -> Scope:
    """The scope of a commit of the ``new`` graphs: ``excluded`` are the graphs it replaces and
    the derived graph. A node is touched when a fact of it is in one version of a graph and not
    in the other: a corrected list that restates most of its rows touches only what it corrects."""
    stored = set(store.named_graphs())
    changed, facts = Facts(), Facts()  # what the commit changes (as it was and will be); all new
    fresh: set[str] = set()  # the subjects of the graphs new to the store: all their facts change
    for graph, triples in new.items():
        now = {t for t in triples if is_fact(t.predicate.value, t.object)}
        for t in now:
            facts.add(graph, t.subject, t.predicate.value, t.object)
        if graph not in stored:  # ``facts`` holds what changes, not copied into ``changed``
            fresh.update(t.subject.value for t in now if isinstance(t.subject, ox.NamedNode))
            continue
        for t in now.symmetric_difference(_read_graph(store, graph)):
            changed.add(graph, t.subject, t.predicate.value, t.object)
    touched = _subjects(changed) | fresh
    reader = _Reader(store, frozenset(excluded), facts)
    reader.read(touched)
    designations = set(touched) | reader.reverse(LG.awardedBy, touched)  # a document's titles
    batches = set(touched) | reader.reverse(LG.announcedBy, touched)  # a document's batches
    for f in (facts, changed):  # as the commit leaves them, and as they were
        for node in touched:
            designations.update(f.iris(node, LG.designation))  # an event's designation
            batches.update(f.iris(node, LG.reviewedBatch), f.iris(node, LG.batch))
    reader.read(designations)
    todo = designations
    while todo:  # every designation of a batch within reach, and their batches in turn
        within = {b for d in todo for b in facts.iris(d, LG.batch)} | batches
        batches |= within
        todo = reader.reverse(LG.batch, within - reader.expanded) - designations
        reader.expanded |= within
        designations |= todo
        reader.read(todo)
    reader.read(batches)
    events = reader.reverse(LG.designation, designations)
    rounds = reader.reverse(LG.reviewedBatch, batches)
    reader.read(events | rounds)
    docs = {doc for d in designations for doc in facts.iris(d, LG.awardedBy)}
    docs |= {doc for b in batches for doc in facts.iris(b, LG.announcedBy)}
    reader.read(docs)
    return Scope(facts, frozenset(designations | batches))


def _normal(text: bytes) -> list[bytes]:
    """A stored graph's lines as a derivation writes them (a count as xsd:nonNegativeInteger)."""
    lines = text.splitlines(keepends=True)
    return [line.replace(_INTEGER, _NON_NEGATIVE) if _KNOWN in line else line for line in lines]


def _split(line: bytes) -> tuple[str, bytes, str]:
    """A line's subject IRI ("" for a blank node), predicate text and object IRI (or "")."""
    s, p, o = line.split(b" ", 2)
    iri = o[1 : o.index(b">")].decode() if o.startswith(b"<") else ""
    return (s[1:-1].decode() if s.startswith(b"<") else ""), p, iri


def _subjects(facts: Facts) -> set[str]:
    out = {s for values in facts.values.values() for s in values}
    return out.union(*facts.typed.values())


def _read_graph(store: GraphStore, graph: str) -> set[ox.Triple]:
    """What a stored graph states of the derivation's predicates and classes, by index."""
    g = ox.NamedNode(graph)
    found = {q.triple for p in PREDICATES.values() for q in store.quads(None, rdf.node(p), None, g)}
    typed = rdf.node(RDF.type)
    found |= {q.triple for c in CLASSES for q in store.quads(None, typed, ox.NamedNode(c), g)}
    return found


class _Reader:
    """Reads the facts of nodes from the graphs a commit keeps, each node once."""

    def __init__(self, store: GraphStore, skip: frozenset[str], facts: Facts) -> None:
        self.store, self.skip, self.facts = store, skip, facts
        self.done: set[str] = set()
        self.expanded: set[str] = set()  # batches whose designations were all looked up
        self.objects: dict[str, bool] = {}  # whether a named graph of the store points at it

    def read(self, nodes: Iterable[str]) -> None:
        todo = sorted(set(nodes) - self.done)
        self.done.update(todo)
        for q in self.store.about(todo, excluding=self.skip):
            if isinstance(q.graph_name, ox.NamedNode):
                self.facts.add(q.graph_name.value, q.subject, q.predicate.value, q.object)

    def reverse(self, predicate: object, objects: Iterable[str]) -> set[str]:
        """The subjects that state ``predicate`` of any of ``objects``: in the graphs kept, and
        in the new graphs (``facts`` holds them whole)."""
        wanted = set(objects)
        found = self.facts.subjects_of(str(predicate), wanted)
        for values in values_blocks(sorted(self._pointed_at(wanted))):
            pattern = f"GRAPH ?g {{ ?s <{predicate}> ?o }}"
            q = f"SELECT ?s ?g WHERE {{ VALUES ?o {{ {values} }} {pattern} }}"
            for row in self.store.select(q):
                s, g = row["s"], row["g"]
                if isinstance(s, ox.NamedNode) and g is not None and g.value not in self.skip:
                    found.add(s.value)
        return found

    def _pointed_at(self, nodes: set[str]) -> set[str]:
        """The nodes some statement of the store points at: only they can have subjects in it.
        Every touched node is looked up for every kind, and most are new to the store (a list
        of new firms): one probe each, instead of one lookup per kind (4k commit: ~0.4 s)."""
        todo = sorted(nodes - self.objects.keys())
        pointed: set[str] = set()
        for values in values_blocks(todo):
            q = f"SELECT DISTINCT ?o WHERE {{ VALUES ?o {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            pointed.update(row["o"].value for row in self.store.select(q) if row["o"] is not None)
        self.objects.update((iri, iri in pointed) for iri in todo)
        return {n for n in nodes if self.objects[n]}
