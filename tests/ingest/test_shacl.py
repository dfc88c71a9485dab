"""The SHACL gate (ingest/shacl/) agrees with pySHACL, restricts to focus nodes, and refuses what
it cannot check. The gate's own shapes (tests/ingest/data/validate/shapes) use every construct it
compiles; tests/shapes holds the project's shapes to both engines.

Every comparison runs both engines on the same pyoxigraph store (the ontology in its own graph, as
the default dataset has it), so they see the same terms; results compare as sets of
(severity, focus, path, shape, constraint component). The shapes and the ontology are parsed once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ingest.shacl import ShapesGate, UnsupportedShape, ValidationReport
from ingest.shacl.reference import reference_validate
from ingest.shacl.shapes import load_shapes
from ontology.paths import ONTOLOGY_TTL

HERE = Path(__file__).parent
FIXTURES = HERE / "data" / "validate"
FIXTURE_SHAPES = FIXTURES / "shapes"
BASE = "https://w3id.org/littlegiant"
LG = "https://w3id.org/littlegiant/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
E1 = f"{BASE}/id/enterprise/E900001"
E2 = f"{BASE}/id/enterprise/E900002"


def make_store(*files: Path, triples: list[ox.Triple] | None = None) -> ox.Store:
    """An in-memory store as ingest builds it: ontology graph plus one graph per file."""
    store = ox.Store()
    store.load(
        path=str(ONTOLOGY_TTL),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(f"{BASE}/graph/ontology"),
    )
    for n, f in enumerate(files):
        graph = ox.NamedNode(f"{BASE}/graph/test-{n}")
        store.load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=graph)
    if triples is not None:
        graph = ox.NamedNode(f"{BASE}/graph/test-triples")
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


@pytest.fixture(scope="module")
def fixture_shapes() -> Graph:
    return load_shapes(FIXTURE_SHAPES)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@pytest.fixture(scope="module")
def fixture_gate(fixture_shapes: Graph, ontology: Graph) -> ShapesGate:
    return ShapesGate(fixture_shapes, ontology)


Reference = Callable[[ox.Store], ValidationReport]


@pytest.fixture(scope="module")
def reference(fixture_shapes: Graph, ontology: Graph) -> Reference:
    """pySHACL over a store, with the gate's shapes and the ontology."""
    return lambda store: reference_validate(store, fixture_shapes, ontology)


def assert_same(gate_report: ValidationReport, reference: ValidationReport) -> None:
    only_gate = gate_report.keys() - reference.keys()
    only_ref = reference.keys() - gate_report.keys()
    assert not only_gate, f"gate only: {sorted(only_gate, key=str)}"
    assert not only_ref, f"pySHACL only: {sorted(only_ref, key=str)}"
    assert gate_report.conforms == reference.conforms


# -- the engines agree ---------------------------------------------------------------------------
def test_valid_fixture_conforms_in_both_engines(
    fixture_gate: ShapesGate, reference: Reference
) -> None:
    store = make_store(FIXTURES / "valid.ttl")
    report = fixture_gate.validate(store)
    assert report.conforms, report.text()
    assert report.results == ()
    assert_same(report, reference(store))


def test_invalid_fixture_gives_the_same_results_as_pyshacl(
    fixture_gate: ShapesGate, reference: Reference
) -> None:
    store = make_store(FIXTURES / "invalid.ttl")
    report = fixture_gate.validate(store)
    assert not report.conforms
    assert len(report.keys()) > 40, report.text()
    assert_same(report, reference(store))


@pytest.mark.parametrize(
    ("focus", "path", "constraint"),
    [
        pytest.param(E1, None, "sh:SPARQLConstraintComponent", id="sparql-region-mismatch"),
        pytest.param(E2, None, "sh:OrConstraintComponent", id="or-no-name-at-all"),
        pytest.param(
            f"{BASE}/id/enterprise/E900003",
            f"^<{LG}holder>",
            "sh:MinCountConstraintComponent",
            id="inverse-path-holds-nothing",
        ),
        pytest.param(
            f"{BASE}/id/designation/E900001-little-giant-1",
            f"<{LG}validFrom>",
            "sh:LessThanOrEqualsConstraintComponent",
            id="valid-until-before-valid-from",
        ),
        pytest.param(
            f"{BASE}/id/batch/2",
            f"<{LG}announcedBy>",
            "sh:NodeConstraintComponent",
            id="node-shape-on-values",
        ),
        pytest.param(
            f"{BASE}/id/designation/E900002-little-giant-1",
            f"<{LG}validUntil>",
            "sh:DatatypeConstraintComponent",
            id="ill-formed-date",
        ),
        pytest.param(
            f"{BASE}/id/document/bad-1",
            "<http://purl.org/dc/terms/title>",
            "sh:NotConstraintComponent",
            id="not-a-plain-string",
        ),
    ],
)
def test_invalid_fixture_reports_the_rule_broken(
    fixture_gate: ShapesGate, focus: str, path: str | None, constraint: str
) -> None:
    report = fixture_gate.validate(make_store(FIXTURES / "invalid.ttl"))
    found = {(r.focus, r.path, r.constraint) for r in report.results}
    assert (focus, path, constraint) in found, report.text(200)


def test_warning_alone_does_not_break_conformance(
    fixture_gate: ShapesGate, reference: Reference
) -> None:
    """An enterprise without a designation is a sh:Warning (inverse path ^lg:holder)."""
    store = make_store(FIXTURES / "valid.ttl")
    designation = ox.NamedNode(f"{BASE}/id/designation/E900002-little-giant-1")
    for q in list(store.quads_for_pattern(designation, None, None, None)):
        store.remove(q)
    report = fixture_gate.validate(store)
    assert report.conforms, report.text()
    assert [(w.focus, w.path) for w in report.warnings] == [(E2, f"^<{LG}holder>")]
    assert "holds no designation" in report.text()
    assert_same(report, reference(store))


def test_reference_changes_neither_graph(ontology: Graph) -> None:
    """The shapes and ontology graphs are shared by every comparison: pySHACL must not grow them."""
    shapes = load_shapes(FIXTURE_SHAPES)
    before = (set(shapes), set(ontology))
    reference_validate(make_store(FIXTURES / "invalid.ttl"), shapes, ontology)
    assert (set(shapes), set(ontology)) == before


def test_union_of_graphs_is_validated(fixture_gate: ShapesGate) -> None:
    """A designation whose required source sits in another graph still conforms."""
    store = make_store(FIXTURES / "valid.ttl")
    designation = ox.NamedNode(f"{BASE}/id/designation/E900001-little-giant-1")
    source = ox.NamedNode("http://purl.org/dc/terms/source")
    (quad,) = store.quads_for_pattern(designation, source, None, None)
    store.remove(quad)
    assert not fixture_gate.validate(store).conforms
    other = ox.NamedNode(f"{BASE}/graph/other")
    store.add(ox.Quad(quad.subject, quad.predicate, quad.object, other))
    assert fixture_gate.validate(store).conforms


# -- focus ----------------------------------------------------------------------------------------
def test_focus_restricts_results_to_the_nodes_named(fixture_gate: ShapesGate) -> None:
    store = make_store(FIXTURES / "invalid.ttl")
    full = fixture_gate.validate(store)
    focused = fixture_gate.validate(store, focus={E1, E2})
    assert {r.focus for r in focused.results} == {E1, E2}
    assert set(focused.results) == {r for r in full.results if r.focus in (E1, E2)}


def test_focus_on_untouched_valid_nodes_conforms(fixture_gate: ShapesGate) -> None:
    store = make_store(FIXTURES / "invalid.ttl")
    assert fixture_gate.validate(store, focus={f"{BASE}/id/province/440000"}).conforms
    assert fixture_gate.validate(store, focus=set()).conforms


# -- what the gate refuses to compile -------------------------------------------------------------
UNSUPPORTED = {
    "closed": "sh:closed true ; sh:property [ sh:path lg:uscc ] .",
    "qualified": (
        "sh:property [ sh:path lg:holder ; sh:qualifiedValueShape [ sh:class lg:Enterprise ] ;"
        " sh:qualifiedMinCount 1 ] ."
    ),
    "unknown-sh-term": "sh:property [ sh:path lg:uscc ; sh:fancyNewConstraint true ] .",
    "blank-in-list": "sh:property [ sh:path lg:uscc ; sh:in ( [ a lg:Thing ] ) ] .",
    "sparql-nested": (
        'sh:property [ sh:path lg:holder ; sh:node [ sh:sparql [ sh:select "SELECT $this '
        'WHERE { }" ] ] ] .'
    ),
    "sparql-without-this": 'sh:sparql [ sh:select "SELECT ?x WHERE { ?x ?p ?o }" ] .',
    "bad-sparql": 'sh:sparql [ sh:select "SELECT $this WHERE { $this lg:uscc }" ] .',
    "recursive": "sh:property [ sh:path lg:holder ; sh:node ex:Shape ] .",
    "count-on-node-shape": "sh:minCount 1 .",
}


@pytest.mark.parametrize("body", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_uncompilable_shape_raises_at_compile_time(
    ontology: Graph, tmp_path: Path, body: str
) -> None:
    (tmp_path / "shape.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"@prefix lg: <{LG}> .\n"
        "@prefix ex: <https://example.org/test#> .\n"
        f"ex:Shape a sh:NodeShape ; sh:targetClass lg:Enterprise ; {body}\n",
        encoding="utf-8",
    )
    with pytest.raises(UnsupportedShape):
        ShapesGate(tmp_path, ontology)


# -- shapes the project does not use, held to pySHACL with and without focus ------------------
EDGE_CASES = {
    "owl-class-is-an-implicit-class-target": (
        "ex:Thing a owl:Class, sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        1,
    ),
    "deactivated-sparql-constraint-is-ignored": (
        "ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql "
        '[ sh:deactivated true ; sh:select "SELECT $this WHERE { $this a ?t }" ] .',
        0,
    ),
}


@pytest.mark.parametrize(("shapes", "results"), EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_case_shape_agrees_with_pyshacl_with_and_without_focus(
    ontology: Graph, tmp_path: Path, shapes: str, results: int
) -> None:
    """A focused run finds what a whole run finds, and both what pySHACL finds.

    A shape that is also an owl:Class targets the class's instances; focused runs used to leave
    such shapes out, as the classes a check admits counted rdfs:Class shapes only. A SPARQL
    constraint with sh:deactivated true used to run (pySHACL ignores it, as SHACL says).
    """
    (tmp_path / "shape.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix ex: <https://example.org/test#> .\n" + shapes,
        encoding="utf-8",
    )
    thing = ox.NamedNode("https://example.org/test#a")
    kind = ox.NamedNode("https://example.org/test#Thing")
    store = make_store(triples=[ox.Triple(thing, RDF_TYPE, kind)])
    gate = ShapesGate(tmp_path, ontology)
    whole = gate.validate(store)
    assert len(whole.results) == results, whole.text()
    assert gate.validate(store, focus={thing.value}).results == whole.results
    assert_same(whole, reference_validate(store, load_shapes(tmp_path), ontology))


# -- known differences, pinned down ---------------------------------------------------------------
def test_pyoxigraph_stores_positive_integers_as_xsd_integer() -> None:
    """Why shapes accept xsd:integer for ordinals and counts: the store rewrites the datatype."""
    store = make_store(FIXTURES / "valid.ttl")
    ordinal = next(store.quads_for_pattern(None, ox.NamedNode(f"{LG}ordinal"), None, None))
    assert ordinal.object.datatype.value == "http://www.w3.org/2001/XMLSchema#integer"


def test_gate_rejects_an_ill_formed_gyear(fixture_gate: ShapesGate, tmp_path: Path) -> None:
    """XSD says "20x" is no gYear; pySHACL's rdflib does not check gYear forms, the gate does."""
    text = (FIXTURES / "valid.ttl").read_text(encoding="utf-8")
    (tmp_path / "y.ttl").write_text(text.replace('"2099"^^xsd:gYear', '"20x"^^xsd:gYear'), "utf-8")
    report = fixture_gate.validate(make_store(tmp_path / "y.ttl"))
    assert [(r.focus, r.constraint) for r in report.results] == [
        (f"{BASE}/id/batch/1", "sh:DatatypeConstraintComponent")
    ]


def test_gate_counts_an_ill_typed_value_as_not_comparable(
    fixture_gate: ShapesGate, tmp_path: Path
) -> None:
    """SHACL: a value that cannot be compared violates sh:lessThanOrEquals and sh:minInclusive.

    pySHACL skips ill-typed literals there ("2102-06-30"^^xsd:integer); the gate reports them.
    """
    text = (FIXTURES / "valid.ttl").read_text(encoding="utf-8")
    bad = text.replace('"2102-06-30"^^xsd:date', '"2102-06-30"^^xsd:integer', 1)
    (tmp_path / "t.ttl").write_text(bad, encoding="utf-8")
    report = fixture_gate.validate(make_store(tmp_path / "t.ttl"))
    assert {r.constraint for r in report.results} == {
        "sh:DatatypeConstraintComponent",
        "sh:LessThanOrEqualsConstraintComponent",
        "sh:MinInclusiveConstraintComponent",
    }


# -- property: random mutations of a valid graph ---------------------------------------------------
@pytest.fixture(scope="module")
def valid_triples() -> list[ox.Triple]:
    """The triples of the valid fixture, in store order, read once for every mutation."""
    store = make_store(FIXTURES / "valid.ttl")
    graph = ox.NamedNode(f"{BASE}/graph/test-0")
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, graph)
    ]


def _mutations(rng: random.Random, valid: list[ox.Triple]) -> list[ox.Triple]:
    """The valid graph's triples with 1-3 seeded mutations of the kinds ingest bugs produce."""
    triples = list(valid)
    subjects = sorted({t.subject.value for t in triples})
    iris = sorted(
        {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)} | set(subjects)
    )

    def drop() -> None:
        triples.pop(rng.randrange(len(triples)))

    def duplicate() -> None:
        t = rng.choice(triples)
        other = rng.choice([x for x in triples if x.predicate == t.predicate])
        triples.append(ox.Triple(rng.choice(subjects) and t.subject, t.predicate, other.object))
        if isinstance(t.object, ox.Literal):
            triples.append(ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value + "x")))

    def retype_literal() -> None:
        lits = [i for i, t in enumerate(triples) if isinstance(t.object, ox.Literal)]
        i = rng.choice(lits)
        t = triples[i]
        choice = rng.randrange(3)
        if choice == 0:
            new = ox.Literal(t.object.value)
        elif choice == 1:
            new = ox.Literal(t.object.value, language=rng.choice(["en", "zh", "de"]))
        elif t.object.value.isdigit():  # well-formed only: see the ill-typed test below
            new = ox.Literal(t.object.value, datatype=ox.NamedNode(f"{XSD}string"))
        else:
            new = ox.Literal(t.object.value, datatype=ox.NamedNode(f"{XSD}token"))  # fmt: skip
        triples[i] = ox.Triple(t.subject, t.predicate, new)

    def repoint() -> None:
        refs = [i for i, t in enumerate(triples) if isinstance(t.object, ox.NamedNode)]
        i = rng.choice(refs)
        t = triples[i]
        obj = ox.NamedNode(rng.choice(iris)) if rng.random() < 0.7 else ox.Literal(t.object.value)
        triples[i] = ox.Triple(t.subject, t.predicate, obj)

    def untype() -> None:
        types = [i for i, t in enumerate(triples) if t.predicate == RDF_TYPE]
        triples.pop(rng.choice(types))

    kinds: list[Callable[[], None]] = [drop, duplicate, retype_literal, repoint, untype]
    for _ in range(rng.randint(1, 3)):
        rng.choice(kinds)()
    return triples


@pytest.mark.parametrize("seed", range(16))
def test_random_mutations_give_the_same_results_in_both_engines(
    fixture_gate: ShapesGate, reference: Reference, valid_triples: list[ox.Triple], seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not secrets
    store = make_store(triples=_mutations(rng, valid_triples))
    assert_same(fixture_gate.validate(store), reference(store))
