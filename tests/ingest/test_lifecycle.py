"""The designation lifecycle through time (issue 5, items 3-5): awards, re-reviews, revocations,
order of arrival, entity resolution across lists, and who holds the title on any date.

Every list here is SYNTHETIC test data (invented firms marked 测试, credit codes computed to be
valid); it runs through the real parser, registry, shapes gate and store on top of the real
default dataset.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
from openpyxl import Workbook
from stdnum.cn import uscc

from ingest.facts import IngestError
from ingest.identity import Registry
from ingest.ingest_file import IngestResult, ingest_file
from ontology.iris import LITTLE_GIANT, Iris
from ontology.namespaces import DCTERMS, LG
from ontology.store import EmbeddedStore
from ontology.temporal import holds_on

BATCH = 7  # a batch the default dataset describes; the firms below are synthetic
AWARD = dt.date(2025, 7, 1)


def code(region6: str, serial: str) -> str:
    """A synthetic credit code with a correct check character (test data only)."""
    stem = "91" + region6 + f"MA{serial:0>7}"
    return stem + uscc.calc_check_digit(stem)


BJ = code("110108", "1")
ZJ = code("330106", "2")
NB = code("330201", "3")


class World:
    """A default store in memory with its own registry, and a way to ingest files into it."""

    def __init__(self, home: Path, store: EmbeddedStore, registry: Registry, iris: Iris) -> None:
        self.home = home
        self.store = store
        self.registry = registry
        self.iris = iris

    def write(self, name: str, text: str) -> Path:
        path = self.home / name
        path.write_text(text, encoding="utf-8")
        return path

    def ingest(self, path: Path, **kw: object) -> IngestResult:
        return ingest_file(
            self.store, self.iris, self.registry, path, review_dir=self.home / "review", **kw
        )

    def holders(self, day: str) -> set[str]:
        q = (
            f"SELECT ?d WHERE {{ ?d <{LG.tier}> <{LG.LittleGiant}> ; <{LG.validFrom}> ?_from . "
            f"{holds_on(day)} }}"
        )
        return {s["d"].value for s in cast(ox.QuerySolutions, self.store.query(q))}

    def nquads(self) -> bytes:
        return self.store.raw.dump(format=ox.RdfFormat.N_QUADS) or b""

    def key(self, uscc_code: str) -> str:
        key = self.registry.lookup_uscc(uscc_code)
        assert key is not None
        return key

    def designation(self, uscc_code: str) -> str:
        return str(self.iris.designation(self.key(uscc_code), LITTLE_GIANT, BATCH))


@pytest.fixture
def world(tmp_path: Path, default_store: EmbeddedStore, registry: Registry, iris: Iris) -> World:
    return World(tmp_path, default_store, registry, iris)


BATCH_LIST = (
    "第七批专精特新“小巨人”企业名单（测试用合成数据）\n"
    "序号,省份,企业名称,统一社会信用代码\n"
    f"1,北京市,北京测试甲科技有限公司,{BJ}\n"
    f"2,浙江,浙江测试乙材料有限公司,{ZJ}\n"
    f"3,宁波市,宁波测试丙机械有限公司,{NB}\n"
)


@pytest.fixture
def awarded(world: World) -> World:
    result = world.ingest(world.write("b7.csv", BATCH_LIST), kind="batch", date=AWARD)
    assert result.outcome.changed
    return world


def test_batch_list_awards_three_years(awarded: World) -> None:
    d = awarded.designation(BJ)
    assert d in awarded.holders("2025-07-01")
    assert d in awarded.holders("2028-06-30")
    assert d not in awarded.holders("2028-07-01")  # inclusive end: three years less a day
    assert d not in awarded.holders("2025-06-30")
    rows = list(
        cast(
            ox.QuerySolutions,
            awarded.store.query(
                f"SELECT ?e ?doc WHERE {{ ?e a <{LG.Award}> ; <{LG.designation}> <{d}> ; "
                f"<{LG.eventDate}> ?day ; <{LG.eventDocument}> ?doc }}"
            ),
        )
    )
    assert len(rows) == 1


def test_planned_city_region_and_credit_code_recorded(awarded: World) -> None:
    e = awarded.iris.enterprise(awarded.key(NB))
    regions = {
        q.object.value
        for q in awarded.store.quads(ox.NamedNode(e), ox.NamedNode(LG.reportingRegion))
    }
    assert regions == {str(awarded.iris.region("330200"))}


def test_same_list_twice_is_a_no_op(awarded: World) -> None:
    before = awarded.nquads()
    again = awarded.ingest(awarded.home / "b7.csv", kind="batch", date=AWARD)
    assert not again.outcome.changed
    assert awarded.nquads() == before


def test_review_passed_extends_by_three_years(awarded: World) -> None:
    path = awarded.write(
        "pass.csv",
        "通过复核的第七批专精特新“小巨人”企业名单（测试用合成数据）\n"
        "序号,省份,企业名称\n1,北京,北京测试甲科技有限公司\n",
    )
    awarded.ingest(path, date=dt.date(2028, 6, 1))  # kind and batch read from the title
    d = awarded.designation(BJ)
    assert d in awarded.holders("2031-06-30")
    assert d not in awarded.holders("2031-07-01")
    assert awarded.designation(ZJ) not in awarded.holders("2029-01-01")  # not reviewed: expired


def test_review_failed_ends_on_its_date(awarded: World) -> None:
    path = awarded.write(
        "fail.csv",
        "未通过复核的第七批专精特新“小巨人”企业名单（测试用合成数据）\n"
        "序号,省份,企业名称\n1,浙江省,浙江测试乙材料有限公司\n",
    )
    awarded.ingest(path, date=dt.date(2027, 3, 1))
    d = awarded.designation(ZJ)
    assert d in awarded.holders("2027-02-28")
    assert d not in awarded.holders("2027-03-01")


def test_revocation_ends_on_its_date_with_reason_and_document(awarded: World) -> None:
    path = awarded.write(
        "revoke.csv",
        "撤销专精特新“小巨人”企业称号名单（测试用合成数据）\n"
        "序号,省份,企业名称,统一社会信用代码,撤销原因\n"
        f"1,宁波,宁波测试丙机械有限公司,{NB},存在虚假申报（测试）\n",
    )
    awarded.ingest(path, date=dt.date(2026, 5, 20), document="工信厅企业函〔2026〕999号")
    d = awarded.designation(NB)
    assert d in awarded.holders("2026-05-19")
    assert d not in awarded.holders("2026-05-20")
    rows = list(
        cast(
            ox.QuerySolutions,
            awarded.store.query(
                f"SELECT ?reason ?n WHERE {{ ?e a <{LG.Revocation}> ; <{LG.designation}> <{d}> ; "
                f"<{LG.reason}> ?reason ; <{LG.eventDocument}> [ <{LG.documentNumber}> ?n ] }}"
            ),
        )
    )
    assert [(r["reason"].value, r["n"].value) for r in rows] == [
        ("存在虚假申报（测试）", "工信厅企业函〔2026〕999号")
    ]


def test_revocation_before_award_is_rejected_and_changes_nothing(world: World) -> None:
    before = world.nquads()
    path = world.write(
        "early.csv",
        "撤销专精特新“小巨人”企业称号名单（测试用合成数据）\n"
        "序号,省份,企业名称,统一社会信用代码\n"
        f"1,北京,北京测试甲科技有限公司,{BJ}\n",
    )
    with pytest.raises(IngestError, match="order of arrival") as exc:
        world.ingest(path, date=dt.date(2026, 1, 1))
    assert "early.csv row 3" in str(exc.value)
    assert world.nquads() == before


def test_review_for_a_title_not_in_the_store_is_rejected(awarded: World) -> None:
    before = awarded.nquads()
    path = awarded.write(
        "pass-b3.csv",
        "通过复核的第三批专精特新“小巨人”企业名单（测试用合成数据）\n"
        "序号,省份,企业名称\n1,北京,北京测试甲科技有限公司\n",
    )
    with pytest.raises(IngestError, match="no batch-3 Little Giant designation"):
        awarded.ingest(path, date=dt.date(2024, 7, 1))
    assert awarded.nquads() == before


def test_revocation_dated_before_the_award_is_rejected(awarded: World) -> None:
    path = awarded.write(
        "r.csv",
        f"撤销名单（测试）\n序号,省份,企业名称,统一社会信用代码\n1,北京,北京测试甲科技有限公司,{BJ}\n",
    )
    with pytest.raises(IngestError, match="precedes the award"):
        awarded.ingest(path, kind="revocation", date=dt.date(2024, 1, 1))


def test_renaming_keeps_former_name(awarded: World) -> None:
    path = awarded.write(
        "pass-renamed.csv",
        "通过复核的第七批专精特新“小巨人”企业名单（测试用合成数据）\n"
        "序号,省份,企业名称,统一社会信用代码\n"
        f"1,北京,北京测试甲科技股份有限公司,{BJ}\n",
    )
    awarded.ingest(path, date=dt.date(2028, 6, 1))
    e = ox.NamedNode(awarded.iris.enterprise(awarded.key(BJ)))
    former = {q.object.value for q in awarded.store.quads(e, ox.NamedNode(LG.formerName))}
    assert former == {"北京测试甲科技有限公司"}


def test_ambiguous_name_goes_to_review_file_and_nothing_is_merged(awarded: World) -> None:
    # two firms of the same printed name in one region, told apart only by credit code
    other = code("110105", "9")
    awarded.ingest(
        awarded.write(
            "b7-more.csv",
            "第七批专精特新“小巨人”企业名单（测试用合成数据）\n"
            "序号,省份,企业名称,统一社会信用代码\n"
            f"1,北京,北京测试甲科技有限公司,{other}\n",
        ),
        kind="batch",
        date=AWARD,
    )
    before = awarded.nquads()
    path = awarded.write(
        "pass-ambiguous.csv",
        "通过复核的第七批专精特新“小巨人”企业名单（测试用合成数据）\n"
        "序号,省份,企业名称\n1,北京,北京测试甲科技有限公司\n",
    )
    with pytest.raises(IngestError, match="listed for review, not merged"):
        awarded.ingest(path, date=dt.date(2028, 6, 1))
    review = next((awarded.home / "review").glob("*.csv"))
    lines = list(csv.DictReader(review.open(encoding="utf-8")))
    assert len(lines) == 2  # one line per candidate
    assert {line["candidate_key"] for line in lines} == {awarded.key(BJ), awarded.key(other)}
    assert {line["reason"] for line in lines} == {"ambiguous"}
    assert awarded.nquads() == before


def test_conflicting_facts_are_refused(world: World) -> None:
    path = world.write("b7.csv", BATCH_LIST)
    with pytest.raises(IngestError, match="batch: the file says 7, the command line says 6"):
        world.ingest(path, kind="batch", batch=6, date=AWARD)
    with pytest.raises(IngestError, match="wrong-list-kind"):
        world.ingest(path, kind="revocation", date=AWARD)


def test_missing_date_is_asked_for(world: World) -> None:
    with pytest.raises(IngestError, match="give --date"):
        world.ingest(world.write("b7.csv", BATCH_LIST), kind="batch")


def test_xlsx_and_html_lists_award_titles(world: World) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["第七批专精特新“小巨人”企业名单（测试用合成数据）"])
    ws.append(["序号", "省份", "企业名称", "统一社会信用代码"])
    ws.append([1, "北京", "北京测试甲科技有限公司", BJ])
    xlsx = world.home / "b7.xlsx"
    wb.save(xlsx)
    world.ingest(xlsx, date=AWARD)
    html = world.write(
        "b7.html",
        "<html><body><p>第七批专精特新“小巨人”企业名单（测试用合成数据）</p><table>"
        "<tr><td>序号</td><td>省份</td><td>企业名称</td><td>统一社会信用代码</td></tr>"
        f"<tr><td>1</td><td>浙江省</td><td>浙江测试乙材料有限公司</td><td>{ZJ}</td></tr>"
        "</table></body></html>",
    )
    world.ingest(html, date=AWARD)
    held = world.holders("2026-01-01")
    assert {world.designation(BJ), world.designation(ZJ)} <= held


# -- notices ----------------------------------------------------------------------------------

DATA = Path(__file__).parent / "data"
N153 = "工信部企业函〔2019〕153号"
N381 = "工信厅企业函〔2018〕381号"


def _one(world: World, query: str) -> list[tuple[str, ...]]:
    rows = cast(ox.QuerySolutions, world.store.query(query))
    return sorted(tuple(t.value for t in r) for r in rows)


def test_chinese_batch_notice_records_document_citation_count_and_firms(world: World) -> None:
    result = world.ingest(DATA / "notice-zh-batch1.txt", kind="notice")
    assert result.kind == "notice"
    doc = world.iris.document(world.registry.document_slug(N153))
    cited = _one(world, f"SELECT ?n WHERE {{ <{doc}> <{LG.cites}> [ <{LG.documentNumber}> ?n ] }}")
    assert (N381,) in cited
    claims = _one(
        world,
        f"SELECT ?c WHERE {{ <{world.iris.batch(1)}> <{LG.countClaim}> [ <{LG.count}> ?c ; "
        f"<{DCTERMS.source}> <{result.graph}> ] }}",
    )
    assert claims == [("248",)]
    holders = _one(
        world,
        f"SELECT ?name WHERE {{ ?d <{LG.awardedBy}> <{doc}> ; "
        f"<{LG.batch}> <{world.iris.batch(1)}> ; <{LG.holder}> [ <{LG.legalName}> ?name ] }}",
    )
    assert {("北京臻迪科技股份有限公司",), ("唐山贺祥机电股份有限公司",)} <= set(holders)


def test_seed_notice_with_its_number_given(world: World, seed_notice: Path) -> None:
    world.ingest(seed_notice, kind="notice", document=N153)
    doc = world.iris.document(world.registry.document_slug(N153))
    cited = _one(world, f"SELECT ?n WHERE {{ <{doc}> <{LG.cites}> [ <{LG.documentNumber}> ?n ] }}")
    assert (N381,) in cited  # "CIC Letter [2018] No. 381" matched by year and number
    names = _one(
        world,
        f"SELECT ?name WHERE {{ ?d <{LG.awardedBy}> <{doc}> ; <{LG.holder}> [ <{LG.englishName}> "
        "?name ] }",
    )
    assert ("Shanxi Changda Traffic Facilities Co., Ltd.",) in names


def test_original_and_translation_are_two_sources_of_one_document(
    world: World, seed_notice: Path
) -> None:
    world.ingest(DATA / "notice-zh-batch1.txt", kind="notice")
    world.ingest(seed_notice, kind="notice", document=N153)
    doc = world.iris.document(world.registry.document_slug(N153))
    claims = _one(
        world,
        f"SELECT ?c ?source WHERE {{ <{world.iris.batch(1)}> <{LG.countClaim}> ?claim . "
        f"?claim <{LG.count}> ?c ; <{DCTERMS.source}> ?source . "
        f"FILTER (STRSTARTS(STR(?source), '{world.iris.graph('notice-')}')) }}",
    )
    graphs = [str(world.iris.graph(f"notice-{doc.rsplit('/', 1)[1]}{s}")) for s in ("", "-en")]
    assert claims == [("248", g) for g in graphs]


def test_chinese_revocation_notice_revokes_named_titles(awarded: World) -> None:
    awarded.ingest(DATA / "notice-zh-revocation.txt")
    for code_ in (BJ, ZJ):
        d = awarded.designation(code_)
        assert d in awarded.holders("2026-02-28")
        assert d not in awarded.holders("2026-03-01")
    assert awarded.designation(NB) in awarded.holders("2026-03-01")


def test_notice_naming_unknown_firms_is_rejected(awarded: World) -> None:
    before = awarded.nquads()
    with pytest.raises(IngestError, match="not recorded by guess"):
        awarded.ingest(DATA / "notice-en-revocation.txt")
    assert awarded.nquads() == before


def test_corrected_list_replaces_its_graph(awarded: World) -> None:
    corrected = BATCH_LIST.rsplit("\n3,", 1)[0] + "\n"  # the Ningbo row withdrawn
    awarded.ingest(awarded.write("b7.csv", corrected), kind="batch", date=AWARD)
    assert awarded.designation(NB) not in awarded.holders("2026-01-01")
    assert awarded.designation(BJ) in awarded.holders("2026-01-01")
    deleted = _one(
        awarded,
        "SELECT ?o WHERE { ?a a <https://www.w3.org/ns/activitystreams#Delete> ; "
        "<https://www.w3.org/ns/activitystreams#object> ?o }",
    )
    assert (awarded.designation(NB),) in deleted


def test_review_notice_records_the_document_not_guessed_outcomes(awarded: World) -> None:
    text = (
        "测试夹具：合成数据，文号与日期均为虚构。\n\n工信厅企业函〔2028〕9002号\n\n"
        "工业和信息化部办公厅关于第七批专精特新“小巨人”企业复核结果的通知\n"
        "经复核，北京测试甲科技有限公司、火星测试丁有限公司等2家企业的复核结果见附件。\n"
        "工业和信息化部办公厅\n2028年6月1日\n"
    )
    result = awarded.ingest(awarded.write("review-notice.txt", text))
    assert result.kind == "notice"
    assert "the notice does not state its batch" not in result.notes
    doc = awarded.iris.document(awarded.registry.document_slug("工信厅企业函〔2028〕9002号"))
    assert _one(awarded, f"SELECT ?t WHERE {{ <{doc}> <{DCTERMS.title}> ?t }}")
    events = _one(awarded, f"SELECT ?e WHERE {{ ?e <{LG.eventDocument}> <{doc}> }}")
    assert events == []  # which firms passed is the attachment list's to say


def test_corrected_notice_keeps_the_title_and_date_only_it_states(awarded: World) -> None:
    """A notice read again after a correction keeps its own facts: what the previous version of
    its graph said must not count as "already in the store" (the graph is being replaced)."""
    text = (
        "测试夹具：合成数据，文号与日期均为虚构。\n\n工信厅企业函〔2028〕9003号\n\n"
        "工业和信息化部办公厅关于第七批专精特新“小巨人”企业复核结果的通知\n"
        "经复核，北京测试甲科技有限公司等1家企业的复核结果见附件。\n"
        "工业和信息化部办公厅\n2028年6月1日\n"
    )
    path = awarded.write("review-notice.txt", text)
    awarded.ingest(path)
    path.write_text(text.replace("见附件。", "见附件（更正）。"), encoding="utf-8")
    again = awarded.ingest(path)
    assert again.outcome.changed
    doc = awarded.iris.document(awarded.registry.document_slug("工信厅企业函〔2028〕9003号"))
    titles = _one(awarded, f"SELECT ?t WHERE {{ <{doc}> <{DCTERMS.title}> ?t }}")
    assert titles == [("工业和信息化部办公厅关于第七批专精特新“小巨人”企业复核结果的通知",)]
    written = _one(awarded, f"SELECT ?d WHERE {{ <{doc}> <{LG.dateWritten}> ?d }}")
    assert written == [("2028-06-01",)]


def test_notice_notes_say_what_it_does_not_state(world: World, seed_notice: Path) -> None:
    result = world.ingest(seed_notice, kind="notice", document=N153)
    assert "the notice does not state its document" in result.notes


_BAD_CHECK = BJ[:-1] + ("0" if BJ[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        pytest.param(
            "序号,企业名称\n1,北京测试甲科技有限公司\n", "missing-column", id="bad-header"
        ),
        pytest.param(
            "序号,省份,企业名称\n1,火星,北京测试甲科技有限公司\n", "unknown-region", id="region"
        ),
        pytest.param(
            f"序号,省份,企业名称,统一社会信用代码\n1,北京,北京测试甲科技有限公司,{_BAD_CHECK}\n",
            "uscc",
            id="bad-credit-code",
        ),
        pytest.param(
            "序号,省份,企业名称\n1,北京,北京测试甲科技有限公司\n2,北京,北京测试甲科技有限公司\n",
            "duplicate-row",
            id="duplicate",
        ),
        pytest.param(
            "撤销专精特新“小巨人”企业称号名单\n序号,省份,企业名称\n1,北京,北京测试甲科技有限公司\n",
            "wrong-list-kind",
            id="wrong-kind",
        ),
        pytest.param("", "empty-file", id="empty"),
    ],
)
def test_malformed_list_is_refused_with_rule_and_changes_nothing(
    world: World, text: str, rule: str
) -> None:
    before = world.nquads()
    with pytest.raises(IngestError, match=rule) as exc:
        world.ingest(world.write("bad.csv", text), kind="batch", batch=BATCH, date=AWARD)
    assert "bad.csv" in str(exc.value)
    assert world.nquads() == before


def test_non_utf8_list_is_refused_and_changes_nothing(world: World) -> None:
    before = world.nquads()
    path = world.home / "gbk.csv"
    path.write_bytes("序号,省份,企业名称\n1,北京,北京测试甲科技有限公司\n".encode("gbk"))
    with pytest.raises(IngestError, match=r"gbk.csv row 1: encoding: byte 0x\w+ at offset 0"):
        world.ingest(path, kind="batch", batch=BATCH, date=AWARD)
    assert world.nquads() == before
