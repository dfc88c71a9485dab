"""ontology/context.jsonld: compacting our RDF with it and expanding again loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from ontology.namespaces import LG, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
CONTEXT = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
SCHEMA_TERMS = frozenset(SCHEMA.__annotations__)  # every schema.org term name
SOURCES = [
    pytest.param(ROOT / "ontology" / "lg.ttl", id="ontology"),
    pytest.param(Path(__file__).with_name("sample-instances.ttl"), id="synthetic-instances"),
]


def _roundtrip(graph: Graph) -> tuple[dict, Graph]:
    """RDF → expanded JSON-LD → compacted with our context → expanded → RDF."""
    expanded = jsonld.from_rdf(graph.serialize(format="nt"), {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, CONTEXT)
    nquads = jsonld.to_rdf(jsonld.expand(compacted), {"format": "application/n-quads"})
    return compacted, Graph().parse(data=nquads, format="nt")


@pytest.mark.parametrize("source", SOURCES)
def test_compact_then_expand_gives_the_same_triples(source: Path) -> None:
    original = Graph().parse(source)
    compacted, back = _roundtrip(original)
    missing = to_isomorphic(original) - to_isomorphic(back)
    extra = to_isomorphic(back) - to_isomorphic(original)
    assert isomorphic(original, back), (sorted(missing)[:5], sorted(extra)[:5])
    assert len(compacted["@graph"]) > 1


def test_compacted_form_uses_short_terms_and_language_maps() -> None:
    compacted, _ = _roundtrip(Graph().parse(SOURCES[1].values[0]))
    nodes = {node["id"]: node for node in compacted["@graph"]}
    enterprise = nodes["https://w3id.org/littlegiant/id/enterprise/E900001"]
    assert enterprise["type"] == "Enterprise"
    assert enterprise["englishName"] == {"en": ["Example Precision Machinery Co., Ltd."]}
    assert sorted(enterprise["lgLegalName"]["zh"]) == [
        "示例精密机械有限公司",
        "示例精密机械（集团）有限公司",
    ]
    assert enterprise["reportingRegion"] == "https://w3id.org/littlegiant/id/province/110000"
    designation = nodes["https://w3id.org/littlegiant/id/designation/E900001-little-giant-99"]
    assert designation["tier"] == "LittleGiant"
    assert designation["lgValidFrom"] == "2099-07-01"
    document = nodes["https://w3id.org/littlegiant/id/document/slsl-2099-1"]
    assert document["rdfsComment"] == {"en": ["A synthetic note."], "@none": ["untagged note"]}


def test_every_lg_term_has_a_context_term_of_the_same_name() -> None:
    """The same name, or ``lg`` + the name where schema.org has a term of that name."""
    context = CONTEXT["@context"]
    for name in LG.__annotations__:
        key = f"lg{name[0].upper()}{name[1:]}" if name in SCHEMA_TERMS else name
        entry = context[key]
        iri = entry if isinstance(entry, str) else entry["@id"]
        assert iri == f"lg:{name}"


def test_no_term_collides_with_schema_org_and_all_are_protected() -> None:
    """A document may load schema.org's context beside ours: no term of ours has a schema.org
    name (JSON-LD 1.1 would refuse to redefine a protected term), and ours cannot be redefined."""
    context = CONTEXT["@context"]
    assert context["@protected"] is True
    assert sorted(set(context) & SCHEMA_TERMS) == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        pytest.param("lgValidFrom", {"@id": "lg:validFrom", "@type": "xsd:date"}, id="date"),
        pytest.param("ordinal", {"@id": "lg:ordinal", "@type": "xsd:integer"}, id="int"),
        pytest.param("holder", {"@id": "lg:holder", "@type": "@id"}, id="object"),
        pytest.param(
            "lgLegalName",
            {"@id": "lg:legalName", "@container": ["@language", "@set"]},
            id="zh-names-always-a-list",
        ),
        pytest.param("cites", {"@id": "lg:cites", "@type": "@id", "@container": "@set"}, id="set"),
        pytest.param("uscc", {"@id": "lg:uscc"}, id="plain-string"),
    ],
)
def test_term_definitions_type_their_values(term: str, expected: dict) -> None:
    assert CONTEXT["@context"][term] == expected


def test_integers_as_pyoxigraph_stores_them_compact_to_short_terms() -> None:
    """pyoxigraph stores xsd:positiveInteger/nonNegativeInteger as xsd:integer: the context
    types the integer-valued terms xsd:integer so that stored data compacts to plain terms."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(SOURCES[1].values[0]), format=ox.RdfFormat.TURTLE)
    ntriples = ox.serialize([q.triple for q in store], format=ox.RdfFormat.N_TRIPLES)
    graph = Graph().parse(data=ntriples.decode(), format="nt")
    compacted, back = _roundtrip(graph)
    assert isomorphic(graph, back)
    batch = next(n for n in compacted["@graph"] if n["id"].endswith("/batch/99"))
    assert batch["ordinal"] == "99"
    assert batch["declaredCount"] == "3"


def test_context_declares_the_prefixes_and_aliases() -> None:
    context = CONTEXT["@context"]
    assert context["@version"] == 1.1
    for prefix in (
        "lg",
        "schema",
        "dcterms",
        "prov",
        "skos",
        "org",
        "rov",
        "eli",
        "xsd",
        "rdfs",
        "owl",
    ):
        assert context[prefix].endswith(("#", "/")), prefix
    assert context["lg"] == "https://w3id.org/littlegiant/ontology#"
    assert context["schema"] == "https://schema.org/"
    assert (context["id"], context["type"]) == ("@id", "@type")
