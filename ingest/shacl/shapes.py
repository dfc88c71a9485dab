"""Reading the shapes graph: which nodes are shapes, their paths, names and messages.

https://www.w3.org/TR/shacl/#constraints-section
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import IdentifiedNode, Node

from ingest.shacl.report import SEVERITIES, Severity, compact
from ingest.shacl.sparql_text import UnsupportedShape, term
from ontology.namespaces import RDF, SH

# Shape predicates that carry no constraint: targets, structure, documentation.
NON_CONSTRAINTS = {
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.path,
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.flags,
    SH.prefixes,
    SH.declare,
}
# https://www.w3.org/TR/shacl/#property-paths: the SPARQL form of each SHACL path form
_UNARY_PATHS = (
    (SH.inversePath, "^{}"),
    (SH.zeroOrMorePath, "{}*"),
    (SH.oneOrMorePath, "{}+"),
    (SH.zeroOrOnePath, "{}?"),
)


def load_shapes(shapes_dir: Path) -> Graph:
    """Every ``*.ttl`` of the shapes directory in one rdflib graph.

    Raises:
        FileNotFoundError: the directory holds no ``*.ttl``.
    """
    g = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no shapes (*.ttl) in {shapes_dir}")
    for f in files:
        g.parse(f, format="turtle")
    return g


def all_shapes(g: Graph) -> set[Node]:
    """Every node of the graph that is a shape: declared, targeted, or used as one.

    https://www.w3.org/TR/shacl/#shapes
    """
    shapes: set[Node] = set()
    shapes |= set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path):
        shapes |= set(g.subjects(p, None))
    shapes |= set(g.objects(None, SH.property)) | set(g.objects(None, SH.node))
    shapes |= set(g.objects(None, SH["not"]))
    for p in (SH["or"], SH["and"], SH.xone):
        for lst in g.objects(None, p):
            shapes |= set(RdfList(g, lst))
    return shapes


def deactivated(g: Graph, shape: Node) -> bool:
    """Whether ``sh:deactivated true`` switches the shape off (https://www.w3.org/TR/shacl/#deactivated)."""
    value = g.value(shape, SH.deactivated)
    return isinstance(value, Literal | IdentifiedNode) and bool(value.toPython()) is True


def path_string(g: Graph, node: Node) -> str:
    """A SHACL property path as a SPARQL property path (also its name in results).

    Raises:
        UnsupportedShape: the node is no SHACL path.
    """
    if isinstance(node, URIRef):
        return term(node)
    if (node, RDF.first, None) in g:
        return "(" + "/".join(path_string(g, m) for m in RdfList(g, node)) + ")"
    for pred, fmt in _UNARY_PATHS:
        inner = g.value(node, pred)
        if inner is not None:
            text = path_string(g, inner)
            return fmt.format(text if isinstance(inner, URIRef) else f"({text})")
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_string(g, m) for m in RdfList(g, alt)) + ")"
    raise UnsupportedShape(f"unsupported property path {node}")


def shape_id(g: Graph, shape: Node) -> str:
    """A stable name for a shape: its IRI, or for a blank node its parent shape and path.

    Blank-node labels differ between parses; this name is the same in both engines' reports.
    """
    if isinstance(shape, URIRef):
        return str(shape)
    path = g.value(shape, SH.path)
    parent = g.value(None, SH.property, shape)
    base = shape_id(g, parent) if parent is not None else "_"
    name = f"{base}/property[{path_string(g, path)}]" if path is not None else f"{base}/node"
    siblings = [
        s
        for s in (g.objects(parent, SH.property) if parent is not None else ())
        if g.value(s, SH.path) == path
    ]
    if len(siblings) > 1 or parent is None:
        name += "#" + _content_digest(g, shape)
    return name


def _content_digest(g: Graph, node: Node) -> str:
    parts = sorted(
        f"{p} {o if not isinstance(o, BNode) else _content_digest(g, o)}"
        for p, o in g.predicate_objects(node)
    )
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:8]  # noqa: S324 - a name


def message(g: Graph, node: Node) -> str | None:
    """The node's ``sh:message``, the English one first (any other in a stable order)."""
    found = sorted(g.objects(node, SH.message), key=_english_first)
    return str(found[0]) if found else None


def _english_first(m: Node) -> tuple[bool, Node]:
    return (not isinstance(m, Literal) or m.language != "en", m)


def severity_of(g: Graph, node: Node) -> Severity | None:
    """The node's ``sh:severity`` (``sh:Violation`` when it has none); None if it is unknown."""
    return SEVERITIES.get(g.value(node, SH.severity, default=SH.Violation) or SH.Violation)


def default_message(pred: Node, obj: Node, g: Graph) -> str:
    """The message of a result whose shape has none: the constraint and its parameter."""
    if isinstance(obj, BNode) and (obj, RDF.first, None) in g:
        members = (
            compact(str(m)) if not isinstance(m, BNode) else "[shape]" for m in RdfList(g, obj)
        )
        shown = "(" + " ".join(members) + ")"
    elif isinstance(obj, BNode):
        shown = "[shape]"
    else:
        shown = compact(str(obj))
    return f"fails {compact(str(pred))} {shown}"
