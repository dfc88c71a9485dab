"""ontology/lg.ttl and ontology/namespaces.py name the same terms, each fully described."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology.namespaces import LG, ONTOLOGY_IRI

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = Graph().parse(ROOT / "ontology" / "lg.ttl")
NAMES = sorted(LG.__annotations__)
LG_NS = str(LG._NS)
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def _langs(term: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in ONTOLOGY.objects(term, predicate) if isinstance(o, Literal)}


def _lg_subjects() -> set[str]:
    return {str(s) for s in ONTOLOGY.subjects() if str(s).startswith(LG_NS)}


def test_ontology_header() -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(onto, OWL.versionInfo) == Literal("0.1.0")
    assert ONTOLOGY.value(onto, OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.1.0")
    for prop in ("title", "description", "license", "created"):
        assert ONTOLOGY.value(onto, URIRef("http://purl.org/dc/terms/" + prop)) is not None, prop


@pytest.mark.parametrize("name", NAMES)
def test_term_is_described(name: str) -> None:
    term = LG[name]
    assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in ONTOLOGY
    assert {"en", "zh"} <= _langs(term, RDFS.label), "rdfs:label @en and @zh"
    assert "en" in _langs(term, SKOS.definition), "skos:definition @en"
    assert len([lab for lab in ONTOLOGY.objects(term, RDFS.label) if lab.language == "en"]) == 1


def test_no_lg_term_in_the_ontology_is_missing_from_namespaces() -> None:
    assert _lg_subjects() - {LG_NS + n for n in NAMES} == set()
    used = {str(o) for o in ONTOLOGY.objects() if isinstance(o, URIRef) and o.startswith(LG_NS)}
    assert used - {LG_NS + n for n in NAMES} == set(), "objects that name undefined lg: terms"


@pytest.mark.parametrize("name", NAMES)
def test_term_kind_matches_its_spelling(name: str) -> None:
    """Classes PascalCase and typed owl:Class; properties camelCase, Object- or Datatype-."""
    types = set(ONTOLOGY.objects(LG[name], RDF.type))
    if name[0].islower():
        assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}, types
        assert not {OWL.ObjectProperty, OWL.DatatypeProperty} <= types
    else:
        kinds = {OWL.Class, SKOS.ConceptScheme, SKOS.Concept}
        assert types & kinds, types


def test_datatype_properties_have_datatype_ranges() -> None:
    for prop in ONTOLOGY.subjects(RDF.type, OWL.DatatypeProperty):
        if str(prop).startswith(LG_NS):
            rng = ONTOLOGY.value(prop, RDFS.range)
            assert rng is not None, prop
            assert str(rng).startswith(XSD_NS) or rng == RDF.langString, (prop, rng)


def test_object_properties_have_domains_and_ranges() -> None:
    for prop in ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty):
        if str(prop).startswith(LG_NS):
            assert ONTOLOGY.value(prop, RDFS.domain) is not None, prop
            assert ONTOLOGY.value(prop, RDFS.range) is not None, prop


def test_every_class_used_as_a_type_or_superclass_is_declared() -> None:
    """OWL 2 DL wants every class declared: ours and the reused ones alike."""
    classes = set(ONTOLOGY.subjects(RDF.type, OWL.Class))
    for sub, sup in ONTOLOGY.subject_objects(RDFS.subClassOf):
        assert sub in classes, sub
        assert sup in classes, sup
    for _, cls in ONTOLOGY.subject_objects(RDF.type):
        if str(cls).startswith(LG_NS):
            assert cls in classes, cls


def test_every_reused_property_is_declared() -> None:
    declared = {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in ONTOLOGY.subjects(RDF.type, kind)
    }
    builtin = (str(RDF), str(RDFS), str(OWL))
    for pred in set(ONTOLOGY.predicates()):
        assert pred in declared or str(pred).startswith(builtin), pred
    for _, sup in ONTOLOGY.subject_objects(RDFS.subPropertyOf):
        assert sup in declared, sup


def test_tier_chain_goes_upwards_with_single_champion_beside() -> None:
    chain = [LG.LittleGiant, LG.ProvincialSRDISME, LG.InnovativeSME]
    for narrower, broader in itertools.pairwise(chain):
        assert list(ONTOLOGY.objects(narrower, SKOS.broader)) == [broader]
    assert list(ONTOLOGY.objects(LG.InnovativeSME, SKOS.broader)) == []
    assert list(ONTOLOGY.objects(LG.SingleChampion, SKOS.broader)) == []
    tiers = set(ONTOLOGY.subjects(RDF.type, LG.Tier))
    assert tiers == {*chain, LG.SingleChampion}
    assert all((t, SKOS.inScheme, LG.TierScheme) in ONTOLOGY for t in tiers)


def test_key_little_giant_is_a_support_program_not_a_tier() -> None:
    assert (LG.KeyLittleGiant, RDF.type, LG.Tier) not in ONTOLOGY
    assert list(ONTOLOGY.objects(LG.KeyLittleGiant, SKOS.broader)) == []
    assert (LG.KeyLittleGiant, SKOS.inScheme, LG.SupportProgramScheme) in ONTOLOGY


@pytest.mark.parametrize(
    ("cls", "scheme", "members"),
    [
        pytest.param(
            LG.DesignationStatus,
            LG.DesignationStatusScheme,
            {
                LG.StatusActive,
                LG.StatusExpired,
                LG.StatusRevoked,
                LG.StatusNotRenewed,
                LG.StatusUnknown,
            },
            id="status",
        ),
        pytest.param(
            LG.EvidenceKind,
            LG.EvidenceScheme,
            {
                LG.EvidenceFinalList,
                LG.EvidencePublicity,
                LG.EvidenceReviewPassList,
                LG.EvidenceRegionalList,
                LG.EvidenceTranslation,
                LG.EvidenceReport,
            },
            id="evidence",
        ),
        pytest.param(
            LG.CountBasis,
            LG.CountBasisScheme,
            {LG.BasisFinalList, LG.BasisPublicity, LG.BasisReviewPassed, LG.BasisNotStated},
            id="count-basis",
        ),
        pytest.param(
            LG.DateKind,
            LG.DateKindScheme,
            {
                LG.DateKindWritten,
                LG.DateKindPublicityStart,
                LG.DateKindReceived,
                LG.DateKindStated,
            },
            id="date-kind",
        ),
        pytest.param(
            LG.DocumentKind,
            LG.DocumentKindScheme,
            {LG.KindAnnouncement, LG.KindNotice, LG.KindMeasures, LG.KindPublicity, LG.KindList},
            id="document-kind",
        ),
    ],
)
def test_concept_schemes_hold_their_members(cls: URIRef, scheme: URIRef, members: set) -> None:
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ONTOLOGY
    assert set(ONTOLOGY.subjects(RDF.type, cls)) == members
    assert set(ONTOLOGY.subjects(SKOS.inScheme, scheme)) == members


@pytest.mark.parametrize(
    ("sub", "sup", "relation"),
    [
        pytest.param(LG.Enterprise, "http://www.w3.org/ns/regorg#RegisteredOrganization", "c"),
        pytest.param(LG.Enterprise, "https://schema.org/Organization", "c"),
        pytest.param(LG.Authority, "http://www.w3.org/ns/org#FormalOrganization", "c"),
        pytest.param(LG.Authority, "https://schema.org/GovernmentOrganization", "c"),
        pytest.param(
            LG.RegulatoryDocument, "http://data.europa.eu/eli/ontology#LegalResource", "c"
        ),
        pytest.param(LG.RegulatoryDocument, "https://schema.org/Legislation", "c"),
        pytest.param(LG.DesignationEvent, "http://www.w3.org/ns/prov#Activity", "c"),
        pytest.param(LG.Province, "https://schema.org/AdministrativeArea", "c"),
        pytest.param(LG.legalName, "http://www.w3.org/ns/regorg#legalName", "p"),
        pytest.param(LG.documentNumber, "http://data.europa.eu/eli/ontology#id_local", "p"),
        pytest.param(LG.cites, "http://data.europa.eu/eli/ontology#cites", "p"),
        pytest.param(LG.issuer, "http://data.europa.eu/eli/ontology#passed_by", "p"),
        pytest.param(LG.dateWritten, "http://data.europa.eu/eli/ontology#date_document", "p"),
        pytest.param(LG.datePublished, "http://data.europa.eu/eli/ontology#date_publication", "p"),
        pytest.param(LG.titleTranslation, "http://purl.org/dc/terms/alternative", "p"),
        pytest.param(LG.withinProvince, "https://schema.org/containedInPlace", "p"),
        pytest.param(LG.documentKind, "http://data.europa.eu/eli/ontology#type_document", "p"),
    ],
)
def test_reuses_standard_vocabularies(sub: URIRef, sup: str, relation: str) -> None:
    predicate = RDFS.subClassOf if relation == "c" else RDFS.subPropertyOf
    assert (sub, predicate, URIRef(sup)) in ONTOLOGY


def test_pyoxigraph_reads_the_ontology() -> None:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=str(ROOT / "ontology" / "lg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ONTOLOGY)
