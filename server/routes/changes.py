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
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ontology.iris import Iris
from ontology.namespaces import AS, XSD
from ontology.store import GraphStore
from server.conneg import negotiate
from server.deps import IrisDep, StoreDep
from server.media_types import MediaType
from server.problems import Problem
from server.render import get_and_head, represent
from server.store_results import count, strings

router = APIRouter()

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
AS_JSON = MediaType("application/activity+json", None, "json")
AS_JSONLD = MediaType("application/ld+json", None, "jsonld", profile=AS_CONTEXT)
OFFERS = (AS_JSONLD, AS_JSON)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
_TYPES = ("Create", "Update", "Remove", "Delete")


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
        clause += f' FILTER (?published > "{since.isoformat()}"^^<{XSD.dateTime}>)'
    return clause


def _iso(lexical: str) -> str:
    """xsd:dateTime as AS2 writes it (RFC 3339, UTC as ``Z``)."""
    return lexical.replace("+00:00", "Z")


@dataclass(frozen=True)
class FeedQuery:
    """What one request asks of the feed: changes after ``since``, pages of ``size``."""

    since: str | None
    size: int
    iris: Iris

    def link(self, page: int | None = None) -> str:
        """The IRI of the collection, or of one of its pages."""
        params: dict[str, str | int] = {}
        if self.since is not None:
            params["since"] = self.since
        if self.size != PAGE_SIZE:
            params["size"] = self.size
        if page is not None:
            params["page"] = page
        return str(self.iris.absolute("/changes" + ("?" + urlencode(params) if params else "")))


def _items(store: GraphStore, where: str, page: int, size: int) -> list[dict[str, str]]:
    rows = strings(
        store,
        f"SELECT ?a ?type ?object ?target ?published ?summary WHERE {{ {where} }} "
        f"ORDER BY ?published ?a LIMIT {size} OFFSET {(page - 1) * size}",
    )
    items = []
    for r in rows:
        item = {
            "id": r["a"],
            "type": r["type"].removeprefix(str(AS)),
            "object": r["object"],
            "target": r["target"],
            "published": _iso(r["published"]),
        }
        if "summary" in r:
            item["summary"] = r["summary"]
        items.append(item)
    return items


def _collection(feed: FeedQuery, total: int, pages: int) -> dict[str, object]:
    return {
        "@context": AS_CONTEXT,
        "id": feed.link(),
        "type": "OrderedCollection",
        "summary": "Changes to the Little Giant knowledge graph, oldest first",
        "totalItems": total,
        "first": feed.link(1),
        "last": feed.link(pages),
    }


def _page(
    feed: FeedQuery, page: int, pages: int, total: int, items: list[dict[str, str]]
) -> dict[str, object]:
    body: dict[str, object] = {
        "@context": AS_CONTEXT,
        "id": feed.link(page),
        "type": "OrderedCollectionPage",
        "partOf": feed.link(),
        "startIndex": (page - 1) * feed.size,
        "totalItems": total,
        "orderedItems": items,
    }
    if page > 1:
        body["prev"] = feed.link(page - 1)
    if page < pages:
        body["next"] = feed.link(page + 1)
    return body


@get_and_head(router, "/changes")
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
    where = _where(_since(since))
    total = count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    pages = max(1, math.ceil(total / size))
    feed = FeedQuery(since, size, iris)
    if page is None:
        body = _collection(feed, total, pages)
    elif page > pages:
        raise BadParameter(f"page={page} is past the last page ({pages})")
    else:
        body = _page(feed, page, pages, total, _items(store, where, page, size))
    links = [
        f'<{body[rel]}>; rel="{rel}"' for rel in ("first", "last", "prev", "next") if rel in body
    ]
    return represent(
        request,
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        media_type=media.content_type,
        vary=["Accept"],
        links=links,
        cache_control="no-cache",
    )
