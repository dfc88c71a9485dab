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

from ontology.namespaces import AS, XSD
from ontology.store import GraphStore
from server.conneg import negotiate
from server.deps import LinksDep, StoreDep
from server.i18n import UI
from server.links import Links
from server.media_types import HTML, MediaType
from server.problems import Problem
from server.render import get_and_head, language, page_modified, represent, represent_page
from server.store_results import count, strings

router = APIRouter()

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
AS_JSON = MediaType("application/activity+json", None, "json", aliases=("application/json",))
AS_JSONLD = MediaType("application/ld+json", None, "jsonld", profile=AS_CONTEXT)
OFFERS = (AS_JSONLD, AS_JSON, HTML)
# The AS2 terms the feed uses, as the normative context defines them, published on this host:
# a JSON-LD processor that can reach only the serving host still expands the feed. AS2's plain
# JSON readers (application/activity+json) get the normative context's URL (AS2 Core §2.1).
AS_TERMS: dict[str, object] = {
    "@context": {
        "@version": 1.1,
        "as": "https://www.w3.org/ns/activitystreams#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "id": "@id",
        "type": "@type",
        **{t: f"as:{t}" for t in ("OrderedCollection", "OrderedCollectionPage", "summary")},
        **{t: f"as:{t}" for t in ("Create", "Update", "Remove", "Delete")},
        "totalItems": {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"},
        "startIndex": {"@id": "as:startIndex", "@type": "xsd:nonNegativeInteger"},
        **{t: {"@id": f"as:{t}", "@type": "@id"} for t in ("first", "last", "next", "prev")},
        **{t: {"@id": f"as:{t}", "@type": "@id"} for t in ("partOf", "object", "target")},
        "orderedItems": {"@id": "as:items", "@type": "@id", "@container": "@list"},
        "published": {"@id": "as:published", "@type": "xsd:dateTime"},
    }
}
AS_TERMS_PATH = "/ns/activitystreams.jsonld"
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
    links: Links

    def link(self, page: int | None = None) -> str:
        """The IRI of the collection, or of one of its pages."""
        params: dict[str, str | int] = {}
        if self.since is not None:
            params["since"] = self.since
        if self.size != PAGE_SIZE:
            params["size"] = self.size
        if page is not None:
            params["page"] = page
        return self.links.url("/changes" + ("?" + urlencode(params) if params else ""))


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
    links: LinksDep,
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
    feed = FeedQuery(since, size, links)
    if page is not None and page > pages:
        raise BadParameter(f"page={page} is past the last page ({pages})")
    if page is None and media is not HTML:
        body = _collection(feed, total, pages)
    else:  # a person reading the feed starts on its first page
        shown = page or 1
        body = _page(feed, shown, pages, total, _items(store, where, shown, size))
    rels = [f'<{body[r]}>; rel="{r}"' for r in ("first", "last", "prev", "next") if r in body]
    if media is HTML:
        shown_iris = [i for item in _listed(body) for i in (item["object"], item["target"])]
        hrefs = {i: links.iris.relative(i) or i for i in shown_iris}
        values = {"name": UI["changes"][language(request).tag], "feed": body, "hrefs": hrefs}
        return represent_page(
            request, "changes.html", values, vary=["Accept"], cache_control="no-cache"
        )
    context = AS_CONTEXT if media is AS_JSON else links.url(AS_TERMS_PATH)
    document = {"@context": context, **body}
    return represent(
        request,
        json.dumps(document, ensure_ascii=False).encode("utf-8"),
        media_type=media.content_type,
        vary=["Accept"],
        links=rels,
        cache_control="no-cache",
        last_modified=page_modified(request),
    )


def _listed(body: dict[str, object]) -> list[dict[str, str]]:
    items = body.get("orderedItems")
    return items if isinstance(items, list) else []


@get_and_head(router, AS_TERMS_PATH, include_in_schema=False)
def get_activity_terms(request: Request) -> Response:
    """The Activity Streams terms the feed's JSON-LD uses (a fixed document: cached a day)."""
    body = json.dumps(AS_TERMS, indent=2).encode("utf-8")
    return represent(
        request,
        body,
        media_type="application/ld+json",
        cache_control="public, max-age=86400",
        last_modified=page_modified(request),
    )
