"""The validated load: the gate's neighbourhood agrees with the whole store, and a commit stamps
its graphs with PROV without changing the graphs it was given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from stdnum.cn import uscc

from ingest.build.lists import build_list
from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ingest.load import SourceGraph, commit, default_gate
from ingest.neighbourhood import neighbourhood
from ingest.parse_list import parse_list
from ingest.writer import Writing, writing
from ontology.iris import Iris
from ontology.namespaces import LG, PROV
from ontology.store import EmbeddedStore

T1 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)


def code(body: str) -> str:
    """A synthetic credit code with a correct check character (test data only)."""
    return body + uscc.calc_check_digit(body)


def synthetic_list(path: Path, rows: int) -> Path:
    """A batch list of ``rows`` invented firms in Beijing, Zhejiang and Ningbo (test data)."""
    lines = [
        f"{i},{region},测试{i}号科技有限公司（合成）,{code(prefix + f'MA{i:07d}')}"
        for i, (region, prefix) in enumerate(
            [("北京市", "91110108"), ("浙江省", "91330100"), ("宁波市", "91330200")] * rows, 1
        )
    ][:rows]
    path.write_text("序号,省份,企业名称,统一社会信用代码\n" + "\n".join(lines) + "\n")
    return path


def test_neighbourhood_gives_the_whole_store_verdict(
    default_store: EmbeddedStore, registry: Registry, iris: Iris, tmp_path: Path
) -> None:
    st = default_store
    listing = synthetic_list(tmp_path / "SYNTHETIC-b6.csv", 30)
    result = ingest_file(
        st, iris, registry, listing, kind="batch", batch=6, date=dt.date(2024, 9, 2)
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
    enterprise = ox.NamedNode(next(iter(sorted(f for f in focus if "/id/enterprise/" in f))))
    g = ox.NamedNode(graph)
    broken = [
        ox.Quad(enterprise, ox.NamedNode(LG.uscc), ox.Literal("X"), g),
        ox.Quad(
            enterprise, ox.NamedNode(LG.reportingRegion), ox.NamedNode(iris.province("650000")), g
        ),
    ]
    whole_store.extend(broken)
    changed = {
        graph: ox.serialize(
            [ox.Triple(q.subject, q.predicate, q.object) for q in [*st.quads(graph=g), *broken]],
            format=ox.RdfFormat.N_TRIPLES,
        )
        or b""
    }
    gate = default_gate()
    context = neighbourhood(st, focus, changed=changed, ontology=str(iris.graph("ontology")))
    near = gate.validate(context, focus=focus)
    whole = gate.validate(whole_store, focus=focus)
    assert not whole.conforms
    assert set(near.results) == set(whole.results)
    assert len(context) < len(whole_store)


BuildBatch = Callable[[Writing], SourceGraph]


@pytest.fixture
def build_batch(default_store: EmbeddedStore, iris: Iris, tmp_path: Path) -> BuildBatch:
    """Build a batch list as a writer does: with the registry read under the lock (the keys it
    mints are published with the commit, and the registry's names graph names them)."""
    parsed = parse_list(synthetic_list(tmp_path / "SYNTHETIC-b6.csv", 3))

    def build(w: Writing) -> SourceGraph:
        return build_list(
            parsed,
            kind="batch",
            batch=6,
            document=None,
            date=dt.date(2024, 9, 2),
            source_url=None,
            iris=iris,
            registry=w.registry,
            store=default_store,
            review_dir=tmp_path / "review",
        )

    return build


def _times(store: EmbeddedStore, iris: Iris, graph: SourceGraph) -> dict[str, list[dt.datetime]]:
    """The PROV times the graph records of itself and of the ingest that wrote it."""
    g = ox.NamedNode(iris.graph(graph.source.name))
    return {
        name: sorted(
            dt.datetime.fromisoformat(q.object.value)
            for q in store.quads(None, ox.NamedNode(p), None, g)
        )
        for name, p in (
            ("generated", PROV.generatedAtTime),
            ("started", PROV.startedAtTime),
            ("ended", PROV.endedAtTime),
        )
    }


def test_now_stamps_every_time_of_the_commit(
    default_store: EmbeddedStore, registry: Registry, iris: Iris, build_batch: BuildBatch
) -> None:
    with writing(default_store, registry) as w:
        batch_graph = build_batch(w)
        commit(w, iris, [batch_graph], now=T1, identity=True)
    assert _times(default_store, iris, batch_graph) == {
        "generated": [T1],
        "started": [T1],
        "ended": [T1],
    }


def test_committing_the_same_graph_twice_writes_it_as_built(
    default_store: EmbeddedStore, registry: Registry, iris: Iris, build_batch: BuildBatch
) -> None:
    """The commit describes the graph with PROV beside the graph it was given, never inside it:
    a second commit of the same graph writes one PROV description, not two."""
    with writing(default_store, registry) as w:
        batch_graph = build_batch(w)
        built = list(batch_graph.builder)
        commit(w, iris, [batch_graph], now=T1, identity=True)
    assert list(batch_graph.builder) == built
    with writing(default_store, registry) as w:
        second = commit(w, iris, [batch_graph], now=T2, force=True, identity=True)
    assert second.changed
    assert list(batch_graph.builder) == built
    assert _times(default_store, iris, batch_graph) == {
        "generated": [T2],
        "started": [T2],
        "ended": [T2],
    }
