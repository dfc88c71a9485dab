"""Value type constraint components: sh:class, sh:datatype, sh:nodeKind.

https://www.w3.org/TR/shacl/#core-components-value-type
"""

from __future__ import annotations

from rdflib.term import Node

from ingest.shacl.components.base import Context, ValueComponent
from ingest.shacl.sparql_text import UnsupportedShape, string, term
from ontology.namespaces import RDF, SH, XSD

_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# Lexical checks for datatypes whose ill-formed values a validator must reject (XSD 1.1 Part 2).
_INTEGER_TYPES: dict[Node, str] = {
    XSD.integer: "",
    XSD.positiveInteger: " && xsd:integer(str({v})) > 0",
    XSD.nonNegativeInteger: " && xsd:integer(str({v})) >= 0",
    XSD.negativeInteger: " && xsd:integer(str({v})) < 0",
    XSD.nonPositiveInteger: " && xsd:integer(str({v})) <= 0",
}
_CASTS: dict[Node, str] = {
    XSD.date: "xsd:date",
    XSD.dateTime: "xsd:dateTime",
    XSD.decimal: "xsd:decimal",
    XSD.boolean: "xsd:boolean",
    XSD.double: "xsd:double",
    XSD.float: "xsd:float",
}
_GYEAR = r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$"


def class_failure(ctx: Context, cls: Node, v: str, _shape: Node) -> str:
    """``v`` is no SHACL instance of ``cls``: no rdf:type that is the class or a subclass."""
    t = ctx.var("t")
    classes = " ".join(ctx.subclasses(cls))
    return f"NOT EXISTS {{ {v} rdf:type {t} . VALUES {t} {{ {classes} }} }}"


def datatype_failure(_ctx: Context, datatype: Node, v: str, _shape: Node) -> str:
    """``v`` is no well-formed literal of ``datatype``."""
    return f"!({datatype_ok(datatype, v)})"


def datatype_ok(datatype: Node, v: str) -> str:
    """``v`` is a literal of ``datatype`` whose lexical form is valid for it."""
    if datatype == RDF.langString:
        return f'isLiteral({v}) && lang({v}) != ""'
    ok = f"isLiteral({v}) && datatype({v}) = {term(datatype)}"
    if datatype in _INTEGER_TYPES:
        ok += f" && COALESCE(isLiteral(xsd:integer(str({v})))"
        ok += _INTEGER_TYPES[datatype].format(v=v) + ", false)"
    elif datatype in _CASTS:
        ok += f" && COALESCE(isLiteral({_CASTS[datatype]}(str({v}))), false)"
    elif datatype == XSD.gYear:
        ok += f" && regex(str({v}), {string(_GYEAR)})"
    return ok


def node_kind_failure(_ctx: Context, kind: Node, v: str, _shape: Node) -> str:
    """``v`` is not of the node kind ``kind``.

    Raises:
        UnsupportedShape: ``kind`` is none of SHACL's six node kinds.
    """
    if kind not in _NODE_KINDS:
        raise UnsupportedShape(f"sh:nodeKind {kind}")
    return "!" + _NODE_KINDS[kind].format(v=v)


VALUE: dict[Node, ValueComponent] = {
    SH["class"]: ValueComponent("sh:ClassConstraintComponent", class_failure),
    SH.datatype: ValueComponent("sh:DatatypeConstraintComponent", datatype_failure),
    SH.nodeKind: ValueComponent("sh:NodeKindConstraintComponent", node_kind_failure),
}
