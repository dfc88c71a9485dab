"""Content negotiation: q-values, wildcards, specificity, profiles, 406 with the offers."""

from __future__ import annotations

import pytest

from server.conneg import (
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
    from_format_param,
    negotiate,
    vary_and_links,
)
from server.problems import NotAcceptable


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


def test_vary_and_links_lists_each_format_url() -> None:
    headers = vary_and_links(GRAPH_OFFERS[:2], lambda o: f"https://x.test/r.{o.extension}")
    assert headers["Vary"] == "Accept"
    assert '<https://x.test/r.ttl>; rel="alternate"; type="text/turtle"' in headers["Link"]
    assert "r.nt" in headers["Link"]
    assert "Link" not in vary_and_links(GRAPH_OFFERS, lambda o: None)
