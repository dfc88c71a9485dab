"""A collection's filter form, for every collection in each language: each filter labelled in the
page's language, a select of the values the API accepts wherever they are a known list, and no
UI word of the other language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from server.filters import KINDS
from server.i18n import UI
from server.pages.filter_form import LABELS

LANGS = ("zh", "en")
LISTED = {"region", "batch", "tier", "status"}
CASES = [
    (kind.name, key, lang) for kind in KINDS.values() for key in kind.filters for lang in LANGS
]


class FormReader(HTMLParser):
    """The filter form's labels, selects with their option values, inputs and button text."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.selects: dict[str, list[str]] = {}
        self.inputs: dict[str, str] = {}
        self.button = ""
        self._label: str | None = None
        self._select: str | None = None
        self._in_button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self._label = a["for"]
        elif tag == "select":
            self._select = a["name"]
            self.selects[self._select or ""] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value") or "")
        elif tag == "input" and a.get("type") != "hidden":
            self.inputs[a["name"] or ""] = a.get("type") or "text"
        elif tag == "button":
            self._in_button = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "button":
            self._in_button = False

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self.labels[self._label] = data.strip()
            self._label = None
        if self._in_button:
            self.button += data.strip()


def form(client: TestClient, kind: str, lang: str) -> FormReader:
    r = client.get(f"/api/{kind}", params={"lang": lang}, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    [html] = re.findall(r'<form method="get" class="filters">.*?</form>', r.text, re.S)
    reader = FormReader()
    reader.feed(html)
    return reader


@pytest.mark.parametrize(("kind", "key", "lang"), CASES)
def test_each_filter_is_labelled_in_the_page_language(
    client: TestClient, kind: str, key: str, lang: str
) -> None:
    assert form(client, kind, lang).labels[f"f-{key}"] == UI[LABELS[key]][lang]


@pytest.mark.parametrize(("kind", "key", "lang"), [c for c in CASES if c[1] in LISTED])
def test_listed_filters_are_selects_of_values_the_api_accepts(
    client: TestClient, kind: str, key: str, lang: str
) -> None:
    values = form(client, kind, lang).selects[key]
    assert values[0] == ""  # any
    assert len(values) > 1
    for value in values[1:]:
        r = client.get(f"/api/{kind}", params={key: value}, headers={"Accept": "application/json"})
        assert r.status_code == 200, (value, r.text)


@pytest.mark.parametrize(("kind", "key", "lang"), [c for c in CASES if c[1] not in LISTED])
def test_free_filters_are_a_search_box_or_a_date(
    client: TestClient, kind: str, key: str, lang: str
) -> None:
    assert form(client, kind, lang).inputs[key] == ("date" if key == "asOf" else "search")


@pytest.mark.parametrize("kind", [k.name for k in KINDS.values()])
@pytest.mark.parametrize("lang", LANGS)
def test_the_form_has_no_word_of_the_other_language(
    client: TestClient, kind: str, lang: str
) -> None:
    reader = form(client, kind, lang)
    other = "en" if lang == "zh" else "zh"
    words = [*reader.labels.values(), reader.button]
    theirs = {texts[other] for texts in UI.values()} - {texts[lang] for texts in UI.values()}
    assert [w for w in words if w in theirs or w in {"OK", *LABELS}] == []
    assert reader.button == UI["apply"][lang]
