"""Little Giant batches, re-review rounds, and the counts sources claim, each in the graph of the
source that states it (batches.csv, count_claims.csv)."""

from __future__ import annotations

from rdflib import URIRef

from ingest.build.curated.graph import CuratedGraph
from ingest.build.curated.lookups import BatchFacts, Lookups
from ingest.build.curated.rows import CuratedRow, read_rows
from ontology import rdf
from ontology.names import language_of
from ontology.namespaces import LG, RDFS, XSD

_COLUMNS = (
    "target", "year", "reviewed_batches", "outcomes_complete", "announced_by",
    "announcement_date", "declared_count", "valid_from", "valid_until", "validity_source_url",
    "source_url", "source_date", "note",
)  # fmt: skip
_CLAIM_COLUMNS = (
    "target", "count", "count_basis", "basis", "doc_number", "stated_in", "date", "date_kind",
    "claim_date_kind", "a_share_listed", "source_url", "source_date", "note",
)  # fmt: skip
BASES = {
    "final-list": LG.BasisFinalList,
    "publicity": LG.BasisPublicity,
    "review-passed": LG.BasisReviewPassed,
    "not-stated": LG.BasisNotStated,
}
DATE_KINDS = {
    "written": LG.DateKindWritten,
    "publicity-start": LG.DateKindPublicityStart,
    "received": LG.DateKindReceived,
    "stated": LG.DateKindStated,
}


def batches(lk: Lookups) -> None:
    """batches.csv (``batch:N`` and ``review:YEAR`` rows), then count_claims.csv against them."""
    targets: dict[str, URIRef] = {}
    for row in read_rows(lk.data_dir, "batches.csv", _COLUMNS):
        g = lk.book.graph(row)
        kind, _, number = row["target"].partition(":")
        if kind not in ("batch", "review") or not number.isdigit():
            raise row.fail(f"target {row['target']!r} is neither batch:N nor review:YEAR")
        year = row.as_int("year")
        announced = tuple(lk.document(ref, row) for ref in row.as_list("announced_by"))
        if kind == "batch":
            iri = _batch(g, lk, row, int(number), year, announced)
        else:
            iri = _review(g, lk, row, int(number))
        if row["target"] in targets:
            raise row.fail(f"{row['target']} is described twice")
        targets[row["target"]] = iri
        for doc in announced:
            g.add(iri, LG.announcedBy, doc)
            g.add(doc, LG.announces, iri)
        g.source(iri, row, row["source_url"], row.as_date("source_date"))
        g.comment(iri, row["note"])
    for row in read_rows(lk.data_dir, "count_claims.csv", _CLAIM_COLUMNS):
        _count_claim(lk.book.graph(row), lk, row, targets)


def _batch(
    g: CuratedGraph,
    lk: Lookups,
    row: CuratedRow,
    n: int,
    year: int | None,
    announced: tuple[URIRef, ...],
) -> URIRef:
    """A batch; records what its designations inherit in ``lk.batches``."""
    iri = g.node(lk.iris.batch(n), row, LG.Batch)
    g.add(iri, LG.ordinal, rdf.typed(n, XSD.positiveInteger))
    g.add(iri, LG.tier, LG.LittleGiant)
    g.add(iri, RDFS.label, rdf.text(f"第{n}批专精特新“小巨人”企业", "zh"))
    g.add(iri, RDFS.label, rdf.text(f"Little Giant batch {n}", "en"))
    if year:
        g.add(iri, LG.year, rdf.gyear(year))
    declared = row.as_int("declared_count")
    if declared is not None:
        g.add(iri, LG.declaredCount, rdf.typed(declared, XSD.nonNegativeInteger))
    announced_on = row.as_date("announcement_date")
    if announced_on:
        g.add(iri, LG.announcementDate, rdf.date(announced_on))
    valid_from, valid_until = row.as_date("valid_from"), row.as_date("valid_until")
    if (valid_from or valid_until) and not row["validity_source_url"]:
        raise row.fail("a stated validity needs its validity_source_url")
    if valid_from and valid_until and valid_until < valid_from:
        raise row.fail(f"valid_until {valid_until} is before valid_from {valid_from}")
    if row["validity_source_url"]:
        lk.book.graph(row, "validity_source_url").source(iri, row, row["validity_source_url"], None)
    lk.batches[n] = BatchFacts(n, announced, announced_on, valid_from, valid_until, row)
    return iri


def _review(g: CuratedGraph, lk: Lookups, row: CuratedRow, year: int) -> URIRef:
    """A re-review round; records the batches it reviews in ``lk.reviews``."""
    iri = g.node(lk.iris.review(year), row, LG.ReviewRound)
    reviewed = tuple(int(b) for b in row.as_list("reviewed_batches") if b.isdigit())
    if not reviewed or len(reviewed) != len(row.as_list("reviewed_batches")):
        raise row.fail("a review round needs reviewed_batches such as 1 or 1;4")
    g.add(iri, LG.year, rdf.gyear(year))
    if row["outcomes_complete"] not in ("", "true", "false"):
        raise row.fail("outcomes_complete is true, false or empty")
    if row["outcomes_complete"]:
        g.add(iri, LG.outcomesComplete, rdf.typed(row["outcomes_complete"], XSD.boolean))
    for b in reviewed:
        if b not in lk.batches:
            raise row.fail(f"batch {b} is reviewed but not described above")
        g.add(iri, LG.reviewedBatch, lk.iris.batch(b))
    listed = "、".join(f"第{b}批" for b in reviewed)
    g.add(iri, RDFS.label, rdf.text(f"{year}年{listed}专精特新“小巨人”企业复核", "zh"))
    batches = ", ".join(str(b) for b in reviewed)
    g.add(iri, RDFS.label, rdf.text(f"Review {year} of Little Giant batch {batches}", "en"))
    lk.reviews[year] = reviewed
    return iri


def _count_claim(g: CuratedGraph, lk: Lookups, row: CuratedRow, targets: dict[str, URIRef]) -> None:
    """One figure as one source states it; sources that disagree are separate claims."""
    if row["target"] not in targets:
        raise row.fail(f"{row['target']!r} is not described in data/batches.csv")
    count, basis = row.as_int("count"), row["count_basis"] or "not stated"
    if count is None:
        raise row.fail("a count claim needs a count")
    if row["basis"] not in BASES:
        raise row.fail(f"basis {row['basis']!r} is not one of {', '.join(BASES)}")
    claim = lk.iris.claim(row["target"], str(count), basis, row["source_url"])
    if str(claim) in g.rows:
        raise row.fail("the same claim from the same source is listed twice")
    g.node(claim, row, LG.CountClaim)
    g.add(targets[row["target"]], LG.countClaim, claim)
    g.add(claim, LG.count, rdf.typed(count, XSD.nonNegativeInteger))
    g.add(claim, LG.countBasis, BASES[row["basis"]])
    g.add(claim, LG.countBasisNote, rdf.text(basis))
    g.add(claim, RDFS.label, rdf.text(f"{count} ({basis})", language_of(basis)))
    _claim_document_and_date(g, lk, row, claim)
    details = [row["note"]]
    if row["doc_number"] and row["doc_number"] != row["stated_in"]:
        details.append(f"Document: {row['doc_number']}.")
    if row["date_kind"]:
        details.append(f"Date: {row['date']} ({row['date_kind']}).")
    if row["a_share_listed"]:
        details.append(f"A-share listed (unverified): {row['a_share_listed']}.")
    g.comment(claim, " ".join(d for d in details if d))
    g.source(claim, row, row["source_url"], row.as_date("source_date"))


def _claim_document_and_date(g: CuratedGraph, lk: Lookups, row: CuratedRow, claim: URIRef) -> None:
    """The document that states the figure, and its date with what the date is (Wikidata's
    "stated in" and "point in time" qualifiers)."""
    if row["stated_in"]:
        g.add(claim, LG.statedIn, lk.document(row["stated_in"], row))
    day, kind = row.as_date("date"), row["claim_date_kind"]
    if kind and kind not in DATE_KINDS:
        raise row.fail(f"claim_date_kind {kind!r} is not one of {', '.join(DATE_KINDS)}")
    if day:
        g.add(claim, LG.claimDate, rdf.date(day))
        if not kind:
            raise row.fail("a claim date needs its claim_date_kind")
        g.add(claim, LG.claimDateKind, DATE_KINDS[kind])
    elif kind:
        raise row.fail("claim_date_kind without a date")
