"""Building triples fast: pyoxigraph terms made from our rdflib vocabulary, without rdflib graphs.

rdflib's Graph costs several microseconds a triple; a 20,000-enterprise list is ~400k triples and
must parse, validate and load within seconds, so builders append pyoxigraph triples directly.
Ingest builds its source graphs with these; the server can build the triples it answers with them
too, which is why they live here rather than in either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache

import pyoxigraph as ox
from rdflib import URIRef

from ontology.namespaces import RDF, XSD

Subject = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal


@lru_cache(maxsize=65536)
def node(iri: str) -> ox.NamedNode:
    """A pyoxigraph IRI for an rdflib URIRef or a string."""
    return ox.NamedNode(str(iri))


_XSD_DATE = node(XSD.date)
_XSD_DATETIME = node(XSD.dateTime)
_XSD_GYEAR = node(XSD.gYear)
_RDF_TYPE = node(RDF.type)


def text(value: str, lang: str | None = None) -> ox.Literal:
    """A plain string, or a language-tagged one."""
    return ox.Literal(value, language=lang) if lang else ox.Literal(value)


def typed(value: object, datatype: URIRef | str) -> ox.Literal:
    """A literal with an explicit XSD datatype (dates, counts, years)."""
    return ox.Literal(str(value), datatype=node(datatype))


def date(value: dt.date) -> ox.Literal:
    """An ``xsd:date``."""
    return ox.Literal(value.isoformat(), datatype=_XSD_DATE)


def datetime(value: dt.datetime) -> ox.Literal:
    """An ``xsd:dateTime`` (with the offset the value carries)."""
    return ox.Literal(value.isoformat(), datatype=_XSD_DATETIME)


def gyear(value: int) -> ox.Literal:
    """An ``xsd:gYear``, four digits."""
    return ox.Literal(f"{value:04d}", datatype=_XSD_GYEAR)


class GraphBuilder:
    """Collects the triples of one source graph."""

    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []

    def add(self, s: Subject | URIRef | str, p: URIRef | str, o: Term | URIRef | str) -> None:
        """Add one triple; IRIs may be given as rdflib URIRefs (strings are IRIs too)."""
        self.triples.append(ox.Triple(_as_node(s), node(p), _as_term(o)))

    def type(self, s: Subject | URIRef | str, *classes: URIRef) -> None:
        """State ``s rdf:type c`` for each class."""
        for c in classes:
            self.add(s, RDF.type, c)

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)

    def subjects(self) -> set[str]:
        """IRIs of every named subject: the focus nodes a validation of this graph starts from."""
        return {t.subject.value for t in self.triples if isinstance(t.subject, ox.NamedNode)}


def _as_node(s: Subject | URIRef | str) -> Subject:
    if isinstance(s, ox.NamedNode | ox.BlankNode):
        return s
    return node(s)


def _as_term(o: Term | URIRef | str) -> Term:
    if isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal):
        return o
    return node(o)
