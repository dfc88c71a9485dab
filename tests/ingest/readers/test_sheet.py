"""The cell rules every reader shares: wrapped lines, province sections, a region printed once."""

from __future__ import annotations

import pytest

from ingest.sheet import ReadError, fill_region_column, join_lines, resolve_sections


def numbered(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    return list(enumerate(rows, 1))


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        pytest.param(["合成示例长江三角洲", "有限公司"], "合成示例长江三角洲有限公司", id="cjk"),
        pytest.param(["Example Precision", "Co., Ltd."], "Example Precision Co., Ltd.", id="latin"),
        pytest.param(["合成示例", "Example Co."], "合成示例Example Co.", id="cjk-then-latin"),
        pytest.param(["合成（北京）", "科技有限公司"], "合成（北京）科技有限公司", id="brackets"),
        pytest.param(["合 成 示 例", ""], "合成示例", id="spaced-out-cjk"),
        pytest.param(["", "  "], "", id="empty"),
    ],
)
def test_wrapped_lines_join_without_a_space_next_to_cjk(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


SECTIONED = [
    ["序号", "企业名称"],
    ["一、北京市（2家）", ""],
    ["1", "合成示例甲有限公司"],
    ["2", "合成示例乙有限公司"],
    ["二、宁波市（1家）", "二、宁波市（1家）"],  # a merged range filled in
    ["3", "合成示例丙有限公司"],
]


def test_sections_become_a_region_column() -> None:
    assert [c for _, c in resolve_sections(numbered(SECTIONED))] == [
        ["序号", "企业名称", "地区"],
        ["1", "合成示例甲有限公司", "北京市"],
        ["2", "合成示例乙有限公司", "北京市"],
        ["3", "合成示例丙有限公司", "宁波市"],
    ]


def test_section_rows_keep_their_source_row_numbers() -> None:
    assert [n for n, _ in resolve_sections(numbered(SECTIONED))] == [1, 3, 4, 6]


def test_a_stated_count_that_does_not_match_the_rows_is_refused() -> None:
    rows = [*SECTIONED[:4], ["4", "合成示例丁有限公司"], *SECTIONED[4:]]
    with pytest.raises(ReadError, match="section 北京市 states 2 enterprises but 3 rows follow"):
        resolve_sections(numbered(rows))


@pytest.mark.parametrize(
    "heading",
    [
        pytest.param("一、制造业（2家）", id="industry-heading"),
        pytest.param("北京市", id="no-ordinal-no-count"),
        pytest.param("注：排名不分先后", id="note"),
    ],
)
def test_rows_that_are_not_province_headings_are_left_alone(heading: str) -> None:
    rows = numbered([["序号", "地区", "企业名称"], [heading, "", ""], ["1", "北京市", "合成甲"]])
    assert resolve_sections(rows) == rows


def test_a_table_with_its_own_region_column_keeps_it_and_must_agree() -> None:
    rows = [["序号", "地区", "企业名称"], ["一、北京市", "", ""], ["1", "北京", "合成甲"]]
    assert [c for _, c in resolve_sections(numbered(rows))] == [
        ["序号", "地区", "企业名称"],
        ["1", "北京", "合成甲"],
    ]
    rows = [["序号", "地区", "企业名称"], ["一、北京市", "", ""], ["1", "宁波市", "合成甲"]]
    with pytest.raises(ReadError, match="section of 北京市 but names 宁波市"):
        resolve_sections(numbered(rows))


def test_a_region_printed_once_is_filled_down_and_nothing_else_is() -> None:
    rows = [
        ["序号", "地区", "企业名称", "统一社会信用代码"],
        ["1", "北京市", "合成甲", "X1"],
        ["2", "", "合成乙", ""],
        ["3", "天津市", "合成丙", ""],
        ["4", "", "合成丁", "X4"],
    ]
    assert [c for _, c in fill_region_column(numbered(rows))] == [
        ["序号", "地区", "企业名称", "统一社会信用代码"],
        ["1", "北京市", "合成甲", "X1"],
        ["2", "北京市", "合成乙", ""],  # the empty code stays empty
        ["3", "天津市", "合成丙", ""],
        ["4", "天津市", "合成丁", "X4"],
    ]
