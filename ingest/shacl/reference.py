"""The reference: pySHACL, with its report read into the gate's result form.

Tests and benchmarks compare the two engines as sets of ``ValidationResult.key()``; the gate
itself never runs pySHACL. The shapes and ontology graphs are passed in parsed, so that a
caller validating many data graphs parses them once.
https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ingest.shacl.report import SEVERITIES, ValidationReport, ValidationResult, compact
from ingest.shacl.shapes import path_string, shape_id
from ingest.shacl.sparql_text import term
from ontology.namespaces import RDF, SH, XSD


def reference_validate(data: ox.Store | Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    """Validate with pySHACL and report in the gate's form, so the engines compare as sets.

    The ontology goes in as ``ont_graph`` (its subclass axioms decide ``sh:class`` and
    targets); no inference; warnings do not break conformance. Neither graph is changed.
    """
    import pyshacl  # slow to import and only needed by tests and benchmarks

    graph = data if isinstance(data, Graph) else to_rdflib(getattr(data, "raw", data))
    _conforms, report, _text = pyshacl.validate(
        graph,
        shacl_graph=_copy(shapes),  # pySHACL adds triples of its own to the graph it is given
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    # Only the report's own results: results nested under sh:detail explain an sh:node or
    # sh:or failure and are not results of their own.
    top = {
        r
        for rep in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(rep, SH.result)
    }
    return ValidationReport.of(_result(report, r, shapes) for r in top)


def _copy(g: Graph) -> Graph:
    """A copy of the graph with its prefixes (pySHACL's messages print terms as CURIEs)."""
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    out += g
    return out


def _result(report: Graph, r: Node, shapes: Graph) -> ValidationResult:
    """One sh:ValidationResult of pySHACL's report, named as the gate names it."""
    shape = _required(report, r, SH.sourceShape)
    value = report.value(r, SH.value)
    return ValidationResult(
        SEVERITIES[_required(report, r, SH.resultSeverity)],
        _node_text(_required(report, r, SH.focusNode)),
        _path(report.value(r, SH.resultPath), shape, shapes),
        shape_id(shapes, shape),
        compact(str(_required(report, r, SH.sourceConstraintComponent))),
        str(report.value(r, SH.resultMessage) or ""),
        None if value is None else _term_text(value),
    )


def _required(report: Graph, r: Node, pred: URIRef) -> Node:
    """A property every validation result has (https://www.w3.org/TR/shacl/#results-validation-result)."""
    value = report.value(r, pred)
    if value is None:
        raise ValueError(f"pySHACL gave a result without {compact(str(pred))}")
    return value


def _path(path: Node | None, shape: Node, shapes: Graph) -> str | None:
    """The result path as SPARQL; a complex path as the shape's (the report's is a copy)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return term(path)
    shape_path = shapes.value(shape, SH.path)
    return path_string(shapes, shape_path) if shape_path is not None else None


def _node_text(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _term_text(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else term(node)


def to_rdflib(store: ox.Store) -> Graph:
    """The union of a pyoxigraph store's graphs as an rdflib graph (blank-node labels kept)."""
    g = Graph()
    for q in store.quads_for_pattern(None, None, None, None):
        g.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return g


def _rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")
