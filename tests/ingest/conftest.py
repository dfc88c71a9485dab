"""Fixtures of the ingest tests: the default store (``default_build``, built once per session in
tests/conftest.py) cloned per test.

Building the default dataset runs every curated builder and the shapes gate (seconds); cloning
the built quads into a fresh in-memory store takes milliseconds. Each test gets its own store and
its own copy of the registry the build used, so no test sees another's ingests or minted keys.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.identity import Registry
from ontology.iris import Iris
from ontology.paths import DATA_DIR
from ontology.store import EmbeddedStore
from tests.conftest import DefaultBuild

BASE = "https://w3id.org/littlegiant"


# MIIT's English translation of notice 153, beside the repository in every checkout and in CI
# (``../shared/seeds``): the project ships the facts it states, not a copy of its text.
SEED_NOTICE = DATA_DIR.parent.parent / "shared" / "seeds" / "000_22b1090854c016f1.txt"


@pytest.fixture(scope="session")
def seed_notice() -> Path:
    """The seed notice; a missing ``../shared`` is a failure, never a skip."""
    if not SEED_NOTICE.is_file():
        pytest.fail(f"{SEED_NOTICE} is missing: the seed notice lives in ../shared/seeds")
    return SEED_NOTICE


@pytest.fixture
def default_store(default_build: DefaultBuild) -> EmbeddedStore:
    """A fresh in-memory store holding the default dataset."""
    store = EmbeddedStore(None)
    with store.writer() as draft:
        draft.bulk_extend(default_build.quads)
    return store


@pytest.fixture
def registry_dir(default_build: DefaultBuild, tmp_path: Path) -> Path:
    """This test's copy of the registry the default store was built with."""
    target = tmp_path / "registry"
    shutil.copytree(default_build.registry, target)
    return target


@pytest.fixture
def registry(registry_dir: Path) -> Registry:
    return Registry.load(registry_dir)


@pytest.fixture
def iris() -> Iris:
    return Iris(BASE)
