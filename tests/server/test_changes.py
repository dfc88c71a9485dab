"""The change feed at /changes (issue 5, item 6): an Activity Streams 2.0 OrderedCollection of what
each ingest added, changed or ended, paged, with ``since=`` for incremental sync.

The lists are SYNTHETIC test data (invented firms, computed credit codes) ingested through the
real pipeline into the real default dataset; the app is the real one over TestClient.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from stdnum.cn import uscc

from ingest.cli import build_store
from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ontology.iris import Iris
from ontology.store import EmbeddedStore, GraphStore
from tests.conftest import emptied_remote
from tests.server.support import BASE, app_client, settings

T1 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def code(region6: str, serial: int) -> str:
    stem = f"91{region6}MA{serial:07d}"
    return stem + uscc.calc_check_digit(stem)


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, engine: str, request: pytest.FixtureRequest
) -> Iterator[TestClient]:
    """The default dataset and three SYNTHETIC lists ingested through the real pipeline, into
    the embedded store or the remote engine."""
    home = tmp_path_factory.mktemp("feed")
    config = settings(registry=home / "registry")
    store: GraphStore = (
        emptied_remote(request.getfixturevalue("oxigraph_endpoint"))
        if engine == "remote"
        else EmbeddedStore(None)
    )
    build_store(config, store)
    iris, registry = Iris(BASE), Registry.load(config.registry)
    rows = "".join(
        f"{i},北京,北京合成测试{i:03d}有限公司,{code('110108', i)}\n" for i in range(1, 6)
    )
    head = "序号,省份,企业名称,统一社会信用代码\n"
    b7 = "第七批专精特新“小巨人”企业名单（测试用合成数据）\n" + head + rows
    passed = "通过复核的第七批专精特新“小巨人”企业名单（测试用合成数据）\n" + head
    passed += "1,北京,北京合成测试001有限公司,\n"
    revoked = "撤销专精特新“小巨人”企业称号名单（测试用合成数据）\n序号,省份,企业名称,备注\n"
    revoked += "1,北京,北京合成测试002有限公司,虚假申报（测试）\n"
    steps = [
        ("b7.csv", b7, dt.date(2025, 7, 1), T1),
        ("pass.csv", passed, dt.date(2028, 6, 1), T2),
        ("revoke.csv", revoked, dt.date(2026, 2, 1), T3),
    ]
    for name, text, day, when in steps:
        path = home / name
        path.write_text(text, encoding="utf-8")
        ingest_file(store, iris, registry, path, date=day, now=when, review_dir=home / "review")
    with app_client(store, registry=config.registry) as c:
        yield c


def items(client: TestClient, **params: object) -> list[dict]:
    out: list[dict] = []
    r = client.get("/changes", params=params)
    assert r.status_code == 200, r.text
    url = r.json()["first"]
    while url:
        page = client.get(url.replace(BASE, ""))
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["type"] == "OrderedCollectionPage"
        out += body["orderedItems"]
        url = body.get("next")
    return out


def test_collection_has_first_last_and_total(client: TestClient) -> None:
    r = client.get("/changes")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/ld+json")
    body = r.json()
    # the AS2 terms on the serving host (a JSON-LD processor reaching only it expands the feed)
    assert body["@context"] == "http://testserver/ns/activitystreams.jsonld"
    plain = client.get("/changes", headers={"Accept": "application/activity+json"}).json()
    assert plain["@context"] == "https://www.w3.org/ns/activitystreams"  # AS2 Core §2.1
    assert body["type"] == "OrderedCollection"
    # 5 new enterprises + 5 new designations, one re-review pass, one revocation
    assert body["totalItems"] == 12
    assert body["first"] == "http://testserver/changes?page=1"


def test_each_step_is_in_the_feed_in_order(client: TestClient) -> None:
    feed = items(client)
    assert [i["published"] for i in feed] == sorted(i["published"] for i in feed)
    kinds = [(i["type"], i["object"].rsplit("/", 2)[-2]) for i in feed]
    assert kinds.count(("Create", "enterprise")) == 5
    assert kinds.count(("Create", "designation")) == 5
    update = [i for i in feed if i["type"] == "Update"]
    remove = [i for i in feed if i["type"] == "Remove"]
    assert len(update) == 1
    assert "valid until 2031-06-30" in update[0]["summary"]
    assert len(remove) == 1
    assert "revoked on 2026-02-01" in remove[0]["summary"]
    assert remove[0]["target"].startswith(f"{BASE}/graph/list-revocation")


def test_since_gives_only_later_changes(client: TestClient) -> None:
    later = items(client, since=(T1 + dt.timedelta(days=1)).isoformat())
    assert [i["type"] for i in later] == ["Update", "Remove"]
    assert items(client, since="2026-02-15") == [i for i in later if i["type"] == "Remove"]
    assert items(client, since=T3.isoformat()) == []


def test_small_pages_link_next_and_prev(client: TestClient) -> None:
    r = client.get("/changes", params={"page": 2, "size": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["orderedItems"]) == 5
    assert body["startIndex"] == 5
    assert body["prev"] == "http://testserver/changes?size=5&page=1"
    assert body["next"] == "http://testserver/changes?size=5&page=3"
    assert body["partOf"] == "http://testserver/changes?size=5"
    assert '<http://testserver/changes?size=5&page=3>; rel="next"' in r.headers["link"]


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        pytest.param({"since": "yesterday"}, {}, 400, id="bad-since"),
        pytest.param({"page": 99}, {}, 400, id="past-last-page"),
        pytest.param({"page": 0}, {}, 422, id="page-zero"),
        pytest.param({}, {"Accept": "text/csv"}, 406, id="csv-not-offered"),
        pytest.param({}, {"Accept": "application/activity+json"}, 200, id="activity-json"),
    ],
)
def test_parameters_and_negotiation(
    client: TestClient, params: dict, headers: dict, status: int
) -> None:
    r = client.get("/changes", params=params, headers=headers)
    assert r.status_code == status, r.text
