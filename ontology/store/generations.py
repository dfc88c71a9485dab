"""The on-disk layout of the embedded store: immutable generations, the writer's lock and draft.

``{store}/gen-000042`` holds one committed state and ``{store}/current`` (a symlink) names the
live one. A writer works in a scratch draft (``{store}/.draft-…``, opened read-write) and
publishes a checkpoint of it, made with pyoxigraph's ``backup()`` into the next ``gen-`` name,
by renaming a new link over ``current``. A published directory is never opened read-write by
anyone: pyoxigraph documents that reading a directory another process writes is undefined
behaviour, and RocksDB keeps compacting a directory as long as a read-write handle to it lives,
deleting SST files a reader's MANIFEST still names. The checkpoint's SST files are hard links,
so the draft compacting afterwards only drops its own names for them.

Files that belong to a state (the key registry, kept outside the store) are published with it:
written beside their final names and fsynced, then named in a commit record
(``{store}/.publishing``) with the generation, which is the commit point; the link and the files
are renamed after it. A writer that finds the record when it takes the lock finishes what a
killed one began, before it reads any of them, so a generation and its files are never seen
apart by a writer.
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
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from ontology.store.common import StoreLocked, fsync_path, write_atomically

PREFIX = "gen-"
KEEP = 3  # generations kept on disk: the live one and two a slow reader may still be reading
PAUSE_POINTS = (
    "draft-created",
    "graphs-staged",
    "before-publish",
    "between-renames",
    "published",
)
JOURNAL = ".publishing"
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
                self.recover()
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
        durable = _inodes(self.root / current) if current else set()
        for path in target.iterdir():
            # a hard link of a file of the live generation was fsynced when that was written
            if path.is_file() and _inode(path) not in durable:
                fsync_path(path)
        fsync_path(target)
        return name

    def publish(self, name: str, files: Mapping[Path, bytes] | None = None) -> None:
        """Make the generation ``name`` live, with ``files`` written at their paths in the same
        step, then drop the oldest generations. Call with the lock held."""
        self.pause("before-publish")
        staged = []
        for path, data in (files or {}).items():
            pending = path.with_name(f"{path.name}.pending-{os.getpid()}")
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(pending, data)
            staged.append((str(pending), str(path)))
        record = {"generation": name, "files": staged}
        write_atomically(self.root / JOURNAL, json.dumps(record).encode("utf-8"))
        self._finish(name, staged)
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

    def recover(self) -> None:
        """Finish a publish a killed writer decided (its commit record exists) but did not end."""
        journal = self.root / JOURNAL
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        name, staged = str(record["generation"]), [(str(a), str(b)) for a, b in record["files"]]
        if (self.root / name).is_dir():
            self._finish(name, staged)
        else:  # cannot happen: the generation is fsynced before the record is written
            for pending, _ in staged:
                Path(pending).unlink(missing_ok=True)
            journal.unlink()

    def pending(self) -> bool:
        """Whether a publish was decided but not finished (a writer was killed in it)."""
        return (self.root / JOURNAL).exists()

    def _finish(self, name: str, staged: list[tuple[str, str]]) -> None:
        """Rename the link, then each file, into place (idempotent), then drop the record."""
        if self.current() != name:
            link = self.root / f".current-{os.getpid()}"
            link.unlink(missing_ok=True)
            link.symlink_to(name)
            link.replace(self.root / "current")
            fsync_path(self.root)
        self.pause("between-renames")
        for pending, final in staged:
            if Path(pending).exists():
                Path(pending).replace(final)
                fsync_path(Path(final).parent)
        (self.root / JOURNAL).unlink(missing_ok=True)
        fsync_path(self.root)

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


def _inode(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _inodes(directory: Path) -> set[tuple[int, int]]:
    """The (device, inode) of each file in ``directory`` (none if it is gone)."""
    try:
        return {_inode(p) for p in directory.iterdir() if p.is_file()}
    except FileNotFoundError:
        return set()
