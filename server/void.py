"""The dataset's description: VoID (https://www.w3.org/TR/void/) and DCAT 3
(https://www.w3.org/TR/vocab-dcat-3/) in one graph, counted from the store as it is now.

Besides the totals it says how complete each batch is: ``lg:declaredCount`` (what the notice
announced) beside ``lg:knownCount`` (the enterprises the dataset holds); and each published list:
``lg:entryCount`` (the rows it prints) beside ``lg:knownEntryCount`` (the rows resolved here).
"""

from __future__ import annotations

import pyoxigraph as ox

from ontology.iris import Iris
from ontology.namespaces import DCAT, DCTERMS, IANA_MEDIA_TYPES, LG, ONTOLOGY_IRI, VOID, XSD
from ontology.rdf import GraphBuilder, text, typed
from ontology.store import GraphStore
from ontology.store.dumps import Dump
from server.describe import name_blank_nodes
from server.store_results import select

LICENSE = "https://www.apache.org/licenses/LICENSE-2.0"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
TITLES = (("专精特新“小巨人”企业知识图谱", "zh"), ("Little Giant Knowledge Graph", "en"))
DESCRIPTION = (
    "Linked data on MIIT's 专精特新“小巨人” (Little Giant) enterprise program: documents, "
    "batches, enterprises and their designations, each with its sources."
)
# what a graph's own description contributes to its VoID subset
GRAPH_FACTS = frozenset({str(DCTERMS.title), str(DCTERMS.source), str(LG.sha256)})


def dataset_triples(store: GraphStore, iris: Iris, dump: Dump | None) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset as the store holds it now."""
    g = GraphBuilder()
    ds = iris.dataset()
    g.type(ds, VOID.Dataset, DCAT.Dataset)
    for title, lang in TITLES:
        g.add(ds, DCTERMS.title, text(title, lang))
    g.add(ds, DCTERMS.description, text(DESCRIPTION, "en"))
    g.add(ds, DCTERMS.license, LICENSE)
    g.add(ds, VOID.uriSpace, text(str(iris.uri_space())))
    g.add(ds, VOID.vocabulary, ONTOLOGY_IRI)
    g.add(ds, VOID.sparqlEndpoint, iris.sparql())
    g.add(ds, VOID.rootResource, iris.home())
    g.add(ds, VOID.triples, typed(len(store), XSD.integer))
    g.add(ds, DCAT.landingPage, iris.home())
    _service(g, iris)
    if dump is not None:
        _distribution(g, iris, dump)
    _partitions(g, store, iris)
    return name_blank_nodes(g.triples)


def _service(g: GraphBuilder, iris: Iris) -> None:
    service, ds = iris.sparql(), iris.dataset()
    g.add(ds, DCAT.distribution, service)
    g.type(service, DCAT.DataService)
    g.add(service, DCAT.endpointURL, service)
    g.add(service, DCAT.servesDataset, ds)
    g.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)


def _distribution(g: GraphBuilder, iris: Iris, dump: Dump) -> None:
    dist, ds = iris.dump(dump.name), iris.dataset()
    g.add(ds, VOID.dataDump, dist)
    g.add(ds, DCAT.distribution, dist)
    g.type(dist, DCAT.Distribution)
    g.add(dist, DCAT.downloadURL, dist)
    g.add(dist, DCAT.mediaType, IANA_MEDIA_TYPES["application/n-quads"])
    g.add(dist, DCAT.compressFormat, IANA_MEDIA_TYPES["application/gzip"])
    g.add(dist, DCAT.byteSize, typed(dump.size, XSD.integer))
    g.add(dist, LG.sha256, text(dump.sha256))
    g.add(dist, VOID.triples, typed(dump.quads, XSD.integer))
    g.add(dist, DCTERMS.issued, typed(dump.created, XSD.dateTime))


def _partitions(g: GraphBuilder, store: GraphStore, iris: Iris) -> None:
    """Entities per class, triples per source graph, declared vs known per batch."""
    ds = iris.dataset()
    for row in select(
        store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
    ):
        part = ox.BlankNode()
        g.add(ds, VOID.classPartition, part)
        g.add(part, VOID["class"], row["c"])
        g.add(part, VOID.entities, typed(row["n"].value, XSD.integer))
    for row in select(
        store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    ):
        graph = row["g"]
        if not isinstance(graph, ox.NamedNode):
            continue
        g.add(ds, VOID.subset, graph)
        g.type(graph, VOID.Dataset)
        g.add(graph, VOID.triples, typed(row["n"].value, XSD.integer))
        for quad in store.quads(graph, None, None, graph):
            if quad.predicate.value in GRAPH_FACTS and not isinstance(quad.object, ox.Triple):
                g.add(graph, quad.predicate.value, quad.object)
    for row in select(
        store,
        f"""SELECT ?b ?declared (COUNT(DISTINCT ?e) AS ?known) WHERE {{
          ?b a <{LG.Batch}> . OPTIONAL {{ ?b <{LG.declaredCount}> ?declared }}
          OPTIONAL {{ ?d <{LG.batch}> ?b ; <{LG.holder}> ?e }}
        }} GROUP BY ?b ?declared ORDER BY ?b""",
    ):
        batch = row["b"]
        if not isinstance(batch, ox.NamedNode | ox.BlankNode):
            continue
        g.add(batch, LG.knownCount, typed(row["known"].value, XSD.nonNegativeInteger))
        if "declared" in row:
            g.add(batch, LG.declaredCount, row["declared"])
    _lists(g, store, iris)


def _lists(g: GraphBuilder, store: GraphStore, iris: Iris) -> None:
    """Each published list's size beside the rows the store resolves to an enterprise, as a
    subset of the dataset (its entries are the list's rows)."""
    ds = iris.dataset()
    for row in select(
        store,
        f"""SELECT ?l (SAMPLE(?size) AS ?n) (COUNT(DISTINCT ?x) AS ?entries)
               (COUNT(DISTINCT ?known) AS ?resolved) WHERE {{
          ?l a <{LG.PublishedList}> . OPTIONAL {{ ?l <{LG.entryCount}> ?size }}
          OPTIONAL {{ ?x <{LG.inList}> ?l
                     OPTIONAL {{ ?x <{LG.listedEnterprise}> ?e BIND (?x AS ?known) }} }}
        }} GROUP BY ?l ORDER BY ?l""",
    ):
        lst = row["l"]
        if not isinstance(lst, ox.NamedNode):
            continue
        g.add(ds, VOID.subset, lst)
        g.type(lst, VOID.Dataset)
        g.add(lst, VOID.entities, typed(row["entries"].value, XSD.integer))
        g.add(lst, LG.knownEntryCount, typed(row["resolved"].value, XSD.nonNegativeInteger))
        if "n" in row:
            g.add(lst, LG.entryCount, row["n"])
