"""The registry's graphs a commit writes with its sources: ``names`` patched where it reaches.

The ``names`` graph holds the lines of every firm the store describes (``identity_graphs``). A
commit changes them only for the firms whose registry entry this session changed (a mint, a
renaming, a merge) and for the firms it starts or stops describing; only their lines are built
again, and the stored graph is patched: a 4,000-row list into a store of 20,000 firms costs its
own firms, not a rebuild of 20,000 firms' lines and a read of the stored graph whole (~3 s).

A patch is exact only if the stored graph reflects the registry as this session read it. The
graph records, as the input it was built from, the sha256 of the enterprise registry file the
writer published with it, and its fingerprint covers that file as well as its lines; a graph that
records another file (a registry changed outside a commit, or a graph written before the
record) is built again whole, as is every graph at a rebuild.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from ingest.derivation import fingerprint, line_hash, stored_lines
from ingest.identity import Registry
from ingest.identity_graphs import DERIVED as REGISTRY_GRAPHS
from ingest.identity_graphs import (
    NAMES_GRAPH,
    RegistryGraph,
    described_keys,
    merges_graph,
    names_graph,
    typed_keys,
)
from ingest.provenance import stored_fingerprint
from ingest.registry_files import ENTERPRISE_FILE
from ingest.source_graph import Source, SourceGraph
from ontology import rdf
from ontology.iris import Iris
from ontology.namespaces import LG, PROV, RDF
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore
from ontology.store.common import values_blocks

REGISTRY_FILE = f"registry/{ENTERPRISE_FILE}"  # how the names graph records its input
_MOD = 1 << 256


def registry_graphs(
    store: GraphStore,
    iris: Iris,
    registry: Registry,
    own: Sequence[SourceGraph],
    *,
    replace_all: bool = False,
) -> list[SourceGraph]:
    """The registry's graphs for the store a commit of the ``own`` graphs leaves behind: the
    ``names`` graph whole or as a patch of the stored one, and the ``merges`` graph (small:
    whole). Each one's source is its own text, so an unchanged view is not written again."""
    built = [(sg.source.name, sg.builder) for sg in own]
    names = None if replace_all else _names_patch(store, iris, registry, built)
    if names is None:
        described = described_keys(iris, built, store, replace_all=replace_all)
        names = names_whole(registry, names_graph(iris, registry, described))
    merges = merges_graph(iris, registry)
    data = _text(merges.builder)
    return [names, SourceGraph(Source(merges.name, merges.title, data=data), merges.builder)]


def names_whole(registry: Registry, graph: RegistryGraph) -> SourceGraph:
    """The names graph written whole: its fingerprint covers its lines and the registry file."""
    lines = _text(graph.builder).splitlines(keepends=True)
    file = registry.enterprise_file()
    sha = fingerprint([*lines, _file_line(file)])
    return SourceGraph(_names_source(graph, file, sha), graph.builder)


def _names_patch(
    store: GraphStore, iris: Iris, registry: Registry, built: Iterable[tuple[str, GraphBuilder]]
) -> SourceGraph | None:
    """The names graph as a patch of the stored one, or None when it must be built whole."""
    graph = str(iris.graph(NAMES_GRAPH))
    recorded = stored_fingerprint(store, graph)
    read = registry.enterprise_file(as_read=True)
    file_sha, inputs = recorded_file(store, graph)
    if recorded is None or file_sha != hashlib.sha256(read).hexdigest():
        return None
    built = list(built)
    replaced = {str(iris.graph(name)) for name in (*REGISTRY_GRAPHS, *(n for n, _ in built))}
    typed_now = typed_keys(iris, (t for _, b in built for t in b))
    typed_before = typed_keys(iris, _stored_types(store, replaced))
    keys = registry.changed_keys() | typed_now | typed_before
    elsewhere = _typed_elsewhere(store, iris, sorted(keys - typed_now), replaced)
    part = names_graph(iris, registry, typed_now | elsewhere)
    gone_text = _text(_stored(store, graph, [str(iris.enterprise(k)) for k in sorted(keys)]))
    come = sorted(set(_text(part.builder).splitlines(keepends=True)))
    file = registry.enterprise_file()
    total = int(recorded[0], 16) - line_hash(_file_line(read)) + line_hash(_file_line(file))
    total += sum(map(line_hash, come)) - sum(map(line_hash, gone_text.splitlines(True)))
    _, prov = stored_lines(store, graph, frozenset())
    prov += _text(inputs)
    source = _names_source(part, file, f"{total % _MOD:064x}")
    return SourceGraph(source, part.builder, patch=(gone_text + prov, b"".join(come)))


def recorded_file(store: GraphStore, graph: str) -> tuple[str | None, list[ox.Triple]]:
    """The sha256 of the registry file the stored names graph records as its input, and what
    the graph states of the inputs its activity used (they go with its PROV at a patch)."""
    g = ox.NamedNode(graph)
    sha, inputs = None, []
    for run in store.quads(g, rdf.node(PROV.wasGeneratedBy), None, g):
        if not isinstance(activity := run.object, ox.NamedNode):
            continue
        for used in store.quads(activity, rdf.node(PROV.used), None, g):
            if not isinstance(node := used.object, ox.NamedNode):
                continue
            own = [q.triple for q in store.quads(node, None, None, g)]
            inputs += own
            said = {t.predicate.value: t.object for t in own if isinstance(t.object, ox.Literal)}
            if (label := said.get(str(LG.sourceFile))) and label.value == REGISTRY_FILE:
                sha = said[str(LG.sha256)].value if str(LG.sha256) in said else None
    return sha, inputs


def _names_source(graph: RegistryGraph, file: bytes, sha: str) -> Source:
    return Source(graph.name, graph.title, data=file, file_name=REGISTRY_FILE, fingerprint=sha)


def _file_line(file: bytes) -> bytes:
    """The line the names graph's fingerprint counts for the registry file it reflects."""
    return f"registry {hashlib.sha256(file).hexdigest()}\n".encode()


def _text(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _stored_types(store: GraphStore, graphs: Iterable[str]) -> Iterable[ox.Triple]:
    typed, enterprise = rdf.node(RDF.type), rdf.node(LG.Enterprise)
    for graph in graphs:
        yield from (q.triple for q in store.quads(None, typed, enterprise, ox.NamedNode(graph)))


def _typed_elsewhere(
    store: GraphStore, iris: Iris, keys: list[str], replaced: set[str]
) -> set[str]:
    """The keys a graph the commit keeps types lg:Enterprise (a few VALUES queries, not one
    request per key to a remote engine)."""
    key_of = {str(iris.enterprise(k)): k for k in keys}
    found: set[str] = set()
    for values in values_blocks(sorted(key_of)):
        pattern = f"GRAPH ?g {{ ?s a <{LG.Enterprise}> }}"
        for row in store.select(f"SELECT ?s ?g WHERE {{ VALUES ?s {{ {values} }} {pattern} }}"):
            s, g = row["s"], row["g"]
            if isinstance(s, ox.NamedNode) and g is not None and g.value not in replaced:
                found.add(key_of[s.value])
    return found


def _stored(store: GraphStore, graph: str, subjects: list[str]) -> list[ox.Triple]:
    """What the stored graph states of the subjects (IRIs), each statement once."""
    found = []
    for values in values_blocks(subjects):
        q = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        for row in store.select(q):
            s, p, o = row["s"], row["p"], row["o"]
            if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None:
                found.append(ox.Triple(s, p, o))
    return found
