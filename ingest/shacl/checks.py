"""The compiled form of a shapes graph: SPARQL SELECT queries whose rows are validation results.

A row binds ``?this`` to the focus node and, where the constraint has one, ``?value`` to the
value node; a SHACL-SPARQL constraint's rows may also bind ``?path`` and the variables its
message names (https://www.w3.org/TR/shacl/#sparql-constraints-variables).
https://www.w3.org/TR/shacl/#results-validation-result
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ingest.shacl.report import Severity, ValidationResult
from ontology.namespaces import RDF, XSD

FOCUS = "#FOCUS#"  # where a focused run puts VALUES ?this { ... }
TARGET = "#TARGET#"  # where a query, as compiled, tests the shape's targets
PROLOGUE = f"PREFIX rdf: <{RDF}>\nPREFIX xsd: <{XSD}>\n"


@dataclass(frozen=True)
class Check:
    """One compiled query, in its whole-store and focused forms."""

    full: str  # for every focus node in the store
    focused: str  # with FOCUS where the VALUES of the focus nodes go
    classes: frozenset[str] | None  # focus nodes of other types cannot be targets; None: any

    @property
    def name(self) -> str:
        """What the check reports on, for error messages."""
        return "a grouped query"

    def query(self, focus_values: str = "") -> str:
        """The query text: over the whole store, or for the focus nodes of ``focus_values``."""
        if focus_values:
            return PROLOGUE + self.focused.replace(FOCUS, focus_values)
        return PROLOGUE + self.full

    def results(self, solutions: ox.QuerySolutions) -> Iterator[ValidationResult]:
        """The validation results the query's rows stand for."""
        raise NotImplementedError


@dataclass(frozen=True)
class ConstraintCheck(Check):
    """The query of one constraint of one shape: every row is one result."""

    shape: str
    path: str | None
    constraint: str
    severity: Severity
    message: str
    value_is_focus: bool = False  # node shapes: the focus node is the value node
    sparql_vars: tuple[str, ...] = ()  # SHACL-SPARQL: the variables its rows may bind

    @property
    def name(self) -> str:
        return f"{self.shape} {self.constraint}"

    def results(self, solutions: ox.QuerySolutions) -> Iterator[ValidationResult]:
        """One result per row that binds ``?this`` (a SPARQL constraint's rows may not)."""
        names = {v.value for v in solutions.variables}
        for row in solutions:
            this = row["this"]
            if this is None:
                continue
            if self.sparql_vars:
                yield self._sparql_result(this, row, names)
                continue
            value = this if self.value_is_focus else _bound(row, names, "value")
            yield ValidationResult(
                self.severity,
                node_text(this),
                self.path,
                self.shape,
                self.constraint,
                self.message,
                str(value) if value is not None else None,
            )

    def _sparql_result(
        self, this: ox.NamedNode | ox.BlankNode | ox.Literal, row: ox.QuerySolution, names: set[str]
    ) -> ValidationResult:
        """A row of a SHACL-SPARQL constraint: ``?path``, ``?value`` and ``{?var}`` messages."""
        bound = {n: row[n] for n in self.sparql_vars if n in names}
        value, path = bound.get("value"), bound.get("path")
        message = re.sub(r"\{[?$](\w+)\}", lambda m: _plain(bound.get(m.group(1))), self.message)
        return ValidationResult(
            self.severity,
            node_text(this),
            node_text(path) if path is not None else self.path,
            self.shape,
            self.constraint,
            message,
            str(value) if value is not None else None,
        )


@dataclass(frozen=True)
class Item:
    """One constraint inside a grouped query (values of one IRI path, or their count)."""

    shape: str
    path: str
    constraint: str
    severity: Severity
    message: str
    target: str
    classes: frozenset[str] | None
    condition: str = ""  # value checks: true when ?value fails
    min_count: int | None = None
    max_count: int | None = None


def anchored(text: str, target: str) -> tuple[str, str]:
    """The whole-store and focused forms of a query whose TARGET stands for ``target``.

    Focused, the query starts from the focus nodes and tests the target per node: joining
    VALUES with the target group makes pyoxigraph re-scan the target for every focus node.
    """
    full = text.replace(TARGET, f"{{ {target} }}", 1)
    return full, text.replace(TARGET, f"{FOCUS} FILTER EXISTS {{ {target} }}", 1)


def trailing(text: str) -> tuple[str, str]:
    """The forms of a query kept as written (SHACL-SPARQL): focused, VALUES joins at its end."""
    return text, f"{text}\n{FOCUS}"


def node_text(node: object) -> str:
    """A focus node (or path) as results name it: the IRI, or ``_:label`` for a blank node."""
    if isinstance(node, ox.NamedNode):
        return node.value
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    return str(node)


def _bound(row: ox.QuerySolution, names: set[str], name: str) -> object | None:
    return row[name] if name in names else None


def _plain(node: object) -> str:
    if isinstance(node, ox.NamedNode | ox.Literal):
        return node.value
    return "" if node is None else str(node)
