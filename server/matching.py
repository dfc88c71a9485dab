"""Finding enterprises by what other datasets hold: a credit code, a printed name in any variant.

Chinese company names reach us in many printings of one name: full- or half-width brackets, stray
spaces, 股份有限公司 for 有限公司 after a change of legal form, an English name. The index keys each
name three ways (exact printing normalised by ``ontology.names.normalise_name``; its *core* without
the company-form suffix and punctuation; character bigrams for fuzzy recall) and scores candidates
so that a tie stays a tie: callers report ties and never pick one by guess.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.names import InvalidUSCC, normalise_name, validate_uscc
from ontology.namespaces import LG, RDF, RDFS, SKOS
from ontology.rdf import node
from ontology.store import GraphStore
from server.name_keys import batch_ordinal, bigrams, core_name, core_region, looks_like_uscc
from server.store_results import Term

EXACT, FORMER, CORE, FUZZY_MAX = 95.0, 88.0, 90.0, 75.0
MATCH_AT, MATCH_MARGIN = 90.0, 5.0
FUZZY_POOL, FUZZY_COMMON = 50, 200

__all__ = ["Candidate", "Entry", "NameIndex", "core_name", "looks_like_uscc"]


@dataclass
class Entry:
    """One enterprise as matching sees it."""

    iri: str
    key: str
    names: list[str] = field(default_factory=list)
    english: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    uscc: str = ""
    regions: list[str] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)  # the regions' local identifiers
    region_keys: set[str] = field(default_factory=set)
    batches: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return (self.names or self.english or self.former or [self.key])[0]


@dataclass(frozen=True)
class Candidate:
    """A scored candidate; ``match`` is set only for a clear winner."""

    entry: Entry
    score: float
    match: bool
    why: str


class NameIndex:
    """Every enterprise's names, credit code, regions and batches, keyed for lookup and matching."""

    def __init__(self, entries: Iterable[Entry], iris: Iris) -> None:
        self.iris = iris
        self.entries: dict[str, Entry] = {e.iri: e for e in entries}
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.former: dict[str, set[str]] = defaultdict(set)
        self.core: dict[str, set[str]] = defaultdict(set)
        self.grams: dict[str, set[str]] = defaultdict(set)
        self.gram_sets: dict[str, list[set[str]]] = defaultdict(list)
        self.uscc: dict[str, str] = {}
        prefixes: list[tuple[str, str, str]] = []
        for e in self.entries.values():
            for printed in (*e.names, *e.english):
                key = normalise_name(printed)
                self.exact[key].add(e.iri)
                prefixes.append((key, e.iri, printed))
            for printed in e.former:
                self.former[normalise_name(printed)].add(e.iri)
            for printed in (*e.names, *e.english, *e.former):
                core = core_name(printed)
                if core:
                    self.core[core].add(e.iri)
                    grams = bigrams(core)
                    self.gram_sets[e.iri].append(grams)
                    for gram in grams:
                        self.grams[gram].add(e.iri)
            if e.uscc:
                self.uscc[e.uscc] = e.iri
        prefixes.sort()
        self._prefixes = prefixes
        self._prefix_keys = [p[0] for p in prefixes]

    @classmethod
    def build(cls, store: GraphStore, iris: Iris) -> NameIndex:
        """Read every enterprise's names, code, regions (with labels) and batch ordinals.

        Pattern lookups, not SPARQL: at 20k enterprises a query's row iteration alone costs
        seconds, and an index build blocks the first reconciliation after each commit.
        """

        def objects(prop: str) -> Iterator[tuple[str, Term]]:
            for q in store.quads(None, node(prop), None, None):
                if not isinstance(q.subject, ox.Triple) and not isinstance(q.object, ox.Triple):
                    yield q.subject.value, q.object

        entries = {
            q.subject.value: Entry(q.subject.value, _local(iris, q.subject.value))
            for q in store.quads(None, node(RDF.type), node(LG.Enterprise), None)
            if isinstance(q.subject, ox.NamedNode)
        }
        for prop, attr in (
            (LG.legalName, "names"),
            (LG.englishName, "english"),
            (LG.formerName, "former"),
        ):
            for subject, obj in objects(prop):
                if subject in entries and isinstance(obj, ox.Literal):
                    target = getattr(entries[subject], attr)
                    if obj.value not in target:
                        target.append(obj.value)
        for subject, obj in objects(LG.uscc):
            if subject in entries and isinstance(obj, ox.Literal):
                entries[subject].uscc = obj.value
        region_keys: dict[str, set[str]] = {}
        for subject, obj in objects(LG.reportingRegion):
            if subject not in entries or not isinstance(obj, ox.NamedNode):
                continue
            e, r = entries[subject], obj.value
            if r not in region_keys:
                region_keys[r] = _region_keys_of(store, iris, obj)
            if r not in e.regions:
                e.regions.append(r)
                e.region_codes.append(_local(iris, r))
            e.region_keys |= region_keys[r]
        holder = {d: e.value for d, e in objects(LG.holder) if isinstance(e, ox.NamedNode)}
        ordinals = {b: o.value for b, o in objects(LG.ordinal) if isinstance(o, ox.Literal)}
        for d, b in objects(LG.batch):
            held_by = entries.get(holder.get(d, ""))
            if held_by is not None and isinstance(b, ox.NamedNode):
                held_by.batches.add(b.value)
                if b.value in ordinals:
                    held_by.batches.add(ordinals[b.value])
        return cls(entries.values(), iris)

    # -- lookups
    def by_uscc(self, code: str) -> Entry | None:
        iri = self.uscc.get(code)
        return self.entries[iri] if iri else None

    def by_name(self, name: str, region: str | None = None) -> list[Entry]:
        """Enterprises whose name (current, English or former) normalises like ``name``."""
        key = normalise_name(name)
        iris = self.exact.get(key, set()) | self.former.get(key, set())
        found = [self.entries[i] for i in iris]
        if region:
            wanted = self.region_keys(region)
            found = [e for e in found if e.region_keys & wanted]
        return sorted(found, key=lambda e: e.key)

    def suggest(self, prefix: str, limit: int = 10, cursor: int = 0) -> list[tuple[Entry, str]]:
        """Names starting with ``prefix`` (normalised), each enterprise once, in name order."""
        key = normalise_name(prefix)
        if not key:
            return []
        start = bisect.bisect_left(self._prefix_keys, key)
        out: list[tuple[Entry, str]] = []
        seen: set[str] = set()
        for norm, iri, printed in self._prefixes[start:]:
            if not norm.startswith(key):
                break
            if iri in seen:
                continue
            seen.add(iri)
            out.append((self.entries[iri], printed))
        return out[cursor : cursor + limit]

    # -- reconciliation
    def candidates(
        self, query: str, hints: Mapping[str, list[str]] | None = None, limit: int = 5
    ) -> list[Candidate]:
        """Score enterprises for a query string and property hints; ties get no ``match``."""
        hints = hints or {}
        scores: dict[str, tuple[float, str]] = {}

        def offer(iri: str, score: float, why: str) -> None:
            if iri not in scores or scores[iri][0] < score:
                scores[iri] = (score, why)

        codes = [*hints.get("uscc", [])]
        if looks_like_uscc(query):
            codes.append(query)
        for code in codes:
            try:
                compact = validate_uscc(code)
            except InvalidUSCC:
                continue
            if compact in self.uscc:
                offer(self.uscc[compact], 100.0, "credit code")
        q = query.strip()
        if q and not looks_like_uscc(q):
            key = normalise_name(q)
            for iri in self.exact.get(key, ()):
                offer(iri, EXACT, "name")
            for iri in self.former.get(key, ()):
                offer(iri, FORMER, "former name")
            core = core_name(q)
            for iri in self.core.get(core, ()):
                offer(iri, CORE, "name without company form")
            if core:
                grams = bigrams(core)
                for iri, best in self._similar(grams):
                    offer(iri, round(FUZZY_MAX * best, 1), "similar name")
        results = []
        for iri, (score, why) in scores.items():
            e = self.entries[iri]
            adjusted, notes = self._apply_hints(e, score, hints)
            results.append((adjusted, e.key, iri, why + notes))
        results.sort(key=lambda r: (-r[0], r[1]))
        top = results[0][0] if results else 0.0
        second = results[1][0] if len(results) > 1 else None
        clear = top >= MATCH_AT and (second is None or top - second >= MATCH_MARGIN)
        return [
            Candidate(self.entries[iri], score, clear and i == 0, why)
            for i, (score, _, iri, why) in enumerate(results[:limit])
        ]

    def _similar(self, grams: set[str]) -> list[tuple[str, float]]:
        """Entries whose core names share enough bigrams (Dice ≥ 0.4), best first.

        Bigrams that most names share (科技, 有限) say little and would make every query touch
        every entry, so the rarest bigrams pick a bounded pool that is then scored exactly.
        """
        common = max(FUZZY_COMMON, len(self.entries) // 20)
        rare = [g for g in grams if 0 < len(self.grams.get(g, ())) <= common]
        counts: dict[str, int] = defaultdict(int)
        for gram in rare or grams:
            for iri in self.grams.get(gram, ()):
                counts[iri] += 1
        pool = heapq.nlargest(FUZZY_POOL, counts, key=lambda iri: (counts[iri], iri))
        out = []
        for iri in pool:
            best = max(
                (
                    2 * len(grams & other) / (len(grams) + len(other))
                    for other in self.gram_sets[iri]
                ),
                default=0.0,
            )
            if best >= 0.4:
                out.append((iri, best))
        return out

    def region_keys(self, value: str) -> set[str]:
        """The keys a region hint may match: an IRI, a GB code, a Chinese or English label."""
        value = value.strip()
        return {value, _local(self.iris, value), normalise_name(value), core_region(value)}

    def _apply_hints(
        self, e: Entry, score: float, hints: Mapping[str, list[str]]
    ) -> tuple[float, str]:
        notes = ""
        for value in hints.get("region", []):
            if e.region_keys & self.region_keys(value):
                score += 5
                notes += "; region agrees"
            elif e.region_keys:
                score -= 15
                notes += "; region differs"
        for value in hints.get("batch", []):
            wanted = {value.strip(), _local(self.iris, value.strip()), batch_ordinal(value)}
            if e.batches & wanted:
                score += 3
                notes += "; batch agrees"
            elif e.batches:
                score -= 10
                notes += "; batch differs"
        for value in hints.get("uscc", []):
            try:
                code = validate_uscc(value)
            except InvalidUSCC:
                continue
            if e.uscc and e.uscc != code:
                score -= 30
                notes += "; credit code differs"
        return max(0.0, min(100.0, score)), notes


def _local(iris: Iris, iri: str) -> str:
    """The local identifier of one of our IRIs (``E000001``, ``110000``); other text as it is."""
    parsed = iris.parse(iri)
    return parsed.local if parsed is not None else iri


def _region_keys_of(store: GraphStore, iris: Iris, region: ox.NamedNode) -> set[str]:
    keys = {region.value, _local(iris, region.value)}
    for prop in (SKOS.prefLabel, RDFS.label, LG.gbCode):
        for q in store.quads(region, node(prop), None, None):
            if isinstance(q.object, ox.Literal):
                keys |= {
                    q.object.value,
                    normalise_name(q.object.value),
                    core_region(q.object.value),
                }
    return keys
