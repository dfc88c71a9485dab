"""Other constraint components: sh:in, sh:hasValue. (sh:closed is not supported.)

https://www.w3.org/TR/shacl/#core-components-others
"""

from __future__ import annotations

from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from ingest.shacl.checks import TARGET
from ingest.shacl.components.base import Context, FocusComponent, ValueComponent
from ingest.shacl.sparql_text import term
from ontology.namespaces import SH


def in_failure(ctx: Context, members: Node, v: str, _shape: Node) -> str:
    """``v`` is none of the terms of the RDF list ``members``."""
    terms = [term(m) for m in RdfList(ctx.shapes, members)]
    if not terms:
        return "true"
    return "!(" + " || ".join(f"sameTerm({v}, {m})" for m in terms) + ")"


def has_value_failure(_ctx: Context, value: Node, x: str, path: str) -> str:
    """``x`` does not have ``value`` among the values of ``path``."""
    return f"FILTER NOT EXISTS {{ {x} {path} {term(value)} }}"


def _has_value_query(ctx: Context, value: Node, path: str) -> str:
    return (
        f"SELECT DISTINCT ?this WHERE {{ {TARGET} {has_value_failure(ctx, value, '?this', path)} }}"
    )


def _is_not(value: Node, x: str) -> str:
    """On a node shape: the focus node is not ``value``."""
    return f"!sameTerm({x}, {term(value)})"


VALUE: dict[Node, ValueComponent] = {
    SH["in"]: ValueComponent("sh:InConstraintComponent", in_failure),
}
FOCUS: dict[Node, FocusComponent] = {
    SH.hasValue: FocusComponent(
        "sh:HasValueConstraintComponent", has_value_failure, _has_value_query, _is_not
    ),
}
