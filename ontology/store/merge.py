"""The default graph as the RDF merge of the named graphs: a set, kept up to date at each commit.

A query that names no dataset sees the store's real default graph, and that graph holds every
triple some named graph states, once (DESIGN §3: a fact stated by two sources is one triple
there). pyoxigraph's union mode would instead give the fact twice and ignore the query's own
``FROM``; materialising the merge keeps SPARQL 1.1 dataset semantics and works the same on any
remote engine, through SPARQL Update alone.

The merge is maintained per changed graph, so a commit costs in proportion to the graphs it
changes, not to the store: before a graph is replaced or dropped, the triples only it states
leave the default graph; its new triples are then added (adding a triple already there is a
no-op). A graph replaced by a version that differs in few lines is patched instead: only the
lines that go or come are removed or added, in the graph and in the merge (``patch``); a
caller that knows them already hands them over (``Transaction.patch_graph``: ``apply_patch``).
Blank nodes keep their identity in the store: a graph's triples with a blank node are
copied into the default graph by a SPARQL update that binds the stored nodes, because loading
the same N-Triples twice would mint fresh blank nodes that no later deletion could match.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ontology.store.common import in_graph

_DEFAULT = ox.DefaultGraph()


def retire(graph: str) -> str:
    """SPARQL Update: remove from the default graph the triples that only ``graph`` states."""
    return (
        "DELETE { ?s ?p ?o } WHERE { "
        f"GRAPH <{graph}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{graph}>) }} }}"
    )


def copy_blank(graph: str) -> str:
    """SPARQL Update: copy the triples of ``graph`` with a blank node into the default graph."""
    return (
        "INSERT { ?s ?p ?o } WHERE { "
        f"GRAPH <{graph}> {{ ?s ?p ?o }} FILTER (isBlank(?s) || isBlank(?o)) }}"
    )


def split_blank(ntriples: bytes) -> tuple[bytes, bool]:
    """The lines of an N-Triples document that hold no blank node, and whether any line does.

    N-Triples puts one triple on a line, so a line without ``_:`` has no blank node; the few
    lines with it (a literal may contain ``_:`` too) are parsed to tell.
    """
    if b"_:" not in ntriples:
        return ntriples, False
    plain: list[bytes] = []
    blank = False
    for line in ntriples.splitlines(keepends=True):
        if b"_:" in line and any(_has_blank(t) for t in ox.parse(line, ox.RdfFormat.N_TRIPLES)):
            blank = True
        else:
            plain.append(line if line.endswith(b"\n") else line + b"\n")
    return b"".join(plain), blank


def _has_blank(quad: ox.Quad | ox.Triple) -> bool:
    return any(
        isinstance(t, ox.BlankNode) or (isinstance(t, ox.Triple) and _has_blank(t))
        for t in (quad.subject, quad.object)
    )


def replace_graph(
    store: ox.Store, graph: str, ntriples: bytes, *, incremental: bool = True
) -> None:
    """Replace a named graph of a pyoxigraph store, keeping its default graph the merge (or,
    with ``incremental=False``, leaving the merge to a ``rebuild`` once every change is in)."""
    if incremental and patch(store, graph, ntriples):
        return
    drop_graph(store, graph, incremental=incremental)
    node = ox.NamedNode(graph)
    store.bulk_load(ntriples, ox.RdfFormat.N_TRIPLES, to_graph=node)
    if incremental:
        _add(store, graph, ntriples)


def loads_as_new(before: ox.Store, graph: str, ntriples: bytes) -> bool:
    """Whether a graph can join a bulk load of new graphs (``load_new_graphs``): the store
    holds no graph of that name, the text names no blank node (two graphs' texts may use one
    label for two nodes), and each of its lines ends as pyoxigraph writes one (`` .``)."""
    if b"_:" in ntriples or before.contains_named_graph(ox.NamedNode(graph)):
        return False
    lines = ntriples.count(b"\n")
    return lines > 0 and ntriples.endswith(b"\n") and ntriples.count(b" .\n") == lines


def load_new_graphs(store: ox.Store, graphs: Sequence[tuple[str, bytes]]) -> None:
    """Load graphs the store does not hold, and their triples into the merge, in one bulk load
    of N-Quads: each graph's lines in the graph, and as they are for the merge (a triple
    already there is a no-op). Graphs as ``loads_as_new`` accepts them."""
    parts = []
    for graph, text in graphs:
        parts += [in_graph(text, graph), text]
    store.bulk_load(b"".join(parts), ox.RdfFormat.N_QUADS)


PATCH_AT_MOST = 0.25  # patch a graph while at most this share of its triples come or go
BULK_AT_LEAST = 10_000  # a patch adding this many lines or more loads them in bulk


def patch(store: ox.Store, graph: str, ntriples: bytes) -> bool:
    """Replace a stored graph by what differs between its two versions, if little does.

    The registry's graphs and the derived graph are rewritten at every commit that adds a firm,
    and most of their triples stay: removing and reloading them whole (and retiring each from
    the merge) would cost in proportion to the store. Only graphs without blank nodes are
    patched (a blank node of the new text is never the stored one). The versions are compared
    line by line (the store writes a triple as the text it was read from, but for the integer
    subtypes it stores as ``xsd:integer``: such a line reads as changed, and is removed and
    added back). Returns whether it patched.
    """
    node = ox.NamedNode(graph)
    if b"_:" in ntriples or not store.contains_named_graph(node):
        return False
    stored = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""
    if b"_:" in stored:
        return False
    old, new = set(stored.splitlines()), set(ntriples.splitlines())
    gone_lines, come_lines = old - new, new - old
    if not worth_patching(len(gone_lines) + len(come_lines), max(len(old), len(new))):
        return False
    apply_patch(store, graph, b"\n".join(gone_lines), b"\n".join(come_lines))
    return True


def worth_patching(changed: int, size: int, *texts: bytes) -> bool:
    """Whether a graph whose two versions differ in ``changed`` of ``size`` lines is patched
    rather than replaced: at most ``PATCH_AT_MOST`` of its lines come or go, and no blank node
    in ``texts`` (a blank node of a new text is never the stored one). The one rule for the
    store's own comparison (``patch``) and a caller's that compared already."""
    return changed <= PATCH_AT_MOST * size and not any(b"_:" in t for t in texts)


def apply_patch(store: ox.Store, graph: str, remove: bytes, add: bytes) -> None:
    """Remove the triples of ``remove`` from a named graph and add those of ``add`` (N-Triples
    without blank nodes), keeping the default graph the merge: a removed triple leaves it only
    when no other named graph states it; the added ones go into both (in bulk when many: a
    first load of the names graph adds ~100,000 lines)."""
    node = ox.NamedNode(graph)
    for t in _triples(remove):
        store.remove(ox.Quad(t.subject, t.predicate, t.object, node))
        stated = store.quads_for_pattern(t.subject, t.predicate, t.object, None)
        if not any(isinstance(q.graph_name, ox.NamedNode) for q in stated):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, _DEFAULT))
    if add.count(b"\n") >= BULK_AT_LEAST:
        for g in (node, _DEFAULT):
            store.bulk_load(add, ox.RdfFormat.N_TRIPLES, to_graph=g)
        return
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, g)
        for t in _triples(add)
        for g in (node, _DEFAULT)
    )


def check_patchable(*texts: bytes) -> None:
    """Raises: ValueError when a patch's lines hold a blank node (a blank node of a text is
    never the stored one, so no patch can name it)."""
    for text in texts:
        if split_blank(text)[1]:
            raise ValueError("a patch cannot hold a blank node: replace the graph instead")


def _triples(text: bytes) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)} if text.strip() else set()


def drop_graph(store: ox.Store, graph: str, *, incremental: bool = True) -> None:
    """Remove a named graph of a pyoxigraph store and the triples only it gave the merge."""
    node = ox.NamedNode(graph)
    if store.contains_named_graph(node):
        if incremental:
            store.update(retire(graph))
        store.remove_graph(node)


REBUILD_AT_LEAST = 10_000  # retiring fewer triples than this is never worth a rebuild


def cheaper_to_rebuild(retired: int, total: int) -> bool:
    """Whether rebuilding the merge beats keeping it, once graphs of ``retired`` triples (of
    ``total`` in the store) are replaced or dropped.

    Measured on pyoxigraph on disk (bench/bench_store.py): retiring a triple from the merge and
    adding its successor costs about twice what re-inserting a triple in a rebuild does.
    """
    return retired >= REBUILD_AT_LEAST and retired * 2 > total


def rebuild(store: ox.Store) -> None:
    """Make the default graph the merge of the named graphs from scratch (cost: the whole store).

    One update over the stored terms: no triple is decoded to text and back, and blank nodes
    keep their identity.
    """
    store.clear_graph(_DEFAULT)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def missing(store: ox.Store) -> bool:
    """Whether a store's named graphs hold triples but its default graph none: a store written
    before the default graph held the merge."""
    if store.query("ASK { ?s ?p ?o }"):  # instant, unlike asking the named graphs
        return False
    return bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }"))


def _add(store: ox.Store, graph: str, ntriples: bytes) -> None:
    plain, blank = split_blank(ntriples)
    if plain:
        store.bulk_load(plain, ox.RdfFormat.N_TRIPLES, to_graph=_DEFAULT)
    if blank:
        store.update(copy_blank(graph))
