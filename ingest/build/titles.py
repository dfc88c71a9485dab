"""The designation model as lists and notices write it: awards, re-reviews and revocations.

A batch list or notice awards titles (lg:Designation + lg:Award, valid three years by the rule in
``ontology.temporal``); a re-review list adds lg:ReviewPassed (three years more) or
lg:ReviewFailed (the title ends on its date); a revocation adds lg:Revocation (date, reason,
document). A review or revocation of a title the store does not hold, or dated before its award,
is refused with a message saying why, so that a status is never silently wrong.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from ingest.build.context import BuildContext, name_literal
from ingest.parse_list import ListRow
from ontology import rdf
from ontology.iris import LITTLE_GIANT, designation_local
from ontology.namespaces import DCTERMS, LG, PROV, RDF, RDFS
from ontology.temporal import RULE_DOCUMENT, renewed_until, valid_until

_EVENT_ZH = {"review-passed": "复核通过", "review-failed": "复核未通过", "revocation": "撤销"}
_EVENT_CLASS = {
    "review-passed": LG.ReviewPassed,
    "review-failed": LG.ReviewFailed,
    "revocation": LG.Revocation,
}


class _Terms:
    """The terms an award writes, as pyoxigraph nodes made once: a list of 20,000 firms writes
    each of them 20,000 times, and rdflib's namespace lookup costs microseconds a call."""

    type = rdf.node(RDF.type)
    label = rdf.node(RDFS.label)
    source = rdf.node(DCTERMS.source)
    designation_class = rdf.node(LG.Designation)
    award_class = rdf.node(LG.Award)
    holder = rdf.node(LG.holder)
    tier = rdf.node(LG.tier)
    little_giant = rdf.node(LG.LittleGiant)
    batch = rdf.node(LG.batch)
    awarded_by = rdf.node(LG.awardedBy)
    valid_from = rdf.node(LG.validFrom)
    valid_until = rdf.node(LG.validUntil)
    derived = rdf.node(PROV.wasDerivedFrom)
    evidence = rdf.node(LG.evidence)
    designation = rdf.node(LG.designation)
    event_date = rdf.node(LG.eventDate)
    event_document = rdf.node(LG.eventDocument)
    final_list = rdf.node(LG.EvidenceFinalList)


def award(
    ctx: BuildContext,
    key: str,
    row: ListRow,
    where: str,
    batch: int,
    doc: ox.NamedNode,
    *,
    new: bool = False,
) -> None:
    """A designation awarded by this list, with its lg:Award event: valid for the term the
    store's titles of the batch share, else three years from the date."""
    iris, day, t, n = ctx.iris, ctx.facts.date, ox.Triple, _Terms
    add = ctx.builder.triples.append
    holder = ctx.enterprise(key, row, where, new=new)
    local = designation_local(key, LITTLE_GIANT, batch)
    d = rdf.node(iris.designation(key, LITTLE_GIANT, batch))
    on = rdf.date(day)
    ctx.rows[d.value] = where
    add(t(d, n.type, n.designation_class))
    add(t(d, n.label, rdf.text(f"{row.name}：第{batch}批专精特新“小巨人”", "zh")))
    add(t(d, n.label, rdf.text(f"{row.name}: Little Giant, batch {batch}", "en")))
    add(t(d, n.holder, holder))
    add(t(d, n.tier, n.little_giant))
    add(t(d, n.batch, ctx.batch(batch)))
    add(t(d, n.awarded_by, doc))
    if new or not ctx.objects(d.value, LG.validFrom):
        # the term the batch's titles in the store share, else three years from the date
        start, end = ctx.facts.valid_from or day, ctx.facts.valid_until
        add(t(d, n.valid_from, rdf.date(start)))
        add(t(d, n.valid_until, rdf.date(end or valid_until(start))))
        if end is None:
            add(t(d, n.derived, ctx.document(RULE_DOCUMENT, RULE_DOCUMENT, "办法")))
    add(t(d, n.evidence, n.final_list))
    add(t(d, n.source, ctx.source))
    ctx.reported_by(d, row)
    ev = rdf.node(iris.event("award", local, day.isoformat()))
    ctx.rows[ev.value] = where
    add(t(ev, n.type, n.award_class))
    add(t(ev, n.label, rdf.text(f"award of {local} on {day.isoformat()}", "en")))
    add(t(ev, n.label, rdf.text(f"{row.name}：认定（{day.isoformat()}）", "zh")))
    add(t(ev, n.designation, d))
    add(t(ev, n.event_date, on))
    add(t(ev, n.event_document, doc))
    add(t(ev, n.source, ctx.source))


def designation_for(ctx: BuildContext, key: str, batch: int | None) -> tuple[str | None, str]:
    """The Little Giant designation a review or revocation row speaks of, or why there is none."""
    if batch is not None:
        d = str(ctx.iris.designation(key, LITTLE_GIANT, batch))
        if ctx.exists(d):
            return d, ""
        return None, f"no batch-{batch} Little Giant designation of {key} in the store"
    holder = str(ctx.iris.enterprise(key))
    found = [d for d in ctx.subjects(LG.holder, holder) if ctx.has(d, LG.tier, LG.LittleGiant)]
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"no Little Giant designation of {key} in the store"
    return None, f"{key} holds {len(found)} Little Giant designations; give --batch N"


def event(
    ctx: BuildContext,
    key: str,
    row: ListRow,
    where: str,
    kind: str,
    batch: int | None,
    doc: ox.NamedNode,
) -> str:
    """Add one review or revocation event; return a rejection message instead if it cannot be."""
    d, why = designation_for(ctx, key, batch)
    if d is None:
        return (
            f"{where}: {row.name!r}: {why}; a {kind} is only recorded for a title already "
            "ingested (order of arrival: ingest the award first, then this list)"
        )
    if refusal := _out_of_order(ctx, d, kind):
        return f"{where}: {row.name!r}: {refusal}"
    _describe_event(ctx, d, row, where, kind, batch, doc)
    return ""


def _out_of_order(ctx: BuildContext, d: str, kind: str) -> str:
    """Why an event on this date cannot follow what the store says of ``d`` ("" if it can)."""
    day = ctx.facts.date
    starts = ctx.dates(d, LG.validFrom)
    if starts and day < min(starts):
        return f"{kind} dated {day} precedes the award ({min(starts)})"
    ended = [
        end
        for e in ctx.subjects(LG.designation, d)
        if ctx.has(e, RDF.type, LG.Revocation) or ctx.has(e, RDF.type, LG.ReviewFailed)
        for end in ctx.dates(e, LG.eventDate)
        if end <= day
    ]
    if ended and kind != "revocation":
        return f"the title already ended on {min(ended)}"
    return ""


def _describe_event(
    ctx: BuildContext,
    d: str,
    row: ListRow,
    where: str,
    kind: str,
    batch: int | None,
    doc: ox.NamedNode,
) -> None:
    b, day = ctx.builder, ctx.facts.date
    parsed = ctx.iris.parse(d)
    local = parsed.local if parsed is not None else d
    ev = ctx.iris.event(kind, local, day.isoformat())
    ctx.rows[str(ev)] = where
    b.type(ev, _EVENT_CLASS[kind])
    b.add(ev, RDFS.label, rdf.text(f"{kind} of {local} on {day.isoformat()}", "en"))
    b.add(ev, RDFS.label, rdf.text(f"{local}：{_EVENT_ZH[kind]}（{day.isoformat()}）", "zh"))
    b.add(ev, LG.designation, rdf.node(d))
    b.add(ev, LG.eventDate, rdf.date(day))
    b.add(ev, LG.eventDocument, doc)
    b.add(ev, DCTERMS.source, ctx.source)
    ctx.reported_by(rdf.node(str(ev)), row)
    if kind in ("review-passed", "review-failed"):
        n = batch if batch is not None else _batch_of(ctx, d)  # the award's batch
        if n is not None:
            b.add(ev, LG.reviewRound, ctx.review_round(day.year, n))
    if kind == "review-passed":
        b.add(ev, LG.validUntil, rdf.date(_renewed_end(ctx, d)))
    if kind == "revocation" and row.note:
        b.add(ev, LG.reason, name_literal(row.note))


def _renewed_end(ctx: BuildContext, d: str) -> dt.date:
    """Three years past the title's latest end (its own, or one an earlier review gave it)."""
    ends = ctx.dates(d, LG.validUntil)
    for e in ctx.subjects(LG.designation, d):
        if ctx.has(e, RDF.type, LG.ReviewPassed):
            ends += ctx.dates(e, LG.validUntil)
    return renewed_until(max(ends) if ends else valid_until(ctx.facts.date))


def _batch_of(ctx: BuildContext, d: str) -> int | None:
    for o in ctx.objects(d, LG.batch):
        if isinstance(o, ox.NamedNode) and (n := ctx.iris.batch_ordinal(o.value)) is not None:
            return n
    return None
