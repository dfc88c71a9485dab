"""The JSON-LD compactor: every triple survives a pyld round trip, whatever shape its value has."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from ontology.paths import CONTEXT_JSONLD
from server.jsonld import Compactor, UnsupportedContext, compact_jsonld

LG = "https://w3id.org/littlegiant/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
CONTEXT_URL = "https://w3id.org/littlegiant/ns/context/0.2.0.jsonld"
S = ox.NamedNode("https://w3id.org/littlegiant/id/enterprise/E900001")
B = ox.BlankNode("b1")


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# SYNTHETIC values chosen for their shapes, not their meaning
AWKWARD = [
    ox.Triple(S, n(RDFS + "label"), ox.Literal("示例", language="zh")),
    ox.Triple(S, n(RDFS + "label"), ox.Literal("another", language="zh")),
    ox.Triple(S, n(RDFS + "label"), ox.Literal("untagged on a language-map term")),
    ox.Triple(S, n(LG + "validFrom"), ox.Literal("2019-06-05", datatype=n(XSD + "date"))),
    ox.Triple(S, n(LG + "validFrom"), ox.Literal("not a date")),  # plain on a date term
    ox.Triple(S, n(LG + "validFrom"), ox.Literal("2019", datatype=n(XSD + "gYear"))),
    ox.Triple(S, n(LG + "tier"), n(LG + "LittleGiant")),  # @vocab term, known individual
    ox.Triple(S, n(LG + "tier"), n("http://example.org/other-tier")),  # @vocab, unknown IRI
    ox.Triple(S, n(LG + "reportingRegion"), n("https://w3id.org/littlegiant/id/province/110000")),
    ox.Triple(S, n(LG + "reportingRegion"), ox.Literal("a literal on an @id term")),
    ox.Triple(S, n(LG + "uscc"), ox.Literal("91110108MA01AAAA0M")),
    ox.Triple(S, n(LG + "uscc"), ox.Literal("@id")),  # looks like a keyword
    ox.Triple(S, n("http://example.org/unknown#p"), ox.Literal("5", datatype=n(XSD + "integer"))),
    ox.Triple(S, n("http://example.org/unknown#p"), B),
    ox.Triple(B, n(RDFS + "comment"), ox.Literal("in a blank node", language="en")),
    ox.Triple(S, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(LG + "Enterprise")),
    ox.Triple(S, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n("http://example.org/T")),
]


def expand_to_graph(doc: dict) -> Graph:
    context = json.loads(CONTEXT_JSONLD.read_text(encoding="utf-8"))

    def load(url: str, options: dict | None = None) -> dict:
        assert url == CONTEXT_URL
        return {"contextUrl": None, "documentUrl": url, "document": context}

    nq = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": load})
    return Graph().parse(data=nq, format="nt")


def test_awkward_values_round_trip() -> None:
    doc = compact_jsonld(AWKWARD, CONTEXT_URL)
    expected = Graph().parse(data=ox.serialize(AWKWARD, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(expand_to_graph(doc), expected)
    [node] = [x for x in doc["@graph"] if x["id"] == S.value]
    assert node["lgValidFrom"] == "2019-06-05"
    assert node["label"] == {"zh": ["示例", "another"]}
    assert node["tier"] == ["LittleGiant", "http://example.org/other-tier"]
    assert "Enterprise" in node["type"]


@pytest.mark.parametrize(
    "context",
    [
        {"p": {"@id": "http://x/p", "@container": "@list"}},
        {"p": {"@reverse": "http://x/p"}},
        {"@base": "http://x/"},
        {"p": {"@id": "http://x/p", "@context": {}}},
    ],
)
def test_unsupported_context_features_are_refused(context: dict) -> None:
    with pytest.raises(UnsupportedContext):
        Compactor(context)
