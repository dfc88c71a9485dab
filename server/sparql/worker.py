"""The query worker process: opens a snapshot of the store, evaluates one query at a time and
streams the serialised answer back in chunks.

It runs in its own process because pyoxigraph cannot be interrupted: the server kills a worker
whose query overruns its time limit, and a parser crash (stack overflow) takes down only the
worker. Messages are ``bytes`` whose first byte says what follows:

- to the worker: a pickled request tuple (``("load", spec)`` or ``("query", ...)``);
- from the worker: ``L`` loaded, ``S`` query received (so the parent knows a worker that
  dies before it had seen the query from one the query was running on), ``H`` + pickled
  head, ``C`` + chunk, ``E`` end, ``A`` + pickled (head, body) for a whole small answer,
  ``R`` + pickled (kind, message) refusal before the head, ``X`` + message failure mid-stream.
"""

from __future__ import annotations

import pickle
import signal
import sys
from multiprocessing.connection import Connection
from typing import IO, Any, cast

import pyoxigraph as ox

CHUNK = 64 * 1024
_TERM_PREFIXES = {"TURTLE", "TRIG", "RDF_XML"}


class _ChunkWriter:
    """A binary writer for pyoxigraph that ships 64 KiB chunks down the pipe.

    The head goes with the first chunk; an answer smaller than one chunk travels as a single
    ``A`` message (head and body together), which saves two round trips on light queries."""

    def __init__(self, conn: Connection, head: dict[str, Any]) -> None:
        self.conn = conn
        self.head: dict[str, Any] | None = head
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self._ship()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes at the end of a document: keep a small answer for ``finish``."""

    def _ship(self) -> None:
        if self.head is not None:
            self.conn.send_bytes(b"H" + pickle.dumps(self.head))
            self.head = None
        if self.buffer:
            self.conn.send_bytes(b"C" + bytes(self.buffer))
            self.buffer.clear()

    def finish(self) -> None:
        if self.head is not None:
            self.conn.send_bytes(b"A" + pickle.dumps((self.head, bytes(self.buffer))))
            self.head = None
            return
        self._ship()
        self.conn.send_bytes(b"E")


def open_snapshot(spec: tuple[str, ...], memory_max_triples: int) -> ox.Store:
    """Open what ``spec`` names: an on-disk generation (copied into memory when small enough,
    since pyoxigraph's in-memory store is 3-5x faster on heavy queries) or an N-Quads dump."""
    kind = spec[0]
    if kind == "disk":
        disk = ox.Store.read_only(spec[1])
        if len(disk) <= memory_max_triples:
            memory = ox.Store()
            memory.bulk_extend(disk)
            return memory
        return disk
    if kind == "dump":
        memory = ox.Store()
        memory.bulk_load(path=spec[1], format=ox.RdfFormat.N_QUADS)
        return memory
    return ox.Store()


def _dataset_kwargs(default_graph: list[str] | None, named: list[str] | None) -> dict[str, Any]:
    if default_graph is None and named is None:
        return {}  # the query's own FROM, else the store's default graph: the merge of the graphs
    kwargs: dict[str, Any] = {}
    if default_graph is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
    else:
        kwargs["default_graph"] = []
    if named is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named]
    else:
        kwargs["named_graphs"] = []
    return kwargs


def _term(term: object) -> str:
    return "" if term is None else str(term)


def limited(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, max_rows: int
) -> tuple[dict[str, Any], Any]:
    """The head (form, rows, truncated) and the body of a result cut at ``max_rows`` rows."""
    if isinstance(result, ox.QueryBoolean):
        return {"form": "ASK", "rows": None, "truncated": False}, result
    if isinstance(result, ox.QuerySolutions):
        variables = result.variables
        lines = ["\t".join(str(v) for v in variables)]
        truncated = False
        for solution in result:
            if len(lines) > max_rows:
                truncated = True
                break
            lines.append("\t".join(_term(t) for t in solution))
        head = {"form": "SELECT", "rows": len(lines) - 1, "truncated": truncated}
        tsv = ("\n".join(lines) + "\n").encode()
        return head, ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:
        if len(triples) >= max_rows:
            truncated = True
            break
        triples.append(triple)
    return {"form": "GRAPH", "rows": len(triples), "truncated": truncated}, triples


def check_format(head: dict[str, Any], format_name: str) -> None:
    """Raises: ValueError when the query's form has no serialisation of that name."""
    module = ox.RdfFormat if head["form"] == "GRAPH" else ox.QueryResultsFormat
    if getattr(module, format_name, None) is None:
        raise ValueError(f"a {head['form']} query has no {format_name} serialisation")


def write_answer(
    output: IO[bytes], head: dict[str, Any], body: Any, format_name: str, prefixes: dict[str, str]
) -> None:
    """Serialise a limited result (see :func:`limited`) into ``output``."""
    if head["form"] == "GRAPH":
        fmt = getattr(ox.RdfFormat, format_name)
        if fmt.supports_datasets:
            body = [ox.Quad(t.subject, t.predicate, t.object) for t in body]
        declared = prefixes if format_name in _TERM_PREFIXES else None
        ox.serialize(body, output, fmt, prefixes=declared)
    else:
        body.serialize(output, getattr(ox.QueryResultsFormat, format_name))


def evaluate(
    conn: Connection,
    store: ox.Store,
    query: str,
    default_graph: list[str] | None,
    named: list[str] | None,
    format_name: str,
    max_rows: int,
    prefixes: dict[str, str],
    base_iri: str | None = None,
) -> None:
    """Evaluate one query and stream its answer (head, chunks, end) down ``conn``."""
    try:
        result = store.query(
            query, prefixes=prefixes, base_iri=base_iri, **_dataset_kwargs(default_graph, named)
        )
        head, body = limited(result, max_rows)
        check_format(head, format_name)
    except (SyntaxError, ValueError, OSError, RuntimeError) as err:
        kind = type(err).__name__
        conn.send_bytes(b"R" + pickle.dumps((kind, str(err))))
        return
    writer = _ChunkWriter(conn, head)
    try:
        # pyoxigraph only calls write() and flush() on its output
        write_answer(cast("IO[bytes]", writer), head, body, format_name, prefixes)
        writer.finish()
    except (ValueError, OSError, SyntaxError) as err:
        if writer.head is not None:  # nothing sent yet: a clean refusal
            conn.send_bytes(b"R" + pickle.dumps((type(err).__name__, str(err))))
        else:
            conn.send_bytes(b"X" + str(err).encode())


def main(conn: Connection, memory_max_triples: int) -> None:
    """Serve requests from the parent until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when workers stop
    store = ox.Store()
    loaded: tuple[str, ...] | None = None
    while True:
        try:
            request = pickle.loads(conn.recv_bytes())  # noqa: S301 - the parent process
        except (EOFError, OSError):
            return
        spec = request[1]
        if spec != loaded:
            try:
                store = open_snapshot(spec, memory_max_triples)
                loaded = spec
            except OSError as err:
                conn.send_bytes(b"R" + pickle.dumps(("OSError", f"store unavailable: {err}")))
                loaded = None
                continue
        if request[0] == "load":
            conn.send_bytes(b"L")
            continue
        conn.send_bytes(b"S")
        evaluate(conn, store, *request[2:])


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])), int(sys.argv[2]))
