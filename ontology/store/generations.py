"""The on-disk layout of the embedded store: immutable generations, the writer's lock and draft.

``{store}/gen-000042`` holds one committed state and ``{store}/current`` (a symlink) names the
live one. A writer works in a scratch draft (``{store}/.draft-…``, opened read-write) and
publishes a checkpoint of it, made with pyoxigraph's ``backup()`` into the next ``gen-`` name,
by renaming a new link over ``current``. A published directory is never opened read-write by
anyone: pyoxigraph documents that reading a directory another process writes is undefined
behaviour, and RocksDB keeps compacting a directory as long as a read-write handle to it lives,
deleting SST files a reader's MANIFEST still names. The checkpoint's SST files are hard links,
so the draft compacting afterwards only drops its own names for them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ontology.store.common import StoreLocked

PREFIX = "gen-"
KEEP = 3  # generations kept on disk: the live one and two a slow reader may still be reading
PAUSE_POINTS = ("draft-created", "graphs-staged", "before-publish", "published")
_POLL_S = 0.02


class Generations:
    """The generation directories under one store root, and the single writer's lifecycle."""

    def __init__(self, root: Path, pause_at: str | None = None) -> None:
        self.root = root
        self.pauses = parse_pause_points(pause_at)
        root.mkdir(parents=True, exist_ok=True)

    def current(self) -> str:
        """The live generation's name; "" before the first publish."""
        try:
            return os.readlink(self.root / "current")
        except FileNotFoundError:
            return ""

    @contextlib.contextmanager
    def locked(self, wait_s: float) -> Iterator[None]:
        """Hold the store's single-writer lock (an flock, released even by a killed process).

        Raises:
            StoreLocked: another writer kept it for ``wait_s`` seconds.
        """
        with open(self.root / ".lock", "a+", encoding="utf-8") as fh:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        fh.seek(0)
                        raise StoreLocked(
                            str(self.root), fh.read().strip() or None, wait_s
                        ) from None
                    time.sleep(0.05)
            try:
                fh.seek(0)
                fh.truncate()
                fh.write(_holder() + "\n")
                fh.flush()
                yield
            finally:
                fh.seek(0)
                fh.truncate()
                fh.flush()
                fcntl.flock(fh, fcntl.LOCK_UN)

    def new_draft(self, before: ox.Store | None) -> tuple[ox.Store, Path]:
        """A read-write scratch copy of the live generation (hard-linked), after clearing what a
        killed writer left behind. Call with the lock held."""
        for stale in self.root.glob(".draft-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for link in self.root.glob(".current-*"):
            link.unlink(missing_ok=True)
        draft_dir = self.root / f".draft-{os.getpid()}-{time.monotonic_ns()}"
        if before is not None:
            before.backup(str(draft_dir))
        return ox.Store(str(draft_dir)), draft_dir

    def checkpoint(self, draft: ox.Store) -> str:
        """Write the draft as the next generation (not yet live) and return its name."""
        current = self.current()
        number = int(current[len(PREFIX) :]) + 1 if current else 1
        name = f"{PREFIX}{number:06d}"
        target = self.root / name
        if target.exists():  # a checkpoint a killed writer made but never published
            shutil.rmtree(target)
        draft.flush()
        draft.backup(str(target))
        for path in target.iterdir():
            if path.is_file():
                _fsync(path, os.O_RDONLY)
        _fsync(target, os.O_RDONLY)
        return name

    def publish(self, name: str) -> None:
        """Make the generation ``name`` live (an atomic rename), then drop the oldest ones."""
        self.pause("before-publish")
        link = self.root / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(name)
        link.replace(self.root / "current")
        _fsync(self.root, os.O_RDONLY)
        self.pause("published")
        gens = sorted(p.name for p in self.root.glob(f"{PREFIX}*") if p.is_dir())
        for old in gens[: max(0, len(gens) - KEEP)]:
            if old != name:
                shutil.rmtree(self.root / old, ignore_errors=True)

    def counts(self) -> dict[str, int]:
        """The commit counts kept in ``{store}/commits.json`` (published, refused)."""
        try:
            found = json.loads((self.root / "commits.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = {}
        return {k: int(found.get(k, 0)) for k in ("ok", "refused")}

    def count(self, outcome: str) -> None:
        """Add one commit of ``outcome`` to the counts (call with the lock held)."""
        counts = self.counts()
        counts[outcome] = counts.get(outcome, 0) + 1
        tmp = self.root / f".commits-{os.getpid()}.json"
        tmp.write_text(json.dumps(counts), encoding="utf-8")
        tmp.replace(self.root / "commits.json")

    def pause(self, point: str) -> None:
        """At a pause point named in the setting, write ``.paused-at-{point}`` and wait until it
        is removed: fault-injection tests kill the writer there, or let it go on."""
        if point not in self.pauses:
            return
        marker = self.root / f".paused-at-{point}"
        marker.write_text(f"{os.getpid()}\n", encoding="utf-8")
        while marker.exists():
            time.sleep(_POLL_S)


def parse_pause_points(text: str | None) -> frozenset[str]:
    """The pause points of a comma-separated setting. Raises: ValueError for an unknown name."""
    names = frozenset(n.strip() for n in (text or "").split(",") if n.strip())
    unknown = sorted(names - set(PAUSE_POINTS))
    if unknown:
        raise ValueError(f"unknown pause point(s) {unknown}; known: {list(PAUSE_POINTS)}")
    return names


def _holder() -> str:
    since = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
    return f"pid {os.getpid()} on {socket.gethostname()} since {since} ({command})"


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
