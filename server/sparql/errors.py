"""The endpoint's errors in the protocol's own terms: one map from every exception the query path
raises to a status and a ``text/plain`` message (STYLE §6).

The engine's ``SyntaxError`` / ``ValueError`` are the client's fault (400); its ``OSError``
and anything unexpected are ours (logged, 500); a time limit or a full pool is 503.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import Response

from server.problems import NotAcceptable
from server.sparql.analyse import QueryRejectedError
from server.sparql.engine import (
    EngineError,
    EngineUnavailableError,
    PoolBusyError,
    QueryTimeoutError,
    WorkerCrashedError,
)
from server.sparql.protocol import ProtocolError

log = logging.getLogger(__name__)


class EndpointUnavailable(Exception):  # noqa: N818 - reads as the reason
    """The SPARQL endpoint cannot run over this kind of store."""


# what the query path raises; anything else is a fault the app's 500 handler logs
ENDPOINT_ERRORS = (
    ProtocolError,
    QueryRejectedError,
    NotAcceptable,
    QueryTimeoutError,
    PoolBusyError,
    WorkerCrashedError,
    EngineError,
    EngineUnavailableError,
    EndpointUnavailable,
)


def protocol_error(err: Exception, *, timeout_s: float, workers: int) -> ProtocolError:
    """The protocol's answer to one of :data:`ENDPOINT_ERRORS`."""
    if isinstance(err, ProtocolError):
        return err
    if isinstance(err, QueryRejectedError):
        return ProtocolError(err.status, str(err))
    if isinstance(err, NotAcceptable):
        return ProtocolError(406, err.detail)
    if isinstance(err, QueryTimeoutError):
        return ProtocolError(
            503,
            f"Query stopped: it ran longer than the limit of {timeout_s:g} s (LG_QUERY_TIMEOUT_S)",
        )
    if isinstance(err, PoolBusyError):
        return ProtocolError(
            503,
            f"All {workers} query workers stayed busy for {timeout_s:g} s; try again later",
            {"Retry-After": "5"},
        )
    if isinstance(err, WorkerCrashedError) and err.by_query:
        return ProtocolError(
            400,
            "This query crashed the query engine (it has been restarted); it was not retried. "
            "Simplify the query, e.g. less deeply nested expressions",
        )
    if isinstance(err, WorkerCrashedError):
        return ProtocolError(
            503,
            "The query engine process stopped while answering (it has been restarted); "
            "send the query again",
            {"Retry-After": "1"},
        )
    if isinstance(err, EngineUnavailableError):
        log.error("query engine unavailable: %s", err)
        return ProtocolError(
            503, "The query engine is unavailable; try again later", {"Retry-After": "5"}
        )
    if isinstance(err, EngineError) and err.kind in ("SyntaxError", "ValueError"):
        return ProtocolError(400, f"Query error: {err.message}")
    if isinstance(err, EndpointUnavailable):
        return ProtocolError(503, f"The SPARQL endpoint is not available: {err}")
    kind = err.kind if isinstance(err, EngineError) else type(err).__name__
    log.error("query engine error %s: %s", kind, err)
    return ProtocolError(500, "The store could not answer this query")


def error_response(err: ProtocolError) -> Response:
    """The ``text/plain`` answer to a refused request."""
    return Response(
        err.message + "\n",
        status_code=err.status,
        media_type="text/plain; charset=utf-8",
        headers=err.headers,
    )


def add_endpoint_handlers(app: FastAPI) -> None:
    """Answer a store the endpoint cannot query with 503 wherever the pool is asked for."""

    async def unavailable(request: Request, exc: Exception) -> Response:
        return error_response(ProtocolError(503, f"The SPARQL endpoint is not available: {exc}"))

    app.add_exception_handler(EndpointUnavailable, unavailable)
