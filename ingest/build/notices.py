"""A parsed notice as its source graph: the document, what it cites and announces, and its acts.

A batch notice records a count claim for the batch it announces and awards the enterprises it
names; a revocation notice revokes the titles of those it names (each must be in the store). A
re-review notice's named firms may have passed or failed, so only its attachment list says which.
English citations are matched to a document already in the store by year and number only (never
by translating the prefix); unmatched ones are reported as notes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pyoxigraph as ox

from ingest.build.context import BuildContext
from ingest.build.titles import award, event
from ingest.facts import Facts, IngestError, Stated, reconcile_facts
from ingest.identity import Registry
from ingest.load import Source, SourceGraph
from ingest.parse_list import ListRow
from ingest.parse_notice import ParsedNotice
from ontology import rdf
from ontology.iris import Iris
from ontology.names import has_cjk
from ontology.namespaces import DCTERMS, LG, RDFS, XSD
from ontology.store import GraphStore

# the list kinds a notice's act amounts to; any other notice only describes its document
_KIND_OF_ACT = {"batch": "batch", "revocation": "revocation"}


def notice_facts(
    notice: ParsedNotice,
    *,
    document: str | None,
    date: dt.date | None,
    batch: int | None,
    source_url: str | None,
) -> Facts:
    """What the notice is: its own text reconciled with what the caller says.

    Raises:
        IngestError: the notice and the caller disagree, or a fact the notice needs is missing.
    """
    kind = _KIND_OF_ACT.get(notice.act or "", "notice")
    own = Stated(kind, notice.batch, notice.document, notice.date)
    given = Stated(None, batch, document, date)
    return reconcile_facts(own, given, file=notice.file, noun="notice", source_url=source_url)


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
    """The notice's graph (named ``graph_name``); citations it cannot match go to ``notes``.

    Raises:
        IngestError: a firm the notice names is unknown, or its title cannot take the act.
    """
    ctx = BuildContext(store, iris, registry, str(iris.graph(graph_name)), facts)
    ctx.source_page()
    label = notice.title or notice.file
    kind_text = "通告" if notice.title and "通告" in notice.title else "通知"
    doc = ctx.document(facts.document, label, kind_text)
    _describe_document(ctx, notice, doc)
    notes += _citations(ctx, notice, doc)
    if facts.batch is not None and notice.act == "batch":
        batch = ctx.batch(facts.batch)
        ctx.builder.add(doc, LG.announces, batch)
        if notice.count is not None:
            _count_claim(ctx, notice, doc, batch, label)
    if problems := _acts(ctx, notice, doc):
        raise IngestError(notice.file, problems)
    source = Source(graph_name, label, data=notice.data, url=facts.source_url)
    return SourceGraph(source, ctx.builder, ctx.rows)


def _describe_document(ctx: BuildContext, notice: ParsedNotice, doc: ox.NamedNode) -> None:
    """What the notice says of itself that no other graph says already."""
    b, d = ctx.builder, doc.value
    known = ctx.exists(d) and not any(t.subject == doc for t in b)
    if notice.title:
        if notice.language == "zh":
            if not ctx.has(d, DCTERMS.title):
                b.add(doc, DCTERMS.title, rdf.text(notice.title, "zh"))
        else:
            b.add(doc, LG.titleTranslation, rdf.text(notice.title, "en"))
    if notice.issuer_slug:
        b.add(doc, LG.issuer, ctx.iris.authority(notice.issuer_slug))
    if notice.date and not ctx.has(d, LG.dateWritten):
        b.add(doc, LG.dateWritten, rdf.date(notice.date))
    if known:
        b.add(doc, DCTERMS.source, ctx.source)


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
    """The batch's size as this notice declares it: one lg:CountClaim among the sources'."""
    b, count, ordinal = ctx.builder, notice.count, ctx.facts.batch
    claim = ctx.iris.claim(doc.value, "batch", str(ordinal), str(count))
    b.type(claim, LG.CountClaim)
    text = f"{count} enterprises in batch {ordinal}, as {label} states"
    b.add(claim, RDFS.label, rdf.text(text, "en"))
    b.add(claim, LG.count, rdf.typed(count, XSD.nonNegativeInteger))
    b.add(claim, LG.countBasis, rdf.text("final list"))
    b.add(claim, DCTERMS.source, ctx.source)
    b.add(batch, LG.countClaim, claim)


def _acts(ctx: BuildContext, notice: ParsedNotice, doc: ox.NamedNode) -> list[str]:
    """Awards or revocations of the firms the notice names; the reasons any cannot be recorded.

    Only acts whose consequence for a named firm is plain: an award or a revocation.
    """
    if notice.act not in ("batch", "revocation"):
        return []
    problems = []
    ordinal = ctx.facts.batch
    for i, name in enumerate(notice.enterprises, 1):
        row = ListRow("", 0, str(i), "", name, "", notice.reason or "")
        where = f"{notice.file}: named enterprise {row.seq} {row.name!r}"
        zh = has_cjk(row.name)
        res = ctx.registry.resolve(
            name=row.name if zh else None,
            english_name=None if zh else row.name,
            mint=notice.act == "batch",
            today=ctx.facts.date,
        )
        if res.key is None:
            problems.append(f"{where}: {res.reason or 'not in the store'}; not recorded by guess")
        elif notice.act == "batch" and ordinal is not None:
            award(ctx, res.key, row, where, ordinal, doc)
        elif notice.act == "revocation" and (
            msg := event(ctx, res.key, row, where, "revocation", None, doc)
        ):
            problems.append(msg)
    return problems
