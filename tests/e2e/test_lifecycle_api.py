"""asOf answers follow the lifecycle (issue 5, items 3-4): ``/api/enterprises?status=…&asOf=D``
changes as a batch list, a revocation, a failed and a passed re-review arrive.

The three firms are SYNTHETIC (invented names marked 测试, computed credit codes), ingested through
the real pipeline into the real default dataset and read back through the real app.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from stdnum.cn import uscc

from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ontology.iris import Iris
from ontology.namespaces import HYDRA
from ontology.settings import Settings
from ontology.store import EmbeddedStore
from server.app import create_app
from tests.conftest import DefaultBuild

BASE = "https://w3id.org/littlegiant"


def code(region6: str, serial: int) -> str:
    stem = f"91{region6}MA{serial:07d}"
    return stem + uscc.calc_check_digit(stem)


FIRMS = {"A": ("北京", code("110108", 11)), "B": ("天津", code("120101", 12))}
FIRMS["C"] = ("上海", code("310101", 13))


class Timeline:
    """The default dataset (as the session built it) in memory, with its own registry copy."""

    def __init__(self, home: Path, build: DefaultBuild) -> None:
        self.home = home
        shutil.copytree(build.registry, home / "registry")
        self.settings = Settings(store=None, registry=home / "registry", base_uri=BASE)
        self.store = EmbeddedStore(None)
        with self.store.writer() as draft:
            draft.bulk_extend(build.quads)
        self.iris = Iris(BASE)
        self.registry = Registry.load(self.settings.registry)

    def ingest(self, name: str, title: str, letters: str, day: dt.date) -> None:
        lines = [title, "序号,省份,企业名称,统一社会信用代码"]
        for i, letter in enumerate(letters, 1):
            region, c = FIRMS[letter]
            lines.append(f"{i},{region},{region}测试{letter}有限公司,{c}")
        path = self.home / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ingest_file(
            self.store, self.iris, self.registry, path, date=day, review_dir=self.home / "review"
        )

    def firm(self, letter: str) -> str:
        key = self.registry.lookup_uscc(FIRMS[letter][1])
        assert key is not None
        return str(self.iris.enterprise(key))


@pytest.fixture(scope="module")
def timeline(
    default_build: DefaultBuild, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Timeline, TestClient]]:
    t = Timeline(tmp_path_factory.mktemp("timeline"), default_build)
    with TestClient(create_app(t.settings, store=t.store)) as client:
        yield t, client


def holders(t: Timeline, client: TestClient, status: str, day: str) -> set[str]:
    """Letters of the synthetic firms the API lists with ``status`` on ``day`` (batch 7)."""
    r = client.get(
        "/api/enterprises",
        params={"status": status, "asOf": day, "batch": 7, "limit": 500},
        headers={"Accept": "application/n-triples"},
    )
    assert r.status_code == 200, r.text
    members = {
        q.object.value
        for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)
        if q.predicate.value == str(HYDRA.member)
    }
    return {letter for letter in FIRMS if t.firm(letter) in members}


def test_as_of_follows_awards_revocations_and_reviews(
    timeline: tuple[Timeline, TestClient],
) -> None:
    t, client = timeline
    t.ingest(
        "b7.csv", "第七批专精特新“小巨人”企业名单（测试用合成数据）", "ABC", dt.date(2025, 7, 1)
    )
    assert holders(t, client, "active", "2025-06-30") == set()
    assert holders(t, client, "active", "2026-01-01") == {"A", "B", "C"}
    assert holders(t, client, "active", "2028-07-01") == set()  # three years, then
    # unknown, not expired: no review outcome is recorded (issue 10)
    assert holders(t, client, "expired", "2028-07-01") == set()
    assert holders(t, client, "unknown", "2028-07-01") == {"A", "B", "C"}

    t.ingest("revoke.csv", "撤销专精特新“小巨人”企业称号名单（测试）", "C", dt.date(2026, 5, 20))
    assert holders(t, client, "active", "2026-05-19") == {"A", "B", "C"}
    assert holders(t, client, "active", "2026-05-20") == {"A", "B"}
    assert holders(t, client, "revoked", "2026-05-20") == {"C"}

    t.ingest(
        "fail.csv", "未通过复核的第七批专精特新“小巨人”企业名单（测试）", "B", dt.date(2027, 3, 1)
    )
    assert holders(t, client, "active", "2027-03-01") == {"A"}
    assert holders(t, client, "not-renewed", "2027-03-01") == {"B"}
    assert holders(t, client, "active", "2027-02-28") == {"A", "B"}

    t.ingest(
        "pass.csv", "通过复核的第七批专精特新“小巨人”企业名单（测试）", "A", dt.date(2028, 6, 1)
    )
    assert holders(t, client, "active", "2029-01-01") == {"A"}
    assert holders(t, client, "active", "2031-06-30") == {"A"}
    assert holders(t, client, "active", "2031-07-01") == set()


def test_enterprise_page_shows_its_timeline(timeline: tuple[Timeline, TestClient]) -> None:
    t, client = timeline
    if t.registry.lookup_uscc(FIRMS["C"][1]) is None:  # run alone: give C its award and revocation
        t.ingest(
            "b7.csv", "第七批专精特新“小巨人”企业名单（测试用合成数据）", "ABC", dt.date(2025, 7, 1)
        )
        t.ingest(
            "revoke.csv", "撤销专精特新“小巨人”企业称号名单（测试）", "C", dt.date(2026, 5, 20)
        )
    path = t.iris.relative(t.firm("C"))
    assert path is not None
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert "2025-07-01" in r.text
    assert "2026-05-20" in r.text
