"""The one store interface of ingest and server: embedded pyoxigraph on disk, or a remote engine.

The embedded store keeps each committed state in its own generation directory
(``{store}/gen-000042``) and points ``{store}/current`` at the live one. A change is written into a
hard-linked checkpoint of the current generation and published by renaming the ``current`` link,
so a reader (another process included) sees the old state or the new one and never a mix, and a
writer killed at any moment leaves ``current`` untouched. pyoxigraph documents that opening a
directory read-only while another process writes it is undefined behaviour; with generations no
directory is ever written after it has been published.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

_GEN_PREFIX = "gen-"
_KEEP_GENERATIONS = 3


class GraphStore(Protocol):
    """What ingest and server need from a store."""

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> object:
        """Evaluate a query; with no dataset given, the default graph is the union of all graphs."""
        ...

    def named_graphs(self) -> list[str]: ...

    def quads(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        obj: object | None = None,
        graph: ox.NamedNode | None = None,
    ) -> Iterator[ox.Quad]: ...

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        """Replace each named graph by the given quads, all or nothing."""
        ...

    def dump(self, path: Path) -> None: ...

    def generation(self) -> str: ...

    def __len__(self) -> int: ...


class EmbeddedStore:
    """pyoxigraph, in memory (``path=None``) or on disk with atomic generations."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._reader: ox.Store | None = None
        self._reader_gen: str | None = None
        if path is None:
            self._memory: ox.Store | None = ox.Store()
        else:
            self._memory = None
            path.mkdir(parents=True, exist_ok=True)

    def _dir(self) -> Path:
        if self.path is None:
            raise RuntimeError("an in-memory store has no directory")
        return self.path

    # -- reading
    def generation(self) -> str:
        """An opaque token that changes whenever a new state is published."""
        if self.path is None:
            return "memory"
        try:
            return os.readlink(self.path / "current")
        except FileNotFoundError:
            return ""

    def is_empty(self) -> bool:
        return self.generation() == "" if self.path is not None else len(self._store()) == 0

    def _store(self) -> ox.Store:
        if self._memory is not None:
            return self._memory
        gen = self.generation()
        with self._lock:
            if self._reader is None or gen != self._reader_gen:
                if gen == "":
                    self._reader = ox.Store()  # nothing published yet: an empty view
                else:
                    self._reader = ox.Store.read_only(str(self._dir() / gen))
                self._reader_gen = gen
            return self._reader

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store of the current generation, for read-only use."""
        return self._store()

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> object:
        kwargs: dict[str, object] = {}
        if default_graph is not None or named_graphs is not None:
            if default_graph is not None:
                kwargs["default_graph"] = [_graph_node(g) for g in default_graph]
            if named_graphs is not None:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        return self._store().query(sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store().named_graphs() if isinstance(g, ox.NamedNode))

    def quads(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        obj: object | None = None,
        graph: ox.NamedNode | None = None,
    ) -> Iterator[ox.Quad]:
        return self._store().quads_for_pattern(subject, predicate, obj, graph)

    def __len__(self) -> int:
        return len(self._store())

    def dump(self, path: Path) -> None:
        """Write every named graph as N-Quads."""
        tmp = path.with_name(path.name + ".part")
        self._store().dump(str(tmp), format=ox.RdfFormat.N_QUADS)
        tmp.replace(path)

    # -- writing
    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        with self.writer() as store:
            for g, qs in graphs.items():
                node = ox.NamedNode(g)
                if store.contains_named_graph(node):
                    store.remove_graph(node)
                store.bulk_extend(qs)

    @contextlib.contextmanager
    def writer(self) -> Iterator[ox.Store]:
        """Open a new generation for writing; it is published only if the block completes."""
        if self._memory is not None:
            # in memory: write a copy and swap it in, so that a failed block leaves no trace
            draft = ox.Store()
            draft.bulk_extend(self._memory)
            yield draft
            self._memory = draft
            return
        root = self._dir()
        with _exclusive(root / ".lock"):
            current = self.generation()
            number = int(current[len(_GEN_PREFIX) :]) + 1 if current else 1
            name = f"{_GEN_PREFIX}{number:06d}"
            target = root / name
            if target.exists():  # left by a writer that was killed before publishing
                shutil.rmtree(target)
            if current:
                ox.Store.read_only(str(root / current)).backup(str(target))
            store = ox.Store(str(target))
            try:
                yield store
                store.flush()
            except BaseException:
                del store
                shutil.rmtree(target, ignore_errors=True)
                raise
            del store
            _fsync_dir(target)
            link = root / f".current-{os.getpid()}"
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            link.symlink_to(name)
            link.replace(root / "current")
            _fsync_dir(root)
            self._collect(keep=name)

    def _collect(self, keep: str) -> None:
        root = self._dir()
        gens = sorted(p.name for p in root.glob(f"{_GEN_PREFIX}*") if p.is_dir())
        for old in gens[: max(0, len(gens) - _KEEP_GENERATIONS)]:
            if old != keep:
                shutil.rmtree(root / old, ignore_errors=True)


def open_store(path: Path | None) -> EmbeddedStore:
    """Open the embedded store at ``path`` (None: in memory)."""
    return EmbeddedStore(path)


def _graph_node(g: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if g == "" else ox.NamedNode(g)


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RemoteStore:
    """A SPARQL 1.1 engine over HTTP (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever ...).

    Queries go through SPARQLWrapper and come back as pyoxigraph results, so callers cannot tell
    the difference; a change of graphs is one SPARQL Update request (DROP + INSERT DATA per
    graph), which the engines above apply atomically. Like the embedded store, the engine must use
    the union of named graphs as its default graph (``oxigraph serve --union-default-graph``,
    Fuseki's ``tdb2:unionDefaultGraph``, GraphDB's default).
    """

    def __init__(self, query_endpoint: str, update_endpoint: str | None = None) -> None:
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint

    def _wrapper(self, update: bool = False) -> object:
        from SPARQLWrapper import POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.query_endpoint, updateEndpoint=self.update_endpoint)
        wrapper.setMethod(POST)
        wrapper.setTimeout(60)
        return wrapper

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> object:
        wrapper = self._wrapper()
        wrapper.setQuery(sparql)  # type: ignore[attr-defined]
        for g in default_graph or []:
            wrapper.addDefaultGraph(g)  # type: ignore[attr-defined]
        for g in named_graphs or []:
            wrapper.addNamedGraph(g)  # type: ignore[attr-defined]
        kind = wrapper.queryType  # type: ignore[attr-defined]
        if kind in ("CONSTRUCT", "DESCRIBE"):
            wrapper.setReturnFormat("nt")  # type: ignore[attr-defined]
            wrapper.addCustomHttpHeader("Accept", "application/n-triples")  # type: ignore[attr-defined]
            body = wrapper.query().response.read()  # type: ignore[attr-defined]
            return ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        wrapper.setReturnFormat("json")  # type: ignore[attr-defined]
        body = wrapper.query().response.read()  # type: ignore[attr-defined]
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def named_graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows)  # type: ignore[attr-defined]

    def quads(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        obj: object | None = None,
        graph: ox.NamedNode | None = None,
    ) -> Iterator[ox.Quad]:
        def term(t: object, var: str) -> str:
            return str(t) if t is not None else f"?{var}"

        pattern = f"{term(subject, 's')} {term(predicate, 'p')} {term(obj, 'o')}"
        g = term(graph, "g")
        rows = self.query(f"SELECT * WHERE {{ GRAPH {g} {{ {pattern} }} }}")
        for row in rows:  # type: ignore[attr-defined]
            yield ox.Quad(
                subject or row["s"], predicate or row["p"], obj or row["o"], graph or row["g"]
            )

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)  # type: ignore[call-overload]

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        parts = []
        for g, qs in graphs.items():
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in qs)
            parts.append(f"DROP SILENT GRAPH <{g}> ;\nINSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")
        if parts:
            wrapper = self._wrapper(update=True)
            wrapper.setQuery(" ;\n".join(parts))  # type: ignore[attr-defined]
            wrapper.query()  # type: ignore[attr-defined]

    def dump(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".part")
        ox.serialize(self.quads(), str(tmp), format=ox.RdfFormat.N_QUADS)
        tmp.replace(path)

    def generation(self) -> str:
        return f"remote:{len(self)}"
