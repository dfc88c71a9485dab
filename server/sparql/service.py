"""The SPARQL 1.1 Service Description of the endpoint
(https://www.w3.org/TR/sparql11-service-description/): the formats it answers in, the default
graph (the union of all named graphs) and each named graph it holds."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ontology.namespaces import RDFS, SD
from ontology.rdf import GraphBuilder, text
from server.describe import name_blank_nodes
from server.media_types import MediaType


def service_description(
    endpoint: str, graphs: Sequence[str], formats: Sequence[MediaType]
) -> list[ox.Triple]:
    """Describe the endpoint at ``endpoint`` (the URL the client called)."""
    g = GraphBuilder()
    service = ox.NamedNode(endpoint)
    g.type(service, SD.Service)
    g.add(service, SD.endpoint, service)
    g.add(service, SD.supportedLanguage, SD.SPARQL11Query)
    g.add(service, SD.feature, SD.UnionDefaultGraph)
    for offer in formats:
        if offer.format_iri is not None:
            g.add(service, SD.resultFormat, offer.format_iri)
    dataset, default = ox.BlankNode(), ox.BlankNode()
    g.add(service, SD.defaultDataset, dataset)
    g.type(dataset, SD.Dataset)
    g.add(dataset, SD.defaultGraph, default)
    g.type(default, SD.Graph)
    g.add(default, RDFS.comment, text("The union of all named graphs", "en"))
    for name in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        g.add(dataset, SD.namedGraph, named)
        g.type(named, SD.NamedGraph)
        g.add(named, SD.name, name)
        g.add(named, SD.graph, graph)
        g.type(graph, SD.Graph)
    return name_blank_nodes(g.triples)
