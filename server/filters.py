"""Collection filters (``region``, ``batch``, ``tier``, ``status``, ``q``, ``asOf``) → SPARQL.

Each collection takes the filters its row of :data:`KINDS` names; the dependencies below parse
them once per request, and ``where`` turns them into the WHERE body selecting members ``?e``.
``status`` and ``asOf`` use the one definition in ``ontology.temporal``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

from ontology.iris import TIER_SLUGS, Iris
from ontology.namespaces import DCTERMS, LG, RDFS, SKOS
from ontology.store import GraphStore
from ontology.temporal import HOLDS_ON, date_literal, status_on
from server.problems import Problem
from server.store_results import iris_of, select

STATUSES = {
    "active": LG.StatusActive,
    "expired": LG.StatusExpired,
    "revoked": LG.StatusRevoked,
    "not-renewed": LG.StatusNotRenewed,
    "unknown": LG.StatusUnknown,
}
# the designation IRIs' tier slugs, also accepted without their hyphens
TIERS = {**TIER_SLUGS, **{slug.replace("-", ""): tier for slug, tier in TIER_SLUGS.items()}}
ALL_FILTERS = ("region", "batch", "tier", "status", "q", "asOf")


class BadFilter(Problem):
    status, type_slug, title = 400, "bad-filter", "Unusable collection filter"


@dataclass(frozen=True)
class Filters:
    """The filters a request gave, checked."""

    region: str | None = None
    batch: str | None = None
    tier: str | None = None
    status: str | None = None
    q: str | None = None
    as_of: dt.date | None = None

    def day(self) -> dt.date:
        """The date statuses are computed on: ``asOf``, or today."""
        return self.as_of or dt.datetime.now(dt.UTC).date()


def parse_filters(
    region: str | None = None,
    batch: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    q: str | None = None,
    as_of: str | None = None,
) -> Filters:
    """Check the filter values a request gave (empty values count as absent).

    Raises:
        BadFilter: an unknown status or a date that is not YYYY-MM-DD.
    """
    if status is not None and status not in STATUSES:
        raise BadFilter(f"status={status!r}: one of {', '.join(STATUSES)}")
    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise BadFilter(f"asOf={as_of!r} is not a date of the form YYYY-MM-DD") from None
    return Filters(region or None, batch or None, tier or None, status, q or None, day)


# -- the query parameters, declared once; each collection's dependency takes its own
Region = Annotated[str | None, Query(description="GB/T 2260 code, region name or IRI")]
Batch = Annotated[str | None, Query(description="batch number or IRI")]
Tier = Annotated[str | None, Query(description="little-giant or key-little-giant")]
Status = Annotated[
    str | None, Query(description="active, expired, revoked, not-renewed or unknown")
]
Q = Annotated[str | None, Query(max_length=200, description="name or title substring")]
AsOf = Annotated[str | None, Query(alias="asOf", description="date (YYYY-MM-DD) for status")]


def enterprise_filters(
    region: Region = None,
    batch: Batch = None,
    tier: Tier = None,
    status: Status = None,
    q: Q = None,
    as_of: AsOf = None,
) -> Filters:
    return parse_filters(region, batch, tier, status, q, as_of)


def document_filters(q: Q = None, batch: Batch = None) -> Filters:
    return parse_filters(batch=batch, q=q)


def batch_filters(q: Q = None, tier: Tier = None) -> Filters:
    return parse_filters(tier=tier, q=q)


def region_filters(q: Q = None) -> Filters:
    return parse_filters(q=q)


# -- values → IRIs
def sparql_string(value: str) -> str:
    """A SPARQL string literal holding ``value`` exactly (every special character escaped)."""
    return json.dumps(value, ensure_ascii=False)


def _our_iri(iris: Iris, value: str, kinds: tuple[str, ...]) -> str:
    parsed = iris.parse(value)
    if parsed is None or parsed.kind not in kinds:
        raise BadFilter(f"{value!r} is not one of our {'/'.join(kinds)} IRIs")
    return value


def regions_named(store: GraphStore, iris: Iris, value: str) -> list[str]:
    """The reporting regions ``value`` names: an IRI, a GB/T 2260 code, ``xpcc`` or a label."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return [_our_iri(iris, value, ("province", "region"))]
    if value.isdigit() and len(value) == 6:
        rows = select(store, f"SELECT ?r WHERE {{ ?r <{LG.gbCode}> {sparql_string(value)} }}")
        return iris_of(rows, "r")
    found = [str(iris.region(value))] if value == "xpcc" else []
    return found + _regions_by_label(store, value)


def _regions_by_label(store: GraphStore, label: str) -> list[str]:
    literal = sparql_string(label.strip().lower())
    rows = select(
        store,
        f"""SELECT DISTINCT ?r WHERE {{ ?r a <{LG.ReportingRegion}> .
          {{ ?r <{SKOS.prefLabel}> ?l }} UNION {{ ?r <{RDFS.label}> ?l }}
          FILTER (LCASE(STR(?l)) = {literal} || STRSTARTS(LCASE(STR(?l)), {literal})) }}""",
    )
    return iris_of(rows, "r")


def batch_iri(iris: Iris, value: str) -> str:
    """The batch IRI a ``batch=`` value names (ordinal, or the IRI)."""
    value = value.strip()
    if value.isdigit():
        return str(iris.batch(int(value)))
    if value.startswith(("http://", "https://")):
        return _our_iri(iris, value, ("batch",))
    raise BadFilter(f"batch={value!r}: give the batch number (1, 2, …) or its IRI")


def tier_iri(value: str) -> str:
    """The tier IRI a ``tier=`` value names (slug, local name or IRI)."""
    key = value.strip()
    if key in (str(LG.LittleGiant), str(LG.KeyLittleGiant)):
        return key
    tier = TIERS.get(key.lower().replace("_", "-")) or TIERS.get(key.lower())
    if tier is None:
        raise BadFilter(f"tier={value!r}: one of {', '.join(TIER_SLUGS)} or the tier IRI")
    return str(tier)


# -- filters → WHERE bodies
def _name_filter(properties: tuple[str, ...], q: str) -> str:
    props = " ".join(f"<{p}>" for p in properties)
    return f"""FILTER EXISTS {{ VALUES ?_np {{ {props} }} ?e ?_np ?_n
        FILTER (CONTAINS(LCASE(STR(?_n)), {sparql_string(q.lower())})) }}"""


def enterprise_where(store: GraphStore, iris: Iris, f: Filters) -> str:
    """The WHERE body selecting enterprises ``?e`` that pass the filters."""
    parts = [f"?e a <{LG.Enterprise}> ."]
    if f.region:
        regions = regions_named(store, iris, f.region)
        if not regions:
            raise BadFilter(
                f"region={f.region!r} names no reporting region (give a GB code or a name)"
            )
        values = " ".join(f"<{r}>" for r in regions)
        # a province includes the planned cities within it
        parts.append(f"""VALUES ?_want {{ {values} }}
          {{ ?e <{LG.reportingRegion}> ?_want }} UNION
          {{ ?e <{LG.reportingRegion}> ?_city . ?_city <{LG.withinProvince}> ?_want }}""")
    if f.q:
        parts.append(_name_filter((LG.legalName, LG.englishName, LG.formerName), f.q))
    if f.batch or f.tier or f.status or f.as_of:
        # a join, not FILTER EXISTS: pyoxigraph re-evaluates the status for every row of an
        # EXISTS (tens of seconds at 20k enterprises); the callers select DISTINCT ?e anyway
        parts.append(f"?d <{LG.holder}> ?e .")
        if f.batch:
            parts.append(f"?d <{LG.batch}> <{batch_iri(iris, f.batch)}> .")
        if f.tier:
            parts.append(f"?d <{LG.tier}> <{tier_iri(f.tier)}> .")
        if f.status:
            parts.append(status_on(f.day()))
            parts.append(f"FILTER (?status = <{STATUSES[f.status]}>)")
        elif f.as_of:
            parts.append(f"BIND ({date_literal(f.day())} AS ?D)")
            parts.append(HOLDS_ON)
    return "\n".join(parts)


def _titled_where(cls: str, titles: tuple[str, ...]) -> Callable[[GraphStore, Iris, Filters], str]:
    def where(store: GraphStore, iris: Iris, f: Filters) -> str:
        parts = [f"?e a <{cls}> ."]
        if f.q:
            parts.append(_name_filter(titles, f.q))
        if f.batch:  # documents: those announcing the batch
            parts.append(f"?e <{LG.announces}> <{batch_iri(iris, f.batch)}> .")
        if f.tier:  # batches: those of the tier
            parts.append(f"?e <{LG.tier}> <{tier_iri(f.tier)}> .")
        return "\n".join(parts)

    return where


@dataclass(frozen=True)
class CollectionKind:
    """One collection: its name (path and UI string), member class and the filters it takes."""

    name: str
    cls: str
    filters: tuple[str, ...]
    where: Callable[[GraphStore, Iris, Filters], str]


_LABELS = (str(RDFS.label), str(SKOS.prefLabel))
_DOCUMENT_TITLES = (str(LG.documentNumber), str(DCTERMS.title), str(LG.titleTranslation))
KINDS = {
    kind.name: kind
    for kind in (
        CollectionKind("enterprises", str(LG.Enterprise), ALL_FILTERS, enterprise_where),
        CollectionKind(
            "documents",
            str(LG.RegulatoryDocument),
            ("q", "batch"),
            _titled_where(str(LG.RegulatoryDocument), _DOCUMENT_TITLES),
        ),
        CollectionKind(
            "batches", str(LG.Batch), ("q", "tier"), _titled_where(str(LG.Batch), _LABELS)
        ),
        CollectionKind(
            "regions",
            str(LG.ReportingRegion),
            ("q",),
            _titled_where(str(LG.ReportingRegion), _LABELS),
        ),
    )
}
