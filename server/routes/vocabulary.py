"""The model as published: the ontology at ``/ontology`` (terms as ``/ontology#Term``), the SHACL
shapes at ``/shapes`` and the JSON-LD @context (``/context.jsonld``, ``/ns/context/{v}.jsonld``).

The ontology and the shapes negotiate like every resource (HTML, Turtle, JSON-LD, N-Triples,
RDF/XML, each also at its own URL); their pages are generated from the Turtle itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ontology.namespaces import ONTOLOGY_IRI
from ontology.paths import CONTEXT_JSONLD, CONTEXTS_DIR
from server.conneg import Language, offer_for_extension
from server.deps import LinksDep
from server.links import Links
from server.media_types import RESOURCE_OFFERS
from server.pages.vocabulary import ontology_page, shapes_page
from server.problems import NotFound
from server.render import (
    CONTEXT_VERSION,
    format_list,
    get_and_head,
    page_html,
    represent,
    represent_triples,
)
from server.source_files import SourceTriples, ontology_source, shapes_source

router = APIRouter(tags=["vocabulary"])

CONTEXT_MEDIA_TYPE = "application/ld+json"
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
CURRENT_CONTEXT_CACHE = "public, max-age=3600"  # the current context may change between versions
VERSIONED_CONTEXT_CACHE = "public, max-age=31536000, immutable"  # a published version never does


def _document(
    request: Request,
    source: SourceTriples,
    *,
    path: str,
    canonical: str,
    context_url: str,
    template: str,
    values: Callable[[Language], dict[str, object]],
) -> Response:
    """A Turtle document of ours, negotiated like a resource (``path`` is its bare path)."""
    _, offer = offer_for_extension(request.url.path, RESOURCE_OFFERS)

    def html(lang: Language) -> str:
        return page_html(
            template,
            lang=lang,
            request=request,
            resource_path=path,
            canonical_iri=canonical,
            formats=format_list(),
            **values(lang),
        )

    return represent_triples(
        request,
        path=path,
        offer=offer,
        triples=source.triples,
        digest=source.digest,
        last_modified=source.last_modified,
        context_url=context_url,
        html=html,
    )


def ontology_response(request: Request, links: Links) -> Response:
    """The ontology: HTML generated from lg.ttl, or the RDF itself."""
    source = ontology_source()
    return _document(
        request,
        source,
        path="/ontology",
        canonical=ONTOLOGY_IRI,
        context_url=links.context(CONTEXT_VERSION),
        template="ontology.html",
        values=lambda lang: ontology_page(source, lang.tag),
    )


def shapes_response(request: Request, links: Links) -> Response:
    """The SHACL shapes every ingest is validated against (all files of ``shapes/``)."""
    source = shapes_source()
    return _document(
        request,
        source,
        path="/shapes",
        canonical=str(links.iris.absolute("/shapes")),
        context_url=links.context(CONTEXT_VERSION),
        template="shapes.html",
        values=lambda lang: shapes_page(source),
    )


@get_and_head(router, "/ontology")
def get_ontology(request: Request, links: LinksDep) -> Response:
    """The ontology (``/ontology#Term``), negotiated."""
    return ontology_response(request, links)


@get_and_head(router, "/ontology.{ext}")
def get_ontology_format(request: Request, links: LinksDep, ext: str) -> Response:
    """The ontology in the format its extension names."""
    return ontology_response(request, links)


@get_and_head(router, "/shapes")
def get_shapes(request: Request, links: LinksDep) -> Response:
    """The SHACL shapes, negotiated."""
    return shapes_response(request, links)


@get_and_head(router, "/shapes.{ext}")
def get_shapes_format(request: Request, links: LinksDep, ext: str) -> Response:
    """The shapes in the format its extension names."""
    return shapes_response(request, links)


@get_and_head(router, "/context.jsonld")
def get_context(request: Request) -> Response:
    """The current JSON-LD @context (may change between versions; cache briefly)."""
    return represent(
        request,
        CONTEXT_JSONLD.read_bytes(),
        media_type=CONTEXT_MEDIA_TYPE,
        cache_control=CURRENT_CONTEXT_CACHE,
        last_modified=_file_time(CONTEXT_JSONLD),
    )


@get_and_head(router, "/ns/context/{version}.jsonld")
def get_versioned_context(request: Request, version: str) -> Response:
    """A versioned JSON-LD @context: once published it never changes, so caches keep it a year."""
    path = CONTEXT_JSONLD if version == CONTEXT_VERSION else CONTEXTS_DIR / f"{version}.jsonld"
    if not _VERSION.fullmatch(version) or not path.is_file():
        raise NotFound(f"No JSON-LD context version {version}; the current is {CONTEXT_VERSION}")
    return represent(
        request,
        path.read_bytes(),
        media_type=CONTEXT_MEDIA_TYPE,
        cache_control=VERSIONED_CONTEXT_CACHE,
        last_modified=_file_time(path),
    )


def _file_time(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.UTC)
