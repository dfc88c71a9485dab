"""The embedded store: pyoxigraph in memory, or on disk as immutable generations.

Every commit is a new state: on disk a new generation directory (``generations.py``), in memory
a new ``ox.Store`` swapped in, so a reader (another process included) sees the old state or the
new one and never a mix, and a writer that fails or is killed leaves the store as it was. The
default graph holds the merge of the named graphs (``merge.py``); ``len``, ``quads``, ``dump``
and ``named_graphs`` speak of the named graphs only.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ontology.store import merge
from ontology.store.common import (
    COUNT_IN_GRAPH,
    Object,
    QueryResult,
    StoreLocked,
    Subject,
    TypedQueries,
    count,
    dataset_arguments,
    in_graph,
    ntriples,
    write_atomically,
)
from ontology.store.generations import Generations
from ontology.store.staging import EmbeddedTransaction

DEFAULT_WAIT_S = 60.0  # a second writer waits this long for the first to publish


@dataclass
class _Draft:
    """A transaction's two states (as it began, and the draft), and what its publish carries.

    In memory the draft is copied from ``before`` when first asked for (the copy costs in
    proportion to the store): a transaction refused before it stages a change, as when the
    gate rejects a list, or one that stages nothing, copies nothing.
    """

    before: ox.Store
    made: ox.Store | None = None  # the draft, once there is one
    changed: bool = False
    files: dict[Path, bytes] = field(default_factory=dict)

    @property
    def store(self) -> ox.Store:
        if self.made is None:
            self.made = ox.Store()
            self.made.bulk_extend(self.before)
        return self.made


class EmbeddedStore(TypedQueries):
    """pyoxigraph, in memory (``path=None``) or on disk with atomic generations.

    ``pause_at`` names fault-injection pause points (``generations.PAUSE_POINTS``, comma-separated).
    """

    def __init__(self, path: Path | None, *, pause_at: str | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._reader: ox.Store | None = None
        self._reader_gen: str | None = None
        self._sizes: dict[str, int] = {}
        self._generations = Generations(path, pause_at) if path is not None else None
        self._memory: ox.Store | None = ox.Store() if path is None else None
        self._memory_id = uuid.uuid4().hex[:8]
        self._memory_commits = 0
        self._memory_writer = threading.Lock()
        self._memory_holder = ""
        self._memory_counts = {"ok": 0, "refused": 0}
        if self.generation() and merge.missing(self._store()):
            self._upgrade()

    # -- reading
    def generation(self) -> str:
        """An opaque token that changes whenever a new state is published ("" on disk before the
        first publish)."""
        if self._generations is None:
            return f"memory-{self._memory_id}-{self._memory_commits}"
        return self._generations.current()

    def is_empty(self) -> bool:
        if self._generations is not None:
            return self.generation() == ""
        return not any(True for _ in self._store().named_graphs())

    def _store(self) -> ox.Store:
        return self._current()[1]

    def _current(self) -> tuple[str, ox.Store]:
        """The live generation's name and a read-only store of it, reopened when it changes."""
        if self._generations is None:
            if self._memory is None:
                raise RuntimeError("an in-memory store without its memory")
            return self.generation(), self._memory
        gen = self._generations.current()
        with self._lock:
            if self._reader is None or gen != self._reader_gen:
                if gen == "":
                    self._reader = ox.Store()  # nothing published yet: an empty view
                else:
                    self._reader = ox.Store.read_only(str(self._generations.root / gen))
                self._reader_gen = gen
            return gen, self._reader

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store of the current state, for read-only use (its default graph holds
        the merge of the named graphs)."""
        return self._store()

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Evaluate a query with SPARQL 1.1 dataset semantics (see ``dataset_arguments``)."""
        return self._store().query(sparql, **dataset_arguments(default_graph, named_graphs))

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store().named_graphs() if isinstance(g, ox.NamedNode))

    def about(self, iris: Sequence[str], *, excluding: frozenset[str]) -> Iterator[ox.Quad]:
        """What the named graphs but ``excluding`` say of the IRIs and of the blank nodes they
        point to, read node by node from the indexes (blank nodes all the way down)."""
        store = self._store()
        todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri) for iri in iris]
        seen: set[ox.NamedNode | ox.BlankNode] = set()
        while todo:
            node = todo.pop()
            for q in store.quads_for_pattern(node, None, None, None):
                if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value in excluding:
                    continue  # the merge in the default graph, or a graph left out
                yield q
                if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                    seen.add(q.object)
                    todo.append(q.object)

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        obj: Object | None = None,
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching a pattern; in the named graphs unless ``graph`` is DefaultGraph."""
        store = self._store()
        if graph is not None:
            return store.quads_for_pattern(subject, predicate, obj, graph)
        if subject is None and predicate is None and obj is None:
            # graph by graph: the merge in the default graph is never read, let alone skipped
            return (
                q
                for g in list(store.named_graphs())
                for q in store.quads_for_pattern(None, None, None, g)
            )
        return (
            q
            for q in store.quads_for_pattern(subject, predicate, obj, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )

    def __len__(self) -> int:
        """The number of quads in the named graphs."""
        gen, store = self._current()
        if self._generations is not None and gen in self._sizes:
            return self._sizes[gen]  # a generation never changes once published
        size = count(store.query(COUNT_IN_GRAPH.format(graph="?g")))
        if self._generations is not None:
            self._sizes = {gen: size}
        return size

    def graph_ntriples(self, name: str) -> bytes:
        node = ox.NamedNode(name)
        return self._store().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""

    def dump(self, path: Path) -> None:
        """Write every named graph as N-Quads (the merge in the default graph is derived)."""
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(self.nquads())
        tmp.replace(path)

    def nquads(self) -> bytes:
        """Every named graph as N-Quads, graph by graph, each written by pyoxigraph itself (no
        Python object per quad: on disk faster than ``quads()``)."""
        store = self._store()
        parts = []
        for graph in store.named_graphs():
            if isinstance(graph, ox.NamedNode):
                text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
                parts.append(in_graph(text, graph.value))
        return b"".join(parts)

    def commit_counts(self) -> dict[str, int]:
        """How many commits were published and how many refused, by every writer."""
        if self._generations is None:
            return dict(self._memory_counts)
        return self._generations.counts()

    # -- writing
    @contextlib.contextmanager
    def transaction(self, *, wait_s: float = DEFAULT_WAIT_S) -> Iterator[EmbeddedTransaction]:
        """Take the single-writer lock and stage changes; a normal exit publishes them all.

        An exception in the block discards every staged change. Raises: StoreLocked when
        another writer keeps the lock for ``wait_s`` seconds.
        """
        with self._drafting(wait_s) as draft:
            if merge.missing(draft.before):  # written through ``raw`` or before the merge existed
                merge.rebuild(draft.store)
                draft.changed = True
            tx = EmbeddedTransaction(draft.before, lambda: draft.store)
            try:
                yield tx
            except BaseException:
                tx.abandon()
                raise
            tx.finish()
            draft.files, draft.changed = tx.files, draft.changed or tx.changed

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> None:
        """Replace each named graph by the triples of the given quads, all or nothing."""
        with self.transaction() as tx:
            for name, quads in graphs.items():
                tx.replace_graph(name, ntriples(quads))

    @contextlib.contextmanager
    def writer(self, *, wait_s: float = DEFAULT_WAIT_S) -> Iterator[ox.Store]:
        """Yield a scratch draft as a raw pyoxigraph store; publish it if the block completes.

        Kept for callers written before ``transaction()``. The draft's default graph is empty
        while the block runs (so the block sees only named graphs, as before the merge existed)
        and is rebuilt whole at the end, which costs in proportion to the store. The draft is
        never a published directory: a reference kept after the block cannot touch what
        readers read.
        """
        with self._drafting(wait_s) as draft:
            store = draft.store
            store.clear_graph(ox.DefaultGraph())
            yield store
            merge.rebuild(store)
            draft.changed = True

    def _upgrade(self) -> None:
        """Publish the merge for a generation written before the default graph held it, once.

        Skipped while another writer holds the lock: its commit adds the merge.
        """
        with contextlib.suppress(StoreLocked), self._drafting(0.0) as draft:
            merge.rebuild(draft.store)
            draft.changed = True

    @contextlib.contextmanager
    def _drafting(self, wait_s: float) -> Iterator[_Draft]:
        """Lock, make a draft of the current state, yield it; publish it (with its files) if the
        block marked it changed."""
        if self._generations is None:
            with self._memory_lock(wait_s):
                before = self._store()
                draft = _Draft(before)
                try:
                    yield draft
                except BaseException:
                    self._memory_counts["refused"] += 1
                    raise
                if draft.changed:  # a change of files alone publishes the same graphs
                    self._memory = before if draft.made is None else draft.made
                    self._memory_commits += 1
                    self._memory_counts["ok"] += 1
                for path, data in draft.files.items():  # a memory store dies with its process
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_atomically(path, data)
            return
        gens = self._generations
        with gens.locked(wait_s):
            live = self._store() if gens.current() else None
            store, draft_dir = gens.new_draft(live)
            draft = _Draft(live if live is not None else ox.Store(), store)
            del store
            try:
                gens.pause("draft-created")
                yield draft
                gens.pause("graphs-staged")
                name = gens.checkpoint(draft.store) if draft.changed else None
            except BaseException:
                gens.count("refused")
                raise
            finally:
                draft.made = None  # the draft's last handle unless a caller kept its own
                shutil.rmtree(draft_dir, ignore_errors=True)
            if name is not None:
                gens.publish(name, draft.files)
                gens.count("ok")

    def publish_pending(self) -> bool:
        """Whether a publish was decided but not finished (the next writer finishes it)."""
        return self._generations is not None and self._generations.pending()

    @contextlib.contextmanager
    def _memory_lock(self, wait_s: float) -> Iterator[None]:
        if not self._memory_writer.acquire(timeout=wait_s):
            raise StoreLocked("in memory", self._memory_holder or None, wait_s)
        self._memory_holder = f"thread {threading.current_thread().name}"
        try:
            yield
        finally:
            self._memory_holder = ""
            self._memory_writer.release()
