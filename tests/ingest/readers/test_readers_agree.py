"""One list, four formats, the same cells and the same rows: a PDF (ruled or not, regions
merged or in sections), a BIFF workbook, an XLSX workbook and a CSV file of the same synthetic
enterprises read alike, through the readers and then through the list interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parse_list import parse_list
from ingest.read_pdf import read_pdf
from ingest.read_xls import read_xls
from ingest.regions import resolve_region
from ingest.sheet import Sheet
from tests.ingest.readers.make_pdf import Entry, Shape, draw_pdf, synthetic_entries
from tests.ingest.readers.make_xls import (
    list_table,
    region_merges,
    text,
    write_csv,
    write_xls,
    write_xlsx,
)

TITLE = "合成测试第一批专精特新“小巨人”企业名单"
DATA_SETS = {
    "sixty-rows": synthetic_entries(60),
    "small-groups": synthetic_entries(37, per_region=4),
    "one-region": synthetic_entries(40, per_region=40),
}
LAYOUTS = {  # PDF shape, and whether the workbook merges each region's run of cells
    "ruled": (Shape(), False),
    "unruled": (Shape(rules="none"), False),
    "merged-regions": (Shape(merged_regions=True, split_row=True), True),
    "unruled-merged": (Shape(rules="none", merged_regions=True), True),
    "sections": (Shape(sections=True, header_on_every_page=False), False),
}


def normalised(sheet: Sheet) -> list[list[str]]:
    """The cells less empty rows and trailing empty cells: what no format can tell apart."""
    out = []
    for _, cells in sheet.rows:
        while cells and not cells[-1]:
            cells = cells[:-1]
        if cells:
            out.append(cells)
    return out


def as_csv(sheet: Sheet, path: Path) -> Path:
    """A sheet written out as the CSV the interpreter reads, its preamble as the rows above."""
    path.write_bytes(write_csv([[line] for line in sheet.preamble] + normalised(sheet)))
    return path


def rows_of(path: Path) -> list[tuple[str, str, str, str]]:
    parsed = parse_list(path, kind_hint="batch")
    assert parsed.errors == (), [str(e) for e in parsed.errors]
    assert parsed.batch == 1
    return [(r.seq, r.region, r.name, r.uscc) for r in parsed.rows]


def workbook(entries: list[Entry], merged: bool, sections: bool) -> bytes:
    table = list_table(entries, sections=sections)
    merges = region_merges(table) if merged else []
    if sections:
        merges = [(r, r, 0, 2) for r, row in enumerate(table) if row[1] is None]
    shifted = [(r1 + 1, r2 + 1, c1, c2) for r1, r2, c1, c2 in merges]  # below the title row
    return write_xls({"名单": [[TITLE], *table]}, {"名单": shifted})


@pytest.mark.parametrize("data_set", DATA_SETS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdf_and_xls_give_the_same_cells(data_set: str, layout: str) -> None:
    entries = DATA_SETS[data_set]
    shape, merged = LAYOUTS[layout]
    [pdf] = read_pdf(draw_pdf(entries, shape, TITLE).data)
    [xls] = read_xls(workbook(entries, merged, shape.sections))
    assert normalised(xls)[0] == [TITLE]
    assert normalised(pdf) == normalised(xls)[1:]
    assert pdf.preamble == ["附件1", TITLE]
    assert len(normalised(pdf)) == len(entries) + 1


@pytest.mark.parametrize("data_set", DATA_SETS)
def test_every_format_gives_the_same_rows(data_set: str, tmp_path: Path) -> None:
    entries = DATA_SETS[data_set]
    table = [[TITLE], *list_table(entries)]
    merges = [(r + 1, r2 + 1, a, b) for r, r2, a, b in region_merges(list_table(entries))]
    csv_file = tmp_path / "list.csv"
    csv_file.write_bytes(write_csv(table))
    xlsx_file = tmp_path / "list.xlsx"
    xlsx_file.write_bytes(write_xlsx(table, merges))
    [pdf] = read_pdf(draw_pdf(entries, Shape(merged_regions=True), TITLE).data)
    [unruled] = read_pdf(draw_pdf(entries, Shape(rules="none", sections=True), TITLE).data)
    [xls] = read_xls(write_xls({"名单": table}, {"名单": merges}))

    want = [(e.seq, region_code(e.region), e.name, e.uscc) for e in entries]
    assert rows_of(csv_file) == want
    assert rows_of(xlsx_file) == want
    assert rows_of(as_csv(pdf, tmp_path / "pdf.csv")) == want
    assert rows_of(as_csv(unruled, tmp_path / "unruled.csv")) == want
    assert rows_of(as_csv(xls, tmp_path / "xls.csv")) == want
    assert [text(v) for v in table[1]] == normalised(pdf)[0]


def region_code(printed: str) -> str:
    region = resolve_region(printed)
    assert region is not None
    return region.code
