"""The lifespan's state as FastAPI dependencies: the only way handlers reach it.

The dependencies are ``async`` because they only read attributes: FastAPI then calls them on
the event loop instead of handing each one to a worker thread.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ontology.iris import Iris
from ontology.settings import Settings
from ontology.store import GraphStore
from server.links import Links, links_for
from server.sparql.pool import QueryEngine
from server.state import AppState

STATE_KEY = "app_state"  # the key the lifespan yields the state under


async def get_state(request: Request) -> AppState:
    state = getattr(request.state, STATE_KEY, None)
    if not isinstance(state, AppState):
        raise RuntimeError("the app's lifespan has not run: use `with TestClient(app)`")
    return state


async def get_store(request: Request) -> GraphStore:
    return (await get_state(request)).store


async def get_settings(request: Request) -> Settings:
    return (await get_state(request)).settings


async def get_iris(request: Request) -> Iris:
    return (await get_state(request)).iris


async def get_links(request: Request) -> Links:
    """Where this request's client fetches things (``server.links``)."""
    state = await get_state(request)
    return links_for(request, state.settings, state.iris)


async def get_pool(request: Request) -> QueryEngine:
    """The query workers.

    Raises:
        EndpointUnavailable: the store is not one the workers can query.
    """
    return (await get_state(request)).query_pool()


StateDep = Annotated[AppState, Depends(get_state)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IrisDep = Annotated[Iris, Depends(get_iris)]
LinksDep = Annotated[Links, Depends(get_links)]
PoolDep = Annotated[QueryEngine, Depends(get_pool)]
