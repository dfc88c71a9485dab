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

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.names import PlacePrefixes, normalise_name
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
_SEPARATOR = "\0"  # between the forms of the index's text: no name holds it


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
        self._places = PlacePrefixes(plain(p) for p in places)
        for firm in self.firms:
            for printed in firm.names:
                for form in dict.fromkeys((plain(printed), unbracketed(printed))):
                    if form:
                        firm.forms.append((form, printed))
        # every form in one text, so that a query's occurrences are found by str.find (C speed)
        # and only the forms holding it are scored: a query costs in proportion to its hits
        self._owners = [
            _Form(firm, form, printed, self._places.strip(form))
            for firm in self.firms
            for form, printed in firm.forms
        ]
        # where each form starts in the text, and where one after the last would
        self._starts = list(
            itertools.accumulate((len(o.form) + 1 for o in self._owners), initial=0)
        )
        self._text = _SEPARATOR.join(owner.form for owner in self._owners)
        self._codes = sorted((f.uscc, i) for i, f in enumerate(self.firms) if f.uscc)

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
        q = plain(query).replace(_SEPARATOR, "")
        code = _CODE_CHARS.sub("", query).upper()
        if not q and not code:
            return []
        best: dict[str, Hit] = {}
        for owner in self._holding(q):
            score = _name_score(owner, q)
            held = best.get(owner.firm.key)
            if held is None or score > held.score:
                best[owner.firm.key] = Hit(owner.firm, score, owner.printed)
        for firm, score in self._by_code(code):  # a code outranks any name (100, 95 > 90)
            best[firm.key] = Hit(firm, score, firm.name)
        hits = sorted(best.values(), key=lambda h: (-h.score, len(h.matched), h.firm.key))
        return hits[:limit]

    def _holding(self, q: str) -> Iterator[_Form]:
        """Every form ``q`` occurs in, each once."""
        if not q:
            return
        at = self._text.find(q)
        while at >= 0:
            index = bisect.bisect_right(self._starts, at) - 1
            yield self._owners[index]
            at = self._text.find(q, self._starts[index + 1])  # past the text once at the last

    def _by_code(self, code: str) -> Iterator[tuple[Firm, int]]:
        """The firms whose credit code is ``code`` (100) or starts with it (95: 6 characters on)."""
        if not (code.isalnum() and code.isascii()):
            return
        codes = self._codes  # walked from where the code lands, no further than its matches
        for at in range(bisect.bisect_left(codes, (code, -1)), len(codes)):
            uscc, index = codes[at]
            if uscc == code:
                yield self.firms[index], CODE
            elif len(code) >= CODE_PREFIX_MIN and uscc.startswith(code):
                yield self.firms[index], CODE_START
            else:
                return


@dataclass(frozen=True)
class _Form:
    """A form of a firm's name as search compares it, the name as printed, and the form without
    the place it starts with (itself when it starts with none)."""

    firm: Firm
    form: str
    printed: str
    rest: str


def _name_score(name: _Form, q: str) -> int:
    """How well ``q`` matches a form of a name that holds it (``SearchIndex._holding``)."""
    form = name.form
    if form == q:
        return WHOLE
    if form.startswith(q):
        return START
    return SHORT_START if name.rest != form and name.rest.startswith(q) else INSIDE


def shared_index(state: AppState) -> SearchIndex:
    """The index of the store's current state, built once per state and shared by the routes."""
    return state.generations.get("search-index", lambda: SearchIndex.build(state.store, state.iris))
