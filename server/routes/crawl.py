"""For crawlers: ``/robots.txt`` and the sitemap (https://www.sitemaps.org/protocol.html).

The sitemap lists the home page and every resource's HTML page; past ``LG_SITEMAP_LIMIT`` URLs
(the protocol allows 50,000 a file) it becomes an index of numbered files.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ontology.iris import Iris
from ontology.namespaces import LG, PROV
from ontology.store import GraphStore
from server.conneg import LANGS
from server.deps import LinksDep, StateDep
from server.links import Links
from server.problems import NotFound
from server.render import LANGUAGE_TAGS, get_and_head, page_modified, represent
from server.state import AppState
from server.store_results import select

router = APIRouter(include_in_schema=False)

SITEMAP_CLASSES = (LG.Enterprise, LG.Province, LG.ReportingRegion, LG.Batch, LG.RegulatoryDocument)
SITEMAP_CACHE = "public, max-age=3600"
XML = "application/xml"


@dataclass(frozen=True)
class Entry:
    """One page of the sitemap: its path (``/`` or ``/id/…``, without ``.html``) and the day
    the newest graph that states its type was ingested (``lastmod``), when known."""

    path: str
    lastmod: str | None


def sitemap_entries(store: GraphStore, iris: Iris) -> list[Entry]:
    """Every page a crawler should index: the home page, then each resource's page."""
    return [Entry("/", None), *_pages(store, iris)]


def _pages(store: GraphStore, iris: Iris) -> Iterator[Entry]:
    seen: set[str] = set()
    for cls in SITEMAP_CLASSES:
        rows = select(
            store,
            f"""SELECT ?s (MAX(?t) AS ?modified) WHERE {{
              GRAPH ?g {{ ?s a <{cls}> OPTIONAL {{ ?g <{PROV.generatedAtTime}> ?t }} }}
            }} GROUP BY ?s ORDER BY ?s""",
        )
        for row in rows:
            iri, modified = row["s"], row.get("modified")
            path = iris.relative(iri.value) if isinstance(iri, ox.NamedNode) else None
            if path is None or path in seen or iris.parse(iri.value) is None:
                continue
            seen.add(path)
            day = modified.value[:10] if isinstance(modified, ox.Literal) else None
            yield Entry(path, day)


def sitemap_pages(entries: list[Entry], limit: int) -> list[list[Entry]]:
    """Split the entries into sitemap files of at most ``limit`` URLs each (two a page: one
    per language)."""
    per_file = max(1, limit // len(LANGS))
    return [entries[i : i + per_file] for i in range(0, len(entries), per_file)] or [[]]


def _pages_of(state: AppState) -> list[list[Entry]]:
    entries = state.generations.get("sitemap", lambda: sitemap_entries(state.store, state.iris))
    return sitemap_pages(entries, state.settings.sitemap_limit)


def _xml(request: Request, text: str) -> Response:
    return represent(
        request,
        text.encode("utf-8"),
        media_type=XML,
        cache_control=SITEMAP_CACHE,
        last_modified=page_modified(request),
    )


def urlset(links: Links, entries: list[Entry]) -> str:
    """A urlset with each page once per language, each naming the others as alternates
    (https://developers.google.com/search/docs/specialty/international/localized-versions)."""
    items = []
    for entry in entries:
        page = entry.path if entry.path == "/" else entry.path + ".html"
        urls = {tag: links.url(f"{page}?lang={tag}") for tag in LANGS}
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{LANGUAGE_TAGS[tag]}" href="{escape(u)}"/>'
            for tag, u in urls.items()
        )
        alternates += (
            f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(links.url(page))}"/>'
        )
        lastmod = f"<lastmod>{entry.lastmod}</lastmod>" if entry.lastmod else ""
        items += [
            f"<url><loc>{escape(u)}</loc>{lastmod}{alternates}</url>\n" for u in urls.values()
        ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{''.join(items)}</urlset>\n"
    )


def sitemap_index(links: Links, parts: int) -> str:
    items = "".join(
        f"<sitemap><loc>{escape(links.url(f'/sitemaps/{n}.xml'))}</loc></sitemap>\n"
        for n in range(1, parts + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}</sitemapindex>\n"
    )


@get_and_head(router, "/robots.txt")
def get_robots(request: Request, links: LinksDep) -> Response:
    """Crawlers may read every page and fetch the dumps (dataset search engines index the
    download a Dataset names); the query and reconciliation services are for tools."""
    text = (
        "User-agent: *\n"
        "Allow: /\n"
        "Allow: /dumps/\n"
        "Disallow: /sparql\n"
        "Disallow: /reconcile\n"
        f"Sitemap: {links.url('/sitemap.xml')}\n"
    )
    return represent(
        request,
        text.encode("utf-8"),
        media_type="text/plain; charset=utf-8",
        cache_control="public, max-age=86400",
        last_modified=page_modified(request),
    )


@get_and_head(router, "/sitemap.xml")
def get_sitemap(request: Request, state: StateDep, links: LinksDep) -> Response:
    """A urlset, or a sitemap index once the pages exceed one file."""
    pages = _pages_of(state)
    if len(pages) == 1:
        return _xml(request, urlset(links, pages[0]))
    return _xml(request, sitemap_index(links, len(pages)))


@get_and_head(router, "/sitemaps/{n}.xml")
def get_sitemap_page(request: Request, state: StateDep, links: LinksDep, n: int) -> Response:
    """One file of the sitemap index."""
    pages = _pages_of(state)
    if not 1 <= n <= len(pages):
        raise NotFound(f"No sitemap {n}; there are {len(pages)}")
    return _xml(request, urlset(links, pages[n - 1]))
