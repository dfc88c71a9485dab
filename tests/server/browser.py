"""Pages opened in a real browser (Debian's Chromium driven by Playwright), nothing else.

``browse(url)`` yields a page whose every request is watched: a request to any host but the
server under test is refused and recorded, and so is every console error and uncaught
exception, so that a test can assert that a page works offline and cleanly. A screenshot is
written when the test fails, and whenever ``shot()`` is called, into ``var/screenshots/``
(``LG_SCREENSHOTS`` names another folder).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright

from tests.server.support import ROOT

SHOTS = Path(os.environ.get("LG_SCREENSHOTS", ROOT / "var" / "screenshots"))


def chromium_path() -> str:
    """Debian's Chromium (``make setup`` installs it); a clear failure, never a skip, without."""
    found = os.environ.get("LG_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail("no chromium on PATH: `make browser` installs Debian's chromium")
    return found


@contextmanager
def chromium() -> Iterator[Browser]:
    """One headless Chromium for a test module."""
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
    )


@dataclass
class Visit:
    """One page and what it did: requests refused for leaving the host, console errors."""

    page: Page
    name: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def shot(self, suffix: str = "", selector: str | None = None) -> Path:
        """A screenshot for the record: the full page, or the element ``selector`` names."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.name}{suffix}.png"
        if selector is None:
            self.page.screenshot(path=str(path), full_page=True)
        else:
            self.page.locator(selector).screenshot(path=str(path))
        return path

    def drawn(self, selector: str) -> int:
        """How many SVG shapes the chart in ``selector`` drew (0 when it drew nothing)."""
        return int(
            self.page.eval_on_selector(
                selector, "e => e.querySelectorAll('svg path, svg rect, svg text').length"
            )
        )

    def assert_clean(self) -> None:
        assert self.outside == [], f"requests left the serving host: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@contextmanager
def browse(
    browser: Browser, url: str, name: str, *, lang: str = "zh-CN", wait_for: str | None = None
) -> Iterator[Visit]:
    """Open ``url`` in a fresh context; screenshot into the record if the block fails."""
    host = urlsplit(url).netloc
    context = browser.new_context(locale=lang, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    visit = Visit(page, name)

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc == host or route.request.url.startswith("data:"):
            route.continue_()
        else:
            visit.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    try:
        page.goto(url)
        if wait_for:
            page.wait_for_selector(wait_for)
        yield visit
    except BaseException:
        visit.shot("-failed")
        raise
    finally:
        context.close()
