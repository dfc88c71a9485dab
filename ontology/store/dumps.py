"""Bulk downloads of the dataset: gzipped N-Quads with their sha256 and size, written per commit.

Data users (like GLEIF's golden-copy files) want one file with every quad, a checksum to verify the
download and a size to plan it. The CLI calls :func:`write_dumps` after each published commit; the
server serves the files from ``{store}/dumps``, writing them at start-up when they are missing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from ontology.store import GraphStore

DUMP_NAME = "littlegiant.nq.gz"
MANIFEST_NAME = "dumps.json"
_CHUNK = 1 << 20

__all__ = [
    "DUMP_NAME",
    "MANIFEST_NAME",
    "Dump",
    "dumps_directory",
    "read_manifest",
    "write_dumps",
]


@dataclass(frozen=True)
class Dump:
    """One published dump file and what a downloader needs to check it."""

    name: str
    media_type: str
    encoding: str
    sha256: str
    size: int
    quads: int
    generation: str
    created: str


def dumps_directory(store: GraphStore, configured: Path | None) -> Path | None:
    """Where the store's dumps live: ``LG_DUMPS_DIR`` when set, else ``{store}/dumps`` for an
    on-disk store; None when neither (the server then keeps them in a temporary directory)."""
    if configured is not None:
        return configured
    path = getattr(store, "path", None)
    return path / "dumps" if isinstance(path, Path) else None


def write_dumps(store: GraphStore, directory: Path) -> Dump:
    """Write the store's quads as gzipped N-Quads into ``directory`` with a manifest; return it.

    The file is written under a temporary name and renamed, so a reader never sees a partial dump.
    Gzip's header carries no timestamp, so an unchanged store gives a byte-identical file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / DUMP_NAME
    tmp = directory / f".{DUMP_NAME}.{os.getpid()}-{threading.get_ident()}.part"
    digest = hashlib.sha256()
    count = 0
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
            lines = _sorted_lines(store)
            gz.write(b"".join(lines))
            count = len(lines)
        raw.flush()
        os.fsync(raw.fileno())
    with open(tmp, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    tmp.replace(target)
    dump = Dump(
        name=DUMP_NAME,
        media_type="application/n-quads",
        encoding="gzip",
        sha256=digest.hexdigest(),
        size=target.stat().st_size,
        quads=count,
        generation=store.generation(),
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )
    manifest = directory / MANIFEST_NAME
    tmp_manifest = directory / f".{MANIFEST_NAME}.{os.getpid()}-{threading.get_ident()}.part"
    tmp_manifest.write_text(json.dumps(asdict(dump), indent=2) + "\n", encoding="utf-8")
    tmp_manifest.replace(manifest)
    (directory / f"{DUMP_NAME}.sha256").write_text(f"{dump.sha256}  {DUMP_NAME}\n", "utf-8")
    return dump


def read_manifest(directory: Path) -> Dump | None:
    """The manifest of the dump in ``directory``; None when there is none or it is unreadable."""
    try:
        data = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
        dump = Dump(**data)
    except (OSError, ValueError, TypeError):
        return None
    return dump if (directory / dump.name).exists() else None


def _sorted_lines(store: GraphStore) -> list[bytes]:
    # Sorted lines make the dump deterministic, so its checksum only changes with the data.
    # The store's own serialisation, then a byte sort: ~10x faster than line by line.
    data = store.nquads()
    lines = data.splitlines(keepends=True)
    lines.sort()
    return lines
