"""Dereferencing every IRI under the base (``/id/{kind}/{local}``, ``/graph/{source}``); home page.

A request path maps to the canonical IRI through ``ontology.iris`` (``Iris(settings.base_uri)``),
so the server answers for the canonical IRIs whatever host it runs on. Each representation has its
own URL; the bare IRI negotiates and answers 200 with ``Content-Location`` (why 200 rather than
303: see ``server.render``); a merged duplicate key answers 301 to the survivor.

=====================  ==============================  =========  ===========================
Accept (or ?format=)   representation                  extension  notes
=====================  ==============================  =========  ===========================
(none), */*, text/html HTML page, zh (en: ?lang=en or  .html      embeds schema.org JSON-LD;
                       Accept-Language)                           Vary: Accept, Accept-Language
text/turtle            Turtle                          .ttl
application/ld+json,   JSON-LD compacted with          .jsonld    @context =
application/json       /ns/context/{version}.jsonld               /ns/context/0.1.0.jsonld
application/n-triples, N-Triples                       .nt
text/plain
application/rdf+xml,   RDF/XML                         .rdf
application/xml
anything else          406 problem+json listing offers
=====================  ==============================  =========  ===========================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ontology.iris import Iris
from ontology.namespaces import LG, OWL
from ontology.store import GraphStore
from server import pages
from server.conneg import RESOURCE_OFFERS
from server.deps import IrisDep, StoreDep
from server.describe import Description, describe
from server.problems import Problem
from server.render import (
    choose_lang,
    get_and_head,
    not_found,
    page,
    represent,
    split_extension,
)

router = APIRouter(tags=["linked data"])

FORMAT_NAMES = {
    "html": "HTML",
    "ttl": "Turtle",
    "jsonld": "JSON-LD",
    "nt": "N-Triples",
    "rdf": "RDF/XML",
}


class BadDate(Problem):
    status, type_slug, title = 400, "bad-date", "Not a date"


def parse_as_of(value: str | None) -> dt.date:
    """The ``asOf`` parameter as a date (today when absent).

    Raises:
        BadDate: the value is not an ISO 8601 calendar date.
    """
    if not value:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadDate(f"asOf={value!r} is not a date of the form YYYY-MM-DD") from None


def format_list() -> list[dict[str, str]]:
    """The formats a page links to, for templates."""
    return [
        {
            "ext": o.extension,
            "type": o.media_type,
            "name": FORMAT_NAMES.get(o.extension, o.extension),
        }
        for o in RESOURCE_OFFERS
    ]


def html_for(
    request: Request, store: GraphStore, iris: Iris, desc: Description, kind: str, path: str
) -> Callable[[str], str]:
    """A renderer of the resource's HTML page in one language (called only if HTML is chosen)."""

    def render(lang: str) -> str:
        types = {o.value for o in desc.objects("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")}
        if kind == "enterprise" or str(LG.Enterprise) in types:
            as_of = parse_as_of(request.query_params.get("asOf"))
            values, template = (
                pages.enterprise_page(store, iris, desc, lang, as_of),
                "enterprise.html",
            )
        elif kind in ("province", "region"):
            values, template = pages.region_page(store, iris, desc, lang), "region.html"
        elif kind == "batch":
            values, template = pages.batch_page(store, iris, desc, lang), "batch.html"
        elif kind == "document":
            values, template = pages.document_page(store, iris, desc, lang), "document.html"
        else:
            values, template = pages.generic_page(store, iris, desc, lang), "resource.html"
        response = page(
            request,
            template,
            lang=lang,
            resource_path=path,
            canonical=desc.iri + ".html",
            canonical_iri=desc.iri,
            formats=format_list(),
            **values,
        )
        return bytes(response.body).decode("utf-8")

    return render


def resolve(request: Request, store: GraphStore, iris: Iris, kind: str, path: str) -> Response:
    """Describe the resource at ``path`` (``/id/…``, ``/graph/…``), negotiated or by extension."""
    stem, offer = split_extension(path)
    iri = iris.base + stem
    parsed = iris.parse(iri)
    desc = describe(store, iri) if parsed is not None else None
    if desc is None:
        return not_found(request, path, iri)
    survivor = merged_into(desc, iris)
    if survivor is not None and offer is None:
        return RedirectResponse(
            iris.relative(survivor) or survivor,
            status_code=301,
            headers={"Link": f'<{stem}.ttl>; rel="describedby"; type="text/turtle"'},
        )
    return represent(
        request,
        path=stem,
        offer=offer,
        triples=desc.triples,
        digest=desc.digest,
        last_modified=desc.last_modified,
        base=iris.base,
        html=html_for(request, store, iris, desc, parsed.kind if parsed else kind, stem),
    )


def merged_into(desc: Description, iris: Iris) -> str | None:
    """The surviving IRI when ``desc`` is a merged duplicate: only ``owl:sameAs`` to one of ours.

    Merged keys keep answering (DESIGN §2): the bare IRI redirects permanently to the survivor,
    and the format URLs still serve the ``owl:sameAs`` statement itself.
    """
    own = [t for t in desc.triples if t.subject.value == desc.iri]
    same = [t.object.value for t in own if t.predicate.value == str(OWL.sameAs)]
    if len(same) != 1 or iris.parse(same[0]) is None:
        return None
    if any(t.predicate.value != str(OWL.sameAs) for t in own):
        return None
    return same[0]


@get_and_head(router, "/id/{kind}/{local:path}")
def get_resource(
    request: Request, store: StoreDep, iris: IrisDep, kind: str, local: str
) -> Response:
    """Dereference an identifier: HTML for people, JSON-LD, Turtle, N-Triples or RDF/XML."""
    return resolve(request, store, iris, kind, request.url.path)


@get_and_head(router, "/graph/{source}")
def get_graph(request: Request, store: StoreDep, iris: IrisDep, source: str) -> Response:
    """Dereference a named graph's IRI: the provenance recorded about that source."""
    return resolve(request, store, iris, "graph", request.url.path)


@router.get("/", include_in_schema=False)
def get_home(request: Request, store: StoreDep, iris: IrisDep) -> Response:
    """The home page: counts, batches with their completeness, lookup forms."""
    lang = choose_lang(request)
    values = pages.home_page(store, iris, lang, str(request.base_url))
    response = page(request, "home.html", lang=lang, **values)
    response.headers["Vary"] = "Accept-Language"
    return response


__all__ = ["format_list", "get_resource", "html_for", "parse_as_of", "router"]
