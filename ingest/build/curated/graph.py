"""A curated source graph under construction: its triples, the pages it cites, its rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import URIRef

from ingest.build.curated.rows import CuratedRow
from ontology import rdf
from ontology.namespaces import DCTERMS, LG, RDFS
from ontology.rdf import GraphBuilder, Term


@dataclass
class CuratedGraph:
    """One source graph, with the source pages it cites and the row behind each node."""

    builder: GraphBuilder = field(default_factory=GraphBuilder)
    rows: dict[str, str] = field(default_factory=dict)
    pages: dict[str, dt.date | None] = field(default_factory=dict)

    def add(self, s: URIRef, p: URIRef, o: Term | URIRef) -> None:
        self.builder.add(s, p, o)

    def node(self, iri: URIRef, row: CuratedRow, *types: URIRef) -> URIRef:
        """``iri`` typed ``types``, reported as ``row`` when the gate finds something wrong."""
        self.builder.type(iri, *types)
        self.rows.setdefault(str(iri), row.where)
        return iri

    def source(self, subject: URIRef, url: str, date: dt.date | None, row: CuratedRow) -> None:
        """``dcterms:source <url>``, the URL typed lg:SourcePage with its date in this graph.

        Raises:
            CuratedDataError: no URL, or the page is dated differently elsewhere.
        """
        if not url:
            raise row.fail("no source_url: every fact needs the page it was taken from")
        self.add(subject, DCTERMS.source, URIRef(url))
        known = self.pages.get(url)
        if date and known and date != known:
            raise row.fail(f"{url} is dated {known} elsewhere, {date} here")
        self.pages[url] = date or known

    def comment(self, subject: URIRef, text: str) -> None:
        if text:
            self.add(subject, RDFS.comment, rdf.text(text, "en"))

    def finish(self) -> GraphBuilder:
        """Describe the source pages and drop repeated triples (several rows state one fact)."""
        for url, date in sorted(self.pages.items()):
            self.builder.type(URIRef(url), LG.SourcePage)
            if date:
                self.add(URIRef(url), LG.sourceDate, rdf.date(date))
        self.builder.triples[:] = list(dict.fromkeys(self.builder.triples))
        return self.builder
