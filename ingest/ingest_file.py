"""One file into the store: read → parse → reconcile its facts → build → feed → validated load.

A notice (``.txt``/``.md``, or ``--kind notice``) or an attachment list (CSV, XLSX, HTML) becomes
one source graph, plus a change-feed graph when it changes what the store says. Its fingerprint
(sha256 of the bytes and the software version) is checked once, before anything is built: the
same file twice is a no-op, however large.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.build.lists import build_list, list_graph_name, review_dir_for
from ingest.build.notices import build_notice, notice_facts, notice_graph_name
from ingest.facts import Facts, IngestError, Stated, reconcile_facts
from ingest.feed import CREATE, REMOVE, UPDATE, feed_entries, feed_graph
from ingest.identity import Registry, derive_document_slug
from ingest.limits import DEFAULT_LIMITS, ReadLimits
from ingest.load import CommitOutcome, SourceGraph, commit
from ingest.parse_list import CONTROL, parse_list
from ingest.parse_notice import parse_notice
from ingest.progress import QUIET, Progress
from ingest.provenance import stored_fingerprint
from ingest.read_tables import UnreadableFile, read_input
from ingest.row_errors import FIRST_CASES, RULE_CONTROL, RULE_ENCODING, RowError
from ingest.store_facts import StoreFacts
from ingest.title_facts import detect_kind
from ingest.writer import DEFAULT_WAIT_S, Writing, writing
from ontology import __version__
from ontology.iris import Iris
from ontology.store import GraphStore

NOTICE_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Tally:
    """What an ingest changed, counted from its change-feed entries."""

    firms_new: int = 0
    firms_described: int = 0
    titles_added: int = 0
    titles_extended: int = 0
    titles_ended: int = 0

    @classmethod
    def of(cls, entries: Iterable[tuple[str, str]]) -> Tally:
        """From (activity type, summary) pairs as the feed records them."""
        counts = dict.fromkeys(("fn", "fd", "ta", "tx", "te"), 0)
        for kind, text in entries:
            if kind == CREATE:
                counts["fn" if "enterprise" in text else "ta"] += 1
            elif kind == REMOVE:
                counts["te"] += 1
            elif kind == UPDATE and text.startswith("re-review passed"):
                counts["tx"] += 1
            elif kind == UPDATE and "enterprise" in text:
                counts["fd"] += 1
        return cls(counts["fn"], counts["fd"], counts["ta"], counts["tx"], counts["te"])


@dataclass
class IngestResult:
    """What one ingest did: the commit, the graph it wrote, the feed entries it recorded."""

    outcome: CommitOutcome
    graph: str
    kind: str
    rows: int
    entries: int = 0
    notes: list[str] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    facts: Facts | None = None
    origins: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Prepared:
    """A parsed file ready to build: what it is, its graph, its bytes, and how to build it."""

    kind: str
    rows: int
    graph_name: Callable[[Registry], str]  # a notice's graph is named by its registered slug
    data: bytes
    build: Callable[[Writing], SourceGraph]
    notes: list[str]
    facts: Facts
    origins: dict[str, str]


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
    encoding: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    wait_s: float = DEFAULT_WAIT_S,
    waiting: Callable[[str], None] | None = None,
    parsed: Callable[[], object] | None = None,
    progress: Progress = QUIET,
) -> IngestResult:
    """Parse, build, validate and publish one list or notice, with its change-feed entries.

    The file is read and parsed first (no lock: that needs neither the store nor the registry);
    then, under the store's lock (``writer``), the registry is read, the fingerprint checked,
    keys minted and the result published with the registry, or nothing at all. Re-running the
    same file is a no-op (its graph records the same sha256). Ambiguous firms are written to
    ``review_dir`` (default: ``review/`` beside the store). ``parsed`` is called once the file
    has parsed, before its facts are looked up in the store and before the lock is taken (the
    command builds an empty store there, so that a bad file is refused without waiting for a
    build, and a list's unstated facts are found in the built store). The store's facts are
    read from its published state: a list's identity (its graph) may rest on them.

    Raises:
        IngestError: the file is malformed, a fact is missing or contradicted, or rows cannot be
            placed (the message lists each with file, sheet, row and rule).
        ingest.load.ValidationFailed: the shapes reject the result.
        StoreLocked: another writer kept the store for ``wait_s`` seconds.
    """
    path = Path(path)
    when = now or dt.datetime.now(dt.UTC)
    given = Stated(kind, batch, document, date)
    progress.step("parse")
    lookup = _Lookup(store, registry, parsed or (lambda: None))
    if kind == "notice" or (kind is None and path.suffix.lower() in NOTICE_SUFFIXES):
        prepared = _notice(path, given, source_url, iris, limits, lookup)
    else:
        review = review_dir or review_dir_for(store)
        prepared = _list(path, given, source_url, iris, review, encoding, limits, lookup)
    sha = hashlib.sha256(prepared.data).hexdigest()
    progress.close()
    with writing(store, registry, wait_s=wait_s, waiting=waiting) as w:
        graph = str(iris.graph(prepared.graph_name(w.registry)))
        if stored_fingerprint(store, graph) == (sha, __version__):
            outcome = CommitOutcome((), (graph,), 0, None, store.generation())
            return IngestResult(
                outcome,
                graph,
                prepared.kind,
                prepared.rows,
                notes=prepared.notes,
                facts=prepared.facts,
                origins=prepared.origins,
            )
        progress.step(f"build {prepared.rows:,} rows")
        built = prepared.build(w)
        entries = feed_entries(store, graph, built.builder)
        graphs = [built]
        if entries:
            graphs.append(feed_graph(iris, built.source, sha, entries, when))
        stamp = now.replace(microsecond=0) if now is not None else None
        outcome = commit(w, iris, graphs, now=stamp, identity=True, progress=progress)
    progress.close()
    outcome = dataclasses.replace(outcome, generation=store.generation())
    return IngestResult(
        outcome,
        graph,
        prepared.kind,
        prepared.rows,
        entries=len(entries),
        notes=prepared.notes,
        tally=Tally.of((e.type, e.summary) for e in entries),
        facts=prepared.facts,
        origins=prepared.origins,
    )


@dataclass(frozen=True)
class _Lookup:
    """The store and registry the facts a file leaves unstated are looked up in, once
    ``parsed`` (which builds an empty store) has run."""

    store: GraphStore
    registry: Registry
    parsed: Callable[[], object]

    def slug(self, number: str | None) -> str | None:
        """A 文号's document slug: recorded, else the one it derives (nothing minted here)."""
        if not number:
            return None
        return self.registry.documents().get(number) or derive_document_slug(number)

    def document_iri(self, iris: Iris, number: str | None) -> str | None:
        slug = self.slug(number)
        return str(iris.document(slug)) if slug else None


def _notice(
    path: Path,
    given: Stated,
    source_url: str | None,
    iris: Iris,
    limits: ReadLimits,
    lookup: _Lookup,
) -> _Prepared:
    try:
        data = read_input(path, limits)
    except UnreadableFile as exc:
        raise IngestError(path.name, [exc.error]) from None
    if m := CONTROL.search(data.decode("utf-8", "replace")):
        message = f"the notice holds the control character U+{ord(m.group()):04X}; it is refused"
        raise IngestError(path.name, [RowError(path.name, "", 0, RULE_CONTROL, message)])
    try:
        notice = parse_notice(data, file=path.name)
    except ValueError as exc:
        raise IngestError(
            path.name, [RowError(path.name, "", 0, RULE_ENCODING, str(exc))]
        ) from None
    lookup.parsed()
    number = notice.document or given.document  # a disagreement is reported below
    known = StoreFacts(
        lookup.store, iris, str(iris.graph(notice_graph_name(notice, lookup.slug(number))))
    )
    facts = notice_facts(
        notice,
        document=given.document,
        date=given.date,
        batch=given.batch,
        source_url=source_url,
        # a notice is the document it names: the store may date it, never name it
        known=lambda _, doc: known.known(None, lookup.document_iri(iris, doc)),
    )
    notes = [f"the notice does not state its {m}" for m in notice.missing]

    def graph_name(registry: Registry) -> str:
        slug = registry.document_slug(facts.document) if facts.document else None
        return notice_graph_name(notice, slug)

    def build(w: Writing) -> SourceGraph:
        return build_notice(
            notice,
            facts,
            iris=iris,
            registry=w.registry,
            store=w.store,
            graph_name=graph_name(w.registry),
            notes=notes,
        )

    origins = dict(facts.origins) | {"kind": "the notice's text"}
    return _Prepared(
        "notice", len(notice.enterprises), graph_name, notice.data, build, notes, facts, origins
    )


def _list(
    path: Path,
    given: Stated,
    source_url: str | None,
    iris: Iris,
    review_dir: Path,
    encoding: str | None,
    limits: ReadLimits,
    lookup: _Lookup,
) -> _Prepared:
    parsed = parse_list(path, kind_hint=given.kind, encoding=encoding, limits=limits)
    if parsed.errors:
        raise IngestError(parsed.file, parsed.errors)
    # the parser reports the caller's kind as the list's; the title says whether it states it
    own_kind = detect_kind(parsed.title) if given.kind else parsed.kind
    own = Stated(own_kind, parsed.batch, parsed.document, parsed.date)
    lookup.parsed()

    def facts_from(known: StoreFacts) -> Facts:
        return reconcile_facts(
            own,
            given,
            file=parsed.file,
            noun="file",
            source_url=source_url,
            known=lambda batch, number: known.known(batch, lookup.document_iri(iris, number)),
            document_iri=lambda number: lookup.document_iri(iris, number) or number,
        )

    # which list this is may rest on the store (its document); what the store knows of its
    # date and validity must then not come from this list's own earlier version
    name = list_graph_name(parsed, facts_from(StoreFacts(lookup.store, iris)), iris)
    facts = facts_from(StoreFacts(lookup.store, iris, str(iris.graph(name))))

    def build(w: Writing) -> SourceGraph:
        return build_list(
            parsed,
            kind=facts.kind,
            batch=facts.batch,
            document=facts.document,
            date=facts.date,
            source_url=facts.source_url,
            iris=iris,
            registry=w.registry,
            store=w.store,
            graph_name=name,
            review_dir=review_dir,
            facts=facts,
        )

    origins = dict(facts.origins)
    notes = [f"not a row, not read: {line}" for line in parsed.unread[:FIRST_CASES]]
    notes += [f"… and {len(parsed.unread) - FIRST_CASES:,} more"] * (
        len(notes) < len(parsed.unread)
    )
    return _Prepared(
        facts.kind, len(parsed.rows), lambda _: name, parsed.data, build, notes, facts, origins
    )
