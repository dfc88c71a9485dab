"""BuildContext: one list or notice graph under construction, and the store as it was before it.

Lookups skip the graph being replaced: its previous version is what this build supersedes, so it
must not count as evidence (a corrected list that drops a firm must not find the firm's old row).
The nodes several sources share (documents, batches, review rounds) are described once per graph,
and only with what no other graph already says of them; an enterprise is described with what
this source prints of it.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
from rdflib import URIRef

from ingest.facts import Facts
from ingest.identity import Registry
from ingest.parse_list import ListRow
from ingest.regions import default_regions
from ontology import rdf
from ontology.iris import Iris
from ontology.names import has_cjk, language_of, split_name_notes
from ontology.namespaces import DCTERMS, LG, RDF, RDFS, XSD
from ontology.rdf import GraphBuilder
from ontology.store import GraphStore

_KIND_FROM_TEXT = (
    ("通告", LG.KindAnnouncement),
    ("通知", LG.KindNotice),
    ("公示", LG.KindPublicity),
    ("办法", LG.KindMeasures),
)
_UNSTATED_KIND = "Kind not stated by the ingested list; recorded as the list itself."

Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def name_literal(name: str) -> ox.Literal:
    """A printed name, tagged ``@zh`` when it is Chinese and ``@en`` otherwise."""
    return rdf.text(name, language_of(name))


def region_iri(iris: Iris, code: str) -> ox.NamedNode:
    """The IRI of a region code the list reader resolved (province, planned city, ``xpcc``).

    Raises:
        ValueError: the code is in no region table row (the reader resolves only those).
    """
    region = default_regions().get(code)
    if region is None:
        raise ValueError(f"no reporting region has the code {code!r}")
    return rdf.node(region.iri(iris))


class BuildContext:
    """The graph being built (``builder``, the source row behind each node) and its lookups."""

    def __init__(
        self, store: GraphStore, iris: Iris, registry: Registry, graph: str, facts: Facts
    ) -> None:
        self.store = store
        self.iris = iris
        self.registry = registry
        self.graph = graph
        self.facts = facts
        self.builder = GraphBuilder()
        self.rows: dict[str, str] = {}
        self.source = rdf.node(facts.source_url) if facts.source_url else rdf.node(graph)
        self._done: set[str] = set()

    # -- the store outside this graph
    def quads(self, s: str | None, p: URIRef, o: URIRef | str | None = None) -> list[ox.Quad]:
        """Quads matching the pattern in every graph but this one."""
        subject = None if s is None else ox.NamedNode(s)
        obj = None if o is None else rdf.node(o)
        return [
            q
            for q in self.store.quads(subject, rdf.node(p), obj)
            if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value != self.graph
        ]

    def has(self, s: str, p: URIRef, o: URIRef | str | None = None) -> bool:
        return bool(self.quads(s, p, o))

    def objects(self, s: str, p: URIRef) -> list[Object]:
        return [q.object for q in self.quads(s, p)]

    def subjects(self, p: URIRef, o: URIRef | str) -> list[str]:
        return [
            q.subject.value for q in self.quads(None, p, o) if isinstance(q.subject, ox.NamedNode)
        ]

    def dates(self, s: str, p: URIRef) -> list[dt.date]:
        objects = self.objects(s, p)
        return [dt.date.fromisoformat(o.value) for o in objects if isinstance(o, ox.Literal)]

    def exists(self, iri: str) -> bool:
        """Whether another graph already types ``iri``."""
        return self.has(iri, RDF.type)

    def once(self, iri: str) -> bool:
        """True the first time ``iri`` is asked about in this build, False after."""
        if iri in self._done:
            return False
        self._done.add(iri)
        return True

    # -- the shared nodes
    def source_page(self) -> None:
        if self.facts.source_url and self.once(self.facts.source_url):
            self.builder.type(self.source, LG.SourcePage)

    def document(self, number: str | None, label: str, kind_text: str = "") -> ox.NamedNode:
        """The document the list or notice belongs to, described here only if the store lacks it."""
        if number:
            iri = str(self.iris.document(self.registry.document_slug(number)))
        else:
            own = self.iris.parse(self.graph)
            iri = str(self.iris.document(own.local if own else self.graph))
        node = rdf.node(iri)
        if self.once(iri) and not self.exists(iri):
            self._describe_document(node, number, label, kind_text)
        return node

    def _describe_document(
        self, node: ox.NamedNode, number: str | None, label: str, kind_text: str
    ) -> None:
        b = self.builder
        b.type(node, LG.RegulatoryDocument)
        kind = next((k for word, k in _KIND_FROM_TEXT if word in kind_text), LG.KindList)
        if kind in (LG.KindNotice, LG.KindAnnouncement):
            b.type(node, LG.Notice)
        b.add(node, LG.documentKind, kind)
        if number:
            b.add(node, LG.documentNumber, rdf.text(number))
        b.add(node, RDFS.label, name_literal(number or label))
        if not number:
            title = DCTERMS.title if has_cjk(label) else LG.titleTranslation
            b.add(node, title, name_literal(label))
        b.add(node, DCTERMS.source, self.source)
        if kind is LG.KindList and number:
            b.add(node, RDFS.comment, rdf.text(_UNSTATED_KIND, "en"))

    def batch(self, n: int) -> ox.NamedNode:
        """A Little Giant batch, described here if no other graph describes it."""
        iri = str(self.iris.batch(n))
        if self.once(iri) and not self.exists(iri):
            b = self.builder
            b.type(iri, LG.Batch)
            b.add(iri, LG.ordinal, rdf.typed(n, XSD.positiveInteger))
            b.add(iri, LG.tier, LG.LittleGiant)
            b.add(iri, RDFS.label, rdf.text(f"第{n}批专精特新“小巨人”企业", "zh"))
            b.add(iri, RDFS.label, rdf.text(f"Little Giant batch {n}", "en"))
        return rdf.node(iri)

    def review_round(self, year: int, batch: int) -> ox.NamedNode:
        """The re-review round of ``year``, which reviews ``batch``."""
        iri = str(self.iris.review(year))
        b = self.builder
        if self.once(iri) and not self.exists(iri):
            b.type(iri, LG.ReviewRound)
            b.add(iri, LG.year, rdf.gyear(year))
            b.add(iri, RDFS.label, rdf.text(f"{year}年专精特新“小巨人”企业复核", "zh"))
            b.add(iri, RDFS.label, rdf.text(f"Little Giant re-review {year}", "en"))
        reviewed = self.iris.batch(batch)
        if self.once(f"{iri}#{batch}") and not self.has(iri, LG.reviewedBatch, reviewed):
            b.add(iri, LG.reviewedBatch, self.batch(batch))
        return rdf.node(iri)

    def enterprise(self, key: str, row: ListRow, where: str, new: bool = False) -> ox.NamedNode:
        """Describe the firm as this source prints it: its printed name (``rdfs:label``, and
        ``lg:englishName`` for an English one), the former names its notes give, its credit
        code. Which name is current, and the firm's region, are the registry's to say (the
        ``names`` graph); the region this source prints goes on the listing (``reported_by``).
        ``new``: just minted (kept for callers; nothing is looked up either way)."""
        iri = str(self.iris.enterprise(key))
        node = rdf.node(iri)
        self.rows[iri] = where
        if not self.once(iri):
            return node
        b = self.builder
        printed = split_name_notes(row.name)
        name = name_literal(printed.name)
        b.type(node, LG.Enterprise)
        b.add(node, RDFS.label, name)
        if name.language == "en":
            b.add(node, LG.englishName, name)
        for former in printed.former_names:
            if has_cjk(former):
                b.add(node, LG.formerName, rdf.text(former, "zh"))
        if row.uscc:
            b.add(node, LG.uscc, rdf.text(row.uscc))
        return node

    def reported_by(self, subject: ox.NamedNode, row: ListRow) -> None:
        """The region the listing prints for the firm, on the listing's designation or event."""
        if row.region:
            self.builder.add(subject, LG.reportedBy, region_iri(self.iris, row.region))
