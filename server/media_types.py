"""Every representation the server offers: its media type, the pyoxigraph format that writes it,
its file extension and names, and the tables of offers each kind of response chooses from."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ontology.namespaces import FORMATS

JSONLD_EXPANDED = "http://www.w3.org/ns/json-ld#expanded"
JSONLD_COMPACTED = "http://www.w3.org/ns/json-ld#compacted"


@dataclass(frozen=True)
class MediaType:
    """One representation on offer: its media type, the pyoxigraph format that writes it, and
    the file extension (also accepted by ``format=``); ``aliases`` are other media types
    clients send for the same bytes (``application/json`` for SPARQL JSON results).

    ``label`` names the format for people, ``format_iri`` is its W3C unique IRI
    (https://www.w3.org/ns/formats/, used by the service description) and ``worker_name`` the
    attribute of ``ox.RdfFormat`` / ``ox.QueryResultsFormat`` a query worker serialises with.
    """

    media_type: str
    format: ox.RdfFormat | ox.QueryResultsFormat | None
    extension: str
    profile: str | None = None
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    label: str = ""
    format_iri: str | None = None
    worker_name: str | None = None

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value: UTF-8 declared for text types, profile for JSON-LD."""
        value = self.media_type
        if value.startswith("text/") or value in _UTF8_APPLICATION:
            value += "; charset=utf-8"
        if self.profile:
            value += f'; profile="{self.profile}"'
        return value

    def all_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# application types whose bytes are text; declaring UTF-8 keeps browsers and curl honest
_UTF8_APPLICATION = frozenset({"application/n-triples", "application/n-quads", "application/trig"})

# -- graphs (CONSTRUCT / DESCRIBE, linked-data resources)
TURTLE = MediaType(
    "text/turtle",
    ox.RdfFormat.TURTLE,
    "ttl",
    aliases=("application/x-turtle", "application/turtle"),
    names=("turtle",),
    label="Turtle",
    format_iri=str(FORMATS["Turtle"]),
    worker_name="TURTLE",
)
N_TRIPLES = MediaType(
    "application/n-triples",
    ox.RdfFormat.N_TRIPLES,
    "nt",
    aliases=("text/plain",),  # the N-Triples type before RDF 1.1
    names=("ntriples", "n-triples"),
    label="N-Triples",
    format_iri=str(FORMATS["N-Triples"]),
    worker_name="N_TRIPLES",
)
JSON_LD = MediaType(
    "application/ld+json",
    ox.RdfFormat.JSON_LD,
    "jsonld",
    profile=JSONLD_EXPANDED,
    aliases=("application/json",),
    names=("json-ld",),
    label="JSON-LD",
    format_iri=str(FORMATS["JSON-LD"]),
    worker_name="JSON_LD",
)
JSON_LD_COMPACTED = MediaType(
    "application/ld+json",
    ox.RdfFormat.JSON_LD,
    "jsonld",
    profile=JSONLD_COMPACTED,
    aliases=("application/json",),
    names=("json-ld",),
    label="JSON-LD",
    format_iri=str(FORMATS["JSON-LD"]),
    worker_name="JSON_LD",
)
RDF_XML = MediaType(
    "application/rdf+xml",
    ox.RdfFormat.RDF_XML,
    "rdf",
    aliases=("application/xml", "text/xml"),
    names=("rdfxml", "rdf+xml", "xml"),
    label="RDF/XML",
    format_iri=str(FORMATS["RDF_XML"]),
    worker_name="RDF_XML",
)
N_QUADS = MediaType(
    "application/n-quads",
    ox.RdfFormat.N_QUADS,
    "nq",
    names=("nquads", "n-quads"),
    label="N-Quads",
    format_iri=str(FORMATS["N-Quads"]),
    worker_name="N_QUADS",
)
TRIG = MediaType(
    "application/trig",
    ox.RdfFormat.TRIG,
    "trig",
    label="TriG",
    format_iri=str(FORMATS["TriG"]),
    worker_name="TRIG",
)
HTML = MediaType(
    "text/html",
    None,
    "html",
    aliases=("application/xhtml+xml",),
    label="HTML",
)

# -- query results (SELECT / ASK)
SPARQL_JSON = MediaType(
    "application/sparql-results+json",
    ox.QueryResultsFormat.JSON,
    "srj",
    aliases=("application/json", "text/javascript", "application/javascript"),
    names=("json",),
    label="SPARQL JSON",
    format_iri=str(FORMATS["SPARQL_Results_JSON"]),
    worker_name="JSON",
)
SPARQL_XML = MediaType(
    "application/sparql-results+xml",
    ox.QueryResultsFormat.XML,
    "srx",
    aliases=("application/xml", "text/xml"),
    names=("xml",),
    label="SPARQL XML",
    format_iri=str(FORMATS["SPARQL_Results_XML"]),
    worker_name="XML",
)
SPARQL_CSV = MediaType(
    "text/csv",
    ox.QueryResultsFormat.CSV,
    "csv",
    label="CSV",
    format_iri=str(FORMATS["SPARQL_Results_CSV"]),
    worker_name="CSV",
)
SPARQL_TSV = MediaType(
    "text/tab-separated-values",
    ox.QueryResultsFormat.TSV,
    "tsv",
    label="TSV",
    format_iri=str(FORMATS["SPARQL_Results_TSV"]),
    worker_name="TSV",
)

GRAPH_OFFERS: tuple[MediaType, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG)
RESULT_OFFERS: tuple[MediaType, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
RESOURCE_OFFERS: tuple[MediaType, ...] = (HTML, TURTLE, JSON_LD_COMPACTED, N_TRIPLES, RDF_XML)
