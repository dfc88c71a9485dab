"""The ``names`` graph a commit patches is the graph built whole from the registry it publishes.

A commit rebuilds only the lines of the firms it reaches (``ingest.registry_commit``); these
tests hold that, after every ingest of a sequence (new firms, a renaming note, a planned city
refining a province, a list corrected to drop firms, a registry edited outside a commit, a
refused list), the stored graph's lines and fingerprint are those of the graph built whole.
The lists are SYNTHETIC (示例 firms), ingested through the real pipeline into the default data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import registry_files as rf
from ingest.facts import IngestError
from ingest.identity import Registry
from ingest.identity_graphs import described_keys, names_graph
from ingest.ingest_file import ingest_file
from ingest.load import ValidationFailed
from ingest.provenance import stored_fingerprint
from ingest.registry_commit import names_whole, recorded_file
from ontology import rdf
from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.store import EmbeddedStore, GraphStore
from tests.conftest import DefaultBuild, remote_copy

IRIS = Iris()
NAMES = str(IRIS.graph("names"))
HEAD = "第七批专精特新“小巨人”企业名单（测试用合成数据）\n序号,省份,企业名称\n"
POOL = (  # rows as printed: one firm twice in a list is refused, which the sequences include
    ("北京示例甲科技有限公司", "北京市"),
    ("北京示例甲科技股份有限公司（原名：北京示例甲科技有限公司）", "北京市"),
    ("深圳示例丙科技有限公司", "广东省"),
    ("深圳示例丙科技有限公司", "深圳市"),
    ("天津示例乙科技有限公司", "天津市"),
    ("天津示例丁精密机械有限公司", "天津市"),
)
Step = tuple[int, Sequence[int]]  # (the list's document, the rows of POOL it prints)


def fresh(default_build: DefaultBuild, home: Path, endpoint: str | None = None) -> GraphStore:
    """The default data in memory (or on the session's remote engine), and its registry."""
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(default_build.registry, home / "registry")
    store = EmbeddedStore(None)
    with store.writer() as draft:
        draft.bulk_extend(default_build.quads)
    if endpoint is None:
        return store
    source = ox.Store()
    source.bulk_extend(default_build.quads)
    return remote_copy(source, endpoint)


def ingest(store: GraphStore, home: Path, step: Step) -> bool:
    """Ingest one list; False when it is refused (the store is then as it was)."""
    document, rows = step
    path = home / f"list-{document}.csv"
    lines = "".join(f"{i},{POOL[r][1]},{POOL[r][0]}\n" for i, r in enumerate(rows, 1))
    path.write_text(HEAD + lines, encoding="utf-8")
    registry = Registry.load(home / "registry")
    try:
        ingest_file(
            store,
            IRIS,
            registry,
            path,
            date=dt.date(2025, 7, 1),
            document=f"工信厅企业函〔2099〕{document}号",
            review_dir=home / "review",
        )
    except (IngestError, ValidationFailed):
        return False
    return True


def assert_names_as_built_whole(store: GraphStore, home: Path) -> None:
    registry = Registry.load(home / "registry")
    whole = names_whole(registry, names_graph(IRIS, registry, described_keys(IRIS, [], store)))
    g = ox.NamedNode(NAMES)
    stored = {
        q.triple
        for q in store.quads(None, None, None, g)
        if (p := IRIS.parse(q.subject.value)) and p.kind == "enterprise"
    }
    assert stored == set(whole.builder.triples)
    assert (stored_fingerprint(store, NAMES) or ("",))[0] == whole.source.sha256()
    published = (home / "registry" / "enterprises.csv").read_bytes()
    sha, inputs = recorded_file(store, NAMES)
    assert sha == hashlib.sha256(published).hexdigest()
    # the inputs of earlier versions went with their PROV: the graph names one file read
    assert {t.subject for t in inputs} == {
        q.subject for q in store.quads(None, rdf.node(LG.sourceFile), None, g) if q.subject != g
    }
    assert len({t.subject for t in inputs}) == 1


@pytest.mark.parametrize("engine", ["embedded", "remote"])
def test_each_commit_leaves_the_names_graph_built_whole(
    default_build: DefaultBuild, tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    home = tmp_path / "home"
    remote = request.getfixturevalue("oxigraph_endpoint") if engine == "remote" else None
    store = fresh(default_build, home, remote)
    steps: list[Step] = [
        (1, [0, 2]),  # two new firms
        (1, [1, 3]),  # the list corrected: one renamed (原名 note), one in its planned city
        (2, [4, 1]),  # another list: a new firm and the renamed one by its new name
        (1, [3]),  # the first list drops the renamed firm (the second still lists it)
        (2, [4]),  # now no list describes it
    ]
    for step in steps:
        assert ingest(store, home, step)
        assert_names_as_built_whole(store, home)
    table = home / "registry" / rf.ENTERPRISE_FILE
    rows = rf.read_rows(table, rf.ENTERPRISE_FIELDS)
    (row,) = [r for r in rows if r["legal_name"] == "天津示例乙科技有限公司"]
    row["legal_name"] = "天津示例乙科技集团有限公司"
    table.write_bytes(rf.csv_bytes(rf.ENTERPRISE_FIELDS, rows))
    # the registry changed outside a commit: the graph records another file, so the next
    # commit builds it whole (a patch would keep 乙's old name: the list does not print it)
    assert ingest(store, home, (3, [5]))
    assert_names_as_built_whole(store, home)
    names = {q.object.value for q in store.quads(None, None, None, ox.NamedNode(NAMES))}
    assert "天津示例乙科技集团有限公司" in names


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 2),
            st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=3, unique=True),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_sequence_of_lists_leaves_the_names_graph_built_whole(
    default_build: DefaultBuild, tmp_path: Path, steps: list[Step]
) -> None:
    home = tmp_path / "home"
    store = fresh(default_build, home)
    for step in steps:
        ingest(store, home, step)
        assert_names_as_built_whole(store, home)
