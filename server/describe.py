"""What the server says about one IRI: its bounded description and the labels of what it links to.

The description of a resource is its Concise Bounded Description (every triple with it as subject,
closed over blank nodes, https://www.w3.org/submission/CBD/) in the union of the named graphs,
plus the few incoming arcs that make a record navigable from where a reader lands: the
designations an enterprise holds (``lg:holder``), the events of a designation (``lg:designation``),
the documents citing a document (``lg:cites``) and ``owl:sameAs`` from merged duplicates. Large
fan-in (a batch's or a region's enterprises) is left to the paged collections under ``/api``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.namespaces import DCTERMS, LG, OWL, PROV, RDFS, SCHEMA, SKOS
from ontology.rdf import node
from ontology.store import GraphStore
from server.store_results import Term

INCOMING = (LG.holder, LG.designation, LG.cites, OWL.sameAs)
LABEL_PROPERTIES = (
    RDFS.label,
    SKOS.prefLabel,
    LG.legalName,
    DCTERMS.title,
    LG.titleTranslation,  # a document's English title: its English label
    LG.englishName,
    SCHEMA.name,
)
MAX_TRIPLES = 20_000  # a description is a page, not a dump; the limit stops a runaway closure

__all__ = ["Description", "describe", "digest_of", "label_map", "name_blank_nodes", "pick"]


@dataclass(frozen=True)
class Description:
    """The triples that describe ``iri``, with the validators derived from them."""

    iri: str
    triples: tuple[ox.Triple, ...]
    digest: str
    last_modified: dt.datetime | None

    def own(self) -> list[ox.Triple]:
        """The triples with ``iri`` itself as subject."""
        return [
            t
            for t in self.triples
            if isinstance(t.subject, ox.NamedNode) and t.subject.value == self.iri
        ]

    def objects(self, predicate: str) -> list[Term]:
        """Objects of ``iri``'s own triples with this predicate, in store order."""
        wanted = str(predicate)
        return [
            t.object
            for t in self.triples
            if t.predicate.value == wanted
            and isinstance(t.subject, ox.NamedNode)
            and t.subject.value == self.iri
            and isinstance(t.object, ox.NamedNode | ox.BlankNode | ox.Literal)
        ]

    def literals(self, predicate: str) -> list[str]:
        """Lexical values of ``iri``'s own literals with this predicate."""
        return [o.value for o in self.objects(predicate) if isinstance(o, ox.Literal)]

    def iris(self, predicate: str) -> list[str]:
        """IRIs ``iri`` links to with this predicate, in store order."""
        return [o.value for o in self.objects(predicate) if isinstance(o, ox.NamedNode)]


def describe(store: GraphStore, iri: str) -> Description | None:
    """Return the bounded description of ``iri``, or None when the store has no triple about it."""
    subject = ox.NamedNode(iri)
    seen: set[ox.Triple] = set()
    ordered: list[ox.Triple] = []
    graphs: set[str] = set()

    def take(quad: ox.Quad) -> None:
        triple = quad.triple
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.add(quad.graph_name.value)
        if triple not in seen and len(ordered) < MAX_TRIPLES:
            seen.add(triple)
            ordered.append(triple)

    pending: list[ox.NamedNode | ox.BlankNode] = [subject]
    visited: set[ox.NamedNode | ox.BlankNode] = set()
    while pending:
        current = pending.pop()
        if current in visited:
            continue
        visited.add(current)
        for quad in store.quads(current, None, None, None):
            take(quad)
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    if not ordered:
        return None
    for predicate in INCOMING:
        for quad in store.quads(None, node(predicate), subject, None):
            take(quad)
    return Description(iri, tuple(ordered), digest_of(ordered), _last_modified(store, graphs))


def name_blank_nodes(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples with blank nodes renamed ``b0``, ``b1``… in order of first appearance.

    A description built again (after a restart) gets fresh random labels; renamed, the same
    triples in the same order serialise to the same bytes, so a strong ETag stays true.
    """
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def subject(
        term: ox.NamedNode | ox.BlankNode | ox.Triple,
    ) -> ox.NamedNode | ox.BlankNode | ox.Triple:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"b{len(names)}"))
        return term

    def value(term: Term | ox.Triple) -> Term | ox.Triple:
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"b{len(names)}"))
        return term

    return [ox.Triple(subject(t.subject), t.predicate, value(t.object)) for t in triples]


def digest_of(triples: Iterable[ox.Triple]) -> str:
    """A hash of the triples that does not depend on their order (sorted N-Triples lines)."""
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return hashlib.sha256(b"".join(sorted(data.splitlines(keepends=True)))).hexdigest()


def _last_modified(store: GraphStore, graphs: Iterable[str]) -> dt.datetime | None:
    # The newest prov:generatedAtTime among the graphs the description draws on: the moment the
    # newest source that says anything about the resource was ingested.
    newest: dt.datetime | None = None
    at = node(PROV.generatedAtTime)
    for g in graphs:
        for quad in store.quads(ox.NamedNode(g), at, None, None):
            if not isinstance(quad.object, ox.Literal):
                continue
            try:
                when = dt.datetime.fromisoformat(quad.object.value)
            except ValueError:
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            if newest is None or when > newest:
                newest = when
    return newest


def label_map(store: GraphStore, iris: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """Labels of each IRI by language (``""`` for untagged), in the order of LABEL_PROPERTIES."""
    out: dict[str, dict[str, list[str]]] = {}
    for iri in set(iris):
        subject = ox.NamedNode(iri)
        by_lang: dict[str, list[str]] = {}
        for prop in LABEL_PROPERTIES:
            for quad in store.quads(subject, node(prop), None, None):
                obj = quad.object
                if isinstance(obj, ox.Literal):
                    values = by_lang.setdefault(obj.language or "", [])
                    if obj.value not in values:
                        values.append(obj.value)
        if by_lang:
            out[iri] = by_lang
    return out


def pick(labels: dict[str, list[str]] | None, lang: str, fallback: str = "") -> str:
    """The best label for a reader of ``lang``: that language, then untagged, then any."""
    if not labels:
        return fallback
    for key in (lang, "", "zh", "en", *labels):
        if labels.get(key):
            return labels[key][0]
    return fallback
