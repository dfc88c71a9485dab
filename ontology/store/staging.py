"""A transaction of the embedded store: changes staged on a draft, loaded in the background.

The draft is a copy of the published state (``embedded._drafting``); the store publishes it
once the transaction's block completes, and drops it otherwise. The default graph is kept the
merge of the named graphs change by change (``merge.py``), or rebuilt once at the end when the
change is most of the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from ontology.store import merge
from ontology.store.common import COUNT_IN_GRAPH, count, dataset_arguments, expect_solutions


class EmbeddedTransaction:
    """Changes staged on a draft of the store; each starts loading at once, in the background.

    pyoxigraph releases the GIL while it loads, so a caller that validates the change meanwhile
    loses no time to the disk. Staged changes apply in order, one at a time, except that the
    graphs new to the store staged while the loader is busy load together, in one bulk load (on
    disk a load has a cost of its own: a build of 57 graphs spent 2.6 s on 114 of them).
    """

    def __init__(self, before: ox.Store, draft: Callable[[], ox.Store]) -> None:
        self._before = before
        self._draft: Callable[[], ox.Store] | None = draft  # made when a change first needs it
        self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lg-store-load")
        self._staged: list[Future[None]] = []
        self._total: int | None = None
        self._retired = 0
        self._rebuild = False  # once the change is most of the store: rebuild the merge at the end
        self.files: dict[Path, bytes] = {}
        self._named: set[str] = set()  # the graphs staged so far
        self._new: list[tuple[str, bytes]] = []  # graphs new to the store, waiting to load
        self._new_lock = threading.Lock()
        self._draining = False  # whether a load of the waiting new graphs is queued

    @property
    def changed(self) -> bool:
        """Whether anything was staged: a transaction that stages nothing publishes nothing."""
        return bool(self._staged or self.files or self._rebuild)

    def publish_file(self, path: Path, data: bytes) -> None:
        """Write ``data`` at ``path`` in the step that publishes this state (see generations)."""
        self.files[path] = data

    def replace_graph(self, name: str, ntriples: bytes) -> None:
        """Replace the named graph ``name`` by the triples of an N-Triples document."""
        draft = self._open()
        first = name not in self._named
        self._named.add(name)
        if first and merge.loads_as_new(self._before, name, ntriples):
            with self._new_lock:
                self._new.append((name, ntriples))
                if not self._draining:
                    self._draining = True
                    self._staged.append(self._loader.submit(self._load_new, draft))
            return
        incremental = self._incremental(name)
        self._staged.append(
            self._loader.submit(merge.replace_graph, draft, name, ntriples, incremental=incremental)
        )

    def patch_graph(self, name: str, remove: bytes, add: bytes) -> None:
        """Remove the lines of ``remove`` from the named graph ``name`` and add those of ``add``
        (N-Triples without blank nodes): the graph is not read to find what changed, and the
        merge is kept up to date triple by triple. Raises: ValueError for a blank node."""
        merge.check_patchable(remove, add)
        self._named.add(name)
        self._staged.append(self._loader.submit(merge.apply_patch, self._open(), name, remove, add))

    def drop_graph(self, name: str) -> None:
        """Remove the named graph ``name`` (nothing happens if it does not exist)."""
        self._named.add(name)
        draft, incremental = self._open(), self._incremental(name)
        self._staged.append(
            self._loader.submit(merge.drop_graph, draft, name, incremental=incremental)
        )

    def _incremental(self, name: str) -> bool:
        """Whether this change keeps the merge up to date itself (see merge.cheaper_to_rebuild)."""
        if not self._rebuild:
            self._retired += count(self._before.query(COUNT_IN_GRAPH.format(graph=f"<{name}>")))
            if self._retired >= merge.REBUILD_AT_LEAST:  # else not worth counting the store
                if self._total is None:
                    self._total = count(self._before.query(COUNT_IN_GRAPH.format(graph="?g")))
                self._rebuild = merge.cheaper_to_rebuild(self._retired, self._total)
        return not self._rebuild

    def select(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions:
        """Evaluate a SELECT query against the store as it was before the transaction."""
        args = dataset_arguments(default_graph, named_graphs)
        return expect_solutions(self._before.query(sparql, **args))

    def _load_new(self, draft: ox.Store) -> None:
        """Load every new graph staged by the time the loader comes to it, in one bulk load.

        A graph new to the store may load after a change staged later: with the merge kept as
        the union of the graphs, adding a graph no change names commutes with every change
        (a change staged later for the same graph is queued after this load)."""
        with self._new_lock:
            new, self._new, self._draining = self._new, [], False
        if new:
            merge.load_new_graphs(draft, new)

    def _open(self) -> ox.Store:
        if self._draft is None:
            raise RuntimeError("the transaction is over: stage changes inside its block")
        return self._draft()

    def finish(self) -> None:
        """Wait for every staged change. Raises: whatever a load raised (SyntaxError, OSError)."""
        try:
            for staged in self._staged:
                staged.result()
            if self._rebuild:
                merge.rebuild(self._open())
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Stop loading (cancel what has not started, wait for what has) and let the draft go."""
        self._loader.shutdown(wait=True, cancel_futures=True)
        self._draft = None
