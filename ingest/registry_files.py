"""The key registry's files: two CSV tables committed beside the data, read and written whole.

``enterprises.csv`` holds one row per enterprise key (its credit code, region, the names it is
known by, current legal name, former names, and a merge a person decided); ``documents.csv`` one
row per numbered document's slug. Rows are written in key order with ``\\n`` line ends, so a
change to the registry is a readable diff.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ontology.paths import SHIPPED_REGISTRY


@dataclass(frozen=True)
class MergeRecord:
    """A merge a person decided: ``key`` is the firm ``into``, since ``on``."""

    key: str
    into: str
    on: str
    reason: str = ""
    source_url: str = ""


@dataclass
class EnterpriseEntry:
    """A row of the enterprise table: one key, what its identity rests on, and a merge."""

    key: str
    uscc: str = ""
    region: str = ""
    names: list[str] = field(default_factory=list)  # normalised, for matching
    legal_name: str = ""  # the current Chinese legal name, as printed
    former_names: list[str] = field(default_factory=list)  # as printed
    minted: str = ""
    merged_into: str = ""
    merged_on: str = ""
    merge_reason: str = ""
    merge_source_url: str = ""


ENTERPRISE_FILE = "enterprises.csv"
DOCUMENT_FILE = "documents.csv"
ENTERPRISE_FIELDS = (
    "key", "uscc", "region", "names", "legal_name", "former_names", "minted",
    "merged_into", "merged_on", "merge_reason", "merge_source_url",
)  # fmt: skip
DOCUMENT_FIELDS = ("slug", "doc_number", "minted")
_KEY = re.compile(r"^E(\d{6,})$")


def read_rows(path: Path, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of one registry table (none when it does not exist yet); a missing column reads
    as "" (a registry written before the column was added)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{f: row.get(f) or "" for f in fields} for row in csv.DictReader(fh)]


def csv_bytes(fields: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def key_number(key: str) -> int:
    """The number of an enterprise key (``E000123`` → 123): keys sort by it."""
    m = _KEY.match(key)
    return int(m.group(1)) if m else 0


def enterprise_bytes(entries: Iterable[EnterpriseEntry]) -> bytes:
    """The enterprise table of registry entries, in key order (a list field's values joined
    by ``|``), written as tuples (a dict per row: 0.12 s at 26,500 firms, tuples 0.07 s; every
    commit that changes the registry writes it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ENTERPRISE_FIELDS)
    writer.writerows(
        tuple("|".join(v) if isinstance(v := getattr(e, f), list) else v for f in ENTERPRISE_FIELDS)
        for e in sorted(entries, key=lambda e: key_number(e.key))
    )
    return out.getvalue().encode("utf-8")


def atomic_write(path: Path, data: bytes) -> None:
    """Temporary file, fsync, rename: a reader sees the old table or the new, never half."""
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def seeded(directory: Path, shipped: Path = SHIPPED_REGISTRY) -> Path:
    """``directory``, first made a copy of the shipped registry when it does not exist yet (an
    installation's first run), so the shipped data keeps its keys. The copy is made aside and
    renamed into place: two first runs at once leave one whole copy."""
    if directory.exists() or not shipped.is_dir():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=".registry-", dir=directory.parent))
    for name in (ENTERPRISE_FILE, DOCUMENT_FILE):
        if (shipped / name).is_file():
            shutil.copyfile(shipped / name, aside / name)
    try:
        aside.rename(directory)
    except OSError:  # another run put its copy there first
        shutil.rmtree(aside, ignore_errors=True)
    return directory
