"""The SHACL gate: shapes compiled once into SPARQL queries that run on a pyoxigraph store.

pySHACL walks the data graph node by node in Python (minutes for 20,000 enterprises); the same
shapes compiled to SPARQL run inside pyoxigraph in about three CPU seconds (bench/README.md).
Checks on the values or the number of values of a plain predicate are grouped into one query
per predicate, which tests a shape's target only for the values that fail; everything else is
one query per constraint, anchored on the shape's targets. With ``focus``, each query runs only
for the focus nodes whose types its targets admit. pySHACL stays the reference:
``reference_validate`` runs it and normalises its report to the same result form, so tests
compare the two engines as sets of (severity, focus, path, shape, constraint component).

Supported: SHACL Core node and property shapes with ``sh:targetClass`` (subclasses from the
ontology), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and implicit class
targets; any SHACL property path; ``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:minCount``, ``sh:maxCount``, ``sh:hasValue``, ``sh:in``, ``sh:languageIn``, ``sh:pattern``
(``sh:flags``), ``sh:minLength``, ``sh:maxLength``, ``sh:min/maxIn/Exclusive``, ``sh:equals``,
``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``, ``sh:node``, ``sh:not``, ``sh:and``,
``sh:or``, ``sh:xone``, ``sh:uniqueLang``; and SHACL-SPARQL SELECT constraints (``sh:sparql``,
``sh:prefixes``, ``$this``/``$PATH``, ``{?var}`` messages).
Anything else raises ``UnsupportedShape`` when the gate is built: a constraint is never skipped.
https://www.w3.org/TR/shacl/
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import re
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from ontology.namespaces import PREFIXES, RDF, RDFS, SH, XSD

Severity = TypingLiteral["Violation", "Warning", "Info"]
_SEVERITIES: dict[Node, Severity] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
_FOCUS = "#FOCUS#"

# Shape predicates that carry no constraint (targets, structure, documentation).
_NON_CONSTRAINTS = {
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
    SH.sparql,
    SH.prefixes,
    SH.declare,
}
_VALUE_CONSTRAINTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.languageIn,
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
}
_FOCUS_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.uniqueLang,
}
_COMPONENT = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# Lexical checks for datatypes whose ill-formed values a validator must reject (XSD 1.1 Part 2).
_INTEGER_TYPES = {
    XSD.integer: "",
    XSD.positiveInteger: " && xsd:integer(str({v})) > 0",
    XSD.nonNegativeInteger: " && xsd:integer(str({v})) >= 0",
    XSD.negativeInteger: " && xsd:integer(str({v})) < 0",
    XSD.nonPositiveInteger: " && xsd:integer(str({v})) <= 0",
}
_CASTS = {
    XSD.date: "xsd:date",
    XSD.dateTime: "xsd:dateTime",
    XSD.decimal: "xsd:decimal",
    XSD.boolean: "xsd:boolean",
    XSD.double: "xsd:double",
    XSD.float: "xsd:float",
}
_GYEAR = r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$"


class UnsupportedShape(ValueError):  # noqa: N818 - reads as the rule it reports
    """A shape uses a construct the gate cannot compile; raised when the gate is built."""


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, in the form both engines report."""

    severity: Severity
    focus: str
    path: str | None
    shape: str
    constraint: str
    message: str = ""
    value: str | None = None

    def key(self) -> tuple[str, str, str | None, str, str]:
        """What identifies the result across engines (messages and value forms differ)."""
        return (self.severity, self.focus, self.path, self.shape, self.constraint)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: conforms when there is no violation (warnings allowed)."""

    conforms: bool
    results: tuple[ValidationResult, ...] = ()

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    def restricted_to(self, focus: Collection[str]) -> ValidationReport:
        """The results about the given focus nodes only (and whether those conform)."""
        results = tuple(r for r in self.results if r.focus in focus)
        return ValidationReport(not any(r.severity == "Violation" for r in results), results)

    def keys(self) -> set[tuple[str, str, str | None, str, str]]:
        """The results as a set of ``ValidationResult.key()`` tuples, for comparing engines."""
        return {r.key() for r in self.results}

    def text(self, limit: int = 50) -> str:
        """A readable report: one line per result, violations first, at most ``limit`` lines."""
        head = "Conforms" if self.conforms else "Does not conform"
        counts = {s: sum(r.severity == s for r in self.results) for s in _SEVERITIES.values()}
        lines = [f"{head}: " + ", ".join(f"{n} {s.lower()}(s)" for s, n in counts.items())]
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        ranked = sorted(self.results, key=lambda r: (order[r.severity], r.shape, r.focus))
        for r in ranked[:limit]:
            where = f" {_compact(r.path)}" if r.path else ""
            value = f" (value {r.value})" if r.value is not None else ""
            lines.append(
                f"- {r.severity} {_compact(r.focus)}{where}: {r.message}{value}"
                f" [{_compact(r.shape)}, {r.constraint}]"
            )
        if len(ranked) > limit:
            lines.append(f"... and {len(ranked) - limit} more")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Check:
    """One compiled query: every row is one result of one constraint of one shape."""

    query: str
    shape: str
    path: str | None
    constraint: str
    severity: Severity
    message: str
    value_is_focus: bool = False
    sparql_vars: tuple[str, ...] = ()
    items: tuple[_Item, ...] = ()  # a grouped query: each row names the items it violates
    focus_query: str = ""  # the form to use with focus nodes (marker inside), if not trailing
    classes: frozenset[str] | None = None  # focus nodes of other types cannot be targets


@dataclass(frozen=True)
class _Item:
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


@dataclass
class _Compiler:
    shapes: Graph
    ontology: Graph
    _fresh: Iterator[int] = field(default_factory=itertools.count)
    _stack: list[Node] = field(default_factory=list)

    # -- naming -----------------------------------------------------------------------------
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
        return sorted(_term(c) for c in seen if isinstance(c, URIRef))

    def path(self, node: Node) -> str:
        return path_string(self.shapes, node)

    # -- shapes ------------------------------------------------------------------------------
    def check_known(self, shape: Node) -> None:
        for p in set(self.shapes.predicates(shape)):
            if str(p).startswith(str(SH)) and p not in (
                _NON_CONSTRAINTS | _VALUE_CONSTRAINTS | _FOCUS_CONSTRAINTS
            ):
                raise UnsupportedShape(f"{shape_id(self.shapes, shape)}: {_compact(p)}")
        if (shape, SH.path, None) not in self.shapes and any(
            (shape, p, None) in self.shapes for p in _FOCUS_CONSTRAINTS - {SH.hasValue}
        ):
            raise UnsupportedShape(
                f"{shape_id(self.shapes, shape)}: cardinality or property-pair constraint "
                "on a node shape"
            )

    def value_failure(self, pred: Node, obj: Node, v: str, shape: Node) -> str:
        """A SPARQL expression true when the value ``v`` violates one value-type constraint."""
        g = self.shapes
        if pred == SH["class"]:
            t = self.var("t")
            values = " ".join(self.subclasses(obj))
            return f"NOT EXISTS {{ {v} rdf:type {t} . VALUES {t} {{ {values} }} }}"
        if pred == SH.datatype:
            return f"!({_datatype_ok(obj, v)})"
        if pred == SH.nodeKind:
            if obj not in _NODE_KINDS:
                raise UnsupportedShape(f"sh:nodeKind {obj}")
            return "!" + _NODE_KINDS[obj].format(v=v)
        if pred == SH["in"]:
            members = [_term(m) for m in RdfList(g, obj)]
            if not members:
                return "true"
            return "!(" + " || ".join(f"sameTerm({v}, {m})" for m in members) + ")"
        if pred == SH.languageIn:
            tags = [_term(Literal(str(m))) for m in RdfList(g, obj)]
            matches = " || ".join(f"langMatches(lang({v}), {t})" for t in tags) or "false"
            return f"!(isLiteral({v}) && ({matches}))"
        if pred == SH.pattern:
            flags = g.value(shape, SH.flags)
            extra = f", {_term(Literal(str(flags)))}" if flags is not None else ""
            return f"(isBlank({v}) || !regex(str({v}), {_term(Literal(str(obj)))}{extra}))"
        if pred in (SH.minLength, SH.maxLength):
            op = "<" if pred == SH.minLength else ">"
            return f"(isBlank({v}) || strlen(str({v})) {op} {int(obj)})"
        if pred in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }[pred]
            return f"!COALESCE({v} {op} {_term(obj)}, false)"
        if pred == SH.node:
            return f"EXISTS {{ {self.failure(obj, v)} }}"
        if pred == SH["not"]:
            return f"NOT EXISTS {{ {self.failure(obj, v)} }}"
        members = list(RdfList(g, obj))
        fails = [f"EXISTS {{ {self.failure(m, v)} }}" for m in members]
        if pred == SH["and"]:
            return "(" + (" || ".join(fails) or "false") + ")"
        if pred == SH["or"]:
            return "(" + (" && ".join(fails) or "true") + ")"
        if pred == SH.xone:
            conforming = " + ".join(f"IF({f}, 0, 1)" for f in fails) or "0"
            return f"(({conforming}) != 1)"
        raise UnsupportedShape(f"{_compact(pred)}")  # pragma: no cover - guarded by check_known

    def focus_failure(self, pred: Node, obj: Node, x: str, path: str) -> str:
        """A group pattern with a solution when focus ``x`` violates a per-focus constraint."""
        if pred == SH.minCount:
            n = int(obj)
            if n == 0:
                return "FILTER(false)"
            vs = [self.var("v") for _ in range(n)]
            return f"FILTER NOT EXISTS {{ {_distinct_values(x, path, vs)} }}"
        if pred == SH.maxCount:
            vs = [self.var("v") for _ in range(int(obj) + 1)]
            return _distinct_values(x, path, vs)
        if pred == SH.hasValue:
            return f"FILTER NOT EXISTS {{ {x} {path} {_term(obj)} }}"
        if pred == SH.uniqueLang:
            return _unique_lang(x, path, self.var("a"), self.var("b"), obj)
        v, w = self.var("v"), self.var("w")
        return self.pair_pattern(pred, obj, x, path, v, w)

    def pair_pattern(self, pred: Node, obj: Node, x: str, path: str, v: str, w: str) -> str:
        other = _term(obj)
        if pred == SH.equals:
            return (
                f"{{ {x} {path} {v} FILTER NOT EXISTS {{ {x} {other} {v} }} }} UNION "
                f"{{ {x} {other} {v} FILTER NOT EXISTS {{ {x} {path} {v} }} }}"
            )
        if pred == SH.disjoint:
            return f"{x} {path} {v} . {x} {other} {v} ."
        op = "<" if pred == SH.lessThan else "<="
        return f"{x} {path} {v} . {x} {other} {w} . FILTER(!COALESCE({v} {op} {w}, false))"

    def failure(self, shape: Node, x: str) -> str:
        """A group pattern that has a solution exactly when node ``x`` fails ``shape``."""
        if shape in self._stack:
            raise UnsupportedShape(f"recursive shape {shape_id(self.shapes, shape)}")
        if (shape, SH.sparql, None) in self.shapes:
            raise UnsupportedShape(f"sh:sparql in a nested shape {shape_id(self.shapes, shape)}")
        self.check_known(shape)
        self._stack.append(shape)
        try:
            g = self.shapes
            branches: list[str] = []
            path_node = g.value(shape, SH.path)
            path = self.path(path_node) if path_node is not None else None
            for pred, obj in sorted(g.predicate_objects(shape)):
                if pred in _VALUE_CONSTRAINTS:
                    if path is None:
                        branches.append(f"FILTER({self.value_failure(pred, obj, x, shape)})")
                    else:
                        v = self.var("v")
                        cond = self.value_failure(pred, obj, v, shape)
                        branches.append(f"{x} {path} {v} . FILTER({cond})")
                elif pred == SH.hasValue and path is None:
                    branches.append(f"FILTER(!sameTerm({x}, {_term(obj)}))")
                elif pred in _FOCUS_CONSTRAINTS and path is not None:
                    branches.append(self.focus_failure(pred, obj, x, path))
                elif pred == SH.property:
                    branches.append(self.failure(obj, x))
            if not branches:
                return "FILTER(false)"
            return " UNION ".join(f"{{ {b} }}" for b in branches)
        finally:
            self._stack.pop()

    # -- top-level checks --------------------------------------------------------------------
    def targets(self, shape: Node) -> list[str]:
        """Group patterns binding ?this to the shape's own focus nodes."""
        g = self.shapes
        pats = []
        classes = set(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g or (
            shape,
            RDF.type,
            URIRef("http://www.w3.org/2002/07/owl#Class"),
        ) in g:
            classes.add(shape)
        all_classes = sorted({c for cls in classes for c in self.subclasses(cls)})
        if len(all_classes) == 1:
            pats.append(f"?this rdf:type {all_classes[0]} .")
        elif all_classes:
            t = self.var("t")
            pats.append(f"?this rdf:type {t} . VALUES {t} {{ {' '.join(all_classes)} }}")
        nodes = sorted(_term(n) for n in g.objects(shape, SH.targetNode))
        if nodes:
            pats.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
        for p in sorted(g.objects(shape, SH.targetSubjectsOf)):
            pats.append(f"?this {_term(p)} {self.var('o')} .")
        for p in sorted(g.objects(shape, SH.targetObjectsOf)):
            pats.append(f"{self.var('s')} {_term(p)} ?this .")
        return pats

    def target_classes(self, shape: Node) -> frozenset[str] | None:
        """The classes whose instances alone can be the shape's focus nodes; None if any node."""
        g = self.shapes
        if any(
            (shape, p, None) in g for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        ):
            return None
        classes = set(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g:
            classes.add(shape)
        return frozenset(c[1:-1] for cls in classes for c in self.subclasses(cls))

    def checks(
        self, shape: Node, target: str, grouped: list[_Item], classes: frozenset[str] | None
    ) -> list[_Check]:
        """The queries that report the results of ``shape`` for the focus nodes of ``target``.

        Constraints on the values (or the number of values) of a plain IRI path are not given
        a query of their own: they go into ``grouped[target]``, and one query per target checks
        them all (``_grouped_checks``).
        """
        g = self.shapes
        self.check_known(shape)
        sid = shape_id(g, shape)
        severity = _SEVERITIES.get(g.value(shape, SH.severity, default=SH.Violation))
        if severity is None:
            raise UnsupportedShape(f"{sid}: sh:severity {g.value(shape, SH.severity)}")
        messages = sorted(g.objects(shape, SH.message), key=lambda m: (m.language != "en", m))
        custom = str(messages[0]) if messages else ""
        path_node = g.value(shape, SH.path)
        path = self.path(path_node) if path_node is not None else None
        out: list[_Check] = []
        simple = isinstance(path_node, URIRef)
        items = grouped
        head = f"SELECT DISTINCT ?this ?value WHERE {{ {{ {target} }} "
        for pred, obj in sorted(g.predicate_objects(shape)):
            component = "sh:" + _COMPONENT.get(pred, "")
            message = custom or _default_message(pred, obj, g)
            if pred in _VALUE_CONSTRAINTS:
                if path is None:
                    cond = self.value_failure(pred, obj, "?this", shape)
                    query = (
                        f"SELECT DISTINCT ?this WHERE {{ {{ {target} }} "
                        f"FILTER(COALESCE({cond}, true)) }}"
                    )
                    out.append(_Check(query, sid, None, component, severity, message, True))
                elif simple:
                    cond = self.value_failure(pred, obj, "?value", shape)
                    items.append(
                        _Item(
                            sid, path, component, severity, message, target, classes, condition=cond
                        )
                    )
                else:
                    cond = self.value_failure(pred, obj, "?value", shape)
                    query = f"{head} ?this {path} ?value . FILTER(COALESCE({cond}, true)) }}"
                    out.append(_Check(query, sid, path, component, severity, message))
            elif pred == SH.hasValue and path is None:
                query = (
                    f"SELECT DISTINCT ?this WHERE {{ {{ {target} }} "
                    f"FILTER(!sameTerm(?this, {_term(obj)})) }}"
                )
                out.append(_Check(query, sid, None, component, severity, message, True))
            elif pred in (SH.minCount, SH.maxCount) and simple and path is not None:
                n = int(obj)
                if pred == SH.minCount and n > 0:
                    items.append(
                        _Item(sid, path, component, severity, message, target, classes, min_count=n)
                    )
                elif pred == SH.maxCount:
                    items.append(
                        _Item(sid, path, component, severity, message, target, classes, max_count=n)
                    )
            elif pred in (SH.minCount, SH.maxCount) and path is not None:
                n = int(obj)
                if pred == SH.minCount and n <= 1:
                    if n == 0:
                        continue
                    cond = f"FILTER NOT EXISTS {{ ?this {path} {self.var('v')} }}"
                else:
                    v = self.var("v")
                    op = "<" if pred == SH.minCount else ">"
                    cond = (
                        f"{{ SELECT ?this (COUNT(DISTINCT {v}) AS ?_n) WHERE {{ "
                        f"{{ {target} }} OPTIONAL {{ ?this {path} {v} }} }} GROUP BY ?this }} "
                        f"FILTER(?_n {op} {n})"
                    )
                    query = f"SELECT DISTINCT ?this WHERE {{ {cond} }}"
                    out.append(_Check(query, sid, path, component, severity, message))
                    continue
                query = f"SELECT DISTINCT ?this WHERE {{ {{ {target} }} {cond} }}"
                out.append(_Check(query, sid, path, component, severity, message))
            elif pred == SH.hasValue:
                query = (
                    f"SELECT DISTINCT ?this WHERE {{ {{ {target} }} "
                    f"FILTER NOT EXISTS {{ ?this {path} {_term(obj)} }} }}"
                )
                out.append(_Check(query, sid, path, component, severity, message))
            elif pred == SH.uniqueLang and path is not None:
                pattern = _unique_lang("?this", path, "?_a", "?_b", obj)
                query = f"SELECT DISTINCT ?this ?_lang WHERE {{ {{ {target} }} {pattern} }}"
                out.append(_Check(query, sid, path, component, severity, message))
            elif pred in _FOCUS_CONSTRAINTS and path is not None:
                pattern = self.pair_pattern(pred, obj, "?this", path, "?value", self.var("w"))
                out.append(_Check(f"{head} {pattern} }}", sid, path, component, severity, message))
            elif pred == SH.sparql:
                out.append(self.sparql_check(shape, obj, target, sid, path, severity))
        # with focus nodes, start from them and test the target per node: joining VALUES with
        # the target group makes pyoxigraph re-scan the target for every focus node
        anchored = f"{_FOCUS} FILTER EXISTS {{ {target} }}"
        return [
            dataclasses.replace(
                c,
                classes=classes,
                focus_query=""
                if c.sparql_vars
                else c.query.replace(f"{{ {target} }}", anchored, 1),
            )
            for c in out
        ]

    def sparql_check(
        self,
        shape: Node,
        constraint: Node,
        target: str,
        sid: str,
        path: str | None,
        severity: Severity,
    ) -> _Check:
        """A SHACL-SPARQL SELECT constraint with ``$this`` bound by injecting the target pattern."""
        g = self.shapes
        for p in set(g.predicates(constraint)):
            if str(p).startswith(str(SH)) and p not in (
                SH.select,
                SH.message,
                SH.prefixes,
                SH.deactivated,
                SH.severity,
            ):
                raise UnsupportedShape(f"{sid}: sh:sparql with {_compact(p)}")
        select = g.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"{sid}: sh:sparql without sh:select")
        prologue = []
        for ontology in g.objects(constraint, SH.prefixes):
            for decl in g.objects(ontology, SH.declare):
                prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                prologue.append(f"PREFIX {prefix}: <{ns}>")
        text = str(select)
        if path is not None:
            text = text.replace("$PATH", path)
        text = re.sub(r"\$(\w+)", r"?\1", text)
        match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
        projection = text[: match.start()] if match else ""
        if not match or not re.search(r"(\?this\b|\*)", projection):
            raise UnsupportedShape(f"{sid}: sh:select must be a SELECT projecting $this")
        text = f"{text[: match.end()]} {{ {target} }} {text[match.end() :]}"
        query = "\n".join([*prologue, text])
        messages = sorted(g.objects(constraint, SH.message), key=lambda m: (m.language != "en", m))
        messages += sorted(g.objects(shape, SH.message), key=lambda m: (m.language != "en", m))
        message = str(messages[0]) if messages else "SPARQL constraint"
        sev = _SEVERITIES.get(g.value(constraint, SH.severity, default=SH.Violation), severity)
        sev = severity if (shape, SH.severity, None) in g else sev
        names = tuple(sorted(set(re.findall(r"[?$](\w+)", str(select)))))
        return _Check(
            query, sid, path, "sh:SPARQLConstraintComponent", sev, message, sparql_vars=names
        )


class ShapesGate:
    """The shapes of ``shapes_dir`` compiled once; ``validate`` runs them on a pyoxigraph store."""

    def __init__(self, shapes_dir: Path, ontology_ttl: Path, *, workers: int | None = None) -> None:
        """Compile every shape; ``workers`` queries run side by side (default: CPUs, at most 4).

        Raises:
            UnsupportedShape: a shape uses a construct the gate cannot check.
        """
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.shapes = load_shapes(shapes_dir)
        ontology = Graph().parse(ontology_ttl, format="turtle")
        compiler = _Compiler(self.shapes, ontology)
        checks: list[_Check] = []
        grouped: list[_Item] = []
        for shape in sorted(_all_shapes(self.shapes), key=str):
            if _deactivated(self.shapes, shape):
                continue
            compiler.check_known(shape)
            targets = compiler.targets(shape)
            classes = compiler.target_classes(shape)
            for parent in self.shapes.subjects(SH.property, shape):
                if not _deactivated(self.shapes, parent):
                    targets += compiler.targets(parent)
                    more = compiler.target_classes(parent)
                    classes = None if classes is None or more is None else classes | more
            if targets:
                target = " UNION ".join(f"{{ {t} }}" for t in targets)
                checks += compiler.checks(shape, target, grouped, classes)
            else:
                compiler.failure(shape, "?this")  # compiles, so unsupported nested forms raise
        checks += _grouped_checks(grouped)
        prologue = f"PREFIX rdf: <{RDF}>\nPREFIX xsd: <{XSD}>\n"
        # grouped queries are the long ones: start them first so the workers finish together
        checks.sort(key=lambda c: not c.items)
        self._checks = tuple(
            dataclasses.replace(
                c,
                query=f"{prologue}{c.query or c.focus_query}\n{_FOCUS}"
                if c.query or c.focus_query
                else "",
                focus_query=f"{prologue}{c.focus_query}" if c.focus_query else "",
            )
            for c in checks
        )
        probe = ox.Store()
        for c in self._checks:
            try:
                list(probe.query(c.query.replace(_FOCUS, ""), use_default_graph_as_union=True))
                probe_values = "VALUES ?this { <urn:lg:probe> }"
                for text in (c.query, c.focus_query):
                    if text:
                        list(probe.query(text.replace(_FOCUS, probe_values, 1).replace(_FOCUS, "")))
            except SyntaxError as exc:
                raise UnsupportedShape(f"{c.shape} {c.constraint}: {exc}\n{c.query}") from exc

    def __len__(self) -> int:
        return len(self._checks)

    def validate(self, store: ox.Store, focus: Collection[str] | None = None) -> ValidationReport:
        """Check the store (union of its graphs); with ``focus``, only those focus nodes.

        Focus nodes are IRIs (a blank node cannot be named across queries): blank nodes are
        checked by a run without ``focus``.
        """
        raw = getattr(store, "raw", store)
        types: dict[str, set[str]] = {}
        if focus is not None:
            iris = sorted({f for f in focus if ":" in f and not f.startswith("_:")})
            if not iris:
                return ValidationReport(True, ())
            types = {f: set() for f in iris}
            rows = raw.query(
                "SELECT ?this ?t WHERE { ?this a ?t } " + _values(iris),
                use_default_graph_as_union=True,
            )
            for row in rows:
                types[row["this"].value].add(row["t"].value)
        subsets: dict[frozenset[str] | None, str] = {}

        def values_for(check: _Check) -> str:
            """VALUES for the focus nodes that can be targets of the check (by their types)."""
            if check.classes not in subsets:
                classes = check.classes
                nodes = [f for f, ts in types.items() if classes is None or ts & classes]
                subsets[classes] = _values(nodes) if nodes else ""
            return subsets[check.classes]

        def run(check: _Check) -> list[ValidationResult]:
            values = values_for(check) if focus is not None else ""
            if focus is not None and not values:
                return []  # no focus node can be a target of this check
            if not values:
                query = check.query.replace(_FOCUS, "")
            elif check.focus_query:
                query = check.focus_query.replace(_FOCUS, values)
            else:  # a trailing VALUES clause, joined once the pattern is evaluated
                query = check.query.replace(_FOCUS, values)
            return list(_results(check, raw.query(query, use_default_graph_as_union=True)))

        # pyoxigraph releases the GIL while it evaluates: queries run side by side
        for check in self._checks:  # fill the cache before the threads read it
            if focus is not None:
                values_for(check)
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            parts = list(pool.map(run, self._checks))
        unique = tuple(dict.fromkeys(r for part in parts for r in part))
        return ValidationReport(not any(r.severity == "Violation" for r in unique), unique)


def _grouped_checks(items: list[_Item]) -> list[_Check]:
    """Few queries for the many constraints on the values, or number of values, of IRI paths.

    Value and maximum-count checks scan the triples of one predicate, whatever their subject,
    and test the shape's target (``EXISTS``) only for a value that fails: a join with the
    target is several times dearer than the scan, and failures are rare. Minimum counts
    scan each target once and look every required path up. Each row carries in ``?k`` the
    numbers of the items it violates.
    """
    out = []
    by_path: dict[str, list[_Item]] = {}
    for item in items:
        if item.condition or item.max_count is not None:
            by_path.setdefault(item.path, []).append(item)
    for path, group in sorted(by_path.items()):
        values = tuple(i for i in group if i.condition)
        if values:
            flags = ", ".join(
                f'IF(COALESCE({i.condition}, true) && EXISTS {{ {i.target} }}, " {n}", "")'
                for n, i in enumerate(values)
            )
            query = (
                f"SELECT DISTINCT ?this ?value ?k WHERE {{ {_FOCUS} ?this {path} ?value . "
                f'BIND(CONCAT({flags}, "") AS ?k) FILTER(?k != "") }}'
            )
            out.append(
                _Check(
                    "",
                    "",
                    path,
                    "",
                    "Violation",
                    "",
                    items=values,
                    focus_query=query,
                    classes=_union_classes(values),
                )
            )
        maxima = tuple(i for i in group if i.max_count is not None)
        if maxima:
            flags = ", ".join(
                f'IF(?n > {i.max_count} && EXISTS {{ {i.target} }}, " {n}", "")'
                for n, i in enumerate(maxima)
            )
            least = min(i.max_count or 0 for i in maxima)
            query = (
                f"SELECT ?this ?k WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
                f"WHERE {{ {_FOCUS} ?this {path} ?v }} GROUP BY ?this }} FILTER(?n > {least}) "
                f'BIND(CONCAT({flags}, "") AS ?k) FILTER(?k != "") }}'
            )
            out.append(
                _Check(
                    "",
                    "",
                    path,
                    "",
                    "Violation",
                    "",
                    items=maxima,
                    focus_query=query,
                    classes=_union_classes(maxima),
                )
            )
    by_target: dict[str, list[_Item]] = {}
    for item in items:
        if item.min_count:
            by_target.setdefault(item.target, []).append(item)
    for target, group in sorted(by_target.items()):
        minima = tuple(group)
        flags = []
        for n, i in enumerate(minima):
            vs = [f"?_m{n}_{j}" for j in range(i.min_count or 0)]
            flags.append(f'IF(EXISTS {{ {_distinct_values("?this", i.path, vs)} }}, "", " {n}")')
        tail = f'BIND(CONCAT({", ".join(flags)}, "") AS ?k) FILTER(?k != "") }}'
        query = f"SELECT DISTINCT ?this ?k WHERE {{ {{ {target} }} {tail}"
        anchored = f"SELECT DISTINCT ?this ?k WHERE {{ {_FOCUS} FILTER EXISTS {{ {target} }} {tail}"
        out.append(
            _Check(
                query,
                "",
                None,
                "",
                "Violation",
                "",
                items=minima,
                focus_query=anchored,
                classes=_union_classes(minima),
            )
        )
    return out


def _union_classes(items: Iterable[_Item]) -> frozenset[str] | None:
    out: set[str] = set()
    for item in items:
        if item.classes is None:
            return None
        out |= item.classes
    return frozenset(out)


def _grouped_results(check: _Check, solutions: ox.QuerySolutions) -> Iterable[ValidationResult]:
    with_value = bool(check.items[0].condition)
    for row in solutions:
        this = _focus(row["this"])
        value = str(row["value"]) if with_value else None
        for n in row["k"].value.split():
            item = check.items[int(n)]
            yield ValidationResult(
                item.severity, this, item.path, item.shape, item.constraint, item.message, value
            )


def _results(check: _Check, solutions: ox.QuerySolutions) -> Iterable[ValidationResult]:
    if check.items:
        yield from _grouped_results(check, solutions)
        return
    for row in solutions:
        this = row["this"]
        if this is None:
            continue
        if check.sparql_vars:
            names = {v.value for v in solutions.variables}
            bound = {n: row[n] for n in check.sparql_vars if n in names}
            value = bound.get("value")
            path = bound.get("path")
            message = re.sub(
                r"\{[?$](\w+)\}",
                lambda m, bound=bound: _plain(bound.get(m.group(1))),
                check.message,
            )
            yield ValidationResult(
                check.severity,
                _focus(this),
                _focus(path) if path is not None else check.path,
                check.shape,
                check.constraint,
                message,
                str(value) if value is not None else None,
            )
            continue
        value = this if check.value_is_focus else _maybe(row, "value")
        yield ValidationResult(
            check.severity,
            _focus(this),
            check.path,
            check.shape,
            check.constraint,
            check.message,
            str(value) if value is not None else None,
        )


def _values(iris: Iterable[str]) -> str:
    """A VALUES clause binding ?this, IRIs escaped as pyoxigraph writes them."""
    return "VALUES ?this { " + " ".join(str(ox.NamedNode(f)) for f in iris) + " }"


def _maybe(row: ox.QuerySolution, name: str) -> object | None:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _focus(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _plain(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return "" if term is None else str(term)


# -- shapes graph helpers ---------------------------------------------------------------------
def load_shapes(shapes_dir: Path) -> Graph:
    """Every ``*.ttl`` of the shapes directory in one rdflib graph."""
    g = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no shapes (*.ttl) in {shapes_dir}")
    for f in files:
        g.parse(f, format="turtle")
    return g


def _all_shapes(g: Graph) -> set[Node]:
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


def _deactivated(g: Graph, shape: Node) -> bool:
    value = g.value(shape, SH.deactivated)
    return value is not None and bool(value.toPython()) is True


def path_string(g: Graph, node: Node) -> str:
    """A SHACL property path as a SPARQL property path (also its name in results)."""
    if isinstance(node, URIRef):
        return _term(node)
    if (node, RDF.first, None) in g:
        return "(" + "/".join(path_string(g, m) for m in RdfList(g, node)) + ")"
    for pred, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
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


# -- SPARQL text ------------------------------------------------------------------------------
def _term(node: Node) -> str:
    """An rdflib term as SPARQL text (pyoxigraph's N-Triples form is valid SPARQL)."""
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        if node.datatype:
            return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype))))
        return str(ox.Literal(str(node)))
    raise UnsupportedShape(f"a blank node cannot be a constraint value: {node}")


def _datatype_ok(dt: Node, v: str) -> str:
    if dt == RDF.langString:
        return f'isLiteral({v}) && lang({v}) != ""'
    ok = f"isLiteral({v}) && datatype({v}) = {_term(dt)}"
    if dt in _INTEGER_TYPES:
        ok += f" && COALESCE(isLiteral(xsd:integer(str({v})))"
        ok += _INTEGER_TYPES[dt].format(v=v) + ", false)"
    elif dt in _CASTS:
        ok += f" && COALESCE(isLiteral({_CASTS[dt]}(str({v}))), false)"
    elif dt == XSD.gYear:
        ok += f" && regex(str({v}), {_term(Literal(_GYEAR))})"
    return ok


def _unique_lang(x: str, path: str, a: str, b: str, flag: Node) -> str:
    """Two values of ``x`` share a language tag (tags compare case-insensitively)."""
    if not (isinstance(flag, Literal) and flag.toPython() is True):
        return "FILTER(false)"
    return (
        f"{x} {path} {a} . {x} {path} {b} . "
        f'FILTER(!sameTerm({a}, {b}) && lang({a}) != "" && LCASE(lang({a})) = LCASE(lang({b}))) '
        f"BIND(LCASE(lang({a})) AS ?_lang)"
    )


def _distinct_values(x: str, path: str, vs: list[str]) -> str:
    pats = " ".join(f"{x} {path} {v} ." for v in vs)
    pairs = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
    return pats + (f" FILTER({' && '.join(pairs)})" if pairs else "")


def _default_message(pred: Node, obj: Node, g: Graph) -> str:
    if isinstance(obj, BNode) and (obj, RDF.first, None) in g:
        shown = (
            "("
            + " ".join(
                _compact(str(m)) if not isinstance(m, BNode) else "[shape]" for m in RdfList(g, obj)
            )
            + ")"
        )
    elif isinstance(obj, BNode):
        shown = "[shape]"
    else:
        shown = _compact(str(obj))
    return f"fails {_compact(str(pred))} {shown}"


def _compact(iri: str | None) -> str:
    if iri is None:
        return ""
    text = iri.strip("<>") if iri.startswith("<") and iri.endswith(">") else iri
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and re.fullmatch(r"[\w.-]*", text[len(ns) :]):
            return f"{prefix}:{text[len(ns) :]}"
    return iri


# -- the reference: pySHACL -------------------------------------------------------------------
def reference_validate(
    data: ox.Store | Graph, shapes_dir: Path, ontology_ttl: Path
) -> ValidationReport:
    """Validate with pySHACL and report in the gate's form, so the engines compare as sets.

    The ontology goes in as ``ont_graph`` (its subclass axioms decide ``sh:class`` and
    targets); no inference; warnings do not break conformance.
    """
    import pyshacl  # slow to import and only needed by tests and benchmarks

    shapes = load_shapes(shapes_dir)
    ontology = Graph().parse(ontology_ttl, format="turtle")
    graph = data if isinstance(data, Graph) else to_rdflib(getattr(data, "raw", data))
    _conforms, report, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    results = []
    # Only the report's own results: results nested under sh:detail explain an sh:node or
    # sh:or failure and are not results of their own.
    top = {
        r
        for rep in report.subjects(RDF.type, SH.ValidationReport)
        for r in report.objects(rep, SH.result)
    }
    for r in top:
        sev = _SEVERITIES[report.value(r, SH.resultSeverity)]
        shape = report.value(r, SH.sourceShape)
        focus = report.value(r, SH.focusNode)
        path_node = report.value(r, SH.resultPath)
        if path_node is None:
            path = None
        elif isinstance(path_node, URIRef):
            path = _term(path_node)
        else:
            shape_path = shapes.value(shape, SH.path)
            path = path_string(shapes, shape_path) if shape_path is not None else None
        value = report.value(r, SH.value)
        component = report.value(r, SH.sourceConstraintComponent)
        results.append(
            ValidationResult(
                sev,
                str(focus) if not isinstance(focus, BNode) else f"_:{focus}",
                path,
                shape_id(shapes, shape),
                _compact(str(component)),
                str(report.value(r, SH.resultMessage) or ""),
                None if value is None else _term_text(value),
            )
        )
    unique = tuple(dict.fromkeys(results))
    return ValidationReport(not any(r.severity == "Violation" for r in unique), unique)


def _term_text(node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return _term(node)


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
