"""The query page in each language: its configuration hands ``static/query.js`` the canonical
base (result links to our IRIs are pointed at the serving host) and, on Chinese pages, the
Chinese of every YASGUI control; each English text in that table is one YASGUI shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.i18n import YASGUI_ZH
from tests.server.support import BASE

YASGUI_JS = Path(__file__).resolve().parents[2] / "server/static/vendor/yasgui/yasgui.min.js"


def config(client: TestClient, lang: str) -> dict:
    r = client.get("/query", params={"lang": lang}, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    [text] = re.findall(r'<script type="application/json" id="lg-query-config">(.*?)</script>',
                        r.text, re.S)  # fmt: skip
    return json.loads(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_names_the_canonical_base_for_result_links(client: TestClient, lang: str) -> None:
    assert config(client, lang)["base"] == BASE


@pytest.mark.parametrize(("lang", "words"), [("zh", YASGUI_ZH), ("en", {})])
def test_yasgui_controls_speak_the_page_language(
    client: TestClient, lang: str, words: dict[str, str]
) -> None:
    assert config(client, lang)["words"] == words


@pytest.mark.parametrize("english", sorted(YASGUI_ZH))
def test_each_translated_text_is_one_yasgui_shows(english: str) -> None:
    script = YASGUI_JS.read_text(encoding="utf-8")
    if english.endswith("…"):  # a pattern: its words around the numbers
        parts = [p.strip() for p in english[:-1].split("_N_") if p.strip()]
        assert all(p.split()[0] in script for p in parts)
    else:
        assert english in script


@pytest.mark.parametrize("english", sorted(YASGUI_ZH))
def test_each_translation_is_chinese(english: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", YASGUI_ZH[english])
