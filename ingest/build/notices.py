"""A parsed notice as its source graph: what the notice states, and the acts it records.

The notice's graph states what the notice states: its 文号, title, issuers (the authorities of
the reference data; another issuer is reported, not invented), date written, citations, the batch
it announces (linked both ways: ``lg:announces`` / ``lg:announcedBy``) and the count it declares
for it, and the firms it names (``schema:mentions``). A batch notice awards the firms it names; a
revocation revokes their titles; a re-review result records each named firm's passed or failed
review (each must hold the title in the store). English citations are matched to a document in
the store by year and number only (never by translating the prefix); unmatched ones are notes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pyoxigraph as ox

from ingest.build.context import BuildContext
from ingest.build.titles import award, event
from ingest.facts import Facts, IngestError, KnownLookup, Stated, reconcile_facts
from ingest.identity import Registry
from ingest.source_graph import Source, SourceGraph
from ingest.notice_firms import NamedFirm
from ingest.parse_list import ListRow
from ingest.parse_notice import ParsedNotice
from ontology import rdf
from ontology.iris import Iris
from ontology.names import has_cjk
from ontology.namespaces import DCTERMS, LG, RDF, RDFS, SCHEMA, SKOS, XSD
from ontology.store import GraphStore

# the kind of list a notice's act amounts to; any other notice only describes its document
_KIND_OF_ACT = {k: k for k in ("batch", "revocation", "review-passed", "review-failed")}
_DOCUMENT_KIND = (("公示", "公示"), ("通告", "通告"), ("通知", "通知"), ("Circular", "通知"))


def notice_facts(
    notice: ParsedNotice,
    *,
    document: str | None,
    date: dt.date | None,
    batch: int | None,
    source_url: str | None,
    known: KnownLookup | None = None,
) -> Facts:
    """What the notice is: its own text reconciled with what the caller says, and for what
    neither states, what the store ``known``s (the date of the document it is).

    Raises:
        IngestError: the notice and the caller disagree, or a fact the notice needs is missing.
    """
    kind = _KIND_OF_ACT.get(notice.kind, "notice")
    own_number = notice.document if notice.language == "zh" else None
    own = Stated(kind, notice.batch, own_number, notice.date)
    given = Stated(None, batch, document, date)
    return reconcile_facts(
        own, given, file=notice.file, noun="notice", source_url=source_url, known=known
    )


def notice_graph_name(notice: ParsedNotice, slug: str | None) -> str:
    """``notice-{document slug}`` for the original, ``…-en`` for a translation: two sources."""
    if slug:
        return f"notice-{slug}" + ("-en" if notice.language == "en" else "")
    stem = re.sub(r"[^a-z0-9]+", "-", notice.file.rsplit(".", 1)[0].lower()).strip("-")
    if not stem:
        stem = hashlib.sha1(notice.file.encode()).hexdigest()[:12]  # noqa: S324 - an id
    return f"notice-{stem}"


def find_document(store: GraphStore, year: int, serial: int) -> list[str]:
    """Documents in the store whose 文号 has this year and serial (any prefix)."""
    needle = f"〔{year}〕{serial}号"
    q = (
        "SELECT DISTINCT ?d WHERE { ?d <" + str(LG.documentNumber) + "> ?n . "
        'FILTER(STRENDS(STR(?n), "' + needle + '")) }'
    )
    return sorted(s["d"].value for s in store.select(q))


def build_notice(
    notice: ParsedNotice,
    facts: Facts,
    *,
    iris: Iris,
    registry: Registry,
    store: GraphStore,
    graph_name: str,
    notes: list[str],
) -> SourceGraph:
    """The notice's graph (named ``graph_name``); what it cannot record goes to ``notes``.

    Raises:
        IngestError: a firm the act needs is unknown or ambiguous, or a title cannot take it.
    """
    ctx = BuildContext(store, iris, registry, str(iris.graph(graph_name)), facts)
    registry.new_source()
    ctx.source_page()
    label = notice.title or notice.file
    kind_text = next((k for word, k in _DOCUMENT_KIND if word in (notice.title or "")), "")
    doc = ctx.document(facts.document, label, kind_text)
    notes += _describe_document(ctx, notice, doc)
    notes += _citations(ctx, notice, doc)
    if facts.batch is not None and notice.kind == "batch":
        batch = ctx.batch(facts.batch)
        ctx.builder.add(doc, LG.announces, batch)
        ctx.builder.add(batch, LG.announcedBy, doc)
        if notice.count is not None:
            _count_claim(ctx, notice, doc, batch, label)
    if notice.kind.startswith("review") and notice.review_year and facts.batch is not None:
        ctx.builder.add(doc, LG.announces, ctx.review_round(notice.review_year, facts.batch))
    notes += [f"reported, not read: {line}" for line in notice.reported]
    if problems := _firms(ctx, notice, doc, notes):
        raise IngestError(notice.file, problems)
    source = Source(graph_name, label, data=notice.data, url=facts.source_url)
    return SourceGraph(source, ctx.builder, ctx.rows)


def _describe_document(ctx: BuildContext, notice: ParsedNotice, doc: ox.NamedNode) -> list[str]:
    """What the notice says of itself that no other graph says already; issuers it cannot link."""
    b, d = ctx.builder, doc.value
    known = ctx.exists(d) and not any(t.subject == doc for t in b)
    if notice.title:
        if notice.language == "zh":
            if not ctx.has(d, DCTERMS.title):
                b.add(doc, DCTERMS.title, rdf.text(notice.title, "zh"))
        else:
            b.add(doc, LG.titleTranslation, rdf.text(notice.title, "en"))
    if notice.language == "en" and notice.document:
        b.add(doc, RDFS.comment, rdf.text(f"Printed reference: {notice.document}", "en"))
    notes = []
    for printed in notice.issuers:
        authority = _authority(ctx, printed)
        if authority is None:
            notes.append(f"issuer {printed!r} is no authority of the reference data; not linked")
        else:
            b.add(doc, LG.issuer, authority)
    if notice.date and not ctx.has(d, LG.dateWritten):
        b.add(doc, LG.dateWritten, rdf.date(notice.date))
    if known:
        b.add(doc, DCTERMS.source, ctx.source)
    return notes


def _authority(ctx: BuildContext, printed: str) -> ox.NamedNode | None:
    """The authority whose preferred or alternative label is ``printed`` (one, else None)."""
    found = {
        q.subject.value
        for prop in (SKOS.prefLabel, SKOS.altLabel)
        for q in ctx.store.quads(None, rdf.node(prop), None)
        if isinstance(q.object, ox.Literal)
        and isinstance(q.subject, ox.NamedNode)
        and q.object.value.casefold() == printed.casefold()
        and ctx.has(q.subject.value, RDF.type, LG.Authority)
    }
    return rdf.node(found.pop()) if len(found) == 1 else None


def _citations(ctx: BuildContext, notice: ParsedNotice, doc: ox.NamedNode) -> list[str]:
    """``lg:cites`` for each citation that names one document; a note for each that does not."""
    notes = []
    for c in notice.cites:
        if c.number:
            ctx.builder.add(doc, LG.cites, ctx.iris.document(ctx.registry.document_slug(c.number)))
            continue
        found = find_document(ctx.store, c.year or 0, c.serial or 0)
        if len(found) == 1:
            ctx.builder.add(doc, LG.cites, rdf.node(found[0]))
        else:
            notes.append(f"citation {c.printed!r} matches {len(found)} documents; not recorded")
    return notes


def _count_claim(
    ctx: BuildContext, notice: ParsedNotice, doc: ox.NamedNode, batch: ox.NamedNode, label: str
) -> None:
    """The batch's size as this notice declares it: one lg:CountClaim among the sources' (the
    original and a translation of one document are two sources, each with its own claim)."""
    b, count, ordinal = ctx.builder, notice.count, ctx.facts.batch
    claim = ctx.iris.claim(doc.value, "batch", str(ordinal), str(count), ctx.source.value)
    b.type(claim, LG.CountClaim)
    text = f"{count} enterprises in batch {ordinal}, as {label} states"
    b.add(claim, RDFS.label, rdf.text(text, "en"))
    b.add(claim, LG.count, rdf.typed(count, XSD.nonNegativeInteger))
    b.add(claim, LG.countBasis, LG.BasisFinalList)
    b.add(claim, LG.statedIn, doc)
    if notice.date is not None:
        b.add(claim, LG.claimDate, rdf.date(notice.date))
        b.add(claim, LG.claimDateKind, LG.DateKindWritten)
    b.add(claim, DCTERMS.source, ctx.source)
    b.add(batch, LG.countClaim, claim)


def _firms(
    ctx: BuildContext, notice: ParsedNotice, doc: ox.NamedNode, notes: list[str]
) -> list[str]:
    """Each firm the notice names: mentioned, and awarded, revoked or reviewed as its act says.

    Only a batch notice mints keys; the other acts need the firm's title in the store. A firm
    the notice merely names (a 公示, a forwarding notice) is linked if the registry knows it.
    """
    problems: list[str] = []
    act = _KIND_OF_ACT.get(notice.kind)
    for i, firm in enumerate(notice.enterprises, 1):
        row = _row(i, firm, notice.reason)
        where = f"{notice.file}: named enterprise {i} {firm.name!r}"
        zh = has_cjk(firm.name)
        res = ctx.registry.resolve(
            name=firm.name if zh else None,
            english_name=None if zh else firm.name,
            former_names=firm.former_names,
            mint=act == "batch",
            today=ctx.facts.date,
        )
        if res.similar:
            notes.append(
                f"{where}: may be {', '.join(res.similar)} renamed; for a person to decide"
            )
        if res.key is None:
            message = f"{where}: {res.reason or 'not in the store'}; not recorded by guess"
            (problems if act else notes).append(message)
            continue
        node = ctx.enterprise(res.key, row, where, new=res.created)
        ctx.builder.add(doc, SCHEMA.mentions, node)
        if act == "batch" and ctx.facts.batch is not None:
            award(ctx, res.key, row, where, ctx.facts.batch, doc, new=res.created)
        elif act in ("revocation", "review-passed", "review-failed"):
            batch = ctx.facts.batch if act != "revocation" else None
            if msg := event(ctx, res.key, row, where, act, batch, doc):
                problems.append(msg)
    return problems


def _row(i: int, firm: NamedFirm, reason: str | None) -> ListRow:
    """A named firm as a list row, its former names printed as a note after its name."""
    notes = "".join(f"（原名：{f}）" for f in firm.former_names if has_cjk(f))
    return ListRow("", 0, str(i), "", firm.name + notes, "", reason or "")
