"""The curated sources' graphs under construction: one per source read, filled as rows name them.

A row's facts go to the graph of the source it was read from (``SourceBook.graph``), so that
``GRAPH ?g { fact }`` names the sources that state a fact and nothing else; a file that gathers
facts from fifty pages is fifty sources. Each graph describes its own source: its class
(official, mirror, secondary), what it copies (``prov:hadPrimarySource``), the page dates rows
give, and the files of data/ its rows came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import URIRef

from ingest.build.curated.rows import CuratedRow
from ingest.build.curated.sources import SourceCatalogue, SourceEntry
from ontology import rdf
from ontology.namespaces import DCTERMS, LG, PROV, RDFS
from ontology.rdf import GraphBuilder, Term


@dataclass
class CuratedGraph:
    """One source's graph, with the pages it cites, the row behind each node, its input files.

    ``entry`` None: the reference data, one source of its own that cites the standards' pages.
    """

    entry: SourceEntry | None = None
    builder: GraphBuilder = field(default_factory=GraphBuilder)
    rows: dict[str, str] = field(default_factory=dict)
    pages: dict[str, dt.date | None] = field(default_factory=dict)
    files: dict[str, None] = field(default_factory=dict)  # data/ files, in order of first use
    catalogue: SourceCatalogue | None = None

    def add(self, s: URIRef, p: URIRef, o: Term | URIRef) -> None:
        self.builder.add(s, p, o)

    def node(self, iri: URIRef, row: CuratedRow, *types: URIRef) -> URIRef:
        """``iri`` typed ``types``, reported as ``row`` when the gate finds something wrong."""
        self.builder.type(iri, *types)
        self.rows.setdefault(str(iri), row.where)
        return iri

    def source(self, subject: URIRef, row: CuratedRow, page: str, date: dt.date | None) -> None:
        """``dcterms:source`` the source read, for a fact the row took from ``page`` (its own
        URL, or the one a copy cites) dated ``date``.

        Raises:
            CuratedDataError: the page is dated differently elsewhere.
        """
        self.add(subject, DCTERMS.source, self.entry.iri if self.entry else URIRef(page))
        known = self.pages.get(page)
        if date and known and date != known:
            raise row.fail(f"{page} is dated {known} elsewhere, {date} here")
        self.pages[page] = date or known

    def catalogue_entry(self, url: str) -> SourceEntry | None:
        return self.catalogue.entries.get(url) if self.catalogue else None

    def comment(self, subject: URIRef, text: str) -> None:
        if text:
            self.add(subject, RDFS.comment, rdf.text(text, "en"))

    def finish(self, primary: Callable[[SourceEntry], URIRef | None]) -> GraphBuilder:
        """Describe the source and the pages cited, and drop repeated triples (several rows
        state one fact). ``primary`` gives the IRI of the publication a source copies."""
        entry = self.entry
        if entry is not None:
            self.builder.type(entry.iri, LG.SourcePage, entry.kind)
            if entry.publisher:
                self.add(entry.iri, DCTERMS.publisher, rdf.text(entry.publisher, "zh"))
            self.comment(entry.iri, entry.note)
            if (original := primary(entry)) is not None:
                self.add(entry.iri, PROV.hadPrimarySource, original)
        for url, date in sorted(self.pages.items()):
            listed = self.catalogue_entry(url)
            self.builder.type(URIRef(url), LG.SourcePage, *((listed.kind,) if listed else ()))
            if date:
                self.add(URIRef(url), LG.sourceDate, rdf.date(date))
        self.builder.triples[:] = list(dict.fromkeys(self.builder.triples))
        return self.builder


class SourceBook:
    """The graphs of the sources read, made the first time a row names one, in that order."""

    def __init__(self, catalogue: SourceCatalogue) -> None:
        self.catalogue = catalogue
        self.graphs: dict[str, CuratedGraph] = {}

    def graph(self, row: CuratedRow, column: str = "source_url") -> CuratedGraph:
        """The graph of the source ``row`` was read from (its ``via``, else its ``column``).

        Raises: CuratedDataError: the row names no source, or one not in data/sources.csv.
        """
        return self.of(self.catalogue.read(row, column), row)

    def of(self, entry: SourceEntry, row: CuratedRow) -> CuratedGraph:
        """The graph of ``entry``, noting the file of ``row`` among its inputs."""
        g = self.graphs.setdefault(entry.key, CuratedGraph(entry, catalogue=self.catalogue))
        g.files.setdefault(row.where.split("::", 1)[0])
        return g
