"""The one store interface of ingest and server: embedded pyoxigraph, or a remote SPARQL engine.

``GraphStore`` is what callers type against; ``EmbeddedStore`` (``embedded.py``) and
``RemoteStore`` (``remote.py``) both satisfy it. In both the default graph is the RDF merge of
the named graphs, a set (``merge.py``), and a query's own ``FROM``/``FROM NAMED`` decide its
dataset; ``len``, ``quads``, ``dump`` and ``named_graphs`` speak of the named graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from ontology.store.common import Object, QueryResult, StoreLocked, Subject, ntriples
from ontology.store.embedded import EmbeddedStore
from ontology.store.remote import RemoteStore, RemoteTransaction
from ontology.store.staging import EmbeddedTransaction

if TYPE_CHECKING:
    from ontology.settings import Settings

__all__ = [
    "EmbeddedStore",
    "EmbeddedTransaction",
    "GraphStore",
    "QueryResult",
    "RemoteStore",
    "RemoteTransaction",
    "StoreLocked",
    "Transaction",
    "load_dataset",
    "open_store",
]


class Transaction(Protocol):
    """Changes staged under the store's single-writer lock, published together or not at all."""

    def replace_graph(self, name: str, ntriples: bytes) -> None:
        """Replace the named graph ``name`` by the triples of an N-Triples document."""
        ...

    def patch_graph(self, name: str, remove: bytes, add: bytes) -> None:
        """Remove the triples of ``remove`` from the named graph ``name`` and add those of
        ``add`` (both N-Triples, no blank node), the merge following: for a large graph of which
        the caller knows the few lines that change, without the store reading it whole.

        Raises: ValueError when a line holds a blank node.
        """
        ...

    def drop_graph(self, name: str) -> None:
        """Remove the named graph ``name`` (nothing happens if it does not exist)."""
        ...

    def publish_file(self, path: Path, data: bytes) -> None:
        """Write ``data`` at ``path`` as part of publishing this state (the key registry)."""
        ...

    def select(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions:
        """Evaluate a SELECT query against the store as it was before the transaction."""
        ...


class GraphStore(Protocol):
    """What ingest and server need from a store."""

    def generation(self) -> str:
        """An opaque commit marker that changes on every publish ("" before the first)."""
        ...

    def is_empty(self) -> bool: ...

    def commit_counts(self) -> dict[str, int]:
        """Commits published (``ok``) and refused (``refused``) by every writer of the store."""
        ...

    def publish_pending(self) -> bool:
        """Whether a publish was decided but not finished (the next writer finishes it)."""
        ...

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        ...

    def named_graphs(self) -> list[str]: ...

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        obj: Object | None = None,
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern; in the named graphs unless ``graph`` is DefaultGraph."""
        ...

    def about(self, iris: Sequence[str], *, excluding: frozenset[str]) -> Iterator[ox.Quad]:
        """What the named graphs but ``excluding`` say of the IRIs, and of the blank nodes they
        point to (a blank node cannot be asked for by itself over a protocol: it comes with the
        triple that names it)."""
        ...

    def dump(self, path: Path) -> None:
        """Write every named graph as N-Quads."""
        ...

    def nquads(self) -> bytes:
        """Every named graph as N-Quads, in one document (the merge in the default graph left
        out: it is derived)."""
        ...

    def graph_ntriples(self, name: str) -> bytes:
        """The named graph ``name`` as N-Triples, one triple a line (b"" when it is absent): two
        versions of a graph compare line by line without a Python object per triple."""
        ...

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Evaluate any query; ``default_graph``/``named_graphs`` override the query's dataset."""
        ...

    def select(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions:
        """Evaluate a SELECT query. Raises: TypeError for another query form."""
        ...

    def ask(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> bool:
        """Evaluate an ASK query. Raises: TypeError for another query form."""
        ...

    def construct(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> list[ox.Triple]:
        """Evaluate a CONSTRUCT or DESCRIBE query. Raises: TypeError for another query form."""
        ...

    def transaction(self, *, wait_s: float = ...) -> AbstractContextManager[Transaction]:
        """Take the single-writer lock on entry; a normal exit publishes every staged change.

        Raises: StoreLocked when another writer keeps the lock for ``wait_s`` seconds.
        """
        ...

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        """Replace each named graph by the triples of the given quads, all or nothing."""
        ...


def open_store(settings: Settings | Path | None) -> EmbeddedStore | RemoteStore:
    """Open the store the settings name: the remote engine of ``LG_SPARQL_ENDPOINT`` when it is
    set, else the embedded store (a directory, or None: in memory).

    A bare path (or None) is still accepted for callers that pass ``settings.store``; only
    ``Settings`` carries the fault-injection pause points.
    """
    if settings is None or isinstance(settings, Path):
        return EmbeddedStore(settings)
    if settings.sparql_endpoint:
        return RemoteStore(
            settings.sparql_endpoint,
            settings.sparql_update_endpoint,
            user=settings.sparql_user,
            password=settings.sparql_password,
            timeout_s=max(60.0, settings.query_timeout_s + 5.0),
        )
    return EmbeddedStore(settings.store, pause_at=settings.pause_at)


def load_dataset(store: GraphStore, path: Path) -> None:
    """Replace each named graph that a TriG or N-Quads file holds, in one transaction.

    Raises: ValueError for a file with triples in its default graph (the store derives that
    graph from the named ones).
    """
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(path)):
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise ValueError(f"{path}: {quad} is not in a named graph")
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    with store.transaction() as tx:
        for name, quads in graphs.items():
            tx.replace_graph(name, ntriples(quads))


if TYPE_CHECKING:  # both stores satisfy the protocol: mypy checks it here
    _embedded: GraphStore = EmbeddedStore(None)
    _remote: GraphStore = RemoteStore("")
