"""The dataset's description: VoID (https://www.w3.org/TR/void/) and DCAT 3
(https://www.w3.org/TR/vocab-dcat-3/) in one graph, counted from the store as it is now.

Besides the totals it says how complete each batch is: ``lg:declaredCount`` (what the notice
announced) beside ``lg:knownCount`` (the enterprises the dataset holds); and each published list:
``lg:entryCount`` (the rows it prints) beside ``lg:knownEntryCount`` (the rows resolved here).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import URIRef

from ontology.iris import Iris
from ontology.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    IANA_MEDIA_TYPES,
    LG,
    ONTOLOGY_IRI,
    PAV,
    PROV,
    SPDX,
    VOID,
    XSD,
)
from ontology.rdf import GraphBuilder, node, text, typed
from ontology.store import GraphStore
from ontology.store.dumps import Dump
from server.describe import name_blank_nodes
from server.links import Links
from server.store_results import count, select

# The data's licence (the software's is Apache-2.0, in pyproject.toml). The facts come from
# MIIT notices, which Chinese copyright law leaves free (Copyright Law art. 5: documents of state
# organs of an administrative nature); what this dataset adds (identifiers, curation, the model)
# is offered under CC BY 4.0, whose attribution clause keeps the provenance with every copy.
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
TITLES = (("专精特新“小巨人”企业知识图谱", "zh"), ("Little Giant Knowledge Graph", "en"))
DESCRIPTION = (
    "Linked data on MIIT's 专精特新“小巨人” (Little Giant) enterprise program: documents, "
    "batches, enterprises and their designations, each with its sources."
)
DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # the default graph is the merge
PUBLISHER = (("专精特新“小巨人”企业知识图谱项目", "zh"), ("The Little Giant KG project", "en"))
# what a graph's own description contributes to its VoID subset, and under which standard term
GRAPH_FACTS = {
    str(DCTERMS.title): DCTERMS.title,
    str(DCTERMS.source): DCTERMS.source,
    str(LG.retrievalDate): PAV.retrievedOn,
}


def dataset_triples(
    store: GraphStore, links: Links, dump: Dump | None, partitions: list[ox.Triple]
) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset: identifiers canonical, the endpoint, the
    landing page and the download on the serving host; ``partitions`` from
    :func:`partition_triples` (the costly counts, computed once per state of the store)."""
    iris = links.iris
    g = GraphBuilder()
    ds = iris.dataset()
    g.type(ds, VOID.Dataset, DCAT.Dataset)
    for title, lang in TITLES:
        g.add(ds, DCTERMS.title, text(title, lang))
    g.add(ds, DCTERMS.description, text(DESCRIPTION, "en"))
    g.add(ds, DCTERMS.license, LICENSE)
    publisher = iris.agent("littlegiant-kg-project")
    g.add(ds, DCTERMS.publisher, publisher)
    g.add(ds, DCTERMS.creator, publisher)
    g.type(publisher, FOAF.Organization)
    for name, lang in PUBLISHER:
        g.add(publisher, FOAF.name, text(name, lang))
    g.add(ds, VOID.uriSpace, text(str(iris.uri_space())))
    g.add(ds, VOID.vocabulary, ONTOLOGY_IRI)
    g.add(ds, VOID.sparqlEndpoint, links.url("/sparql"))
    g.add(ds, VOID.rootResource, iris.home())
    # a set: each fact once however many sources state it; the quads (fact × source) beside it
    g.add(ds, VOID.triples, typed(count(store, DISTINCT_TRIPLES), XSD.integer))
    g.add(ds, LG.quadCount, typed(len(store), XSD.integer))
    g.add(ds, DCAT.landingPage, links.url("/"))
    _service(g, links)
    if dump is not None:
        _distribution(g, links, dump)
    return name_blank_nodes([*g.triples, *partitions])


def _service(g: GraphBuilder, links: Links) -> None:
    service, ds = links.iris.sparql(), links.iris.dataset()
    g.add(ds, DCAT.distribution, service)
    g.type(service, DCAT.DataService)
    g.add(service, DCAT.endpointURL, links.url("/sparql"))
    g.add(service, DCAT.servesDataset, ds)
    g.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)


def _distribution(g: GraphBuilder, links: Links, dump: Dump) -> None:
    dist, ds = links.iris.dump(dump.name), links.iris.dataset()
    url = links.url(f"/dumps/{dump.name}")
    g.add(ds, VOID.dataDump, url)
    g.add(ds, DCAT.distribution, dist)
    g.type(dist, DCAT.Distribution)
    g.add(dist, DCAT.downloadURL, url)
    g.add(dist, DCAT.mediaType, IANA_MEDIA_TYPES["application/n-quads"])
    g.add(dist, DCAT.compressFormat, IANA_MEDIA_TYPES["application/gzip"])
    g.add(dist, DCAT.byteSize, typed(dump.size, XSD.integer))
    g.add(dist, DCTERMS.license, LICENSE)
    _checksum(g, dist, dump.sha256)
    g.add(dist, LG.quadCount, typed(dump.quads, XSD.integer))
    g.add(dist, DCTERMS.issued, typed(dump.created, XSD.dateTime))


def _checksum(g: GraphBuilder, subject: ox.NamedNode | URIRef, sha256: str) -> None:
    """An SPDX checksum (as DCAT 3 gives a distribution's): algorithm and hex value."""
    checksum = ox.BlankNode()
    g.add(subject, SPDX.checksum, checksum)
    g.type(checksum, SPDX.Checksum)
    g.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
    g.add(checksum, SPDX.checksumValue, typed(sha256, XSD.hexBinary))


# The dates the data is about: documents published, batches announced, designations' events.
DATED = (LG.datePublished, LG.announcementDate, LG.eventDate)


def temporal_coverage(store: GraphStore) -> tuple[str, str] | None:
    """The first and the last date the data speaks of (ISO 8601), None when it has none."""
    values = " ".join(f"<{p}>" for p in DATED)
    rows = select(
        store,
        f"""SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{
          VALUES ?p {{ {values} }} ?s ?p ?d FILTER(DATATYPE(?d) = <{XSD.date}>) }}""",
    )
    if not rows or "first" not in rows[0]:
        return None
    return rows[0]["first"].value, rows[0]["last"].value


def _temporal(g: GraphBuilder, ds: URIRef, period: tuple[str, str] | None) -> None:
    """DCAT 3's temporal coverage: a dct:PeriodOfTime with dcat:startDate and dcat:endDate."""
    if period is None:
        return
    node = ox.BlankNode()
    g.add(ds, DCTERMS.temporal, node)
    g.type(node, DCTERMS.PeriodOfTime)
    g.add(node, DCAT.startDate, typed(period[0], XSD.date))
    g.add(node, DCAT.endDate, typed(period[1], XSD.date))


def partition_triples(store: GraphStore, iris: Iris) -> list[ox.Triple]:
    """Entities per class, triples per source graph, declared vs known per batch; the period
    the data covers."""
    g = GraphBuilder()
    ds = iris.dataset()
    _temporal(g, ds, temporal_coverage(store))
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
            if isinstance(quad.object, ox.Triple):
                continue
            if quad.predicate.value == str(LG.sha256):
                _checksum(g, graph, quad.object.value)
            elif quad.predicate.value in GRAPH_FACTS:
                g.add(graph, GRAPH_FACTS[quad.predicate.value], quad.object)
            if quad.predicate.value == str(DCTERMS.source) and isinstance(
                quad.object, ox.NamedNode
            ):  # a copy read: the original it copies, as the graph says (else as any does)
                for original in _originals(store, quad.object, graph):
                    g.add(graph, PROV.hadPrimarySource, original)
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
    return g.triples


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
            g.add(lst, LG.entryCount, typed(row["n"].value, XSD.nonNegativeInteger))
        for prop in (DCTERMS.source, PROV.hadPrimarySource):  # the copy read, the original
            for cited in _cited(store, lst, prop):
                g.add(lst, prop, cited)


def _originals(store: GraphStore, copy: ox.NamedNode, graph: ox.NamedNode) -> list[ox.NamedNode]:
    """The originals a graph read through ``copy`` copies: those the graph itself names (one
    copy may hold several publications, of which a graph read one), else all the store names."""
    own = [q.object for q in store.quads(copy, node(PROV.hadPrimarySource), None, graph)]
    found = [o for o in own if isinstance(o, ox.NamedNode)]
    return found or list(_cited(store, copy, PROV.hadPrimarySource))


def _cited(store: GraphStore, subject: ox.NamedNode, prop: URIRef) -> Iterator[ox.NamedNode]:
    """The IRIs the named graphs say ``subject`` has for ``prop`` (a source, an original)."""
    for quad in store.quads(subject, node(prop)):
        if isinstance(quad.object, ox.NamedNode):
            yield quad.object
