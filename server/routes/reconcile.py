"""Reconciliation service for OpenRefine and friends (Reconciliation Service API v0.2).

https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/ : GET
``/reconcile`` answers the manifest; ``queries=`` (POST form, or GET) carries a JSON batch
``{"q0": {"query": ..., "type": ..., "limit": ..., "properties": [{"pid": ..., "v": ...}]}}`` and
gets ``{"q0": {"result": [{"id", "name", "type", "score", "match", "description"}]}}``. Preview,
suggest (entity, property, type) and CORS are there; a batch larger than the limit gets 413 and
more concurrent batches than ``LG_RECONCILE_MAX_CONCURRENT`` get 429 with ``Retry-After``.
Data extension (``extend=``, ``/reconcile/extend/propose``) lives in ``server.reconcile_extend``;
suggestions find any part of a name (``server.search``) and describe a firm by region and batch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, Response

from ontology.iris import Iris
from ontology.namespaces import LG
from server import reconcile_extend
from server.deps import StateDep
from server.i18n import ui_strings
from server.links import Links, links_for
from server.matching import Candidate, NameIndex
from server.observe import CLIENT
from server.pages.common import PageContext
from server.problems import NotFound, PayloadTooLarge, Problem, TooManyRequests
from server.render import get_and_head, language, represent_page
from server.search import shared_index as search_index
from server.state import AppState

router = APIRouter(tags=["reconciliation"])

MAX_QUERIES = 100  # what one request may carry
BATCH_SIZE = MAX_QUERIES  # what the manifest tells clients they may send
MAX_LIMIT = 25
SUGGEST_PAGE = 10
TYPE = {"id": str(LG.Enterprise), "name": "Enterprise / 企业"}
PROPERTIES = (
    {"id": "region", "name": "Reporting region / 省份 (name, GB/T 2260 code or IRI)"},
    {"id": "uscc", "name": "Unified Social Credit Code / 统一社会信用代码"},
    {"id": "batch", "name": "Little Giant batch / 批次 (1, 第一批 or IRI)"},
)
_PID_ALIASES = {
    "region": "region",
    "province": "region",
    "reportingregion": "region",
    str(LG.reportingRegion).lower(): "region",
    "省份": "region",
    "地区": "region",
    "uscc": "uscc",
    "creditcode": "uscc",
    str(LG.uscc).lower(): "uscc",
    "统一社会信用代码": "uscc",
    "batch": "batch",
    str(LG.batch).lower(): "batch",
    "批次": "batch",
}


class BadQueries(Problem):
    status, type_slug, title = 400, "bad-reconciliation-query", "Malformed reconciliation query"


def manifest(links: Links) -> dict[str, object]:
    """The service manifest (v0.2): identifiers canonical, every URL on the serving host."""
    root = links.root
    space = str(links.iris.uri_space("enterprise"))
    return {
        "versions": ["0.1", "0.2"],
        "name": "Little Giant KG enterprises (专精特新“小巨人”企业)",
        "identifierSpace": space,
        "schemaSpace": str(LG),
        "documentation": f"{root}/docs#/reconciliation",
        "defaultTypes": [TYPE],
        "batchSize": BATCH_SIZE,
        "view": {"url": links.url("/id/enterprise/{{id}}")},
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 200},
        "suggest": {
            "entity": {"service_url": root, "service_path": "/reconcile/suggest/entity"},
            "property": {"service_url": root, "service_path": "/reconcile/suggest/property"},
            "type": {"service_url": root, "service_path": "/reconcile/suggest/type"},
        },
        "extend": {
            "propose_properties": {
                "service_url": root,
                "service_path": "/reconcile/extend/propose",
            },
            "property_settings": reconcile_extend.SETTINGS,
        },
    }


def _hints(properties: object) -> dict[str, list[str]]:
    hints: dict[str, list[str]] = {}
    if properties is None:
        return hints
    if not isinstance(properties, list):
        raise BadQueries("properties must be a list of {pid, v}")
    for prop in properties:
        if not isinstance(prop, dict):
            raise BadQueries("each property must be an object with pid and v")
        pid = _PID_ALIASES.get(str(prop.get("pid", "")).strip().lower())
        if pid is None:
            continue  # an unknown property is no evidence either way
        values = prop.get("v")
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):
                value = value.get("id") or value.get("name")
            if value is not None and str(value).strip():
                hints.setdefault(pid, []).append(str(value))
    return hints


def _result(c: Candidate) -> dict[str, object]:
    e = c.entry
    region = ", ".join(e.region_codes)
    description = " · ".join(
        x for x in (e.uscc, region, ", ".join(n for n in e.english if n != e.name)) if x
    )
    return {
        "id": e.key,
        "name": e.name,
        "type": [TYPE],
        "score": c.score,
        "match": c.match,
        "description": description,
    }


def run_batch(index: NameIndex, raw: str) -> dict[str, object]:
    """Answer one batch of queries (the JSON of ``queries=``).

    Raises:
        BadQueries: the batch is not a JSON object of query objects.
        PayloadTooLarge: more than MAX_QUERIES queries.
    """
    try:
        batch = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise BadQueries("queries is nested too deeply to be a reconciliation batch") from None
    except ValueError as exc:
        raise BadQueries(f"queries is not JSON: {str(exc)[:200]}") from None
    if not isinstance(batch, dict):
        raise BadQueries('queries must be a JSON object like {"q0": {"query": "..."}}')
    if len(batch) > MAX_QUERIES:
        raise PayloadTooLarge(f"{len(batch)} queries in one batch; the limit is {MAX_QUERIES}")
    out: dict[str, object] = {}
    for qid, q in batch.items():
        if isinstance(q, str):
            q = {"query": q}
        if not isinstance(q, dict) or not isinstance(q.get("query", ""), str):
            raise BadQueries(f"query {qid!r} must be an object with a string 'query'")
        wanted = q.get("type")
        if wanted not in (None, "", TYPE["id"], "Enterprise") and q.get("type_strict") == "all":
            out[qid] = {"result": []}
            continue
        try:
            limit = max(1, min(MAX_LIMIT, int(q.get("limit") or 5)))
        except (TypeError, ValueError, OverflowError):
            raise BadQueries(f"query {qid!r}: limit must be an integer") from None
        candidates = index.candidates(q.get("query", ""), _hints(q.get("properties")), limit)
        out[qid] = {"result": [_result(c) for c in candidates]}
    return out


def _finite(text: str) -> float:
    """A JSON number as a float; one too large for a float (``1e400``) is refused."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} is not JSON")


def _json(body: Mapping[str, object], status: int = 200) -> JSONResponse:
    return JSONResponse(dict(body), status_code=status)


def _answer(
    request: Request, state: AppState, queries: str | None, extend: str | None = None
) -> JSONResponse:
    if extend is not None:
        lang = language(request).tag
        iri_of = lambda i: _iri_of(state.iris, i)  # noqa: E731
        return _json(reconcile_extend.extend(state.store, state.iris, lang, extend, iri_of))
    if queries is None:
        return _json(manifest(links_for(request, state.settings, state.iris)))
    client = request.scope.get("state", {}).get(CLIENT, "unknown")
    budget = state.settings.reconcile_budget
    over = state.ledger.check(client, "reconcile", budget, "reconciliation queries")
    if over is not None:
        raise TooManyRequests(over.message, headers={"Retry-After": str(over.retry_after_s)})
    slots = state.reconcile_slots
    if not slots.acquire(blocking=False):
        limit = state.settings.reconcile_max_concurrent
        raise TooManyRequests(
            f"more than {limit} batches at once; retry shortly", headers={"Retry-After": "1"}
        )
    try:
        answered = run_batch(state.name_index(), queries)
    finally:
        slots.release()
    state.ledger.charge(client, "reconcile", len(answered))
    return _json(answered)


@router.get("/reconcile")
def reconcile_get(
    request: Request,
    state: StateDep,
    queries: Annotated[str | None, Query()] = None,
    extend: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """The manifest, or a batch given as ``?queries=`` (the spec allows GET for small batches),
    or a data extension as ``?extend=``."""
    return _answer(request, state, queries, extend)


@router.post("/reconcile")
def reconcile_post(
    request: Request,
    state: StateDep,
    queries: Annotated[str | None, Form()] = None,
    extend: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """A batch of queries as OpenRefine sends it (form field ``queries`` holding JSON), or a data
    extension (form field ``extend``)."""
    if queries is None and extend is None:
        raise BadQueries("POST a form field 'queries' (or 'extend') holding the JSON")
    return _answer(request, state, queries, extend)


@router.options("/reconcile", include_in_schema=False)
def reconcile_options() -> Response:
    """The methods the service answers (CORS preflights are answered by ``server.cors``)."""
    return Response(status_code=204, headers={"Allow": "GET, POST, OPTIONS"})


@get_and_head(router, "/reconcile/preview")
def reconcile_preview(request: Request, state: StateDep, id: str) -> Response:
    """A small HTML card for one candidate (OpenRefine shows it in a pop-up).

    Raises:
        NotFound: the id names no enterprise the index holds.
    """
    entry = state.name_index().entries.get(_iri_of(state.iris, id))
    if entry is None:
        raise NotFound(f"No enterprise with the id {id!r}")
    lang = language(request)
    t = ui_strings(lang.tag)
    ctx = PageContext(state.store, state.iris, lang.tag)
    batches = [b for b in entry.batches if b.startswith(("http://", "https://"))]
    ctx.load([*entry.regions, *batches])
    facts = [
        *((t["legal_name"], n) for n in entry.names),
        *((t["english_name"], n) for n in entry.english),
        *((t["former_name"], n) for n in entry.former),
        *([(t["credit_code"], entry.uscc)] if entry.uscc else []),
        *((t["region"], ctx.label(r)) for r in entry.regions),
        *((t["batch"], label) for label in sorted(ctx.label(b) for b in batches)),
    ]
    href = state.iris.relative(entry.iri) or entry.iri
    values = {"name": entry.name, "href": href, "facts": facts}
    return represent_page(request, "preview.html", values, lang=lang)


def _iri_of(iris: Iris, id: str) -> str:
    """The enterprise IRI a reconciliation id names (its key, or the IRI itself)."""
    if id.startswith(("http://", "https://")):
        return id
    try:
        return str(iris.enterprise(id))
    except ValueError:  # not a key at all: nothing has it
        return ""


@router.get("/reconcile/suggest/entity")
def suggest_entity(
    request: Request,
    state: StateDep,
    prefix: Annotated[str, Query(min_length=1, max_length=200)],
    cursor: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """Firms whose names contain what the user typed, ranked as ``/search`` ranks them, each
    described by its region and batch (labels in the reader's language)."""
    hits = search_index(state).search(prefix, limit=cursor + SUGGEST_PAGE)[cursor:]
    ctx = PageContext(state.store, state.iris, language(request).tag)
    ctx.load(i for h in hits for i in (h.firm.region, *h.firm.batches) if i)
    result = [
        {
            "id": h.firm.key,
            "name": h.matched,
            "description": " · ".join(
                x
                for x in (
                    ctx.label(h.firm.region) if h.firm.region else "",
                    ", ".join(ctx.label(b) for b in h.firm.batches),
                    h.firm.uscc,
                )
                if x
            ),
        }
        for h in hits
    ]
    return _json({"result": result})


@router.get("/reconcile/extend/propose")
def extend_propose(
    type: Annotated[str, Query(max_length=500)] = str(LG.Enterprise),
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> JSONResponse:
    """The properties a client may add as columns (data extension's property proposals)."""
    return _json(reconcile_extend.propose(type, limit))


@router.get("/reconcile/suggest/property")
def suggest_property(prefix: Annotated[str, Query(max_length=200)] = "") -> JSONResponse:
    """The properties that work as hints."""
    wanted = prefix.lower()
    return _json(
        {"result": [p for p in PROPERTIES if wanted in p["id"] or wanted in p["name"].lower()]}
    )


@router.get("/reconcile/suggest/type")
def suggest_type(prefix: Annotated[str, Query(max_length=200)] = "") -> JSONResponse:
    """The one type of thing this service reconciles against."""
    return _json({"result": [TYPE]})
