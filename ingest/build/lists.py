"""A parsed attachment list as its source graph: designations for a batch, events otherwise.

A list is identified by what it states, never by its file name or format (``list_slug``): the
document it is an attachment of (when the list, the command line or the store knows it), its
kind, its batch and its printed title. The same list as CSV, XLSX or HTML, under any name, is
one source with one graph, which a corrected re-issue (the same title) replaces; a different
list of the same batch (a supplementary notice's, another attachment printing another title) is
another source.
Its titles are awarded by the announcing notice when one is known; the list itself is an
lg:KindList document, part of that notice.

Entity resolution goes through the key registry (``ingest.firm_match``): the credit code decides
when the list prints one, else the normalised name within the province. Nothing is merged by
guess: two candidates for a row go to a review file (``var/review/<source>.csv``) and the ingest
stops; a new firm whose name looks like a renaming of a known one (唐山贺祥机电 / 唐山贺祥智能科技)
gets its own key and a line in the review file, for a person to decide with ``littlegiant merge``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ingest.build.context import BuildContext
from ingest.build.titles import award, event
from ingest.facts import Facts, IngestError
from ingest.identity import Registry
from ingest.source_graph import Source, SourceGraph
from ingest.parse_list import ListRow, ParsedList
from ingest.row_errors import RULE_AMBIGUOUS, RULE_REJECTED, RULE_UNKNOWN_FIRM, RowError
from ontology.iris import Iris
from ontology.names import has_cjk, normalise_name
from ontology.paths import work_dir
from ontology.store import EmbeddedStore, GraphStore

DEFAULT_REVIEW_DIR = work_dir() / "var" / "review"

REVIEW_FIELDS = (
    "sheet", "row", "name", "region", "uscc", "key", "candidate_key", "reason", "decision",
)  # fmt: skip


@dataclass(frozen=True)
class ReviewItem:
    """A row a person should look at: the key it got (if any) and the keys it may be."""

    row: ListRow
    key: str
    candidates: tuple[str, ...]
    reason: str  # "ambiguous" (not placed) or "possible renaming" (placed under its own key)


Ambiguous = list[ReviewItem]


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
    store: GraphStore,
    graph_name: str | None = None,
    review_dir: Path = DEFAULT_REVIEW_DIR,
    facts: Facts | None = None,
) -> SourceGraph:
    """Turn a parsed list into its source graph (designations for a batch, events otherwise).

    ``facts`` (as ``ingest.facts.reconcile_facts`` found them, store facts included) replaces
    ``kind`` … ``source_url`` when given.

    Raises:
        IngestError: rows that cannot be placed: ambiguous enterprises (written to a review
            file), or reviews/revocations whose designation is not in the store.
    """
    if parsed.errors:
        raise IngestError(parsed.file, parsed.errors)
    if facts is None:
        doc_iri = str(iris.document(registry.document_slug(document))) if document else None
        facts = Facts(kind, batch, document, date, source_url, document_iri=doc_iri)
    if facts.kind == "batch" and facts.batch is None:
        raise IngestError(parsed.file, ["the file does not say its batch; give --batch N"])
    name = graph_name or list_graph_name(parsed, facts, iris)
    registry.new_source()
    ctx = BuildContext(store, iris, registry, str(iris.graph(name)), facts)
    ctx.source_page()
    notice = ctx.document(facts.document, facts.document or "") if facts.document_iri else None
    listed = ctx.attachment(list_slug(parsed, facts, iris), parsed.title, notice)
    doc = notice or listed  # titles are awarded by the announcing notice, else by the list
    problems: list[RowError | str] = []
    ambiguous: Ambiguous = []
    for row in parsed.rows:
        where = f"{parsed.file}{f' [{row.sheet}]' if row.sheet else ''} row {row.row}"
        if problem := _place(ctx, row, where, doc, ambiguous):
            rule = (
                RULE_AMBIGUOUS
                if ambiguous and ambiguous[-1].row is row and ambiguous[-1].reason == "ambiguous"
                else RULE_UNKNOWN_FIRM
                if "is not in the store" in problem
                else RULE_REJECTED
            )
            message = problem.removeprefix(f"{where}: ")
            problems.append(RowError(parsed.file, row.sheet, row.row, rule, message))
    if ambiguous:
        path = write_review_file(review_dir, name, ambiguous)
        if any(item.reason == "ambiguous" for item in ambiguous):
            problems.append(f"ambiguous matches written to {path} for a person to decide")
    if problems:
        raise IngestError(parsed.file, problems)
    batch_of = f" of batch {facts.batch}" if facts.batch is not None else ""
    title = parsed.title or f"{facts.kind} list{batch_of}"
    source = Source(name, title, data=parsed.data, url=facts.source_url, file_name=parsed.file)
    return SourceGraph(source, ctx.builder, ctx.rows)


def _place(
    ctx: BuildContext, row: ListRow, where: str, doc: ox.NamedNode, review: Ambiguous
) -> str:
    """Resolve one row's firm and add its award or event; the reason it cannot be, else ""."""
    kind, batch = ctx.facts.kind, ctx.facts.batch
    zh = has_cjk(row.name)
    res = ctx.registry.resolve(
        name=row.name if zh else None,
        english_name=None if zh else row.name,
        uscc=row.uscc or None,
        region=row.region or None,
        mint=kind == "batch",
        today=ctx.facts.date,
    )
    if res.ambiguous:
        review.append(ReviewItem(row, "", res.candidates, "ambiguous"))
        return f"{where}: {row.name!r}: {res.reason}; listed for review, not merged"
    if res.similar:
        review.append(ReviewItem(row, res.key or "", res.similar, "possible renaming"))
    if res.key is None:
        return (
            f"{where}: {row.name!r} ({row.region_text}) is not in the store: a {kind} list "
            "can only name an enterprise whose award is already ingested (order of arrival: "
            "ingest the batch list first)"
            + (
                f"; it may be {', '.join(res.similar)} renamed (see the review file)"
                if res.similar
                else ""
            )
        )
    if kind == "batch" and batch is not None:
        award(ctx, res.key, row, where, batch, doc, new=res.created)
        return ""
    if refusal := event(ctx, res.key, row, where, kind, batch, doc):
        return refusal
    ctx.enterprise(res.key, row, where)
    return ""


def list_slug(parsed: ParsedList, facts: Facts, iris: Iris) -> str:
    """The list's identity, from what it states: ``{document}-{kind}[-{batch}]`` when its
    document is known (from its title, the command line or the store), else
    ``{kind}[-{batch}]``; then a digest of its printed title (two lists a notice attaches for
    one batch print different titles), or of the names it lists when it prints none.

    The same list in another format, order or file name is one source, and a corrected list
    printing the same title replaces it. A list with no title has nothing else that tells it
    from another list of its batch: its names do, so two untitled lists stay two sources and
    neither replaces the other.
    """
    tail = facts.kind + (f"-{facts.batch}" if facts.batch is not None else "")
    parsed_doc = iris.parse(facts.document_iri) if facts.document_iri else None
    slug = f"{parsed_doc.local}-{tail}" if parsed_doc is not None else tail
    said = normalise_name(parsed.title) or "\n".join(
        sorted({normalise_name(row.name) for row in parsed.rows})
    )
    return f"{slug}-{hashlib.sha1(said.encode()).hexdigest()[:10]}"  # noqa: S324 - an id


def list_graph_name(parsed: ParsedList, facts: Facts, iris: Iris) -> str:
    """``list-{list slug}``: one graph per list, whatever its format, file name or flags."""
    return f"list-{list_slug(parsed, facts, iris)}"


def review_dir_for(store: GraphStore) -> Path:
    """Review files sit beside the store they concern (``var/review`` for the default store)."""
    path = store.path if isinstance(store, EmbeddedStore) else None
    return path.parent / "review" if path is not None else DEFAULT_REVIEW_DIR


def write_review_file(directory: Path, source: str, items: Ambiguous) -> Path:
    """List the rows a person should decide, one line per candidate key: rows the registry
    could not place (``ambiguous``), and new firms that may be a known one renamed."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{source}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(REVIEW_FIELDS)
        for item in items:
            r = item.row
            for key in item.candidates:
                w.writerow(
                    [r.sheet, r.row, r.name, r.region_text, r.uscc, item.key, key, item.reason, ""]
                )
    return path
