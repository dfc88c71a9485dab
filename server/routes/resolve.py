"""Dereferencing every IRI under the base (``/id/{kind}/{local}``, ``/graph/{source}``); home page.

A request path maps to the canonical IRI through ``ontology.iris`` (``Iris(settings.base_uri)``),
so the server answers for the canonical IRIs whatever host it runs on. Each representation has its
own URL; the bare IRI negotiates and answers 200 with ``Content-Location`` (why 200 rather than
303: see ``server.render``). A merged enterprise key (``dcterms:isReplacedBy`` in the ``merges``
graph) answers 301 to the survivor, and so do the designations and events it held, to the
survivor's; their format URLs still serve the merged key's tombstone.

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

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, OWL, RDF
from ontology.rdf import node
from ontology.store import GraphStore
from server import pages
from server.conneg import Language, offer_for_extension
from server.deps import LinksDep, StateDep, StoreDep
from server.describe import Description, describe
from server.links import Links
from server.media_types import RESOURCE_OFFERS
from server.problems import Problem
from server.render import (
    CONTEXT_VERSION,
    format_list,
    get_and_head,
    language,
    not_found,
    page_html,
    represent_page,
    represent_triples,
)

router = APIRouter(tags=["linked data"])

PageBuilder = Callable[[GraphStore, Links, Description, str], dict[str, object]]
# the page each kind of identifier gets (enterprise pages also take ``asOf``)
PAGES: dict[str, tuple[PageBuilder, str]] = {
    "province": (pages.region_page, "region.html"),
    "region": (pages.region_page, "region.html"),
    "batch": (pages.batch_page, "batch.html"),
    "document": (pages.document_page, "document.html"),
    "review": (pages.review_page, "review.html"),
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


def html_for(
    request: Request, store: GraphStore, links: Links, desc: Description, kind: str, path: str
) -> Callable[[Language], str]:
    """A renderer of the resource's HTML page in one language (called only if HTML is chosen)."""

    def render(lang: Language) -> str:
        if kind == "enterprise" or str(LG.Enterprise) in desc.iris(str(RDF.type)):
            as_of = parse_as_of(request.query_params.get("asOf"))
            values = pages.enterprise_page(store, links, desc, lang.tag, as_of)
            template = "enterprise.html"
        else:
            # a row of a list lives under its document's IRI but is not a document
            entry = str(LG.ListEntry) in desc.iris(str(RDF.type))
            build, template = PAGES.get(
                "entry" if entry else kind, (pages.generic_page, "resource.html")
            )
            values = build(store, links, desc, lang.tag)
        return page_html(
            template,
            lang=lang,
            request=request,
            resource_path=path,
            canonical_iri=desc.iri,
            formats=format_list(),
            **values,
        )

    return render


def merged_into(desc: Description, iris: Iris) -> str | None:
    """The surviving IRI when ``desc`` is a merged duplicate (DESIGN §2: merged keys keep
    answering): ``dcterms:isReplacedBy`` one of ours, or only ``owl:sameAs`` to one of ours."""
    replaced = [i for i in desc.iris(str(DCTERMS.isReplacedBy)) if iris.parse(i) is not None]
    if len(replaced) == 1:
        return replaced[0]
    own = desc.own()
    same = desc.iris(str(OWL.sameAs))
    if len(same) != 1 or iris.parse(same[0]) is None:
        return None
    if any(t.predicate.value != str(OWL.sameAs) for t in own):
        return None
    return same[0]


def held_by_merged(store: GraphStore, iris: Iris, iri: str) -> str | None:
    """For a designation or event of a merged key that no longer has a description of its
    own: the same designation or event of the survivor, when the store describes it."""
    key = iris.enterprise_key_in(iri)
    parsed = iris.parse(iri)
    if key is None or parsed is None or parsed.kind == "enterprise":
        return None
    enterprise = node(str(iris.enterprise(key)))
    survivors = {
        q.object.value
        for q in store.quads(enterprise, node(str(DCTERMS.isReplacedBy)), None)
        if isinstance(q.object, ox.NamedNode)
    }
    survivor = iris.parse(survivors.pop()) if len(survivors) == 1 else None
    if survivor is None or survivor.kind != "enterprise":
        return None
    rekeyed = iris.rekey(iri, key, survivor.local)
    return rekeyed if rekeyed and describe(store, rekeyed) is not None else None


def resolve(request: Request, store: GraphStore, links: Links, path: str) -> Response:
    """Describe the resource at ``path`` (``/id/…``, ``/graph/…``), negotiated or by extension."""
    iris = links.iris
    stem, offer = offer_for_extension(path, RESOURCE_OFFERS)
    iri = str(iris.absolute(stem))
    parsed = iris.parse(iri) if _is_iri(iri) else None
    desc = describe(store, iri) if parsed is not None else None
    if parsed is None or desc is None:
        moved = held_by_merged(store, iris, iri) if parsed is not None else None
        if moved is not None:
            return RedirectResponse(iris.relative(moved) or moved, status_code=301)
        return not_found(request, path, iri)
    survivor = merged_into(desc, iris)
    if survivor is not None and offer is None:
        return RedirectResponse(
            iris.relative(survivor) or survivor,
            status_code=301,
            headers={"Link": f'<{stem}.ttl>; rel="describedby"; type="text/turtle"'},
        )
    return represent_triples(
        request,
        path=stem,
        offer=offer,
        triples=desc.triples,
        digest=desc.digest,
        last_modified=desc.last_modified,
        context_url=links.context(CONTEXT_VERSION),
        html=html_for(request, store, links, desc, parsed.kind, stem),
    )


def _is_iri(text: str) -> bool:
    """Whether a path maps to an IRI at all (a space or ``<`` in it does not)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@get_and_head(router, "/id/{kind}/{local:path}")
def get_resource(
    request: Request, store: StoreDep, links: LinksDep, kind: str, local: str
) -> Response:
    """Dereference an identifier: HTML for people, JSON-LD, Turtle, N-Triples or RDF/XML."""
    return resolve(request, store, links, request.url.path)


@get_and_head(router, "/graph/{source}")
def get_graph(request: Request, store: StoreDep, links: LinksDep, source: str) -> Response:
    """Dereference a named graph's IRI: the provenance recorded about that source."""
    return resolve(request, store, links, request.url.path)


@get_and_head(router, "/", include_in_schema=False)
def get_home(request: Request, state: StateDep, links: LinksDep) -> Response:
    """The home page: counts, batches with their completeness, lookup forms. Its values are
    aggregates over the whole store (84 s at 200,000 firms on disk): built once per published
    state, language and public root."""
    lang = language(request)
    key = f"home-page {lang.tag} {links.root}"
    values = state.generations.get(key, lambda: pages.home_page(state.store, links, lang.tag))
    return represent_page(request, "home.html", values, lang=lang)


__all__ = ["get_resource", "html_for", "parse_as_of", "router"]
