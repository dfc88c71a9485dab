"""One file into the store: read → parse → reconcile its facts → build → feed → validated load.

A notice (``.txt``/``.md``, or ``--kind notice``) or an attachment list (CSV, XLSX, HTML) becomes
one source graph, plus a change-feed graph when it changes what the store says. Its fingerprint
(sha256 of the bytes and the software version) is checked once, before anything is built: the
same file twice is a no-op, however large.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.build.lists import build_list, list_graph_name, review_dir_for
from ingest.build.notices import build_notice, notice_facts, notice_graph_name
from ingest.facts import IngestError, Stated, reconcile_facts
from ingest.feed import feed_entries, feed_graph
from ingest.identity import Registry
from ingest.load import CommitOutcome, SourceGraph, commit, stored_fingerprint
from ingest.parse_list import parse_list
from ingest.parse_notice import parse_notice
from ontology import __version__
from ontology.iris import Iris
from ontology.store import GraphStore

NOTICE_SUFFIXES = (".txt", ".md")


@dataclass
class IngestResult:
    """What one ingest did: the commit, the graph it wrote, the feed entries it recorded."""

    outcome: CommitOutcome
    graph: str
    kind: str
    rows: int
    entries: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Prepared:
    """A parsed file ready to build: what it is, its graph, its bytes, and how to build it."""

    kind: str
    rows: int
    graph_name: str
    data: bytes
    build: Callable[[], SourceGraph]
    notes: list[str]


def ingest_file(
    store: GraphStore,
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
        ingest.load.ValidationFailed: the shapes reject the result.
    """
    path = Path(path)
    when = now or dt.datetime.now(dt.UTC)
    given = Stated(kind, batch, document, date)
    if kind == "notice" or (kind is None and path.suffix.lower() in NOTICE_SUFFIXES):
        prepared = _notice(path, given, source_url, store, iris, registry)
    else:
        review = review_dir or review_dir_for(store)
        prepared = _list(path, given, source_url, store, iris, registry, review)
    graph = str(iris.graph(prepared.graph_name))
    sha = hashlib.sha256(prepared.data).hexdigest()
    if stored_fingerprint(store, graph) == (sha, __version__):
        outcome = CommitOutcome((), (graph,), 0, None, store.generation())
        return IngestResult(outcome, graph, prepared.kind, prepared.rows, notes=prepared.notes)
    built = prepared.build()
    entries = feed_entries(store, graph, built.builder)
    graphs = [built]
    if entries:
        graphs.append(feed_graph(iris, built.source, sha, entries, when))
    stamp = now.replace(microsecond=0) if now is not None else None
    outcome = commit(store, iris, graphs, registry=registry, now=stamp)
    return IngestResult(
        outcome, graph, prepared.kind, prepared.rows, entries=len(entries), notes=prepared.notes
    )


def _notice(
    path: Path,
    given: Stated,
    source_url: str | None,
    store: GraphStore,
    iris: Iris,
    registry: Registry,
) -> _Prepared:
    notice = parse_notice(path)
    facts = notice_facts(
        notice,
        document=given.document,
        date=given.date,
        batch=given.batch,
        source_url=source_url,
    )
    slug = registry.document_slug(facts.document) if facts.document else None
    name = notice_graph_name(notice, slug)
    notes = [f"the notice does not state its {m}" for m in notice.missing]

    def build() -> SourceGraph:
        return build_notice(
            notice, facts, iris=iris, registry=registry, store=store, graph_name=name, notes=notes
        )

    return _Prepared("notice", len(notice.enterprises), name, notice.data, build, notes)


def _list(
    path: Path,
    given: Stated,
    source_url: str | None,
    store: GraphStore,
    iris: Iris,
    registry: Registry,
    review_dir: Path,
) -> _Prepared:
    parsed = parse_list(path, kind_hint=given.kind)
    if parsed.errors:
        raise IngestError(parsed.file, parsed.errors)
    own = Stated(parsed.kind, parsed.batch, parsed.document, parsed.date)
    facts = reconcile_facts(own, given, file=parsed.file, noun="file", source_url=source_url)
    name = list_graph_name(parsed, facts)

    def build() -> SourceGraph:
        return build_list(
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
            review_dir=review_dir,
        )

    return _Prepared(facts.kind, len(parsed.rows), name, parsed.data, build, [])
