"""Everything the app holds while it runs, declared in one place and built by the lifespan.

Handlers reach it only through ``server.deps``. Aggregates over the whole store (the VoID
description, the sitemap, the reconciliation name index, the query workers' snapshot) cost
~0.5 s each at 20k enterprises, so they are kept in one :class:`PerGeneration` cache that is
emptied when the store publishes a new state.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from ontology.iris import Iris
from ontology.settings import Settings
from ontology.store import EmbeddedStore, GraphStore, RemoteStore
from ontology.store.dumps import Dump, dumps_directory, read_manifest, write_dumps
from server.fair_use import Ledger
from server.matching import NameIndex
from server.metrics import StoreFigures
from server.sparql.errors import EndpointUnavailable
from server.sparql.pool import QueryEngine, QueryPool
from server.sparql.remote_engine import RemoteEngine

T = TypeVar("T")

__all__ = ["AppState", "PerGeneration", "open_state"]


class PerGeneration:
    """Values computed at most once per published state of one store.

    ``get`` builds a missing value under a lock of its own key, so two first requests do not
    both build it, and a slow build (the name index) never blocks a fast one (the snapshot).
    """

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._values: dict[str, object] = {}
        self._key_locks: dict[str, threading.Lock] = {}
        self._seen_at = _now()

    def stamp(self) -> str:
        """The store's current state: its commit marker."""
        return self._store.generation()

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The value of ``key`` for the current state, built by ``build()`` when missing."""
        stamp = self.stamp()
        with self._lock:
            self._refresh(stamp)
            if key in self._values:
                return cast(T, self._values[key])
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if stamp == self._stamp and key in self._values:
                    return cast(T, self._values[key])
            value = build()
            with self._lock:
                if stamp == self._stamp:
                    self._values[key] = value
            return value

    def get_keyed(self, family: str, key: str, build: Callable[[], T], *, most: int = 256) -> T:
        """The value of ``key`` in ``family`` (a collection's total, one per filter) for the
        current state. At most ``most`` keys of a family are kept, so that requests with ever
        new parameters cannot grow the cache; past that, values are built and not kept. Two
        first requests of one key may both build it (it is not worth a lock per key)."""
        stamp = self.stamp()
        with self._lock:
            self._refresh(stamp)
            kept = cast(dict[str, object], self._values.setdefault(family, {}))
            if key in kept:
                return cast(T, kept[key])
        value = build()
        with self._lock:
            if stamp == self._stamp and len(kept) < most:
                kept[key] = value
        return value

    def seen_at(self) -> dt.datetime:
        """When this app first saw the store's current state (to the second): no later than
        anything derived from that state changed, so pages built from it can name it as their
        ``Last-Modified`` (a restart, which may bring new code, starts the clock again)."""
        stamp = self.stamp()
        with self._lock:
            self._refresh(stamp)
            return self._seen_at

    def _refresh(self, stamp: str) -> None:
        if stamp != self._stamp:
            if self._stamp is not None:
                self._seen_at = _now()
            self._stamp, self._values, self._key_locks = stamp, {}, {}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class AppState:
    """The running app: settings, store, IRIs, caches, the dumps directory and query workers."""

    settings: Settings
    store: GraphStore
    iris: Iris
    generations: PerGeneration
    dumps_dir: Path
    reconcile_slots: threading.BoundedSemaphore
    ledger: Ledger
    owns_dumps_dir: bool = False
    owns_ledger: bool = False
    _pool: QueryEngine | None = None
    _pool_lock: threading.Lock = field(default_factory=threading.Lock)

    def dump(self) -> Dump | None:
        """The dump published for this store, if any (written by ingest or at start-up)."""
        return read_manifest(self.dumps_dir)

    def name_index(self) -> NameIndex:
        """Every enterprise's names and codes for lookup and reconciliation, per store state."""
        return self.generations.get("name-index", lambda: NameIndex.build(self.store, self.iris))

    def query_pool(self) -> QueryEngine:
        """What evaluates the endpoint's queries: worker processes over the embedded store
        (started on first use, or at start-up with ``start_workers``), or the remote engine.

        Raises:
            EndpointUnavailable: a store neither kind can query.
        """
        with self._pool_lock:
            if self._pool is None:
                if isinstance(self.store, RemoteStore):
                    depth = self.settings.max_query_nesting
                    self._pool = RemoteEngine(self.store, max_depth=depth)
                elif isinstance(self.store, EmbeddedStore):
                    self._pool = QueryPool(
                        self.store,
                        self.generations,
                        size=self.settings.query_workers,
                        memory_max_triples=self.settings.query_memory_max_triples,
                    )
                else:
                    raise EndpointUnavailable("the SPARQL endpoint needs a store it can query")
            return self._pool

    def ready(self) -> dict[str, object] | None:
        """What ``/ready`` reports once the store answers and the query workers are up."""
        if not self.query_pool().ready():
            return None
        return {"status": "ready", "generation": self.store.generation()}

    def figures(self) -> StoreFigures:
        """The store's size, generation and commit counts, for ``/metrics``."""
        generation = self.store.generation()
        quads = self.generations.get("quads", lambda: len(self.store))
        return StoreFigures(quads, generation, self.store.commit_counts())

    def close(self) -> None:
        """Stop the workers and remove what the app created for itself."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
        self.ledger.close()
        if self.owns_ledger:
            shutil.rmtree(self.ledger.path.parent, ignore_errors=True)
        if self.owns_dumps_dir:
            shutil.rmtree(self.dumps_dir, ignore_errors=True)


def open_state(settings: Settings, store: GraphStore) -> AppState:
    """Build the state around ``store`` and make sure a current dump exists.

    An on-disk store keeps its dumps in ``{store}/dumps`` (``littlegiant build`` and ``ingest``
    write them after each commit); a store without one, or with a stale one, gets it written
    here, once. Any other store gets a temporary directory that ``close`` removes.
    """
    configured = dumps_directory(store, settings.dumps_dir)
    own = configured is None
    dumps_dir = configured or Path(tempfile.mkdtemp(prefix="lg-dumps-"))
    current = read_manifest(dumps_dir)
    if current is None or current.generation != store.generation():
        write_dumps(store, dumps_dir)
    return AppState(
        settings=settings,
        store=store,
        iris=Iris(settings.base_uri),
        generations=PerGeneration(store),
        dumps_dir=dumps_dir,
        reconcile_slots=threading.BoundedSemaphore(settings.reconcile_max_concurrent),
        ledger=Ledger(settings.ledger or Path(tempfile.mkdtemp(prefix="lg-ledger-")) / "fair-use"),
        owns_dumps_dir=own,
        owns_ledger=settings.ledger is None,
    )
