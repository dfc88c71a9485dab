"""Every shape, both directions: valid fixtures conform, each invalid fixture fails exactly as its
header says. pySHACL is the reference; the fast gate in ingest/validate.py must agree with it.

An invalid fixture starts with one or more lines

    # expect: <Violation|Warning> <shape> <path or -> <constraint component>

(CURIEs with the prefixes below). Its results must be exactly the expected ones: every expected
result appears, and nothing else does, so a fixture shows one rule and one rule only.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_TTL = ROOT / "ontology" / "lg.ttl"
CURIES = {
    "lg": "https://w3id.org/littlegiant/ontology#",
    "lgsh": "https://w3id.org/littlegiant/shapes#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "sh": str(SH),
}
EXPECT = re.compile(r"^# expect: (Violation|Warning) (\S+) (\S+) (\S+)\s*$", re.MULTILINE)
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))

Result = tuple[str, str, str | None, str]  # severity, node shape, path, component


def _shapes() -> Graph:
    g = Graph()
    for f in sorted(SHAPES_DIR.glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


SHAPES = _shapes()
ONTOLOGY = Graph().parse(ONTOLOGY_TTL, format="turtle")


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return CURIES[prefix] + local


def _node_shape(shape: URIRef) -> str:
    """The IRI of the shape a result came from: the node shape owning a blank property shape."""
    while not isinstance(shape, URIRef):
        parent = SHAPES.value(None, SH.property, shape)
        assert parent is not None, f"result from an anonymous shape {shape}"
        shape = parent
    return str(shape)


def reference_results(data: Graph) -> set[Result]:
    """Validate with pySHACL (ontology as ont_graph, no inference) and summarise the results."""
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=SHAPES,
        ont_graph=ONTOLOGY,
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.add(
            (
                str(report.value(r, SH.resultSeverity)).removeprefix(str(SH)),
                _node_shape(report.value(r, SH.sourceShape)),
                str(path) if path is not None else None,
                str(report.value(r, SH.sourceConstraintComponent)).removeprefix(str(SH)),
            )
        )
    return out


def expected_results(fixture: Path) -> set[Result]:
    found = EXPECT.findall(fixture.read_text(encoding="utf-8"))
    return {
        (
            sev,
            _expand(shape),
            None if path == "-" else _expand(path),
            _expand(comp).removeprefix(str(SH)),
        )
        for sev, shape, path, comp in found
    }


def _shape_of(fixture: Path) -> str:
    """The shapes file a fixture exercises: the longest shapes/*.ttl stem its name starts with."""
    stems = [f.stem for f in SHAPES_DIR.glob("*.ttl") if fixture.stem.startswith(f.stem + "-")]
    assert stems, f"{fixture.name} does not start with the name of a shapes file"
    return max(stems, key=len)


@pytest.mark.parametrize("fixture", VALID, ids=[f.stem for f in VALID])
def test_valid_fixture_conforms_without_warnings(fixture: Path) -> None:
    _shape_of(fixture)
    assert reference_results(Graph().parse(fixture)) == set()


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_fails_exactly_as_expected(fixture: Path) -> None:
    _shape_of(fixture)
    expected = expected_results(fixture)
    assert expected, f"{fixture.name} has no '# expect:' header"
    assert reference_results(Graph().parse(fixture)) == expected


def test_the_ontology_alone_conforms() -> None:
    """Tiers, statuses and document kinds are individuals in lg.ttl: their shapes check them."""
    assert reference_results(Graph()) == set()


def test_every_shapes_file_has_valid_and_invalid_fixtures() -> None:
    files = {f.stem for f in SHAPES_DIR.glob("*.ttl")} - {"prefixes"}
    with_valid = {_shape_of(f) for f in VALID}
    with_invalid = {_shape_of(f) for f in INVALID}
    # The individuals of tier, document-kind and designation-status live in the ontology, which
    # test_the_ontology_alone_conforms validates.
    assert files - with_valid <= {"tier", "document-kind", "designation-status"}
    assert files - with_invalid == set()


def test_every_shape_has_an_invalid_fixture() -> None:
    """Each node shape (lgsh:...Shape) is the expected source of some invalid fixture's result."""
    shapes = {str(s) for s in SHAPES.subjects(RDF.type, SH.NodeShape)}
    covered = {shape for f in INVALID for _sev, shape, _path, _comp in expected_results(f)}
    assert shapes - covered == set()


@functools.cache
def _gate(gate_class: type) -> object:
    return gate_class(SHAPES_DIR, ONTOLOGY_TTL)


def _gate_and_reference(fixture: Path) -> tuple[set, set]:
    """Both engines on one store holding the fixture and the ontology, as the real store does."""
    import pyoxigraph as ox

    from ingest.validate import ShapesGate, reference_validate

    store = ox.Store()
    store.load(path=str(fixture), format=ox.RdfFormat.TURTLE)
    store.load(path=str(ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE)
    return _gate(ShapesGate).validate(store).keys(), reference_validate(
        store, SHAPES_DIR, ONTOLOGY_TTL
    ).keys()


@pytest.mark.parametrize(
    "fixture", VALID + INVALID, ids=[f.parent.name + "/" + f.stem for f in VALID + INVALID]
)
def test_fast_gate_agrees_with_pyshacl(fixture: Path) -> None:
    """ingest/validate.py compiles the shapes to SPARQL; it finds what pySHACL finds."""
    gate, reference = _gate_and_reference(fixture)
    assert gate == reference
