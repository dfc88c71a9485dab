"""Responses: the one place that sets validators, ``Vary``, ``Link`` and ``Cache-Control``.

Every route answers through :func:`represent`, which also evaluates the request's
preconditions (``server.conditional``) and answers 304 or 412; :func:`represent_triples` adds
negotiation and serialisation for described resources; :func:`page_html` renders templates.

Identifiers answer ``200`` with the negotiated representation and ``Content-Location`` naming the
format's own URL (``/id/enterprise/E000001.ttl``), rather than ``303 See Other``: the W3C note
"Providing and Discovering URI Documentation" (2012) allows a 200 for a slash IRI when the
representation describes the thing, every crawler and JSON-LD client saves a round trip, and the
format URLs stay the documents one can cite.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from server.conditional import EntityTag, Outcome, evaluate
from server.conneg import LANGS, Language, choose, negotiate, negotiate_language
from server.i18n import UI, ui_strings
from server.jsonld import compact_jsonld
from server.media_types import HTML, JSONLD_COMPACTED, RESOURCE_OFFERS, MediaType
from server.prefixes import PREFIXES
from server.problems import NotAcceptable, NotFound, PreconditionFailed

F = TypeVar("F", bound=Callable[..., Any])
TEMPLATES = Path(__file__).resolve().parent / "templates"
CACHE_CONTROL = "public, max-age=300"
LANGUAGE_TAGS = {"zh": "zh-Hans", "en": "en"}  # Content-Language and <html lang> of each page
CONTEXT_VERSION = "0.2.0"  # ontology/context.jsonld; earlier ones in ontology/contexts/
Body = bytes | Path | Callable[[], bytes]

__all__ = [
    "CACHE_CONTROL",
    "CONTEXT_VERSION",
    "environment",
    "format_list",
    "get_and_head",
    "language",
    "not_found",
    "page_html",
    "represent",
    "represent_page",
    "represent_triples",
    "serialize",
]


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment over ``server/templates`` (autoescaped; built once)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tojsonld"] = _script_json
    return env


def _script_json(value: object) -> Markup:
    # JSON inside <script> must not close the element: escape '<', '>' and '&' as JSON escapes.
    text = json.dumps(value, ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - the escaping above makes the JSON inert inside <script>


def get_and_head(router: APIRouter, path: str, **kwargs: Any) -> Callable[[F], F]:
    """Register a GET route that also answers HEAD (RFC 9110 §9.3.2: caches and link checkers use
    it); HEAD stays out of the OpenAPI document so operation ids stay unique."""

    def register(endpoint: F) -> F:
        router.add_api_route(path, endpoint, methods=["GET"], **kwargs)
        router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)
        return endpoint

    return register


def language(request: Request) -> Language:
    """The reader's language: ``?lang=``, else ``Accept-Language``, else zh."""
    return negotiate_language(
        request.headers.get("accept-language"), request.query_params.get("lang")
    )


def page_html(template: str, *, lang: Language, request: Request, **values: object) -> str:
    """Render one HTML page in ``lang``, with its URL in each language for crawlers.

    Every page has a URL per language (``?lang=zh``, ``?lang=en``), which is its canonical URL
    in that language, and names the others as ``hreflang`` alternates; the URL without
    ``?lang=`` negotiates (``x-default``). A resource's page is its ``.html`` URL.
    """
    resource_path = values.get("resource_path")
    path = f"{resource_path}.html" if isinstance(resource_path, str) else request.url.path
    root = _public_root(request)
    in_language = {tag: f"{root}{path}?lang={tag}" for tag in LANGS}
    return (
        environment()
        .get_template(template)
        .render(
            lang=lang.tag,
            html_lang=LANGUAGE_TAGS[lang.tag],
            other_lang=lang.other,
            t=ui_strings(lang.tag),
            path=request.url.path,
            canonical=in_language[lang.tag],
            alternates=[(LANGUAGE_TAGS[tag], url) for tag, url in in_language.items()],
            default_url=f"{root}{path}",
            **values,
        )
    )


def _public_root(request: Request) -> str:
    state = getattr(request.state, "app_state", None)
    configured = state.settings.public_url if state is not None else None
    return (configured or str(request.base_url)).rstrip("/")


def represent(
    request: Request,
    body: Body,
    *,
    media_type: str,
    etag: str | None = None,
    last_modified: dt.datetime | None = None,
    vary: Sequence[str] = (),
    links: Sequence[str] = (),
    cache_control: str = CACHE_CONTROL,
    content_location: str | None = None,
    headers: Mapping[str, str] | None = None,
    status: int = 200,
) -> Response:
    """Answer with one representation, honouring the request's preconditions.

    ``etag`` is the opaque part of a strong entity-tag; for a byte body without one, the tag is
    the body's hash. A 304 keeps ETag, Vary, Cache-Control and Content-Location (RFC 9110
    §15.4.5), and Last-Modified only when there is no ETag. A ``Path`` body is served as a
    file (byte ranges included).

    Raises:
        PreconditionFailed: ``If-Match`` or ``If-Unmodified-Since`` fails (412).
    """
    if etag is None and isinstance(body, bytes):
        etag = hashlib.sha256(body).hexdigest()[:32]
    tag = EntityTag(etag) if etag is not None else None
    kept: dict[str, str] = {"Cache-Control": cache_control}
    if tag is not None:
        kept["ETag"] = tag.header()
    if vary:
        kept["Vary"] = ", ".join(vary)
    if content_location is not None:
        kept["Content-Location"] = content_location
    modified = (
        {"Last-Modified": email.utils.format_datetime(last_modified, usegmt=True)}
        if last_modified is not None
        else {}
    )
    if status == 200:
        outcome = evaluate(request.method, request.headers, tag, last_modified)
        if outcome is Outcome.NOT_MODIFIED:
            return Response(status_code=304, headers={**kept, **({} if tag else modified)})
        if outcome is Outcome.PRECONDITION_FAILED:
            raise PreconditionFailed("The representation does not match the request's condition")
    full = {**kept, **modified, **(headers or {})}
    if links:
        full["Link"] = ", ".join(links)
    if isinstance(body, Path):
        return FileResponse(body, status_code=status, media_type=media_type, headers=full)
    content = body if isinstance(body, bytes) else body()
    return Response(content, status_code=status, media_type=media_type, headers=full)


def page_modified(request: Request) -> dt.datetime | None:
    """The ``Last-Modified`` of a page built from the store: when the app first saw the store's
    current state, or today's midnight (UTC) if later, since statuses are computed for today.

    One rule for every HTML page, so that ``If-Modified-Since`` validates pages as it does data.
    """
    state = getattr(request.state, "app_state", None)
    if state is None:
        return None
    midnight = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), dt.UTC)
    return max(state.generations.seen_at(), midnight)


def represent_page(
    request: Request,
    template: str,
    values: Mapping[str, object],
    *,
    status: int = 200,
    lang: Language | None = None,
    vary: Sequence[str] = (),
    cache_control: str = CACHE_CONTROL,
) -> Response:
    """Render a page in the reader's language and answer it (validated by its own hash and
    :func:`page_modified`), in ``Content-Language``."""
    lang = lang or language(request)
    html = page_html(template, lang=lang, request=request, **values)
    varies = [*vary, *(["Accept-Language"] if lang.by_header else [])]
    return represent(
        request,
        html.encode("utf-8"),
        media_type=HTML.content_type,
        vary=varies,
        status=status,
        cache_control=cache_control,
        last_modified=page_modified(request) if status == 200 else None,
        headers={"Content-Language": LANGUAGE_TAGS[lang.tag]},
    )


def serialize(
    triples: Sequence[ox.Triple], offer: MediaType, context_url: str | None = None
) -> bytes:
    """Write the triples in the offer's RDF format (compacted JSON-LD with our context).

    Raises:
        ValueError: compacted JSON-LD asked for without the context to compact with.
    """
    if offer.profile == JSONLD_COMPACTED:
        if context_url is None:
            raise ValueError("compacted JSON-LD needs the URL of its @context")
        doc = compact_jsonld(triples, context_url)
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    fmt = offer.format
    if not isinstance(fmt, ox.RdfFormat):
        raise TypeError(f"{offer.media_type} is not an RDF format")
    prefixes = (
        PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    )
    if fmt.supports_datasets:  # N-Quads, TriG: the triples in the default graph
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        return ox.serialize(quads, format=fmt, prefixes=prefixes) or b""
    return ox.serialize(list(triples), format=fmt, prefixes=prefixes) or b""


def format_list(offers: Sequence[MediaType] = RESOURCE_OFFERS) -> list[dict[str, str]]:
    """The formats a resource page links to (its own URL per format), for templates."""
    return [{"ext": o.extension, "type": o.media_type, "name": o.label} for o in offers]


def alternates(path: str, offers: Sequence[MediaType]) -> list[str]:
    """``Link: rel=alternate`` values naming each format's own URL (``{path}.{extension}``)."""
    return [f'<{path}.{o.extension}>; rel="alternate"; type="{o.media_type}"' for o in offers]


def represent_triples(
    request: Request,
    *,
    path: str,
    offer: MediaType | None,
    triples: Sequence[ox.Triple],
    digest: str,
    last_modified: dt.datetime | None,
    context_url: str,
    html: Callable[[Language], str],
    offers: Sequence[MediaType] = RESOURCE_OFFERS,
) -> Response:
    """Answer for one described resource: pick the representation, validate, serialise.

    ``path`` is the resource's path without extension; ``offer`` is set when the request named a
    format by extension (then there is nothing to negotiate). A page also depends on its
    language, its query (``asOf``) and, for statuses, on today: its tag says so, and its
    Last-Modified is :func:`page_modified` (the data's own ingest time would not tell when the
    page changed: labels of linked things and today's statuses are on it too).
    """
    if offer is not None:
        chosen, by_accept = offer, False
    else:
        choice = choose(request.headers.get("accept"), request.query_params.get("format"), offers)
        chosen, by_accept = choice.offer, choice.by_accept
    vary = ["Accept"] if by_accept else []
    tag = f"{digest[:32]}-{chosen.extension}"
    lang = language(request)
    if chosen is HTML:
        vary += ["Accept-Language"] if lang.by_header else []
        query = sorted(request.query_params.multi_items())
        today = dt.datetime.now(dt.UTC).date().isoformat()
        tag += f"-{lang.tag}-" + hashlib.sha256(repr((query, today)).encode()).hexdigest()[:8]

        def body() -> bytes:
            return html(lang).encode("utf-8")
    else:

        def body() -> bytes:
            return serialize(triples, chosen, context_url)

    return represent(
        request,
        body,
        media_type=chosen.content_type,
        etag=tag,
        last_modified=page_modified(request) if chosen is HTML else last_modified,
        vary=vary,
        links=alternates(path, offers),
        content_location=f"{path}.{chosen.extension}",
        headers={"Content-Language": LANGUAGE_TAGS[lang.tag]} if chosen is HTML else None,
    )


def not_found(request: Request, path: str, iri: str) -> Response:
    """404 for an IRI we hold nothing about: an HTML page for browsers, problem+json otherwise."""
    try:
        offer = negotiate(request.headers.get("accept"), RESOURCE_OFFERS)
    except NotAcceptable:  # a 406 must not hide the 404
        offer = None
    if offer is HTML and not path.endswith(tuple(f".{o.extension}" for o in RESOURCE_OFFERS[1:])):
        lang = language(request)
        name = UI["not_found"][lang.tag]
        values = {"iri": iri, "name": name}
        return represent_page(
            request,
            "not_found.html",
            values,
            status=404,
            lang=lang,
            vary=["Accept"],
            cache_control="no-cache",
        )
    raise NotFound(f"No description of <{iri}>")
