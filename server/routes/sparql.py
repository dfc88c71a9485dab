"""The SPARQL 1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/), read-only.

``/sparql``: GET, POST form, POST ``application/sparql-query``; with no query, the SPARQL 1.1
Service Description (or, for a browser, the query page). Queries are checked lexically first
(form, SERVICE allow-list, nesting) and evaluated in killable worker processes under the
``LG_QUERY_TIMEOUT_S`` limit. Errors answer in the protocol's own terms: ``text/plain``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ontology.settings import Settings
from ontology.store import EmbeddedStore
from server.conneg import (
    GRAPH_OFFERS,
    HTML,
    RESULT_OFFERS,
    MediaType,
    from_format_param,
    negotiate,
)
from server.problems import NotAcceptable
from server.sparql.analyse import QueryRejectedError, analyse
from server.sparql.examples import load_examples
from server.sparql.pool import (
    EngineError,
    Job,
    PoolBusyError,
    QueryPool,
    QueryTimeoutError,
    WorkerCrashedError,
)
from server.sparql.prefixes import PREFIXES

log = logging.getLogger(__name__)
router = APIRouter(tags=["sparql"])

_HERE = Path(__file__).resolve().parent.parent
_VENDOR = _HERE / "static" / "vendor" / "yasgui"
_QUERY_JS = _HERE / "static" / "query.js"
_templates = Environment(
    loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"])
)
_ALLOW = "GET, HEAD, POST, OPTIONS"
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "Content-Type, Content-Length, Vary, X-Result-Rows, X-Result-Limit, X-Result-Truncated"
    ),
}
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_pool_lock = threading.Lock()
# the page and the service description must not mistake our SD request for a query
_FORMAT_PARAMS = ("format", "output")

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
}


class ProtocolError(Exception):
    """A request the protocol refuses; rendered as ``text/plain`` with CORS headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# -- the pool, one per app, started on first use or by ``start_pool`` from the lifespan
def start_pool(app: object) -> QueryPool:
    """Create (once) the query workers for ``app`` and register their shutdown."""
    state = app.state  # type: ignore[attr-defined]
    with _pool_lock:
        pool = getattr(state, "sparql_pool", None)
        if pool is None:
            settings: Settings = state.settings
            store = state.store
            if not isinstance(store, EmbeddedStore):
                raise TypeError("the SPARQL endpoint needs the embedded store")
            pool = QueryPool(
                store,
                size=settings.query_workers,
                memory_max_triples=settings.query_memory_max_triples,
            )
            state.sparql_pool = pool
            hooks = getattr(state, "close_hooks", None)
            if hooks is None:
                hooks = []
                state.close_hooks = hooks
            hooks.append(pool.close)
            hooks.append(lambda: _forget_pool(state))
        return pool


def _forget_pool(state: object) -> None:
    with _pool_lock:
        state.sparql_pool = None  # type: ignore[attr-defined]


# -- routes
@router.api_route("/sparql", methods=["GET", "HEAD"], response_model=None)
async def query_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol §2.1.1 (query via GET); without ``query``, the service description."""
    try:
        params = _parse_form(request.scope.get("query_string", b""))
        return await _dispatch(request, params, from_get=True)
    except (ProtocolError, QueryRejectedError, NotAcceptable) as err:
        return _error_response(err)


@router.post("/sparql", response_model=None)
async def query_post(request: Request) -> Response:
    """§2.1.2 (POST form) and §2.1.3 (POST direct); other bodies get 415."""
    try:
        settings: Settings = request.app.state.settings
        url_params = _parse_form(request.scope.get("query_string", b""))
        ctype, cparams = _content_type(request.headers.get("content-type", ""))
        charset = cparams.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"Only UTF-8 is accepted, not charset={charset}")
        if ctype == _UPDATE:
            raise ProtocolError(
                415, "SPARQL Update is not accepted: this endpoint is read-only", _accept_post()
            )
        if ctype not in (_FORM, _DIRECT):
            raise ProtocolError(
                415,
                f"Unsupported Content-Type {ctype or '(none)'}; send {_FORM} or {_DIRECT}",
                _accept_post(),
            )
        body = await _read_body(request, settings.max_body_bytes)
        if ctype == _FORM:
            if any(k == "query" for k, _ in url_params):
                raise ProtocolError(400, "Send the query in the body or the URL, not both")
            params = _parse_form(body) + [(k, v) for k, v in url_params if k in _FORMAT_PARAMS]
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as err:
                raise ProtocolError(400, f"Body is not valid UTF-8 (byte {err.start})") from None
            if any(k in ("query", "update") for k, _ in url_params):
                raise ProtocolError(400, "A direct POST carries the query in the body only")
            params = [("query", text), *url_params]
        return await _dispatch(request, params, from_get=False)
    except (ProtocolError, QueryRejectedError, NotAcceptable) as err:
        return _error_response(err)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def query_other_method(request: Request) -> Response:
    """§2.1: queries use GET or POST; say which methods are allowed."""
    return _error_response(
        ProtocolError(405, f"{request.method} is not supported here", {"Allow": _ALLOW})
    )


@router.options("/sparql", include_in_schema=False)
async def query_options() -> Response:
    """CORS preflight: any origin may query, with the headers clients send."""
    headers = {
        **_CORS,
        "Allow": _ALLOW,
        "Access-Control-Allow-Methods": _ALLOW,
        "Access-Control-Allow-Headers": "Accept, Content-Type, Authorization",
        "Access-Control-Max-Age": "86400",
    }
    return Response(status_code=204, headers=headers)


@router.get("/query", include_in_schema=False)
async def query_page_route(request: Request) -> Response:
    """The query page for people (also at ``/sparql`` for ``Accept: text/html``)."""
    try:
        params = _parse_form(request.scope.get("query_string", b""))
    except ProtocolError as err:
        return _error_response(err)
    return query_page(request, _single(params, "query"))


@router.get("/static/vendor/yasgui/{name}", include_in_schema=False)
def vendor_asset(name: str) -> Response:
    """The vendored editor, served from the package (no CDN)."""
    if name not in ("yasgui.min.js", "yasgui.min.css"):
        return Response(status_code=404)
    media = "text/javascript" if name.endswith(".js") else "text/css"
    return FileResponse(
        _VENDOR / name, media_type=media, headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/static/query.js", include_in_schema=False)
def query_script() -> Response:
    return FileResponse(_QUERY_JS, media_type="text/javascript")


# -- the work
async def _dispatch(request: Request, params: list[tuple[str, str]], *, from_get: bool) -> Response:
    settings: Settings = request.app.state.settings
    queries = [v for k, v in params if k == "query"]
    if any(k == "update" for k, _ in params):
        raise ProtocolError(
            400, "SPARQL Update is not accepted: this endpoint is read-only (no 'update')"
        )
    if len(queries) > 1:
        raise ProtocolError(400, "Exactly one 'query' parameter is allowed")
    accept = request.headers.get("accept")
    override = _single(params, "format") or _single(params, "output")
    if not queries:
        if not from_get:
            raise ProtocolError(400, "Missing 'query' parameter")
        if override is None and _prefers_html(accept):
            return query_page(request, None)
        return service_description(request, accept, override)
    query = queries[0]
    if len(query) > settings.max_query_length:
        raise ProtocolError(
            413,
            f"Query is {len(query)} characters; the limit is {settings.max_query_length} "
            "(LG_MAX_QUERY_LENGTH)",
        )
    if from_get and override is None and _prefers_html(accept):
        return query_page(request, query)
    analysis = analyse(
        query,
        base=_endpoint_url(request),
        default_prefixes=PREFIXES,
        allowlist=frozenset(settings.service_allowlist),
        max_depth=settings.max_query_nesting,
    )
    offers = _offers_for(analysis.form)
    chosen = from_format_param(override, offers) if override else negotiate(accept, offers)
    default_graph = [v for k, v in params if k == "default-graph-uri"] or None
    named = [v for k, v in params if k == "named-graph-uri"] or None
    for iri in (default_graph or []) + (named or []):
        try:
            ox.NamedNode(iri)
        except ValueError as err:
            raise ProtocolError(400, f"Not an absolute IRI: {iri!r} ({err})") from None
    if default_graph is not None or named is not None:
        default_graph = default_graph or []
        named = named or []
    job = Job(
        query=query,
        format_name=_format_attr(chosen),
        default_graph=default_graph,
        named_graphs=named,
        max_rows=settings.max_result_rows,
        prefixes=PREFIXES,
        base_iri=_endpoint_url(request),
    )
    pool = start_pool(request.app)
    try:
        execution = await pool.execute(job, settings.query_timeout_s)
    except QueryTimeoutError:
        raise ProtocolError(
            503,
            f"Query stopped: it ran longer than the limit of {settings.query_timeout_s:g} s "
            "(LG_QUERY_TIMEOUT_S)",
        ) from None
    except PoolBusyError:
        raise ProtocolError(
            503,
            f"All {pool.size} query workers stayed busy for {settings.query_timeout_s:g} s; "
            "try again later",
            {"Retry-After": "5"},
        ) from None
    except WorkerCrashedError:
        raise ProtocolError(
            500, "The query engine process failed on this query; it has been restarted"
        ) from None
    except EngineError as err:
        if err.kind in ("SyntaxError", "ValueError"):
            raise ProtocolError(400, f"Query error: {err.message}") from None
        log.error("query engine error %s: %s", err.kind, err.message)
        raise ProtocolError(500, "The store could not answer this query") from None
    headers = {
        **_CORS,
        "Vary": "Accept",
        "X-Result-Limit": str(settings.max_result_rows),
        "X-Result-Truncated": "true" if execution.truncated else "false",
    }
    if execution.rows is not None:
        headers["X-Result-Rows"] = str(execution.rows)
    if request.method == "HEAD":
        await execution.read_all()
        return Response(status_code=200, media_type=chosen.content_type, headers=headers)
    if execution.complete_body is not None:  # small: no streaming machinery needed
        return Response(execution.complete_body, media_type=chosen.content_type, headers=headers)
    return StreamingResponse(
        _guarded(execution.chunks()), media_type=chosen.content_type, headers=headers
    )


async def _guarded(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield chunk
    except (QueryTimeoutError, WorkerCrashedError) as err:
        log.warning("query stream cut: %s", type(err).__name__)
    except asyncio.CancelledError:
        raise


def _endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment="")).rstrip("?")


def _offers_for(form: str) -> tuple[MediaType, ...]:
    if form in ("SELECT", "ASK"):
        return RESULT_OFFERS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_OFFERS
    return RESULT_OFFERS + GRAPH_OFFERS


def _format_attr(chosen: MediaType) -> str:
    fmt = chosen.format
    for name in ("JSON", "XML", "CSV", "TSV"):
        if fmt == getattr(ox.QueryResultsFormat, name):
            return name
    for name in ("TURTLE", "N_TRIPLES", "JSON_LD", "RDF_XML", "N_QUADS", "TRIG"):
        if fmt == getattr(ox.RdfFormat, name):
            return name
    raise ValueError(f"no serialiser for {chosen.media_type}")


def _prefers_html(accept: str | None) -> bool:
    if not accept or "html" not in accept:
        return False
    try:
        return negotiate(accept, (HTML, *RESULT_OFFERS)) is HTML
    except NotAcceptable:
        return False


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    return values[0] if values else None


def _accept_post() -> dict[str, str]:
    return {"Accept-Post": f"{_FORM}, {_DIRECT}"}


def _content_type(header: str) -> tuple[str, dict[str, str]]:
    parts = [p.strip() for p in header.split(";")]
    params = {}
    for p in parts[1:]:
        name, _, value = p.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"Body of {declared} bytes exceeds {limit} (LG_MAX_BODY_BYTES)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, f"Body exceeds {limit} bytes (LG_MAX_BODY_BYTES)")
    return bytes(body)


def _parse_form(raw: bytes) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` strictly: invalid UTF-8 (raw or
    percent-encoded) is an error, never silently replaced as ``parse_qsl`` would."""
    pairs: list[tuple[str, str]] = []
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        try:
            k = unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8")
            v = unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ProtocolError(
                400, f"Parameter is not valid UTF-8 (byte 0x{err.object[err.start]:02x})"
            ) from None
        pairs.append((k, v))
    return pairs


def _error_response(err: Exception) -> Response:
    if isinstance(err, ProtocolError):
        status, message, extra = err.status, err.message, err.headers
    elif isinstance(err, QueryRejectedError):
        status, message, extra = err.status, str(err), {}
    elif isinstance(err, NotAcceptable):
        status, message, extra = 406, err.detail, {}
    else:  # pragma: no cover - the callers only pass the three above
        status, message, extra = 500, "Internal error", {}
    return Response(
        message + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers={**_CORS, **extra},
    )


# -- service description and page
def service_description(request: Request, accept: str | None, override: str | None) -> Response:
    """SPARQL 1.1 Service Description of this endpoint, with the graphs it holds."""
    chosen = (
        from_format_param(override, GRAPH_OFFERS) if override else negotiate(accept, GRAPH_OFFERS)
    )
    store = request.app.state.store
    endpoint = ox.NamedNode(_endpoint_url(request))
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: object) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))  # type: ignore[arg-type]

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    add(endpoint, rdf_type, ox.NamedNode(SD + "Service"))
    add(endpoint, SD + "endpoint", endpoint)
    add(endpoint, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    add(endpoint, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    for offer in RESULT_OFFERS + GRAPH_OFFERS:
        add(endpoint, SD + "resultFormat", ox.NamedNode(FORMATS + _FORMAT_IRIS[offer.media_type]))
    dataset, default = ox.BlankNode(), ox.BlankNode()
    add(endpoint, SD + "defaultDataset", dataset)
    add(dataset, rdf_type, ox.NamedNode(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", default)
    add(default, rdf_type, ox.NamedNode(SD + "Graph"))
    add(
        default,
        "http://www.w3.org/2000/01/rdf-schema#comment",
        ox.Literal("The union of all named graphs", language="en"),
    )
    for name in store.named_graphs():
        named, graph = ox.BlankNode(), ox.BlankNode()
        add(dataset, SD + "namedGraph", named)
        add(named, rdf_type, ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(name))
        add(named, SD + "graph", graph)
        add(graph, rdf_type, ox.NamedNode(SD + "Graph"))
    fmt = chosen.format
    if not isinstance(fmt, ox.RdfFormat):  # GRAPH_OFFERS hold RDF formats only
        raise TypeError(chosen.media_type)
    data = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    body = ox.serialize(
        data if fmt.supports_datasets else triples,
        format=fmt,
        **({"prefixes": {"sd": SD}} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}),
    )
    headers = {**_CORS, "Vary": "Accept"}
    if request.method == "HEAD":
        return Response(status_code=200, media_type=chosen.content_type, headers=headers)
    return Response(body, media_type=chosen.content_type, headers=headers)


def query_page(request: Request, query: str | None) -> Response:
    """The query page: editor, examples in zh and en, results table, downloads."""
    examples = load_examples()
    lang = "zh" if request.query_params.get("lang") == "zh" else "en"
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))
    initial = query or (
        examples[0].query if examples else prologue + "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    )
    html = _templates.get_template("query.html").render(
        examples=examples,
        examples_json=[{"slug": e.slug, "query": e.query} for e in examples],
        lang=lang,
        prefixes=PREFIXES,
        initial_query=initial,
        endpoint="/sparql",
    )
    headers = {"Vary": "Accept", "Cache-Control": "no-cache"}
    if request.method == "HEAD":
        return Response(status_code=200, media_type="text/html; charset=utf-8", headers=headers)
    return HTMLResponse(html, headers=headers)
