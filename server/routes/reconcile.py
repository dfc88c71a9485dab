"""Reconciliation service for OpenRefine and friends (Reconciliation Service API v0.2).

https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/ : GET
``/reconcile`` answers the manifest; ``queries=`` (POST form, or GET) carries a JSON batch
``{"q0": {"query": ..., "type": ..., "limit": ..., "properties": [{"pid": ..., "v": ...}]}}`` and
gets ``{"q0": {"result": [{"id", "name", "type", "score", "match", "description"}]}}``. Preview,
suggest (entity, property, type) and CORS are there; a batch larger than the limit gets 413 and
more concurrent batches than the service runs at once get 429 with ``Retry-After``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ontology.namespaces import LG
from server.deps import IrisDep
from server.matching import Candidate, NameIndex
from server.problems import PayloadTooLarge, Problem, TooManyRequests
from server.render import choose_lang, environment

router = APIRouter(tags=["reconciliation"])

BATCH_SIZE = 10  # what the manifest asks clients to send
MAX_QUERIES = 100  # what one request may carry
MAX_CONCURRENT = 4  # batches matched at once; more get 429
MAX_LIMIT = 25
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type"}
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


def index_for(request: Request) -> NameIndex:
    """The name index of the store as it is now, rebuilt when a new generation is published."""
    store = request.app.state.store
    # an on-disk store names each published state; a memory store (tests) is counted instead,
    # since len() of a pyoxigraph store walks every quad
    generation = store.generation()
    stamp = (generation, len(store) if generation == "memory" else 0)
    cached = getattr(request.app.state, "name_index", None)
    if cached is None or cached[0] != stamp:
        with _lock(request):
            cached = getattr(request.app.state, "name_index", None)
            if cached is None or cached[0] != stamp:
                cached = (stamp, NameIndex.build(store))
                request.app.state.name_index = cached
    return cached[1]


def _lock(request: Request) -> threading.Lock:
    state = request.app.state
    if getattr(state, "reconcile_lock", None) is None:
        state.reconcile_lock = threading.Lock()
        state.reconcile_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
    return state.reconcile_lock


def _slots(request: Request) -> threading.BoundedSemaphore:
    _lock(request)
    return request.app.state.reconcile_slots


def manifest(request: Request, base: str) -> dict[str, object]:
    """The service manifest (v0.2), with URLs on the host the client called."""
    root = str(request.base_url).rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": "Little Giant KG enterprises (专精特新“小巨人”企业)",
        "identifierSpace": f"{base}/id/enterprise/",
        "schemaSpace": str(LG),
        "documentation": f"{root}/docs#/reconciliation",
        "defaultTypes": [TYPE],
        "batchSize": BATCH_SIZE,
        "view": {"url": f"{base}/id/enterprise/{{{{id}}}}"},
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 200},
        "suggest": {
            "entity": {"service_url": root, "service_path": "/reconcile/suggest/entity"},
            "property": {"service_url": root, "service_path": "/reconcile/suggest/property"},
            "type": {"service_url": root, "service_path": "/reconcile/suggest/type"},
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
    region = ", ".join(r.rsplit("/", 1)[-1] for r in e.regions)
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
        batch = json.loads(raw)
    except ValueError as exc:
        raise BadQueries(f"queries is not JSON: {exc}") from None
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
        except (TypeError, ValueError):
            raise BadQueries(f"query {qid!r}: limit must be an integer") from None
        candidates = index.candidates(q.get("query", ""), _hints(q.get("properties")), limit)
        out[qid] = {"result": [_result(c) for c in candidates]}
    return out


def _json(body: Mapping[str, object], status: int = 200) -> JSONResponse:
    return JSONResponse(dict(body), status_code=status, headers=CORS)


def _answer(request: Request, base: str, queries: str | None) -> JSONResponse:
    if queries is None:
        return _json(manifest(request, base))
    slots = _slots(request)
    if not slots.acquire(blocking=False):
        raise TooManyRequests(
            f"more than {MAX_CONCURRENT} batches at once; retry shortly",
            headers={"Retry-After": "1", **CORS},
        )
    try:
        return _json(run_batch(index_for(request), queries))
    finally:
        slots.release()


@router.get("/reconcile")
def reconcile_get(
    request: Request, iris: IrisDep, queries: Annotated[str | None, Query()] = None
) -> JSONResponse:
    """The manifest, or a batch given as ``?queries=`` (the spec allows GET for small batches)."""
    return _answer(request, iris.base, queries)


@router.post("/reconcile")
def reconcile_post(
    request: Request, iris: IrisDep, queries: Annotated[str | None, Form()] = None
) -> JSONResponse:
    """A batch of queries as OpenRefine sends it: form field ``queries`` holding JSON."""
    if queries is None:
        raise BadQueries("POST a form field 'queries' holding the JSON batch")
    return _answer(request, iris.base, queries)


@router.options("/reconcile", include_in_schema=False)
def reconcile_options() -> Response:
    """CORS preflight for browser clients that post JSON."""
    return Response(status_code=204, headers={**CORS, "Access-Control-Allow-Methods": "GET, POST"})


@router.get("/reconcile/preview", response_class=HTMLResponse)
def reconcile_preview(request: Request, iris: IrisDep, id: str) -> HTMLResponse:
    """A small HTML card for one candidate (OpenRefine shows it in a pop-up)."""
    index = index_for(request)
    iri = iris.enterprise(id) if not id.startswith("http") else id
    entry = index.entries.get(str(iri))
    if entry is None:
        return HTMLResponse("<p>unknown id</p>", status_code=404, headers=CORS)
    lang = choose_lang(request)
    labels = {
        "zh": ("企业名称", "英文名称", "曾用名", "统一社会信用代码", "地区", "批次"),
        "en": ("Legal name", "English name", "Former name", "Credit code", "Region", "Batch"),
    }[lang]
    facts = [
        *((labels[0], n) for n in entry.names),
        *((labels[1], n) for n in entry.english),
        *((labels[2], n) for n in entry.former),
        *([(labels[3], entry.uscc)] if entry.uscc else []),
        *((labels[4], r.rsplit("/", 1)[-1]) for r in entry.regions),
        *((labels[5], b) for b in sorted(b for b in entry.batches if b.isdigit())),
    ]
    html = (
        environment()
        .get_template("preview.html")
        .render(lang=lang, name=entry.name, href=iris.relative(entry.iri) or entry.iri, facts=facts)
    )
    return HTMLResponse(html, headers=CORS)


@router.get("/reconcile/suggest/entity")
def suggest_entity(
    request: Request,
    prefix: Annotated[str, Query(min_length=1, max_length=200)],
    cursor: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """Names that start with what the user typed (prefix completion over normalised names)."""
    found = index_for(request).suggest(prefix, limit=10, cursor=cursor)
    result = [
        {"id": e.key, "name": printed, "description": e.uscc or e.key} for e, printed in found
    ]
    return _json({"result": result})


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
