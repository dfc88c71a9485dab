"""What one curated build learns from each file for the files after it: a cross-file index.

The graphs are built in order (reference, documents, batches, then the titles): documents cite
authorities, batches are announced by documents, designations take their batch's validity. Each
step records here what the later ones look up, and a reference to something no earlier file
defines fails with the file and row that makes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ingest.build.curated.graph import SourceBook
from ingest.build.curated.rows import CuratedRow
from ingest.build.curated.sources import SourceCatalogue, SourceEntry
from ingest.identity import Registry
from ingest.regions import REGIONS_FILE, Region, RegionTable
from ontology.iris import Iris
from ontology.temporal import valid_until


@dataclass(frozen=True)
class BatchFacts:
    """What batches.csv says about one batch: the facts designations of the batch inherit, and
    the row they come from (its ``validity_source_url`` states the validity, else its
    ``source_url`` the announcement date the rule starts from)."""

    ordinal: int
    announced_by: tuple[URIRef, ...]
    announcement_date: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    row: CuratedRow

    @property
    def validity_column(self) -> str:
        """The column of the row naming the source of the validity designations inherit."""
        return "validity_source_url" if self.row["validity_source_url"] else "source_url"

    def validity(self) -> tuple[dt.date | None, dt.date | None, bool]:
        """(valid from, valid until, whether the end is derived by the three-year rule)."""
        start = self.valid_from or self.announcement_date
        if self.valid_until:
            return start, self.valid_until, False
        if start:
            return start, valid_until(start), True
        return None, None, False


@dataclass
class Lookups:
    """The registry and reference regions, and what the files read so far define."""

    iris: Iris
    registry: Registry
    data_dir: Path
    regions: RegionTable
    book: SourceBook
    authorities: dict[str, URIRef] = field(default_factory=dict)  # every accepted name -> IRI
    documents: dict[str, URIRef] = field(default_factory=dict)  # 文号 or curated slug -> IRI
    batches: dict[int, BatchFacts] = field(default_factory=dict)
    reviews: dict[int, tuple[int, ...]] = field(default_factory=dict)  # year -> reviewed batches
    designations: set[URIRef] = field(default_factory=set)

    @classmethod
    def start(cls, iris: Iris, registry: Registry, data_dir: Path) -> Lookups:
        regions = RegionTable.load(data_dir / REGIONS_FILE)
        book = SourceBook(SourceCatalogue.load(iris, data_dir))
        return cls(iris, registry, data_dir, regions, book)

    def primary(self, entry: SourceEntry) -> URIRef | None:
        """The IRI of what a source copies: a URL, or a document of documents.csv."""
        if not entry.primary:
            return None
        if entry.primary.startswith(("http://", "https://")):
            return URIRef(entry.primary)
        return self.document(entry.primary, entry.row)

    def document(self, ref: str, row: CuratedRow) -> URIRef:
        """The IRI of a document named by its 文号 or curated slug in documents.csv."""
        if ref not in self.documents:
            raise row.fail(f"document {ref!r} is not in data/documents.csv")
        return self.documents[ref]

    def region(self, text: str, row: CuratedRow) -> Region | None:
        """The region a row names (None for an empty cell)."""
        if not text:
            return None
        region = self.regions.resolve(text)
        if region is None:
            raise row.fail(f"{text!r} is not a province, planned city or 新疆生产建设兵团")
        return region
