"""Content negotiation: q-values, wildcards, specificity, profiles, 406 with the offers."""

from __future__ import annotations

import pytest

from server.conneg import from_format_param, negotiate, negotiate_language, offer_for_extension
from server.media_types import (
    GRAPH_OFFERS,
    HTML,
    JSON_LD,
    JSON_LD_COMPACTED,
    N_TRIPLES,
    RDF_XML,
    RESOURCE_OFFERS,
    RESULT_OFFERS,
    SPARQL_CSV,
    SPARQL_JSON,
    SPARQL_TSV,
    SPARQL_XML,
    TURTLE,
    MediaType,
)
from server.problems import NotAcceptable, NotFound


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        pytest.param(None, RESULT_OFFERS, SPARQL_JSON, id="absent-header-gets-default"),
        pytest.param("", GRAPH_OFFERS, TURTLE, id="empty-header-gets-default"),
        pytest.param("*/*", RESULT_OFFERS, SPARQL_JSON, id="wildcard-gets-default"),
        pytest.param("text/csv", RESULT_OFFERS, SPARQL_CSV, id="exact"),
        pytest.param("text/*", RESULT_OFFERS, SPARQL_CSV, id="type-wildcard-first-text-offer"),
        pytest.param(
            "text/csv;q=0.5, text/tab-separated-values", RESULT_OFFERS, SPARQL_TSV, id="q-values"
        ),
        pytest.param(
            "*/*;q=0.1, application/sparql-results+xml",
            RESULT_OFFERS,
            SPARQL_XML,
            id="specific-beats-wildcard",
        ),
        pytest.param(
            "*/*, application/sparql-results+json;q=0",
            RESULT_OFFERS,
            SPARQL_XML,
            id="q0-excludes-even-under-wildcard",
        ),
        pytest.param("application/json", RESULT_OFFERS, SPARQL_JSON, id="json-alias"),
        pytest.param("text/xml", RESULT_OFFERS, SPARQL_XML, id="xml-alias"),
        pytest.param(
            "application/sparql-results+json,application/json,text/javascript,"
            "application/javascript",
            RESULT_OFFERS,
            SPARQL_JSON,
            id="sparqlwrapper-json",
        ),
        pytest.param("application/rdf+xml", GRAPH_OFFERS, RDF_XML, id="rdfxml"),
        pytest.param(
            "text/turtle;q=0.9, application/n-triples", GRAPH_OFFERS, N_TRIPLES, id="graph-q"
        ),
        pytest.param(
            "application/n-triples, text/turtle",
            GRAPH_OFFERS,
            N_TRIPLES,
            id="tie-goes-to-client-order",
        ),
        pytest.param(
            'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
            GRAPH_OFFERS,
            JSON_LD,
            id="jsonld-profile",
        ),
        pytest.param(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            RESOURCE_OFFERS,
            HTML,
            id="browser-gets-html",
        ),
        pytest.param(
            'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
            RESOURCE_OFFERS,
            JSON_LD_COMPACTED,
            id="resource-compacted",
        ),
        pytest.param("garbage, text/csv", RESULT_OFFERS, SPARQL_CSV, id="malformed-range-skipped"),
        pytest.param(
            "text/csv;q=abc, text/tab-separated-values;q=0.2",
            RESULT_OFFERS,
            SPARQL_TSV,
            id="bad-q-skipped",
        ),
    ],
)
def test_negotiate_picks_the_preferred_offer(
    accept: str | None, offers: tuple[MediaType, ...], expected: MediaType
) -> None:
    assert negotiate(accept, offers) == expected


@pytest.mark.parametrize(
    ("accept", "offers"),
    [
        pytest.param("text/csv", GRAPH_OFFERS, id="construct-refuses-csv"),
        pytest.param("text/turtle", RESULT_OFFERS, id="select-refuses-turtle"),
        pytest.param("image/png", RESOURCE_OFFERS, id="image"),
        pytest.param("*/*;q=0", RESULT_OFFERS, id="all-q0"),
        pytest.param(
            'application/ld+json;profile="http://www.w3.org/ns/json-ld#flattened"',
            GRAPH_OFFERS,
            id="jsonld-unknown-profile",
        ),
    ],
)
def test_unacceptable_accept_gets_406_listing_offers(
    accept: str, offers: tuple[MediaType, ...]
) -> None:
    with pytest.raises(NotAcceptable) as info:
        negotiate(accept, offers)
    assert info.value.status == 406
    for offer in offers:
        assert offer.media_type in info.value.detail


@pytest.mark.parametrize(
    ("value", "offers", "expected"),
    [
        ("json", RESULT_OFFERS, SPARQL_JSON),
        ("csv", RESULT_OFFERS, SPARQL_CSV),
        ("TSV", RESULT_OFFERS, SPARQL_TSV),
        ("xml", RESULT_OFFERS, SPARQL_XML),
        ("application/sparql-results+xml", RESULT_OFFERS, SPARQL_XML),
        ("ttl", GRAPH_OFFERS, TURTLE),
        ("turtle", GRAPH_OFFERS, TURTLE),
        ("jsonld", GRAPH_OFFERS, JSON_LD),
        ("xml", GRAPH_OFFERS, RDF_XML),
        ("nt", GRAPH_OFFERS, N_TRIPLES),
    ],
)
def test_format_parameter_resolves(
    value: str, offers: tuple[MediaType, ...], expected: MediaType
) -> None:
    assert from_format_param(value, offers) == expected


def test_unknown_format_parameter_is_406() -> None:
    with pytest.raises(NotAcceptable):
        from_format_param("pdf", RESULT_OFFERS)


def test_content_type_declares_charset_and_profile() -> None:
    assert SPARQL_CSV.content_type == "text/csv; charset=utf-8"
    assert JSON_LD.content_type.startswith('application/ld+json; profile="')
    assert SPARQL_JSON.content_type == "application/sparql-results+json"


@pytest.mark.parametrize(
    ("accept_language", "asked", "expected", "by_header"),
    [
        pytest.param(None, None, "zh", True, id="absent-header-gets-zh"),
        pytest.param("en-GB,en;q=0.9", None, "en", True, id="english-region-subtag"),
        pytest.param("zh-Hans-CN, en;q=0.5", None, "zh", True, id="chinese-script-subtag"),
        pytest.param("en;q=0.5, zh;q=0.8", None, "zh", True, id="q-values"),
        pytest.param("en, zh", None, "en", True, id="tie-goes-to-client-order"),
        pytest.param("fr, de;q=0.9", None, "zh", True, id="nothing-offered-gets-zh"),
        pytest.param("zh;q=0, *", None, "en", True, id="q0-excludes-under-wildcard"),
        pytest.param("en;q=0.5, *", None, "zh", True, id="wildcard-covers-the-rest"),
        pytest.param("en;q=abc, zh;q=0.1", None, "zh", True, id="bad-q-skipped"),
        pytest.param("zh", "en", "en", False, id="lang-param-wins"),
        pytest.param("en", "EN", "en", False, id="lang-param-any-case"),
        pytest.param("en", "fr", "en", True, id="unknown-lang-param-ignored"),
    ],
)
def test_negotiate_language(
    accept_language: str | None, asked: str | None, expected: str, by_header: bool
) -> None:
    chosen = negotiate_language(accept_language, asked)
    assert (chosen.tag, chosen.by_header) == (expected, by_header)
    assert chosen.other != chosen.tag


@pytest.mark.parametrize(
    ("path", "stem", "offer"),
    [
        pytest.param("/id/batch/1.ttl", "/id/batch/1", TURTLE, id="extension"),
        pytest.param("/id/batch/1", "/id/batch/1", None, id="bare"),
        pytest.param("/id/document/a.b/c", "/id/document/a.b/c", None, id="dot-in-a-segment"),
        pytest.param("/id/batch/1.html", "/id/batch/1", HTML, id="page"),
    ],
)
def test_offer_for_extension(path: str, stem: str, offer: MediaType | None) -> None:
    assert offer_for_extension(path, RESOURCE_OFFERS) == (stem, offer)


def test_unpublished_extension_is_404() -> None:
    with pytest.raises(NotFound):
        offer_for_extension("/id/batch/1.json", RESOURCE_OFFERS)


def test_every_offer_names_its_format() -> None:
    for offer in GRAPH_OFFERS + RESULT_OFFERS:
        assert offer.label
        assert offer.format_iri is not None
        assert offer.format_iri.startswith("http://www.w3.org/ns/formats/")
        assert offer.worker_name is not None
        assert offer.format is not None
        module = type(offer.format)
        assert getattr(module, offer.worker_name) == offer.format
