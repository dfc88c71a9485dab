"""The key registry's own graphs: ``names`` and ``merges``.

Sources print names; only the registry says which name is the firm's *current* legal name (the
first printed, until a renaming — a （原名：…） note, a credit code printed with another name, a
merge — replaces it), so the one ``lg:legalName`` per firm, its ``lg:formerName`` values, the
region it reports in (the most specific any listing printed: a planned city refines its
province) and its credit code are stated once, in ``names``. Source graphs state what they
print: ``rdfs:label``, ``lg:englishName``, the former names their notes give, and the region on
the listing (``lg:reportedBy``).

``merges`` holds one tombstone per merge a person recorded (``littlegiant merge``): the merged
IRI ``owl:sameAs`` and ``dcterms:isReplacedBy`` the survivor (which says ``owl:sameAs`` back),
``lg:mergedOn``, the source that says they are one firm and the reason given. The server answers
301 from the merged IRI to the survivor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ingest.identity import Registry
from ingest.regions import RegionTable
from ontology import rdf
from ontology.iris import Iris
from ontology.names import has_cjk, language_of
from ontology.namespaces import DCTERMS, LG, OWL, RDF, RDFS
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore

NAMES_GRAPH = "names"
MERGES_GRAPH = "merges"
DERIVED = (NAMES_GRAPH, MERGES_GRAPH)


@dataclass(frozen=True)
class RegistryGraph:
    """One of the registry's graphs: its name, title and triples (``load.commit`` writes it,
    its source being the triples themselves: an unchanged view is not written again)."""

    name: str
    title: str
    builder: GraphBuilder


def described_keys(
    iris: Iris,
    graphs: Iterable[tuple[str, GraphBuilder]],
    store: GraphStore | None = None,
    *,
    replace_all: bool = False,
) -> set[str]:
    """Keys typed lg:Enterprise by the graphs (name, triples) about to be committed or by the
    store's graphs that stay (all but those replaced; none when everything is replaced)."""
    graphs = list(graphs)
    replaced = {str(iris.graph(name)) for name in (*DERIVED, *(name for name, _ in graphs))}
    keys = typed_keys(iris, (t for _, builder in graphs for t in builder))
    if store is not None and not replace_all:
        kept = (
            q.triple
            for q in store.quads(None, rdf.node(RDF.type), rdf.node(LG.Enterprise))
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in replaced
        )
        keys |= typed_keys(iris, kept)
    return keys


def typed_keys(iris: Iris, triples: Iterable[ox.Triple]) -> set[str]:
    """The enterprise keys the triples type lg:Enterprise."""
    typed, enterprise = rdf.node(RDF.type), rdf.node(LG.Enterprise)
    found = {
        t.subject.value
        for t in triples
        if t.predicate == typed and t.object == enterprise and isinstance(t.subject, ox.NamedNode)
    }
    return {p.local for k in found if (p := iris.parse(k)) and p.kind == "enterprise"}


def names_graph(iris: Iris, registry: Registry, described: Iterable[str]) -> RegistryGraph:
    """The ``names`` graph's lines of the described keys (a key merged into another has none:
    the survivor's lines carry its names)."""
    b = GraphBuilder()
    regions: RegionTable = registry.regions
    for key in sorted(set(described)):
        if registry.canonical(key) != key:
            continue
        e = iris.enterprise(key)
        if legal := registry.legal_name(key):
            b.add(e, LG.legalName, rdf.text(legal, "zh"))
        for former in sorted(set(registry.former_names(key))):
            if has_cjk(former):
                b.add(e, LG.formerName, rdf.text(former, "zh"))
        if (region := regions.get(registry.region_of(key))) is not None:
            b.add(e, LG.reportingRegion, region.iri(iris))
        if code := registry.uscc_of(key):
            b.add(e, LG.uscc, rdf.text(code))
    title = "Each enterprise's current legal name, former names, region and credit code"
    return _once(RegistryGraph(NAMES_GRAPH, f"{title}, as the key registry records them", b))


def merges_graph(iris: Iris, registry: Registry) -> RegistryGraph:
    """The ``merges`` graph: one tombstone per merge recorded."""
    b = GraphBuilder()
    for m in registry.merges():
        merged, survivor = iris.enterprise(m.key), iris.enterprise(registry.canonical(m.into))
        b.add(merged, OWL.sameAs, survivor)
        b.add(survivor, OWL.sameAs, merged)
        b.add(merged, DCTERMS.isReplacedBy, survivor)
        b.add(merged, LG.mergedOn, rdf.date(dt.date.fromisoformat(m.on)))
        b.add(merged, RDFS.label, rdf.text(f"{m.key}, merged into {m.into}", "en"))
        if m.source_url:
            b.add(merged, DCTERMS.source, rdf.node(m.source_url))
            b.type(rdf.node(m.source_url), LG.SourcePage)
        if m.reason:
            b.add(merged, RDFS.comment, rdf.text(m.reason, language_of(m.reason)))
    title = "Merged enterprise keys, as the key registry records them"
    return _once(RegistryGraph(MERGES_GRAPH, title, b))


def _once(graph: RegistryGraph) -> RegistryGraph:
    """The triples once each, in the order built: keys in order and each key's values in one
    order, so that one registry view is always the same bytes (sorting 100,000 triples by
    their text instead took seconds at every commit)."""
    graph.builder.triples[:] = dict.fromkeys(graph.builder.triples)
    return graph
