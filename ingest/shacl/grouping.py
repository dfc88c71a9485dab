"""Grouped queries: the many constraints on the values, or number of values, of IRI paths.

Value and maximum-count checks scan the triples of one predicate, whatever their subject, and
test the shape's target (``EXISTS``) only for a value that fails: a join with the target is
several times dearer than the scan, and failures are rare. Minimum counts scan each target
once and look every required path up. Each row carries in ``?k`` the numbers of the items it
violates. (An optimisation of the validation of SHACL Core property shapes; the results are
those the shapes define: https://www.w3.org/TR/shacl/#property-shapes)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ingest.shacl.checks import FOCUS, TARGET, Check, Item, anchored, node_text
from ingest.shacl.components.cardinality import distinct_values
from ingest.shacl.report import ValidationResult


@dataclass(frozen=True)
class GroupedCheck(Check):
    """A query for several constraints: each row names, in ``?k``, the items it violates."""

    items: tuple[Item, ...]

    @property
    def name(self) -> str:
        return "grouped query of " + ", ".join(sorted({i.shape for i in self.items}))

    def results(self, solutions: ox.QuerySolutions) -> Iterator[ValidationResult]:
        with_value = bool(self.items[0].condition)
        for row in solutions:
            this = node_text(row["this"])
            value = str(row["value"]) if with_value else None
            for n in row["k"].value.split():
                item = self.items[int(n)]
                yield ValidationResult(
                    item.severity, this, item.path, item.shape, item.constraint, item.message, value
                )


def grouped_checks(items: Iterable[Item]) -> list[GroupedCheck]:
    """Few queries for all the items: per path, one for values and one for maximum counts;
    per target, one for minimum counts."""
    items = list(items)
    out = []
    by_path: dict[str, list[Item]] = {}
    for item in items:
        if item.condition or item.max_count is not None:
            by_path.setdefault(item.path, []).append(item)
    for path, group in sorted(by_path.items()):
        values = tuple(i for i in group if i.condition)
        if values:
            out.append(_scan(_values_query(path, values), values))
        maxima = tuple(i for i in group if i.max_count is not None)
        if maxima:
            out.append(_scan(_maxima_query(path, maxima), maxima))
    by_target: dict[str, list[Item]] = {}
    for item in items:
        if item.min_count:
            by_target.setdefault(item.target, []).append(item)
    for target, group in sorted(by_target.items()):
        minima = tuple(group)
        out.append(_check(*anchored(_minima_query(minima), target), minima))
    return out


def _scan(focused: str, items: tuple[Item, ...]) -> GroupedCheck:
    """The check of a query that scans a path: over the whole store, from every subject."""
    return _check(focused.replace(FOCUS, ""), focused, items)


def _check(full: str, focused: str, items: tuple[Item, ...]) -> GroupedCheck:
    return GroupedCheck(full, focused, _union_classes(items), items)


def _flags(tests: Iterable[str]) -> str:
    """``?k``: the numbers of the items whose test is true, and rows with none filtered out."""
    flags = ", ".join(f'IF({t}, " {n}", "")' for n, t in enumerate(tests))
    return f'BIND(CONCAT({flags}, "") AS ?k) FILTER(?k != "")'


def _values_query(path: str, items: tuple[Item, ...]) -> str:
    tests = (f"COALESCE({i.condition}, true) && EXISTS {{ {i.target} }}" for i in items)
    return (
        f"SELECT DISTINCT ?this ?value ?k WHERE {{ {FOCUS} ?this {path} ?value . {_flags(tests)} }}"
    )


def _maxima_query(path: str, items: tuple[Item, ...]) -> str:
    tests = (f"?n > {i.max_count} && EXISTS {{ {i.target} }}" for i in items)
    least = min(i.max_count or 0 for i in items)
    return (
        f"SELECT ?this ?k WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
        f"WHERE {{ {FOCUS} ?this {path} ?v }} GROUP BY ?this }} FILTER(?n > {least}) "
        f"{_flags(tests)} }}"
    )


def _minima_query(items: tuple[Item, ...]) -> str:
    def has_enough(n: int, item: Item) -> str:
        vs = [f"?_m{n}_{j}" for j in range(item.min_count or 0)]
        return f"EXISTS {{ {distinct_values('?this', item.path, vs)} }}"

    # the flag is set when the item has too few values
    flags = ", ".join(f'IF({has_enough(n, i)}, "", " {n}")' for n, i in enumerate(items))
    return (
        f"SELECT DISTINCT ?this ?k WHERE {{ {TARGET} "
        f'BIND(CONCAT({flags}, "") AS ?k) FILTER(?k != "") }}'
    )


def _union_classes(items: Iterable[Item]) -> frozenset[str] | None:
    out: set[str] = set()
    for item in items:
        if item.classes is None:
            return None
        out |= item.classes
    return frozenset(out)
