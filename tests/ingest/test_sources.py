"""A source is what it says (issue 10, items 2 and 4): the same list in any format, under any file
name, with more or fewer flags, is one graph, awarded by the batch's announcing notice the store
knows; the facts a list does not state come from the command line, then the store.

Every list here is SYNTHETIC test data (invented firms marked 测试, credit codes computed to be
valid); it runs through the real readers, parser, registry, shapes gate and store on top of the
real default dataset, whose batch 1 is announced by notice 153 (成文日期 2019-06-05).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
from openpyxl import Workbook

from ingest.facts import IngestError
from ingest.identity import Registry
from ontology.iris import LITTLE_GIANT, Iris
from ontology.namespaces import DCTERMS, LG, RDFS
from ontology.store import EmbeddedStore
from tests.ingest.test_lifecycle import World, code

N153 = "工信部企业函〔2019〕153号"
TITLE = "第一批专精特新“小巨人”企业名单（测试用合成数据）"
HEADER = ["序号", "省份", "企业名称", "统一社会信用代码"]
FIRMS = [
    [1, "北京市", "北京测试丁科技有限公司", code("110108", "11")],
    [2, "浙江省", "浙江测试戊材料有限公司", code("330106", "12")],
    [3, "宁波市", "宁波测试己机械有限公司", code("330201", "13")],
]


@pytest.fixture
def world(tmp_path: Path, default_store: EmbeddedStore, registry: Registry, iris: Iris) -> World:
    return World(tmp_path, default_store, registry, iris)


def xlsx(world: World, name: str) -> Path:
    """The list as MIIT prints it: the title in a cell merged across the table's width."""
    wb = Workbook()
    ws = wb.active
    ws.append([TITLE, None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(HEADER)
    for row in FIRMS:
        ws.append(row)
    path = world.home / name
    wb.save(path)
    return path


def html(world: World, name: str, encoding: str) -> Path:
    """The list as a web page prints it: its title in <title> and again in a heading."""
    cells = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in [HEADER, *FIRMS]
    )
    page = (
        f'<html><head><meta charset="{encoding}"><title>{TITLE}</title></head>'
        f"<body><h1>{TITLE}</h1><table>{cells}</table></body></html>"
    )
    path = world.home / name
    path.write_bytes(page.encode(encoding))
    return path


def rows(world: World, query: str) -> set[tuple[str, ...]]:
    found = cast(ox.QuerySolutions, world.store.query(query))
    return {tuple(t.value for t in r) for r in found}


def notice_153(world: World) -> str:
    return str(world.iris.document(world.registry.document_slug(N153)))


def test_one_list_four_ways_is_one_source_awarded_by_the_batch_notice(world: World) -> None:
    graphs = {
        world.ingest(xlsx(world, "list.xlsx")).graph,
        world.ingest(xlsx(world, "副本.xlsx"), document=N153).graph,
        world.ingest(html(world, "名单.html", "utf-8")).graph,
        world.ingest(html(world, "gbk-page.htm", "gbk")).graph,
    }
    assert len(graphs) == 1
    (graph,) = graphs
    for _, _, name, uscc_code in FIRMS:
        key = world.key(str(uscc_code))
        d = str(world.iris.designation(key, LITTLE_GIANT, 1))
        stated_in = rows(world, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{d}> <{LG.batch}> ?b }} }}")
        assert stated_in == {(graph,)}, name
        awarded_by = rows(world, f"SELECT ?doc WHERE {{ <{d}> <{LG.awardedBy}> ?doc }}")
        assert awarded_by == {(notice_153(world),)}, name
        titles = rows(
            world, f"SELECT ?d WHERE {{ ?d <{LG.holder}> <{world.iris.enterprise(key)}> }}"
        )
        assert len(titles) == 1, name


def test_the_list_is_an_attachment_of_its_notice_titled_once(world: World) -> None:
    world.ingest(xlsx(world, "list.xlsx"))
    lists = rows(
        world,
        f"SELECT ?l ?title WHERE {{ ?l <{LG.documentKind}> <{LG.KindList}> ; "
        f"<{DCTERMS.isPartOf}> <{notice_153(world)}> ; <{DCTERMS.title}> ?title }}",
    )
    assert [title for _, title in lists] == [TITLE]
    minted = rows(
        world,
        f'SELECT ?doc WHERE {{ ?doc <{RDFS.label}> ?l FILTER (CONTAINS(STR(?l), "list.xlsx")) }}',
    )
    assert minted == set()


def test_no_date_is_needed_for_a_batch_the_store_knows(world: World) -> None:
    result = world.ingest(xlsx(world, "list.xlsx"))
    assert result.facts is not None
    assert result.facts.date == dt.date(2019, 6, 5)
    assert result.origins["batch"] == "the file's own text"
    assert result.origins["document"] == f"the store: {N153} announces batch 1"
    assert result.origins["date"].startswith("the store: ")
    d = str(world.iris.designation(world.key(str(FIRMS[0][3])), LITTLE_GIANT, 1))
    starts = rows(world, f"SELECT ?from WHERE {{ <{d}> <{LG.validFrom}> ?from }}")
    assert starts == {("2019-06-05",)}


def test_a_date_the_store_contradicts_is_refused(world: World) -> None:
    with pytest.raises(IngestError, match="the store says 2019-06-05"):
        world.ingest(xlsx(world, "list.xlsx"), date=dt.date(2019, 7, 1))


def test_a_list_of_another_document_is_another_source(world: World) -> None:
    first = world.ingest(xlsx(world, "list.xlsx")).graph
    other = world.ingest(
        xlsx(world, "supplement.xlsx"),
        document="工信部企业函〔2019〕999号",
        date=dt.date(2019, 8, 1),
    ).graph
    assert first != other
    assert {first, other} <= set(world.store.named_graphs())


def test_a_batch_nothing_dates_still_asks_for_the_date(world: World) -> None:
    """Batch 7's list is in the store, undated: the ingest names what it looked for."""
    wb = Workbook()
    ws = wb.active
    ws.append(["第七批专精特新“小巨人”企业名单（测试用合成数据）"])
    ws.append(HEADER)
    ws.append(FIRMS[0])
    path = world.home / "b7.xlsx"
    wb.save(path)
    with pytest.raises(IngestError, match=r"the store knows none for batch 7.*give --date"):
        world.ingest(path)


def _untitled(world: World, name: str, firms: list[list[object]]) -> Path:
    text = ",".join(HEADER) + "\n" + "".join(",".join(map(str, f)) + "\n" for f in firms)
    return world.write(name, text)


def test_untitled_lists_are_told_apart_by_the_names_they_list(world: World) -> None:
    """With no title, nothing but its names tells a list from another of its batch: two such
    lists are two sources (neither drops the other's titles); the same one twice is one."""
    first = world.ingest(_untitled(world, "a.csv", FIRMS[:2]), kind="batch", batch=1).graph
    again = world.ingest(_untitled(world, "b.csv", FIRMS[1::-1]), kind="batch", batch=1).graph
    other = world.ingest(_untitled(world, "c.csv", FIRMS[2:]), kind="batch", batch=1).graph
    assert first == again != other
    for _, _, name, uscc_code in FIRMS:
        key = world.key(str(uscc_code))
        d = str(world.iris.designation(key, LITTLE_GIANT, 1))
        assert d in world.holders("2020-01-01"), name
