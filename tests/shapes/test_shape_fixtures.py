"""Every shape, both directions: valid fixtures conform, each invalid fixture fails exactly as its
header says. The fast gate (ingest/shacl/) runs the fixtures; pySHACL, the reference, must find
exactly what the gate finds on every one of them (``test_fast_gate_agrees_with_pyshacl``), so
each fixture's expectation holds in both engines. pySHACL takes about half a second a fixture
(a minute for all of them), so that cross-check is marked ``slow``: ``make test`` and CI run it,
the default run checks the gate against each fixture's header and keeps pySHACL's random
mutations (tests/ingest/test_shacl.py).

An invalid fixture starts with one or more lines

    # expect: <Violation|Warning> <shape> <path or -> <constraint component>

(CURIEs with the prefixes below). Its results must be exactly the expected ones: every expected
result appears, and nothing else does, so a fixture shows one rule and one rule only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from ingest.shacl import ShapesGate, ValidationReport
from ingest.shacl.reference import reference_validate
from ontology.paths import ONTOLOGY_TTL, SHAPES_DIR

HERE = Path(__file__).parent
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


def fixture_store(fixture: Path | None) -> ox.Store:
    """A store holding the fixture (if any) and the ontology, as the real store holds both."""
    store = ox.Store()
    if fixture is not None:
        store.load(path=str(fixture), format=ox.RdfFormat.TURTLE)
    store.load(path=str(ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE)
    return store


def summary(report: ValidationReport, node_shape_of: dict[str, str]) -> set[Result]:
    """The results in the headers' terms: the node shape, not the property shape; IRIs bare."""
    return {
        (
            r.severity,
            node_shape_of[r.shape],
            r.path.removeprefix("<").removesuffix(">") if r.path is not None else None,
            r.constraint.removeprefix("sh:"),
        )
        for r in report.results
    }


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return CURIES[prefix] + local


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
def test_valid_fixture_conforms_without_warnings(gate: ShapesGate, fixture: Path) -> None:
    _shape_of(fixture)
    report = gate.validate(fixture_store(fixture))
    assert report.results == (), report.text()


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_fails_exactly_as_expected(
    gate: ShapesGate, node_shape_of: dict[str, str], fixture: Path
) -> None:
    _shape_of(fixture)
    expected = expected_results(fixture)
    assert expected, f"{fixture.name} has no '# expect:' header"
    report = gate.validate(fixture_store(fixture))
    assert summary(report, node_shape_of) == expected, report.text()


def test_the_ontology_alone_conforms(gate: ShapesGate) -> None:
    """Tiers, statuses and document kinds are individuals in lg.ttl: their shapes check them."""
    assert gate.validate(fixture_store(None)).results == ()


@pytest.mark.slow
@pytest.mark.parametrize(
    "fixture",
    [*VALID, *INVALID, None],
    ids=[f"{f.parent.name}/{f.stem}" for f in VALID + INVALID] + ["ontology-alone"],
)
def test_fast_gate_agrees_with_pyshacl(
    gate: ShapesGate, shapes_graph: Graph, ontology_graph: Graph, fixture: Path | None
) -> None:
    """The gate compiles the shapes to SPARQL; on one store it finds exactly what pySHACL finds."""
    store = fixture_store(fixture)
    found = gate.validate(store)
    reference = reference_validate(store, shapes_graph, ontology_graph)
    only_gate, only_pyshacl = found.keys() - reference.keys(), reference.keys() - found.keys()
    assert not only_gate, f"gate only: {sorted(only_gate, key=str)}"
    assert not only_pyshacl, f"pySHACL only: {sorted(only_pyshacl, key=str)}"
    assert found.conforms == reference.conforms


def test_every_shapes_file_has_valid_and_invalid_fixtures() -> None:
    files = {f.stem for f in SHAPES_DIR.glob("*.ttl")} - {"prefixes"}
    with_valid = {_shape_of(f) for f in VALID}
    with_invalid = {_shape_of(f) for f in INVALID}
    # The individuals of tier, document-kind and designation-status live in the ontology, which
    # test_the_ontology_alone_conforms validates.
    assert files - with_valid <= {"tier", "document-kind", "designation-status"}
    assert files - with_invalid == set()


def test_every_shape_has_an_invalid_fixture(shapes_graph: Graph) -> None:
    """Each node shape (lgsh:...Shape) is the expected source of some invalid fixture's result."""
    shapes = {str(s) for s in shapes_graph.subjects(RDF.type, SH.NodeShape)}
    covered = {shape for f in INVALID for _sev, shape, _path, _comp in expected_results(f)}
    assert shapes - covered == set()
