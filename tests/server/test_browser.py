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
