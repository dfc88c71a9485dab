"""A remote SPARQL 1.1 engine as the store (Oxigraph server, Jena Fuseki, GraphDB, Virtuoso ...).

Queries go through SPARQLWrapper and come back as pyoxigraph results, so callers cannot tell the
difference. The engine's own default graph holds the merge of the named graphs, maintained by
the same SPARQL Update that changes them (``merge.py``), so no engine-specific union option is
needed. Bookkeeping lives in one reserved named graph, ``STATE_GRAPH``: the commit marker (a
fresh token per commit, which ``generation()`` reads in one tiny query) and the writer's lease.
``len``, ``quads``, ``dump`` and ``named_graphs`` leave that graph out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ontology.store import merge
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

STATE_GRAPH = "https://w3id.org/littlegiant/store/state"
_STATE = "<https://w3id.org/littlegiant/store/state#store>"
_GENERATION = "<https://w3id.org/littlegiant/store/state#generation>"
_WRITER = "<https://w3id.org/littlegiant/store/state#writer>"
_WRITER_UNTIL = "<https://w3id.org/littlegiant/store/state#writerUntil>"
_NO_GRAPH = "https://w3id.org/littlegiant/store/state#none"  # an empty dataset, by name
_XSD_DATETIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"
DEFAULT_WAIT_S = 60.0
# A writer killed while holding the lease blocks others this long at most; a transaction kept
# open longer may lose the lease to another writer, and its commit is then refused.
LEASE_S = 3600.0


class RemoteTransaction:
    """Changes collected for one SPARQL Update request, sent when the block exits normally."""

    def __init__(self, store: RemoteStore) -> None:
        self._store = store
        self.operations: list[str] = []
        self.files: dict[Path, bytes] = {}

    def publish_file(self, path: Path, data: bytes) -> None:
        """Write ``data`` at ``path`` once the engine has applied the commit.

        A remote engine cannot take part in a local rename: a writer killed between the two
        leaves the file behind the store, which ``littlegiant validate`` reports.
        """
        self.files[path] = data

    def replace_graph(self, name: str, ntriples: bytes) -> None:
        """Replace the named graph ``name`` by the triples of an N-Triples document."""
        text = ntriples.decode("utf-8")
        plain, blank = merge.split_blank(ntriples)
        self.operations += [
            merge.retire(name),
            f"DROP SILENT GRAPH <{name}>",
            f"INSERT DATA {{ GRAPH <{name}> {{\n{text}\n}} }}",
            f"INSERT DATA {{\n{plain.decode('utf-8')}\n}}",
        ]
        if blank:
            self.operations.append(merge.copy_blank(name))

    def drop_graph(self, name: str) -> None:
        """Remove the named graph ``name`` (nothing happens if it does not exist)."""
        self.operations += [merge.retire(name), f"DROP SILENT GRAPH <{name}>"]

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
    """A SPARQL 1.1 query endpoint and update endpoint, through SPARQLWrapper.

    A commit is one SPARQL Update request: for each graph DROP + INSERT DATA with the merge kept
    up to date, then the new commit marker and the release of the lease. Oxigraph applies one
    request in one transaction, so readers see all of it or none of it; Jena TDB2, GraphDB and
    Neptune do the same. The SPARQL 1.1 Update recommendation only asks that a request be atomic
    where possible, and Virtuoso in its default autocommit mode commits operation by operation:
    there a reader can see a half-applied commit, and a failed request leaves the part before
    the failure.
    """

    def __init__(self, query_endpoint: str, update_endpoint: str | None = None) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.path: Path | None = None  # nothing on local disk (the embedded store's attribute)

    # -- reading
    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Evaluate a query; a dataset given here is sent as the protocol's graph parameters,
        which override the query's own ``FROM``."""
        from SPARQLWrapper import POST, SPARQLWrapper

        wrapper: Any = SPARQLWrapper(self.query_endpoint)
        wrapper.setMethod(POST)
        wrapper.setTimeout(60)
        wrapper.setQuery(sparql)
        if default_graph is not None or named_graphs is not None:
            defaults = default_graph or ([] if named_graphs else [_NO_GRAPH])
            for g in defaults:  # with no graph at all, name one that holds nothing
                wrapper.addDefaultGraph(g)
            for g in named_graphs or []:
                wrapper.addNamedGraph(g)
        if wrapper.queryType in ("CONSTRUCT", "DESCRIBE"):
            wrapper.addCustomHttpHeader("Accept", "application/n-triples")
            body = wrapper.query().response.read()
            # the same result type as the embedded store's: triples from a store query
            answer = ox.Store()
            answer.load(body, ox.RdfFormat.N_TRIPLES)
            return answer.query("CONSTRUCT WHERE { ?s ?p ?o }")
        wrapper.setReturnFormat("json")
        body = wrapper.query().response.read()
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def generation(self) -> str:
        """The commit marker the last commit stored ("" before the first)."""
        rows = self.select(
            f"SELECT ?m WHERE {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_GENERATION} ?m }} }}"
        )
        for row in rows:
            term = row["m"]
            if isinstance(term, ox.Literal):
                return term.value
        return ""

    def publish_pending(self) -> bool:
        """Always False: a remote commit is one request, with nothing left to finish."""
        return False

    def is_empty(self) -> bool:
        return not self.ask(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{STATE_GRAPH}>) }}")

    def named_graphs(self) -> list[str]:
        rows = self.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{STATE_GRAPH}>) }}"
        )
        return sorted(t.value for row in rows if isinstance(t := row["g"], ox.NamedNode))

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        obj: Object | None = None,
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern; in the named graphs unless ``graph`` is DefaultGraph."""

        def term(t: object, var: str) -> str:
            return str(t) if t is not None else f"?{var}"

        pattern = f"{term(subject, 's')} {term(predicate, 'p')} {term(obj, 'o')}"
        if isinstance(graph, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        elif graph is not None:
            where = f"{{ GRAPH {graph} {{ {pattern} }} }}"
        else:
            where = f"{{ GRAPH ?g {{ {pattern} }} FILTER (?g != <{STATE_GRAPH}>) }}"
        for row in self.select(f"SELECT * WHERE {where}"):
            s, p, o, g = (
                subject or row["s"],
                predicate or row["p"],
                obj or row["o"],
                graph or row["g"],
            )
            if not (
                isinstance(s, ox.NamedNode | ox.BlankNode)
                and isinstance(p, ox.NamedNode)
                and isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal)
                and isinstance(g, ox.NamedNode | ox.DefaultGraph)
            ):
                raise TypeError(f"the engine answered a pattern with {row}")
            yield ox.Quad(s, p, o, g)

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        return count(
            self.query(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER (?g != <{STATE_GRAPH}>) }}"
            )
        )

    def dump(self, path: Path) -> None:
        """Write every named graph as N-Quads."""
        tmp = path.with_name(path.name + ".part")
        ox.serialize(self.quads(), str(tmp), format=ox.RdfFormat.N_QUADS)
        tmp.replace(path)

    # -- writing
    @contextlib.contextmanager
    def transaction(self, *, wait_s: float = DEFAULT_WAIT_S) -> Iterator[RemoteTransaction]:
        """Take the writer's lease and collect changes; a normal exit sends them in one request.

        Raises:
            StoreLocked: another writer kept the lease for ``wait_s`` seconds.
        """
        holder = self._acquire(wait_s)
        try:
            tx = RemoteTransaction(self)
            yield tx
            if (now_holder := self._holder()) != holder:
                lost = f"{now_holder or 'nobody'} (this writer's lease ran out)"
                raise StoreLocked(self.update_endpoint, lost, LEASE_S)
            marker = f"{dt.datetime.now(dt.UTC).isoformat()} {uuid.uuid4()}"
            self._update(
                [
                    *tx.operations,
                    f"DELETE WHERE {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_GENERATION} ?m }} }}",
                    f"INSERT DATA {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_GENERATION} "
                    f"{_literal(marker)} }} }}",
                    _release(holder),
                ]
            )
            for path, data in tx.files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, data)
        except BaseException:
            with contextlib.suppress(Exception):
                self._update([_release(holder)])
            raise

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        """Replace each named graph by the triples of the given quads, all or nothing."""
        with self.transaction() as tx:
            for name, quads in graphs.items():
                tx.replace_graph(name, ntriples(quads))

    def _acquire(self, wait_s: float) -> str:
        """Take the lease: one conditional update, so two writers cannot both get it."""
        me = f"pid {os.getpid()} on {socket.gethostname()} ({uuid.uuid4().hex[:8]})"
        deadline = time.monotonic() + wait_s
        while True:
            now = dt.datetime.now(dt.UTC)
            until = now + dt.timedelta(seconds=LEASE_S)
            self._update(
                [
                    f"DELETE {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_WRITER} ?h ; "
                    f"{_WRITER_UNTIL} ?t }} }} "
                    f"INSERT {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_WRITER} {_literal(me)} ; "
                    f"{_WRITER_UNTIL} {_datetime(until)} }} }} "
                    f"WHERE {{ OPTIONAL {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_WRITER} ?h ; "
                    f"{_WRITER_UNTIL} ?t }} }} FILTER (!BOUND(?h) || ?t < {_datetime(now)}) }}"
                ]
            )
            holder = self._holder()
            if holder == me:
                return me
            if time.monotonic() >= deadline:
                raise StoreLocked(self.update_endpoint, holder, wait_s)
            time.sleep(0.2)

    def _holder(self) -> str | None:
        rows = self.select(
            f"SELECT ?h WHERE {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_WRITER} ?h }} }}"
        )
        return next((t.value for row in rows if isinstance(t := row["h"], ox.Literal)), None)

    def _update(self, operations: list[str]) -> None:
        from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper

        wrapper: Any = SPARQLWrapper(self.query_endpoint, updateEndpoint=self.update_endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)  # the update as the body, not a form field
        wrapper.setTimeout(600)
        wrapper.setQuery(" ;\n".join(operations))
        wrapper.query()


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def _datetime(value: dt.datetime) -> str:
    return f'"{value.isoformat()}"^^{_XSD_DATETIME}'


def _release(holder: str) -> str:
    return (
        f"DELETE WHERE {{ GRAPH <{STATE_GRAPH}> {{ {_STATE} {_WRITER} {_literal(holder)} ; "
        f"{_WRITER_UNTIL} ?t }} }}"
    )
