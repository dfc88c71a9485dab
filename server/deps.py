"""Lifespan state as FastAPI dependencies."""

from typing import Annotated

from fastapi import Depends, Request

from ontology.iris import Iris
from ontology.settings import Settings
from ontology.store import GraphStore


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_iris(request: Request) -> Iris:
    return request.app.state.iris


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
IrisDep = Annotated[Iris, Depends(get_iris)]
