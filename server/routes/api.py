"""JSON-LD collections: ``/api/enterprises``, ``/api/documents``, ``/api/batches``, ``/api/regions``

Each answers a Hydra collection (https://www.hydra-cg.com/spec/latest/core/) compacted with our
published @context: ``hydra:member`` for the page's items with their own statements,
``hydra:totalItems``, and a ``hydra:PartialCollectionView`` with ``hydra:next``, also sent as
``Link: rel="next"``. Pages are keyset-paged on the member IRI (``after=``), so a page costs the
same wherever it is and stays stable while data is added. Turtle and N-Triples of the same triples
are negotiable. ``status`` and ``asOf`` use the one definition in ``ontology.temporal``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ontology.iris import Iris
from ontology.namespaces import HYDRA, LG, RDF
from ontology.store import GraphStore
from ontology.temporal import HOLDS_ON, date_literal, status_on
from server.conneg import HTML, JSON_LD_COMPACTED, N_TRIPLES, TURTLE, negotiate
from server.deps import IrisDep, StoreDep
from server.describe import compact_jsonld, label_map, pick
from server.problems import Problem
from server.render import (
    CACHE_CONTROL,
    SERIALIZATION_PREFIXES,
    UI,
    choose_lang,
    context_url,
    page,
)

router = APIRouter(prefix="/api", tags=["collections"])

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
# JSON-LD first: clients sending */* get data; browsers name text/html and get a page
API_OFFERS = (JSON_LD_COMPACTED, TURTLE, N_TRIPLES, HTML)
STATUSES = {
    "active": LG.StatusActive,
    "expired": LG.StatusExpired,
    "revoked": LG.StatusRevoked,
    "not-renewed": LG.StatusNotRenewed,
}
TIERS = {
    "little-giant": LG.LittleGiant,
    "key-little-giant": LG.KeyLittleGiant,
    "littlegiant": LG.LittleGiant,
    "keylittlegiant": LG.KeyLittleGiant,
}
HYDRA_CONTEXT = {
    "hydra": str(HYDRA),
    "Collection": "hydra:Collection",
    "PartialCollectionView": "hydra:PartialCollectionView",
    "member": {"@id": "hydra:member", "@type": "@id"},
    "totalItems": {"@id": "hydra:totalItems", "@type": "xsd:integer"},
    "view": {"@id": "hydra:view", "@type": "@id"},
    "first": {"@id": "hydra:first", "@type": "@id"},
    "next": {"@id": "hydra:next", "@type": "@id"},
}
_DESIGNATION_SUMMARY = frozenset(
    str(p) for p in (LG.holder, LG.tier, LG.batch, LG.validFrom, LG.validUntil)
)
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
_L = str(LG)


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


def sparql_string(value: str) -> str:
    """A SPARQL string literal holding ``value`` exactly (every special character escaped)."""
    return json.dumps(value, ensure_ascii=False)


def _iri_under_base(iris: Iris, value: str, kinds: tuple[str, ...]) -> str:
    parsed = iris.parse(value)
    if parsed is None or parsed.kind not in kinds:
        raise BadFilter(f"{value!r} is not one of our {'/'.join(kinds)} IRIs")
    return value


def region_pattern(store: GraphStore, iris: Iris, value: str) -> str:
    """SPARQL binding ``?e``'s region to the one asked (IRI, GB code or label), provinces
    including their planned cities."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        regions = [_iri_under_base(iris, value, ("province", "region"))]
    elif value.isdigit() and len(value) == 6:
        rows = store.query(f"SELECT ?r WHERE {{ ?r <{_L}gbCode> {sparql_string(value)} }}")
        regions = [row["r"].value for row in rows]  # type: ignore[attr-defined]
    elif _SAFE_LOCAL.match(value) and not value.isdigit():
        regions = [str(iris.region(value))] if value == "xpcc" else []
        regions += _regions_by_label(store, value)
    else:
        regions = _regions_by_label(store, value)
    if not regions:
        raise BadFilter(f"region={value!r} names no reporting region (give a GB code or a name)")
    values = " ".join(f"<{r}>" for r in regions)
    return f"""VALUES ?_want {{ {values} }}
      {{ ?e <{_L}reportingRegion> ?_want }} UNION
      {{ ?e <{_L}reportingRegion> ?_city . ?_city <{_L}withinProvince> ?_want }}"""


def _regions_by_label(store: GraphStore, label: str) -> list[str]:
    literal = sparql_string(label.strip().lower())
    rows = store.query(
        f"""SELECT DISTINCT ?r WHERE {{ ?r a <{_L}ReportingRegion> .
          {{ ?r <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}
          UNION {{ ?r <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
          FILTER (LCASE(STR(?l)) = {literal} || STRSTARTS(LCASE(STR(?l)), {literal})) }}"""
    )
    return [row["r"].value for row in rows]  # type: ignore[attr-defined]


def batch_value(iris: Iris, value: str) -> str:
    """The batch IRI a ``batch=`` value names (ordinal, or the IRI)."""
    value = value.strip()
    if value.isdigit():
        return str(iris.batch(int(value)))
    if value.startswith(("http://", "https://")):
        return _iri_under_base(iris, value, ("batch",))
    raise BadFilter(f"batch={value!r}: give the batch number (1, 2, …) or its IRI")


def tier_value(value: str) -> str:
    """The tier IRI a ``tier=`` value names (slug, local name or IRI)."""
    key = value.strip()
    if key.startswith(_L) and key[len(_L) :] in ("LittleGiant", "KeyLittleGiant"):
        return key
    tier = TIERS.get(key.lower().replace("_", "-")) or TIERS.get(key.lower())
    if tier is None:
        raise BadFilter(f"tier={value!r}: one of {', '.join(sorted(TIERS)[:2])} or the tier IRI")
    return str(tier)


def enterprise_where(store: GraphStore, iris: Iris, f: Filters) -> str:
    """The WHERE body selecting enterprises ``?e`` that pass the filters."""
    parts = [f"?e a <{_L}Enterprise> ."]
    if f.region:
        parts.append(region_pattern(store, iris, f.region))
    if f.q:
        parts.append(
            f"""FILTER EXISTS {{
                VALUES ?_np {{ <{_L}legalName> <{_L}englishName> <{_L}formerName> }}
                ?e ?_np ?_n FILTER (CONTAINS(LCASE(STR(?_n)), {sparql_string(f.q.lower())})) }}"""
        )
    needs_designation = f.batch or f.tier or f.status or f.as_of
    if needs_designation:
        inner = ["?d <" + _L + "holder> ?e ."]
        if f.batch:
            inner.append(f"?d <{_L}batch> <{batch_value(iris, f.batch)}> .")
        if f.tier:
            inner.append(f"?d <{_L}tier> <{tier_value(f.tier)}> .")
        day = f.as_of or dt.datetime.now(dt.UTC).date()
        if f.status:
            inner.append(status_on(day))
            inner.append(f"FILTER (?status = <{STATUSES[f.status]}>)")
        elif f.as_of:
            inner.append(f"?d <{_L}validFrom> ?_from . BIND ({date_literal(day)} AS ?D)")
            inner.append(HOLDS_ON)
        # a join, not FILTER EXISTS: pyoxigraph re-evaluates the status for every row of an
        # EXISTS (tens of seconds at 20k enterprises); the callers select DISTINCT ?e anyway
        parts.extend(inner)
    return "\n".join(parts)


@dataclass(frozen=True)
class CollectionKind:
    """One collection: its path, member class and which filters it understands."""

    name: str
    cls: str
    filters: tuple[str, ...]
    where: Callable[[GraphStore, Iris, Filters], str]


def _simple_where(
    cls: str, title_props: tuple[str, ...]
) -> Callable[[GraphStore, Iris, Filters], str]:
    def where(store: GraphStore, iris: Iris, f: Filters) -> str:
        parts = [f"?e a <{cls}> ."]
        if f.q:
            props = " ".join(f"<{p}>" for p in title_props)
            parts.append(
                f"""FILTER EXISTS {{ VALUES ?_np {{ {props} }} ?e ?_np ?_n
                    FILTER (CONTAINS(LCASE(STR(?_n)), {sparql_string(f.q.lower())})) }}"""
            )
        if f.batch and cls == str(LG.RegulatoryDocument):
            parts.append(f"?e <{_L}announces> <{batch_value(iris, f.batch)}> .")
        if f.tier and cls == str(LG.Batch):
            parts.append(f"?e <{_L}tier> <{tier_value(f.tier)}> .")
        return "\n".join(parts)

    return where


_LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
KINDS = {
    "enterprises": CollectionKind(
        "enterprises",
        str(LG.Enterprise),
        ("region", "batch", "tier", "status", "q", "asOf"),
        enterprise_where,
    ),
    "documents": CollectionKind(
        "documents",
        str(LG.RegulatoryDocument),
        ("q", "batch"),
        _simple_where(
            str(LG.RegulatoryDocument),
            (str(LG.documentNumber), "http://purl.org/dc/terms/title", str(LG.titleTranslation)),
        ),
    ),
    "batches": CollectionKind(
        "batches", str(LG.Batch), ("q", "tier"), _simple_where(str(LG.Batch), _LABELS)
    ),
    "regions": CollectionKind(
        "regions",
        str(LG.ReportingRegion),
        ("q",),
        _simple_where(str(LG.ReportingRegion), _LABELS),
    ),
}


def _members(store: GraphStore, where: str, after: str | None, limit: int) -> list[str]:
    keyset = f"FILTER (STR(?e) > {sparql_string(after)})" if after else ""
    rows = store.query(
        f"SELECT DISTINCT ?e WHERE {{ {where}\n{keyset} }} ORDER BY STR(?e) LIMIT {limit + 1}"
    )
    return [row["e"].value for row in rows]  # type: ignore[attr-defined]


def _total(store: GraphStore, where: str) -> int:
    rows = list(store.query(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}"))  # type: ignore[call-overload]
    return int(rows[0]["n"].value) if rows else 0


def _member_triples(store: GraphStore, iris: list[str], kind: str, day: dt.date) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    for iri in iris:
        quads = store.quads(ox.NamedNode(iri), None, None, None)
        out.extend(q.triple for q in quads if not isinstance(q.object, ox.BlankNode))
    if kind == "enterprises" and iris:
        # one query for the page: each member's designations with their status on the day
        values = " ".join(f"<{i}>" for i in iris)
        # designations first, then their own statements: a VALUES join on the predicate
        # makes pyoxigraph scan every triple (1.5 s at 20k enterprises)
        rows = store.query(
            f"SELECT DISTINCT ?d WHERE {{ VALUES ?e {{ {values} }} ?d <{_L}holder> ?e }}"
        )
        for row in rows:  # type: ignore[attr-defined]
            for quad in store.quads(row["d"], None, None, None):
                if quad.predicate.value in _DESIGNATION_SUMMARY:
                    out.append(quad.triple)
        statuses = store.query(
            f"""SELECT ?d ?status WHERE {{ VALUES ?e {{ {values} }} ?d <{_L}holder> ?e .
              {status_on(day)} }}"""
        )
        status = ox.NamedNode(str(LG.status))
        for row in statuses:  # type: ignore[attr-defined]
            if row["status"] is not None:
                out.append(ox.Triple(row["d"], status, row["status"]))
    return list(dict.fromkeys(out))


def _page_url(request: Request, **changes: str | None) -> str:
    params = dict(request.query_params)
    params.update({k: v for k, v in changes.items() if v is not None})
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
    query = urlencode(sorted(params.items()))
    return request.url.path + (f"?{query}" if query else "")


def collection(
    request: Request,
    store: GraphStore,
    iris: Iris,
    kind: CollectionKind,
    f: Filters,
    after: str | None,
    limit: int,
) -> Response:
    """Answer one page of a collection, negotiated between JSON-LD, Turtle and N-Triples."""
    given = {
        k for k in ("region", "batch", "tier", "status", "q", "asOf") if request.query_params.get(k)
    }
    unknown = given - set(kind.filters)
    if unknown:
        raise BadFilter(
            f"/api/{kind.name} has no filter {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(kind.filters)}"
        )
    if after is not None and not after.startswith(iris.base + "/"):
        raise BadFilter("after= takes the IRI of the last member of the previous page")
    offer = negotiate(request.headers.get("accept"), API_OFFERS)
    where = kind.where(store, iris, f)
    found = _members(store, where, after, limit)
    members, more = found[:limit], len(found) > limit
    total = _total(store, where)
    base_url = iris.base
    # the view always names its page size, so it never shares the collection's IRI
    this = base_url + _page_url(request, limit=str(limit))
    first = base_url + _page_url(request, after=None, limit=str(limit))
    coll_iri = base_url + _page_url(request, after=None, limit=None)
    next_path = (
        _page_url(request, after=members[-1], limit=str(limit)) if more and members else None
    )
    next_url = base_url + next_path if next_path else None
    coll = ox.NamedNode(coll_iri)
    view = ox.NamedNode(this)
    triples = [
        ox.Triple(coll, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(HYDRA.Collection))),
        ox.Triple(
            coll,
            ox.NamedNode(str(HYDRA.totalItems)),
            ox.Literal(
                str(total), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            ),
        ),
        ox.Triple(coll, ox.NamedNode(str(HYDRA.view)), view),
        ox.Triple(
            view, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(HYDRA.PartialCollectionView))
        ),
        ox.Triple(view, ox.NamedNode(str(HYDRA.first)), ox.NamedNode(first)),
    ]
    if next_url:
        triples.append(ox.Triple(view, ox.NamedNode(str(HYDRA.next)), ox.NamedNode(next_url)))
    day = f.as_of or dt.datetime.now(dt.UTC).date()
    for iri in members:
        triples.append(ox.Triple(coll, ox.NamedNode(str(HYDRA.member)), ox.NamedNode(iri)))
    triples.extend(_member_triples(store, members, kind.name, day))
    headers = {
        "Vary": "Accept",
        "Cache-Control": CACHE_CONTROL,
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Link, ETag",
    }
    links = [f'<{first.removeprefix(base_url)}>; rel="first"']
    if next_path:
        links.append(f'<{next_path}>; rel="next"')
    headers["Link"] = ", ".join(links)
    if offer is HTML:
        body = _html_page(request, store, iris, kind, members, total, next_path)
        headers["Vary"] = "Accept, Accept-Language"
    elif offer is JSON_LD_COMPACTED:
        body = json.dumps(
            compact_jsonld(triples, context_url(iris.base), HYDRA_CONTEXT),
            ensure_ascii=False,
            indent=2,
        ).encode()
    else:
        fmt = offer.format
        if not isinstance(fmt, ox.RdfFormat):
            raise TypeError(f"{offer.media_type} is not an RDF format")
        prefixes = SERIALIZATION_PREFIXES if fmt is ox.RdfFormat.TURTLE else None
        body = ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers["ETag"] = etag
    if request.headers.get("if-none-match") in (etag, "W/" + etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=offer.content_type, headers=headers)


def _html_page(
    request: Request,
    store: GraphStore,
    iris: Iris,
    kind: CollectionKind,
    members: list[str],
    total: int,
    next_path: str | None,
) -> bytes:
    lang = choose_lang(request)
    labels = label_map(store, members)
    items = [
        {"href": iris.relative(m) or m, "label": pick(labels.get(m), lang, m.rsplit("/", 1)[-1])}
        for m in members
    ]
    response = page(
        request,
        "collection.html",
        lang=lang,
        name=UI[kind.name][lang],
        items=items,
        total=total,
        next_href=next_path,
        filters=[(k, request.query_params.get(k, "")) for k in kind.filters],
    )
    return bytes(response.body)


def _filters(
    region: str | None,
    batch: str | None,
    tier: str | None,
    status: str | None,
    q: str | None,
    as_of: str | None,
) -> Filters:
    if status is not None and status not in STATUSES:
        raise BadFilter(f"status={status!r}: one of {', '.join(STATUSES)}")
    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise BadFilter(f"asOf={as_of!r} is not a date of the form YYYY-MM-DD") from None
    return Filters(region or None, batch or None, tier or None, status, q or None, day)


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="members per page")]
After = Annotated[str | None, Query(description="IRI of the last member of the previous page")]
Region = Annotated[str | None, Query(description="GB/T 2260 code, region name or IRI")]
Batch = Annotated[str | None, Query(description="batch number or IRI")]
Tier = Annotated[str | None, Query(description="little-giant or key-little-giant")]
Status = Annotated[str | None, Query(description="active, expired, revoked or not-renewed")]
Q = Annotated[str | None, Query(max_length=200, description="name or title substring")]
AsOf = Annotated[str | None, Query(alias="asOf", description="date (YYYY-MM-DD) for status")]


@router.get("/enterprises")
def list_enterprises(
    request: Request,
    store: StoreDep,
    iris: IrisDep,
    region: Region = None,
    batch: Batch = None,
    tier: Tier = None,
    status: Status = None,
    q: Q = None,
    as_of: AsOf = None,
    after: After = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    """Enterprises, with their designations and each one's status on ``asOf`` (default today)."""
    f = _filters(region, batch, tier, status, q, as_of)
    return collection(request, store, iris, KINDS["enterprises"], f, after, limit)


@router.get("/documents")
def list_documents(
    request: Request,
    store: StoreDep,
    iris: IrisDep,
    q: Q = None,
    batch: Batch = None,
    after: After = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    """Regulatory documents (``batch`` = the documents announcing that batch)."""
    f = _filters(None, batch, None, None, q, None)
    return collection(request, store, iris, KINDS["documents"], f, after, limit)


@router.get("/batches")
def list_batches(
    request: Request,
    store: StoreDep,
    iris: IrisDep,
    q: Q = None,
    tier: Tier = None,
    after: After = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    """Batches of designations."""
    f = _filters(None, None, tier, None, q, None)
    return collection(request, store, iris, KINDS["batches"], f, after, limit)


@router.get("/regions")
def list_regions(
    request: Request,
    store: StoreDep,
    iris: IrisDep,
    q: Q = None,
    after: After = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    """Reporting regions: provinces, separately-planned cities and the XPCC."""
    f = _filters(None, None, None, None, q, None)
    return collection(request, store, iris, KINDS["regions"], f, after, limit)
