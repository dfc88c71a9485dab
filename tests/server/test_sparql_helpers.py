"""Shared builders for the SPARQL tests (no tests here): stores from real data files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/littlegiant"
W3C = Path("/work/shared/w3c-sparql11")


def build_curated(store_dir: Path | None, registry_dir: Path) -> EmbeddedStore:
    """The default dataset from ``data/``, committed through the pipeline when it validates.

    While the curated build and the shapes disagree, the graphs are loaded directly so that
    the endpoint is still tested on the real curated facts.
    """
    from ingest.build.curated import build_default
    from ingest.identity import Registry
    from ingest.load import ValidationFailed, commit

    source = ROOT / "data" / "registry"
    if source.exists():
        shutil.copytree(source, registry_dir, dirs_exist_ok=True)
    iris = Iris(BASE)
    registry = Registry.load(registry_dir)
    store = EmbeddedStore(store_dir)
    changes = build_default(iris, registry)
    try:
        commit(store, iris, changes, registry=registry)
    except ValidationFailed:
        # the failed commit's draft may still hold a lock: load into a fresh directory
        store = EmbeddedStore(None if store_dir is None else store_dir.with_name("direct"))
        store.replace_graphs(
            {
                str(iris.graph(c.source.name)): [
                    ox.Quad(
                        t.subject,
                        t.predicate,
                        t.object,
                        ox.NamedNode(str(iris.graph(c.source.name))),
                    )
                    for t in c.builder
                ]
                for c in changes
            }
        )
    return store


def load_quads(store_dir: Path | None, path: Path) -> EmbeddedStore:
    store = EmbeddedStore(store_dir)
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name.value, []).append(q)  # type: ignore[union-attr]
    store.replace_graphs(graphs)
    return store
