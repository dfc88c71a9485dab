"""Real list formats (issue 11, items 1-3): a PDF list over many pages and a legacy .xls list
ingest to the same firms as their CSV, each once; disguised files are read for what they are;
the same rows in CSV, XLSX, XLS, HTML and PDF give the same parsed rows.

The rows are real: the first of MIIT's three 2024 lists of key Little Giants, as the
repository ships them (``data/key_little_giants_2024_lists.csv``).
The files are drawn here in the shapes MIIT and the provinces publish (附件 title, the header
on the first page only, page numbers; a BIFF workbook with the regions merged). The batch they
are ingested as is this test's own: the store is a temporary one, never the shipped data.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ingest.parse_list import parse_list
from ingest.regions import resolve_region
from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.paths import DATA_DIR
from ontology.store import EmbeddedStore
from tests.ingest.readers.make_pdf import Entry, Shape, draw_pdf
from tests.ingest.readers.make_xls import (
    list_table,
    region_merges,
    write_csv,
    write_html,
    write_xls,
    write_xlsx,
)

LISTS = DATA_DIR / "key_little_giants_2024_lists.csv"


@pytest.fixture(scope="module")
def real_list() -> tuple[str, list[Entry]]:
    """The first 2024 list: its title and its rows as printed."""
    with LISTS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    title = rows[0]["list_title"]
    entries = [
        Entry(r["seq"], r["region_as_printed"], r["name_zh"])
        for r in rows
        if r["list_title"] == title
    ]
    return title, entries


def files(title: str, entries: list[Entry], home: Path) -> dict[str, Path]:
    """The list as CSV, as a PDF, as BIFF .xls, and as HTML and XLSX saved under an .xls name."""
    table = [[title], *list_table(entries, uscc=False)]
    merges = [(a + 1, b + 1, c, d) for a, b, c, d in region_merges(list_table(entries, uscc=False))]
    shape = Shape(uscc=False, header_on_every_page=False)
    out = {
        "csv": write_csv(table),
        "pdf": draw_pdf(entries, shape, title).data,
        "xls": write_xls({"Sheet1": table}, {"Sheet1": merges}),
        "html-as-xls": write_html(table),
        "xlsx-as-xls": write_xlsx(table, merges),
    }
    paths = {}
    for kind, data in out.items():
        suffix = "." + kind.rsplit("-", 1)[-1]
        paths[kind] = home / f"list-{kind}{suffix}"
        paths[kind].write_bytes(data)
    return paths


def holders(store: EmbeddedStore, graph: str) -> set[str]:
    q = f"SELECT DISTINCT ?e WHERE {{ GRAPH <{graph}> {{ ?d <{LG.holder}> ?e }} }}"
    return {row["e"].value for row in store.select(q)}


def test_pdf_and_xls_lists_ingest_to_the_same_firms_as_their_csv(
    real_list: tuple[str, list[Entry]],
    default_store: EmbeddedStore,
    registry: Registry,
    iris: Iris,
    tmp_path: Path,
) -> None:
    title, entries = real_list
    paths = files(title, entries, tmp_path)
    day = None  # batch 1's date is its notice's, which the store knows (another is refused)
    first = ingest_file(
        default_store, iris, registry, paths["csv"], kind="batch", batch=1, date=day
    )
    firms = holders(default_store, first.graph)
    assert len(firms) == len(entries)
    graphs = default_store.named_graphs()
    keys = len(registry)
    for kind in ("pdf", "xls", "html-as-xls", "xlsx-as-xls"):
        result = ingest_file(
            default_store, iris, registry, paths[kind], kind="batch", batch=1, date=day
        )
        assert result.rows == len(entries), kind
        # one source whatever its format: the PDF's 附件1 above its title is no other list
        assert result.graph == first.graph, kind
        assert default_store.named_graphs() == graphs, kind  # the list's graph replaced, no other
        assert holders(default_store, result.graph) == firms, kind
        assert len(registry) == keys, kind  # each firm once: no key minted again


def region_code(printed: str) -> str:
    region = resolve_region(printed)
    assert region is not None
    return region.code


def parsed_rows(path: Path) -> list[tuple[str, str, str]]:
    parsed = parse_list(path, kind_hint="batch")
    assert parsed.errors == (), [str(e) for e in parsed.errors]
    return [(r.seq, r.region, r.name) for r in parsed.rows]


@pytest.fixture(scope="module")
def names(real_list: tuple[str, list[Entry]]) -> list[Entry]:
    return real_list[1]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_same_rows_in_every_format_give_the_same_parsed_rows(
    data: st.DataObject, names: list[Entry], tmp_path: Path
) -> None:
    picked = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=40, unique=True))
    picked.sort(key=lambda e: e.region)  # a list prints each region's firms together
    entries = [Entry(str(i), e.region, e.name) for i, e in enumerate(picked, 1)]
    title = "建议继续支持的专精特新“小巨人”企业名单（测试用表）"
    paths = files(title, entries, tmp_path)
    want = [(e.seq, region_code(e.region), e.name) for e in entries]
    for kind, path in paths.items():
        assert parsed_rows(path) == want, kind


def test_a_two_row_header_names_the_columns_its_first_row_groups(tmp_path: Path) -> None:
    title = "第九批专精特新“小巨人”企业名单（测试用合成数据）"
    table = [
        [title, None, None, None],
        ["序号", "企业信息", None, "地区"],
        [None, "企业名称", "统一社会信用代码", None],
        [1.0, "合成测试甲有限公司", "", "北京市"],
        [2.0, "合成测试乙有限公司", "", "浙江省"],
    ]
    merges = [(0, 0, 0, 3), (1, 1, 1, 2), (1, 2, 0, 0), (1, 2, 3, 3)]
    for name, data in {
        "two-rows.xlsx": write_xlsx(table, merges),
        "two-rows.csv": write_csv(table),
        "two-rows.xls": write_xls({"S": table}, {"S": merges}),
    }.items():
        (tmp_path / name).write_bytes(data)
        assert parsed_rows(tmp_path / name) == [
            ("1", "110000", "合成测试甲有限公司"),
            ("2", "330000", "合成测试乙有限公司"),
        ], name
        # the upper header row (its merged cells filled in) is the header's, not the title's
        assert parse_list(tmp_path / name).title == title, name


def test_a_list_without_a_region_column_takes_its_sections_or_its_sheet_names(
    tmp_path: Path,
) -> None:
    sections = tmp_path / "sections.csv"
    sections.write_text(
        "序号,企业名称\n一、北京市（1家）,\n1,合成测试甲有限公司\n二、浙江省（1家）,\n2,合成测试乙有限公司\n",
        encoding="utf-8",
    )
    sheets = tmp_path / "sheets.xls"
    sheets.write_bytes(
        write_xls(
            {
                "北京市": [["序号", "企业名称"], [1.0, "合成测试甲有限公司"]],
                "浙江省": [["序号", "企业名称"], [2.0, "合成测试乙有限公司"]],
            }
        )
    )
    want = [("1", "110000", "合成测试甲有限公司"), ("2", "330000", "合成测试乙有限公司")]
    assert parsed_rows(sections) == want
    assert parsed_rows(sheets) == want


def test_gbk_is_read_only_when_asked_or_declared(tmp_path: Path) -> None:
    text = "序号,省份,企业名称\n1,北京市,合成测试甲有限公司\n"
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(text.encode("gbk"))
    refused = parse_list(gbk, kind_hint="batch")
    assert [e.rule for e in refused.errors] == ["encoding"]
    assert "--encoding gbk" in refused.errors[0].message
    asked = parse_list(gbk, kind_hint="batch", encoding="gbk")
    assert [r.name for r in asked.rows] == ["合成测试甲有限公司"]
    page = tmp_path / "page.xls"  # an HTML table saved as .xls, declaring its charset
    page.write_bytes(
        write_html([["序号", "省份", "企业名称"], [1, "北京市", "合成测试甲有限公司"]], "gbk")
    )
    assert [r.name for r in parse_list(page, kind_hint="batch").rows] == ["合成测试甲有限公司"]


@pytest.mark.parametrize(
    "label",
    ["附件1", "附件 1", "附件1：", "附件2:", "附件一", "附件１", "附件"],
)
def test_the_label_a_list_is_attached_under_is_not_its_title(label: str, tmp_path: Path) -> None:
    title = "第七批专精特新“小巨人”企业名单（测试用合成数据）"
    rows = "序号,省份,企业名称\n1,北京市,北京测试甲科技有限公司\n"
    bare, labelled, inline = tmp_path / "bare.csv", tmp_path / "labelled.csv", tmp_path / "in.csv"
    bare.write_text(f"{title}\n{rows}", encoding="utf-8")
    labelled.write_text(f"{label}\n{title}\n{rows}", encoding="utf-8")
    inline.write_text(f"{label} {title}\n{rows}", encoding="utf-8")
    titles = {parse_list(p, kind_hint="batch").title for p in (bare, labelled, inline)}
    assert titles == {title}
