"""What a title states, read the same way for lists and notices; several answers mean none."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.title_facts import detect_act, detect_batch, detect_date, detect_document, detect_kind


@pytest.mark.parametrize(
    ("title", "batch"),
    [
        pytest.param("第七批专精特新“小巨人”企业名单", 7, id="chinese-numeral"),
        pytest.param("第 12 批名单", 12, id="arabic-with-spaces"),
        pytest.param("the first batch of Little Giant enterprises", 1, id="english-ordinal"),
        pytest.param("Little Giant batch No. 3", 3, id="batch-number"),
        pytest.param("第二批第二年重点“小巨人”企业名单", None, id="fiscal-batch-is-not-a-batch"),
        pytest.param("第四批…和通过复核的第一批…", None, id="two-batches"),
        pytest.param("专精特新企业名单", None, id="none"),
    ],
)
def test_batch_ordinal_of_a_title(title: str, batch: int | None) -> None:
    assert detect_batch(title) == batch


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        pytest.param("第七批专精特新“小巨人”企业名单", "batch", id="batch"),
        pytest.param("通过复核的第一批专精特新“小巨人”企业名单", "review-passed", id="passed"),
        pytest.param("未通过复核的第一批“小巨人”企业名单", "review-failed", id="failed"),
        pytest.param("撤销专精特新“小巨人”企业称号名单", "revocation", id="revocation"),
        pytest.param("List of enterprises whose title is revoked", "revocation", id="english"),
        pytest.param("第四批“小巨人”企业和通过复核的第一批企业名单", None, id="two-kinds"),
        pytest.param("企业名单", None, id="unstated"),
    ],
)
def test_list_kind_of_a_title(title: str, kind: str | None) -> None:
    assert detect_kind(title) == kind


@pytest.mark.parametrize(
    ("title", "language", "act"),
    [
        pytest.param("关于公布第一批专精特新“小巨人”企业名单的通告", "zh", "batch", id="zh-batch"),
        pytest.param("关于第七批“小巨人”企业复核结果的通知", "zh", "review", id="zh-review"),
        pytest.param("关于撤销部分“小巨人”企业称号的通知", "zh", "revocation", id="zh-revoke"),
        pytest.param("Notice on the list of the first batch", "en", "batch", id="en-batch"),
        pytest.param("Notice on the ninth batch of enterprises", "en", "batch", id="en-ninth"),
        pytest.param("Notice on revoking the title", "en", "revocation", id="en-revoke"),
        pytest.param("Notice on the re-review results", "en", "review", id="en-review"),
        pytest.param("关于做好工作的通知", "zh", None, id="unstated"),
    ],
)
def test_act_a_notice_title_announces(title: str, language: str, act: str | None) -> None:
    assert detect_act(title, language) == act


def test_one_document_number_and_one_date_or_none() -> None:
    assert detect_document("名单（工信部企业函〔2019〕153号）") == "工信部企业函〔2019〕153号"
    assert detect_document("工信部企业函〔2019〕153号 工信厅企业函〔2018〕381号") is None
    assert detect_date("2019年6月5日 名单 2019-06-05") == dt.date(2019, 6, 5)
    assert detect_date("2019年6月5日至2019年6月12日") is None
    assert detect_date("2019年2月30日") is None
