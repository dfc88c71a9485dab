"""Enterprise keys are minted once, never changed or reused; lookups by code and name resolve."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from stdnum.cn import uscc

from ingest import registry_files as rf
from ingest.document_slugs import derive_document_slug, is_numbered_slug
from ingest.identity import Registry
from ontology.names import InvalidUSCC, normalise_name, validate_uscc


def code(body: str) -> str:
    """A synthetic credit code with a correct check character (test data only)."""
    return body + uscc.calc_check_digit(body)


BEIJING = code("91110108MA01ABCD1")
ZHEJIANG = code("91330200MA2AB1234")


@pytest.mark.parametrize(
    ("printed", "same_as"),
    [
        pytest.param(
            "瑞普（天津）生物药业有限公司", "瑞普(天津)生物药业有限公司", id="full-width-brackets"
        ),
        pytest.param("瑞普 (天津) 生物药业有限公司", "瑞普(天津)生物药业有限公司", id="spaces"),
        pytest.param(
            "瑞普\u3000(天津)生物药业有限公司", "瑞普(天津)生物药业有限公司", id="ideographic-space"
        ),
        pytest.param("ＡＢＣ科技有限公司", "ABC科技有限公司", id="full-width-latin"),
        pytest.param(
            "Beijing  Judi Technology Co., Ltd.", "beijing judi technology co., ltd.", id="case"
        ),
    ],
)
def test_name_variants_normalise_alike(printed: str, same_as: str) -> None:
    assert normalise_name(printed) == normalise_name(same_as)


def test_distinct_names_stay_distinct() -> None:
    assert normalise_name("精工阀门有限公司") != normalise_name("精工阀门集团有限公司")


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        pytest.param(
            BEIJING[:-1] + ("0" if BEIJING[-1] != "0" else "1"), "check character", id="checksum"
        ),
        pytest.param(BEIJING[:-2], "18 characters", id="length"),
        pytest.param("91110108MA01ABCDI" + "X", "91110108MA01ABCDIX", id="forbidden-letter"),
    ],
)
def test_invalid_credit_codes_say_which_rule(bad: str, says: str) -> None:
    with pytest.raises(InvalidUSCC, match=says):
        validate_uscc(bad)


def test_valid_credit_code_is_compacted() -> None:
    assert validate_uscc(" " + BEIJING.lower() + " ") == BEIJING


def test_keys_are_minted_once_and_survive_a_reload(tmp_path: Path) -> None:
    reg = Registry.load(tmp_path)
    first = reg.resolve(name="北京示例科技有限公司", uscc=BEIJING, region="110000")
    assert first.created
    reg.save()
    again = Registry.load(tmp_path)
    by_code = again.resolve(name="北京示例科技股份有限公司", uscc=BEIJING)  # renamed, same code
    by_name = again.resolve(name="北京示例科技有限公司 ", region="110000")
    assert by_code.key == by_name.key == first.key
    assert not by_code.created
    assert again.lookup_uscc(BEIJING) == first.key


def test_keys_are_never_reused_after_a_merge(tmp_path: Path) -> None:
    reg = Registry.load(tmp_path)
    a = reg.resolve(name="甲公司").key
    b = reg.resolve(name="乙公司").key
    assert a is not None
    assert b is not None
    reg.merge(b, a, on=dt.date(2026, 12, 1))
    c = reg.resolve(name="丙公司").key
    assert c not in (a, b)
    assert reg.canonical(b) == a
    reg.save()
    rows = list(csv.DictReader((tmp_path / "enterprises.csv").open(encoding="utf-8")))
    assert [r["key"] for r in rows] == sorted(r["key"] for r in rows)
    assert len({r["key"] for r in rows}) == 3


def test_ambiguous_names_are_reported_not_merged(tmp_path: Path) -> None:
    reg = Registry.load(tmp_path)
    reg.resolve(name="同名有限公司", uscc=BEIJING, region="110000")
    reg.resolve(name="同名有限公司", uscc=ZHEJIANG, region="330200")
    outcome = reg.resolve(name="同名有限公司")
    assert outcome.ambiguous
    assert outcome.key is None
    assert len(outcome.candidates) == 2
    # the region settles it
    assert reg.resolve(name="同名有限公司", region="110000").key == reg.lookup_uscc(BEIJING)


def test_a_different_credit_code_is_a_different_enterprise(tmp_path: Path) -> None:
    reg = Registry.load(tmp_path)
    a = reg.resolve(name="重名有限公司", uscc=BEIJING).key
    b = reg.resolve(name="重名有限公司", uscc=ZHEJIANG).key
    assert a != b


def test_the_files_follow_every_change_read_between_them(tmp_path: Path) -> None:
    """files() is made once per state: each change (a key, a renaming, a merge, a document
    slug) gives the bytes a registry loaded afresh with the same changes gives."""
    reg = Registry.load(tmp_path)
    changes = [
        lambda r: r.resolve(name="北京示例科技有限公司", uscc=BEIJING, region="110000"),
        lambda r: r.resolve(name="北京示例科技股份有限公司", uscc=BEIJING),  # renamed, same code
        lambda r: r.resolve(name="北京示例电子有限公司", region="110000"),  # no code printed
        lambda r: r.merge("E000002", "E000001", on=dt.date(2026, 1, 2)),
        lambda r: r.document_slug("工信部企业函〔2019〕153号", dt.date(2026, 1, 2)),
    ]
    for done, change in enumerate(changes, 1):
        before = reg.files()
        change(reg)
        fresh = Registry.load(tmp_path / "empty")
        for c in changes[:done]:
            c(fresh)
        after = reg.files()
        assert after != before
        assert {p.name: b for p, b in after.items()} == {
            p.name: b for p, b in fresh.files().items()
        }
        assert reg.files() == after


def test_the_enterprise_table_reads_back_what_it_wrote(tmp_path: Path) -> None:
    """Commas, quotes, line breaks and a merge survive a write and a read of the table."""
    entry = rf.EnterpriseEntry(
        key="E000007", uscc=BEIJING, region="110000", names=['甲,"乙"', "丙\n丁"],
        legal_name='甲"乙,丙有限公司', former_names=["旧名（北京）有限公司"], minted="2026-01-02",
        merged_into="E000003", merged_on="2026-02-03", merge_reason="同一家\r\n企业",
        merge_source_url="https://example.org/a,b",
    )  # fmt: skip
    table = tmp_path / rf.ENTERPRISE_FILE
    table.write_bytes(rf.enterprise_bytes([entry]))
    (row,) = rf.read_rows(table, rf.ENTERPRISE_FIELDS)
    lists = {"names": entry.names, "former_names": entry.former_names}
    assert {f: row[f] for f in rf.ENTERPRISE_FIELDS if f not in lists} == {
        f: getattr(entry, f) for f in rf.ENTERPRISE_FIELDS if f not in lists
    }
    assert {f: row[f].split("|") for f in lists} == lists


def test_failed_save_is_not_needed_for_unchanged_registry(tmp_path: Path) -> None:
    reg = Registry.load(tmp_path)
    reg.save()
    assert not (tmp_path / "enterprises.csv").exists()


@pytest.mark.parametrize(
    ("number", "slug"),
    [
        ("工信部企业函〔2019〕153号", "gxbqyh-2019-153"),
        ("工信厅企业函〔2018〕381号", "gxtqyh-2018-381"),
        ("财建〔2021〕2号", "cj-2021-2"),
    ],
)
def test_document_slugs_derive_from_the_number(number: str, slug: str) -> None:
    assert derive_document_slug(number) == slug
    assert is_numbered_slug(slug)


def test_document_slug_is_recorded_once(tmp_path: Path) -> None:
    reg = Registry.load(tmp_path)
    slug = reg.document_slug("工信部企业函〔2019〕153号")
    reg.save()
    assert Registry.load(tmp_path).documents() == {"工信部企业函〔2019〕153号": slug}


def test_not_a_document_number_is_refused() -> None:
    with pytest.raises(ValueError, match="文号"):
        derive_document_slug("第一批名单")
