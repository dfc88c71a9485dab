"""Finding firms from part of what a reader remembers: a fragment of the name, the short name
without the place, the name with or without its bracketed part, the credit code or its start.

Matching (``server.matching``) decides whether a name *is* one of ours and never guesses; search
ranks everything that *could* be meant, best first, and lets the reader choose:

===== ======================================================================
score  the query (normalised, bracket characters dropped) …
===== ======================================================================
100    is the credit code
 95    is the start of a credit code (6 characters or more)
 90    is a whole name (as printed, or without its bracketed part)
 80    starts a name
 75    starts the name once the place it begins with is taken off (臻迪 → 北京臻迪…)
 60    occurs inside a name
===== ======================================================================

Ties go to the shorter name, then to the key, so the order never depends on the store's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.names import normalise_name
from ontology.namespaces import LG, RDF, SKOS
from ontology.rdf import node
from ontology.store import GraphStore

if TYPE_CHECKING:
    from server.state import AppState

CODE, CODE_START, WHOLE, START, SHORT_START, INSIDE = 100, 95, 90, 80, 75, 60
CODE_PREFIX_MIN = 6
_BRACKETS = re.compile(r"[()（）\[\]【】〔〕]")
_BRACKETED = re.compile(r"[(（\[【〔][^)）\]】〕]*[)）\]】〕]")
_CODE_CHARS = re.compile(r"[\s-]")


def plain(text: str) -> str:
    """A name as search compares it: normalised, bracket characters dropped, content kept."""
    return _BRACKETS.sub("", normalise_name(text))


def unbracketed(text: str) -> str:
    """A name without its bracketed parts (瑞普(天津)生物药业 → 瑞普生物药业)."""
    return plain(_BRACKETED.sub("", normalise_name(text)))


@dataclass
class Firm:
    """One enterprise as search sees it: names, credit code, reporting region, batches."""

    iri: str
    key: str
    names: list[str] = field(default_factory=list)
    uscc: str = ""
    region: str = ""
    batches: list[str] = field(default_factory=list)
    forms: list[tuple[str, str]] = field(default_factory=list)  # (compared form, printed name)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.key


@dataclass(frozen=True)
class Hit:
    """A firm found, how well, and the name that matched."""

    firm: Firm
    score: int
    matched: str


class SearchIndex:
    """Every firm's names in the forms search compares, and the places a name may start with."""

    def __init__(self, firms: list[Firm], places: list[str]) -> None:
        self.firms = sorted(firms, key=lambda f: f.key)
        # longest first, so that 宁波市 is taken off before 宁波
        self.places = sorted({plain(p) for p in places if p}, key=len, reverse=True)
        for firm in self.firms:
            for printed in firm.names:
                for form in dict.fromkeys((plain(printed), unbracketed(printed))):
                    if form:
                        firm.forms.append((form, printed))

    @classmethod
    def build(cls, store: GraphStore, iris: Iris) -> SearchIndex:
        """Read names, codes, regions and batches by pattern lookups (no query per firm)."""

        def objects(prop: str) -> Iterator[tuple[str, ox.NamedNode | ox.Literal]]:
            for q in store.quads(None, node(prop), None, None):
                if isinstance(q.subject, ox.NamedNode) and isinstance(
                    q.object, ox.NamedNode | ox.Literal
                ):
                    yield q.subject.value, q.object

        firms: dict[str, Firm] = {}
        for q in store.quads(None, node(RDF.type), node(LG.Enterprise), None):
            if isinstance(q.subject, ox.NamedNode):
                parsed = iris.parse(q.subject.value)
                key = parsed.local if parsed is not None else q.subject.value
                firms[q.subject.value] = Firm(q.subject.value, key)
        for prop in (LG.legalName, LG.englishName, LG.formerName):
            for subject, obj in objects(prop):
                firm = firms.get(subject)
                if firm is not None and obj.value not in firm.names:
                    firm.names.append(obj.value)
        for subject, obj in objects(LG.uscc):
            if subject in firms:
                firms[subject].uscc = obj.value
        for subject, obj in objects(LG.reportingRegion):
            if subject in firms and isinstance(obj, ox.NamedNode):
                firms[subject].region = obj.value
        holder = {d: e.value for d, e in objects(LG.holder)}
        for d, b in objects(LG.batch):
            firm = firms.get(holder.get(d, ""))
            if firm is not None and b.value not in firm.batches:
                firm.batches.append(b.value)
        places = [
            q.object.value
            for prop in (SKOS.prefLabel, SKOS.altLabel)
            for q in store.quads(None, node(prop), None, None)
            if isinstance(q.object, ox.Literal) and q.object.language == "zh"
        ]
        return cls(list(firms.values()), places)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The firms the query may mean, best first (each firm once, at its best score)."""
        q = plain(query)
        code = _CODE_CHARS.sub("", query).upper()
        if not q and not code:
            return []
        hits = []
        for firm in self.firms:
            hit = self._score(firm, q, code)
            if hit is not None:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, len(h.matched), h.firm.key))
        return hits[:limit]

    def _score(self, firm: Firm, q: str, code: str) -> Hit | None:
        if firm.uscc and code.isalnum() and code.isascii():
            if firm.uscc == code:
                return Hit(firm, CODE, firm.name)
            if len(code) >= CODE_PREFIX_MIN and firm.uscc.startswith(code):
                return Hit(firm, CODE_START, firm.name)
        best: Hit | None = None
        for form, printed in firm.forms:
            score = self._name_score(form, q)
            if score and (best is None or score > best.score):
                best = Hit(firm, score, printed)
        return best

    def _name_score(self, form: str, q: str) -> int:
        if not q:
            return 0
        if form == q:
            return WHOLE
        if form.startswith(q):
            return START
        if q in form:
            rest = self._without_place(form)
            return SHORT_START if rest != form and rest.startswith(q) else INSIDE
        return 0

    def _without_place(self, form: str) -> str:
        for place in self.places:
            if form.startswith(place) and len(form) > len(place):
                return form[len(place) :]
        return form


def shared_index(state: AppState) -> SearchIndex:
    """The index of the store's current state, built once per state and shared by the routes."""
    return state.generations.get("search-index", lambda: SearchIndex.build(state.store, state.iris))
