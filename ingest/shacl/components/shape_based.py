"""Shape-based constraint components: sh:node (and sh:property).

``sh:property`` needs no fragment of its own: a property shape is compiled as a shape whose
focus nodes are those of its parents, and inside a nested shape its failure pattern is one
branch of the parent's. ``sh:qualifiedValueShape`` is not supported.
https://www.w3.org/TR/shacl/#core-components-shape
"""

from __future__ import annotations

from rdflib.term import Node

from ingest.shacl.components.base import Context, ValueComponent
from ontology.namespaces import SH


def node_failure(ctx: Context, shape: Node, v: str, _shape: Node) -> str:
    """``v`` fails ``shape``."""
    return f"EXISTS {{ {ctx.failure(shape, v)} }}"


VALUE: dict[Node, ValueComponent] = {
    SH.node: ValueComponent("sh:NodeConstraintComponent", node_failure),
}
