"""Issue 9, item 2: one key per firm whatever the source — the matching rule as a table.

Each row: the firms a registry already knows (name, region code, credit code), one printed row,
and what the rule says: the same key as a known firm, a new key, two candidates for a person
(``ambiguous``), or a new key with known firms a person should compare (``similar``). Firms are
SYNTHETIC (示例) and so are the credit codes (computed to be valid).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from stdnum.cn import uscc

from ingest.identity import Registry


def code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


NB_CODE = code("91330201MA2AAAAA1")
ZJ_CODE = code("91330106MA2BBBBB2")
BJ_CODE = code("91110108MA01CCCC3")

# (known firms, printed row, expected: "same:N" (the N-th known firm), "new", "ambiguous",
#  "similar:N" (new key, the N-th known firm listed for review))
Known = list[dict[str, str]]
NINGBO: Known = [{"name": "宁波示例液压马达有限公司", "region": "330200"}]
TANGSHAN: Known = [{"name": "唐山示例机电股份有限公司", "region": "130000"}]
TWO_SAME_NAME: Known = [
    {"name": "示例新材料有限公司", "region": "320000", "uscc": BJ_CODE},
    {"name": "示例新材料有限公司", "region": "440000"},
]
CASES = [
    pytest.param(NINGBO, {"name": "宁波示例液压马达有限公司", "region": "330200"}, "same:0",
                 id="same-name-same-city"),
    pytest.param(NINGBO, {"name": "宁波示例液压马达有限公司", "region": "330000"}, "same:0",
                 id="planned-city-lies-in-its-province"),
    pytest.param(NINGBO, {"name": "宁波示例液压马达有限公司"}, "same:0", id="no-region-agrees"),
    pytest.param(NINGBO, {"name": "宁波示例液压马达有限公司", "region": "320000"}, "new",
                 id="another-province-is-another-firm"),
    pytest.param(NINGBO, {"name": "宁波 示例液压马达 有限公司", "region": "330200"}, "same:0",
                 id="spaces"),
    pytest.param([{"name": "瑞普(天津)示例生物有限公司"}], {"name": "瑞普（天津）示例生物有限公司"},
                 "same:0", id="bracket-width"),
    pytest.param(NINGBO, {"name": "宁波示例液压马达股份有限公司", "region": "330200"},
                 "similar:0", id="another-legal-form-is-reviewed-not-merged"),
    pytest.param(TANGSHAN, {"name": "唐山示例智能科技股份有限公司", "region": "130000"},
                 "similar:0", id="possible-renaming-is-reviewed-not-merged"),
    pytest.param(TANGSHAN, {"name": "唐山示例智能科技股份有限公司", "region": "440000"}, "new",
                 id="a-lookalike-elsewhere-is-not-reviewed"),
    pytest.param(
        [{"name": "浙江示例电池有限公司", "region": "330000"}],
        {"name": "宇恒示例电池有限公司（原名：浙江示例电池有限公司）", "region": "330000"},
        "same:0", id="a-note-naming-the-former-name"),
    pytest.param(
        [{"name": "宇恒示例电池有限公司", "region": "330000"}],
        {"name": "宇恒示例电池有限公司（原名：浙江示例电池有限公司）"}, "same:0",
        id="a-note-after-the-current-name"),
    pytest.param([{"name": "北京示例科技有限公司", "uscc": BJ_CODE}],
                 {"name": "北京示例智能装备股份有限公司", "uscc": BJ_CODE}, "same:0",
                 id="credit-code-decides-over-the-name"),
    pytest.param([{"name": "示例重名有限公司", "uscc": ZJ_CODE}],
                 {"name": "示例重名有限公司", "uscc": NB_CODE}, "new",
                 id="another-credit-code-is-another-firm"),
    pytest.param(TWO_SAME_NAME, {"name": "示例新材料有限公司"}, "ambiguous",
                 id="two-firms-one-name-no-region"),
    pytest.param(TWO_SAME_NAME, {"name": "示例新材料有限公司", "region": "440000"}, "same:1",
                 id="the-region-settles-it"),
    pytest.param(TWO_SAME_NAME, {"name": "示例新材料有限公司", "uscc": BJ_CODE}, "same:0",
                 id="the-code-settles-it"),
    pytest.param([{"name": "Shili Traffic Facilities Co., Ltd."}],
                 {"name": "SHILI TRAFFIC FACILITIES CO., LTD."}, "same:0", id="english-case"),
]  # fmt: skip


def known_registry(tmp_path: Path, known: Known) -> tuple[Registry, list[str]]:
    reg = Registry(tmp_path)
    keys = []
    for firm in known:
        res = reg.resolve(
            name=firm["name"], region=firm.get("region"), uscc=firm.get("uscc"), today=DAY
        )
        assert res.created
        keys.append(res.key or "")
    reg.new_source()  # the known firms come from an earlier source
    return reg, keys


DAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(("known", "row", "expected"), CASES)
def test_matching_rule(tmp_path: Path, known: Known, row: dict[str, str], expected: str) -> None:
    reg, keys = known_registry(tmp_path, known)
    res = reg.resolve(name=row["name"], region=row.get("region"), uscc=row.get("uscc"), today=DAY)
    outcome, _, index = expected.partition(":")
    if outcome == "same":
        assert (res.key, res.created) == (keys[int(index)], False), res
    elif outcome == "new":
        assert res.created, res
        assert res.key not in keys
        assert not res.similar
    elif outcome == "similar":
        assert res.created, res
        assert res.key not in keys
        assert res.similar == (keys[int(index)],)
    else:
        assert res.ambiguous, res
        assert set(res.candidates) == set(keys)


def test_a_note_renames_and_keeps_the_former_name(tmp_path: Path) -> None:
    reg, (key,) = known_registry(tmp_path, [{"name": "浙江示例电池有限公司", "region": "330000"}])
    reg.resolve(name="宇恒示例电池有限公司（原名：浙江示例电池有限公司）", region="330000")
    assert reg.legal_name(key) == "宇恒示例电池有限公司"
    assert reg.former_names(key) == ["浙江示例电池有限公司"]
    # a later source printing the old name is the same firm, and does not rename it back
    assert reg.resolve(name="浙江示例电池有限公司", region="330000").key == key
    assert reg.legal_name(key) == "宇恒示例电池有限公司"


def test_a_planned_city_refines_the_province_a_firm_was_first_listed_under(
    tmp_path: Path,
) -> None:
    reg, (key,) = known_registry(tmp_path, [{"name": "宁波示例模具有限公司", "region": "330000"}])
    reg.resolve(name="宁波示例模具有限公司", region="330200")
    assert reg.region_of(key) == "330200"
    reg.resolve(name="宁波示例模具有限公司", region="330000")
    assert reg.region_of(key) == "330200"  # the province does not undo it


def test_firms_new_in_one_list_are_not_each_others_renaming(tmp_path: Path) -> None:
    reg = Registry(tmp_path)
    first = reg.resolve(name="唐山示例机电股份有限公司", region="130000")
    second = reg.resolve(name="唐山示例智能科技股份有限公司", region="130000")
    assert first.created
    assert second.created
    assert not second.similar


def test_a_head_many_firms_share_is_no_evidence(tmp_path: Path) -> None:
    few = [{"name": f"浙江示例机械{w}有限公司", "region": "330000"} for w in "甲乙"]
    reg, keys = known_registry(tmp_path / "few", few)
    assert set(reg.resolve(name="浙江示例机械新能源有限公司").similar) == set(keys)
    many = [{"name": f"浙江示例机械{w}有限公司", "region": "330000"} for w in "甲乙丙丁戊"]
    reg, _ = known_registry(tmp_path / "many", many)
    assert reg.resolve(name="浙江示例机械新能源有限公司").similar == ()


def test_merge_joins_names_and_keeps_the_survivors_legal_name(tmp_path: Path) -> None:
    reg, (a, b) = known_registry(
        tmp_path, [{"name": "精工示例阀门有限公司"}, {"name": "精工示例阀门集团有限公司"}]
    )
    reg.merge(a, b, on=DAY, reason="renamed", source_url="https://w3id.org/littlegiant/")
    assert reg.canonical(a) == b
    assert reg.legal_name(b) == "精工示例阀门集团有限公司"
    assert reg.former_names(b) == ["精工示例阀门有限公司"]
    assert reg.resolve(name="精工示例阀门有限公司").key == b
    with pytest.raises(ValueError, match="already merged"):
        reg.merge(a, b, on=DAY)
    with pytest.raises(ValueError, match="cycle"):
        reg.merge(b, a, on=DAY)
    with pytest.raises(ValueError, match="not a key"):
        reg.merge("E999999", b, on=DAY)
    reg.save()
    again = Registry.load(tmp_path)
    assert again.merges()[0].reason == "renamed"
    assert again.legal_name(b) == "精工示例阀门集团有限公司"


def test_two_credit_codes_are_never_merged(tmp_path: Path) -> None:
    reg, (a, b) = known_registry(
        tmp_path,
        [{"name": "示例甲有限公司", "uscc": BJ_CODE}, {"name": "示例乙有限公司", "uscc": ZJ_CODE}],
    )
    with pytest.raises(ValueError, match="different credit codes"):
        reg.merge(a, b, on=DAY)
