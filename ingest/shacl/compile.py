"""Shapes compiled to SPARQL: for each constraint of each shape, the query reporting its results.

A shape with focus nodes gets one query per constraint, or an item of a grouped query
(``grouping``). A shape used by others (``sh:node``, ``sh:not``, ``sh:or`` ...) is compiled
into theirs as a pattern with a solution exactly when a node fails it. Constraints come from
the component tables (``components``); anything else raises ``UnsupportedShape``, so that no
constraint is ever skipped.
https://www.w3.org/TR/shacl/#validation-definition
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from ingest.shacl.checks import TARGET, Check, ConstraintCheck, Item, anchored, trailing
from ingest.shacl.components import FOCUS, VALUE, FocusComponent, ValueComponent
from ingest.shacl.components.sparql import select_constraint
from ingest.shacl.grouping import grouped_checks
from ingest.shacl.report import Severity, compact
from ingest.shacl.shapes import (
    NON_CONSTRAINTS,
    all_shapes,
    deactivated,
    default_message,
    message,
    path_string,
    severity_of,
    shape_id,
)
from ingest.shacl.sparql_text import UnsupportedShape, term, union
from ingest.shacl.targets import focus_of
from ontology.namespaces import RDFS, SH

SUPPORTED = NON_CONSTRAINTS | VALUE.keys() | FOCUS.keys() | {SH.sparql}
# focus components that mean nothing without a path (all but sh:hasValue)
_NEED_PATH = {p for p, c in FOCUS.items() if c.node_failure is None}

Compiled = ConstraintCheck | Item


def compile_shapes(shapes: Graph, ontology: Graph) -> tuple[Check, ...]:
    """The checks of every active shape, the grouped queries first.

    Raises:
        UnsupportedShape: a shape uses a construct the gate cannot check.
    """
    compiler = Compiler(shapes, ontology)
    checks: list[ConstraintCheck] = []
    items: list[Item] = []
    for shape in sorted(all_shapes(shapes), key=str):
        if deactivated(shapes, shape):
            continue
        compiler.check_known(shape)
        patterns, classes = focus_of(compiler, shape)
        if not patterns:
            compiler.failure(shape, "?this")  # compiles, so unsupported nested forms raise
            continue
        for c in compiler.checks(shape, union(patterns), classes):
            if isinstance(c, Item):
                items.append(c)
            else:
                checks.append(c)
    # grouped queries are the long ones: first, so that the workers finish together
    return (*grouped_checks(items), *checks)


@dataclass(frozen=True)
class _Site:
    """What the checks of one shape share: its name, path, severity, message and targets."""

    shape: str
    path: str | None
    simple: bool  # the path is one IRI: its value and count checks join a grouped query
    target: str
    classes: frozenset[str] | None
    severity: Severity
    message: str  # the shape's own sh:message, or ""

    def check(
        self, text: str, constraint: str, message: str, *, value_is_focus: bool = False
    ) -> ConstraintCheck:
        """The check of a query in which TARGET stands for the shape's targets."""
        full, focused = anchored(text, self.target)
        return ConstraintCheck(
            full, focused, self.classes, self.shape, self.path, constraint, self.severity,
            message, value_is_focus,
        )  # fmt: skip

    def item(
        self,
        path: str,
        constraint: str,
        message: str,
        *,
        condition: str = "",
        min_count: int | None = None,
        max_count: int | None = None,
    ) -> Item:
        """A constraint for a grouped query: a value ``condition`` or a count bound."""
        return Item(
            self.shape, path, constraint, self.severity, message, self.target, self.classes,
            condition, min_count, max_count,
        )  # fmt: skip


@dataclass
class Compiler:
    """Compiles the shapes of one shapes graph; fresh variable names are unique across it."""

    shapes: Graph
    ontology: Graph
    _fresh: Iterator[int] = field(default_factory=itertools.count)
    _stack: list[Node] = field(default_factory=list)  # the nested shapes being compiled

    def var(self, stem: str) -> str:
        return f"?_{stem}{next(self._fresh)}"

    def subclasses(self, cls: Node) -> list[str]:
        """The class and every class below it by rdfs:subClassOf (ontology and shapes)."""
        seen = {cls}
        todo = [cls]
        while todo:
            c = todo.pop()
            for g in (self.ontology, self.shapes):
                for sub in g.subjects(RDFS.subClassOf, c):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
        return sorted(term(c) for c in seen if isinstance(c, URIRef))

    def path(self, shape: Node) -> str | None:
        """The shape's sh:path as SPARQL, None for a node shape."""
        node = self.shapes.value(shape, SH.path)
        return path_string(self.shapes, node) if node is not None else None

    def check_known(self, shape: Node) -> None:
        """Raise ``UnsupportedShape`` unless the gate can check every constraint of ``shape``."""
        g = self.shapes
        for p in set(g.predicates(shape)):
            if str(p).startswith(str(SH)) and p not in SUPPORTED:
                raise UnsupportedShape(f"{shape_id(g, shape)}: {compact(str(p))}")
        if (shape, SH.path, None) not in g and any((shape, p, None) in g for p in _NEED_PATH):
            raise UnsupportedShape(
                f"{shape_id(g, shape)}: cardinality or property-pair constraint on a node shape"
            )

    # -- shapes inside shapes ----------------------------------------------------------------
    def failure(self, shape: Node, x: str) -> str:
        """A group pattern that has a solution exactly when node ``x`` fails ``shape``."""
        if shape in self._stack:
            raise UnsupportedShape(f"recursive shape {shape_id(self.shapes, shape)}")
        if (shape, SH.sparql, None) in self.shapes:
            raise UnsupportedShape(f"sh:sparql in a nested shape {shape_id(self.shapes, shape)}")
        self.check_known(shape)
        self._stack.append(shape)
        try:
            path = self.path(shape)
            branches = [
                branch
                for pred, obj in sorted(self.shapes.predicate_objects(shape))
                if (branch := self._branch(shape, pred, obj, x, path)) is not None
            ]
            return union(branches) if branches else "FILTER(false)"
        finally:
            self._stack.pop()

    def _branch(self, shape: Node, pred: Node, obj: Node, x: str, path: str | None) -> str | None:
        """The pattern of one constraint of a nested shape, None for no constraint."""
        value = VALUE.get(pred)
        if value is not None:
            if path is None:
                return f"FILTER({value.failure(self, obj, x, shape)})"
            v = self.var("v")
            return f"{x} {path} {v} . FILTER({value.failure(self, obj, v, shape)})"
        focus = FOCUS.get(pred)
        if focus is not None and path is not None:
            return focus.failure(self, obj, x, path)
        if focus is not None and focus.node_failure is not None:
            return f"FILTER({focus.node_failure(obj, x)})"
        if pred == SH.property:
            return self.failure(obj, x)
        return None

    # -- shapes with focus nodes -------------------------------------------------------------
    def checks(self, shape: Node, target: str, classes: frozenset[str] | None) -> list[Compiled]:
        """The checks and grouped-query items of ``shape`` for the focus nodes of ``target``."""
        g = self.shapes
        sid = shape_id(g, shape)
        severity = severity_of(g, shape)
        if severity is None:
            raise UnsupportedShape(f"{sid}: sh:severity {g.value(shape, SH.severity)}")
        simple = isinstance(g.value(shape, SH.path), URIRef)
        own = message(g, shape) or ""
        site = _Site(sid, self.path(shape), simple, target, classes, severity, own)
        out: list[Compiled] = []
        for pred, obj in sorted(g.predicate_objects(shape)):
            if pred in VALUE:
                out.append(self._value_check(site, shape, pred, obj, VALUE[pred]))
            elif pred in FOCUS:
                out += self._focus_checks(site, pred, obj, FOCUS[pred])
            elif pred == SH.sparql and not deactivated(g, obj):
                out.append(self._sparql_check(site, shape, obj))
        return out

    def _value_check(
        self, site: _Site, shape: Node, pred: Node, obj: Node, value: ValueComponent
    ) -> Compiled:
        """Each value node tested on its own: the focus node of a node shape, else the values."""
        text = site.message or default_message(pred, obj, self.shapes)
        if site.path is None:
            cond = value.failure(self, obj, "?this", shape)
            query = f"SELECT DISTINCT ?this WHERE {{ {TARGET} FILTER(COALESCE({cond}, true)) }}"
            return site.check(query, value.name, text, value_is_focus=True)
        cond = value.failure(self, obj, "?value", shape)
        if site.simple:
            return site.item(site.path, value.name, text, condition=cond)
        query = (
            f"SELECT DISTINCT ?this ?value WHERE {{ {TARGET} "
            f"?this {site.path} ?value . FILTER(COALESCE({cond}, true)) }}"
        )
        return site.check(query, value.name, text)

    def _focus_checks(
        self, site: _Site, pred: Node, obj: Node, focus: FocusComponent
    ) -> list[Compiled]:
        """The values of each focus node tested together (counts on IRI paths are grouped)."""
        text = site.message or default_message(pred, obj, self.shapes)
        if site.path is None:
            if focus.node_failure is None:  # pragma: no cover - refused by check_known
                raise UnsupportedShape(f"{site.shape}: {focus.name} on a node shape")
            cond = focus.node_failure(obj, "?this")
            query = f"SELECT DISTINCT ?this WHERE {{ {TARGET} FILTER({cond}) }}"
            return [site.check(query, focus.name, text, value_is_focus=True)]
        if site.simple and pred == SH.minCount:
            n = int(str(obj))
            return [site.item(site.path, focus.name, text, min_count=n)] if n > 0 else []
        if site.simple and pred == SH.maxCount:
            return [site.item(site.path, focus.name, text, max_count=int(str(obj)))]
        own = focus.query(self, obj, site.path)
        return [site.check(own, focus.name, text)] if own is not None else []

    def _sparql_check(self, site: _Site, shape: Node, constraint: Node) -> ConstraintCheck:
        """A SHACL-SPARQL constraint: run as written, focus nodes joined at the end."""
        select = select_constraint(
            self.shapes, shape, constraint, site.target, site.path, site.severity
        )
        full, focused = trailing(select.query)
        return ConstraintCheck(
            full, focused, site.classes, site.shape, site.path, "sh:SPARQLConstraintComponent",
            select.severity, select.message, sparql_vars=select.variables,
        )  # fmt: skip
