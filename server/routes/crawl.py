"""For crawlers: ``/robots.txt`` and the sitemap (https://www.sitemaps.org/protocol.html).

The sitemap lists the home page and every resource's HTML page; past ``LG_SITEMAP_LIMIT`` URLs
(the protocol allows 50,000 a file) it becomes an index of numbered files.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.store import GraphStore
from server.deps import IrisDep, StateDep
from server.problems import NotFound
from server.render import get_and_head, page_modified, represent
from server.state import AppState
from server.store_results import iris_of, select

router = APIRouter(include_in_schema=False)

SITEMAP_CLASSES = (LG.Enterprise, LG.Province, LG.ReportingRegion, LG.Batch, LG.RegulatoryDocument)
SITEMAP_CACHE = "public, max-age=3600"
XML = "application/xml"


def sitemap_urls(store: GraphStore, iris: Iris) -> list[str]:
    """Every page a crawler should index: the home page, then each resource's HTML page."""
    return [str(iris.home()), *_pages(store, iris)]


def _pages(store: GraphStore, iris: Iris) -> Iterator[str]:
    seen: set[str] = set()
    for cls in SITEMAP_CLASSES:
        rows = select(store, f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s")
        for iri in iris_of(rows, "s"):
            if iri not in seen and iris.parse(iri) is not None:
                seen.add(iri)
                yield iri + ".html"


def sitemap_pages(urls: list[str], limit: int) -> list[list[str]]:
    """Split URLs into sitemap files of at most ``limit`` each."""
    return [urls[i : i + limit] for i in range(0, len(urls), limit)] or [[]]


def _pages_of(state: AppState) -> list[list[str]]:
    urls = state.generations.get("sitemap", lambda: sitemap_urls(state.store, state.iris))
    return sitemap_pages(urls, state.settings.sitemap_limit)


def _xml(request: Request, text: str) -> Response:
    return represent(
        request,
        text.encode("utf-8"),
        media_type=XML,
        cache_control=SITEMAP_CACHE,
        last_modified=page_modified(request),
    )


def urlset(urls: list[str]) -> str:
    items = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}</urlset>\n"
    )


def sitemap_index(iris: Iris, parts: int) -> str:
    items = "".join(
        f"<sitemap><loc>{escape(str(iris.sitemap(n)))}</loc></sitemap>\n"
        for n in range(1, parts + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}</sitemapindex>\n"
    )


@get_and_head(router, "/robots.txt")
def get_robots(request: Request, iris: IrisDep) -> Response:
    """Crawlers may read every page; the query and reconciliation services are for tools."""
    text = (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /sparql\n"
        "Disallow: /reconcile\n"
        "Disallow: /dumps/\n"
        f"Sitemap: {iris.sitemap()}\n"
    )
    return represent(
        request,
        text.encode("utf-8"),
        media_type="text/plain; charset=utf-8",
        cache_control="public, max-age=86400",
        last_modified=page_modified(request),
    )


@get_and_head(router, "/sitemap.xml")
def get_sitemap(request: Request, state: StateDep) -> Response:
    """A urlset, or a sitemap index once the pages exceed one file."""
    pages = _pages_of(state)
    if len(pages) == 1:
        return _xml(request, urlset(pages[0]))
    return _xml(request, sitemap_index(state.iris, len(pages)))


@get_and_head(router, "/sitemaps/{n}.xml")
def get_sitemap_page(request: Request, state: StateDep, n: int) -> Response:
    """One file of the sitemap index."""
    pages = _pages_of(state)
    if not 1 <= n <= len(pages):
        raise NotFound(f"No sitemap {n}; there are {len(pages)}")
    return _xml(request, urlset(pages[n - 1]))
