"""Finding enterprises by what other datasets hold: a credit code, a printed name in any variant.

Chinese company names reach us in many printings of one name: full- or half-width brackets, stray
spaces, 股份有限公司 for 有限公司 after a change of legal form, an English name. The index keys each
name three ways (exact printing normalised by ``ontology.names.normalise_name``; its *core* without
the company-form suffix and punctuation; character bigrams for fuzzy recall and parts of names)
and scores candidates so that a tie stays a tie: callers report ties and never pick one by guess.

``match`` (which OpenRefine accepts unseen) is claimed only for certainty: the firm's credit code,
or its current legal or English name up to bracket width, spaces, character width and Latin case,
legal form included — and then only when no other firm has that name and no hint contradicts it
(a planned city lies within its province). Another legal form, no legal form, a former name, a
short name, a name with text around it, a misspelling: candidates, ranked, with ``match: false``.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.names import InvalidUSCC, normalise_name, split_name_notes, validate_uscc
from ontology.namespaces import LG, RDF, RDFS, SKOS
from ontology.rdf import node
from ontology.store import GraphStore
from server.name_keys import batch_ordinal, bigrams, core_name, core_region, looks_like_uscc
from server.store_results import Term

CODE, EXACT, NOTED, CORE, FORMER, FUZZY_MAX, PART = 100.0, 95.0, 92.0, 85.0, 85.0, 75.0, 70.0
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

    def __init__(
        self, entries: Iterable[Entry], iris: Iris, expansions: Mapping[str, set[str]] | None = None
    ) -> None:
        self.iris = iris
        self.entries: dict[str, Entry] = {e.iri: e for e in entries}
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.former: dict[str, set[str]] = defaultdict(set)
        self.core: dict[str, set[str]] = defaultdict(set)
        self.grams: dict[str, set[str]] = defaultdict(set)
        self.gram_sets: dict[str, list[set[str]]] = defaultdict(list)
        self.cores: dict[str, list[str]] = defaultdict(list)
        self.uscc: dict[str, str] = {}
        # a region's keys -> its own and its province's: a 宁波市 hint agrees with 浙江省 firms
        self.region_expansion: dict[str, set[str]] = dict(expansions or {})
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
                    self.cores[e.iri].append(core)
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
        expansions: dict[str, set[str]] = {}
        for subject, obj in objects(LG.reportingRegion):
            if subject not in entries or not isinstance(obj, ox.NamedNode):
                continue
            e, r = entries[subject], obj.value
            if r not in region_keys:
                own = _region_keys_of(store, iris, obj)
                region_keys[r] = own | _province_keys(store, iris, obj)
                for key in own:
                    expansions.setdefault(key, set()).update(region_keys[r])
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
        return cls(entries.values(), iris, expansions)

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
        """Score enterprises for a query string and property hints; ``match`` only for the one
        firm a credit code or the exact name (legal form included) certainly names."""
        hints = hints or {}
        scores: dict[str, tuple[float, str]] = {}
        certain: set[str] = set()
        by_code: set[str] = set()

        def offer(iri: str, score: float, why: str, sure: bool = False) -> None:
            if sure:
                (by_code if why == "credit code" else certain).add(iri)
            if iri not in scores or scores[iri][0] < score:
                scores[iri] = (score, why)

        for code in [*hints.get("uscc", []), *([query] if looks_like_uscc(query) else [])]:
            try:
                compact = validate_uscc(code)
            except InvalidUSCC:
                continue
            if compact in self.uscc:
                offer(self.uscc[compact], CODE, "credit code", sure=True)
        q = query.strip()
        if q and not looks_like_uscc(q):
            self._name_candidates(q, offer)
        certain = by_code or certain  # a credit code decides over a name two firms share
        results = []
        for iri, (score, why) in scores.items():
            adjusted, notes, against = self._apply_hints(self.entries[iri], score, hints)
            if against:
                certain.discard(iri)
            results.append((adjusted, self.entries[iri].key, iri, why + notes))
        results.sort(key=lambda r: (-r[0], r[1]))
        sure = len(certain) == 1 and bool(results) and results[0][2] in certain
        return [
            Candidate(self.entries[iri], score, sure and i == 0, why)
            for i, (score, _, iri, why) in enumerate(results[:limit])
        ]

    def _name_candidates(self, q: str, offer: Callable[..., None]) -> None:
        """Offer every enterprise the printed name ``q`` may mean, most certain first."""
        key = normalise_name(q)
        parts = split_name_notes(q)
        noted = parts.name != q.strip()
        for iri in self.exact.get(key, ()):
            offer(iri, EXACT, "name", sure=True)
        if (
            noted
        ):  # 宇恒电池有限公司（原名：…）: the name is the firm's, the query as a whole is not
            for iri in self.exact.get(normalise_name(parts.name), ()):
                offer(iri, NOTED, "name with a note after it")
            for former in parts.former_names:
                folded = normalise_name(former)
                for iri in self.exact.get(folded, set()) | self.former.get(folded, set()):
                    offer(iri, FORMER - 5, "the note's former name")
        for iri in self.former.get(key, ()):
            offer(iri, FORMER, "former name")
        core = core_name(parts.name)
        for iri in self.core.get(core, ()):
            offer(iri, CORE, "name in another company form, or without one")
        if not core:
            return
        grams = bigrams(core)
        for iri, best in self._similar(grams):
            offer(iri, round(FUZZY_MAX * best, 1), "similar name")
        for iri, share in self._parts(core, grams):
            offer(iri, round(PART * share, 1), "part of a name, or a name with text around it")

    def _parts(self, core: str, grams: set[str]) -> list[tuple[str, float]]:
        """Entries whose core contains the query's (a short name) or lies inside it (a name with
        a verb or a count glued on), with how much of the longer the shorter covers."""
        counts: dict[str, int] = defaultdict(int)
        for gram in grams:
            for iri in self.grams.get(gram, ()):
                counts[iri] += 1
        pool = heapq.nlargest(FUZZY_POOL, counts, key=lambda iri: (counts[iri], iri))
        out = []
        for iri in pool:
            for other in self.cores[iri]:
                shorter, longer = sorted((core, other), key=len)
                if len(shorter) >= 2 and shorter in longer and shorter != longer:
                    out.append((iri, 0.6 + 0.4 * len(shorter) / len(longer)))
                    break
        return out

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
        """The keys a region hint may match: an IRI, a GB code, a Chinese or English label, and
        those of its province when it names a planned city."""
        value = value.strip()
        keys = {value, _local(self.iris, value), normalise_name(value), core_region(value)}
        return keys.union(*(self.region_expansion.get(k, set()) for k in keys))

    def _apply_hints(
        self, e: Entry, score: float, hints: Mapping[str, list[str]]
    ) -> tuple[float, str, bool]:
        """The score with the hints weighed; whether any hint speaks against the firm."""
        notes, against = "", False
        for value in hints.get("region", []):
            if e.region_keys & self.region_keys(value):
                score += 5
                notes += "; region agrees"
            elif e.region_keys:
                score -= 15
                notes += "; region differs"
                against = True
        for value in hints.get("batch", []):
            wanted = {value.strip(), _local(self.iris, value.strip()), batch_ordinal(value)}
            if e.batches & wanted:
                score += 3
                notes += "; batch agrees"
            elif e.batches:
                score -= 10
                notes += "; batch differs"
                against = True
        for value in hints.get("uscc", []):
            try:
                code = validate_uscc(value)
            except InvalidUSCC:
                continue
            if e.uscc and e.uscc != code:
                score -= 30
                notes += "; credit code differs"
                against = True
        return max(0.0, min(100.0, score)), notes, against


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


def _province_keys(store: GraphStore, iris: Iris, region: ox.NamedNode) -> set[str]:
    """The keys of the province a planned city lies within (none for a province itself)."""
    keys: set[str] = set()
    for q in store.quads(region, node(LG.withinProvince), None, None):
        if isinstance(q.object, ox.NamedNode):
            keys |= _region_keys_of(store, iris, q.object)
    return keys
