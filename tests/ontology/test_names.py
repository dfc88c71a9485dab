"""Chinese text as ingest and server read it: one 文号 pattern, one test for Chinese, one reading
of Chinese numerals and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from ontology.names import (
    BATCH_ORDINAL,
    DOC_NUMBER,
    DocumentNumber,
    cn_number,
    has_cjk,
    language_of,
    parse_document_number,
    zh_dates,
)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        pytest.param(
            "工信部企业函〔2019〕153号", DocumentNumber("工信部企业函", 2019, 153), id="letter"
        ),
        pytest.param(
            " 工信部企业〔2022〕63号 ", DocumentNumber("工信部企业", 2022, 63), id="spaces"
        ),
        pytest.param(
            "内工信中小字〔2021〕130号", DocumentNumber("内工信中小字", 2021, 130), id="province"
        ),
        pytest.param("工信部企业函[2019]153号", None, id="square-brackets"),
        pytest.param("〔2019〕153号", None, id="no-prefix"),
        pytest.param("CIC Letter〔2018〕381号", None, id="latin-prefix"),
        pytest.param("工信部企业函〔19〕153号", None, id="two-digit-year"),
        pytest.param(
            "见工信部企业函〔2019〕153号", DocumentNumber("见工信部企业函", 2019, 153), id="cjk-run"
        ),
    ],
)
def test_a_document_number_is_read_whole_or_not_at_all(
    text: str, parts: DocumentNumber | None
) -> None:
    assert parse_document_number(text) == parts


def test_document_numbers_are_found_in_running_text() -> None:
    text = "根据《通知》（工信厅企业函〔2018〕381号）和工信部企业〔2022〕63号，现予公布。"
    assert [m.group(0) for m in DOC_NUMBER.finditer(text)] == [
        "工信厅企业函〔2018〕381号",
        "和工信部企业〔2022〕63号",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param("北京臻迪科技股份有限公司", "zh", id="chinese"),
        pytest.param("Beijing Judi Technology Co., Ltd.", "en", id="english"),
        pytest.param("㐀山科技有限公司", "zh", id="extension-a"),
        pytest.param("㐀", "zh", id="extension-a-alone"),
        pytest.param("（）", "en", id="brackets-only"),
    ],
)
def test_a_name_with_chinese_characters_is_chinese(text: str, language: str) -> None:
    assert language_of(text) == language
    assert has_cjk(text) is (language == "zh")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("一", 1), ("七", 7), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("两", 2)],
        *[("248", 248), ("", None), ("百", None), ("一二", None), ("七批", None)],
    ],
)
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert cn_number(text) == value


def test_batch_ordinals_read_chinese_and_arabic_numerals() -> None:
    found = [cn_number(m.group(1)) for m in BATCH_ORDINAL.finditer("第一批、第 2 批和第十二批")]
    assert found == [1, 2, 12]


def test_chinese_dates_in_order_with_impossible_days_as_none() -> None:
    text = "2019年6月5日印发，2019 年 2 月 30 日，2020年2月29日"
    assert zh_dates(text) == [dt.date(2019, 6, 5), None, dt.date(2020, 2, 29)]
