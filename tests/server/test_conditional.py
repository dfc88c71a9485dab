"""Conditional requests (RFC 9110 §13) answer the same on every route that has a validator.

One table of route families × one table of preconditions: each route is fetched once, then asked
again under each condition, built from the validators the first answer carried. Every family
has both validators, HTML pages included (their Last-Modified: ``server.render.page_modified``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from server.conditional import EntityTag, Outcome, evaluate, parse_entity_tags

TURTLE = {"Accept": "text/turtle"}
HTML = {"Accept": "text/html"}


@dataclass(frozen=True)
class Route:
    path: str
    headers: dict[str, str]
    dated: bool  # the representation has a Last-Modified


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ROUTE_TABLE = [
    ("id-turtle", Route("/id/enterprise/E900001", TURTLE, True)),
    ("id-jsonld-url", Route("/id/enterprise/E900001.jsonld", {}, True)),
    ("id-page", Route("/id/enterprise/E900001", HTML, True)),
    ("id-page-url", Route("/id/batch/1.html?lang=en", {}, True)),
    ("graph", Route("/graph/enterprises", TURTLE, True)),
    ("api-jsonld", Route("/api/enterprises?region=110000", {}, True)),
    ("api-turtle", Route("/api/documents", TURTLE, True)),
    ("api-page", Route("/api/batches", HTML, True)),
    ("dataset", Route("/dataset", TURTLE, True)),
    ("dataset-page", Route("/dataset.html", {}, True)),
    ("void-page", Route("/.well-known/void", HTML, True)),
    ("dumps-manifest", Route("/dumps", {}, True)),
    ("dump-file", Route("/dumps/littlegiant.nq.gz", {}, True)),
    ("dump-checksum", Route("/dumps/littlegiant.nq.gz.sha256", {}, True)),
    ("changes", Route("/changes", {}, True)),
    ("changes-page", Route("/changes", BROWSER, True)),
    ("activity-terms", Route("/ns/activitystreams.jsonld", {}, True)),
    ("sitemap", Route("/sitemap.xml", {}, True)),
    ("robots", Route("/robots.txt", {}, True)),
    ("ontology", Route("/ontology", TURTLE, True)),
    ("ontology-page", Route("/ontology.html", {}, True)),
    ("shapes", Route("/shapes.ttl", {}, True)),
    ("shapes-page", Route("/shapes", BROWSER, True)),
    ("context", Route("/context.jsonld", {}, True)),
    ("versioned-context", Route("/ns/context/0.2.0.jsonld", {}, True)),
    ("earlier-context", Route("/ns/context/0.1.0.jsonld", {}, True)),
    ("home-page", Route("/", {}, True)),
    ("home-page-en", Route("/?lang=en", BROWSER, True)),
    ("query-page", Route("/query", {}, True)),
    ("sparql-page", Route("/sparql", BROWSER, True)),
    ("service-description", Route("/sparql", TURTLE, True)),
    ("reconcile-preview", Route("/reconcile/preview?id=E900001", {}, True)),
    ("static", Route("/static/site.css", {}, True)),
]
ROUTES = [pytest.param(route, id=name) for name, route in ROUTE_TABLE]


def http_date(when: dt.datetime) -> str:
    return email.utils.format_datetime(when, usegmt=True)


def modified(first: httpx.Response) -> dt.datetime:
    return email.utils.parsedate_to_datetime(first.headers["last-modified"])


def day_after(r: httpx.Response) -> str:
    return http_date(modified(r) + dt.timedelta(days=1))


def day_before(r: httpx.Response) -> str:
    return http_date(modified(r) - dt.timedelta(days=1))


NOW = http_date(dt.datetime.now(dt.UTC))
Headers = Callable[[httpx.Response], dict[str, str]]
CONDITIONS: list[tuple[str, Headers, int, bool]] = [
    # (id, request headers from the first answer, expected status, needs a Last-Modified)
    ("inm-same", lambda r: {"If-None-Match": r.headers["etag"]}, 304, False),
    ("inm-weak", lambda r: {"If-None-Match": "W/" + r.headers["etag"]}, 304, False),
    ("inm-list", lambda r: {"If-None-Match": f'"other", {r.headers["etag"]}'}, 304, False),
    ("inm-list-first", lambda r: {"If-None-Match": f'{r.headers["etag"]}, "other"'}, 304, False),
    ("inm-list-tight", lambda r: {"If-None-Match": f'"other",{r.headers["etag"]}'}, 304, False),
    ("inm-list-weak", lambda r: {"If-None-Match": f'W/"other", W/{r.headers["etag"]}'}, 304, False),
    ("inm-star", lambda r: {"If-None-Match": "*"}, 304, False),
    ("inm-other", lambda r: {"If-None-Match": '"other", W/"another"'}, 200, False),
    ("inm-malformed", lambda r: {"If-None-Match": "no-quotes"}, 200, False),
    ("inm-wins-over-ims", lambda r: {"If-None-Match": '"x"', "If-Modified-Since": NOW}, 200, False),
    ("if-match-same", lambda r: {"If-Match": r.headers["etag"]}, 200, False),
    ("if-match-star", lambda r: {"If-Match": "*"}, 200, False),
    ("if-match-other", lambda r: {"If-Match": '"other"'}, 412, False),
    ("if-match-weak-is-not-strong", lambda r: {"If-Match": "W/" + r.headers["etag"]}, 412, False),
    ("ims-same", lambda r: {"If-Modified-Since": r.headers["last-modified"]}, 304, True),
    ("ims-later", lambda r: {"If-Modified-Since": day_after(r)}, 304, True),
    ("ims-earlier", lambda r: {"If-Modified-Since": day_before(r)}, 200, True),
    ("ims-not-a-date", lambda r: {"If-Modified-Since": "yesterday"}, 200, True),
    ("ius-earlier", lambda r: {"If-Unmodified-Since": day_before(r)}, 412, True),
    ("ius-same", lambda r: {"If-Unmodified-Since": r.headers["last-modified"]}, 200, True),
]  # fmt: skip
KEPT_ON_304 = ("etag", "vary", "cache-control", "content-location")


CASES = [
    pytest.param(route, condition, status, id=f"{name}-{case}")
    for name, route in ROUTE_TABLE
    for case, condition, status, dated in CONDITIONS
    if route.dated or not dated  # date conditions only where there is a Last-Modified
]


@pytest.mark.parametrize(("route", "condition", "status"), CASES)
def test_preconditions_on_every_route(
    client: TestClient, route: Route, condition: Headers, status: int
) -> None:
    first = client.get(route.path, headers=route.headers)
    assert first.status_code == 200, first.text
    assert first.headers["etag"].startswith('"'), first.headers
    assert ("last-modified" in first.headers) is route.dated
    r = client.get(route.path, headers={**route.headers, **condition(first)})
    assert r.status_code == status, (r.status_code, r.text[:200])
    if status == 304:
        assert r.content == b""
        for name in KEPT_ON_304:
            assert r.headers.get(name) == first.headers.get(name), name
        assert "content-type" not in r.headers
    elif status == 200:
        assert r.content == first.content


@pytest.mark.parametrize("route", ROUTES)
def test_head_is_validated_like_get(client: TestClient, route: Route) -> None:
    first = client.head(route.path, headers=route.headers)
    assert first.status_code == 200
    assert first.content == b""
    again = client.head(
        route.path, headers={**route.headers, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "headers", "vary"),
    [
        pytest.param("/id/batch/1", TURTLE, "Accept", id="negotiated-data"),
        pytest.param("/id/batch/1.ttl", {}, None, id="format-url"),
        pytest.param("/id/batch/1", {"Accept": "text/turtle"} | {"Accept-Language": "en"},
                     "Accept", id="data-ignores-language"),
        pytest.param("/id/batch/1", HTML, "Accept, Accept-Language", id="negotiated-page"),
        pytest.param("/id/batch/1.html", {}, "Accept-Language", id="page-url"),
        pytest.param("/id/batch/1.html?lang=en", {}, None, id="page-url-with-lang"),
        pytest.param("/id/batch/1?format=ttl", HTML, None, id="format-param"),
        pytest.param("/api/batches", {}, "Accept", id="collection"),
        pytest.param("/", {}, "Accept-Language", id="home-page"),
    ],
)  # fmt: skip
def test_vary_names_what_the_answer_depends_on(
    client: TestClient, path: str, headers: dict[str, str], vary: str | None
) -> None:
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers.get("vary") == vary


def test_representations_of_one_resource_have_their_own_tags(client: TestClient) -> None:
    ttl = client.get("/id/batch/1", headers=TURTLE)
    page = client.get("/id/batch/1", headers=HTML)
    assert ttl.headers["etag"] != page.headers["etag"]
    # the Turtle's tag does not validate the page a browser cached
    stale = client.get("/id/batch/1", headers={**HTML, "If-None-Match": ttl.headers["etag"]})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        pytest.param('"a"', [EntityTag("a")], id="one"),
        pytest.param('W/"a", "b"', [EntityTag("a", weak=True), EntityTag("b")], id="list"),
        pytest.param('"a,b"', [EntityTag("a,b")], id="comma-inside-quotes"),
        pytest.param("*", [], id="star"),
        pytest.param("a", None, id="unquoted"),
        pytest.param('"a" "b"', None, id="missing-comma"),
        pytest.param("", None, id="empty"),
    ],
)
def test_entity_tag_lists_parse(value: str, tags: list[EntityTag] | None) -> None:
    assert parse_entity_tags(value) == tags


def test_preconditions_on_an_unsafe_method() -> None:
    """If-None-Match on a method other than GET/HEAD fails rather than answering 304."""
    outcome = evaluate("POST", {"if-none-match": '"a"'}, EntityTag("a"), None)
    assert outcome is Outcome.PRECONDITION_FAILED
