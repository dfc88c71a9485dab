"""The vocabularies the graph speaks: our terms (mirroring ontology/lg.ttl) and those we reuse."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD, DefinedNamespace
from rdflib.namespace import FOAF as FOAF

ONTOLOGY_IRI = "https://w3id.org/littlegiant/ontology"

ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
SPDX = Namespace("http://spdx.org/rdf/terms#")  # checksums, as DCAT 3 uses them
PAV = Namespace("http://purl.org/pav/")  # provenance, authoring and versioning (retrievedOn)
SCHEMA = SDO  # https://schema.org/

__all__ = [
    "AS",
    "DCAT",
    "DCTERMS",
    "ELI",
    "HYDRA",
    "LG",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROV",
    "SCHEMA",
    "SD",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
]


class LG(DefinedNamespace):
    """Terms of the Little Giant ontology; a misspelt term raises instead of minting a new IRI."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # -- classes
    RegulatoryDocument: URIRef
    Notice: URIRef
    DocumentKind: URIRef
    Batch: URIRef
    ReviewRound: URIRef
    CountClaim: URIRef
    Enterprise: URIRef
    ReportingRegion: URIRef
    Province: URIRef
    PlannedCity: URIRef
    ProductionConstructionCorps: URIRef
    Authority: URIRef
    Tier: URIRef
    Designation: URIRef
    DesignationStatus: URIRef
    DesignationEvent: URIRef
    Award: URIRef
    ReviewPassed: URIRef
    ReviewFailed: URIRef
    Revocation: URIRef
    Expiry: URIRef
    SourcePage: URIRef
    Ingest: URIRef

    # -- documents
    documentNumber: URIRef
    titleTranslation: URIRef
    issuer: URIRef
    dateWritten: URIRef
    datePublished: URIRef
    documentKind: URIRef
    cites: URIRef
    announces: URIRef

    # -- batches, review rounds, count claims
    ordinal: URIRef
    year: URIRef
    declaredCount: URIRef
    knownCount: URIRef
    announcedBy: URIRef
    announcementDate: URIRef
    tier: URIRef
    countClaim: URIRef
    count: URIRef
    countBasis: URIRef
    reviewedBatch: URIRef

    # -- enterprises
    legalName: URIRef
    englishName: URIRef
    formerName: URIRef
    reportingRegion: URIRef
    uscc: URIRef
    mergedOn: URIRef
    reportedBy: URIRef

    # -- regions
    gbCode: URIRef
    withinProvince: URIRef
    divisionCodePrefix: URIRef

    # -- designations and their events
    holder: URIRef
    batch: URIRef
    awardedBy: URIRef
    validFrom: URIRef
    validUntil: URIRef
    status: URIRef
    evidence: URIRef
    designation: URIRef
    eventDate: URIRef
    eventDocument: URIRef
    reason: URIRef
    reviewRound: URIRef

    # -- provenance of sources and graphs
    sourceDate: URIRef
    sha256: URIRef
    retrievalDate: URIRef
    softwareVersion: URIRef
    sourceFile: URIRef

    # -- individuals: tiers (lg:TierScheme)
    TierScheme: URIRef
    InnovativeSME: URIRef
    ProvincialSRDISME: URIRef
    LittleGiant: URIRef
    KeyLittleGiant: URIRef
    SingleChampion: URIRef

    # -- individuals: designation status (lg:DesignationStatusScheme)
    DesignationStatusScheme: URIRef
    StatusActive: URIRef
    StatusExpired: URIRef
    StatusRevoked: URIRef
    StatusNotRenewed: URIRef

    # -- individuals: document kinds (lg:DocumentKindScheme)
    DocumentKindScheme: URIRef
    KindAnnouncement: URIRef
    KindNotice: URIRef
    KindMeasures: URIRef
    KindPublicity: URIRef
    KindList: URIRef

    # -- status on a date: validity terms (the derived graph) and dated observations
    ValidityTerm: URIRef
    StatusObservation: URIRef
    Derivation: URIRef
    StatusUnknown: URIRef
    term: URIRef
    termStart: URIRef
    termEnd: URIRef
    effectiveUntil: URIRef
    earliestStart: URIRef
    endedOn: URIRef
    endCause: URIRef
    statusAfterTerm: URIRef
    onDate: URIRef
    quadCount: URIRef
    outcomesComplete: URIRef

    # -- sources read, and what they copy or report
    OfficialPublication: URIRef
    Mirror: URIRef
    SecondaryReport: URIRef

    # -- controlled vocabularies: evidence, count basis, kinds of dates
    EvidenceKind: URIRef
    CountBasis: URIRef
    DateKind: URIRef
    EvidenceScheme: URIRef
    EvidenceFinalList: URIRef
    EvidencePublicity: URIRef
    EvidenceReviewPassList: URIRef
    EvidenceRegionalList: URIRef
    EvidenceTranslation: URIRef
    EvidenceReport: URIRef
    CountBasisScheme: URIRef
    BasisFinalList: URIRef
    BasisPublicity: URIRef
    BasisReviewPassed: URIRef
    BasisNotStated: URIRef
    DateKindScheme: URIRef
    DateKindWritten: URIRef
    DateKindPublicityStart: URIRef
    DateKindReceived: URIRef
    DateKindStated: URIRef
    evidenceNote: URIRef
    countBasisNote: URIRef
    statedIn: URIRef
    claimDate: URIRef
    claimDateKind: URIRef

    # -- published lists and fiscal support (重点“小巨人”)
    PublishedList: URIRef
    ListEntry: URIRef
    FiscalSupportBatch: URIRef
    FiscalSupport: URIRef
    SupportProgramScheme: URIRef
    inList: URIRef
    position: URIRef
    printedName: URIRef
    printedRegion: URIRef
    listedEnterprise: URIRef
    entryCount: URIRef
    knownEntryCount: URIRef
    fiscalBatch: URIRef
    supportYear: URIRef
    printedFiscalBatch: URIRef
    program: URIRef
    legalBasis: URIRef


PREFIXES: dict[str, str] = {
    "lg": str(LG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "rov": str(ROV),
    "eli": str(ELI),
    "schema": str(SCHEMA),
    "sh": str(SH),
}


# -- vocabularies the server describes its own service with
FORMATS = Namespace("http://www.w3.org/ns/formats/")  # W3C unique IRIs of RDF and result formats
IANA_MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")
