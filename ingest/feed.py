"""What an ingest added, changed or ended, as Activity Streams 2.0 activities kept in the store.

Each ingest that changes a list or notice graph also writes one feed graph
(``/graph/changes-{source}-{sha12}``) holding one ``as:Create`` / ``as:Update`` / ``as:Remove`` /
``as:Delete`` per enterprise or designation it touched. The feed graph is committed together with
the list graph, so the store's atomic publish covers both: a reader never sees a change without
its feed entry or the reverse. ``/changes`` pages these entries (https://www.w3.org/TR/activitystreams-core/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ingest.source_graph import Source, SourceGraph
from ontology import rdf
from ontology.iris import Iris
from ontology.namespaces import AS, DCTERMS, LG, RDF, RDFS
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore
from ontology.store.common import values_blocks

CREATE, UPDATE, REMOVE, DELETE = "Create", "Update", "Remove", "Delete"
_ENDING = (str(LG.Revocation), str(LG.ReviewFailed))
_TRACKED = (str(LG.Enterprise), str(LG.Designation))
_PASSED = str(LG.ReviewPassed)
_INTERESTING = {*_ENDING, _PASSED}
_EVENT_DATE, _VALID_UNTIL, _ENTERPRISE = str(LG.eventDate), str(LG.validUntil), str(LG.Enterprise)

Statements = set[tuple[str, str]]  # (predicate IRI, object in N-Triples)


@dataclass(frozen=True)
class FeedEntry:
    """One line of the feed: what happened (AS2 activity type) to which resource, and why."""

    type: str
    object: str
    summary: str


@dataclass
class _NewGraph:
    """A source graph about to be written, indexed by subject."""

    statements: dict[str, Statements]
    types: dict[str, set[str]]
    event_of: dict[str, str]  # event IRI -> the designation it concerns

    @classmethod
    def of(cls, builder: GraphBuilder) -> _NewGraph:
        new = cls({}, {}, {})
        rdf_type, designation = str(RDF.type), str(LG.designation)
        for t in builder:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            s, p, o = t.subject.value, t.predicate.value, t.object
            new.statements.setdefault(s, set()).add((p, str(o)))
            if p == rdf_type and isinstance(o, ox.NamedNode):
                new.types.setdefault(s, set()).add(o.value)
            elif p == designation and isinstance(o, ox.NamedNode):
                new.event_of[s] = o.value
        return new


def feed_entries(store: GraphStore, graph: str, builder: GraphBuilder) -> list[FeedEntry]:
    """Compare a source graph about to be written with the store as it is now.

    Enterprises and designations new to the store are ``Create``; those whose description in this
    graph differs are ``Update``; a designation that receives a revocation or failed re-review is
    ``Remove`` (it leaves the set of titles held), one that passes a re-review ``Update``; a
    resource the previous version of this graph described and the new one does not is ``Delete``.
    """
    new = _NewGraph.of(builder)
    old = _graph_statements(store, ox.NamedNode(graph))
    entries = _described(store, new, old)
    entries += _events(new, old)
    for s in sorted(set(old) - set(new.statements)):
        tracked = {f"<{t}>" for t in _TRACKED}
        if old_types := {o for p, o in old[s] if p == str(RDF.type)} & tracked:
            label = "enterprise" if f"<{LG.Enterprise}>" in old_types else "designation"
            entries.append(FeedEntry(DELETE, s, f"{label} no longer in this source"))
    return entries


def _described(store: GraphStore, new: _NewGraph, old: dict[str, Statements]) -> list[FeedEntry]:
    """Create / Update for the enterprises and designations the new graph describes."""
    tracked = sorted(s for s in new.statements if new.types.get(s, set()) & set(_TRACKED))
    known = _existing(store, tracked)
    entries = []
    for s in tracked:
        label = "enterprise" if _ENTERPRISE in new.types[s] else "designation"
        mine = new.statements[s]
        if s not in known:
            entries.append(FeedEntry(CREATE, s, f"new {label}"))
        elif s in old and old[s] != mine:
            entries.append(FeedEntry(UPDATE, s, f"{label} described anew by this source"))
        elif s not in old and _adds_to(store, s, mine):
            entries.append(FeedEntry(UPDATE, s, f"{label} described by one more source"))
    return entries


def _events(new: _NewGraph, old: dict[str, Statements]) -> list[FeedEntry]:
    """Remove / Update for the designations that the graph's new events end or renew."""
    entries = []
    for ev in sorted(new.event_of):
        kinds = new.types.get(ev, set())
        mine = new.statements[ev]
        if not kinds & _INTERESTING or (ev in old and old[ev] == mine):
            continue
        target = new.event_of[ev]
        day = _plain(next((o for p, o in mine if p == _EVENT_DATE), ""))
        if kinds & set(_ENDING):
            what = "revoked" if str(LG.Revocation) in kinds else "failed its re-review"
            entries.append(FeedEntry(REMOVE, target, f"title {what} on {day}"))
        else:
            until = _plain(next((o for p, o in mine if p == _VALID_UNTIL), ""))
            summary = f"re-review passed on {day}; valid until {until}"
            entries.append(FeedEntry(UPDATE, target, summary))
    return entries


def feed_graph(
    iris: Iris,
    source: Source,
    sha: str,
    entries: Iterable[FeedEntry],
    when: dt.datetime,
) -> SourceGraph:
    """The feed graph of one ingest: one AS2 activity per entry, all published at ``when``."""
    name = feed_graph_name(source.name, sha)
    b = GraphBuilder()
    add, t = b.triples.append, ox.Triple
    stamp = rdf.datetime(when)
    g = rdf.node(iris.graph(source.name))
    part = rdf.node(iris.activity(f"{source.name}-{sha[:12]}"))
    types = {k: rdf.node(AS[k]) for k in (CREATE, UPDATE, REMOVE, DELETE)}
    p_type, p_object, p_target = rdf.node(RDF.type), rdf.node(AS.object), rdf.node(AS.target)
    p_published, p_summary = rdf.node(AS.published), rdf.node(AS.summary)
    p_part, p_label = rdf.node(DCTERMS.isPartOf), rdf.node(RDFS.label)
    lines = []
    for n, entry in enumerate(entries, 1):
        act = ox.NamedNode(str(iris.activity(f"{name}/{n:06d}")))  # one each: not worth caching
        add(t(act, p_type, types[entry.type]))
        add(t(act, p_object, ox.NamedNode(entry.object)))
        add(t(act, p_target, g))
        add(t(act, p_published, stamp))
        add(t(act, p_summary, ox.Literal(entry.summary, language="en")))
        add(t(act, p_part, part))
        add(t(act, p_label, ox.Literal(f"{entry.type} {entry.object}", language="en")))
        lines.append(f"{entry.type}\t{entry.object}\t{entry.summary}")
    data = f"{source.name}\t{sha}\n".encode() + "\n".join(lines).encode()
    return SourceGraph(Source(name, f"change feed of {source.title}", data=data), b)


def feed_graph_name(source_name: str, sha: str) -> str:
    """``changes-{source}-{sha12}``: one feed graph per distinct version of a source."""
    return f"changes-{source_name}-{sha[:12]}"


def _graph_statements(store: GraphStore, g: ox.NamedNode) -> dict[str, Statements]:
    out: dict[str, Statements] = {}
    for q in store.quads(None, None, None, g):
        if isinstance(q.subject, ox.NamedNode):
            out.setdefault(q.subject.value, set()).add((q.predicate.value, str(q.object)))
    return out


def _existing(store: GraphStore, iris: list[str]) -> set[str]:
    """Which of these IRIs the store already types (one query per thousand, not one per IRI)."""
    found: set[str] = set()
    for values in values_blocks(iris):
        q = f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}"
        found.update(row["s"].value for row in store.select(q))
    return found


def _adds_to(store: GraphStore, iri: str, statements: Statements) -> bool:
    """Whether these statements say anything the store does not already say about ``iri``."""
    known = {(q.predicate.value, str(q.object)) for q in store.quads(ox.NamedNode(iri))}
    return bool(statements - known)


def _plain(term: str) -> str:
    """The lexical form of an N-Triples literal string (``"2022-01-01"^^<…>`` → ``2022-01-01``)."""
    if term.startswith('"'):
        return term[1 : term.index('"', 1)]
    return term
