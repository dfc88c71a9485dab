"""The change feed: what each ingest added, changed or ended, as an Activity Streams 2.0
``OrderedCollection`` (https://www.w3.org/TR/activitystreams-core/#collections).

The entries live in the store (one feed graph per ingest, written in the same atomic commit as
the list they describe), so the feed never runs ahead of or behind the data. Items are ordered
oldest first, so a linking dataset syncs by following ``next`` and, later, by asking again with
``since=`` set to the last ``published`` it saw.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ontology.namespaces import AS
from server.conneg import MediaType, negotiate
from server.deps import IrisDep, StoreDep
from server.problems import Problem

router = APIRouter()

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
AS_JSON = MediaType("application/activity+json", None, "json")
AS_JSONLD = MediaType("application/ld+json", None, "jsonld", profile=AS_CONTEXT)
OFFERS = (AS_JSONLD, AS_JSON)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
_TYPES = ("Create", "Update", "Remove", "Delete")
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


class BadParameter(Problem):
    status, type_slug, title = 400, "bad-parameter", "Bad query parameter"


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        except ValueError:
            raise BadParameter(
                f"since={value!r} is not an ISO 8601 date-time (e.g. 2026-11-28T00:00:00Z)"
            ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _where(since: dt.datetime | None) -> str:
    values = " ".join(f"<{AS[t]}>" for t in _TYPES)
    clause = (
        f"GRAPH ?g {{ ?a a ?type ; <{AS.object}> ?object ; <{AS.target}> ?target ; "
        f"<{AS.published}> ?published . OPTIONAL {{ ?a <{AS.summary}> ?summary }} }} "
        f"VALUES ?type {{ {values} }}"
    )
    if since is not None:
        clause += f' FILTER (?published > "{since.isoformat()}"^^<{_XSD_DATETIME}>)'
    return clause


def _iso(lexical: str) -> str:
    """xsd:dateTime as AS2 writes it (RFC 3339, UTC as ``Z``)."""
    return lexical.replace("+00:00", "Z")


@router.get("/changes")
def get_changes(
    request: Request,
    store: StoreDep,
    iris: IrisDep,
    since: Annotated[
        str | None, Query(description="ISO 8601 date-time; only later changes")
    ] = None,
    page: Annotated[int | None, Query(ge=1)] = None,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> Response:
    """The feed as an OrderedCollection; with ``page=N``, one OrderedCollectionPage of items."""
    media = negotiate(request.headers.get("accept"), OFFERS)
    after = _since(since)
    where = _where(after)
    total = int(
        next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value  # type: ignore[call-overload]
    )
    pages = max(1, math.ceil(total / size))
    base = iris.base + "/changes"

    def link(n: int | None = None) -> str:
        params: dict[str, str | int] = {}
        if since is not None:
            params["since"] = since
        if size != PAGE_SIZE:
            params["size"] = size
        if n is not None:
            params["page"] = n
        return base + ("?" + urlencode(params) if params else "")

    if page is None:
        body: dict[str, object] = {
            "@context": AS_CONTEXT,
            "id": link(),
            "type": "OrderedCollection",
            "summary": "Changes to the Little Giant knowledge graph, oldest first",
            "totalItems": total,
            "first": link(1),
            "last": link(pages),
        }
    else:
        if page > pages:
            raise BadParameter(f"page={page} is past the last page ({pages})")
        rows = store.query(
            f"SELECT ?a ?type ?object ?target ?published ?summary WHERE {{ {where} }} "
            f"ORDER BY ?published ?a LIMIT {size} OFFSET {(page - 1) * size}"
        )
        items = []
        for r in rows:  # type: ignore[attr-defined]
            item = {
                "id": r["a"].value,
                "type": r["type"].value.rsplit("#", 1)[-1],
                "object": r["object"].value,
                "target": r["target"].value,
                "published": _iso(r["published"].value),
            }
            if r["summary"] is not None:
                item["summary"] = r["summary"].value
            items.append(item)
        body = {
            "@context": AS_CONTEXT,
            "id": link(page),
            "type": "OrderedCollectionPage",
            "partOf": link(),
            "startIndex": (page - 1) * size,
            "totalItems": total,
            "orderedItems": items,
        }
        if page > 1:
            body["prev"] = link(page - 1)
        if page < pages:
            body["next"] = link(page + 1)
    links = [
        f'<{body[rel]}>; rel="{rel}"' for rel in ("first", "last", "prev", "next") if rel in body
    ]
    headers = {"Vary": "Accept", "Cache-Control": "no-cache"}
    if links:
        headers["Link"] = ", ".join(links)
    return Response(
        json.dumps(body, ensure_ascii=False), media_type=media.content_type, headers=headers
    )
