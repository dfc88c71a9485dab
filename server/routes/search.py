"""``/search?q=`` (a results page for people) and ``/api/suggest?q=`` (JSON for type-ahead).

Both rank with ``server.search`` over an index built once per store state. The results page
puts region, batch and status (today, as the pages compute it) beside each firm; suggestions
carry key, IRI, name, region and batch, labelled in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ontology.temporal import status_on
from server.deps import StateDep
from server.i18n import UI
from server.pages.common import PageContext
from server.render import get_and_head, language, represent, represent_page
from server.search import Hit, shared_index

router = APIRouter(tags=["search"])

PAGE_LIMIT, SUGGEST_LIMIT, SUGGEST_MAX = 50, 10, 50
Q = Annotated[str, Query(max_length=200, description="part of a name, or a credit code")]


def statuses(ctx: PageContext, hits: list[Hit], day: dt.date) -> dict[str, list[str]]:
    """Each firm's designations on ``day``: the batch (or tier) and the status's label."""
    if not hits:
        return {}
    values = " ".join(f"<{h.firm.iri}>" for h in hits)
    rows = ctx.rows(
        f"""SELECT ?e ?what ?status WHERE {{
          VALUES ?e {{ {values} }}
          ?d a lg:Designation ; lg:holder ?e ; lg:tier ?tier .
          OPTIONAL {{ ?d lg:batch ?b }} BIND (COALESCE(?b, ?tier) AS ?what)
          {status_on(day)}
        }}"""
    )
    ctx.load([r["what"] for r in rows] + [r["status"] for r in rows if r.get("status")])
    out: dict[str, list[str]] = {}
    for r in rows:
        status = ctx.label(r["status"]) if r.get("status") else UI["unknown"][ctx.lang]
        out.setdefault(r["e"], []).append(f"{ctx.label(r['what'])}: {status}")
    return {e: sorted(v) for e, v in out.items()}


@get_and_head(router, "/search")
def search_page(request: Request, state: StateDep, q: Q = "") -> Response:
    """Firms whose names contain ``q`` (or whose credit code it is), ranked, for a browser."""
    lang = language(request)
    ctx = PageContext(state.store, state.iris, lang.tag)
    hits = shared_index(state).search(q, PAGE_LIMIT) if q.strip() else []
    today = dt.datetime.now(dt.UTC).date()
    status = statuses(ctx, hits, today)
    ctx.load(i for h in hits for i in (h.firm.region, *h.firm.batches) if i)
    results = [
        {
            "link": ctx.link(h.firm.iri),
            "matched": h.matched,
            "uscc": h.firm.uscc,
            "region": ctx.link(h.firm.region) if h.firm.region else None,
            "status": status.get(h.firm.iri, []),
        }
        for h in hits
    ]
    values = {"name": q or "", "q": q, "results": results, "as_of": today.isoformat()}
    return represent_page(request, "search.html", values, lang=lang, cache_control="no-cache")


@get_and_head(router, "/api/suggest")
def suggest(
    request: Request,
    state: StateDep,
    q: Q = "",
    limit: Annotated[int, Query(ge=1, le=SUGGEST_MAX)] = SUGGEST_LIMIT,
) -> Response:
    """Type-ahead: the best firms for ``q`` as JSON (key, IRI, name, region, batch)."""
    lang = language(request)
    ctx = PageContext(state.store, state.iris, lang.tag)
    hits = shared_index(state).search(q, limit)
    ctx.load(i for h in hits for i in (h.firm.region, *h.firm.batches) if i)
    items = [
        {
            "key": h.firm.key,
            "iri": h.firm.iri,
            "href": ctx.href(h.firm.iri),
            "name": h.matched,
            "region": ctx.label(h.firm.region) if h.firm.region else None,
            "batch": [ctx.label(b) for b in h.firm.batches],
        }
        for h in hits
    ]
    body = json.dumps({"query": q, "results": items}, ensure_ascii=False)
    return represent(
        request,
        body.encode("utf-8"),
        media_type="application/json",
        vary=["Accept-Language"],
        cache_control="no-cache",
    )
