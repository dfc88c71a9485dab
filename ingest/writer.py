"""The single writer: the store's lock first, then the key registry, then one publish of both.

Keys are minted from the registry, and a fingerprint says whether a source changed since the
store last recorded it; both are only true of the state they were read in. So a writer takes the
store's single-writer lock before it reads either, and keeps it until the new state is published
with the registry it was built from: the registry files are staged in the store's transaction
(``Transaction.publish_file``) and renamed into place in the step that publishes the generation,
under one commit record that the next writer finishes if a crash interrupts it. Every command
that writes (``build``, ``ingest``, the first build of ``serve``) goes through ``writing``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ingest.identity import Registry
from ontology.store import GraphStore, StoreLocked, Transaction

DEFAULT_WAIT_S = 300.0  # a second writer waits this long for the first (`--wait SECONDS`)


@dataclass(frozen=True)
class Writing:
    """One writer's session: the store as it is under the lock, its transaction, the registry."""

    store: GraphStore
    tx: Transaction
    registry: Registry


@contextlib.contextmanager
def writing(
    store: GraphStore,
    registry: Registry,
    *,
    wait_s: float = DEFAULT_WAIT_S,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[Writing]:
    """Lock the store, re-read ``registry`` from its directory, and yield the session.

    A normal exit publishes the staged graphs and, if keys were minted or names learnt, the
    registry with them; an exception publishes nothing and puts ``registry`` back as it is on
    disk. ``waiting`` is told, once, when another writer holds the lock and this one waits.

    Raises:
        StoreLocked: another writer kept the lock for ``wait_s`` seconds.
    """
    with contextlib.ExitStack() as stack:
        try:
            tx = stack.enter_context(store.transaction(wait_s=0.0))
        except StoreLocked as exc:
            if wait_s <= 0:
                raise
            if waiting is not None:
                holder = exc.holder or "another writer"
                waiting(f"the store is being written by {holder}; waiting up to {wait_s:g} s")
            tx = stack.enter_context(store.transaction(wait_s=wait_s))
        registry.reload()
        try:
            yield Writing(store, tx, registry)
        except BaseException:
            registry.reload()  # the keys minted for a state that is not published go
            raise
        if registry.dirty:
            for path, data in registry.files().items():
                tx.publish_file(path, data)
    registry.dirty = False
