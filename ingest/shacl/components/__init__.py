"""The SHACL Core constraint components the gate compiles, by constraint parameter.

One module per section of SHACL §4, as pySHACL lays out its own; ``sparql`` is SHACL-SPARQL
(§5). A parameter in neither table, other than those of ``shapes.NON_CONSTRAINTS`` and
``sh:sparql``, makes the shape unsupported.
https://www.w3.org/TR/shacl/#core-components
"""

from __future__ import annotations

from rdflib.term import Node

from ingest.shacl.components import (
    cardinality,
    logical,
    other,
    property_pair,
    shape_based,
    string_based,
    value_range,
    value_type,
)
from ingest.shacl.components.base import Context, FocusComponent, ValueComponent

VALUE: dict[Node, ValueComponent] = {
    **value_type.VALUE,
    **value_range.VALUE,
    **string_based.VALUE,
    **logical.VALUE,
    **shape_based.VALUE,
    **other.VALUE,
}
FOCUS: dict[Node, FocusComponent] = {
    **cardinality.FOCUS,
    **string_based.FOCUS,
    **property_pair.FOCUS,
    **other.FOCUS,
}

__all__ = ["FOCUS", "VALUE", "Context", "FocusComponent", "ValueComponent"]
