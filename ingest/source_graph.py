"""What a commit writes: a source (the files read, the original's URL and date) and the graph
built from it, with the source row behind each node for error messages (``ingest.load``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ontology.paths import label
from ontology.rdf import GraphBuilder


@dataclass(frozen=True)
class Source:
    """Where a graph comes from: the files read, its bytes, and the URL and date of the original.

    ``data`` (when given) is what the graph's fingerprint hashes: a list's or notice's bytes, or
    a curated source's own statements; ``files`` are the input files read (each recorded with its
    checksum), hashed instead when there is no ``data``; ``fingerprint`` is the derived graph's
    (``derivation.fingerprint``). ``file_name`` names the file ``data`` was read from; ``pages``
    the source pages the facts were taken from; ``derived_from`` the graphs a derived graph was
    computed from.
    """

    name: str
    title: str
    files: tuple[Path, ...] = ()
    url: str | None = None
    retrieval_date: dt.date | None = None
    data: bytes | None = None
    file_name: str = ""
    pages: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()
    fingerprint: str | None = None

    def sha256(self) -> str:
        """Hash the source bytes (``data``, else the files): equal hashes mean nothing to do."""
        if self.fingerprint is not None:
            return self.fingerprint
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def inputs(self) -> list[tuple[str, str]]:
        """The input files read, as (label, sha256): what the graph's activity used."""
        found = [
            (label, hashlib.sha256(path.read_bytes()).hexdigest())
            for label, path in zip(self.file_labels(), self.files, strict=True)
        ]
        if self.file_name and self.data is not None:
            found.append((self.file_name, hashlib.sha256(self.data).hexdigest()))
        return found

    def file_labels(self) -> list[str]:
        """The files as recorded in the graph: repo-relative when shipped, else their names."""
        return [label(path) for path in self.files]


@dataclass(frozen=True)
class SourceGraph:
    """One source's graph as built, with the source row behind each node for error messages."""

    source: Source
    builder: GraphBuilder
    rows: Mapping[str, str] = field(default_factory=dict)
    patch: tuple[bytes, bytes] | None = None  # lines that go, lines that come (derived in part)
