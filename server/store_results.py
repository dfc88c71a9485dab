"""Typed reading of query results: ``GraphStore.query`` answers ``object``, the server wants rows.

Every SELECT the server writes itself goes through :func:`select` (or :func:`count`), so the
narrowing from pyoxigraph's result objects to plain rows of terms happens in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ontology.store import GraphStore

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]  # a solution: unbound variables are absent

__all__ = ["Row", "Term", "count", "iris_of", "named_objects", "select", "strings"]


def select(store: GraphStore, sparql: str) -> list[Row]:
    """Evaluate a SELECT query and return its solutions as rows of terms.

    Raises:
        TypeError: the query is not a SELECT (the store answered something else).
    """
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected SELECT solutions, got {type(result).__name__}")
    names = [v.value for v in result.variables]
    rows: list[Row] = []
    for solution in result:
        row: Row = {}
        for name in names:
            term = solution[name]
            if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
                row[name] = term
        rows.append(row)
    return rows


def strings(store: GraphStore, sparql: str) -> list[dict[str, str]]:
    """Evaluate a SELECT query and return each solution's lexical values (``term.value``)."""
    return [{k: t.value for k, t in row.items()} for row in select(store, sparql)]


def count(store: GraphStore, sparql: str, variable: str = "n") -> int:
    """The integer one aggregate query binds to ``variable`` (0 when unbound)."""
    rows = select(store, sparql)
    term = rows[0].get(variable) if rows else None
    return int(term.value) if isinstance(term, ox.Literal) else 0


def iris_of(rows: Iterable[Row], variable: str) -> list[str]:
    """The IRIs bound to ``variable`` in ``rows``, in order (blank nodes and literals skipped)."""
    return [t.value for row in rows if isinstance(t := row.get(variable), ox.NamedNode)]


def named_objects(triples: Iterable[ox.Triple]) -> list[str]:
    """The IRIs in object position of ``triples`` (for loading their labels)."""
    return [t.object.value for t in triples if isinstance(t.object, ox.NamedNode)]
