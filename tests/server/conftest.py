"""The server tests' stores, built once per test run and copied for each user, and their clients.

- ``sample_source``: the SYNTHETIC sample (``data/sample.trig``) plus the ontology graph, as
  ``littlegiant build`` loads ``ontology/lg.ttl`` beside the data, and the derived graph (validity
  terms) a commit of them derives.
- ``curated_source``: the default dataset built from ``data/`` by the real pipeline (gate
  included: a build that fails validation fails the tests), once per session.
- ``client``: the real app over a copy of the sample, one per test module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from ingest.validity import derive_after
from ontology.iris import Iris
from ontology.paths import ONTOLOGY_TTL
from ontology.store import EmbeddedStore, GraphStore
from tests.conftest import DefaultBuild, remote_copy
from tests.server.support import (
    BASE,
    DERIVED_GRAPH,
    ONTOLOGY_GRAPH,
    SAMPLE,
    app_client,
    disk_copy,
    memory_copy,
)


@pytest.fixture(scope="session")
def sample_source() -> ox.Store:
    """The sample graphs and the ontology graph (read them; copy before writing)."""
    source = ox.Store()
    source.bulk_load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    source.bulk_load(
        path=str(ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH)
    )
    derived = derive_after(memory_copy(source), Iris(BASE), {})
    source.bulk_load(derived.ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(DERIVED_GRAPH))
    return source


@pytest.fixture
def sample_store(sample_source: ox.Store) -> EmbeddedStore:
    """A fresh in-memory copy of the sample, this test's own."""
    return memory_copy(sample_source)


# Every route's behaviour is checked over the embedded store and over a remote engine (the
# session's ``oxigraph serve``); the remote runs are slow, so the default run keeps to embedded.
ENGINES = ["embedded", pytest.param("remote", marks=pytest.mark.slow)]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Which store the module's app runs over: ``embedded`` or ``remote``."""
    return str(request.param)


def store_of(source: ox.Store, engine: str, request: pytest.FixtureRequest | None) -> GraphStore:
    """A copy of ``source`` in the engine the test runs over."""
    if engine == "remote":
        assert request is not None, "the remote engine is a fixture of the session"
        return remote_copy(source, request.getfixturevalue("oxigraph_endpoint"))
    return memory_copy(source)


@pytest.fixture(scope="module")
def client(
    sample_source: ox.Store, engine: str, request: pytest.FixtureRequest
) -> Iterator[TestClient]:
    """The app over a copy of the sample, shared by one module's tests (which only read)."""
    with app_client(store_of(sample_source, engine, request)) as c:
        yield c


@pytest.fixture(scope="session")
def curated_source(default_build: DefaultBuild) -> ox.Store:
    """The default dataset (ontology and curated facts) committed through the gate, as the
    session built it (tests/conftest.py)."""
    store = EmbeddedStore(None)
    with store.writer() as draft:  # the named graphs, and their merge in the default graph
        draft.bulk_extend(default_build.quads)
    return store.raw


@pytest.fixture(scope="session")
def curated_dir(curated_source: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store of the default dataset, shared read-only by the SPARQL tests."""
    directory = tmp_path_factory.mktemp("curated-disk") / "store"
    disk_copy(curated_source, directory)
    return directory
