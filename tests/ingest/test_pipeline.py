"""The commit gate: validating the change's neighbourhood agrees with validating the whole store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from stdnum.cn import uscc

from ingest.cli import build_store
from ingest.identity import Registry
from ingest.lists import ingest_file
from ingest.pipeline import default_gate, neighbourhood
from ontology.iris import Iris
from ontology.settings import Settings
from ontology.store import EmbeddedStore, open_store

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/littlegiant"


def code(body: str) -> str:
    """A synthetic credit code with a correct check character (test data only)."""
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def store(tmp_path: Path) -> tuple[Settings, EmbeddedStore]:
    shutil.copytree(ROOT / "data" / "registry", tmp_path / "registry")
    settings = Settings(base_uri=BASE, store=tmp_path / "store", registry=tmp_path / "registry")
    store = open_store(settings.store)
    build_store(settings, store)
    return settings, store


def test_neighbourhood_gives_the_whole_store_verdict(
    store: tuple[Settings, EmbeddedStore], tmp_path: Path
) -> None:
    settings, st = store
    listing = tmp_path / "SYNTHETIC-b6.csv"
    rows = [
        f"{i},{region},测试{i}号科技有限公司（合成）,{code(prefix + f'MA{i:07d}')}"
        for i, (region, prefix) in enumerate(
            [("北京市", "91110108"), ("浙江省", "91330100"), ("宁波市", "91330200")] * 10, 1
        )
    ]
    listing.write_text("序号,省份,企业名称,统一社会信用代码\n" + "\n".join(rows) + "\n")
    iris = Iris(settings.base_uri)
    result = ingest_file(
        st,
        iris,
        Registry.load(settings.registry),
        listing,
        kind="batch",
        batch=6,
        date=__import__("datetime").date(2024, 9, 2),
    )
    graph = result.graph
    focus = {
        q.subject.value
        for q in st.quads(graph=ox.NamedNode(graph))
        if isinstance(q.subject, ox.NamedNode)
    }
    # break nodes in a copy of the store, so that the verdicts have something to agree on
    whole_store = ox.Store()
    whole_store.bulk_extend(st.quads())
    enterprise = next(iter(sorted(f for f in focus if "/id/enterprise/" in f)))
    g = ox.NamedNode(graph)
    broken = [
        ox.Quad(
            ox.NamedNode(enterprise), ox.NamedNode(f"{BASE}/ontology#uscc"), ox.Literal("X"), g
        ),
        ox.Quad(
            ox.NamedNode(enterprise),
            ox.NamedNode(f"{BASE}/ontology#reportingRegion"),
            ox.NamedNode(f"{BASE}/id/province/650000"),
            g,
        ),
    ]
    whole_store.extend(broken)
    changed = {
        graph: ox.serialize(
            [ox.Triple(q.subject, q.predicate, q.object) for q in [*st.quads(graph=g), *broken]],
            format=ox.RdfFormat.N_TRIPLES,
        )
    }
    gate = default_gate()
    context = neighbourhood(st.raw, focus, changed=changed, ontology=str(iris.graph("ontology")))
    near = gate.validate(context, focus=focus)
    whole = gate.validate(whole_store, focus=focus)
    assert not whole.conforms
    assert set(near.results) == set(whole.results)
    assert len(context) < len(whole_store)
