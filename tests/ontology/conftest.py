"""The remote store's tests run against the session's ``oxigraph serve`` (``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from ontology.store import RemoteStore
from tests.conftest import emptied_remote


@pytest.fixture
def remote(oxigraph_endpoint: str) -> RemoteStore:
    """A remote store over the session's server, emptied first."""
    return emptied_remote(oxigraph_endpoint)
