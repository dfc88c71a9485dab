"""Data extension for the reconciliation service: OpenRefine's "add columns from reconciled
values" (Reconciliation Service API v0.2, §Data extension).

A client proposes properties (``/reconcile/extend/propose``), then sends
``extend={"ids": ["E000001"], "properties": [{"id": "region"}, {"id": "status",
"settings": {"asOf": "2023-06-30"}}]}`` and gets ``{"meta": [...], "rows": {id: {pid: [values]}}}``
where each value is ``{"id", "name"}`` for one of our resources (labelled in the reader's
language, never a bare code) or ``{"str": ...}`` for text. Status is computed on the date the
``asOf`` setting gives (today by default), as the pages and the API compute it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from ontology.iris import Iris
from ontology.store import GraphStore
from ontology.temporal import status_on
from server.i18n import UI
from server.pages.common import PageContext
from server.problems import Problem

MAX_IDS = 200


class BadExtension(Problem):
    status, type_slug, title = 400, "bad-extension-query", "Malformed data extension query"


@dataclass(frozen=True)
class ExtensionProperty:
    """One column a client may add: its id, bilingual name, and whether it holds our resources."""

    id: str
    name: str
    entity: bool
    values: Callable[[PageContext, str, dict[str, object]], list[tuple[str, str]]]


def _pattern(where: str) -> Callable[[PageContext, str, dict[str, object]], list[tuple[str, str]]]:
    """Values of ``?v`` for enterprise ``?e`` as (enterprise, value) pairs."""

    def values(ctx: PageContext, ids: str, settings: dict[str, object]) -> list[tuple[str, str]]:
        rows = ctx.rows(f"SELECT DISTINCT ?e ?v WHERE {{ VALUES ?e {{ {ids} }} {where} }}")
        return [(r["e"], r["v"]) for r in rows]

    return values


def _status(ctx: PageContext, ids: str, settings: dict[str, object]) -> list[tuple[str, str]]:
    """Each designation's status on ``asOf``: "第2批…: 有效" (batch or tier, then status)."""
    day = _as_of(settings)
    rows = ctx.rows(
        f"""SELECT ?e ?what ?status WHERE {{
          VALUES ?e {{ {ids} }}
          ?d a lg:Designation ; lg:holder ?e ; lg:tier ?tier .
          OPTIONAL {{ ?d lg:batch ?b }} BIND (COALESCE(?b, ?tier) AS ?what)
          {status_on(day)}
        }}"""
    )
    unknown = UI["unknown"][ctx.lang]
    return [
        (
            r["e"],
            f"{ctx.label(r['what'])}: {ctx.label(r['status']) if r.get('status') else unknown}",
        )
        for r in rows
    ]


def _as_of(settings: dict[str, object]) -> dt.date:
    value = settings.get("asOf") or settings.get("as_of")
    if not value:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadExtension(f"asOf={value!r} is not a date of the form YYYY-MM-DD") from None


PROPERTIES = (
    ExtensionProperty(
        "region", "Reporting region / 报送地区", True, _pattern("?e lg:reportingRegion ?v")
    ),
    ExtensionProperty(
        "province",
        "Province (a planned city's province) / 所在省份",
        True,
        _pattern(
            "?e lg:reportingRegion ?r . OPTIONAL { ?r lg:withinProvince ?p } "
            "BIND (COALESCE(?p, ?r) AS ?v)"
        ),
    ),
    ExtensionProperty(
        "batch", "Little Giant batch / 批次", True, _pattern("?d lg:holder ?e ; lg:batch ?v")
    ),
    ExtensionProperty("tier", "Tier / 层级", True, _pattern("?d lg:holder ?e ; lg:tier ?v")),
    ExtensionProperty(
        "uscc", "Unified Social Credit Code / 统一社会信用代码", False, _pattern("?e lg:uscc ?v")
    ),
    ExtensionProperty("legalName", "Legal name / 企业名称", False, _pattern("?e lg:legalName ?v")),
    ExtensionProperty(
        "englishName", "English name / 英文名称", False, _pattern("?e lg:englishName ?v")
    ),
    ExtensionProperty("status", "Status on a date (asOf) / 某日状态", False, _status),
    ExtensionProperty(
        "lists",
        "Lists and notices naming it / 所在名单与公告",
        True,
        _pattern("?d lg:holder ?e ; lg:awardedBy ?v"),
    ),
)
BY_ID = {p.id: p for p in PROPERTIES}
SETTINGS = [
    {
        "name": "asOf",
        "label": "Status as of (YYYY-MM-DD) / 状态日期",
        "type": "text",
        "default": "",
        "help_text": "The date the status column is computed for; today when empty.",
    }
]


def propose(type_id: str, limit: int | None) -> dict[str, object]:
    """The properties offered for enterprises (the only type this service reconciles)."""
    offered = [{"id": p.id, "name": p.name} for p in PROPERTIES]
    return {"type": type_id, "properties": offered[:limit] if limit else offered}


def extend(
    store: GraphStore, iris: Iris, lang: str, raw: str, iri_of: Callable[[str], str]
) -> dict[str, object]:
    """Answer one ``extend=`` request (ids are enterprise keys or IRIs, as reconciled).

    Raises:
        BadExtension: not JSON, no ids, too many ids, or a property the service does not offer.
    """
    try:
        request = json.loads(raw)
    except ValueError as exc:
        raise BadExtension(f"extend is not JSON: {exc}") from None
    if not isinstance(request, dict):
        raise BadExtension('extend must be a JSON object like {"ids": [...], "properties": [...]}')
    ids, props = request.get("ids"), request.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise BadExtension("ids must be a list of enterprise ids")
    if len(ids) > MAX_IDS:
        raise BadExtension(f"{len(ids)} ids in one request; the limit is {MAX_IDS}")
    if not isinstance(props, list) or not all(isinstance(p, dict) and "id" in p for p in props):
        raise BadExtension('properties must be a list of {"id": ...}')
    unknown = [str(p["id"]) for p in props if str(p["id"]) not in BY_ID]
    if unknown:
        raise BadExtension(f"no such property: {', '.join(unknown)}; offered: {', '.join(BY_ID)}")
    ctx = PageContext(store, iris, lang)
    by_iri = {iri_of(i): i for i in ids}
    values = " ".join(f"<{iri}>" for iri in by_iri if iri)
    rows: dict[str, dict[str, list[dict[str, str]]]] = {i: {} for i in ids}
    for p in props:
        prop = BY_ID[str(p["id"])]
        settings = p.get("settings") if isinstance(p.get("settings"), dict) else {}
        pairs = prop.values(ctx, values, settings) if values else []
        ctx.load(v for _, v in pairs if prop.entity)
        for i in ids:
            rows[i][prop.id] = []
        for e, v in pairs:
            cell = {"id": v, "name": ctx.label(v)} if prop.entity else {"str": v}
            rows[by_iri[e]][prop.id].append(cell)
    meta = [{"id": BY_ID[str(p["id"])].id, "name": BY_ID[str(p["id"])].name} for p in props]
    return {"meta": meta, "rows": rows}
