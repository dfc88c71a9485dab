"""Issue 9, item 3: merges keep every URI alive — ``littlegiant merge KEY --into KEY``.

Run as users script it (``main(argv)`` with ``LG_*`` settings, over an on-disk store built from
the shipped data), then served by the real app over that store. The listed firms are SYNTHETIC
(示例); 唐山贺祥机电股份有限公司 (E000003, batch 1) and 唐山贺祥智能科技股份有限公司 (E000227, on a
2024 fiscal-support list) are a shipped pair the data keeps apart (a possible renaming, listed
for review); the merge here is a test's decision, made in a copy of the registry.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from ingest.cli import main
from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.settings import Settings
from ontology.store import EmbeddedStore
from server.app import create_app
from tests.conftest import home_copy, home_env
from tests.server.support import turtle_graph

IRIS = Iris()
OLD, NEW = "E000003", "E000227"
LIST_A = (
    "第七批专精特新“小巨人”企业名单（测试用合成数据）\n序号,省份,企业名称\n"
    "1,北京市,北京示例甲科技有限公司\n"
)
LIST_B = LIST_A.replace("北京示例甲科技有限公司", "北京示例甲科技股份有限公司")


@pytest.fixture(scope="module")
def home(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = home_copy(built_home, tmp_path_factory.mktemp("merge") / "home")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in home_env(home).items():
            mp.setenv(name, value)
        (home / "a.csv").write_text(LIST_A, encoding="utf-8")
        (home / "b.csv").write_text(LIST_B, encoding="utf-8")
        assert main(["ingest", str(home / "a.csv"), "--date", "2025-07-01"]) == 0
        assert main(["ingest", str(home / "b.csv"), "--date", "2025-07-01"]) == 0
        yield home


def keys_named(home: Path, name: str) -> list[str]:
    with (home / "registry" / "enterprises.csv").open(encoding="utf-8") as fh:
        return [r["key"] for r in csv.DictReader(fh) if r["legal_name"] == name]


def test_a_possible_renaming_gets_its_own_key_and_a_line_for_review(home: Path) -> None:
    (a,), (b,) = (
        keys_named(home, "北京示例甲科技有限公司"),
        keys_named(home, "北京示例甲科技股份有限公司"),
    )
    assert a != b
    lines = [
        row
        for path in (home / "store").parent.joinpath("review").glob("*.csv")
        for row in csv.DictReader(path.open(encoding="utf-8"))
    ]
    assert {(r["key"], r["candidate_key"], r["reason"]) for r in lines} == {
        (b, a, "possible renaming")
    }


@pytest.fixture(scope="module")
def merged(home: Path) -> Iterator[TestClient]:
    (a,), (b,) = (
        keys_named(home, "北京示例甲科技有限公司"),
        keys_named(home, "北京示例甲科技股份有限公司"),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LG_STORE", str(home / "store"))
        mp.setenv("LG_REGISTRY", str(home / "registry"))
        assert main(["merge", b, "--into", a, "--reason", "one firm renamed (test)"]) == 0
        args = ["merge", OLD, "--into", NEW, "--reason", "renamed (test decision)"]
        args += ["--source-url", "https://jxt.zj.gov.cn/art/2023/7/14/art_1582900_25599.html"]
        assert main([*args, "--date", "2026-12-01"]) == 0
        assert main(["validate"]) == 0
    settings = Settings(store=home / "store", registry=home / "registry")
    with TestClient(create_app(settings, EmbeddedStore(home / "store"))) as client:
        yield client


def test_the_merged_uri_answers_301_and_both_carry_same_as(merged: TestClient) -> None:
    r = merged.get(f"/id/enterprise/{OLD}", follow_redirects=False)
    assert r.status_code == 301, r.text
    assert r.headers["location"] == f"/id/enterprise/{NEW}"
    old, new = URIRef(str(IRIS.enterprise(OLD))), URIRef(str(IRIS.enterprise(NEW)))
    tombstone = turtle_graph(merged.get(f"/id/enterprise/{OLD}.ttl").text)
    assert (old, OWL.sameAs, new) in tombstone
    assert (old, DCTERMS.isReplacedBy, new) in tombstone
    assert (old, LG.mergedOn, Literal("2026-12-01", datatype=URIRef(XSD_DATE))) in tombstone
    survivor = turtle_graph(merged.get(f"/id/enterprise/{NEW}.ttl").text)
    assert (new, OWL.sameAs, old) in survivor


XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def test_titles_names_and_sources_move_to_the_survivor(merged: TestClient) -> None:
    new = URIRef(str(IRIS.enterprise(NEW)))
    g = turtle_graph(merged.get(f"/id/enterprise/{NEW}.ttl").text)
    assert set(g.objects(new, LG.legalName)) == {Literal("唐山贺祥智能科技股份有限公司", lang="zh")}
    assert Literal("唐山贺祥机电股份有限公司", lang="zh") in set(g.objects(new, LG.formerName))
    page = URIRef("http://kjzch.com/cn/gongxin/2019-06-13/138381.html")
    assert page in set(g.objects(new, DCTERMS.source))
    r = merged.get(f"/id/designation/{OLD}-little-giant-1", follow_redirects=False)
    assert r.status_code == 301, r.text
    assert r.headers["location"] == f"/id/designation/{NEW}-little-giant-1"


def test_an_ingested_graph_is_rewritten_to_the_survivor(home: Path, merged: TestClient) -> None:
    (a,) = keys_named(home, "北京示例甲科技有限公司")
    store = EmbeddedStore(home / "store")
    holders = {
        q.object.value
        for q in store.quads(None, ox.NamedNode(str(LG.holder)), None)
        if "-little-giant-7" in q.subject.value
    }
    assert holders == {str(IRIS.enterprise(a))}
    names = {
        q.object.value
        for q in store.quads(ox.NamedNode(str(IRIS.enterprise(a))), None)
        if q.predicate.value in (str(LG.legalName), str(LG.formerName))
    }
    assert names == {"北京示例甲科技有限公司", "北京示例甲科技股份有限公司"}


def test_a_later_list_naming_the_merged_firm_finds_the_survivor(
    home: Path, merged: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LG_STORE", str(home / "store"))
    monkeypatch.setenv("LG_REGISTRY", str(home / "registry"))
    keys = len(list(csv.DictReader((home / "registry" / "enterprises.csv").open())))
    path = home / "review.csv"
    path.write_text(
        "通过复核的第一批专精特新“小巨人”企业名单（测试用合成数据）\n序号,省份,企业名称\n"
        "1,河北省,唐山贺祥机电股份有限公司\n",
        encoding="utf-8",
    )
    assert main(["ingest", str(path), "--date", "2022-08-08"]) == 0
    assert len(list(csv.DictReader((home / "registry" / "enterprises.csv").open()))) == keys


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(["merge", OLD, "--into", NEW], "already merged", id="twice"),
        pytest.param(["merge", "E999999", "--into", NEW], "not a key", id="unknown-key"),
        pytest.param(["merge", NEW, "--into", NEW], "cycle", id="itself"),
    ],
)
def test_a_merge_that_cannot_be_is_refused(
    home: Path,
    merged: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    monkeypatch.setenv("LG_STORE", str(home / "store"))
    monkeypatch.setenv("LG_REGISTRY", str(home / "registry"))
    before = (home / "registry" / "enterprises.csv").read_bytes()
    capsys.readouterr()
    assert main(args) == 1
    assert says in capsys.readouterr().err
    assert (home / "registry" / "enterprises.csv").read_bytes() == before
