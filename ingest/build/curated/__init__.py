"""The default dataset: the curated fact files in ``data/`` turned into one graph per source.

Graphs (``ontology/README.md`` is the model they follow; ``data/README.md`` the file layout):
``reference`` (regions, authorities), ``documents``, ``batches`` (batches, review rounds, count
claims), ``enterprises`` (enterprises and their Little Giant designations), ``review-outcomes``
(lg:ReviewPassed events) and ``key-little-giants`` (lg:KeyLittleGiant designations).

Every fact carries the URL it was taken from (``dcterms:source``). Nothing is filled in that no
source states, with one documented exception: where no source gives a designation's end, it is
derived by the three-year rule of 工信部企业〔2022〕63号 and says so (``prov:wasDerivedFrom``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from ingest.build.curated.batches import batches_graph
from ingest.build.curated.documents import documents_graph
from ingest.build.curated.fiscal_lists import LISTS_FILE, ListGraph, fiscal_list_graphs
from ingest.build.curated.lookups import Lookups
from ingest.build.curated.reference import reference_graph
from ingest.build.curated.rows import CuratedDataError
from ingest.build.curated.titles import (
    enterprises_graph,
    key_little_giants_graph,
    review_outcomes_graph,
)
from ingest.identity import Registry
from ingest.load import Source, SourceGraph
from ingest.regions import REGIONS_FILE
from ontology.iris import Iris
from ontology.paths import DATA_DIR

__all__ = ["CuratedDataError", "build_default", "build_default_reviewed"]

GATHERED = dt.date(2026, 11, 27)  # when the facts were taken from their sources (data/README.md)


def build_default(iris: Iris, registry: Registry, data_dir: Path = DATA_DIR) -> list[SourceGraph]:
    """The default dataset's graphs (``build_default_reviewed`` without the review cases)."""
    return build_default_reviewed(iris, registry, data_dir)[0]


def build_default_reviewed(
    iris: Iris, registry: Registry, data_dir: Path = DATA_DIR
) -> tuple[list[SourceGraph], list[ListGraph]]:
    """Build the default dataset's graphs from the curated files, one per source, in order.

    Keys come from the registry (minted for firms seen the first time: save the registry after a
    successful commit). A graph whose facts lean on another file (designations take their batch's
    validity from batches.csv) lists that file among its sources, so a change there rebuilds it.

    Raises:
        CuratedDataError: a broken or dangling fact, naming its file and row.
    """
    lk = Lookups.start(iris, registry, data_dir)
    path = data_dir.joinpath
    plan = (
        ("reference", "Reference data: reporting regions and authorities", reference_graph,
         (path(REGIONS_FILE), path("reference/authorities.csv"))),
        ("documents", "Curated regulatory documents", documents_graph,
         (path("documents.csv"),)),
        ("batches", "Curated batches, review rounds and count claims", batches_graph,
         (path("batches.csv"), path("count_claims.csv"))),
        ("enterprises", "Curated enterprises and their Little Giant designations",
         enterprises_graph, (path("enterprises.csv"), path("batches.csv"))),
        ("review-outcomes", "Curated re-review outcomes", review_outcomes_graph,
         (path("review_outcomes.csv"), path("batches.csv"))),
        ("key-little-giants", "Curated key Little Giant (fiscal support) lists",
         key_little_giants_graph, (path("key_little_giants.csv"),)),
    )  # fmt: skip
    graphs = []
    for name, title, build, files in plan:
        graph = build(lk)
        # the reference data is the standard's, not a page read on the gathering day
        gathered = None if name == "reference" else GATHERED
        source = Source(name, title, files=files, retrieval_date=gathered)
        graphs.append(SourceGraph(source, graph.finish(), graph.rows))
    lists = fiscal_list_graphs(lk)
    return [*graphs, *fiscal_sources(lk, lists)], lists


def fiscal_sources(lk: Lookups, lists: list[ListGraph]) -> list[SourceGraph]:
    """The fiscal-support lists' graphs, one per published list (``fiscal_lists``); each is
    fingerprinted by its statements too, so that a key the registry changes rewrites it."""
    graphs = []
    for lg in lists:
        statements = ox.serialize(lg.builder.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        source = Source(
            lg.graph_name,
            f"{lg.title}, read through a copy of the official PDF",
            files=(lk.data_dir / LISTS_FILE,),
            url=lg.via,
            retrieval_date=GATHERED,
            data=b"".join(sorted(statements.splitlines(keepends=True))),
        )
        graphs.append(SourceGraph(source, lg.builder, lg.rows))
    return graphs
