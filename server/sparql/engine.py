"""What the endpoint asks of whatever evaluates its queries, and what that can answer.

Two engines implement :class:`QueryEngine`: the pool of killable worker processes over the
embedded store (``pool.py``) and the remote SPARQL engine (``remote_engine.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


class Execution(Protocol):
    """A query whose head is known (form, row count, truncation); the body follows."""

    form: str
    rows: int | None
    truncated: bool

    @property
    def complete_body(self) -> bytes | None:
        """The whole answer when it came in one message (small answers), else None."""
        ...

    def chunks(self) -> AsyncIterator[bytes]:
        """Yield the serialised answer, once."""
        ...

    async def read_all(self) -> bytes: ...


class QueryTimeoutError(Exception):
    """The query ran past the wall-clock limit; its worker was killed."""


class PoolBusyError(Exception):
    """Every worker stayed busy until the request's time ran out."""


class WorkerCrashedError(Exception):
    """The worker process died while evaluating the query (it has been replaced).

    ``by_query`` tells a process the query itself brought down (the parser overflowing its
    stack: SIGSEGV, SIGABRT) from one stopped from outside (SIGKILL, SIGTERM, out of memory):
    the first is the query's fault and is not retried, the second is worth trying again."""

    def __init__(self, by_query: bool = False) -> None:
        super().__init__("the query crashed the engine" if by_query else "the engine died")
        self.by_query = by_query


class EngineUnavailableError(Exception):
    """The engine could not be reached or failed (a remote engine's 5xx, a refused connection)."""


class QueryEngine(Protocol):
    """What the endpoint needs from whatever evaluates its queries (worker pool, remote engine)."""

    async def execute(self, job: Job, timeout_s: float) -> Execution: ...

    def close(self) -> None: ...

    def worker_pids(self) -> list[int]: ...

    def ready(self) -> bool: ...


class EngineError(Exception):
    """The engine refused the query: ``kind`` is the Python exception name it raised."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Job:
    """One query to evaluate, with its dataset, output format and row limit."""

    query: str
    format_name: str  # attribute of ox.RdfFormat or ox.QueryResultsFormat
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    max_rows: int = 100_000
    prefixes: dict[str, str] | None = None
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint URL
