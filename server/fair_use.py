"""Fair use, as public endpoints do it (WDQS: 60 s of query time per client per minute).

Each client has, per calendar minute, a budget of SPARQL query seconds (``LG_QUERY_BUDGET_S``)
and of reconciliation queries (``LG_RECONCILE_BUDGET``); a client over one gets 429 with
``Retry-After`` (the seconds left in the minute) until the minute ends, and no other client is
affected. The spending is kept in a small file-backed table shared by every ``--workers``
process (``mmap`` + ``flock``), so the budget holds however requests are spread over them.
The client is the peer address, or the ``X-Forwarded-For`` address a trusted proxy
(``LG_TRUSTED_PROXIES``) reports.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SLOTS = 8192  # clients tracked per minute; a full table forgets the oldest minute's entries
_SLOT = struct.Struct("<QqdI4x")  # key, minute, spent (s or queries), hits
_PROBE = 16


@dataclass(frozen=True)
class OverBudget:
    """Why a client must wait, and how long."""

    retry_after_s: int
    message: str


class Ledger:
    """Per-client spending per minute, in a file every server process maps."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        size = SLOTS * _SLOT.size
        with open(path, "a+b") as fh:
            if os.fstat(fh.fileno()).st_size < size:
                fh.truncate(size)
        self._fd = os.open(path, os.O_RDWR)
        self._map = mmap.mmap(self._fd, size)
        self._lock = threading.Lock()

    def spent(self, client: str, kind: str) -> float:
        """What ``client`` spent of ``kind`` this minute."""
        minute = _minute()
        with self._locked():
            found = self._find(_key(client, kind), minute, create=False)
            return 0.0 if found is None else _SLOT.unpack_from(self._map, found)[2]

    def charge(self, client: str, kind: str, amount: float) -> None:
        """Add ``amount`` to what ``client`` spent of ``kind`` this minute."""
        minute = _minute()
        key = _key(client, kind)
        with self._locked():
            offset = self._find(key, minute, create=True)
            if offset is None:
                return  # the table is full of this minute's clients: this one goes unmetered
            _, _, spent, hits = _SLOT.unpack_from(self._map, offset)
            _SLOT.pack_into(self._map, offset, key, minute, spent + amount, hits + 1)

    def check(self, client: str, kind: str, budget: float, unit: str) -> OverBudget | None:
        """Whether ``client`` is over its ``budget`` of ``kind`` for this minute."""
        spent = self.spent(client, kind)
        if spent < budget:
            return None
        wait = max(1, math.ceil(60 - time.time() % 60))
        return OverBudget(
            wait,
            f"This client ({client}) used {spent:.1f} {unit} this minute; the fair-use budget "
            f"is {budget:g} {unit} per minute per client. Try again in {wait} s.",
        )

    def _find(self, key: int, minute: int, *, create: bool) -> int | None:
        start = key % SLOTS
        free: int | None = None
        for i in range(_PROBE):
            offset = ((start + i) % SLOTS) * _SLOT.size
            k, m, _, _ = _SLOT.unpack_from(self._map, offset)
            if k == key and m == minute:
                return offset
            if free is None and (k == 0 or m != minute):
                free = offset
        if create and free is not None:
            _SLOT.pack_into(self._map, free, key, minute, 0.0, 0)
            return free
        return None

    def _locked(self) -> _FileLock:
        return _FileLock(self._fd, self._lock)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


class _FileLock:
    def __init__(self, fd: int, lock: threading.Lock) -> None:
        self._fd, self._lock = fd, lock

    def __enter__(self) -> None:
        self._lock.acquire()
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()


def client_of(peer: str | None, forwarded_for: str | None, trusted: Iterable[str]) -> str:
    """The client's address: the peer, or the last address a trusted proxy chain reports."""
    trusted = frozenset(trusted)
    client = peer or "unknown"
    if client not in trusted or not forwarded_for:
        return client
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        client = hop[:64]
        if hop not in trusted:
            break
    return client


def _key(client: str, kind: str) -> int:
    digest = hashlib.blake2b(f"{kind}\0{client}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


def _minute() -> int:
    return int(time.time() // 60)
