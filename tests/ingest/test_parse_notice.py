"""The notice reader (issue 5, item 1; issue 9, item 4) beyond the corpus: the seed (MIIT's
English translation), what is reported rather than read, and what the text does not state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.parse_notice import parse_notice

DATA = Path(__file__).parent / "data"


def names(text: str) -> list[str]:
    return [f.name for f in parse_notice(text.encode(), file="t.txt").enterprises]


def test_seed_notice_states_batch_count_citation_and_firms(seed_notice: Path) -> None:
    n = parse_notice(seed_notice)
    assert (n.language, n.kind, n.batch, n.count) == ("en", "batch", 1, 248)
    assert n.date == dt.date(2019, 6, 5)
    assert n.issuers == ("Ministry of Industry and Information Technology",)
    assert [(c.year, c.serial) for c in n.cites] == [(2018, 381)]
    assert n.cites[0].printed == "CIC Letter [2018] No. 381"
    assert n.cites[0].number is None  # an English reference is not turned into a 文号 by guess
    assert [f.name for f in n.enterprises] == [
        "Shanxi Changda Traffic Facilities Co., Ltd.",
        "Beijing Judi Technology Co., Ltd.",
        "Ruipu (Tianjin) Biological Pharmaceutical Co., Ltd.",
        "Tangshan Hexiang Electromechanical Co., Ltd.",
    ]
    assert n.document is None
    assert n.missing == ("document",)


HEAD = (
    "工信部企业函〔2026〕9901号\n"
    "工业和信息化部关于公布第七批专精特新“小巨人”企业名单的通告\n各省：\n"
)
TAIL = "\n工业和信息化部\n2026年1月1日\n"


@pytest.mark.parametrize(
    ("sentence", "firms"),
    [
        pytest.param(
            "经审核，确定北京示例科技有限公司、上海示例有限公司等2家企业为第七批企业。",
            ["北京示例科技有限公司", "上海示例有限公司"],
            id="verb-before-the-first-name",
        ),
        pytest.param(
            "北京示例科技有限公司、湖北示例科学与技术有限责任公司等2家企业入选。",
            ["北京示例科技有限公司", "湖北示例科学与技术有限责任公司"],
            id="与-inside-a-name-is-no-enumeration",
        ),
        pytest.param(
            "现将北京示例厂甸科技有限公司和重庆示例水泵厂有限责任公司列为第七批企业。",
            ["北京示例厂甸科技有限公司", "重庆示例水泵厂有限责任公司"],
            id="厂-inside-a-name",
        ),
        pytest.param(
            "认定北京示例有限公司及天津示例（集团）有限公司等企业为第七批企业。",
            ["北京示例有限公司", "天津示例（集团）有限公司"],
            id="集团-in-brackets-stays",
        ),
        pytest.param(
            "对存在虚假申报行为的企业，一经核实，即撤销其“小巨人”企业称号。",
            [],
            id="a-rule-names-no-firm",
        ),
        pytest.param(
            "中小企业发展促进中心负责平台的技术支持。", [], id="an-organisation-outside-the-act"
        ),
        pytest.param(
            "根据《关于北京示例科技有限公司有关情况的报告》，确定上海示例有限公司等1家企业为第七批企业。",
            ["上海示例有限公司"],
            id="a-firm-in-a-cited-title-is-not-named",
        ),
    ],
)
def test_prose_enumerations(sentence: str, firms: list[str]) -> None:
    assert names(HEAD + sentence + TAIL) == firms


def test_what_is_not_an_organisation_name_is_reported_not_read() -> None:
    text = HEAD + "确定北京示例科技有限公司、示例集团（筹）和美联新材等3家企业为第七批企业。" + TAIL
    n = parse_notice(text.encode(), file="t.txt")
    assert [f.name for f in n.enterprises] == ["北京示例科技有限公司"]
    assert [r.split("'")[1] for r in n.reported] == ["示例集团（筹）", "美联新材"]
    assert all("not read as a firm" in r for r in n.reported)
    assert n.count == 3


def test_counts_that_disagree_give_no_count() -> None:
    text = HEAD + "确定北京示例科技有限公司等3家企业为第七批企业（共4家）。" + TAIL
    assert parse_notice(text.encode(), file="t.txt").count is None


def test_joint_issuers_and_a_date_in_chinese_numerals() -> None:
    text = (
        HEAD.replace("工信部企业函", "财建")
        + "正文，无企业。\n财政部\u3000\u3000工业和信息化部\n二〇二六年一月十二日\n"
    )
    n = parse_notice(text.encode(), file="t.txt")
    assert n.issuers == ("财政部", "工业和信息化部")
    assert n.date == dt.date(2026, 1, 12)


def test_chinese_revocation_notice_reads_its_ground() -> None:
    n = parse_notice(DATA / "notice-zh-revocation.txt")
    assert (n.kind, n.document, n.count) == ("revocation", "工信厅企业函〔2026〕9001号", 2)
    assert n.issuers == ("工业和信息化部办公厅",)
    assert [f.name for f in n.enterprises] == ["北京测试甲科技有限公司", "浙江测试乙材料有限公司"]
    assert n.reason == "存在虚假申报情形"
    assert "batch" in n.missing


def test_english_revocation_notice_reads_its_ground() -> None:
    n = parse_notice(DATA / "notice-en-revocation.txt")
    assert (n.kind, n.count, n.reason) == ("revocation", 2, "false declarations")
    assert [f.name for f in n.enterprises] == [
        "Beijing Test Alpha Technology Co., Ltd.",
        "Zhejiang Test Beta Materials Co., Ltd.",
    ]


def test_unstated_facts_are_reported_not_guessed() -> None:
    n = parse_notice("随便写的一段话，没有文号，也没有日期。".encode(), file="note.txt")
    assert (n.document, n.date, n.kind) == (None, None, "other")
    assert {"document", "date", "batch", "count", "enterprises"} <= set(n.missing)


def test_non_utf8_notice_is_rejected() -> None:
    with pytest.raises(ValueError, match="not UTF-8"):
        parse_notice("工业和信息化部关于公布第一批的通告".encode("gb18030"), file="gbk.txt")
