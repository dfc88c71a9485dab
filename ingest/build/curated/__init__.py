"""The default dataset: the curated fact files in ``data/`` turned into one graph per source read.

Graphs (``ontology/README.md`` is the model they follow; ``data/README.md`` the file layout):
``reference`` (regions and authorities, the reference data), and one ``source-…`` graph for
each web page or copy the facts were read from (data/sources.csv), holding exactly what was
taken from it: documents, batches and review rounds, count claims, enterprises and their titles,
re-review outcomes. A designation stated by three pages is stated in three graphs.

Every fact carries the source it was taken from (``dcterms:source``). Nothing is filled in that
no source states, with one documented exception: where no source gives a designation's end, it
is derived by the three-year rule of 工信部企业〔2022〕63号 and says so (``prov:wasDerivedFrom``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from ingest.build.curated.batches import batches
from ingest.build.curated.documents import documents
from ingest.build.curated.fiscal_lists import LISTS_FILE, ListGraph, fiscal_list_graphs
from ingest.build.curated.graph import CuratedGraph
from ingest.build.curated.lookups import Lookups
from ingest.build.curated.reference import reference_graph
from ingest.build.curated.rows import CuratedDataError
from ingest.build.curated.sources import SOURCES_FILE
from ingest.build.curated.titles import enterprises, key_little_giants, review_outcomes
from ingest.identity import Registry
from ingest.source_graph import Source, SourceGraph
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
    """Build the default dataset's graphs from the curated files: the reference data, one graph
    per source in the order the files first name them, then one per published fiscal list.

    Keys come from the registry (minted for firms seen the first time: save the registry after a
    successful commit). Each graph records the files of data/ its rows came from (with their
    checksums) and is fingerprinted by what it states, so that a commit rewrites exactly the
    graphs whose statements changed.

    Raises:
        CuratedDataError: a broken or dangling fact, naming its file and row.
    """
    lk = Lookups.start(iris, registry, data_dir)
    reference = reference_graph(lk)
    documents(lk)
    batches(lk)
    enterprises(lk)
    review_outcomes(lk)
    key_little_giants(lk)
    files = (data_dir / REGIONS_FILE, data_dir / "reference/authorities.csv")
    graphs = [_source_graph(lk, reference, "reference", "Reference data: reporting regions and "
                            "authorities", files, None)]  # fmt: skip
    for key, g in lk.book.graphs.items():
        entry = lk.book.catalogue.entries[key]
        inputs = (*(data_dir / f.removeprefix("data/") for f in g.files), data_dir / SOURCES_FILE)
        url = key.startswith(("http://", "https://"))
        title = (
            f"Facts read from {key}" if url else f"Facts read from {key}, a copy of {entry.primary}"
        )
        graphs.append(_source_graph(lk, g, entry.graph_name, title, inputs, GATHERED))
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


def _source_graph(
    lk: Lookups,
    g: CuratedGraph,
    name: str,
    title: str,
    files: tuple[Path, ...],
    gathered: dt.date | None,
) -> SourceGraph:
    builder = g.finish(lk.primary)
    statements = sorted((ox.serialize(builder.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
                        .splitlines(keepends=True))  # fmt: skip
    entry = g.entry
    source = Source(
        name,
        title,
        files=files,
        url=str(entry.iri) if entry is not None else None,
        retrieval_date=gathered,
        data=b"".join(statements),
        pages=(str(entry.iri),) if entry is not None else tuple(sorted(g.pages)),
    )
    return SourceGraph(source, builder, g.rows)
