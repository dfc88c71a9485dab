"""The ``documents`` graph: regulatory documents, their 文号, titles, issuers, dates, citations."""

from __future__ import annotations

from rdflib import URIRef

from ingest.build.curated.graph import CuratedGraph
from ingest.build.curated.lookups import Lookups
from ingest.build.curated.rows import CuratedRow, read_rows
from ingest.document_slugs import is_numbered_slug
from ontology import rdf
from ontology.names import parse_document_number
from ontology.namespaces import DCTERMS, LG, RDFS

_KINDS = {
    "通告": LG.KindAnnouncement,
    "通知": LG.KindNotice,
    "办法": LG.KindMeasures,
    "公示": LG.KindPublicity,
    "名单": LG.KindList,
}
_NOTICE_KINDS = ("通知", "通告")
_COLUMNS = (
    "slug", "doc_number", "title_zh", "title_en", "description_en", "issuer",
    "date_written", "date_published", "kind", "cites", "source_url", "via", "source_date", "note",
)  # fmt: skip


def documents(lk: Lookups) -> None:
    """Every document of documents.csv, each in the graph of the source it was read from;
    records each one's IRI in ``lk.documents`` first, so that a citation may point to a
    document listed further down."""
    rows = list(read_rows(lk.data_dir, "documents.csv", _COLUMNS))
    for row in rows:
        key, slug = _key_and_slug(lk, row)
        if key in lk.documents:
            raise row.fail(f"document {key!r} is listed twice")
        lk.documents[key] = lk.iris.document(slug)
    for row in rows:
        _document(lk.book.graph(row), lk, row)


def _key_and_slug(lk: Lookups, row: CuratedRow) -> tuple[str, str]:
    """How other files name the document (its 文号, else its curated slug), and its IRI slug."""
    number, slug = row["doc_number"], row["slug"]
    if number:
        if parse_document_number(number) is None:
            raise row.fail(f"{number!r} is not a 文号 of the form 前缀〔年份〕序号号")
        return number, lk.registry.document_slug(number)
    if not slug or is_numbered_slug(slug):
        raise row.fail(f"a document without 文号 needs a curated slug, not {slug!r}")
    return slug, slug


def _document(g: CuratedGraph, lk: Lookups, row: CuratedRow) -> None:
    number = row["doc_number"]
    doc = lk.documents[number or row["slug"]]
    kind = row["kind"]
    if kind not in _KINDS:
        raise row.fail(f"kind {kind!r} is not one of {', '.join(_KINDS)}")
    types = (LG.RegulatoryDocument, LG.Notice) if kind in _NOTICE_KINDS else ()
    g.node(doc, row, *(types or (LG.RegulatoryDocument,)))
    g.add(doc, LG.documentKind, _KINDS[kind])
    if number:
        g.add(doc, LG.documentNumber, rdf.text(number))
        g.add(doc, RDFS.label, rdf.text(number, "zh"))
    _titles(g, doc, row)
    for issuer in row.as_list("issuer"):
        if issuer not in lk.authorities:
            raise row.fail(f"issuer {issuer!r} is not in data/reference/authorities.csv")
        g.add(doc, LG.issuer, lk.authorities[issuer])
    written, published = row.as_date("date_written"), row.as_date("date_published")
    if written:
        g.add(doc, LG.dateWritten, rdf.date(written))
    if published:
        if written and published < written:
            raise row.fail(f"published {published} before it was written {written}")
        g.add(doc, LG.datePublished, rdf.date(published))
    for cited in row.as_list("cites"):
        g.add(doc, LG.cites, lk.document(cited, row))
    g.source(doc, row, row["source_url"], row.as_date("source_date"))
    g.comment(doc, row["note"])


def _titles(g: CuratedGraph, doc: URIRef, row: CuratedRow) -> None:
    """The Chinese title, the English one, or (neither nor a 文号 known) a description."""
    number, title_zh, title_en = row["doc_number"], row["title_zh"], row["title_en"]
    if title_zh:
        g.add(doc, DCTERMS.title, rdf.text(title_zh, "zh"))
        if not number:
            g.add(doc, RDFS.label, rdf.text(title_zh, "zh"))
    if title_en:
        g.add(doc, LG.titleTranslation, rdf.text(title_en, "en"))
    if row["description_en"]:
        if number or title_zh or title_en:
            raise row.fail("description_en is only for documents with no title or 文号")
        g.add(doc, LG.titleTranslation, rdf.text(row["description_en"], "en"))
        g.add(doc, RDFS.label, rdf.text(row["description_en"], "en"))
        g.comment(doc, "No title or 文号 found: the English title describes the document.")
    elif not (number or title_zh or title_en):
        raise row.fail("a document needs a 文号, a title or a description_en")
