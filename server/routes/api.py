"""JSON-LD collections: ``/api/enterprises``, ``/api/documents``, ``/api/batches``, ``/api/regions``

Each answers one page of a Hydra collection (``server.hydra``) compacted with our published
@context, with ``Link: rel="next"``; Turtle and N-Triples of the same triples are negotiable,
and browsers get an HTML list. Filters are parsed by ``server.filters``.
"""

from __future__ import annotations

import json
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from server import hydra
from server.conneg import Language, negotiate
from server.deps import LinksDep, StateDep
from server.describe import label_map, pick
from server.filters import (
    ALL_FILTERS,
    KINDS,
    BadFilter,
    CollectionKind,
    Filters,
    batch_filters,
    document_filters,
    enterprise_filters,
    region_filters,
)
from server.i18n import UI
from server.jsonld import HYDRA_CONTEXT, compact_jsonld
from server.links import Links
from server.media_types import HTML, JSON_LD_COMPACTED, N_TRIPLES, TURTLE, MediaType
from server.pages.filter_form import filter_fields, filter_values
from server.render import (
    CONTEXT_VERSION,
    LANGUAGE_TAGS,
    get_and_head,
    language,
    page_html,
    page_modified,
    represent,
    serialize,
)
from server.state import AppState

router = APIRouter(prefix="/api", tags=["collections"])

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
# JSON-LD first: clients sending */* get data; browsers name text/html and get a page
API_OFFERS = (JSON_LD_COMPACTED, TURTLE, N_TRIPLES, HTML)


class Paging:
    """Keyset paging: the last member of the previous page and the page size."""

    def __init__(
        self,
        after: Annotated[
            str | None, Query(description="IRI of the last member of the previous page")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="members per page")] = (
            DEFAULT_LIMIT
        ),
    ) -> None:
        self.after, self.limit = after, limit


PagingDep = Annotated[Paging, Depends()]


def collection(
    request: Request,
    state: AppState,
    links: Links,
    kind: CollectionKind,
    f: Filters,
    paging: Paging,
) -> Response:
    """Answer one page of a collection, negotiated between JSON-LD, Turtle, N-Triples and HTML."""
    _check_parameters(request, state, kind, paging)
    offer = negotiate(request.headers.get("accept"), API_OFFERS)
    where = kind.where(state.store, state.iris, f)
    found = hydra.members(state.store, where, paging.after, paging.limit)
    members, more = found[: paging.limit], len(found) > paging.limit
    last = members[-1] if more and members else None
    params = dict(request.query_params)
    view = hydra.view_of(links, request.url.path, params, paging.limit, last)
    # the total counts every member the filters select (35 s at 200,000 enterprises on disk):
    # once per published state and filter
    total = state.generations.get_keyed("total", where, lambda: hydra.total(state.store, where))
    vary = ["Accept"]
    headers: dict[str, str] = {}
    if offer is HTML:
        lang = language(request)
        vary += ["Accept-Language"] if lang.by_header else []
        headers["Content-Language"] = LANGUAGE_TAGS[lang.tag]
        body = _page(request, state, kind, lang, members, total, view)
    else:
        triples = hydra.collection_triples(view, total, members)
        triples += hydra.member_triples(state.store, members, kind.name, f.day())
        body = _data(triples, offer, links.context(CONTEXT_VERSION))
    return represent(
        request,
        body,
        media_type=offer.content_type,
        vary=vary,
        links=view.links(),
        last_modified=page_modified(request),  # members and statuses: from the store, for today
        headers=headers,
    )


def _check_parameters(
    request: Request, state: AppState, kind: CollectionKind, paging: Paging
) -> None:
    unknown = {k for k in ALL_FILTERS if request.query_params.get(k)} - set(kind.filters)
    if unknown:
        raise BadFilter(
            f"/api/{kind.name} has no filter {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(kind.filters)}"
        )
    if paging.after is not None and state.iris.relative(paging.after) is None:
        raise BadFilter("after= takes the IRI of the last member of the previous page")


def _data(triples: list[ox.Triple], offer: MediaType, context: str) -> bytes:
    if offer is JSON_LD_COMPACTED:  # the Hydra terms inline beside our published context
        document = compact_jsonld(triples, context, HYDRA_CONTEXT)
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return serialize(triples, offer, context)


def _page(
    request: Request,
    state: AppState,
    kind: CollectionKind,
    lang: Language,
    members: list[str],
    total: int,
    view: hydra.View,
) -> bytes:
    labels = label_map(state.store, members)
    items = []
    for member in members:
        parsed = state.iris.parse(member)
        fallback = parsed.local if parsed else member
        href = state.iris.relative(member) or member
        items.append({"href": href, "label": pick(labels.get(member), lang.tag, fallback)})
    return page_html(
        "collection.html",
        lang=lang,
        request=request,
        name=UI[kind.name][lang.tag],
        items=items,
        total=total,
        next_href=view.next,
        filters=filter_fields(
            state.store,
            kind.filters,
            request.query_params,
            state.generations.get("filter-values", lambda: filter_values(state.store, state.iris)),
            lang.tag,
        ),
    ).encode("utf-8")


@get_and_head(router, "/enterprises")
def list_enterprises(
    request: Request,
    state: StateDep,
    links: LinksDep,
    filters: Annotated[Filters, Depends(enterprise_filters)],
    paging: PagingDep,
) -> Response:
    """Enterprises, with their designations and each one's status on ``asOf`` (default today)."""
    return collection(request, state, links, KINDS["enterprises"], filters, paging)


@get_and_head(router, "/documents")
def list_documents(
    request: Request,
    state: StateDep,
    links: LinksDep,
    filters: Annotated[Filters, Depends(document_filters)],
    paging: PagingDep,
) -> Response:
    """Regulatory documents (``batch`` = the documents announcing that batch)."""
    return collection(request, state, links, KINDS["documents"], filters, paging)


@get_and_head(router, "/batches")
def list_batches(
    request: Request,
    state: StateDep,
    links: LinksDep,
    filters: Annotated[Filters, Depends(batch_filters)],
    paging: PagingDep,
) -> Response:
    """Batches of designations."""
    return collection(request, state, links, KINDS["batches"], filters, paging)


@get_and_head(router, "/regions")
def list_regions(
    request: Request,
    state: StateDep,
    links: LinksDep,
    filters: Annotated[Filters, Depends(region_filters)],
    paging: PagingDep,
) -> Response:
    """Reporting regions: provinces, separately-planned cities and the XPCC."""
    return collection(request, state, links, KINDS["regions"], filters, paging)
