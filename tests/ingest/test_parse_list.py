"""Attachment lists in CSV, XLSX and HTML: headers in Chinese or English, pages, merged cells,
and every malformed list reported with file, sheet, row and rule (issue 5, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from stdnum.cn import uscc

from ingest.parse_list import parse_list
from ingest.row_errors import (
    RULE_DUPLICATE,
    RULE_EMPTY,
    RULE_ENCODING,
    RULE_KIND,
    RULE_MISSING_COLUMN,
    RULE_REGION,
    RULE_USCC,
)


def code(region6: str, body: str = "MA01ABCD1") -> str:
    """A synthetic credit code with a correct GB 32100-2015 check character."""
    stem = "91" + region6 + body[:9]
    return stem + uscc.calc_check_digit(stem)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_chinese_csv_with_bom_reads_rows_and_regions(tmp_path: Path) -> None:
    text = (
        "\ufeff序号,省份,企业名称,统一社会信用代码,备注\n"
        f"1,北京市,北京示例科技有限公司,{code('110108')},\n"
        "2,宁波,宁波示例机械有限公司,,\n"
        "3,新疆生产建设兵团,兵团示例农业有限公司,,\n"
    )
    parsed = parse_list(write(tmp_path, "list.csv", text), kind_hint="batch")
    assert parsed.errors == ()
    assert [(r.row, r.region, r.name) for r in parsed.rows] == [
        (2, "110000", "北京示例科技有限公司"),
        (3, "330200", "宁波示例机械有限公司"),
        (4, "xpcc", "兵团示例农业有限公司"),
    ]
    assert parsed.rows[0].uscc == code("110108")
    assert parsed.kind == "batch"


def test_english_headers_and_region_names(tmp_path: Path) -> None:
    text = "No.,Province,Enterprise,USCC\n1,Beijing,Example Tech Co.,\n2,北京,另一示例有限公司,\n"
    parsed = parse_list(write(tmp_path, "list-en.csv", text))
    assert parsed.errors == ()
    assert [r.region for r in parsed.rows] == ["110000", "110000"]
    assert parsed.rows[0].name == "Example Tech Co."


def test_title_rows_give_kind_batch_document_and_date(tmp_path: Path) -> None:
    text = (
        "附件：第三批专精特新“小巨人”企业名单（工信部企业函〔2021〕197号，2021年7月19日）,,\n"
        "序号,省份,企业名称\n1,上海市,上海示例有限公司\n"
    )
    parsed = parse_list(write(tmp_path, "b3.csv", text))
    assert (parsed.kind, parsed.batch, parsed.document) == ("batch", 3, "工信部企业函〔2021〕197号")
    assert parsed.date is not None
    assert parsed.date.isoformat() == "2021-07-19"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        pytest.param(
            "通过复核的第一批专精特新“小巨人”企业名单", "review-passed", id="review-passed"
        ),
        pytest.param(
            "未通过复核的第二批专精特新“小巨人”企业名单", "review-failed", id="review-failed"
        ),
        pytest.param("撤销专精特新“小巨人”企业称号名单", "revocation", id="revocation"),
        pytest.param("List of the fifth batch of Little Giant enterprises", "batch", id="en-batch"),
    ],
)
def test_kind_is_read_from_the_title(tmp_path: Path, title: str, kind: str) -> None:
    parsed = parse_list(
        write(tmp_path, "l.csv", f"{title}\n序号,省份,企业名称\n1,天津,天津示例有限公司\n")
    )
    assert parsed.kind == kind, parsed


def rules(parsed: object) -> list[tuple[str, int, str]]:
    return [(e.sheet, e.row, e.rule) for e in parsed.errors]  # type: ignore[attr-defined]


def test_bad_check_character_is_reported_with_row(tmp_path: Path) -> None:
    good = code("110108")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    parsed = parse_list(
        write(tmp_path, "l.csv", f"序号,省份,企业名称,统一社会信用代码\n1,北京,甲有限公司,{bad}\n")
    )
    assert rules(parsed) == [("", 2, RULE_USCC)]
    assert "check character" in parsed.errors[0].message
    assert "l.csv row 2: uscc" in str(parsed.errors[0])


def test_unknown_province_is_reported(tmp_path: Path) -> None:
    parsed = parse_list(
        write(tmp_path, "l.csv", "序号,省份,企业名称\n1,火星省,甲有限公司\n2,吉林市,乙有限公司\n")
    )
    assert rules(parsed) == [("", 2, RULE_REGION), ("", 3, RULE_REGION)]
    assert "火星省" in parsed.errors[0].message


def test_duplicate_row_names_the_first(tmp_path: Path) -> None:
    text = "序号,省份,企业名称\n1,北京,甲（北京）有限公司\n2,北京市,甲(北京)有限公司\n"
    parsed = parse_list(write(tmp_path, "l.csv", text))
    assert rules(parsed) == [("", 3, RULE_DUPLICATE)]
    assert "row 2" in parsed.errors[0].message


def test_duplicate_credit_code(tmp_path: Path) -> None:
    c = code("120101")
    text = f"序号,省份,企业名称,统一社会信用代码\n1,天津,甲有限公司,{c}\n2,天津,乙有限公司,{c}\n"
    assert rules(parse_list(write(tmp_path, "l.csv", text))) == [("", 3, RULE_DUPLICATE)]


def test_missing_region_column(tmp_path: Path) -> None:
    parsed = parse_list(write(tmp_path, "l.csv", "序号,企业名称\n1,甲有限公司\n"))
    assert rules(parsed) == [("", 1, RULE_MISSING_COLUMN)]
    assert "region" in parsed.errors[0].message


def test_no_header_at_all(tmp_path: Path) -> None:
    parsed = parse_list(write(tmp_path, "l.csv", "1,北京,甲有限公司\n"))
    assert [e.rule for e in parsed.errors] == [RULE_MISSING_COLUMN]


def test_non_utf8_is_rejected_not_guessed(tmp_path: Path) -> None:
    parsed = parse_list(
        write(tmp_path, "gbk.csv", "序号,省份,企业名称\n1,北京,甲有限公司\n", "gbk")
    )
    assert [e.rule for e in parsed.errors] == [RULE_ENCODING]
    assert parsed.rows == ()
    assert "not UTF-8" in parsed.errors[0].message
    assert "gbk.csv" in str(parsed.errors[0])


@pytest.mark.parametrize(
    "content", ["", "\n\n", " , ,\n"], ids=["zero-bytes", "blank-lines", "empty-cells"]
)
def test_empty_file(tmp_path: Path, content: str) -> None:
    parsed = parse_list(write(tmp_path, "empty.csv", content))
    assert [e.rule for e in parsed.errors] == [RULE_EMPTY]


def test_header_without_rows_is_empty(tmp_path: Path) -> None:
    assert [
        e.rule for e in parse_list(write(tmp_path, "h.csv", "序号,省份,企业名称\n")).errors
    ] == [RULE_EMPTY]


def test_wrong_list_kind(tmp_path: Path) -> None:
    text = "撤销专精特新“小巨人”企业称号名单\n序号,省份,企业名称\n1,北京,甲有限公司\n"
    parsed = parse_list(write(tmp_path, "l.csv", text), kind_hint="batch")
    assert [e.rule for e in parsed.errors] == [RULE_KIND]
    assert "revocation" in parsed.errors[0].message


def test_xlsx_sheets_merged_regions_and_repeated_headers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "第一页"
    ws.append(["第二批专精特新“小巨人”企业名单"])
    ws.merge_cells("A1:D1")
    ws.append(["序号", "省份", "企业名称", "统一社会信用代码"])
    ws.append([1, "浙江省", "浙江甲有限公司", code("330100")])
    ws.append([2, None, "浙江乙有限公司", None])  # region cell merged with the one above
    ws.merge_cells("B3:B4")
    ws.append(["序号", "省份", "企业名称", "统一社会信用代码"])  # header repeated on page 2
    ws.append([3, "厦门市", "厦门丙有限公司", None])
    ws2 = wb.create_sheet("Sheet2")
    ws2.append(["No.", "Province", "Enterprise"])
    ws2.append([4, "Shenzhen", "Shenzhen Example Co., Ltd."])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    parsed = parse_list(path)
    assert parsed.errors == ()
    assert (parsed.kind, parsed.batch) == ("batch", 2)
    assert [(r.sheet, r.row, r.region, r.name) for r in parsed.rows] == [
        ("第一页", 3, "330000", "浙江甲有限公司"),
        ("第一页", 4, "330000", "浙江乙有限公司"),
        ("第一页", 6, "350200", "厦门丙有限公司"),
        ("Sheet2", 2, "440300", "Shenzhen Example Co., Ltd."),
    ]


def test_xlsx_errors_name_the_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["序号", "省份", "企业名称"])
    ws.append([1, "北京", "甲有限公司"])
    ws2 = wb.create_sheet("续表")
    ws2.append(["序号", "省份", "企业名称"])
    ws2.append([2, "北京", "甲有限公司"])
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    parsed = parse_list(path)
    assert rules(parsed) == [("续表", 2, RULE_DUPLICATE)]
    assert "sheet '名单' row 2" in parsed.errors[0].message


HTML = """<!doctype html><html><head><meta charset="utf-8"><title>名单</title></head><body>
<h1>通过复核的第一批专精特新“小巨人”企业名单</h1>
<table>
<tr><th>序号</th><th>地区</th><th>企业名称</th><th>备注</th></tr>
<tr><td>1</td><td rowspan="2">内蒙古</td><td>内蒙古甲有限公司</td><td></td></tr>
<tr><td>2</td><td>内蒙古乙有限公司</td><td>更名</td></tr>
<tr><td>3</td><td>大连</td><td>大连丙<br>有限公司</td><td></td></tr>
</table></body></html>"""


def test_html_table_with_rowspan(tmp_path: Path) -> None:
    parsed = parse_list(write(tmp_path, "list.html", HTML))
    assert parsed.errors == ()
    assert parsed.kind == "review-passed"
    assert parsed.batch == 1
    assert [(r.region, r.name, r.note) for r in parsed.rows] == [
        ("150000", "内蒙古甲有限公司", ""),
        ("150000", "内蒙古乙有限公司", "更名"),
        ("210200", "大连丙有限公司", ""),
    ]


def test_html_without_table(tmp_path: Path) -> None:
    parsed = parse_list(write(tmp_path, "p.html", "<html><body><p>没有表格</p></body></html>"))
    assert [e.rule for e in parsed.errors] == [RULE_EMPTY]


def test_a_list_of_two_kinds_does_not_pick_one(tmp_path: Path) -> None:
    title = "第四批专精特新“小巨人”企业和通过复核的第一批专精特新“小巨人”企业名单"
    parsed = parse_list(
        write(tmp_path, "l.csv", f"{title}\n序号,省份,企业名称\n1,北京,甲有限公司\n")
    )
    assert parsed.kind is None
    assert parsed.batch is None


def test_damaged_workbook_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    parsed = parse_list(path)
    assert [e.rule for e in parsed.errors] == ["unsupported-format"]
    assert "broken.xlsx" in str(parsed.errors[0])


def test_unknown_suffix_is_reported(tmp_path: Path) -> None:
    parsed = parse_list(write(tmp_path, "list.pdf", "%PDF-1.4"))
    assert [e.rule for e in parsed.errors] == ["unsupported-format"]


def test_a_line_split_from_its_row_is_reported_inside_the_table_and_noted_below_it(
    tmp_path: Path,
) -> None:
    # lone CRs end lines: the third firm's name lost its row; a note closes the table
    text = (
        "序号,省份,企业名称\r1,北京市,甲乙\r丙科技有限公司\r"
        "2,北京市,丁科技有限公司\r注：排名不分先后\r"
    )
    parsed = parse_list(write(tmp_path, "split.csv", text))
    assert [(e.row, e.rule, e.value) for e in parsed.errors] == [
        (3, "missing-value", "丙科技有限公司")
    ]
    assert parsed.unread == ("row 5: '注：排名不分先后'",)
    below = parse_list(
        write(tmp_path, "below.csv", "序号,省份,企业名称\r1,北京市,甲乙\r丙科技有限公司\r")
    )
    assert below.errors == ()
    assert below.unread == ("row 3: '丙科技有限公司'",)  # said on success, never dropped unsaid


def test_each_problem_names_the_column_its_rule_is_about(tmp_path: Path) -> None:
    good = code("110108")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")  # a wrong check character
    text = f"序号,企业名称,省份,统一社会信用代码\n1,甲有限公司,火星省,\n2,乙有限公司,北京市,{bad}\n"
    parsed = parse_list(write(tmp_path, "columns.csv", text))
    assert [(e.row, e.rule, e.column) for e in parsed.errors] == [
        (2, RULE_REGION, "3"),
        (3, RULE_USCC, "4"),
    ]
