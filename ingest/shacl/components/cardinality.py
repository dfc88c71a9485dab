"""Cardinality constraint components: sh:minCount, sh:maxCount.

https://www.w3.org/TR/shacl/#core-components-count
"""

from __future__ import annotations

import itertools

from rdflib.term import Node

from ingest.shacl.checks import TARGET
from ingest.shacl.components.base import Context, FocusComponent
from ontology.namespaces import SH


def distinct_values(x: str, path: str, vs: list[str]) -> str:
    """A pattern with a solution when ``x`` has at least ``len(vs)`` distinct values."""
    pats = " ".join(f"{x} {path} {v} ." for v in vs)
    pairs = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
    return pats + (f" FILTER({' && '.join(pairs)})" if pairs else "")


def min_count_failure(ctx: Context, n: Node, x: str, path: str) -> str:
    count = _count(n)
    if count == 0:
        return "FILTER(false)"
    vs = [ctx.var("v") for _ in range(count)]
    return f"FILTER NOT EXISTS {{ {distinct_values(x, path, vs)} }}"


def max_count_failure(ctx: Context, n: Node, x: str, path: str) -> str:
    vs = [ctx.var("v") for _ in range(_count(n) + 1)]
    return distinct_values(x, path, vs)


def min_count_query(ctx: Context, n: Node, path: str) -> str | None:
    count = _count(n)
    if count == 0:
        return None
    if count == 1:  # cheaper than counting: no value at all
        none = f"FILTER NOT EXISTS {{ ?this {path} {ctx.var('v')} }}"
        return f"SELECT DISTINCT ?this WHERE {{ {TARGET} {none} }}"
    return _count_query(ctx, path, "<", count)


def max_count_query(ctx: Context, n: Node, path: str) -> str:
    return _count_query(ctx, path, ">", _count(n))


def _count_query(ctx: Context, path: str, op: str, n: int) -> str:
    """The focus nodes whose number of distinct values compares ``op`` to ``n``."""
    v = ctx.var("v")
    return (
        f"SELECT DISTINCT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT {v}) AS ?_n) WHERE {{ "
        f"{TARGET} OPTIONAL {{ ?this {path} {v} }} }} GROUP BY ?this }} FILTER(?_n {op} {n}) }}"
    )


def _count(n: Node) -> int:
    return int(str(n))


FOCUS: dict[Node, FocusComponent] = {
    SH.minCount: FocusComponent(
        "sh:MinCountConstraintComponent", min_count_failure, min_count_query
    ),
    SH.maxCount: FocusComponent(
        "sh:MaxCountConstraintComponent", max_count_failure, max_count_query
    ),
}
