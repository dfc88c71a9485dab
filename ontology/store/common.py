"""What the embedded and the remote store share: errors, result types, typed queries, datasets."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
"""What a SPARQL query gives back: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT,
DESCRIBE), exactly as pyoxigraph returns them, whichever store answered."""

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal


COUNT_IN_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
"""Triples in one graph (``graph="<iri>"``) or in every named graph (``graph="?g"``)."""


VALUES_BLOCK = 1000  # IRIs per VALUES block: one request to a remote engine, a few ms embedded


def values_blocks(iris: Sequence[str]) -> Iterator[str]:
    """The IRIs as the bodies of VALUES blocks (``<a> <b> …``) of ``VALUES_BLOCK`` each: a
    lookup of many nodes asks one query per block, not one per node."""
    for i in range(0, len(iris), VALUES_BLOCK):
        yield " ".join(f"<{iri}>" for iri in iris[i : i + VALUES_BLOCK])


def in_graph(ntriples: bytes, graph: str) -> bytes:
    """A graph's N-Triples as N-Quads of ``graph``: the graph named before each line's final
    `` .`` (a line break inside a term is always escaped, so ``" .\\n"`` only ends a line). For
    text pyoxigraph wrote, whose every line ends so; ``merge.loads_as_new`` checks others."""
    return ntriples.replace(b" .\n", f" <{graph}> .\n".encode())


class StoreLocked(Exception):  # noqa: N818 - a state of the store, reported to the user as such
    """Another writer held the store's single-writer lock for longer than this writer would wait."""

    def __init__(self, store: str, holder: str | None, waited_s: float) -> None:
        self.store = store
        self.holder = holder
        self.waited_s = waited_s
        who = f"held by {holder}" if holder else "held by another writer"
        super().__init__(f"the store {store} is being written ({who}); waited {waited_s:g} s")


def dataset_arguments(
    default_graph: list[str] | None, named_graphs: list[str] | None
) -> dict[str, Any]:
    """pyoxigraph's query arguments for a dataset given by the caller (SPARQL Protocol §2.1.4).

    With neither list the query's own ``FROM``/``FROM NAMED`` decide, and a query that names no
    dataset sees the store's default graph, which holds the merge of the named graphs. A list
    given overrides the query; the one not given is then empty, as the protocol defines.
    ``""`` in ``default_graph`` names the store's default graph.
    """
    if default_graph is None and named_graphs is None:
        return {}
    return {
        "default_graph": [
            ox.DefaultGraph() if g == "" else ox.NamedNode(g) for g in default_graph or []
        ],
        "named_graphs": [ox.NamedNode(g) for g in named_graphs or []],
    }


def ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """Serialise the triples of ``quads`` (their graph names dropped) as N-Triples."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class TypedQueries:
    """``select``/``ask``/``construct`` over a store's ``query``, each checked for its form."""

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        raise NotImplementedError

    def select(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions:
        """Evaluate a SELECT query. Raises: TypeError for another query form."""
        result = self.query(sparql, default_graph=default_graph, named_graphs=named_graphs)
        return expect_solutions(result)

    def ask(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> bool:
        """Evaluate an ASK query. Raises: TypeError for another query form."""
        result = self.query(sparql, default_graph=default_graph, named_graphs=named_graphs)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError(f"ask() needs an ASK query, not one giving {type(result).__name__}")
        return bool(result)

    def construct(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> list[ox.Triple]:
        """Evaluate a CONSTRUCT or DESCRIBE query. Raises: TypeError for another query form."""
        result = self.query(sparql, default_graph=default_graph, named_graphs=named_graphs)
        if not isinstance(result, ox.QueryTriples):
            raise TypeError(f"construct() needs a CONSTRUCT query, not {type(result).__name__}")
        return list(result)


def expect_solutions(result: QueryResult) -> ox.QuerySolutions:
    """The solutions of a SELECT query. Raises: TypeError for another query form."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"select() needs a SELECT query, not one giving {type(result).__name__}")
    return result


def count(result: QueryResult) -> int:
    """The integer in the first column of the first row of a ``SELECT (COUNT(…) AS ?n)``."""
    term = next(iter(expect_solutions(result)))[0]
    if not isinstance(term, ox.Literal):
        raise TypeError(f"expected a count, got {term!r}")
    return int(term.value)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file, fsynced, renamed over it."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    fsync_path(path.parent)


def fsync_path(path: Path) -> None:
    """Flush a file's or a directory's entry to disk (a rename is durable once its directory is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
