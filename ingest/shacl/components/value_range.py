"""Value range constraint components: sh:minExclusive, sh:minInclusive, sh:maxExclusive,
sh:maxInclusive. A value that cannot be compared with the bound fails (COALESCE to false).

https://www.w3.org/TR/shacl/#core-components-range
"""

from __future__ import annotations

from rdflib.term import Node

from ingest.shacl.components.base import Context, ValueComponent, ValueFailure
from ingest.shacl.sparql_text import term
from ontology.namespaces import SH


def _within(op: str) -> ValueFailure:
    """The failure of a bound that a value must satisfy as ``value op bound``."""

    def failure(_ctx: Context, bound: Node, v: str, _shape: Node) -> str:
        return f"!COALESCE({v} {op} {term(bound)}, false)"

    return failure


VALUE: dict[Node, ValueComponent] = {
    SH.minExclusive: ValueComponent("sh:MinExclusiveConstraintComponent", _within(">")),
    SH.minInclusive: ValueComponent("sh:MinInclusiveConstraintComponent", _within(">=")),
    SH.maxExclusive: ValueComponent("sh:MaxExclusiveConstraintComponent", _within("<")),
    SH.maxInclusive: ValueComponent("sh:MaxInclusiveConstraintComponent", _within("<=")),
}
