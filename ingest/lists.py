"""Attachment lists and notices into designations and their events, resolved against the store.

A batch list awards titles (lg:Designation + lg:Award, valid three years); a re-review list adds
lg:ReviewPassed (validity extended by three years) or lg:ReviewFailed (the title ends on its
date); a revocation list adds lg:Revocation (date, reason, document). Order of arrival: a review
or revocation whose designation is not in the store yet is rejected with a message saying so, so
a status is never silently wrong; ingest the award first, then the later list.

Entity resolution goes through the key registry: the credit code decides when the list prints one,
else the normalised name within the region. Two candidates are never merged by guess: they go to
a review file (``var/review/<source>.csv``) for a person to decide, and the ingest stops.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ingest import rdf
from ingest.changes import diff, feed_change
from ingest.curated import three_year_end
from ingest.identity import Registry
from ingest.parse_list import KINDS, ListRow, ParsedList, RowError, parse_list
from ingest.pipeline import Change, CommitOutcome, Source, commit, stored_fingerprint
from ingest.rdf import GraphBuilder
from ontology import __version__
from ontology.iris import Iris
from ontology.names import normalise_name
from ontology.namespaces import DCTERMS, LG, PROV, RDF, RDFS
from ontology.paths import ROOT
from ontology.store import EmbeddedStore

TIER_SLUG = "little-giant"
VALIDITY_YEARS = 3
# 《优质中小企业梯度培育管理暂行办法》: titles last three years (the rule validUntil derives from)
VALIDITY_RULE = "工信部企业〔2022〕63号"
DEFAULT_REVIEW_DIR = ROOT / "var" / "review"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_EVENT_CLASS = {
    "review-passed": LG.ReviewPassed,
    "review-failed": LG.ReviewFailed,
    "revocation": LG.Revocation,
}
_KIND_FROM_TEXT = (
    ("通告", LG.KindAnnouncement),
    ("通知", LG.KindNotice),
    ("公示", LG.KindPublicity),
    ("办法", LG.KindMeasures),
)


class IngestError(Exception):
    """The input cannot be ingested as it is; every reason is listed, nothing was written."""

    def __init__(self, file: str, problems: list[RowError] | list[str]) -> None:
        self.file = file
        self.problems = [str(p) for p in problems]
        super().__init__(
            f"{file}: rejected, nothing written ({len(self.problems)} problem(s)):\n  "
            + "\n  ".join(self.problems)
        )


@dataclass(frozen=True)
class Facts:
    """What a list or notice is, after reconciling its own text with what the caller says."""

    kind: str
    batch: int | None
    document: str | None
    date: dt.date
    source_url: str | None


@dataclass
class IngestResult:
    """What one ingest did: the commit, the graph it wrote, the feed entries it recorded."""

    outcome: CommitOutcome
    graph: str
    kind: str
    rows: int
    entries: int = 0
    review_file: Path | None = None
    notes: list[str] = field(default_factory=list)


# -- facts ------------------------------------------------------------------------------------


def reconcile(
    parsed_kind: str | None,
    parsed_batch: int | None,
    parsed_document: str | None,
    parsed_date: dt.date | None,
    *,
    file: str,
    kind: str | None,
    batch: int | None,
    document: str | None,
    date: dt.date | None,
    source_url: str | None,
    needs_batch: bool,
) -> Facts:
    """Merge what the file says with what the caller says; a disagreement is an error, not a pick.

    Raises:
        IngestError: a fact is missing, or the file and the caller disagree on it.
    """
    problems: list[str] = []

    def pick(what: str, mine: object, given: object) -> object:
        if mine is not None and given is not None and mine != given:
            problems.append(f"{what}: the file says {mine}, the command line says {given}")
        return given if given is not None else mine

    k = pick("kind", parsed_kind, kind)
    b = pick("batch", parsed_batch, batch)
    d = pick("document", parsed_document, document)
    day = pick("date", parsed_date, date)
    if k is None:
        problems.append("the list does not say its kind; give --kind " + "|".join(KINDS))
    if day is None:
        problems.append("the file states no date; give --date YYYY-MM-DD")
    if needs_batch and k == "batch" and b is None:
        problems.append("the list does not say its batch; give --batch N")
    if problems:
        raise IngestError(file, problems)
    return Facts(str(k), b if b is None else int(b), d, day, source_url)  # type: ignore[arg-type]


# -- the designation model --------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(start: dt.date) -> dt.date:
    """The inclusive last day of a three-year validity starting on ``start`` (the curated rule)."""
    return three_year_end(start, VALIDITY_YEARS)


def region_iri(iris: Iris, code: str) -> str:
    """A region code from the resolver as its IRI (province ``110000``, planned city, ``xpcc``)."""
    if code.startswith(("http://", "https://")):
        return code
    if code.isdigit() and code.endswith("0000"):
        return str(iris.province(code))
    return str(iris.region(code))


def _quads(
    store: EmbeddedStore, s: str | None, p: object, o: object = None, skip: str | None = None
) -> list[ox.Quad]:
    """Matching quads outside graph ``skip`` (the graph being replaced must not count)."""
    subj = None if s is None else ox.NamedNode(s)
    obj = None if o is None else rdf.node(str(o))
    return [
        q
        for q in store.quads(subj, rdf.node(str(p)), obj)
        if skip is None or not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value != skip
    ]


def _has(
    store: EmbeddedStore, s: str, p: object, o: object = None, skip: str | None = None
) -> bool:
    return bool(_quads(store, s, p, o, skip))


def _objects(
    store: EmbeddedStore, s: str, p: object, skip: str | None = None
) -> list[ox.NamedNode | ox.Literal]:
    return [q.object for q in _quads(store, s, p, None, skip)]


def _name_literal(name: str) -> ox.Literal:
    return rdf.text(name, "zh" if _CJK.search(name) else "en")


class _Context:
    """Shared state of one build: the store as it is, the builder, and nodes already described."""

    def __init__(
        self, store: EmbeddedStore, iris: Iris, registry: Registry, graph: str, facts: Facts
    ) -> None:
        self.store = store
        self.iris = iris
        self.registry = registry
        self.graph = graph
        self.facts = facts
        self.b = GraphBuilder()
        self.rows: dict[str, str] = {}
        self.source = rdf.node(facts.source_url) if facts.source_url else rdf.node(graph)
        self._done: set[str] = set()

    def once(self, iri: str) -> bool:
        if iri in self._done:
            return False
        self._done.add(iri)
        return True

    def exists(self, iri: str) -> bool:
        return _has(self.store, iri, RDF.type, skip=self.graph)

    def source_page(self) -> None:
        if self.facts.source_url and self.once(self.facts.source_url):
            self.b.type(self.source, LG.SourcePage)

    def document(self, number: str | None, label: str, kind_text: str = "") -> ox.NamedNode:
        """The document the list or notice belongs to, described here only if the store lacks it."""
        if number:
            iri = str(self.iris.document(self.registry.document_slug(number)))
        else:
            iri = str(self.iris.document(self.graph.rsplit("/", 1)[-1]))
        node = rdf.node(iri)
        if self.once(iri) and not self.exists(iri):
            self.b.type(node, LG.RegulatoryDocument)
            kind = next((k for word, k in _KIND_FROM_TEXT if word in kind_text), LG.KindList)
            if kind in (LG.KindNotice, LG.KindAnnouncement):
                self.b.type(node, LG.Notice)
            self.b.add(node, LG.documentKind, kind)
            if number:
                self.b.add(node, LG.documentNumber, rdf.text(number))
            self.b.add(node, RDFS.label, _name_literal(number or label))
            if not number:
                self.b.add(
                    node,
                    DCTERMS.title if _CJK.search(label) else LG.titleTranslation,
                    _name_literal(label),
                )
            self.b.add(node, DCTERMS.source, self.source)
            if kind is LG.KindList and number:
                self.b.add(
                    node,
                    RDFS.comment,
                    rdf.text(
                        "Kind not stated by the ingested list; recorded as the list itself.", "en"
                    ),
                )
        return node

    def batch(self, n: int) -> ox.NamedNode:
        iri = str(self.iris.batch(n))
        if self.once(iri) and not self.exists(iri):
            self.b.type(iri, LG.Batch)
            self.b.add(
                iri, LG.ordinal, rdf.typed(n, "http://www.w3.org/2001/XMLSchema#positiveInteger")
            )
            self.b.add(iri, LG.tier, LG.LittleGiant)
            self.b.add(iri, RDFS.label, rdf.text(f"第{n}批专精特新“小巨人”企业", "zh"))
            self.b.add(iri, RDFS.label, rdf.text(f"Little Giant batch {n}", "en"))
        return rdf.node(iri)

    def review_round(self, year: int, batch: int) -> ox.NamedNode:
        iri = str(self.iris.review(year))
        if self.once(iri) and not self.exists(iri):
            self.b.type(iri, LG.ReviewRound)
            self.b.add(iri, LG.year, rdf.gyear(year))
            self.b.add(iri, RDFS.label, rdf.text(f"{year}年专精特新“小巨人”企业复核", "zh"))
            self.b.add(iri, RDFS.label, rdf.text(f"Little Giant re-review {year}", "en"))
        if self.once(f"{iri}#{batch}") and not _has(
            self.store, iri, LG.reviewedBatch, self.iris.batch(batch), skip=self.graph
        ):
            self.b.add(iri, LG.reviewedBatch, self.batch(batch))
        return rdf.node(iri)

    def rename(self, key: str, row: ListRow, where: str) -> None:
        """A later list printing a new name for a known firm: new legal name, old ones former."""
        iri = str(self.iris.enterprise(key))
        known = [
            o
            for o in _objects(self.store, iri, LG.legalName, self.graph)
            if isinstance(o, ox.Literal)
        ]
        if not known or not _CJK.search(row.name):
            return
        if normalise_name(row.name) in {normalise_name(o.value) for o in known}:
            return
        self.enterprise(key, row, where)

    def enterprise(self, key: str, row: ListRow, where: str, new: bool = False) -> ox.NamedNode:
        """Describe the firm as this source prints it; ``new``: just minted, nothing to look up."""
        iri = str(self.iris.enterprise(key))
        node = rdf.node(iri)
        self.rows[iri] = where
        if not self.once(iri):
            return node
        name = _name_literal(row.name)
        self.b.type(node, LG.Enterprise)
        self.b.add(node, RDFS.label, name)
        self.b.add(node, LG.legalName if name.language == "zh" else LG.englishName, name)
        if row.region:
            region = region_iri(self.iris, row.region)
            if new or not _objects(self.store, iri, LG.reportingRegion, self.graph):
                self.b.add(node, LG.reportingRegion, rdf.node(region))
        if row.uscc and (new or not _objects(self.store, iri, LG.uscc, self.graph)):
            self.b.add(node, LG.uscc, rdf.text(row.uscc))
        if new:
            return node
        # a renaming: the names the store knows that this list no longer prints
        key_now = normalise_name(row.name)
        for old in _objects(self.store, iri, LG.legalName, self.graph):
            if isinstance(old, ox.Literal) and normalise_name(old.value) != key_now:
                self.b.add(node, LG.formerName, rdf.text(old.value, "zh"))
        return node


# -- building lists ---------------------------------------------------------------------------


def build_list(
    parsed: ParsedList,
    *,
    kind: str,
    batch: int | None,
    document: str | None,
    date: dt.date,
    source_url: str | None,
    iris: Iris,
    registry: Registry,
    store: EmbeddedStore,
    graph_name: str | None = None,
    review_dir: Path = DEFAULT_REVIEW_DIR,
) -> Change:
    """Turn a parsed list into its source graph (designations for a batch, events otherwise).

    Raises:
        IngestError: rows that cannot be placed: ambiguous enterprises (written to a review
            file), or reviews/revocations whose designation is not in the store.
    """
    if parsed.errors:
        raise IngestError(parsed.file, list(parsed.errors))
    facts = Facts(kind, batch, document, date, source_url)
    name = graph_name or list_graph_name(parsed, facts)
    graph = str(iris.graph(name))
    ctx = _Context(store, iris, registry, graph, facts)
    ctx.source_page()
    doc = ctx.document(document, parsed.title or parsed.file, parsed.title)
    problems: list[str] = []
    ambiguous: list[tuple[ListRow, tuple[str, ...]]] = []
    for row in parsed.rows:
        where = f"{parsed.file}{f' [{row.sheet}]' if row.sheet else ''} row {row.row}"
        res = registry.resolve(
            name=row.name if _CJK.search(row.name) else None,
            english_name=None if _CJK.search(row.name) else row.name,
            uscc=row.uscc or None,
            region=row.region or None,
            mint=kind == "batch",
            today=date,
        )
        if res.ambiguous:
            ambiguous.append((row, res.candidates))
            problems.append(f"{where}: {row.name!r}: {res.reason}; listed for review, not merged")
            continue
        if res.key is None:
            problems.append(
                f"{where}: {row.name!r} ({row.region_text}) is not in the store: a {kind} list "
                "can only name an enterprise whose award is already ingested (order of arrival: "
                "ingest the batch list first)"
            )
            continue
        if kind == "batch":
            if batch is None:
                raise IngestError(parsed.file, ["the list does not say its batch; give --batch N"])
            _award(ctx, res.key, row, where, batch, doc, new=res.created)
        else:
            if msg := _event(ctx, res.key, row, where, kind, batch, doc):
                problems.append(msg)
            else:
                ctx.rename(res.key, row, where)
    if ambiguous:
        path = write_review_file(review_dir, name, ambiguous)
        problems.append(f"ambiguous matches written to {path} for a person to decide")
    if problems:
        raise IngestError(parsed.file, problems)
    source = Source(
        name,
        parsed.title or f"{kind} list {parsed.file}",
        data=parsed.data,
        url=source_url,
    )
    return Change(source, ctx.b, ctx.rows)


class _N:
    """The terms a list row writes, as pyoxigraph nodes made once (rdflib's lookup is slow)."""

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
    final_list = rdf.text("final list")


def _award(
    ctx: _Context,
    key: str,
    row: ListRow,
    where: str,
    batch: int,
    doc: ox.NamedNode,
    *,
    new: bool = False,
) -> None:
    """A designation awarded by this list, with its lg:Award event (three years from the date)."""
    iris, day, t, n = ctx.iris, ctx.facts.date, ox.Triple, _N
    add = ctx.b.triples.append
    holder = ctx.enterprise(key, row, where, new=new)
    local = f"{key}-{TIER_SLUG}-{batch}"
    d = rdf.node(iris.designation(key, TIER_SLUG, batch))
    on = rdf.date(day)
    ctx.rows[d.value] = where
    add(t(d, n.type, n.designation_class))
    add(t(d, n.label, rdf.text(f"{row.name}：第{batch}批专精特新“小巨人”", "zh")))
    add(t(d, n.holder, holder))
    add(t(d, n.tier, n.little_giant))
    add(t(d, n.batch, ctx.batch(batch)))
    add(t(d, n.awarded_by, doc))
    if new or not _objects(ctx.store, d.value, LG.validFrom, ctx.graph):
        add(t(d, n.valid_from, on))
        add(t(d, n.valid_until, rdf.date(valid_until(day))))
        add(t(d, n.derived, ctx.document(VALIDITY_RULE, VALIDITY_RULE, "办法")))
    add(t(d, n.evidence, n.final_list))
    add(t(d, n.source, ctx.source))
    ev = rdf.node(iris.event("award", local, day.isoformat()))
    ctx.rows[ev.value] = where
    add(t(ev, n.type, n.award_class))
    add(t(ev, n.label, rdf.text(f"award of {local} on {day.isoformat()}", "en")))
    add(t(ev, n.designation, d))
    add(t(ev, n.event_date, on))
    add(t(ev, n.event_document, doc))
    add(t(ev, n.source, ctx.source))


def _designation_for(ctx: _Context, key: str, batch: int | None) -> tuple[str | None, str]:
    """The Little Giant designation a review or revocation row speaks of, or why there is none."""
    if batch is not None:
        d = str(ctx.iris.designation(key, TIER_SLUG, batch))
        if ctx.exists(d):
            return d, ""
        return None, f"no batch-{batch} Little Giant designation of {key} in the store"
    holder = str(ctx.iris.enterprise(key))
    found = [
        q.subject.value
        for q in _quads(ctx.store, None, LG.holder, holder, ctx.graph)
        if _has(ctx.store, q.subject.value, LG.tier, LG.LittleGiant, ctx.graph)
    ]
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"no Little Giant designation of {key} in the store"
    return None, f"{key} holds {len(found)} Little Giant designations; give --batch N"


def _dates(store: EmbeddedStore, s: str, p: object, skip: str | None = None) -> list[dt.date]:
    return [
        dt.date.fromisoformat(o.value)
        for o in _objects(store, s, p, skip)
        if isinstance(o, ox.Literal)
    ]


def _event(
    ctx: _Context,
    key: str,
    row: ListRow,
    where: str,
    kind: str,
    batch: int | None,
    doc: ox.NamedNode,
) -> str:
    """Add one review or revocation event; return a rejection message instead if it cannot be."""
    d, why = _designation_for(ctx, key, batch)
    if d is None:
        return (
            f"{where}: {row.name!r}: {why}; a {kind} is only recorded for a title already "
            "ingested (order of arrival: ingest the award first, then this list)"
        )
    store, b, day, own = ctx.store, ctx.b, ctx.facts.date, ctx.graph
    starts = _dates(store, d, LG.validFrom, own)
    if starts and day < min(starts):
        return f"{where}: {row.name!r}: {kind} dated {day} precedes the award ({min(starts)})"
    ended = []
    for q in _quads(store, None, LG.designation, d, own):
        ending = q.subject.value
        if _has(store, ending, RDF.type, LG.Revocation, own) or _has(
            store, ending, RDF.type, LG.ReviewFailed, own
        ):
            ended += [x for x in _dates(store, ending, LG.eventDate, own) if x <= day]
    if ended and kind != "revocation":
        return f"{where}: {row.name!r}: the title already ended on {min(ended)}"
    local = d.rsplit("/", 1)[-1]
    ev = ctx.iris.event(kind, local, day.isoformat())
    ctx.rows[str(ev)] = where
    dnode = rdf.node(d)
    b.type(ev, _EVENT_CLASS[kind])
    b.add(ev, RDFS.label, rdf.text(f"{kind} of {local} on {day.isoformat()}", "en"))
    b.add(ev, LG.designation, dnode)
    b.add(ev, LG.eventDate, rdf.date(day))
    b.add(ev, LG.eventDocument, doc)
    b.add(ev, DCTERMS.source, ctx.source)
    if kind in ("review-passed", "review-failed"):
        n = batch if batch is not None else _batch_of(store, d)  # the award's batch
        if n is not None:
            b.add(ev, LG.reviewRound, ctx.review_round(day.year, n))
    if kind == "review-passed":
        ends = _dates(store, d, LG.validUntil, own)
        for q in _quads(store, None, LG.designation, d, own):
            if _has(store, q.subject.value, RDF.type, LG.ReviewPassed, own):
                ends += _dates(store, q.subject.value, LG.validUntil, own)
        base = max(ends) if ends else valid_until(day)
        new_end = valid_until(base + dt.timedelta(days=1))
        b.add(ev, LG.validUntil, rdf.date(new_end))
    if kind == "revocation" and row.note:
        b.add(ev, LG.reason, _name_literal(row.note))
    return ""


def _batch_of(store: EmbeddedStore, d: str) -> int | None:
    for o in _objects(store, d, LG.batch):
        tail = o.value.rsplit("/", 1)[-1]
        if tail.isdigit():
            return int(tail)
    return None


def list_graph_name(parsed: ParsedList, facts: Facts) -> str:
    """``list-{kind}-{batch}-{document slug or file}``: stable across corrected re-issues."""
    parts = ["list", facts.kind]
    if facts.batch is not None:
        parts.append(f"b{facts.batch}")
    stem = Path(parsed.file).name  # with its suffix: b7.xlsx and b7.html are two sources
    ascii_stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if facts.document:
        parts.append(hashlib.sha1(facts.document.encode()).hexdigest()[:8])  # noqa: S324 - an id
    parts.append(ascii_stem or hashlib.sha1(stem.encode()).hexdigest()[:8])  # noqa: S324 - an id
    return "-".join(parts)[:120].rstrip("-")


def review_dir_for(store: EmbeddedStore) -> Path:
    """Review files sit beside the store they concern (``var/review`` for the default store)."""
    path = getattr(store, "path", None)
    return Path(path).parent / "review" if path is not None else DEFAULT_REVIEW_DIR


def write_review_file(
    directory: Path, source: str, ambiguous: list[tuple[ListRow, tuple[str, ...]]]
) -> Path:
    """List rows the registry could not decide between, one line per candidate, for a person."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{source}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sheet", "row", "name", "region", "uscc", "candidate_key", "decision"])
        for row, candidates in ambiguous:
            for key in candidates:
                w.writerow([row.sheet, row.row, row.name, row.region_text, row.uscc, key, ""])
    return path


# -- the whole ingest -------------------------------------------------------------------------


def ingest_file(
    store: EmbeddedStore,
    iris: Iris,
    registry: Registry,
    path: Path | str,
    *,
    kind: str | None = None,
    batch: int | None = None,
    document: str | None = None,
    date: dt.date | None = None,
    source_url: str | None = None,
    review_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> IngestResult:
    """Parse, build, validate and publish one list or notice, with its change-feed entries.

    Re-running the same file is a no-op (its graph records the same sha256). All or nothing.
    Ambiguous firms are written to ``review_dir`` (default: ``review/`` beside the store).

    Raises:
        IngestError: the file is malformed, a fact is missing or contradicted, or rows cannot be
            placed (the message lists each with file, sheet, row and rule).
        ingest.pipeline.ValidationFailed: the shapes reject the result.
    """
    path = Path(path)
    when = now or dt.datetime.now(dt.UTC)
    notes: list[str] = []
    if kind == "notice" or (kind is None and path.suffix.lower() in (".txt", ".md")):
        from ingest.parse_notice import build_notice, parse_notice

        notice = parse_notice(path)
        change = build_notice(
            notice,
            iris=iris,
            registry=registry,
            store=store,
            document=document,
            date=date,
            batch=batch,
            source_url=source_url,
            notes=notes,
        )
        kind_done, rows = "notice", len(notice.enterprises)
    else:
        parsed = parse_list(path, kind_hint=kind)
        if parsed.errors:
            raise IngestError(parsed.file, list(parsed.errors))
        facts = reconcile(
            parsed.kind,
            parsed.batch,
            parsed.document,
            parsed.date,
            file=parsed.file,
            kind=kind,
            batch=batch,
            document=document,
            date=date,
            source_url=source_url,
            needs_batch=True,
        )
        name = list_graph_name(parsed, facts)
        graph = str(iris.graph(name))
        sha = hashlib.sha256(parsed.data).hexdigest()
        if stored_fingerprint(store, graph) == (sha, __version__):
            empty = Change(
                Source(name, parsed.title, data=parsed.data, url=source_url), GraphBuilder()
            )
            outcome = commit(store, iris, [empty], registry=registry)
            return IngestResult(outcome, graph, facts.kind, len(parsed.rows))
        change = build_list(
            parsed,
            kind=facts.kind,
            batch=facts.batch,
            document=facts.document,
            date=facts.date,
            source_url=facts.source_url,
            iris=iris,
            registry=registry,
            store=store,
            graph_name=name,
            review_dir=review_dir or review_dir_for(store),
        )
        kind_done, rows = facts.kind, len(parsed.rows)
    graph = str(iris.graph(change.source.name))
    sha = change.source.sha256()
    if stored_fingerprint(store, graph) == (sha, __version__):
        outcome = commit(store, iris, [change], registry=registry)
        return IngestResult(outcome, graph, kind_done, rows, notes=notes)
    entries = diff(store, graph, change.builder)
    changes = [change]
    if entries:
        changes.append(feed_change(iris, change.source, sha, entries, when))
    outcome = commit(store, iris, changes, registry=registry, now=when.replace(microsecond=0))
    return IngestResult(outcome, graph, kind_done, rows, entries=len(entries), notes=notes)
