"""Reporting regions: the one resolver from printed text to a region, and the table it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.regions import RegionTable, resolve_region
from ontology.paths import DATA_DIR

TEST_DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("北京市", "110000"),
        ("北京", "110000"),
        ("Beijing", "110000"),
        ("Beijing Municipality", "110000"),
        ("ＢＥＩＪＩＮＧ", "110000"),
        (" 北京 市 ", "110000"),
        ("内蒙古", "150000"),
        ("内蒙古自治区", "150000"),
        ("Inner Mongolia", "150000"),
        ("广西壮族自治区", "450000"),
        ("广西", "450000"),
        ("浙江省", "330000"),
        ("浙江", "330000"),
        ("Zhejiang Province", "330000"),
        ("Shanxi", "140000"),
        ("Shaanxi", "610000"),
        ("新疆维吾尔自治区", "650000"),
        ("新疆生产建设兵团", "xpcc"),
        ("兵团", "xpcc"),
        ("XPCC", "xpcc"),
        ("xpcc", "xpcc"),
        ("宁波市", "330200"),
        ("宁波", "330200"),
        ("Ningbo", "330200"),
        ("大连", "210200"),
        ("青岛市", "370200"),
        ("厦门", "350200"),
        ("深圳市", "440300"),
        ("Shenzhen", "440300"),
        ("440300", "440300"),
    ],
)
def test_region_resolver_accepts_common_forms(text: str, code: str) -> None:
    region = resolve_region(text)
    assert region is not None, text
    assert region.code == code


@pytest.mark.parametrize(
    "text",
    ["", "宁波省", "吉林市", "杭州", "Springfield", "北京省", "中国", "110001", "兵", None],
)
def test_region_resolver_rejects_unknown_names(text: str | None) -> None:
    assert resolve_region(text) is None


def test_region_table_has_31_provinces_5_planned_cities_and_the_corps() -> None:
    table = RegionTable.load(DATA_DIR / "reference" / "regions.csv")
    kinds = [r.kind for r in table]
    assert kinds.count("province") == 31
    assert kinds.count("planned-city") == 5
    assert kinds.count("corps") == 1
    for city in (r for r in table if r.kind == "planned-city"):
        province = table.province_of(city)
        assert province.kind == "province"
        assert city.uscc_prefixes == (province.code[:2],)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        pytest.param("regions-name-clash.csv", "claimed by 220000 and 220200", id="name-clash"),
        pytest.param("regions-unknown-province.csv", "within unknown 330000", id="no-province"),
    ],
)
def test_region_table_refuses_ambiguous_or_dangling_regions(fixture: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RegionTable.load(TEST_DATA / fixture)
