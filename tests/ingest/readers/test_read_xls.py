"""BIFF workbooks (.xls) read into sheets of cells: every sheet, merged ranges filled in, numbers
printed as their format shows them, long numbers refused. All workbooks are synthetic."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import uscc

from ingest.limits import ReadLimits
from ingest.read_xls import read_xls
from ingest.sheet import ReadError, TooLargeError
from tests.ingest.readers.make_pdf import synthetic_entries
from tests.ingest.readers.make_xls import (
    Cell,
    list_table,
    region_merges,
    write_html,
    write_xls,
    write_xlsx,
)

CODE = "91110108MA01ABCD0" + uscc.calc_check_digit("91110108MA01ABCD0")


def cells(rows: list[tuple[int, list[str]]]) -> list[list[str]]:
    return [c for _, c in rows]


def test_merged_region_cells_are_filled_in_every_row_they_cover() -> None:
    """xlrd reports merged ranges only when it reads formatting too (formatting_info=True)."""
    table = [
        ["序号", "地区", "企业名称"],
        [1.0, "北京市", "合成示例甲有限公司"],
        [2.0, None, "合成示例乙有限公司"],
        [3.0, None, "合成示例丙有限公司"],
        [4.0, "宁波市", "合成示例丁有限公司"],
    ]
    [sheet] = read_xls(write_xls({"名单": table}, {"名单": [(1, 3, 1, 1)]}))
    assert sheet.name == "名单"
    assert cells(sheet.rows) == [
        ["序号", "地区", "企业名称"],
        ["1", "北京市", "合成示例甲有限公司"],
        ["2", "北京市", "合成示例乙有限公司"],
        ["3", "北京市", "合成示例丙有限公司"],
        ["4", "宁波市", "合成示例丁有限公司"],
    ]
    assert [n for n, _ in sheet.rows] == [1, 2, 3, 4, 5]  # as Excel numbers them


def test_a_title_merged_across_the_table_is_in_every_cell_of_its_row() -> None:
    table = [["合成测试名单（第一批）", None, None], ["序号", "地区", "企业名称"]]
    [sheet] = read_xls(write_xls({"S": table}, {"S": [(0, 0, 0, 2)]}))
    assert cells(sheet.rows)[0] == ["合成测试名单（第一批）"] * 3


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        pytest.param(1.0, None, "1", id="seq-stored-as-float"),
        pytest.param(12, None, "12", id="integer"),
        pytest.param(42, "000000", "000042", id="zero-padded-format-keeps-zeros"),
        pytest.param(2.5, None, "2.5", id="fraction"),
        pytest.param(110105199912310000, None, None, id="eighteen-digits-refused"),
        pytest.param(dt.date(2024, 3, 5), None, "2024-03-05", id="date"),
        pytest.param(CODE, None, CODE, id="credit-code-as-text-untouched"),
        pytest.param("合成\n示例有限公司", None, "合成示例有限公司", id="line-break-in-cjk-cell"),
        pytest.param("Example\nCo., Ltd.", None, "Example Co., Ltd.", id="line-break-latin"),
    ],
)
def test_cells_read_as_a_person_reads_them(value: Cell, fmt: str | None, text: str) -> None:
    formats = {("S", 1, 0): fmt} if fmt else None
    data = write_xls({"S": [["值"], [value]]}, formats=formats)
    if text is None:
        with pytest.raises(ReadError, match=r"cell A2 .* 15 digits .* stored as text"):
            read_xls(data)
        return
    [sheet] = read_xls(data)
    assert cells(sheet.rows) == [["值"], [text]]


def test_every_sheet_is_read_in_order() -> None:
    data = write_xls({"北京": [["序号"], [1.0]], "空": [], "宁波": [["序号"], [2.0]]})
    assert [(s.name, cells(s.rows)) for s in read_xls(data)] == [
        ("北京", [["序号"], ["1"]]),
        ("空", []),
        ("宁波", [["序号"], ["2"]]),
    ]


def test_a_list_in_province_sections_gets_a_region_column() -> None:
    entries = synthetic_entries(12, per_region=5)
    table = list_table(entries, sections=True)
    merges = [(r, r, 0, 2) for r, row in enumerate(table) if row[1] is None]
    [sheet] = read_xls(write_xls({"S": table}, {"S": merges}))
    assert cells(sheet.rows)[0] == ["序号", "企业名称", "统一社会信用代码", "地区"]
    assert cells(sheet.rows)[1:] == [[e.seq, e.name, e.uscc, e.region] for e in entries]


def test_region_merges_over_a_long_list() -> None:
    entries = synthetic_entries(40)
    table = list_table(entries)
    [sheet] = read_xls(write_xls({"S": table}, {"S": region_merges(table)}))
    assert cells(sheet.rows)[1:] == [[e.seq, e.region, e.name, e.uscc] for e in entries]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        pytest.param(write_html([["序号"], ["1"]]), "an HTML page", id="html-saved-as-xls"),
        pytest.param(write_xlsx([["序号"], [1]]), "an XLSX workbook", id="xlsx-saved-as-xls"),
        pytest.param(b"1,2,3\n", r"plain text \(CSV\)", id="csv-saved-as-xls"),
    ],
)
def test_a_file_that_is_not_biff_is_refused_saying_what_it_is(data: bytes, what: str) -> None:
    with pytest.raises(ReadError, match=f"not a binary Excel workbook but {what}"):
        read_xls(data)


def test_a_truncated_workbook_is_refused() -> None:
    data = write_xls({"S": [["序号"], [1.0]] * 50})
    with pytest.raises(ReadError, match="damaged"):
        read_xls(data[: len(data) // 2])


def test_a_workbook_with_a_damaged_stream_is_refused() -> None:
    data = bytearray(write_xls({"S": [["序号"], [1.0]] * 50}))
    data[600:1400] = b"\xff" * 800  # the BIFF records after the header sector
    with pytest.raises(ReadError, match=r"damaged \.xls workbook"):
        read_xls(bytes(data))


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        pytest.param({"max_list_rows": 10}, "rows; at most 10 ", id="row-cap"),
        pytest.param({"max_list_columns": 2}, "3 columns; at most 2 ", id="column-cap"),
        pytest.param({"max_sheets": 1}, r"2 sheets; at most 1 \(LG_MAX_SHEETS=1\)", id="sheet-cap"),
    ],
)
def test_caps_refuse_a_workbook_past_them(limits: dict[str, int], message: str) -> None:
    table = [["序号", "地区", "企业名称"]] + [[float(i), "北京市", f"合成{i}"] for i in range(20)]
    data = write_xls({"S": table, "T": [["x"]]})
    with pytest.raises(TooLargeError, match=message):
        read_xls(data, limits=ReadLimits(**limits))
