"""data/sources.csv: every source the curated facts were read from, what it is, and what it copies.

A row's facts go to the graph of the source actually read: its ``via`` when it was read through
a copy (a list copied into a code repository, which cites the official URL as ``source_url``),
else its ``source_url``. Each source is classified (official publication, mirror, secondary
report: DESIGN §3) and, where it copies or reports one publication, names it as its primary
source (``prov:hadPrimarySource``): a URL, or a document of documents.csv by 文号 or slug.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import URIRef

from ingest.build.curated.rows import CuratedDataError, CuratedRow, read_rows
from ontology.iris import Iris
from ontology.namespaces import LG

SOURCES_FILE = "sources.csv"
_COLUMNS = ("source", "kind", "primary_source", "publisher", "note")
KINDS = {
    "official": LG.OfficialPublication,
    "mirror": LG.Mirror,
    "secondary": LG.SecondaryReport,
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class SourceEntry:
    """One source of sources.csv: its IRI, class, primary source (as written) and note."""

    key: str  # the URL, or the slug of a source with no address of its own
    iri: URIRef
    kind: URIRef
    primary: str
    publisher: str
    note: str
    row: CuratedRow

    @property
    def graph_name(self) -> str:
        """``source-{slug}``, or ``source-{host}-{digest}`` for a URL: stable, and readable."""
        if not self.key.startswith(("http://", "https://")):
            return f"source-{self.key}"
        host = re.sub(r"[^a-z0-9.-]+", "-", (urlsplit(self.key).hostname or "page").lower())
        digest = hashlib.sha1(self.key.encode()).hexdigest()[:8]  # noqa: S324 - an id, not a secret
        return f"source-{host.removeprefix('www.')}-{digest}"


class SourceCatalogue:
    """The entries of data/sources.csv by key; every source a row names must be listed."""

    def __init__(self, entries: dict[str, SourceEntry]) -> None:
        self.entries = entries

    @classmethod
    def load(cls, iris: Iris, data_dir: Path) -> SourceCatalogue:
        """Read data/sources.csv. Raises: CuratedDataError for a bad or repeated row."""
        entries: dict[str, SourceEntry] = {}
        for row in read_rows(data_dir, SOURCES_FILE, _COLUMNS):
            key = row["source"]
            if key in entries:
                raise row.fail(f"source {key!r} is listed twice")
            if row["kind"] not in KINDS:
                raise row.fail(f"kind {row['kind']!r} is not one of {', '.join(KINDS)}")
            if key.startswith(("http://", "https://")):
                iri = URIRef(key)
            elif _SLUG.match(key):
                iri = iris.source(key)
            else:
                raise row.fail(f"source {key!r} is neither a URL nor a slug such as repo-copy-x")
            entry = SourceEntry(
                key, iri, KINDS[row["kind"]], row["primary_source"], row["publisher"],
                row["note"], row,
            )  # fmt: skip
            entries[key] = entry
        return cls(entries)

    def get(self, key: str, row: CuratedRow) -> SourceEntry:
        """The entry of a source a row names. Raises: CuratedDataError when it is not listed."""
        if key not in self.entries:
            raise row.fail(f"source {key!r} is not listed in data/{SOURCES_FILE}")
        return self.entries[key]

    def read(self, row: CuratedRow, column: str = "source_url") -> SourceEntry:
        """The source a row's facts were read from: its ``via`` (a copy) or its ``column``.

        Raises: CuratedDataError when the row names no source, or one that is not listed.
        """
        key = row.get("via") or row[column]
        if not key:
            raise row.fail(f"no {column}: every fact needs the source it was taken from")
        entry = self.get(key, row)
        if row.get("via") and entry.primary != row[column]:
            raise CuratedDataError(
                f"{row.where}: via {key!r} copies {entry.primary!r} (data/{SOURCES_FILE}), "
                f"not the row's {column} {row[column]!r}"
            )
        return entry
