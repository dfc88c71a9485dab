"""One key per firm whatever the route (issue 9, item 6), as a property.

Hypothesis draws a sequence of sources naming the same firms — CSV, XLSX and HTML lists and a
Chinese batch notice — in any order, each printing any subset of the firms, with or without their
credit codes, with the region spelt as the city, the province, or the province without its 省/市,
with or without a note naming a former name, and with or without the optional flags (``kind``,
``batch``, ``document``) the file states itself. Whatever it draws, after every source has gone
through the real parser, registry, shapes gate and store, each firm has exactly one key, two
firms that share a name in two provinces have two, and each firm holds its title once (the
notice, printed with its 文号, is one source: a later version replaces the earlier).

Every firm, credit code and document number here is SYNTHETIC (测试, codes computed to be valid).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from stdnum.cn import uscc

from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ontology.iris import Iris
from ontology.namespaces import LG
from ontology.store import EmbeddedStore
from tests.conftest import DefaultBuild
from tests.ingest.conftest import BASE

BATCH = 7
DAY = dt.date(2026, 3, 18)
NUMBER = "测试部企业函〔2099〕7号"  # SYNTHETIC document number


def code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


@dataclass(frozen=True)
class Firm:
    """A synthetic firm: its name, the ways a list may print its region, its credit code, a
    former name a list may print after it, and whether a notice may name it (one whose name is
    not unique without a region may not)."""

    name: str
    regions: tuple[str, ...]
    uscc: str = ""
    former: str = ""
    in_notices: bool = True


FIRMS = (
    Firm(
        "宁波测试甲液压马达有限公司",
        ("宁波市", "宁波", "浙江省", "浙江"),
        code("91330201MA2TT0001"),
    ),
    Firm("北京测试乙精密科技股份有限公司", ("北京市", "北京"), code("91110108MA01TT002")),
    Firm("青岛测试丙海洋装备有限公司", ("青岛市", "青岛", "山东省", "山东")),
    Firm(
        "深圳测试丁微电子有限公司",
        ("深圳市", "广东省", "广东"),
        code("91440300MA5TT0003"),
        former="深圳测试丁电子器件有限公司",
    ),
    Firm("测试戊新材料有限公司", ("江苏省", "江苏"), in_notices=False),
    Firm("测试戊新材料有限公司", ("浙江省", "浙江"), in_notices=False),
)
SAME_NAME = (4, 5)  # two firms of one name in two provinces: never in one list


@dataclass(frozen=True)
class Printed:
    firm: int
    region: str
    with_code: bool
    with_former: bool

    def name(self) -> str:
        f = FIRMS[self.firm]
        return f"{f.name}（原名：{f.former}）" if self.with_former and f.former else f.name


@dataclass(frozen=True)
class Source:
    form: str  # csv, xlsx, html, notice
    rows: tuple[Printed, ...]
    flags: bool  # pass the facts the file states as options too


@st.composite
def printed(draw: st.DrawFn, firm: int, form: str) -> Printed:
    """One firm as a source prints it (a notice prints neither region nor credit code)."""
    return Printed(
        firm,
        draw(st.sampled_from(FIRMS[firm].regions)),
        draw(st.booleans()) and bool(FIRMS[firm].uscc) and form != "notice",
        draw(st.booleans()),
    )


@st.composite
def sources(draw: st.DrawFn) -> Source:
    form = draw(st.sampled_from(("csv", "xlsx", "html", "notice")))
    allowed = [i for i, f in enumerate(FIRMS) if form != "notice" or f.in_notices]
    chosen = draw(st.lists(st.sampled_from(allowed), min_size=1, max_size=4, unique=True))
    if all(i in chosen for i in SAME_NAME):
        chosen.remove(draw(st.sampled_from(SAME_NAME)))
    rows = tuple(draw(printed(i, form)) for i in chosen)
    return Source(form, rows, draw(st.booleans()))


TITLE = "第七批专精特新“小巨人”企业名单（测试用合成数据，第{n}份）"  # each list its own


def _title(n: int) -> str:
    """The n-th list's printed title: each drawn list is another list of the batch (a list
    printing the title of an earlier one is its corrected version and replaces it)."""
    return TITLE.format(n=n + 1)


def _table(source: Source) -> list[list[str]]:
    codes = any(r.with_code for r in source.rows)
    head = ["序号", "省份", "企业名称"] + (["统一社会信用代码"] if codes else [])
    body = [
        [str(n), r.region, r.name()]
        + ([FIRMS[r.firm].uscc if r.with_code else ""] if codes else [])
        for n, r in enumerate(source.rows, 1)
    ]
    return [head, *body]


def _notice(source: Source) -> str:
    names = [r.name() for r in source.rows]
    listed = "、".join(names[:-1]) + ("和" if len(names) > 1 else "") + names[-1]
    return (
        "测试夹具：合成文本，文号、日期与企业均为虚构。\n\n"
        f"{NUMBER}\n\n"
        "测试部关于公布第七批专精特新“小巨人”企业名单的通告\n\n"
        "各省、自治区、直辖市及计划单列市中小企业主管部门：\n"
        f"经地方推荐、专家审核和社会公示，现将{listed}等{len(names)}家企业"
        "列为第七批专精特新“小巨人”企业。\n\n"
        "测试部\n2026年3月18日\n"
    )


def write(source: Source, home: Path, n: int) -> Path:
    """The file a source is: the same rows as a CSV, XLSX or HTML list, or a notice's prose."""
    path = home / f"source-{n}.{'txt' if source.form == 'notice' else source.form}"
    rows, title = _table(source), _title(n)
    if source.form == "notice":
        path.write_text(_notice(source), encoding="utf-8")
    elif source.form == "csv":
        text = io.StringIO()
        text.write(title + "\n")
        text.writelines(",".join(r) + "\n" for r in rows)
        path.write_text(text.getvalue(), encoding="utf-8")
    elif source.form == "xlsx":
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append([title])
        for r in rows:
            ws.append(r)
        wb.save(path)
    else:
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
        )
        path.write_text(f"<html><body><p>{title}</p><table>{cells}</table></body></html>")
    return path


def _holders(store: EmbeddedStore) -> list[tuple[str, str]]:
    """(holder, name) of each batch-7 designation of a synthetic firm (one row per designation)."""
    query = (
        f"SELECT ?d ?h ?name WHERE {{ GRAPH ?g {{ ?d <{LG.batch}> ?b ; <{LG.holder}> ?h }} "
        f"FILTER (STRENDS(STR(?b), '/batch/{BATCH}')) ?h <{LG.legalName}> ?name "
        "FILTER (CONTAINS(?name, '测试')) }"
    )
    rows = cast(ox.QuerySolutions, store.query(query))
    return sorted({(r["d"].value, r["h"].value, r["name"].value) for r in rows})  # type: ignore[misc]


class Start:
    """The default dataset each drawn route starts from (a short repr for Hypothesis reports)."""

    def __init__(self, build: DefaultBuild, tmp: pytest.TempPathFactory) -> None:
        self.build, self.tmp = build, tmp

    def __repr__(self) -> str:
        return "Start(default dataset)"

    def world(self) -> tuple[Path, EmbeddedStore, Registry]:
        home = self.tmp.mktemp("route")
        shutil.copytree(self.build.registry, home / "registry")
        store = EmbeddedStore(None)
        with store.writer() as draft:
            draft.bulk_extend(self.build.quads)
        return home, store, Registry.load(home / "registry")


@pytest.fixture(scope="module")
def start(default_build: DefaultBuild, tmp_path_factory: pytest.TempPathFactory) -> Start:
    return Start(default_build, tmp_path_factory)


# Each example ingests two to four files through the gate (seconds each): a dozen routes, and no
# shrinking (a failing route is short already and is printed whole).
@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(drawn=st.lists(sources(), min_size=2, max_size=4))
@example(  # a firm named only by a notice its later version leaves out holds no title from it
    drawn=[
        Source(
            "notice",
            (Printed(0, "浙江省", False, False), Printed(3, "广东省", False, False)),
            False,
        ),
        Source("notice", (Printed(3, "广东", False, False),), True),
        Source("csv", (Printed(4, "江苏", False, False), Printed(3, "深圳市", True, True)), True),
    ]
)
def test_any_route_gives_one_key_per_firm(drawn: list[Source], start: Start) -> None:
    home, store, registry = start.world()
    known = len(registry)
    for n, source in enumerate(drawn):
        flags: dict[str, object] = {"date": DAY}
        if source.flags:
            flags |= {"kind": "batch", "batch": BATCH}
            if source.form == "notice":
                flags |= {"kind": "notice", "document": NUMBER}
        path = write(source, home, n)
        ingest_file(store, Iris(BASE), registry, path, review_dir=home / "review", **flags)
        registry.new_source()

    seen = {r.firm for s in drawn for r in s.rows}
    keys = {}
    for i in seen:
        firm = FIRMS[i]
        region = next(r.region for s in drawn for r in s.rows if r.firm == i)  # any spelling
        found = registry.lookup_name(firm.name, region=_code(registry, region))
        assert len(found) == 1, (firm, found)
        keys[i] = found[0]
        if firm.uscc and any(r.firm == i and r.with_code for s in drawn for r in s.rows):
            assert registry.lookup_uscc(firm.uscc) == found[0]
    assert len(set(keys.values())) == len(seen), keys  # one key per firm, two firms two keys
    assert len(registry) - known == len(seen)  # nothing else minted
    # each title held once, by the firms the lists and the last version of the notice name (a
    # notice printed again with its 文号 replaces the earlier version's graph)
    notices = [s for s in drawn if s.form == "notice"]
    titled = {r.firm for s in drawn if s.form != "notice" for r in s.rows}
    titled |= {r.firm for r in notices[-1].rows} if notices else set()
    held = _holders(store)
    holders = [h for _, h, _ in held]
    assert len(holders) == len(set(holders)), held
    assert set(holders) == {str(Iris(BASE).enterprise(keys[i])) for i in titled}, held


def _code(registry: Registry, printed: str) -> str:
    region = registry.regions.resolve(printed)
    assert region is not None, printed
    return region.code
