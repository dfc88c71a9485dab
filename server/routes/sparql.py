"""The SPARQL 1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/), read-only.

``/sparql``: GET, POST form, POST ``application/sparql-query``; with no query, the SPARQL 1.1
Service Description (or, for a browser, the query page). Queries are checked lexically first
(form, SERVICE allow-list, nesting) and evaluated in killable worker processes under the
``LG_QUERY_TIMEOUT_S`` limit. Errors answer in the protocol's own terms: ``text/plain``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from ontology.settings import Settings
from ontology.store import GraphStore
from server import metrics
from server.conditional import EntityTag, Outcome, evaluate
from server.conneg import choose, negotiate
from server.deps import PoolDep, StateDep
from server.media_types import GRAPH_OFFERS, HTML, RESULT_OFFERS, MediaType
from server.observe import CLIENT, OUTCOME, QUERY_HASH, query_hash
from server.pages.query import query_page
from server.prefixes import PREFIXES
from server.problems import NotAcceptable
from server.render import get_and_head, page_modified, represent, serialize
from server.sparql.analyse import QueryRejectedError, analyse
from server.sparql.errors import ENDPOINT_ERRORS, error_response, protocol_error
from server.sparql.pool import (
    EngineError,
    Execution,
    Job,
    PoolBusyError,
    QueryEngine,
    QueryTimeoutError,
    WorkerCrashedError,
)
from server.sparql.protocol import (
    ALLOW,
    ProtocolError,
    QueryRequest,
    check_length,
    check_post_type,
    parse_form,
    post_params,
)
from server.sparql.service import service_description
from server.state import AppState

log = logging.getLogger(__name__)
_ENGINE_S = "lg_engine_s"  # the query's engine time, kept in the request's state
router = APIRouter(tags=["sparql"])


@get_and_head(router, "/sparql", response_model=None)
async def query_get(request: Request, state: StateDep, pool: PoolDep) -> Response:
    """SPARQL 1.1 Protocol §2.1.1 (query via GET); without ``query``, the service description."""
    try:
        params = parse_form(request.scope.get("query_string", b""))
        asked = QueryRequest.from_params(params, from_get=True)
        return await answer(request, state, pool, asked, from_get=True)
    except ENDPOINT_ERRORS as err:
        return refusal(request, err, state.settings)


@router.post("/sparql", response_model=None)
async def query_post(request: Request, state: StateDep, pool: PoolDep) -> Response:
    """§2.1.2 (POST form) and §2.1.3 (POST direct); other bodies get 415."""
    settings = state.settings
    try:
        url_params = parse_form(request.scope.get("query_string", b""))
        ctype = check_post_type(request.headers.get("content-type", ""))
        body = await read_body(request, settings.max_body_bytes)
        asked = QueryRequest.from_params(post_params(ctype, body, url_params), from_get=False)
        return await answer(request, state, pool, asked, from_get=False)
    except ENDPOINT_ERRORS as err:
        return refusal(request, err, settings)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def query_other_method(request: Request) -> Response:
    """§2.1: queries use GET or POST; say which methods are allowed."""
    return error_response(
        ProtocolError(405, f"{request.method} is not supported here", {"Allow": ALLOW})
    )


@router.options("/sparql", include_in_schema=False)
async def query_options() -> Response:
    """The methods the endpoint answers (CORS preflights are answered by ``server.cors``)."""
    return Response(status_code=204, headers={"Allow": ALLOW})


def refusal(request: Request, err: Exception, settings: Settings) -> Response:
    refused = protocol_error(
        err, timeout_s=settings.query_timeout_s, workers=settings.query_workers
    )
    if QUERY_HASH in request.scope.get("state", {}):  # a query was asked, not a description
        outcome = outcome_of(err, refused.status)
        request.scope["state"][OUTCOME] = outcome
        metrics.record_query(outcome, request.scope["state"].get(_ENGINE_S))
    return error_response(refused)


def outcome_of(err: Exception, status: int) -> str:
    """The ``lg_sparql_queries_total`` outcome of a refused or failed query."""
    if isinstance(err, QueryTimeoutError):
        return "timeout"
    if status == 429 or isinstance(err, PoolBusyError):
        return "limited"
    return "rejected" if status < 500 else "error"


async def answer(
    request: Request, state: AppState, pool: QueryEngine, asked: QueryRequest, *, from_get: bool
) -> Response:
    """Evaluate the request's query, or describe the service when there is none."""
    settings, store = state.settings, state.store
    accept = request.headers.get("accept")
    wants_page = from_get and asked.format is None and prefers_html(accept)
    if asked.query is None:
        if wants_page:
            return query_page(request, None)
        return await describe_service(request, store, asked)
    request.scope["state"][QUERY_HASH] = query_hash(asked.query)
    check_length(asked.query, settings.max_query_length)
    endpoint = endpoint_url(request)
    if wants_page:
        return await checked_page(request, settings, pool, asked.query, endpoint)
    form = analyse(
        asked.query,
        base=endpoint,
        default_prefixes=PREFIXES,
        allowlist=frozenset(settings.service_allowlist),
        max_depth=settings.max_query_nesting,
        max_chain=settings.max_query_chain,
    ).form
    try:
        chosen = choose(accept, asked.format, offers_for(form)).offer
    except NotAcceptable:
        # a bad query is a 400 whatever the client accepts: parse before refusing the format
        await check_syntax(pool, settings, asked.query, form, endpoint)
        raise
    job = Job(
        query=asked.query,
        format_name=chosen.worker_name or "",
        default_graph=asked.default_graphs,
        named_graphs=asked.named_graphs,
        max_rows=settings.max_result_rows,
        prefixes=PREFIXES,
        base_iri=endpoint,
    )
    tag = answer_etag(store.generation(), job, chosen)
    if from_get and evaluate("GET", request.headers, tag, None) is Outcome.NOT_MODIFIED:
        request.scope["state"][OUTCOME] = "ok"  # same generation, same question: same answer
        metrics.record_query("ok", None)
        return Response(status_code=304, headers={"ETag": tag.header(), "Vary": "Accept"})
    execution = await _execute(request, state, pool, job)
    metrics.record_query("ok", request.scope["state"].get(_ENGINE_S))
    request.scope["state"][OUTCOME] = "ok"
    response = await results(request, execution, chosen, settings.max_result_rows)
    response.headers["ETag"] = tag.header()
    return response


def answer_etag(generation: str, job: Job, chosen: MediaType) -> EntityTag:
    """A validator for an answer: a published generation never changes, so the same query
    over the same dataset in the same format has the same answer while it is published (a
    cache revalidating gets 304 without the query being run). Weak: two evaluations may order
    the rows of a query without ORDER BY differently."""
    key = "\0".join(
        [generation, job.query, repr(job.default_graph), repr(job.named_graphs),
         chosen.content_type, str(job.max_rows), job.base_iri or ""]
    )  # fmt: skip
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return EntityTag(digest, weak=True)


async def _execute(request: Request, state: AppState, pool: QueryEngine, job: Job) -> Execution:
    """Run the job within the client's fair-use budget, and charge the time it took.

    Raises:
        ProtocolError: 429 for a client over its budget of query time this minute.
    """
    scope_state = request.scope["state"]
    client = scope_state.get(CLIENT, "unknown")
    budget = state.settings.query_budget_s
    over = state.ledger.check(client, "sparql", budget, "s of SPARQL query time")
    if over is not None:
        raise ProtocolError(429, over.message, {"Retry-After": str(over.retry_after_s)})
    started = time.perf_counter()
    try:
        return await pool.execute(job, state.settings.query_timeout_s)
    finally:
        spent = time.perf_counter() - started
        scope_state[_ENGINE_S] = spent
        state.ledger.charge(client, "sparql", spent)


async def check_syntax(
    pool: QueryEngine, settings: Settings, query: str, form: str, endpoint: str
) -> None:
    """Have the engine parse ``query``, evaluated over an empty dataset with no rows kept.

    pyoxigraph offers no parse-only call, and evaluating in-process is unsafe (inline data and
    aggregates are evaluated eagerly), so a worker does it, under the time limit: a query that
    runs out of time there has parsed.

    Raises:
        EngineError: the engine's ``SyntaxError`` (answered 400 with its message).
    """
    probe = Job(
        query=query,
        format_name="TURTLE" if form in ("CONSTRUCT", "DESCRIBE") else "JSON",
        default_graph=[],
        named_graphs=[],
        max_rows=0,
        prefixes=PREFIXES,
        base_iri=endpoint,
    )
    try:
        execution = await pool.execute(probe, settings.query_timeout_s)
    except EngineError as err:
        if err.kind == "SyntaxError":
            raise
        return
    except QueryTimeoutError:
        return
    await execution.read_all()


async def checked_page(
    request: Request, settings: Settings, pool: QueryEngine, query: str, endpoint: str
) -> Response:
    """The query page holding ``query``; 400, with the parser's message on the page, for a
    query the endpoint would refuse (a browser sees the same verdict as a client)."""
    try:
        form = analyse(
            query,
            base=endpoint,
            default_prefixes=PREFIXES,
            allowlist=frozenset(settings.service_allowlist),
            max_depth=settings.max_query_nesting,
            max_chain=settings.max_query_chain,
        ).form
        await check_syntax(pool, settings, query, form, endpoint)
    except (QueryRejectedError, EngineError) as err:
        refused = protocol_error(
            err, timeout_s=settings.query_timeout_s, workers=settings.query_workers
        )
        return query_page(request, query, error=refused.message, status=refused.status)
    return query_page(request, query)


async def results(
    request: Request, execution: Execution, chosen: MediaType, limit: int
) -> Response:
    """The answer as it streams from the worker, with the row count and truncation signal."""
    headers = {
        "Vary": "Accept",
        "X-Result-Limit": str(limit),
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


async def describe_service(request: Request, store: GraphStore, asked: QueryRequest) -> Response:
    """The service description, negotiated among the graph formats (expanded JSON-LD among them:
    the description is not written with our context)."""
    choice = choose(request.headers.get("accept"), asked.format, GRAPH_OFFERS)
    graphs = await run_in_threadpool(store.named_graphs)
    triples = service_description(endpoint_url(request), graphs, RESULT_OFFERS + GRAPH_OFFERS)
    body = serialize(triples, choice.offer)
    vary = ["Accept"] if choice.by_accept else []
    return represent(
        request,
        body,
        media_type=choice.offer.content_type,
        vary=vary,
        last_modified=page_modified(request),
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it is known to exceed ``limit`` bytes.

    Raises:
        ProtocolError: 413 for a body over the limit.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"Body of {declared} bytes exceeds {limit} (LG_MAX_BODY_BYTES)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, f"Body exceeds {limit} bytes (LG_MAX_BODY_BYTES)")
    return bytes(body)


def endpoint_url(request: Request) -> str:
    """The endpoint as the client called it (relative IRIs in queries resolve against it)."""
    return str(request.url.replace(query="", fragment="")).rstrip("?")


def offers_for(form: str) -> tuple[MediaType, ...]:
    """Results for SELECT and ASK, graphs for CONSTRUCT and DESCRIBE, both for an unknown form."""
    if form in ("SELECT", "ASK"):
        return RESULT_OFFERS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_OFFERS
    return RESULT_OFFERS + GRAPH_OFFERS


def prefers_html(accept: str | None) -> bool:
    """Whether a GET comes from a browser that wants the query page rather than data."""
    if not accept or "html" not in accept:
        return False
    try:
        return negotiate(accept, (HTML, *RESULT_OFFERS)) is HTML
    except NotAcceptable:
        return False
