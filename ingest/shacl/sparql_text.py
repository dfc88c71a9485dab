"""SPARQL text written from the terms of a shapes graph, and the error for what cannot be.

pyoxigraph's N-Triples form of a term is valid SPARQL, escapes included, so terms are written
through it rather than by hand.
https://www.w3.org/TR/sparql11-query/#grammar
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node


class UnsupportedShape(ValueError):  # noqa: N818 - reads as the rule it reports
    """A shape uses a construct the gate cannot compile; raised when the gate is built."""


def term(node: Node) -> str:
    """An rdflib IRI or literal as SPARQL text.

    Raises:
        UnsupportedShape: ``node`` is a blank node, which a query cannot name.
    """
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        if node.datatype:
            return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype))))
        return str(ox.Literal(str(node)))
    raise UnsupportedShape(f"a blank node cannot be a constraint value: {node}")


def string(text: str) -> str:
    """A plain string literal as SPARQL text (a regex, flags, a language range)."""
    return term(Literal(text))


def union(patterns: Iterable[str]) -> str:
    """Group patterns joined by UNION: a solution of any one is a solution."""
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


def values(iris: Iterable[str]) -> str:
    """A VALUES clause binding ?this to the given IRIs."""
    return "VALUES ?this { " + " ".join(str(ox.NamedNode(f)) for f in iris) + " }"
