"""The derived graph: each designation's validity terms and how it ended, each batch's known count.

Derived at each commit from what the source graphs state together (the store as the commit will
leave it) and published in the same generation, so that "held the title on D" is a range test
over stored terms (``ontology.temporal``) that can never disagree with the facts behind it. The
rule (ontology/README.md, "Status on a date"):

- The first term runs from the designation's ``lg:validFrom`` to its ``lg:validUntil`` (three
  years by 工信部企业〔2022〕63号 where no source states the end). Each passed re-review adds a
  term from the day after the previous end to the review's ``lg:validUntil`` (three more years
  where it states none): renewal is continuous, so a title renewed by a result published after
  its old end was held on the days in between.
- The earliest revocation, failed re-review or recorded expiry ends the title on its date
  (``lg:endedOn``, ``lg:endCause``): it is not held on that day or after.
- After its last term (``lg:effectiveUntil``) a title is Expired only where the data shows it
  was not renewed: a review round of its batch, later than its last renewal, whose outcomes are
  complete (``lg:outcomesComplete true``) and do not include it. Otherwise it is Unknown: no
  outcome recorded is not a failure.
- A title with no start date has no term: it is Unknown from ``lg:earliestStart`` (the earliest
  date of a document that awards it or announces its batch, else 1 January of the batch's year).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from types import SimpleNamespace

import pyoxigraph as ox

from ontology import rdf
from ontology.iris import Iris
from ontology.namespaces import LG, PROV, RDF, XSD
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore
from ontology.temporal import renewed_until, valid_until

DERIVED = "derived"
TITLE = "Derived: validity terms of every designation, known count of every batch"

PREDICATES = {
    str(p): p
    for p in (
        LG.validFrom, LG.validUntil, LG.batch, LG.awardedBy, LG.designation, LG.eventDate,
        LG.reviewRound, LG.reviewedBatch, LG.outcomesComplete, LG.year, LG.announcedBy,
        LG.announcementDate, LG.dateWritten, LG.datePublished,
    )
}  # fmt: skip
_ENDS = {  # an act that ends a title, the status it leaves, and its precedence on one day
    str(LG.Revocation): (0, LG.StatusRevoked),
    str(LG.ReviewFailed): (1, LG.StatusNotRenewed),
    str(LG.Expiry): (2, LG.StatusExpired),
}
CLASSES = {str(c) for c in (LG.Designation, LG.Batch, LG.ReviewRound, LG.Award, LG.ReviewPassed)}
CLASSES |= set(_ENDS)
_RDF_TYPE = str(RDF.type)


def is_fact(p: str, o: object) -> bool:
    """Whether the derivation reads a statement of ``p`` with the object ``o``: a type among
    ``CLASSES``, or an IRI or literal value of one of ``PREDICATES``."""
    if p == _RDF_TYPE:
        return isinstance(o, ox.NamedNode) and o.value in CLASSES
    return p in PREDICATES and isinstance(o, ox.NamedNode | ox.Literal)


@dataclass
class Facts:
    """What the source graphs state together, as sets: a fact two graphs state is one fact."""

    values: dict[str, dict[str, set[ox.NamedNode | ox.Literal]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    typed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    graphs: set[str] = field(default_factory=set)
    # predicate -> IRI object -> the subjects stating it: who points at a node, without a scan
    pointing: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )

    def add(self, graph: str, s: object, p: str, o: object) -> None:
        if not isinstance(s, ox.NamedNode) or not is_fact(p, o):
            return
        self.graphs.add(graph)
        if isinstance(o, ox.NamedNode) and p == _RDF_TYPE:
            self.typed[o.value].add(s.value)
        elif isinstance(o, ox.NamedNode | ox.Literal):
            self.values[p][s.value].add(o)
            if isinstance(o, ox.NamedNode):
                self.pointing[p][o.value].add(s.value)

    def subjects_of(self, p: str, objects: Iterable[str]) -> set[str]:
        """The subjects that state ``p`` of any of the IRIs ``objects``."""
        index = self.pointing[p]
        return {s for o in objects if o in index for s in index[o]}

    def iris(self, s: str, p: object) -> list[str]:
        return sorted(
            o.value for o in self.values[str(p)].get(s, ()) if isinstance(o, ox.NamedNode)
        )

    def dates(self, s: str, p: object) -> list[dt.date]:
        out = []
        for o in self.values[str(p)].get(s, ()):
            if isinstance(o, ox.Literal):
                try:
                    out.append(dt.date.fromisoformat(o.value))
                except ValueError:
                    continue  # the shapes report a malformed date; it derives nothing
        return sorted(out)

    def number(self, s: str, p: object) -> int | None:
        for o in self.values[str(p)].get(s, ()):
            if isinstance(o, ox.Literal) and o.value[:4].isdigit():
                return int(o.value[:4])
        return None

    def true(self, s: str, p: object) -> bool:
        return any(
            isinstance(o, ox.Literal) and o.value in ("true", "1")
            for o in self.values[str(p)].get(s, ())
        )


def read_facts(
    store: GraphStore | None, new: Mapping[str, Iterable[ox.Triple]], excluded: set[str]
) -> Facts:
    """The facts the derivation reads: from the store's graphs but ``excluded`` (the graphs the
    commit replaces), then from the ``new`` graphs. ``store`` None: the new graphs are all."""
    facts = Facts()
    if store is not None:
        for p, predicate in PREDICATES.items():
            for q in store.quads(None, rdf.node(predicate)):
                if (g := _graph_name(q)) not in excluded:
                    facts.add(g, q.subject, p, q.object)
        typed = rdf.node(RDF.type)
        for c in CLASSES:
            for q in store.quads(None, typed, ox.NamedNode(c)):
                if (g := _graph_name(q)) not in excluded:
                    facts.add(g, q.subject, _RDF_TYPE, q.object)
    for graph, triples in new.items():
        for t in triples:
            facts.add(graph, t.subject, t.predicate.value, t.object)
    return facts


def _graph_name(quad: ox.Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""


@dataclass(frozen=True)
class Term:
    """One validity term as derived: first and last day, and the event that gave it (if any)."""

    start: dt.date
    end: dt.date
    generated_by: str | None


@dataclass(frozen=True)
class Validity:
    """What the rule derives for one designation."""

    terms: tuple[Term, ...]
    ended_on: dt.date | None
    end_cause: object | None
    after_term: object
    earliest_start: dt.date | None


# The terms the rule reads, as strings made once: an attribute of ``LG`` costs microseconds, and
# 200,000 titles read each a dozen times.
_L = SimpleNamespace(**{name: str(getattr(LG, name)) for name in (
    "Award",
    "Batch",
    "Designation",
    "ReviewPassed",
    "ReviewRound",
    "StatusExpired",
    "StatusUnknown",
    "announcedBy",
    "announcementDate",
    "awardedBy",
    "batch",
    "datePublished",
    "dateWritten",
    "designation",
    "eventDate",
    "outcomesComplete",
    "reviewRound",
    "reviewedBatch",
    "validFrom",
    "validUntil",
    "year",
)})  # fmt: skip


class _Title:
    """The facts of one designation, read once: its dates, batch, events and review rounds."""

    def __init__(
        self,
        facts: Facts,
        d: str,
        events: Sequence[tuple[str, str]],
        complete_rounds: Mapping[str, Sequence[tuple[str, int]]],
    ) -> None:
        self.facts = facts
        self.d = d
        self.events = events  # (event IRI, class IRI)
        self.batch = next(iter(facts.iris(d, _L.batch)), None)
        self.complete_rounds = complete_rounds  # batch → (review round, year), outcomes complete

    def validity(self) -> Validity:
        terms = self.terms()
        ended, cause = self.ended()
        after = _L.StatusExpired if terms and self.not_renewed(terms) else _L.StatusUnknown
        return Validity(terms, ended, cause, after, None if terms else self.earliest_start())

    def terms(self) -> tuple[Term, ...]:
        starts, ends = (
            self.facts.dates(self.d, _L.validFrom),
            self.facts.dates(self.d, _L.validUntil),
        )
        if not starts:
            return ()
        first, last = starts[0], ends[-1] if ends else valid_until(starts[0])
        award = next((e for e, k in self.events if k == str(_L.Award)), None)
        terms = [Term(first, last, award)]
        for _, event in sorted(self.passes()):  # in the order they were decided
            stated = self.facts.dates(event, _L.validUntil)
            new_end = stated[-1] if stated else renewed_until(last)
            if new_end > last:
                terms.append(Term(last + dt.timedelta(days=1), new_end, event))
                last = new_end
        return tuple(terms)

    def passes(self) -> list[tuple[dt.date, str]]:
        return [
            (day, e)
            for e, k in self.events
            if k == str(_L.ReviewPassed)
            for day in self.facts.dates(e, _L.eventDate)[:1]
        ]

    def ended(self) -> tuple[dt.date | None, object | None]:
        acts = [
            (day, _ENDS[k][0], _ENDS[k][1])
            for e, k in self.events
            if k in _ENDS
            for day in self.facts.dates(e, _L.eventDate)[:1]
        ]
        if not acts:
            return None, None
        day, _, cause = min(acts)
        return day, cause

    def not_renewed(self, terms: tuple[Term, ...]) -> bool:
        """Whether a complete review round of the batch, later than the last renewal, has no
        pass of this title."""
        if self.batch is None:
            return False
        rounds = self.complete_rounds.get(self.batch, ())
        if not rounds:
            return False
        renewed = {r for _, e in self.passes() for r in self.facts.iris(e, _L.reviewRound)}
        last_year = max((day.year for day, _ in self.passes()), default=terms[0].start.year)
        return any(r not in renewed and year >= last_year for r, year in rounds)

    def earliest_start(self) -> dt.date | None:
        docs = list(self.facts.iris(self.d, _L.awardedBy))
        days: list[dt.date] = []
        if self.batch is not None:
            docs += self.facts.iris(self.batch, _L.announcedBy)
            days += self.facts.dates(self.batch, _L.announcementDate)
        for doc in docs:
            days += self.facts.dates(doc, _L.dateWritten) + self.facts.dates(doc, _L.datePublished)
        if days:
            return min(days)
        year = self.facts.number(self.batch, _L.year) if self.batch is not None else None
        return dt.date(year, 1, 1) if year else None


class _Terms:
    """The derived graph's terms as pyoxigraph nodes, made once (200k titles use each 200k
    times)."""

    type = rdf.node(RDF.type)
    term_class = rdf.node(LG.ValidityTerm)
    term = rdf.node(LG.term)
    start = rdf.node(LG.termStart)
    end = rdf.node(LG.termEnd)
    generated_by = rdf.node(PROV.wasGeneratedBy)
    effective_until = rdf.node(LG.effectiveUntil)
    after_term = rdf.node(LG.statusAfterTerm)
    earliest = rdf.node(LG.earliestStart)
    ended_on = rdf.node(LG.endedOn)
    end_cause = rdf.node(LG.endCause)
    known = rdf.node(LG.knownCount)


def derive(facts: Facts, iris: Iris, only: AbstractSet[str] | None = None) -> GraphBuilder:
    """The derived graph of ``facts``: validity terms and ends by the rule above, known counts;
    with ``only``, of those designations and batches alone (the others' facts may be partial)."""
    events: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k in (str(_L.Award), str(_L.ReviewPassed), *_ENDS):
        for e in facts.typed[k]:
            for d in facts.iris(e, _L.designation):
                events[d].append((e, k))
    complete_rounds: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for review in sorted(facts.typed[str(_L.ReviewRound)]):
        if facts.true(review, _L.outcomesComplete):
            for batch in facts.iris(review, _L.reviewedBatch):
                complete_rounds[batch].append((review, facts.number(review, _L.year) or 0))
    b, n, t = GraphBuilder(), _Terms, ox.Triple
    add = b.triples.append
    per_batch: dict[str, int] = defaultdict(int)
    for d in sorted(_within(facts.typed[str(_L.Designation)], only)):
        title = _Title(facts, d, sorted(events.get(d, ())), complete_rounds)
        if title.batch is not None:
            per_batch[title.batch] += 1
        v = title.validity()
        node = rdf.node(d)
        for i, term in enumerate(v.terms, 1):
            ti = rdf.node(iris.validity_term(d, i))
            add(t(node, n.term, ti))
            add(t(ti, n.type, n.term_class))
            add(t(ti, n.start, rdf.date(term.start)))
            add(t(ti, n.end, rdf.date(term.end)))
            if term.generated_by:
                add(t(ti, n.generated_by, rdf.node(term.generated_by)))
        if v.terms:
            add(t(node, n.effective_until, rdf.date(v.terms[-1].end)))
            add(t(node, n.after_term, rdf.node(str(v.after_term))))
        elif v.earliest_start:
            add(t(node, n.earliest, rdf.date(v.earliest_start)))
        if v.ended_on:
            add(t(node, n.ended_on, rdf.date(v.ended_on)))
            add(t(node, n.end_cause, rdf.node(str(v.end_cause))))
    for batch in sorted(_within(facts.typed[str(_L.Batch)], only)):
        add(t(rdf.node(batch), n.known, rdf.typed(per_batch.get(batch, 0), XSD.nonNegativeInteger)))
    return b


def _within(nodes: set[str], only: AbstractSet[str] | None) -> set[str]:
    return nodes if only is None else nodes & only


@dataclass(frozen=True)
class Derived:
    """The derived graph: the triples derived (of the whole graph, or of the part derived again
    at a commit), the whole graph's N-Triples, and the graphs it was derived from."""

    builder: GraphBuilder
    ntriples: bytes
    sources: tuple[str, ...]

    @classmethod
    def of(
        cls, builder: GraphBuilder, sources: Iterable[str], *, kept: Iterable[bytes] = ()
    ) -> Derived:
        """The graph of ``builder`` and the ``kept`` lines of a stored one, its text in one
        order (lines sorted): the same terms are the same bytes whether derived whole or in
        part, so an unchanged graph is not written again."""
        data = ox.serialize(builder.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        lines = sorted({*data.splitlines(keepends=True), *kept})
        return cls(builder, b"".join(lines), tuple(sorted(set(sources))))


def derive_after(
    store: GraphStore | None, iris: Iris, new: Mapping[str, Iterable[ox.Triple]]
) -> Derived:
    """The derived graph as a commit of the ``new`` graphs (name → triples) will leave the store;
    ``store`` None: a commit that leaves no other graph."""
    excluded = {*new, str(iris.graph(DERIVED))}
    facts = read_facts(store, new, excluded)
    return Derived.of(derive(facts, iris), facts.graphs)
