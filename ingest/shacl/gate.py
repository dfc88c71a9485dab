"""The gate: shapes compiled once, then run as SPARQL on a pyoxigraph store.

https://www.w3.org/TR/shacl/#validation-definition
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ingest.shacl.checks import Check
from ingest.shacl.compile import compile_shapes
from ingest.shacl.report import ValidationReport, ValidationResult
from ingest.shacl.shapes import load_shapes
from ingest.shacl.sparql_text import UnsupportedShape, values
from ontology.store import EmbeddedStore

_PROBE = values(["urn:lg:probe"])


class ShapesGate:
    """The shapes compiled once; ``validate`` runs them on a pyoxigraph store."""

    def __init__(
        self, shapes: Path | Graph, ontology: Path | Graph, *, workers: int | None = None
    ) -> None:
        """Compile every shape; ``workers`` queries run side by side (default: CPUs, at most 4).

        ``shapes`` is a directory of ``*.ttl`` or a parsed shapes graph; ``ontology`` a Turtle
        file or a parsed graph (its ``rdfs:subClassOf`` axioms widen ``sh:class`` and targets).

        Raises:
            UnsupportedShape: a shape uses a construct the gate cannot check.
        """
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.shapes = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
        if not isinstance(ontology, Graph):
            ontology = Graph().parse(ontology, format="turtle")
        self._checks = compile_shapes(self.shapes, ontology)
        _probe(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def validate(
        self, store: ox.Store | EmbeddedStore, focus: Collection[str] | None = None
    ) -> ValidationReport:
        """Check the store's data graph; with ``focus``, only those focus nodes.

        The data graph of an ``EmbeddedStore`` is its default graph, which holds the merge of its
        named graphs (each triple once); that of a bare pyoxigraph store (a neighbourhood copy, a
        fixture) is the union of its graphs. Focus nodes are IRIs (a blank node cannot be named
        across queries): blank nodes are checked by a run without ``focus``.
        """
        raw, union = (store.raw, False) if isinstance(store, EmbeddedStore) else (store, True)
        if focus is None:
            runs = [(c, c.query()) for c in self._checks]
        else:
            types = _types(raw, focus, union)
            if not types:
                return ValidationReport(True, ())
            runs = list(_focused_runs(self._checks, types))

        def run(check_and_query: tuple[Check, str]) -> list[ValidationResult]:
            check, query = check_and_query
            return list(check.results(_select(raw, query, union)))

        # pyoxigraph releases the GIL while it evaluates: queries run side by side
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            parts = list(pool.map(run, runs))
        return ValidationReport.of(r for part in parts for r in part)


def _types(store: ox.Store, focus: Collection[str], union: bool) -> dict[str, set[str]]:
    """The focus IRIs (in order) with their rdf:types; blank nodes and non-IRIs left out."""
    iris = sorted({f for f in focus if ":" in f and not f.startswith("_:")})
    types: dict[str, set[str]] = {f: set() for f in iris}
    if iris:
        query = "SELECT ?this ?t WHERE { ?this a ?t } " + values(iris)
        for row in _select(store, query, union):
            types[row["this"].value].add(row["t"].value)
    return types


def _focused_runs(
    checks: Iterable[Check], types: dict[str, set[str]]
) -> Iterable[tuple[Check, str]]:
    """Each check with the VALUES of the focus nodes its classes admit (if any admit it)."""
    subsets: dict[frozenset[str] | None, str] = {}
    for check in checks:
        if check.classes not in subsets:
            classes = check.classes
            nodes = [f for f, ts in types.items() if classes is None or ts & classes]
            subsets[classes] = values(nodes) if nodes else ""
        if subsets[check.classes]:
            yield check, check.query(subsets[check.classes])


def _probe(checks: Iterable[Check]) -> None:
    """Run every query once on an empty store, so that a query pyoxigraph cannot parse fails
    when the gate is built rather than when it validates.

    Raises:
        UnsupportedShape: naming the check and its query.
    """
    probe = ox.Store()
    for c in checks:
        for text in (c.query(), c.query(_PROBE)):
            try:
                list(_select(probe, text, union=True))
            except SyntaxError as exc:
                raise UnsupportedShape(f"{c.name}: {exc}\n{text}") from exc


def _select(store: ox.Store, query: str, union: bool) -> ox.QuerySolutions:
    """The solutions of a SELECT over the default graph, or over the union of every graph."""
    solutions = store.query(query, use_default_graph_as_union=union)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query}")
    return solutions
