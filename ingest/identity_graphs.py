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
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from ingest.identity import Registry
from ingest.load import Source, SourceGraph
from ingest.regions import RegionTable
from ontology import rdf
from ontology.iris import Iris
from ontology.names import has_cjk, language_of
from ontology.namespaces import DCTERMS, LG, OWL, RDF, RDFS
from ontology.rdf import GraphBuilder
from ontology.store import EmbeddedStore

NAMES_GRAPH = "names"
MERGES_GRAPH = "merges"
DERIVED = (NAMES_GRAPH, MERGES_GRAPH)


def identity_graphs(iris: Iris, registry: Registry, described: Iterable[str]) -> list[SourceGraph]:
    """The ``names`` graph of the described keys and the ``merges`` graph of every merge."""
    return [_names(iris, registry, described), _merges(iris, registry)]


def with_identity_graphs(
    store: EmbeddedStore,
    iris: Iris,
    registry: Registry,
    graphs: Sequence[SourceGraph],
    *,
    replace_all: bool = False,
) -> list[SourceGraph]:
    """The graphs of a commit, with the registry's graphs for the store they leave behind."""
    own = [sg for sg in graphs if sg.source.name not in DERIVED]
    described = described_keys(iris, own, store, replace_all=replace_all)
    return [*own, *identity_graphs(iris, registry, described)]


def described_keys(
    iris: Iris,
    graphs: Sequence[SourceGraph],
    store: EmbeddedStore | None = None,
    *,
    replace_all: bool = False,
) -> set[str]:
    """Keys typed lg:Enterprise by the graphs about to be committed or by the store's graphs
    that stay (all but those replaced; none when the commit replaces everything)."""
    keys: set[str] = set()
    enterprise, typed = rdf.node(LG.Enterprise), rdf.node(RDF.type)
    for sg in graphs:
        keys |= {
            t.subject.value
            for t in sg.builder
            if t.predicate == typed
            and t.object == enterprise
            and isinstance(t.subject, ox.NamedNode)
        }
    if store is not None and not replace_all:
        replaced = {str(iris.graph(sg.source.name)) for sg in graphs}
        replaced |= {str(iris.graph(name)) for name in DERIVED}
        for q in store.quads(None, typed, enterprise):
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in replaced:
                keys.add(q.subject.value)
    return {parsed.local for k in keys if (parsed := iris.parse(k)) and parsed.kind == "enterprise"}


def _names(iris: Iris, registry: Registry, described: Iterable[str]) -> SourceGraph:
    b = GraphBuilder()
    regions: RegionTable = registry.regions
    for key in sorted(set(described)):
        if registry.canonical(key) != key:
            continue
        e = iris.enterprise(key)
        if legal := registry.legal_name(key):
            b.add(e, LG.legalName, rdf.text(legal, "zh"))
        for former in registry.former_names(key):
            if has_cjk(former):
                b.add(e, LG.formerName, rdf.text(former, "zh"))
        if (region := regions.get(registry.region_of(key))) is not None:
            b.add(e, LG.reportingRegion, region.iri(iris))
        if code := registry.uscc_of(key):
            b.add(e, LG.uscc, rdf.text(code))
    title = "Each enterprise's current legal name, former names, region and credit code"
    return _derived(NAMES_GRAPH, f"{title}, as the key registry records them", b)


def _merges(iris: Iris, registry: Registry) -> SourceGraph:
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
        if m.reason:
            b.add(merged, RDFS.comment, rdf.text(m.reason, language_of(m.reason)))
    return _derived(MERGES_GRAPH, "Merged enterprise keys, as the key registry records them", b)


def _derived(name: str, title: str, builder: GraphBuilder) -> SourceGraph:
    """A graph whose source is the registry: its bytes are the graph's own triples, so that an
    unchanged registry view is an unchanged source and is not written again."""
    builder.triples[:] = sorted(set(builder.triples), key=str)
    data = ox.serialize(builder.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return SourceGraph(Source(name, title, data=data), builder)
