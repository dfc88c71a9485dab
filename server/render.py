"""Representations of a described resource: negotiated RDF formats and bilingual HTML pages.

Identifiers answer ``200`` with the negotiated representation and ``Content-Location`` naming the
format's own URL (``/id/enterprise/E000001.ttl``), rather than ``303 See Other``: the W3C note
"Providing and Discovering URI Documentation" (2012) allows a 200 for a slash IRI when the
representation describes the thing, every crawler and JSON-LD client saves a round trip, and the
format URLs stay the documents one can cite. ``Vary``, ``Link: rel=alternate``, ``ETag`` and
``Last-Modified`` follow RFC 9110; conditional GET (``If-None-Match`` first, then
``If-Modified-Since``) answers 304.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ontology.namespaces import DCAT, HYDRA, PREFIXES, VOID
from server.conneg import (
    HTML,
    JSON_LD_COMPACTED,
    RESOURCE_OFFERS,
    MediaType,
    from_format_param,
    negotiate,
)
from server.describe import compact_jsonld
from server.problems import NotAcceptable, NotFound

F = TypeVar("F", bound=Callable[..., Any])
TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("zh", "en")
CACHE_CONTROL = "public, max-age=300"
CONTEXT_VERSION = "0.1.0"
SERIALIZATION_PREFIXES = {**PREFIXES, "void": str(VOID), "dcat": str(DCAT), "hydra": str(HYDRA)}

__all__ = [
    "CACHE_CONTROL",
    "CONTEXT_VERSION",
    "choose_lang",
    "context_url",
    "environment",
    "get_and_head",
    "not_found",
    "page",
    "represent",
    "serialize",
    "split_extension",
]

UI: dict[str, dict[str, str]] = {
    "site": {"zh": "专精特新“小巨人”企业知识图谱", "en": "Little Giant Knowledge Graph"},
    "home": {"zh": "首页", "en": "Home"},
    "enterprise": {"zh": "企业", "en": "Enterprise"},
    "enterprises": {"zh": "企业", "en": "Enterprises"},
    "region": {"zh": "地区", "en": "Region"},
    "regions": {"zh": "地区", "en": "Regions"},
    "batch": {"zh": "批次", "en": "Batch"},
    "batches": {"zh": "批次", "en": "Batches"},
    "document": {"zh": "文件", "en": "Document"},
    "documents": {"zh": "文件", "en": "Documents"},
    "designation": {"zh": "认定", "en": "Designation"},
    "designations": {"zh": "认定", "en": "Designations"},
    "legal_name": {"zh": "企业名称", "en": "Legal name"},
    "english_name": {"zh": "英文名称", "en": "English name"},
    "former_name": {"zh": "曾用名", "en": "Former name"},
    "uscc": {"zh": "统一社会信用代码", "en": "Unified Social Credit Code"},
    "tier": {"zh": "层级", "en": "Tier"},
    "notice": {"zh": "公告文件", "en": "Notice"},
    "valid_from": {"zh": "有效期起", "en": "Valid from"},
    "valid_until": {"zh": "有效期至", "en": "Valid until"},
    "status": {"zh": "状态", "en": "Status"},
    "as_of": {"zh": "截至", "en": "As of"},
    "timeline": {"zh": "时间线", "en": "Timeline"},
    "sources": {"zh": "来源", "en": "Sources"},
    "declared": {"zh": "公布数量", "en": "Declared count"},
    "known": {"zh": "已收录", "en": "Known in this dataset"},
    "claims": {"zh": "各来源数字", "en": "Counts as sources state them"},
    "basis": {"zh": "口径", "en": "Basis"},
    "cites": {"zh": "引用", "en": "Cites"},
    "cited_by": {"zh": "被引用", "en": "Cited by"},
    "announces": {"zh": "公布", "en": "Announces"},
    "awarded": {"zh": "据此认定", "en": "Designations it awarded"},
    "number": {"zh": "文号", "en": "Document number"},
    "title": {"zh": "标题", "en": "Title"},
    "issuer": {"zh": "发文机关", "en": "Issuer"},
    "date_written": {"zh": "成文日期", "en": "Date written"},
    "date_published": {"zh": "发布日期", "en": "Date published"},
    "kind": {"zh": "类型", "en": "Kind"},
    "properties": {"zh": "全部属性", "en": "All statements"},
    "formats": {"zh": "其他格式", "en": "Other formats"},
    "counts": {"zh": "数据概况", "en": "The dataset in numbers"},
    "triples": {"zh": "三元组", "en": "Triples"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "none": {"zh": "无", "en": "none"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "language": {"zh": "English", "en": "中文"},
    "event": {"zh": "事件", "en": "Event"},
    "date": {"zh": "日期", "en": "Date"},
    "query": {"zh": "SPARQL 查询", "en": "SPARQL query"},
    "data": {"zh": "数据下载", "en": "Data and dumps"},
    "ontology": {"zh": "本体", "en": "Ontology"},
    "classes": {"zh": "类", "en": "Classes"},
    "properties_terms": {"zh": "属性", "en": "Properties"},
    "individuals": {"zh": "个体", "en": "Individuals"},
    "completeness_note": {
        "zh": "本数据集只收录有来源的企业；未收录的名单企业不作推测。",
        "en": "Only enterprises a source names are included; missing names are never guessed.",
    },
}


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


def choose_lang(request: Request) -> str:
    """``?lang=`` if it names zh or en, else the preferred of them in Accept-Language, else zh."""
    asked = (request.query_params.get("lang") or "").lower()
    if asked in LANGS:
        return asked
    best, best_q = "zh", 0.0
    for position, item in enumerate((request.headers.get("accept-language") or "").split(",")):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                continue
        q -= position * 1e-6  # earlier wins a tie
        if q > best_q:
            best, best_q = primary, q
    return best


def context_url(base: str) -> str:
    """The versioned JSON-LD @context our documents refer to (it never changes once published)."""
    return f"{base}/ns/context/{CONTEXT_VERSION}.jsonld"


def page(request: Request, template: str, status: int = 200, **values: object) -> HTMLResponse:
    """Render one HTML page in the reader's language."""
    lang = values.pop("lang", None) or choose_lang(request)
    t = {key: texts[str(lang)] for key, texts in UI.items()}
    other = "en" if lang == "zh" else "zh"
    html = (
        environment()
        .get_template(template)
        .render(lang=lang, other_lang=other, t=t, path=request.url.path, **values)
    )
    return HTMLResponse(html, status_code=status)


def split_extension(path: str) -> tuple[str, MediaType | None]:
    """Split ``/id/x/y.ttl`` into the resource path and the offer its extension names.

    Raises:
        NotFound: the path ends in an extension that names no representation we publish.
    """
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext or not stem:
        return path, None
    for offer in RESOURCE_OFFERS:
        if offer.extension == ext:
            return stem, offer
    if ext in ("json", "xml", "txt", "htm", "n3", "nq", "trig"):
        raise NotFound(f"No representation with extension .{ext}; try .jsonld .ttl .nt .rdf .html")
    return path, None


def serialize(triples: Sequence[ox.Triple], offer: MediaType, base: str) -> bytes:
    """Write the triples in the offer's RDF format (JSON-LD compacted with our context)."""
    if offer.format == JSON_LD_COMPACTED.format:
        doc = compact_jsonld(triples, context_url(base))
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    if not isinstance(offer.format, ox.RdfFormat):
        raise TypeError(f"{offer.media_type} is not an RDF format")
    prefixes = (
        SERIALIZATION_PREFIXES
        if offer.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
        else None
    )
    return ox.serialize(list(triples), format=offer.format, prefixes=prefixes) or b""


def represent(
    request: Request,
    *,
    path: str,
    offer: MediaType | None,
    triples: Sequence[ox.Triple],
    digest: str,
    last_modified: dt.datetime | None,
    base: str,
    html: Callable[[str], str],
    offers: Sequence[MediaType] = RESOURCE_OFFERS,
) -> Response:
    """Answer for one resource: pick the representation, honour validators, serialise.

    ``path`` is the resource's path without extension; ``offer`` is set when the request named a
    format by extension (then there is nothing to negotiate).
    """
    negotiated = offer is None
    if offer is None:
        fmt = request.query_params.get("format")
        if fmt:
            offer = from_format_param(fmt, offers)
        else:
            offer = negotiate(request.headers.get("accept"), offers)
    variant = ""
    if offer is HTML:
        # a page also depends on its language, its query (asOf) and, for statuses, on today
        lang = choose_lang(request)
        query = sorted(request.query_params.multi_items())
        today = dt.datetime.now(dt.UTC).date().isoformat()
        variant = lang + "-" + hashlib.sha256(repr((query, today)).encode()).hexdigest()[:8]
    else:
        lang = ""
    headers = _headers(path, offer, offers, digest, last_modified, variant, negotiated=negotiated)
    # a page's status columns change with the date, so only its ETag validates it
    since = last_modified if offer is not HTML else None
    if _not_modified(request, headers["ETag"], since):
        return Response(status_code=304, headers=headers)
    body = html(lang).encode("utf-8") if offer is HTML else serialize(triples, offer, base)
    return Response(body, media_type=offer.content_type, headers=headers)


def _headers(
    path: str,
    offer: MediaType,
    offers: Sequence[MediaType],
    digest: str,
    last_modified: dt.datetime | None,
    variant: str,
    *,
    negotiated: bool,
) -> dict[str, str]:
    links = [f'<{path}.{o.extension}>; rel="alternate"; type="{o.media_type}"' for o in offers]
    tag = f"{digest[:32]}-{offer.extension}" + (f"-{variant}" if variant else "")
    vary = ["Accept"] if negotiated else []
    if offer is HTML:
        vary.append("Accept-Language")
    headers = {
        "ETag": f'"{tag}"',
        "Link": ", ".join(links),
        "Content-Location": f"{path}.{offer.extension}",
        "Cache-Control": CACHE_CONTROL,
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag, Link, Content-Location, Last-Modified",
    }
    if vary:
        headers["Vary"] = ", ".join(vary)
    if last_modified is not None:
        headers["Last-Modified"] = email.utils.format_datetime(last_modified, usegmt=True)
    return headers


def _not_modified(request: Request, etag: str, last_modified: dt.datetime | None) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    inm = request.headers.get("if-none-match")
    if inm is not None:
        # RFC 9110 §13.1.2: weak comparison; "*" matches any current representation
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims and last_modified is not None:
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return last_modified.replace(microsecond=0) <= since
    return False


def not_found(request: Request, path: str, iri: str) -> Response:
    """404 for an IRI we hold nothing about: an HTML page for browsers, problem+json otherwise."""
    try:
        offer = negotiate(request.headers.get("accept"), RESOURCE_OFFERS)
    except NotAcceptable:  # a 406 must not hide the 404
        offer = None
    if offer is HTML and not path.endswith(tuple(f".{o.extension}" for o in RESOURCE_OFFERS[1:])):
        lang = choose_lang(request)
        return page(
            request, "not_found.html", status=404, lang=lang, iri=iri, name=UI["not_found"][lang]
        )
    raise NotFound(f"No description of <{iri}>")
