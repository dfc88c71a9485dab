"""A graph's own PROV description: what it is, what it was read or derived from, and the
activity and software that made it. Written inside the graph, so it is replaced with it.

The activity ``prov:used`` each input file (with its sha256) and, for the derived graph, each
graph it was derived from; the graph ``prov:wasDerivedFrom`` the source pages its facts were
read from.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pyoxigraph as ox

from ontology import __version__, rdf
from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, PROV, RDFS, SD
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore


class Source(Protocol):
    """What the description reads of a source (``ingest.load.Source``)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def retrieval_date(self) -> dt.date | None: ...
    @property
    def pages(self) -> tuple[str, ...]: ...
    @property
    def derived_from(self) -> tuple[str, ...]: ...
    def inputs(self) -> list[tuple[str, str]]: ...


def describe_graph(
    iris: Iris,
    source: Source,
    graph: str,
    sha: str,
    *,
    started: dt.datetime,
    ended: dt.datetime,
) -> GraphBuilder:
    """The graph's own PROV description (written inside the graph, so it is replaced with it)."""
    builder = GraphBuilder()
    g = rdf.node(graph)
    activity = iris.activity(f"{source.name}-{sha[:12]}")
    agent = iris.agent(f"littlegiant-{__version__}".replace("+", "-"))
    builder.type(g, PROV.Entity, SD.Graph)
    builder.add(g, DCTERMS.title, rdf.text(source.title))
    if source.url:
        builder.add(g, DCTERMS.source, rdf.node(source.url))
    for label, file_sha in source.inputs():
        used = iris.input_file(file_sha)
        builder.add(g, LG.sourceFile, rdf.text(label))
        builder.add(activity, PROV.used, used)
        builder.type(used, PROV.Entity)
        builder.add(used, LG.sourceFile, rdf.text(label))
        builder.add(used, LG.sha256, rdf.text(file_sha))
    for page in source.pages:
        builder.add(g, PROV.wasDerivedFrom, rdf.node(page))
    for other in source.derived_from:
        builder.add(g, PROV.wasDerivedFrom, rdf.node(other))
        builder.add(activity, PROV.used, rdf.node(other))
    builder.add(g, LG.sha256, rdf.text(sha))
    if source.retrieval_date:
        builder.add(g, LG.retrievalDate, rdf.date(source.retrieval_date))
    builder.add(g, PROV.generatedAtTime, rdf.datetime(ended))
    builder.add(g, PROV.wasGeneratedBy, activity)
    builder.type(activity, PROV.Activity, LG.Ingest)
    if source.derived_from:
        builder.type(activity, LG.Derivation)
    verb = "derivation" if source.derived_from else "ingest"
    builder.add(activity, RDFS.label, rdf.text(f"{verb} of {source.title}", "en"))
    builder.add(activity, PROV.startedAtTime, rdf.datetime(started))
    builder.add(activity, PROV.endedAtTime, rdf.datetime(ended))
    builder.add(activity, PROV.wasAssociatedWith, agent)
    builder.add(activity, PROV.generated, g)
    builder.type(agent, PROV.SoftwareAgent)
    builder.add(agent, RDFS.label, rdf.text(f"littlegiant {__version__}", "en"))
    builder.add(agent, LG.softwareVersion, rdf.text(__version__))
    return builder


def stored_fingerprint(store: GraphStore, graph: str) -> tuple[str, str] | None:
    """The (sha256, software version) a stored graph's description records (``describe_graph``
    writes both), or None if the graph is absent."""
    g = ox.NamedNode(graph)
    sha = next(iter(store.quads(g, rdf.node(LG.sha256), None, g)), None)
    if sha is None or not isinstance(sha.object, ox.Literal):
        return None
    version = next(iter(store.quads(None, rdf.node(LG.softwareVersion), None, g)), None)
    if version is None or not isinstance(version.object, ox.Literal):
        return sha.object.value, ""
    return sha.object.value, version.object.value
