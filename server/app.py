"""The FastAPI app factory: settings in, routers by concern, nothing read from the environment."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from ontology.settings import Settings
from ontology.store import GraphStore, open_store
from server import http_limits, openapi
from server.aliases import AliasRedirects
from server.cors import CorsMiddleware
from server.deps import STATE_KEY
from server.error_pages import error_page
from server.observe import ObservedRequests
from server.problems import add_problem_handlers
from server.render import represent
from server.routes import (
    api,
    changes,
    crawl,
    dataset,
    docs,
    dumps,
    health,
    lookup,
    query_page,
    reconcile,
    resolve,
    search,
    sparql,
    vocabulary,
)
from server.sparql.errors import add_endpoint_handlers
from server.sparql.fast_path import SparqlFastPath
from server.state import AppState, open_state

STATIC = Path(__file__).resolve().parent / "static"
STATIC_CACHE = "public, max-age=86400"
# order matters: specific routes before the catch-all linked-data resolver
ROUTERS = (
    health,
    sparql,
    query_page,
    search,
    api,
    lookup,
    reconcile,
    changes,
    dataset,
    dumps,
    docs,
    crawl,
    vocabulary,
    resolve,
)


class StaticAssets(StaticFiles):
    """The stylesheet and the vendored query editor, validated like every other response."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        path = Path(full_path)
        modified = dt.datetime.fromtimestamp(int(stat_result.st_mtime), dt.UTC)
        return represent(
            Request(scope),
            path,
            media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            etag=f"{stat_result.st_mtime_ns:x}-{stat_result.st_size:x}",
            last_modified=modified,
            cache_control=STATIC_CACHE,
            status=status_code,
        )


def create_app(
    settings: Settings, store: GraphStore | None = None, *, start_workers: bool = False
) -> FastAPI:
    """Build the app around one store; with none given, open the one the settings name.

    ``start_workers`` starts the SPARQL query workers with the app rather than on the first
    query, so that loading a large store never counts against that query's time limit.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, AppState]]:
        # `is not None`, not `or`: an empty store is falsy
        opened = store if store is not None else open_store(settings)
        state = await run_in_threadpool(open_state, settings, opened)
        try:
            if start_workers:
                await run_in_threadpool(state.query_pool)
            yield {STATE_KEY: state}
        finally:
            await run_in_threadpool(state.close)

    # /docs is the vendored Swagger UI (server.routes.docs); FastAPI's pages load from CDNs
    app = FastAPI(title="Little Giant KG", lifespan=lifespan, docs_url=None, redoc_url=None)
    add_problem_handlers(app, error_page)
    openapi.install(app)
    add_endpoint_handlers(app)
    app.add_middleware(SparqlFastPath)
    app.add_middleware(CorsMiddleware)
    app.add_middleware(AliasRedirects, bases=settings.alias_bases)
    app.add_middleware(ObservedRequests, trusted_proxies=settings.trusted_proxies)
    app.mount("/static", StaticAssets(directory=STATIC), name="static")
    for routes in ROUTERS:
        app.include_router(routes.router)
    return app


def from_env() -> FastAPI:
    """Entry point for ``uvicorn server.app:from_env --factory`` (once per server process)."""
    settings = Settings()
    http_limits.configure(
        http_limits.Limits(
            header_timeout_s=settings.header_timeout_s,
            body_timeout_s=settings.body_timeout_s,
            max_header_bytes=settings.max_header_bytes,
        )
    )
    return create_app(settings, start_workers=True)
