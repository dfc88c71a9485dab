"""The shapes graph itself: valid SHACL (pySHACL meta-SHACL), and kept to what the fast gate
compiles (SHACL Core, sh:targetClass only, SPARQL SELECT constraints); every shape explained."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from ontology.paths import SHAPES_DIR

FILES = sorted(SHAPES_DIR.glob("*.ttl"))
LGSH = "https://w3id.org/littlegiant/shapes#"
LG = "https://w3id.org/littlegiant/ontology#"


def test_shapes_pass_meta_shacl(shapes_graph: Graph) -> None:
    shacl = Graph()
    shacl += shapes_graph  # pySHACL adds triples of its own to the shapes graph it is given
    conforms, _report, text = pyshacl.validate(Graph(), shacl_graph=shacl, meta_shacl=True)
    assert conforms, text


@pytest.mark.parametrize("shapes_file", FILES, ids=[f.stem for f in FILES])
def test_each_file_parses_on_its_own(shapes_file: Path) -> None:
    assert len(Graph().parse(shapes_file, format="turtle")) > 0


def test_every_node_shape_is_named_explained_and_targets_a_class(shapes_graph: Graph) -> None:
    node_shapes = sorted(set(shapes_graph.subjects(RDF.type, SH.NodeShape)), key=str)
    assert node_shapes
    for shape in node_shapes:
        assert isinstance(shape, URIRef), shape
        assert shape.startswith(LGSH), shape
        assert shape.endswith("Shape"), shape
        explained = shapes_graph.value(shape, RDFS.comment) or shapes_graph.value(shape, SH.message)
        assert explained is not None, shape
        targets = {p for p in shapes_graph.predicates(shape) if str(p).startswith(f"{SH}target")}
        assert targets == {SH.targetClass}, shape


@pytest.mark.parametrize("shapes_file", FILES, ids=[f.stem for f in FILES])
def test_one_file_per_target_class(shapes_file: Path) -> None:
    """``enterprise.ttl`` holds the shapes of lg:Enterprise, and only of it."""
    g = Graph().parse(shapes_file, format="turtle")
    classes = set(g.objects(None, SH.targetClass))
    if shapes_file.stem == "prefixes":
        assert classes == set()
        return
    assert len(classes) == 1 or shapes_file.stem in {"designation-event", "ingest"}, classes
    kebab = {
        "".join("-" + c.lower() if c.isupper() else c for c in str(cls).split("#")[-1])[1:]
        for cls in classes
    }
    assert shapes_file.stem in kebab or shapes_file.stem in {"designation-event", "ingest"}


def test_every_property_shape_explains_itself(shapes_graph: Graph) -> None:
    for prop in shapes_graph.objects(None, SH.property):
        assert shapes_graph.value(prop, SH.message) is not None, shapes_graph.value(prop, SH.path)


def test_every_sparql_constraint_is_a_named_select_with_a_message(shapes_graph: Graph) -> None:
    constraints = set(shapes_graph.objects(None, SH.sparql))
    assert len(constraints) >= 6
    for c in constraints:
        assert isinstance(c, URIRef), c
        assert c.startswith(LGSH), c
        assert shapes_graph.value(c, SH.select) is not None
        assert shapes_graph.value(c, SH.message) is not None
        assert shapes_graph.value(c, RDFS.comment) is not None
        assert "$this" in str(shapes_graph.value(c, SH.select))


def test_only_constructs_the_gate_compiles(shapes_graph: Graph) -> None:
    banned = {SH.qualifiedValueShape, SH.rule, SH.target, SH.targetNode, SH.targetSubjectsOf,
              SH.targetObjectsOf, SH.construct, SH.ask, SH.closed, SH.uniqueLang}  # fmt: skip
    assert {p for p in shapes_graph.predicates() if p in banned} == set()


def test_every_class_of_the_ontology_is_a_shape_target(
    shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """Each class is checked by a shape aimed at it or at a superclass in the ontology."""
    targeted = set(shapes_graph.objects(None, SH.targetClass))
    for cls in ontology_graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")):
        if isinstance(cls, BNode) or not str(cls).startswith(LG):
            continue
        supers = set(ontology_graph.transitive_objects(cls, RDFS.subClassOf))
        assert supers & targeted, cls


def test_shapes_and_ontology_speak_the_same_terms(
    shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """No shape names an lg: term that the ontology does not define."""
    defined = {str(s) for s in ontology_graph.subjects() if str(s).startswith(LG)}
    used = {str(t) for t in shapes_graph.all_nodes() if isinstance(t, URIRef) and t.startswith(LG)}
    assert used - defined == set()
