"""The FastAPI app factory: settings in, routers by concern, nothing read from the environment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ontology.iris import Iris
from ontology.settings import Settings
from ontology.store import GraphStore, open_store
from server.problems import add_problem_handlers
from server.routes import api, changes, dataset, health, lookup, resolve, sparql


def create_app(
    settings: Settings, store: GraphStore | None = None, *, start_workers: bool = False
) -> FastAPI:
    """Build the app around one store; with none given, open the one the settings name.

    ``start_workers`` starts the SPARQL query workers with the app rather than on the first
    query, so that loading a large store never counts against that query's time limit.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # `is not None`, not `or`: an empty store is falsy
        app.state.settings = settings
        app.state.iris = Iris(settings.base_uri)
        app.state.store = store if store is not None else open_store(settings.store)
        if start_workers:
            sparql.start_pool(app)
        try:
            yield
        finally:
            closer = getattr(app.state, "close_hooks", [])
            for close in closer:
                close()

    app = FastAPI(title="Little Giant KG", lifespan=lifespan)
    add_problem_handlers(app)
    # order matters: specific routes before the catch-all linked-data resolver
    for routes in (health, sparql, api, lookup, changes, dataset, resolve):
        app.include_router(routes.router)
    return app


def from_env() -> FastAPI:
    """Entry point for ``uvicorn server.app:from_env --factory``."""
    return create_app(Settings(), start_workers=True)
