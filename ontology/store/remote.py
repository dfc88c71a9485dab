"""A remote SPARQL 1.1 engine as the store (Oxigraph server, Jena Fuseki, GraphDB, Virtuoso ...).

Queries and updates go over the SPARQL 1.1 Protocol (``sparql_http.py``) and answers come back
as pyoxigraph results, so callers cannot tell the difference. Nothing engine-specific is used:

- The merge of the named graphs (the default graph of a query that names no dataset, a set:
  DESIGN §3) is kept in the reserved named graph ``MERGE_GRAPH`` by the same update that
  changes the graphs, and every query that names no dataset is sent with the protocol's
  ``default-graph-uri=MERGE_GRAPH`` and one ``named-graph-uri`` per data graph. So the engine's
  own default graph (on Virtuoso: every graph, its system graphs included) and the reserved
  graphs are never seen by a reader, whatever the engine's notion of a default graph.
- Bookkeeping lives in the reserved named graph ``STATE_GRAPH``: the commit marker (a fresh
  token per commit), the list of data graphs it published, the commit counts, the writer lease.
  One small query reads marker and list together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ontology.store import merge
from ontology.store import remote_update as ops
from ontology.store.common import (
    Object,
    QueryResult,
    StoreLocked,
    Subject,
    TypedQueries,
    count,
    ntriples,
    write_atomically,
)
from ontology.store.remote_update import ABOUT_CHUNK, MERGE_GRAPH, STATE_GRAPH, View, about_queries
from ontology.store.sparql_http import SparqlClient

__all__ = ["MERGE_GRAPH", "STATE_GRAPH", "RemoteStore", "RemoteTransaction"]

DEFAULT_WAIT_S = 60.0
# The writer's lease: renewed every LEASE_S / 3 while its transaction is open, so a writer that
# was killed blocks the next one for LEASE_S at most.
LEASE_S = 60.0
VIEW_TTL_S = 0.2  # how stale the marker and the graph list read for a query may be
_OWN_DATASET = re.compile(r"\bFROM\s+(?:NAMED\s+)?[<\w]", re.IGNORECASE)


class RemoteTransaction:
    """Changes collected for one SPARQL Update request, sent when the block exits normally."""

    def __init__(self, store: RemoteStore) -> None:
        self._store = store
        self.operations: list[str] = []
        self.replaced: set[str] = set()
        self.dropped: set[str] = set()
        self.files: dict[Path, bytes] = {}

    def publish_file(self, path: Path, data: bytes) -> None:
        """Write ``data`` at ``path`` once the engine has applied the commit.

        A remote engine cannot take part in a local rename: a writer killed between the two
        leaves the file behind the store, which ``littlegiant validate`` reports.
        """
        self.files[path] = data

    def replace_graph(self, name: str, ntriples: bytes) -> None:
        """Replace the named graph ``name`` by the triples of an N-Triples document."""
        ops.check_data_graph(name)
        self.operations += ops.replace_graph(name, ntriples)
        self.replaced.add(name)
        self.dropped.discard(name)

    def patch_graph(self, name: str, remove: bytes, add: bytes) -> None:
        """Remove the lines of ``remove`` from graph ``name`` and add those of ``add`` (no blank
        node), the merge following. Raises: ValueError for a blank node or a reserved graph."""
        ops.check_data_graph(name)
        merge.check_patchable(remove, add)
        self.operations += ops.patch_graph(name, remove, add)
        self.replaced.add(name)
        self.dropped.discard(name)

    def drop_graph(self, name: str) -> None:
        """Remove the named graph ``name`` (nothing happens if it does not exist)."""
        ops.check_data_graph(name)
        self.operations += ops.drop_graph(name)
        self.dropped.add(name)
        self.replaced.discard(name)

    def select(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions:
        """Evaluate a SELECT query; nothing is sent before the end: it sees the store as before."""
        return self._store.select(sparql, default_graph=default_graph, named_graphs=named_graphs)


class RemoteStore(TypedQueries):
    """A SPARQL 1.1 query endpoint and update endpoint.

    A commit is one SPARQL Update request: for each graph DROP + INSERT with the merge kept up
    to date, then the new marker, the new graph list and the release of the lease. Oxigraph
    applies one request in one transaction, so readers see all of it or none of it; Jena TDB2,
    GraphDB and Neptune do the same. Virtuoso does not (it commits operation by operation and
    keeps what ran before a failure; ``deploy/virtuoso/README.md`` has the measurements): there
    the operations go one request each and the marker last, so caches and ETags move only
    once everything is in, but a reader querying meanwhile can see the change half applied.
    """

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self.client = SparqlClient(
            query_endpoint, update_endpoint, user=user, password=password, timeout_s=timeout_s
        )
        self.query_endpoint = self.client.query_endpoint
        self.update_endpoint = self.client.update_endpoint
        self.path: Path | None = None  # nothing on local disk (the embedded store's attribute)
        self._view: tuple[float, View] | None = None
        self._view_lock = threading.Lock()

    # -- the published state
    def view(self, *, fresh: bool = False) -> View:
        """The marker and the data graphs of the published state (at most VIEW_TTL_S old)."""
        now = time.monotonic()
        with self._view_lock:
            if not fresh and self._view is not None and now - self._view[0] < VIEW_TTL_S:
                return self._view[1]
        view = ops.read_view(self.client.query(ops.VIEW_QUERY, None))
        with self._view_lock:
            self._view = (now, view)
        return view

    def generation(self) -> str:
        """The commit marker the last commit stored ("" before the first)."""
        return self.view().generation

    def commit_counts(self) -> dict[str, int]:
        """How many commits were published and how many refused, by every writer."""
        return ops.read_counts(self.client.query(ops.COUNTS_QUERY, None))

    def dataset(self) -> tuple[list[str], list[str]]:
        """The protocol dataset of a query that names none: the merge and every data graph."""
        return [MERGE_GRAPH], list(self.view().graphs)

    # -- reading
    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Evaluate a query; a dataset given here is sent as the protocol's graph parameters,
        which override the query's own ``FROM`` ("" names the merge of the named graphs)."""
        dataset: tuple[list[str], list[str]] | None
        if default_graph is not None or named_graphs is not None:
            dataset = (
                [MERGE_GRAPH if g == "" else g for g in default_graph or []] or [ops.NO_GRAPH],
                list(named_graphs or []) or [ops.NO_GRAPH],
            )
        elif _OWN_DATASET.search(sparql):
            dataset = None  # the query's own FROM / FROM NAMED decide
        else:
            dataset = self.dataset()
        return self.client.query(sparql, dataset)

    def publish_pending(self) -> bool:
        """Always False: a remote commit is one request, with nothing left to finish."""
        return False

    def is_empty(self) -> bool:
        return not self.view().graphs

    def named_graphs(self) -> list[str]:
        return sorted(self.view().graphs)

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        obj: Object | None = None,
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern; in the named graphs unless ``graph`` is DefaultGraph.

        A blank node has no name outside the answer that gave it: written into a query it is a
        fresh variable and would match every node. A pattern with one matches nothing here: ask
        for a node's blank nodes in the same query that names the node.
        """
        if any(isinstance(t, ox.BlankNode) for t in (subject, obj)):
            return

        def term(t: object, var: str) -> str:
            return str(t) if t is not None else f"?{var}"

        pattern = f"{term(subject, 's')} {term(predicate, 'p')} {term(obj, 'o')}"
        if isinstance(graph, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        elif graph is not None:
            where = f"{{ GRAPH {graph} {{ {pattern} }} }}"
        else:
            where = f"{{ GRAPH ?g {{ {pattern} }} }}"
        for row in self.select(f"SELECT * WHERE {where}"):
            terms = (subject or row["s"], predicate or row["p"], obj or row["o"], graph or row["g"])
            yield _quad(*terms, row=row)

    def about(self, iris: Sequence[str], *, excluding: frozenset[str]) -> Iterator[ox.Quad]:
        """What the named graphs but ``excluding`` say of the IRIs, and of the blank nodes they
        point to: a few queries of ``ABOUT_CHUNK`` nodes each (every query is a round trip), the
        blank nodes' triples in the answer that names them (their labels mean nothing outside)."""
        for start in range(0, len(iris), ABOUT_CHUNK):
            own, blank = about_queries(iris[start : start + ABOUT_CHUNK], excluding)
            for row in self.select(own):
                yield _quad(row["s"], row["p"], row["o"], row["g"], row=row)
            for row in self.select(blank):
                yield _quad(row["n"], row["link"], row["b"], row["g"], row=row)
                yield _quad(row["b"], row["p"], row["o"], row["g"], row=row)

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        if self.is_empty():
            return 0
        return count(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))

    def graph_ntriples(self, name: str) -> bytes:
        triples = (q.triple for q in self.quads(graph=ox.NamedNode(name)))
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def dump(self, path: Path) -> None:
        """Write every named graph as N-Quads."""
        tmp = path.with_name(path.name + ".part")
        ox.serialize(self.quads(), str(tmp), format=ox.RdfFormat.N_QUADS)
        tmp.replace(path)

    def nquads(self) -> bytes:
        return ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS) or b""

    # -- writing
    @contextlib.contextmanager
    def transaction(self, *, wait_s: float = DEFAULT_WAIT_S) -> Iterator[RemoteTransaction]:
        """Take the writer's lease and collect changes; a normal exit sends them in one request.

        Raises:
            StoreLocked: another writer kept the lease for ``wait_s`` seconds.
        """
        holder = self._acquire(wait_s)
        renew = _Renewal(self, holder)
        try:
            tx = RemoteTransaction(self)
            yield tx
            renew.stop()
            if (now_holder := self._holder()) != holder:
                lost = f"{now_holder or 'nobody'} (this writer's lease ran out)"
                raise StoreLocked(self.update_endpoint, lost, LEASE_S)
            before = self.view(fresh=True).graphs
            after = (set(before) | tx.replaced) - tx.dropped
            marker = f"{dt.datetime.now(dt.UTC).isoformat()} {uuid.uuid4()}"
            publish = [*ops.publish(marker, sorted(after)), ops.release(holder)]
            if self._one_request():
                self.client.update(" ;\n".join([*tx.operations, *publish]))
            else:
                for operation in tx.operations:  # the marker moves last, in its own request
                    self.client.update(operation)
                self.client.update(" ;\n".join(publish))
            for path, data in tx.files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, data)
        except BaseException:
            renew.stop()
            with contextlib.suppress(Exception):
                self.client.update(" ;\n".join([ops.count_refused(), ops.release(holder)]))
            raise
        finally:
            with self._view_lock:
                self._view = None

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        """Replace each named graph by the triples of the given quads, all or nothing."""
        with self.transaction() as tx:
            for name, quads in graphs.items():
                tx.replace_graph(name, ntriples(quads))

    def adopt(self, graphs: Iterable[str], *, build_merge: bool = False) -> None:
        """Publish graphs an engine's own bulk loader wrote (``oxigraph load``, or
        ``deploy/virtuoso/load.sh --merge-graph MERGE_GRAPH``) as the store's state: the merge
        (built here with ``build_merge``), a new marker and these data graphs.

        Raises: StoreLocked when another writer holds the lease.
        """
        names = sorted(set(graphs))
        for name in names:
            ops.check_data_graph(name)
        holder = self._acquire(0.0)
        marker = f"{dt.datetime.now(dt.UTC).isoformat()} {uuid.uuid4()}"
        try:
            if build_merge:
                self.client.update(f"DROP SILENT GRAPH <{MERGE_GRAPH}>")
                for name in names:
                    self.client.update(ops.copy_to_merge(name))
            self.client.update(" ;\n".join([*ops.publish(marker, names), ops.release(holder)]))
        finally:
            with self._view_lock:
                self._view = None

    def _one_request(self) -> bool:
        """Whether a commit goes as one update request (the engine applies it as a unit).

        Virtuoso compiles a request to one SQL procedure and gives up past a few thousand
        triples (``SR171: Transaction timed out``, ``SP031``), and it does not apply a request
        as a unit anyway (``deploy/virtuoso/README.md``); there each operation is its own
        request and the commit marker moves last.
        """
        return "virtuoso" not in self.client.engine().lower()

    def _acquire(self, wait_s: float) -> str:
        """Take the lease: one conditional update, so two writers cannot both get it."""
        me = f"pid {os.getpid()} on {socket.gethostname()} ({uuid.uuid4().hex[:8]})"
        deadline = time.monotonic() + wait_s
        while True:
            self.client.update(ops.take_lease(me, LEASE_S))
            holder = self._holder()
            if holder == me:
                return me
            if time.monotonic() >= deadline:
                raise StoreLocked(self.update_endpoint, holder, wait_s)
            time.sleep(0.2)

    def _holder(self) -> str | None:
        return ops.read_holder(self.client.query(ops.HOLDER_QUERY, None))

    def close(self) -> None:
        self.client.close()


class _Renewal:
    """Extends a writer's lease while its transaction is open (a killed writer stops renewing)."""

    def __init__(self, store: RemoteStore, holder: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(store, holder), daemon=True, name="lg-lease"
        )
        self._thread.start()

    def _run(self, store: RemoteStore, holder: str) -> None:
        while not self._stop.wait(LEASE_S / 3):
            with contextlib.suppress(Exception):
                store.client.update(ops.renew_lease(holder, LEASE_S))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(5.0)


def _quad(s: object, p: object, o: object, g: object, *, row: object) -> ox.Quad:
    """The quad of an answer's terms. Raises: TypeError for terms no quad can hold."""
    if not (
        isinstance(s, ox.NamedNode | ox.BlankNode)
        and isinstance(p, ox.NamedNode)
        and isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal)
        and isinstance(g, ox.NamedNode | ox.DefaultGraph)
    ):
        raise TypeError(f"the engine answered a pattern with {row}")
    return ox.Quad(s, p, o, g)
