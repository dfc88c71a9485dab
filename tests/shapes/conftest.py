"""The project's shapes and ontology, parsed once per session, and the gate compiled from them.

Nothing is parsed when a test module is imported: every graph comes from these fixtures.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from ingest.shacl import ShapesGate
from ingest.shacl.shapes import all_shapes, load_shapes, shape_id
from ontology.paths import ONTOLOGY_TTL, SHAPES_DIR


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl`` in one graph, as the gate and pySHACL read them."""
    assert any(SHAPES_DIR.glob("*.ttl")), "the project's shapes are missing"
    return load_shapes(SHAPES_DIR)


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@pytest.fixture(scope="session")
def gate(shapes_graph: Graph, ontology_graph: Graph) -> ShapesGate:
    return ShapesGate(shapes_graph, ontology_graph)


@pytest.fixture(scope="session")
def node_shape_of(shapes_graph: Graph) -> dict[str, str]:
    """The name of each shape in results (``shape_id``) → the IRI of the node shape owning it."""
    out = {}
    for shape in all_shapes(shapes_graph):
        owner = shape
        while not isinstance(owner, URIRef):
            parent = shapes_graph.value(None, SH.property, owner)
            if parent is None:
                break  # a shape inside sh:or, sh:not ...: its results are its user's
            owner = parent
        if isinstance(owner, URIRef):
            out[shape_id(shapes_graph, shape)] = str(owner)
    return out
