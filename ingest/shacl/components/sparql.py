"""SPARQL-based constraints (SHACL-SPARQL): ``sh:sparql`` with a SELECT query.

The query is kept as written, with ``$this`` bound by injecting the shape's target pattern
at the start of its WHERE clause, ``$PATH`` replaced by the shape's path, and the prefixes of
``sh:prefixes`` declared. A constraint with ``sh:deactivated true`` has no results, so it is not
compiled (https://www.w3.org/TR/shacl/#sparql-constraints-validation).
https://www.w3.org/TR/shacl/#sparql-constraints
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Node

from ingest.shacl.report import Severity, compact
from ingest.shacl.shapes import message, severity_of, shape_id
from ingest.shacl.sparql_text import UnsupportedShape
from ontology.namespaces import SH

_PARAMETERS = {SH.select, SH.message, SH.prefixes, SH.deactivated, SH.severity}


@dataclass(frozen=True)
class SparqlSelect:
    """A SPARQL-based constraint ready to run: each row is one result."""

    query: str  # the SELECT with its prefixes and the target injected
    message: str  # may name variables as {?var}, filled from each row
    severity: Severity
    variables: tuple[str, ...]  # the variables the SELECT mentions


def select_constraint(
    g: Graph, shape: Node, constraint: Node, target: str, path: str | None, severity: Severity
) -> SparqlSelect:
    """The constraint ``constraint`` of ``shape`` for the focus nodes of ``target``.

    Raises:
        UnsupportedShape: the constraint is not a SELECT projecting ``$this``, or has a
            parameter the gate does not know.
    """
    for p in set(g.predicates(constraint)):
        if str(p).startswith(str(SH)) and p not in _PARAMETERS:
            raise UnsupportedShape(f"{shape_id(g, shape)}: sh:sparql with {compact(str(p))}")
    select = g.value(constraint, SH.select)
    if select is None:
        raise UnsupportedShape(f"{shape_id(g, shape)}: sh:sparql without sh:select")
    text = str(select) if path is None else str(select).replace("$PATH", path)
    query = _with_target(re.sub(r"\$(\w+)", r"?\1", text), target)
    if query is None:
        raise UnsupportedShape(f"{shape_id(g, shape)}: sh:select must be a SELECT projecting $this")
    found = message(g, constraint)
    if found is None:
        found = message(g, shape)
    # the shape's own severity wins over the constraint's
    own = severity if (shape, SH.severity, None) in g else severity_of(g, constraint) or severity
    return SparqlSelect(
        "\n".join([*_prologue(g, constraint), query]),
        "SPARQL constraint" if found is None else found,
        own,
        tuple(sorted(set(re.findall(r"[?$](\w+)", str(select))))),
    )


def _prologue(g: Graph, constraint: Node) -> list[str]:
    """PREFIX declarations of the ``sh:declare`` of each ``sh:prefixes`` of the constraint."""
    prologue = []
    for ontology in g.objects(constraint, SH.prefixes):
        for decl in g.objects(ontology, SH.declare):
            prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            prologue.append(f"PREFIX {prefix}: <{ns}>")
    return prologue


def _with_target(text: str, target: str) -> str | None:
    """The SELECT with the target pattern first in its WHERE clause, so ``?this`` is bound;
    None if the text is no SELECT that projects ``?this``."""
    match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
    projection = text[: match.start()] if match else ""
    if not match or not re.search(r"(\?this\b|\*)", projection):
        return None
    return f"{text[: match.end()]} {{ {target} }} {text[match.end() :]}"
