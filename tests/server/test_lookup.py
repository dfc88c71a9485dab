"""Lookups by credit code and by printed name: 303 to the canonical IRI, 300 for shared names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ontology.settings import Settings
from ontology.store import EmbeddedStore, load_dataset
from server.app import create_app

BASE = "https://w3id.org/littlegiant"
DATA = Path(__file__).parent / "data" / "sample.trig"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store = EmbeddedStore(None)
    load_dataset(store, DATA)
    with TestClient(create_app(Settings(base_uri=BASE, store=None), store=store)) as c:
        yield c


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("91110108MA01AAAA0M", id="as-printed"),
        pytest.param("91110108ma01aaaa0m", id="lower-case"),
        pytest.param("9111 0108 MA01 AAAA 0M", id="with-spaces"),
    ],
)
def test_credit_code_redirects_to_the_enterprise(client: TestClient, code: str) -> None:
    r = client.get(f"/id/uscc/{code}", follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/id/enterprise/E900001"
    followed = client.get(f"/id/uscc/{code}", headers={"Accept": "text/turtle"})
    assert followed.status_code == 200
    assert "91110108MA01AAAA0M" in followed.text


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        pytest.param("91110108MA01AAAA0X", "check character is 'X', GB 32100-2015 gives 'M'",
                     id="bad-check-character"),
        pytest.param("911101", "18 characters, not 6", id="too-short"),
    ],
)  # fmt: skip
def test_failing_credit_code_gets_400_with_the_reason(
    client: TestClient, code: str, reason: str
) -> None:
    r = client.get(f"/id/uscc/{code}", follow_redirects=False)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert reason in r.json()["detail"]


def test_valid_unknown_credit_code_is_404(client: TestClient) -> None:
    r = client.get("/id/uscc/91110105MA01HHHH7P", follow_redirects=False)  # valid, not ours
    assert r.status_code == 404, r.text
    assert "91110105MA01HHHH7P" in r.json()["detail"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        pytest.param("示例(上海)生物科技有限公司", "E900002", id="as-printed"),
        pytest.param("示例（上海）生物科技有限公司", "E900002", id="full-width-brackets"),
        pytest.param("示例 (上海) 生物科技 有限公司", "E900002", id="spaces"),
        pytest.param("Beijing Shili Software Co., Ltd.", "E900008", id="english-name"),
        pytest.param("深圳市示例智能科技有限公司", "E900007", id="former-name"),
        pytest.param("Example Optoelectronics Co., Ltd.", "E900009", id="english-only-firm"),
    ],
)
def test_name_redirects_to_the_enterprise(client: TestClient, name: str, key: str) -> None:
    r = client.get(f"/id/name/{name}", follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/id/enterprise/{key}"
    by_query = client.get("/lookup/name", params={"q": name}, follow_redirects=False)
    assert by_query.headers["location"] == f"/id/enterprise/{key}"


def test_shared_name_gets_300_with_candidates(client: TestClient) -> None:
    r = client.get(
        "/id/name/示例新材料有限公司",
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert r.status_code == 300, r.text
    assert "location" not in r.headers
    ids = [c["id"] for c in r.json()["candidates"]]
    assert ids == [f"{BASE}/id/enterprise/E900005", f"{BASE}/id/enterprise/E900006"]


def test_shared_name_gets_an_html_choice_for_browsers(client: TestClient) -> None:
    r = client.get("/id/name/示例新材料有限公司", headers={"Accept": "text/html"})
    assert r.status_code == 300
    assert 'href="/id/enterprise/E900005"' in r.text
    assert 'href="/id/enterprise/E900006"' in r.text


@pytest.mark.parametrize("region", ["江苏", "江苏省", "320000", f"{BASE}/id/province/320000"])
def test_region_narrows_a_shared_name(client: TestClient, region: str) -> None:
    r = client.get("/id/name/示例新材料有限公司", params={"region": region}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/id/enterprise/E900006"


def test_unknown_name_is_404(client: TestClient) -> None:
    r = client.get("/id/name/没有这家公司", follow_redirects=False)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_lookup_never_guesses_a_suffix_variant(client: TestClient) -> None:
    """A changed company form is a reconciliation candidate, not a lookup hit."""
    r = client.get("/id/name/北京示例精密机械有限公司", follow_redirects=False)
    assert r.status_code == 404
