"""Synthetic workbooks and pages for the readers (test data, not real lists): BIFF written by
xlwt, XLSX by openpyxl, HTML tables as Excel's "save as web page" writes them, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence

import xlwt
from openpyxl import Workbook

from tests.ingest.readers.make_pdf import Entry, cn_ordinal

Cell = str | int | float | dt.date | None
Merge = tuple[int, int, int, int]  # first row, last row, first column, last column (0-based)


def list_table(
    entries: Sequence[Entry], *, sections: bool = False, uscc: bool = True
) -> list[list[Cell]]:
    """The table a list prints, as rows of values: 序号 as numbers, as a spreadsheet holds them.

    With ``sections``, province headings (一、北京市（9家）) stand where the region column was.
    """
    head = ["序号", "地区", "企业名称", "统一社会信用代码"]
    keep = [0, 2, 3] if sections else [0, 1, 2, 3]
    keep = keep if uscc else keep[:-1]
    rows: list[list[Cell]] = [[head[c] for c in keep]]
    groups: list[list[Entry]] = []
    for e in entries:
        if groups and groups[-1][0].region == e.region:
            groups[-1].append(e)
        else:
            groups.append([e])
    for g, members in enumerate(groups):
        if sections:
            heading = f"{cn_ordinal(g)}、{members[0].region}（{len(members)}家）"
            rows.append([heading] + [None] * (len(keep) - 1))
        for e in members:
            values: list[Cell] = [float(e.seq), e.region, e.name, e.uscc]
            rows.append([values[c] for c in keep])
    return rows


def region_merges(table: Sequence[Sequence[Cell]], column: int = 1) -> list[Merge]:
    """Merged ranges over each run of one region in ``column`` (a region printed once)."""
    merges = []
    start = 1
    for r in range(2, len(table) + 1):
        if r == len(table) or table[r][column] != table[start][column]:
            if r - start > 1:
                merges.append((start, r - 1, column, column))
            start = r
    return merges


def write_xls(
    sheets: dict[str, Sequence[Sequence[Cell]]],
    merges: dict[str, Sequence[Merge]] | None = None,
    formats: dict[tuple[str, int, int], str] | None = None,
) -> bytes:
    """A BIFF8 workbook; a merged range holds its value in the top-left cell only."""
    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = book.add_sheet(name)
        covered = set()
        for r1, r2, c1, c2 in (merges or {}).get(name, ()):
            ws.merge(r1, r2, c1, c2)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                fmt = (formats or {}).get((name, r, c))
                if fmt is None and isinstance(value, dt.date):
                    fmt = "YYYY-MM-DD"
                if fmt is None:
                    ws.write(r, c, value)
                else:
                    ws.write(r, c, value, xlwt.easyxf(num_format_str=fmt))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def write_xlsx(rows: Sequence[Sequence[Cell]], merges: Sequence[Merge] = ()) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "名单"
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(r, c, value)
    for r1, r2, c1, c2 in merges:
        ws.merge_cells(start_row=r1 + 1, end_row=r2 + 1, start_column=c1 + 1, end_column=c2 + 1)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def write_html(rows: Sequence[Sequence[Cell]], charset: str = "utf-8", meta: str = "http") -> bytes:
    """A table as Excel's "save as web page" writes it, declaring ``charset``."""
    declaration = (
        f'<meta http-equiv=Content-Type content="text/html; charset={charset}">'
        if meta == "http"
        else f'<meta charset="{charset}">'
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(text(v))}</td>" for v in row) + "</tr>\n"
        for row in rows
    )
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        f"<head>{declaration}</head>\n<body><table>\n{body}</table></body></html>\n"
    )
    return page.encode(charset)


def write_csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[text(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


def text(value: Cell) -> str:
    """A value as a person reads it in the sheet: 1.0 is 1."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
