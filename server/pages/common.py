"""What every page needs: labels and links in the reader's language, rows of queries, statements.

Labels come from the store (``rdfs:label``, ``skos:prefLabel``, names, titles), so the
ontology's own terms (statuses, event kinds, tiers) are labelled by the ontology graph that
``littlegiant build`` loads from ``ontology/lg.ttl``, never by Python tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.namespaces import LG, RDF
from ontology.store import GraphStore
from server.describe import Description, label_map, pick
from server.links import Links
from server.prefixes import PROLOGUE, curie
from server.store_results import strings

LIST_LIMIT = 2000  # rows a page lists before pointing to the paged API
_LG = str(LG)


@dataclass(frozen=True)
class Link:
    """A resource as a page shows it: its label and where it lives (a path for ours)."""

    iri: str
    label: str
    href: str


class PageContext:
    """Labels and links for one page in one language."""

    def __init__(self, store: GraphStore, urls: Links | Iris, lang: str) -> None:
        """``urls``: where the page's links point; bare ``Iris``, links relative to this host."""
        urls = urls if isinstance(urls, Links) else Links("", urls)
        self.store, self.urls, self.iris, self.lang = store, urls, urls.iris, lang
        self.labels: dict[str, dict[str, list[str]]] = {}

    def load(self, iris: Iterable[str]) -> None:
        """Fetch the labels of ``iris`` not fetched yet (one pass for a page's links)."""
        missing = [i for i in iris if i not in self.labels]
        if missing:
            self.labels.update(label_map(self.store, missing))

    def link(self, iri: str) -> Link:
        self.load([iri])
        return Link(iri, pick(self.labels.get(iri), self.lang, self.short(iri)), self.href(iri))

    def links(self, iris: Iterable[str]) -> list[Link]:
        """Links to each of ``iris`` once, sorted by label."""
        unique = list(dict.fromkeys(iris))
        self.load(unique)
        return sorted((self.link(i) for i in unique), key=lambda link: link.label)

    def label(self, iri: str) -> str:
        return self.link(iri).label

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` points: our path, the ontology's anchor, or the IRI itself."""
        rel = self.iris.relative(iri)
        if rel is not None:
            return rel
        if iri.startswith(_LG):
            return "/ontology#" + iri[len(_LG) :]
        return iri

    def short(self, iri: str) -> str:
        """A name for an IRI without a label: its CURIE, its local identifier, or itself."""
        parsed = self.iris.parse(iri)
        return curie(iri) or (parsed.local if parsed else iri)

    def rows(self, sparql: str) -> list[dict[str, str]]:
        """The solutions of a SELECT (every server prefix declared), as lexical values."""
        return strings(self.store, PROLOGUE + sparql)

    def page_url(self, iri: str) -> str:
        """The HTML page of one of our IRIs in this page's language, on the serving host
        (other IRIs are their own page)."""
        return self.urls.page(iri, self.lang)


def statements(ctx: PageContext, desc: Description) -> list[dict[str, object]]:
    """Every statement of the description, as (predicate, value) cells with labels."""
    ctx.load(
        t.object.value
        for t in desc.triples
        if isinstance(t.object, ox.NamedNode) and t.predicate.value != str(RDF.type)
    )
    out: list[dict[str, object]] = []
    for t in desc.triples:
        if isinstance(t.subject, ox.Triple):
            continue  # quoted triples (RDF-star) are not part of our data
        incoming = t.subject.value != desc.iri
        predicate = t.predicate.value
        cell: dict[str, object] = {
            "predicate": Link(predicate, ctx.short(predicate), ctx.href(predicate)),
            "incoming": incoming,
        }
        value = t.subject if incoming else t.object
        if isinstance(value, ox.NamedNode):
            cell["link"] = ctx.link(value.value)
        elif isinstance(value, ox.Literal):
            cell["text"] = value.value
            cell["lang"] = value.language or ""
        elif isinstance(value, ox.BlankNode):
            cell["text"] = "_:" + value.value
        if isinstance(t.subject, ox.BlankNode):
            cell["blank"] = True
        out.append(cell)
    return out


def first_literal(desc: Description, predicate: str, lang: str | None = None) -> str:
    """The first literal of the predicate, in ``lang`` when there is one in it."""
    values = [o for o in desc.objects(predicate) if isinstance(o, ox.Literal)]
    if lang is not None:
        values = [o for o in values if o.language == lang] or values
    return values[0].value if values else ""
