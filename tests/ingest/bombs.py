"""Hostile list files, written here (never shipped): tiny files that claim huge grids, unzip to
gigabytes, declare XML entities, or hold one giant field. Shared by the tests, which assert the
clean refusal, and by ``bench/bench_bombs.py``, which measures time and memory.

Every workbook is built by hand from its XML parts, since no spreadsheet program writes these.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>省份</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>企业名称</t></is></c></row>'
)


def _row(n: int) -> str:
    return (
        f'<row r="{n}"><c r="A{n}"><v>{n - 1}</v></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>北京市</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>合成测试企业{n}有限公司</t></is></c></row>'
    )


def write_xlsx(
    path: Path, sheet: Iterator[str] | str, extra: dict[str, Iterator[str]] | None = None
) -> Path:
    """A workbook whose one sheet's XML is ``sheet`` (streamed in parts), plus other parts."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for part in [sheet] if isinstance(sheet, str) else sheet:
                fh.write(part.encode("utf-8"))
        for name, parts in (extra or {}).items():
            with z.open(name, "w", force_zip64=True) as fh:
                for part in parts:
                    fh.write(part.encode("utf-8"))
    return path


def merged_grid(path: Path) -> Path:
    """5 KB: one cell, and a merged range over the whole 16,384 × 1,048,576 grid."""
    body = f'{_SHEET_HEAD}<sheetData>{HEADER_ROW}</sheetData><mergeCells count="1">'
    return write_xlsx(path, body + '<mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>')


def last_cell(path: Path) -> Path:
    """One cell at the last row and column (XFD1048576)."""
    cell = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return write_xlsx(path, f"{_SHEET_HEAD}<sheetData>{HEADER_ROW}{cell}</sheetData></worksheet>")


def row_million(path: Path) -> Path:
    """A header, one row, and one cell at row 1,000,000."""
    cell = '<row r="1000000"><c r="A1000000"><v>1</v></c></row>'
    sheet = f"{_SHEET_HEAD}<sheetData>{HEADER_ROW}{_row(2)}{cell}</sheetData></worksheet>"
    return write_xlsx(path, sheet)


def giant_shared_string(path: Path, size: int = 200_000_000) -> Path:
    """A shared-strings part holding one string of ``size`` characters (zipped: ~200 KB)."""

    def strings() -> Iterator[str]:
        yield '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        chunk = "A" * 1_000_000
        for _ in range(size // len(chunk)):
            yield chunk
        yield "</t></si></sst>"

    sheet = f'{_SHEET_HEAD}<sheetData>{HEADER_ROW}<row r="2"><c r="C2" t="s"><v>0</v></c></row>'
    return write_xlsx(path, sheet + "</sheetData></worksheet>", {"xl/sharedStrings.xml": strings()})


def million_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A sheet of ``rows`` enterprise rows."""

    def sheet() -> Iterator[str]:
        yield f"{_SHEET_HEAD}<sheetData>{HEADER_ROW}"
        for start in range(2, rows + 2, 10_000):
            yield "".join(_row(n) for n in range(start, min(start + 10_000, rows + 2)))
        yield "</sheetData></worksheet>"

    return write_xlsx(path, sheet())


def entity_payload(path: Path) -> Path:
    """A sheet whose XML declares nested entities (the "billion laughs")."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    sheet = (
        f'<?xml version="1.0"?>{doctype}]><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{HEADER_ROW}<row r="2"><c r="C2" t="inlineStr">'
        "<is><t>&i;</t></is></c></row></sheetData></worksheet>"
    )
    return write_xlsx(path, sheet)


def zip_bomb(path: Path, size: int = 1_000_000_000) -> Path:
    """A worksheet part that unzips to ``size`` bytes of padding (zipped: ~1 MB)."""

    def sheet() -> Iterator[str]:
        yield f"{_SHEET_HEAD}<sheetData>{HEADER_ROW}"
        pad = " " * 10_000_000
        for _ in range(size // len(pad)):
            yield pad
        yield "</sheetData></worksheet>"

    return write_xlsx(path, sheet())


def huge_html(path: Path, size: int = 50_000_000) -> Path:
    """A 50 MB HTML list (a real table, repeated)."""
    row = "<tr><td>1</td><td>北京市</td><td>合成测试企业有限公司</td></tr>"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<html><body><table><tr><td>序号</td><td>省份</td><td>企业名称</td></tr>")
        for _ in range(size // len(row.encode())):
            fh.write(row)
        fh.write("</table></body></html>")
    return path


def huge_csv_field(path: Path, size: int = 10_000_000) -> Path:
    """A CSV list whose one quoted name field holds ``size`` characters."""
    path.write_text(f'序号,省份,企业名称\n1,北京市,"{"甲" * (size // 3)}"\n', encoding="utf-8")
    return path


def lone_cr(path: Path) -> Path:
    """A CSV list whose lines end in a lone CR (old Mac line ends)."""
    path.write_bytes("序号,省份,企业名称\r1,北京市,合成测试甲有限公司\r".encode())
    return path


BOMBS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "merged-grid": ("merged.xlsx", merged_grid),
    "last-cell": ("last-cell.xlsx", last_cell),
    "row-1000000": ("row-1000000.xlsx", row_million),
    "shared-string-200MB": ("shared-string.xlsx", giant_shared_string),
    "million-rows": ("million-rows.xlsx", million_rows),
    "html-50MB": ("list.html", huge_html),
    "csv-field-10MB": ("field.csv", huge_csv_field),
    "lone-cr": ("lone-cr.csv", lone_cr),
    "xml-entities": ("entities.xlsx", entity_payload),
    "zip-bomb-1GB": ("zip-bomb.xlsx", zip_bomb),
}
