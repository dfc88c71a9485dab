"""Property pair constraint components: sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals.

Each compares the values of the path with those of another property of the same focus node;
values that cannot be compared fail the order constraints (COALESCE to false).
https://www.w3.org/TR/shacl/#core-components-property-pairs
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib.term import Node

from ingest.shacl.checks import TARGET
from ingest.shacl.components.base import Context, FocusComponent
from ingest.shacl.sparql_text import term
from ontology.namespaces import SH

Pattern = Callable[[str, str, str, str, str], str]
"""(focus, path, other property, value, other value) -> a pattern with a solution per failure."""


def equals(x: str, path: str, other: str, v: str, _w: str) -> str:
    """A value of one property that the other lacks, either way round."""
    return (
        f"{{ {x} {path} {v} FILTER NOT EXISTS {{ {x} {other} {v} }} }} UNION "
        f"{{ {x} {other} {v} FILTER NOT EXISTS {{ {x} {path} {v} }} }}"
    )


def disjoint(x: str, path: str, other: str, v: str, _w: str) -> str:
    """A value both properties have."""
    return f"{x} {path} {v} . {x} {other} {v} ."


def _ordered(op: str) -> Pattern:
    """A pair of values that is not ``value op other value``."""

    def pattern(x: str, path: str, other: str, v: str, w: str) -> str:
        return f"{x} {path} {v} . {x} {other} {w} . FILTER(!COALESCE({v} {op} {w}, false))"

    return pattern


def _component(name: str, pattern: Pattern) -> FocusComponent:
    def failure(ctx: Context, other: Node, x: str, path: str) -> str:
        return pattern(x, path, term(other), ctx.var("v"), ctx.var("w"))

    def query(ctx: Context, other: Node, path: str) -> str:
        found = pattern("?this", path, term(other), "?value", ctx.var("w"))
        return f"SELECT DISTINCT ?this ?value WHERE {{ {TARGET} {found} }}"

    return FocusComponent(name, failure, query)


FOCUS: dict[Node, FocusComponent] = {
    SH.equals: _component("sh:EqualsConstraintComponent", equals),
    SH.disjoint: _component("sh:DisjointConstraintComponent", disjoint),
    SH.lessThan: _component("sh:LessThanConstraintComponent", _ordered("<")),
    SH.lessThanOrEquals: _component("sh:LessThanOrEqualsConstraintComponent", _ordered("<=")),
}
