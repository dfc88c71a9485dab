"""Logical constraint components: sh:not, sh:and, sh:or, sh:xone.

Each value is checked against the member shapes through their failure patterns: a value
conforms to a shape exactly when the shape's failure pattern has no solution for it.
https://www.w3.org/TR/shacl/#core-components-logical
"""

from __future__ import annotations

from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from ingest.shacl.components.base import Context, ValueComponent
from ontology.namespaces import SH


def not_failure(ctx: Context, shape: Node, v: str, _shape: Node) -> str:
    """``v`` conforms to ``shape``."""
    return f"NOT EXISTS {{ {ctx.failure(shape, v)} }}"


def and_failure(ctx: Context, shapes: Node, v: str, _shape: Node) -> str:
    """``v`` fails some shape of the list."""
    return "(" + (" || ".join(_member_failures(ctx, shapes, v)) or "false") + ")"


def or_failure(ctx: Context, shapes: Node, v: str, _shape: Node) -> str:
    """``v`` fails every shape of the list."""
    return "(" + (" && ".join(_member_failures(ctx, shapes, v)) or "true") + ")"


def xone_failure(ctx: Context, shapes: Node, v: str, _shape: Node) -> str:
    """``v`` conforms to no shape of the list, or to more than one."""
    conforming = " + ".join(f"IF({f}, 0, 1)" for f in _member_failures(ctx, shapes, v)) or "0"
    return f"(({conforming}) != 1)"


def _member_failures(ctx: Context, shapes: Node, v: str) -> list[str]:
    """For each shape of the RDF list ``shapes``, an expression true when ``v`` fails it."""
    return [f"EXISTS {{ {ctx.failure(m, v)} }}" for m in RdfList(ctx.shapes, shapes)]


VALUE: dict[Node, ValueComponent] = {
    SH["not"]: ValueComponent("sh:NotConstraintComponent", not_failure),
    SH["and"]: ValueComponent("sh:AndConstraintComponent", and_failure),
    SH["or"]: ValueComponent("sh:OrConstraintComponent", or_failure),
    SH.xone: ValueComponent("sh:XoneConstraintComponent", xone_failure),
}
