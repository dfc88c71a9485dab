"""What a browser gets: HTML for every route it visits, errors included, in the reader's language,
and no page that loads anything from another host; JSON clients still get JSON."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
}
PAGES = [
    ("/", 200),
    ("/?lang=en", 200),
    ("/query", 200),
    ("/sparql", 200),
    ("/docs", 200),
    ("/api/enterprises", 200),
    ("/api/batches", 200),
    ("/api/documents", 200),
    ("/api/regions", 200),
    ("/changes", 200),
    ("/changes?page=1&size=5", 200),
    ("/dataset", 200),
    ("/.well-known/void", 200),
    ("/ontology", 200),
    ("/shapes", 200),
    ("/id/enterprise/E900001", 200),
    ("/id/batch/1", 200),
    ("/id/document/slqh-2019-1", 200),
    ("/id/province/110000", 200),
    ("/reconcile/preview?id=E900001", 200),
    ("/lookup/name?q=没有这家企业", 404),
    ("/id/uscc/91110000000000000X", 400),
    ("/id/uscc/123", 400),
    ("/id/enterprise/E999999", 404),
    ("/no/such/page", 404),
    ("/api/enterprises?limit=0", 422),
    ("/api/enterprises?status=sleeping", 400),
    ("/changes?page=99", 400),
    ("/id/enterprise/E900001.html?asOf=yesterday", 400),
]
PAGE_CASES = [pytest.param(path, status, id=path) for path, status in PAGES]


@pytest.mark.parametrize(("path", "status"), PAGE_CASES)
def test_a_browser_gets_a_page(client: TestClient, path: str, status: int) -> None:
    r = client.get(path, headers=BROWSER)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html"), r.headers["content-type"]
    assert r.text.lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize(
    "path",
    ["/no/such/page", "/id/uscc/123", "/lookup/name?q=没有这家企业", "/api/enterprises?limit=0"],
)
@pytest.mark.parametrize("accept", ["application/json", "application/problem+json", "*/*", ""])
def test_a_json_client_gets_problem_details(client: TestClient, path: str, accept: str) -> None:
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code >= 400
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == r.status_code
    assert problem["type"].startswith("https://w3id.org/littlegiant/problems/")


@pytest.mark.parametrize(
    ("lang", "header", "title"),
    [
        pytest.param("zh", "zh-CN,zh;q=0.9", "未找到", id="zh"),
        pytest.param("en", "en-GB,en;q=0.9", "Not found", id="en"),
    ],
)
def test_an_error_page_is_in_the_readers_language(
    client: TestClient, lang: str, header: str, title: str
) -> None:
    r = client.get("/no/such/page", headers={**BROWSER, "Accept-Language": header})
    assert r.status_code == 404
    assert f"404 — {title}" in r.text
    assert r.headers["content-language"].startswith(lang)


def test_the_change_feed_is_a_page_for_a_browser_and_data_for_clients(client: TestClient) -> None:
    page = client.get("/changes", headers=BROWSER)
    assert page.status_code == 200
    assert "<table" in page.text
    data = client.get("/changes", headers={"Accept": "application/json"})
    assert data.json()["type"] == "OrderedCollection"


class _Loads(HTMLParser):
    """Every URL a page makes the browser fetch by itself (not the links a reader may follow)."""

    LOADING_RELS = frozenset({"stylesheet", "icon", "shortcut", "preload", "modulepreload"})

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and "src" in a:
            self.urls.append(a["src"])
        if tag == "link" and self.LOADING_RELS & set(a.get("rel", "").lower().split()):
            self.urls.append(a.get("href", ""))
        if tag == "object" and "data" in a:
            self.urls.append(a["data"])
        if "style" in a:
            self.urls += css_urls(a["style"])
        self._style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._style:
            self.urls += css_urls(data)

    def handle_endtag(self, tag: str) -> None:
        self._style = False


def css_urls(css: str) -> list[str]:
    """The URLs a stylesheet loads: ``url(...)`` and ``@import``."""
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return [u for u in found if not u.startswith("data:")]


def loads_of(client: TestClient, path: str) -> list[str]:
    reader = _Loads()
    reader.feed(client.get(path, headers=BROWSER).text)
    base = f"http://testserver{path}"
    return [urljoin(base, u) for u in reader.urls]


@pytest.mark.parametrize(("path", "status"), PAGE_CASES)
def test_no_page_loads_anything_from_another_host(
    client: TestClient, path: str, status: int
) -> None:
    urls = [u for u in loads_of(client, path) if not u.startswith("data:")]  # inline: no host
    foreign = [u for u in urls if urlsplit(u).netloc != "testserver"]
    assert foreign == [], foreign
    for url in urls:  # and what the page loads is there, and loads nothing foreign either
        r = client.get(urlsplit(url).path)
        assert r.status_code == 200, url
        if r.headers["content-type"].startswith("text/css"):
            assert [u for u in css_urls(r.text) if "//" in u] == [], url


def test_the_api_docs_are_vendored(client: TestClient) -> None:
    urls = loads_of(client, "/docs")
    assert any(u.endswith("/static/vendor/swagger-ui/swagger-ui-bundle.js") for u in urls), urls
    assert '"validatorUrl": null' in client.get("/docs").text  # no call to an online validator
    assert client.get("/redoc").status_code == 404
