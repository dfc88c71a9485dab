"""A small pool of pre-started query worker processes that can be killed.

pyoxigraph has no timeout or cancel, so each query runs in a worker process: when its time is
up the worker gets SIGKILL and a fresh one takes its place, and a worker that crashes (the
parser overflowing its stack) costs only that query. Other queries keep being answered by the
other workers meanwhile. Workers read a snapshot of the store: the on-disk generation the store
currently publishes (reopened when ``generation()`` changes) or, for an in-memory store, an
N-Quads dump taken once per state of the store. The pool is used from asyncio: replies are
awaited with ``loop.add_reader`` on the pipe, and the next chunk is read only when the client
has taken the previous one, so a slow client slows its worker, not the server's memory.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox

from ontology.store import EmbeddedStore
from server import metrics
from server.sparql.engine import (
    EngineError,
    EngineUnavailableError,
    Execution,
    Job,
    PoolBusyError,
    QueryEngine,
    QueryTimeoutError,
    WorkerCrashedError,
)
from server.sparql.process import WorkerProcess

__all__ = [
    "EngineError",
    "EngineUnavailableError",
    "Execution",
    "Job",
    "PoolBusyError",
    "QueryEngine",
    "QueryPool",
    "QueryTimeoutError",
    "WorkerCrashedError",
    "WorkerExecution",
]
log = logging.getLogger(__name__)
T = TypeVar("T")
LOAD_TIMEOUT_S = 600.0  # copying a large generation into memory on a busy machine


class Generations(Protocol):
    """Per-state values (``server.state.PerGeneration``): the snapshot is made once a state."""

    def get(self, key: str, build: Callable[[], T]) -> T: ...


class QueryPool:
    """Pre-started workers answering queries against snapshots of one EmbeddedStore."""

    def __init__(
        self,
        store: EmbeddedStore,
        generations: Generations,
        *,
        size: int = 2,
        memory_max_triples: int = 2_000_000,
    ) -> None:
        self.store = store
        self.generations = generations
        self.size = max(1, size)
        self.memory_max_triples = memory_max_triples
        self._lock = threading.Lock()
        self._idle: deque[WorkerProcess] = deque()
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[WorkerProcess]]] = (
            deque()
        )
        self._all: set[WorkerProcess] = set()
        self._tmp: Path | None = None
        self._dumps = 0
        self._closed = False
        for _ in range(self.size):
            self._spawn()

    # -- snapshots
    def snapshot_spec(self) -> tuple[str, ...]:
        """Name the state workers must serve now (the store's current generation)."""
        if self.store.path is not None:
            gen = self.store.generation()
            return ("disk", str(self.store.path / gen)) if gen else ("empty",)
        return self.generations.get("sparql-snapshot", self._dump_snapshot)

    def _dump_snapshot(self) -> tuple[str, ...]:
        # an in-memory store has no directory the workers could open: they load a dump of it
        with self._lock:
            if self._tmp is None:
                self._tmp = Path(tempfile.mkdtemp(prefix="lg-sparql-"))
            self._dumps += 1
            number = self._dumps
        path = self._tmp / f"snapshot-{number:06d}.nq"
        # every graph, the default one (the merge of the named graphs) included
        self.store.raw.dump(str(path), format=ox.RdfFormat.N_QUADS)
        for old in self._tmp.glob("snapshot-*.nq"):
            if old.name < f"snapshot-{number - 2:06d}.nq":
                old.unlink(missing_ok=True)
        return ("dump", str(path))

    # -- worker bookkeeping
    def _spawn(self) -> None:
        """Start a worker and let it load the current snapshot before it takes queries: the
        load (a copy into memory) may take longer than a query's time limit."""
        w = WorkerProcess(self.memory_max_triples)
        with self._lock:
            self._all.add(w)
        threading.Thread(target=self._warm, args=(w,), daemon=True).start()

    def _warm(self, w: WorkerProcess) -> None:
        spec = self.snapshot_spec()
        try:
            w.conn.send_bytes(pickle.dumps(("load", spec)))
            if w.conn.poll(LOAD_TIMEOUT_S) and w.conn.recv_bytes() == b"L":
                w.spec = spec
                self._release(w)
                return
        except (EOFError, OSError):
            pass
        log.error("a query worker failed to load %s; starting another", spec)
        time.sleep(1.0)  # no tight loop when loading keeps failing
        self._replace(w)

    def _release(self, w: WorkerProcess) -> None:
        with self._lock:
            while self._waiters:
                loop, fut = self._waiters.popleft()
                if not fut.done():
                    loop.call_soon_threadsafe(_hand_over, fut, w, self)
                    return
            self._idle.append(w)

    def _replace(self, w: WorkerProcess) -> None:
        w.kill()
        with self._lock:
            self._all.discard(w)
            closed = self._closed
        if not closed:
            metrics.WORKER_RESTARTS.inc()
            self._spawn()

    async def _acquire(self, deadline: float) -> WorkerProcess:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            fut: asyncio.Future[WorkerProcess] = loop.create_future()
            self._waiters.append((loop, fut))
        try:
            return await asyncio.wait_for(fut, max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise PoolBusyError from None

    async def _receive(self, w: WorkerProcess, timeout: float) -> bytes:
        """Read the next message; EOF means the worker died."""
        while True:
            if not w.conn.poll(0):
                loop = asyncio.get_running_loop()
                ready: asyncio.Future[None] = loop.create_future()
                fd = w.conn.fileno()
                loop.add_reader(fd, _set_ready, ready)
                try:
                    await asyncio.wait_for(ready, max(0.0, timeout))
                except TimeoutError:
                    raise QueryTimeoutError from None
                finally:
                    loop.remove_reader(fd)
            try:
                # uvloop makes a watched fd non-blocking; a long message must be read whole
                os.set_blocking(w.conn.fileno(), True)
                message = w.conn.recv_bytes()
            except (EOFError, OSError):
                raise WorkerCrashedError from None
            return message

    # -- the public call
    async def execute(self, job: Job, timeout_s: float) -> Execution:
        """Start evaluating ``job``; return once the head (form, row count) is known.

        A worker found dead at hand-over (exited while idle, a broken pipe when the query is
        sent, or gone before it said it received the query) never saw the query: it is
        replaced and the query goes to the next one.

        Raises:
            QueryTimeoutError: the time ran out (the worker was killed).
            PoolBusyError: no worker became free in time.
            WorkerCrashedError: the worker died while evaluating (it has been replaced).
            EngineError: pyoxigraph refused the query (syntax, dataset, storage).
        """
        if self.store.path is not None:
            spec = self.snapshot_spec()  # a readlink: cheap enough for the event loop
        else:
            spec = await asyncio.to_thread(self.snapshot_spec)  # may dump the store
        deadline = time.monotonic() + timeout_s
        for _ in range(self.size + 2):
            w = await self._acquire(deadline)
            started = await self._hand_over(w, spec, job)
            if started is None:
                continue  # dead before it saw the query: the next worker takes it
            seen = False  # whether the worker said it received the query
            try:
                message = await self._receive(w, started + timeout_s - time.monotonic())
                if message == b"S":
                    seen = True
                    message = await self._receive(w, started + timeout_s - time.monotonic())
            except WorkerCrashedError:
                by_query = w.crashed()
                self._replace(w)
                if not seen:
                    continue  # it died before it read the query: the next worker takes it
                raise WorkerCrashedError(by_query) from None
            except BaseException:
                self._replace(w)
                raise
            return self._head(w, message, timeout_s)
        raise PoolBusyError

    async def _hand_over(self, w: WorkerProcess, spec: tuple[str, ...], job: Job) -> float | None:
        """Give ``job`` to ``w`` (loading a new snapshot first); when the query was sent, or
        None when the worker turned out dead before it could see it."""
        if w.process.poll() is not None:
            self._replace(w)
            return None
        try:
            if w.spec != spec:
                # a new generation: loading it is not the query's time
                w.conn.send_bytes(pickle.dumps(("load", spec)))
                if await self._receive(w, LOAD_TIMEOUT_S) != b"L":
                    raise WorkerCrashedError
                w.spec = spec
            w.conn.send_bytes(pickle.dumps(("query", spec, *_arguments(job))))
        except (OSError, EOFError, WorkerCrashedError):
            self._replace(w)
            return None
        except BaseException:
            self._replace(w)
            raise
        return time.monotonic()

    def _head(self, w: WorkerProcess, message: bytes, timeout_s: float) -> Execution:
        tag = message[:1]
        if tag == b"R":
            self._release(w)
            kind, text = pickle.loads(message[1:])  # noqa: S301 - our own worker
            raise EngineError(kind, text)
        if tag == b"A":
            head, body = pickle.loads(message[1:])  # noqa: S301 - our own worker
            self._release(w)
            return WorkerExecution(self, None, head, timeout_s, body)
        if tag != b"H":
            self._replace(w)
            raise WorkerCrashedError
        head = pickle.loads(message[1:])  # noqa: S301 - our own worker
        return WorkerExecution(self, w, head, timeout_s)

    def ready(self) -> bool:
        """Whether every worker is started and at least one has its snapshot loaded."""
        with self._lock:
            return len(self._all) >= self.size and any(w.spec is not None for w in self._all)

    def close(self) -> None:
        """Stop every worker and remove the dumps."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
        for w in workers:
            w.kill()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all]


class WorkerExecution:
    """A query whose head is known; iterate ``chunks()`` once to stream the body."""

    def __init__(
        self,
        pool: QueryPool | None,
        w: WorkerProcess | None,
        head: dict[str, Any],
        timeout_s: float,
        body: bytes | None = None,
    ) -> None:
        self.pool = pool
        self._worker: WorkerProcess | None = w
        self._body = body
        self.form: str = head["form"]
        self.rows: int | None = head["rows"]
        self.truncated: bool = head["truncated"]
        self.timeout_s = timeout_s

    @property
    def complete_body(self) -> bytes | None:
        """The whole answer when it came in one message (small answers), else None."""
        return self._body

    async def chunks(self) -> AsyncIterator[bytes]:
        """Yield the serialised answer; a client that goes away costs the worker its life."""
        if self._body is not None:
            body, self._body = self._body, None
            if body:
                yield body
            return
        w, pool = self._worker, self.pool
        if w is None or pool is None:
            return
        finished = False
        try:
            while True:
                message = await pool._receive(w, self.timeout_s)
                tag = message[:1]
                if tag == b"C":
                    yield message[1:]
                elif tag == b"E":
                    finished = True
                    return
                else:
                    log.error("query stream failed: %s", message[1:200])
                    return
        finally:
            self._worker = None
            if finished:
                pool._release(w)
            else:
                pool._replace(w)

    async def read_all(self) -> bytes:
        return b"".join([chunk async for chunk in self.chunks()])


def _arguments(job: Job) -> tuple[object, ...]:
    return (
        job.query,
        job.default_graph,
        job.named_graphs,
        job.format_name,
        job.max_rows,
        job.prefixes or {},
        job.base_iri,
    )


def _set_ready(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


def _hand_over(fut: asyncio.Future[WorkerProcess], w: WorkerProcess, pool: QueryPool) -> None:
    if fut.done():  # the waiter gave up meanwhile
        pool._release(w)
    else:
        fut.set_result(w)
