"""The format readers: cells as the file lays them out, nothing interpreted, nothing guessed."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from ingest.read_tables import UnreadableFile, read_tables
from ingest.row_errors import RULE_EMPTY, RULE_ENCODING, RULE_FORMAT


def test_a_line_break_inside_a_chinese_name_is_layout() -> None:
    html = (
        "<table><tr><td>科技<br>有限公司</td><td>Example<br>Tech</td>"
        "<td>测试㐀<br>山有限公司</td></tr></table>"  # 㐀: CJK Extension A
    ).encode()
    (sheet,) = read_tables(html, "t.html")
    assert sheet.rows == [(1, ["科技有限公司", "Example Tech", "测试㐀山有限公司"])]


def test_html_spans_repeat_the_cell_and_text_above_is_the_preamble() -> None:
    html = (
        "<p>第七批名单</p><table>"
        "<tr><td rowspan='2'>北京</td><td>甲</td></tr><tr><td>乙</td></tr></table>"
    ).encode()
    (sheet,) = read_tables(html, "t.html")
    assert sheet.rows == [(1, ["北京", "甲"]), (2, ["北京", "乙"])]
    assert sheet.preamble == ["第七批名单"]


def test_merged_workbook_cells_repeat_their_value() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["浙江", "甲公司"])
    ws.append([None, "乙公司"])
    ws.merge_cells("A1:A2")
    data = io.BytesIO()
    wb.save(data)
    (sheet,) = read_tables(data.getvalue(), "t.xlsx")
    assert sheet.rows == [(1, ["浙江", "甲公司"]), (2, ["浙江", "乙公司"])]


@pytest.mark.parametrize(
    ("data", "suffix", "rule", "row"),
    [
        pytest.param("序号\n名单".encode("gbk"), ".csv", RULE_ENCODING, 1, id="csv-not-utf8"),
        pytest.param(
            b"<html><body><p>no table</p></body></html>",
            ".html",
            RULE_EMPTY,
            0,
            id="page-without-table",
        ),
        pytest.param(b"PK\x03\x04not a workbook", ".xlsx", RULE_FORMAT, 0, id="damaged-workbook"),
        pytest.param(
            bytes.fromhex("d0cf11e0a1b11ae1") + bytes(1024), ".xls", RULE_FORMAT, 0, id="word-doc"
        ),
    ],
)
def test_unreadable_files_name_the_rule(data: bytes, suffix: str, rule: str, row: int) -> None:
    with pytest.raises(UnreadableFile) as exc:
        read_tables(data, f"list{suffix}")
    assert (exc.value.error.rule, exc.value.error.row) == (rule, row)
    assert exc.value.error.file == f"list{suffix}"


def test_the_name_of_a_file_is_never_its_format() -> None:
    """Issue 11: the bytes decide; CSV named .pdf is CSV, an HTML table named .xls is HTML."""
    (csv_sheet,) = read_tables("序号,企业名称\n1,甲公司\n".encode(), "list.pdf")
    assert csv_sheet.rows == [(1, ["序号", "企业名称"]), (2, ["1", "甲公司"])]
    html = "<html><table><tr><td>1</td><td>甲公司</td></tr></table></html>".encode()
    (html_sheet,) = read_tables(html, "list.xls")
    assert html_sheet.rows == [(1, ["1", "甲公司"])]
