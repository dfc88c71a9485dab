"""What the server says about one IRI: its bounded description, labels of what it links to, JSON-LD.

The description of a resource is its Concise Bounded Description (every triple with it as subject,
closed over blank nodes, https://www.w3.org/submission/CBD/) in the union of the named graphs,
plus the few incoming arcs that make a record navigable from where a reader lands: the
designations an enterprise holds (``lg:holder``), the events of a designation (``lg:designation``),
the documents citing a document (``lg:cites``) and ``owl:sameAs`` from merged duplicates. Large
fan-in (a batch's or a region's enterprises) is left to the paged collections under ``/api``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ontology.namespaces import DCTERMS, LG, OWL, PROV, RDFS, SCHEMA, SKOS
from ontology.paths import CONTEXT_JSONLD
from ontology.store import GraphStore
from server.jsonld import Compactor, UnsupportedContext

INCOMING = (LG.holder, LG.designation, LG.cites, OWL.sameAs)
LABEL_PROPERTIES = (
    RDFS.label,
    SKOS.prefLabel,
    LG.legalName,
    DCTERMS.title,
    LG.englishName,
    SCHEMA.name,
)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MAX_TRIPLES = 20_000  # a description is a page, not a dump; the limit stops a runaway closure

__all__ = [
    "Description",
    "compact_jsonld",
    "context_document",
    "describe",
    "label_map",
    "pick",
]


@dataclass(frozen=True)
class Description:
    """The triples that describe ``iri``, with the validators derived from them."""

    iri: str
    triples: tuple[ox.Triple, ...]
    digest: str
    last_modified: dt.datetime | None

    def objects(self, predicate: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        """Objects of ``iri``'s own triples with this predicate, in store order."""
        return [
            t.object
            for t in self.triples
            if t.predicate.value == str(predicate) and t.subject.value == self.iri
        ]


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
        node = pending.pop()
        if node in visited:
            continue
        visited.add(node)
        for quad in store.quads(node, None, None, None):
            take(quad)
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    if not ordered:
        return None
    for predicate in INCOMING:
        for quad in store.quads(None, ox.NamedNode(str(predicate)), subject, None):
            take(quad)
    nt = sorted(ox.serialize([t], format=ox.RdfFormat.N_TRIPLES) for t in ordered)
    digest = hashlib.sha256(b"".join(nt)).hexdigest()
    return Description(iri, tuple(ordered), digest, _last_modified(store, graphs))


def _last_modified(store: GraphStore, graphs: Iterable[str]) -> dt.datetime | None:
    # The newest prov:generatedAtTime among the graphs the description draws on: the moment the
    # newest source that says anything about the resource was ingested.
    newest: dt.datetime | None = None
    at = ox.NamedNode(str(PROV.generatedAtTime))
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
        node = ox.NamedNode(iri)
        by_lang: dict[str, list[str]] = {}
        for prop in LABEL_PROPERTIES:
            for quad in store.quads(node, ox.NamedNode(str(prop)), None, None):
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


@functools.cache
def _context_file(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))


def context_document() -> dict[str, object]:
    """The project's JSON-LD context document (``ontology/context.jsonld``), as published."""
    return _context_file(CONTEXT_JSONLD)


def compact_jsonld(
    triples: Sequence[ox.Triple],
    context_url: str,
    extra_context: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Compact the triples with our context, one node object per subject, under ``@graph``.

    The document names the published context by URL (plus ``extra_context`` inline), so a client
    expanding it, fetching that URL, gets exactly these triples. The fast compactor handles our
    context; a context it does not cover goes through pyld instead.
    """
    inline: list[Mapping[str, object]] = [_context_terms()]
    published: object = context_url
    if extra_context:
        inline.append(extra_context)
        published = [context_url, dict(extra_context)]
    try:
        nodes = _compactor(json.dumps(inline, sort_keys=True)).compact(list(triples))
    except UnsupportedContext:
        return _pyld_compact(triples, inline, published)
    return {"@context": published, "@graph": nodes}


@functools.lru_cache(maxsize=8)
def _compactor(context_json: str) -> Compactor:
    return Compactor(json.loads(context_json))


def _context_terms() -> Mapping[str, object]:
    context = context_document().get("@context", {})
    return context if isinstance(context, Mapping) else {}


def _pyld_compact(
    triples: Sequence[ox.Triple], inline: list[Mapping[str, object]], published: object
) -> dict[str, object]:
    expanded = json.loads(ox.serialize(list(triples), format=ox.RdfFormat.JSON_LD) or b"[]")
    for node in expanded if isinstance(expanded, list) else []:
        _types_as_keyword(node)
    # pyld is needed only for contexts the fast compactor refuses (it ships with the test extra)
    from pyld import jsonld

    flattened = jsonld.flatten(
        expanded, [dict(c) for c in inline], options={"documentLoader": _no_remote}
    )
    flattened["@context"] = published
    return flattened


def _types_as_keyword(node: dict[str, object]) -> None:
    # rdf:type with IRI objects is what JSON-LD writes as @type (fromRdf with useRdfType=false);
    # the triples are the same, and readers get ``"type": "Enterprise"``.
    values = node.get(_RDF_TYPE)
    if not isinstance(values, list):
        return
    iris = [v["@id"] for v in values if isinstance(v, dict) and "@id" in v]
    rest = [v for v in values if not (isinstance(v, dict) and "@id" in v)]
    if not iris:
        return
    node["@type"] = [*node.get("@type", []), *iris]  # type: ignore[misc]
    if rest:
        node[_RDF_TYPE] = rest
    else:
        del node[_RDF_TYPE]


def _no_remote(url: str, options: dict[str, object] | None = None) -> dict[str, object]:
    # Compaction happens on the server with the context inline; nothing may be fetched from there.
    from pyld import jsonld

    raise jsonld.JsonLdError(
        f"remote context {url} not loaded on the server", "jsonld.LoadDocumentError"
    )
