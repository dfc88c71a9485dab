"""The pages in a real browser: headless Chromium over real uvicorn over the shipped dataset.

Each test asserts that the charts drew (SVG shapes inside their containers), that no request
left the serving host and that the console stayed free of errors, in both languages; the
numbers drawn are checked against the SPARQL endpoint. Screenshots are written on every run
into ``var/screenshots/`` (the failed ones with ``-failed``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from tests.server.browser import Visit, browse, chromium
from tests.server.support import BASE, uvicorn_server

pytestmark = pytest.mark.slow

TILES = 37  # 31 provinces, 5 separately-planned cities, the XPCC
BATCH_1 = f"{BASE}/id/batch/1"


@pytest.fixture(scope="module")
def server(curated_dir: Path) -> Iterator[str]:
    with uvicorn_server({"LG_STORE": str(curated_dir), "LG_QUERY_WORKERS": "1"}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def count(server: str, where: str) -> int:
    """One COUNT from the endpoint, as a reader would ask it."""
    query = f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}"
    answer = httpx.get(f"{server}/sparql", params={"query": query, "format": "json"}, timeout=60)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def tiles(visit: Visit) -> dict[str, int]:
    """The map as drawn: each square's label and the number under it."""
    texts: list[str] = visit.page.eval_on_selector_all(
        "#overview-map svg text", "els => els.map(e => e.textContent)"
    )
    return {
        label: int(number)
        for label, number in itertools.pairwise(texts)
        if not label.isdigit() and number.isdigit()
    }


@pytest.mark.parametrize(
    ("lang", "zhejiang", "xpcc"), [("zh", "浙江", "兵团"), ("en", "Zhejiang", "XPCC")]
)
def test_home_overview_draws_map_and_charts(
    server: str, browser: Browser, lang: str, zhejiang: str, xpcc: str
) -> None:
    with browse(browser, f"{server}/?lang={lang}", f"home-{lang}", lang=lang) as visit:
        visit.page.wait_for_selector("#overview-map svg")
        drawn = tiles(visit)
        assert len(drawn) == TILES, drawn
        assert zhejiang in drawn
        assert xpcc in drawn
        placed = count(server, "?e a lg:Enterprise ; lg:reportingRegion ?r")
        assert sum(drawn.values()) == placed
        assert visit.drawn("#overview-batches") > 10
        assert visit.drawn("#overview-documents") > 10
        visit.shot()
        visit.assert_clean()


def test_map_switches_by_batch(server: str, browser: Browser) -> None:
    """Choosing a batch recounts the map from that batch's designations."""
    with browse(browser, f"{server}/?lang=zh", "home-batch-1", wait_for="#overview-map svg") as v:
        before, text = tiles(v), v.page.inner_text("#overview-map")
        v.page.select_option("#map-facet", value=BATCH_1)
        v.page.wait_for_function(
            "b => document.querySelector('#overview-map').innerText !== b", arg=text
        )
        after = tiles(v)
        expected = count(
            server, f"?d lg:batch <{BATCH_1}> ; lg:holder ?e . ?e lg:reportingRegion ?r"
        )
        assert sum(after.values()) == expected
        assert after != before
        v.shot()
        v.assert_clean()


@pytest.mark.parametrize(
    ("slug", "view"),
    [("05-batch-completeness", "chart"), ("01-enterprises-per-province-per-batch", "map")],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_query_page_runs_an_example_in_its_view(
    server: str, browser: Browser, slug: str, view: str, lang: str
) -> None:
    """Clicking an example runs it; its ``#view:`` comment opens the results as a chart/map."""
    with browse(browser, f"{server}/query?lang={lang}", f"query-{view}-{lang}", lang=lang) as v:
        v.page.click(f"#example-{slug} a.example")
        v.page.wait_for_selector(f".lg-view-{view} svg")
        v.page.wait_for_function(
            f"() => document.querySelectorAll('.lg-view-{view} svg path').length > 5"
        )
        assert v.drawn(f".lg-view-{view}") > 10
        if view == "map":
            shown = v.page.eval_on_selector_all(
                ".lg-view-map svg text", "els => els.map(e => e.textContent)"
            )
            assert len([t for t in shown if not t.isdigit()]) == TILES
        v.shot(selector=".yasr")
        v.assert_clean()


def test_query_page_table_shows_labels_and_plain_numbers(server: str, browser: Browser) -> None:
    query = "SELECT ?b ?n WHERE { ?b a lg:Batch ; lg:ordinal ?n } ORDER BY ?n"
    url = httpx.URL(f"{server}/query", params={"query": query, "run": "1", "lang": "en"})
    with browse(browser, str(url), "query-table-en", lang="en") as v:
        v.page.wait_for_selector("table.lg-results tbody tr")
        cells = v.page.eval_on_selector_all(
            "table.lg-results tbody td", "els => els.map(e => e.textContent)"
        )
        assert "1" in cells
        assert not any("^^" in c for c in cells)
        v.page.wait_for_function(
            "() => [...document.querySelectorAll('table.lg-results a')]"
            ".some(a => a.textContent.includes('batch'))"
        )
        hrefs = v.page.eval_on_selector_all(
            "table.lg-results a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert all(h.startswith("/id/batch/") for h in hrefs), hrefs
        v.assert_clean()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_type_ahead_on_the_home_page(server: str, browser: Browser, lang: str) -> None:
    firms = httpx.get(f"{server}/api/suggest", params={"q": "宁波"}, timeout=60).json()["results"]
    assert firms
    with browse(browser, f"{server}/?lang={lang}", f"suggest-{lang}", lang=lang) as v:
        v.page.fill("#q", "宁波")
        v.page.wait_for_selector("#q-suggestions li")
        offered = v.page.eval_on_selector_all(
            "#q-suggestions li a", "els => els.map(e => e.textContent)"
        )
        assert offered[0] == firms[0]["name"]
        v.shot()
        v.page.keyboard.press("ArrowDown")
        v.page.keyboard.press("Enter")
        v.page.wait_for_url(f"**{firms[0]['href']}")
        v.assert_clean()


def test_search_page_lists_firms(server: str, browser: Browser) -> None:
    url = httpx.URL(f"{server}/search", params={"q": "宁波", "lang": "en"})
    with browse(browser, str(url), "search-en", lang="en") as v:
        assert v.page.locator("ol.results li").count() > 0
        v.shot()
        v.assert_clean()
