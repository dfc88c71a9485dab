"""The ``/sparql`` hot path: queries answered straight from the ASGI scope, without FastAPI's
routing, dependency resolution and response classes.

Measured on the lookup benchmark (``bench/README.md``), FastAPI's machinery was a third of a
light query's time in the web process. The handlers are the same functions the FastAPI routes
call (``routes.sparql.query_get`` / ``query_post``), so every check and every answer is the
same; only what surrounds them is skipped (a ``Problem`` they raise is rendered as the
app's handler renders it). Anything but a GET or POST to ``/sparql`` (HEAD,
OPTIONS, other methods, a request before the lifespan ran) goes on to the app as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from server.deps import STATE_KEY
from server.problems import Problem, problem_response
from server.routes.sparql import query_get, query_post, refusal
from server.sparql.errors import ENDPOINT_ERRORS
from server.state import AppState


@dataclass(frozen=True)
class _Route:
    """What the metrics read from ``scope["route"]``: the route's path template."""

    path: str


_SPARQL = _Route("/sparql")


class SparqlFastPath:
    """ASGI middleware answering ``GET`` / ``POST /sparql`` itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] == "http" and scope["path"] == "/sparql" and method in ("GET", "POST"):
            state = scope.get("state", {}).get(STATE_KEY)
            if isinstance(state, AppState):
                scope["route"] = _SPARQL
                request = Request(scope, receive)
                try:
                    pool = state.query_pool()
                except ENDPOINT_ERRORS as err:
                    response = refusal(request, err, state.settings)
                else:
                    handler = query_get if method == "GET" else query_post
                    try:
                        response = await handler(request, state, pool)
                    except Problem as exc:  # a precondition, a refused representation ...
                        response = problem_response(request, exc)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
