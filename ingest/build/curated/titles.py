"""Firms and their titles, each fact in the graph of the source it was read from: Little Giant
designations (enterprises.csv), lg:ReviewPassed events (review_outcomes.csv) and key Little Giant
titles (key_little_giants.csv). A designation's batch and holder go to the graph of the page that
names the firm; its validity to the graph of the page that states the batch's validity (or the
announcement date the three-year rule starts from)."""

from __future__ import annotations

import re

from rdflib import URIRef

from ingest.build.curated.fiscal_lists import (
    describe_fiscal_batch,
    describe_support,
    fiscal_batch_year,
)
from ingest.build.curated.graph import CuratedGraph
from ingest.build.curated.lookups import BatchFacts, Lookups
from ingest.build.curated.rows import CuratedRow, read_rows
from ingest.regions import Region
from ontology import rdf
from ontology.iris import KEY_LITTLE_GIANT, LITTLE_GIANT, designation_local
from ontology.names import split_name_notes
from ontology.namespaces import DCTERMS, LG, PROV, RDFS
from ontology.temporal import RULE_DOCUMENT, renewed_until

_ENTERPRISE_COLUMNS = (
    "name_zh", "name_en", "region", "batch", "uscc", "evidence", "evidence_kind", "awarded_by",
    "source_url", "via", "source_date", "note",
)  # fmt: skip
_REVIEW_COLUMNS = (
    "name_zh", "region", "batch", "review_round", "review_year", "outcome", "doc_number",
    "event_document", "date", "source_url", "via", "source_date", "note",
)  # fmt: skip
_KEY_COLUMNS = (
    "name_zh", "region", "list_title", "fiscal_batch", "fiscal_batch_key", "list_date",
    "basis_doc", "awarded_by", "evidence", "evidence_kind", "source_url", "source_date", "note",
)  # fmt: skip
EVIDENCE = {
    "final-list": LG.EvidenceFinalList,
    "publicity": LG.EvidencePublicity,
    "review-pass-list": LG.EvidenceReviewPassList,
    "regional-list": LG.EvidenceRegionalList,
    "translation": LG.EvidenceTranslation,
    "report": LG.EvidenceReport,
}


def evidence(g: CuratedGraph, subject: URIRef, row: CuratedRow) -> None:
    """The row's evidence as a concept of lg:EvidenceScheme, its words as lg:evidenceNote."""
    kind = row["evidence_kind"]
    if kind not in EVIDENCE:
        raise row.fail(f"evidence_kind {kind!r} is not one of {', '.join(EVIDENCE)}")
    g.add(subject, LG.evidence, EVIDENCE[kind])
    if row["evidence"]:
        g.add(subject, LG.evidenceNote, rdf.text(row["evidence"]))


def enterprise(
    g: CuratedGraph, lk: Lookups, row: CuratedRow, name_en: str = ""
) -> tuple[str, URIRef, Region | None]:
    """Resolve the row's firm to its key (minted once) and state what this source prints: its
    names and the former names a note gives. The region the row prints is the listing's (the
    caller puts it on the designation or event); the current name is the registry's to say."""
    printed = split_name_notes(row["name_zh"])
    name_zh = printed.name
    if not name_zh and not name_en:
        raise row.fail("an enterprise needs a Chinese or an English name")
    region = lk.region(row["region"], row)
    uscc = row.get("uscc")
    resolution = lk.registry.resolve(
        name=name_zh or None,
        english_name=name_en or None,
        former_names=printed.former_names,
        uscc=uscc or None,
        region=region.code if region else None,
    )
    if resolution.key is None:
        raise row.fail(f"cannot tell which enterprise this is: {resolution.reason}")
    ent = g.node(lk.iris.enterprise(resolution.key), row, LG.Enterprise)
    if name_zh:
        g.add(ent, RDFS.label, rdf.text(name_zh, "zh"))
    for former in printed.former_names:
        g.add(ent, LG.formerName, rdf.text(former, "zh"))
    if name_en:
        g.add(ent, LG.englishName, rdf.text(name_en, "en"))
        g.add(ent, RDFS.label, rdf.text(name_en, "en"))
    if uscc:
        g.add(ent, LG.uscc, rdf.text(lk.registry.uscc_of(resolution.key)))
    g.source(ent, row, row["source_url"], row.as_date("source_date"))
    return resolution.key, ent, region


def enterprises(lk: Lookups) -> None:
    """Each firm of enterprises.csv and its Little Giant designation (each batch's known count
    is derived at commit, from every source that names a firm of it)."""
    for row in read_rows(lk.data_dir, "enterprises.csv", _ENTERPRISE_COLUMNS):
        n = row.as_int("batch")
        if n is None or n not in lk.batches:
            raise row.fail(f"batch {row['batch']!r} is not described in data/batches.csv")
        g = lk.book.graph(row)
        key, ent, region = enterprise(g, lk, row, row["name_en"])
        g.comment(ent, row["note"])
        des = g.node(lk.iris.designation(key, LITTLE_GIANT, n), row, LG.Designation)
        if region is not None:
            g.add(des, LG.reportedBy, region.iri(lk.iris))
        lk.designations.add(des)
        _designation(g, lk, row, des, ent, lk.batches[n])


def _designation(
    g: CuratedGraph, lk: Lookups, row: CuratedRow, des: URIRef, ent: URIRef, facts: BatchFacts
) -> None:
    n = facts.ordinal
    g.add(des, LG.holder, ent)
    g.add(des, LG.tier, LG.LittleGiant)
    g.add(des, LG.batch, lk.iris.batch(n))
    # a label in each language, the firm named as it is known in that language, else as printed
    name_zh, name_en = row["name_zh"] or row["name_en"], row["name_en"] or row["name_zh"]
    g.add(des, RDFS.label, rdf.text(f"{name_zh}：第{n}批专精特新“小巨人”企业", "zh"))
    g.add(des, RDFS.label, rdf.text(f"{name_en}: Little Giant, batch {n}", "en"))
    awarded = [lk.document(ref, row) for ref in row.as_list("awarded_by")]
    for doc in awarded or facts.announced_by:
        g.add(des, LG.awardedBy, doc)
    if not (awarded or facts.announced_by):
        raise row.fail("no awarding document: fill awarded_by or the batch's announced_by")
    evidence(g, des, row)
    g.source(des, row, row["source_url"], row.as_date("source_date"))
    start, end, derived = facts.validity()
    if not start:
        return
    # the batch's validity, stated by its own source (or the rule from its announcement date)
    column = facts.validity_column
    vg = lk.book.graph(facts.row, column)
    vg.add(des, LG.validFrom, rdf.date(start))
    if end:
        vg.add(des, LG.validUntil, rdf.date(end))
    if derived:
        vg.add(des, PROV.wasDerivedFrom, lk.document(RULE_DOCUMENT, row))
    vg.source(des, facts.row, facts.row[column], None)


def review_outcomes(lk: Lookups) -> None:
    """Re-reviews passed on a 公示 (review_outcomes.csv), each extending its title three years."""
    for row in read_rows(lk.data_dir, "review_outcomes.csv", _REVIEW_COLUMNS):
        if row["outcome"] != "passed (公示)":
            raise row.fail(f"outcome {row['outcome']!r}: only passes on a 公示 are modelled")
        n, year, day = row.as_int("batch"), row.as_int("review_year"), row.as_date("date")
        if n is None or year is None or year not in lk.reviews or n not in lk.reviews[year]:
            raise row.fail(f"no review round {year} of batch {n} in data/batches.csv")
        if day is None:
            raise row.fail("a review outcome needs its date")
        g = lk.book.graph(row)
        key, _, region = enterprise(g, lk, row)
        des = lk.iris.designation(key, LITTLE_GIANT, n)
        if des not in lk.designations:
            raise row.fail(f"no batch-{n} designation of this firm in data/enterprises.csv")
        local = designation_local(key, LITTLE_GIANT, n)
        event = lk.iris.event("review-passed", local, day.isoformat())
        g.node(event, row, LG.ReviewPassed, LG.DesignationEvent)
        g.add(event, LG.designation, des)
        if region is not None:
            g.add(event, LG.reportedBy, region.iri(lk.iris))
        g.add(event, LG.eventDate, rdf.date(day))
        g.add(event, LG.reviewRound, lk.iris.review(year))
        g.add(event, LG.evidence, LG.EvidenceReviewPassList)
        g.add(event, LG.evidenceNote, rdf.text(row["outcome"]))
        g.add(event, RDFS.label, rdf.text(f"{row['name_zh']}：{row['review_round']}通过", "zh"))
        name_en = row.get("name_en") or row["name_zh"]
        g.add(event, RDFS.label, rdf.text(f"{name_en}: passed the review of {year}", "en"))
        if row["event_document"]:
            g.add(event, LG.eventDocument, lk.document(row["event_document"], row))
        _, end, _ = lk.batches[n].validity()
        if end:
            g.add(event, LG.validUntil, rdf.date(renewed_until(end)))
            g.add(event, PROV.wasDerivedFrom, lk.document(RULE_DOCUMENT, row))
        notes = [row["note"]]
        if row["doc_number"]:
            notes.append(f"Review launched by {row['doc_number']}.")
        g.comment(event, " ".join(x for x in notes if x))
        g.source(event, row, row["source_url"], row.as_date("source_date"))


def key_little_giants(lk: Lookups) -> None:
    """Firms named on key Little Giant (重点“小巨人”) lists by a page that does not print the whole
    list: one lg:FiscalSupport per firm and fiscal-support batch (2-2: 第二批第二年, batch 2,
    year 2), not a title. The designation IRIs these rows once had answer 301 to the support."""
    for row in read_rows(lk.data_dir, "key_little_giants.csv", _KEY_COLUMNS):
        m = re.fullmatch(r"(\d+)-(\d+)", row["fiscal_batch_key"])
        if m is None:
            raise row.fail(f"fiscal_batch_key {row['fiscal_batch_key']!r} is not batch-year (2-2)")
        batch, year = int(m[1]), int(m[2])
        if fiscal_batch_year(row["fiscal_batch"], row) != (batch, year):
            raise row.fail(f"fiscal_batch {row['fiscal_batch']!r} is not {row['fiscal_batch_key']}")
        g = lk.book.graph(row)
        key, _, _ = enterprise(g, lk, row)
        describe_fiscal_batch(g.builder, lk, batch, row, URIRef(row["source_url"]))
        name = split_name_notes(row["name_zh"]).name
        support = describe_support(g.builder, lk.iris, key, name, batch, year)
        g.rows.setdefault(str(support), row.where)
        if not row.as_list("awarded_by"):
            raise row.fail("no list (awarded_by) naming this firm")
        for ref in row.as_list("awarded_by"):
            g.add(support, PROV.wasDerivedFrom, lk.document(ref, row))
        old = lk.iris.designation(key, KEY_LITTLE_GIANT, row["fiscal_batch_key"])
        g.add(old, DCTERMS.isReplacedBy, support)
        notes = [row["note"], f"Named on {row['list_title']} ({row['evidence']})."]
        if row["list_date"]:
            notes.append(f"List dated {row['list_date']}.")
        g.comment(support, " ".join(x for x in notes if x))
        for node in (support, old):
            g.source(node, row, row["source_url"], row.as_date("source_date"))
