"""Targets: the focus nodes of a shape, as SPARQL patterns binding ``?this``.

``sh:targetClass`` and implicit class targets include the instances of subclasses, by the
``rdfs:subClassOf`` of the ontology and the shapes graph; no other inference is made.
https://www.w3.org/TR/shacl/#targets
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.term import Node

from ingest.shacl.components import Context
from ingest.shacl.shapes import deactivated
from ingest.shacl.sparql_text import term
from ontology.namespaces import OWL, RDF, RDFS, SH

_NODE_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def targets(ctx: Context, shape: Node) -> list[str]:
    """Group patterns binding ?this to the shape's own focus nodes."""
    g = ctx.shapes
    pats = []
    classes = _target_classes(g, shape)
    all_classes = sorted({c for cls in classes for c in ctx.subclasses(cls)})
    if len(all_classes) == 1:
        pats.append(f"?this rdf:type {all_classes[0]} .")
    elif all_classes:
        t = ctx.var("t")
        pats.append(f"?this rdf:type {t} . VALUES {t} {{ {' '.join(all_classes)} }}")
    nodes = sorted(term(n) for n in g.objects(shape, SH.targetNode))
    if nodes:
        pats.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
    for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
        pats.append(f"?this {term(p)} {ctx.var('o')} .")
    for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
        pats.append(f"{ctx.var('s')} {term(p)} ?this .")
    return pats


def target_classes(ctx: Context, shape: Node) -> frozenset[str] | None:
    """The classes whose instances alone can be the shape's focus nodes; None if any node."""
    g = ctx.shapes
    if any((shape, p, None) in g for p in _NODE_TARGETS):
        return None
    return frozenset(c[1:-1] for cls in _target_classes(g, shape) for c in ctx.subclasses(cls))


def _target_classes(g: Graph, shape: Node) -> set[Node]:
    """The shape's sh:targetClass values, and the shape itself if it is a class: an rdfs:Class
    or an owl:Class (https://www.w3.org/TR/shacl/#implicit-targetClass)."""
    classes = set(g.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
        classes.add(shape)
    return classes


def focus_of(ctx: Context, shape: Node) -> tuple[list[str], frozenset[str] | None]:
    """The target patterns and classes of a shape with those of the active shapes it is a
    property shape of: their focus nodes are its focus nodes too."""
    pats = targets(ctx, shape)
    classes = target_classes(ctx, shape)
    for parent in ctx.shapes.subjects(SH.property, shape):
        if not deactivated(ctx.shapes, parent):
            pats += targets(ctx, parent)
            more = target_classes(ctx, parent)
            classes = None if classes is None or more is None else classes | more
    return pats, classes
