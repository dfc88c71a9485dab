"""The notice reader (issue 5, item 1): the seed (English), a Chinese notice in the same shape,
and revocation notices in both languages; what the text does not state is reported, not guessed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.parse_notice import parse_notice

DATA = Path(__file__).parent / "data"


def test_seed_notice_states_batch_count_citation_and_firms(seed_notice: Path) -> None:
    n = parse_notice(seed_notice)
    assert n.language == "en"
    assert n.act == "batch"
    assert n.batch == 1
    assert n.count == 248
    assert n.date == dt.date(2019, 6, 5)
    assert n.issuer_slug == "miit"
    assert [(c.year, c.serial) for c in n.cites] == [(2018, 381)]
    assert n.cites[0].printed == "CIC Letter [2018] No. 381"
    assert n.cites[0].number is None  # an English reference is not turned into a 文号 by guess
    assert n.enterprises == (
        "Shanxi Changda Traffic Facilities Co., Ltd.",
        "Beijing Judi Technology Co., Ltd.",
        "Ruipu (Tianjin) Biological Pharmaceutical Co., Ltd.",
        "Tangshan Hexiang Electromechanical Co., Ltd.",
    )
    assert n.document is None
    assert n.missing == ("document",)


def test_chinese_batch_notice() -> None:
    n = parse_notice(DATA / "notice-zh-batch1.txt")
    assert n.language == "zh"
    assert n.document == "工信部企业函〔2019〕153号"
    assert n.title == "工业和信息化部关于公布第一批专精特新“小巨人”企业名单的通告"
    assert (n.act, n.batch, n.count) == ("batch", 1, 248)
    assert n.date == dt.date(2019, 6, 5)
    assert n.issuer == "工业和信息化部"
    assert [c.number for c in n.cites] == ["工信厅企业函〔2018〕381号"]
    assert n.cites[0].title == "工业和信息化部办公厅关于开展专精特新“小巨人”企业培育工作的通知"
    assert n.enterprises == (
        "北京臻迪科技股份有限公司",
        "瑞普（天津）生物药业有限公司",
        "唐山贺祥机电股份有限公司",
    )
    assert n.missing == ()


def test_chinese_revocation_notice() -> None:
    n = parse_notice(DATA / "notice-zh-revocation.txt")
    assert n.act == "revocation"
    assert n.document == "工信厅企业函〔2026〕9001号"
    assert n.issuer_slug == "miit-general-office"
    assert n.date == dt.date(2026, 3, 1)
    assert n.enterprises == ("北京测试甲科技有限公司", "浙江测试乙材料有限公司")
    assert n.reason == "存在虚假申报情形"
    assert "batch" in n.missing


def test_english_revocation_notice() -> None:
    n = parse_notice(DATA / "notice-en-revocation.txt")
    assert n.act == "revocation"
    assert n.issuer_slug == "miit-general-office"
    assert n.date == dt.date(2026, 3, 1)
    assert n.count == 2
    assert n.enterprises == (
        "Beijing Test Alpha Technology Co., Ltd.",
        "Zhejiang Test Beta Materials Co., Ltd.",
    )
    assert n.reason == "false declarations"
    assert "document" in n.missing


def test_unstated_facts_are_reported_not_guessed() -> None:
    n = parse_notice("随便写的一段话，没有文号，也没有日期。".encode(), file="note.txt")
    assert n.document is None
    assert n.date is None
    assert n.act is None
    assert {"document", "date", "act", "batch", "count"} <= set(n.missing)


def test_non_utf8_notice_is_rejected() -> None:
    with pytest.raises(ValueError, match="not UTF-8"):
        parse_notice("工业和信息化部关于公布第一批的通告".encode("gb18030"), file="gbk.txt")
