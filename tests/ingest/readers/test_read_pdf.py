"""PDF attachment lists in every printed shape read into one sheet of the same cells; scans,
encrypted files and oversized files are refused with a reason. All PDFs are synthetic."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from ingest.limits import ReadLimits
from ingest.parse_list import parse_list
from ingest.read_pdf import EncryptedPdfError, NoTextLayerError, read_pdf
from ingest.sheet import ReadError, TooLargeError
from ontology.paths import DATA_DIR
from tests.ingest.readers.make_pdf import (
    FONT,
    Entry,
    Shape,
    columns,
    draw_pdf,
    draw_scan,
    header,
    synthetic_entries,
)
from tests.ingest.readers.make_xls import write_csv

ENTRIES = synthetic_entries(60)
KEY_LISTS = DATA_DIR / "key_little_giants_2024_lists.csv"  # the shipped copy of the real lists
TITLE = ["附件1", "合成测试名单（第一批）"]
NARROW = (22.0, 40.0, 190.0, 150.0)  # 序号 and 地区 wrap: 序/号, 新疆生产/建设兵团


def expected(entries: list[Entry], shape: Shape) -> list[list[str]]:
    """The cells a reader must return: the header once, then one row per enterprise; a list in
    sections gets its region as an appended 地区 column."""
    extra = ["地区"] if shape.sections else []
    rows = [header(shape) + extra]
    for e in entries:
        values = (e.seq, e.region, e.name, e.uscc)
        rows.append([values[c] for c in columns(shape)] + ([e.region] if shape.sections else []))
    return rows


SHAPES = [
    pytest.param(Shape(), id="ruled-header-every-page"),
    pytest.param(Shape(header_on_every_page=False), id="ruled-header-first-page-only"),
    pytest.param(Shape(rule_style="rects"), id="ruled-with-filled-rectangles"),
    pytest.param(Shape(split_row=True), id="ruled-row-broken-over-a-page"),
    pytest.param(
        Shape(split_row=True, header_on_every_page=False), id="ruled-row-broken-no-header-repeat"
    ),
    pytest.param(Shape(merged_regions=True), id="ruled-merged-region-cells"),
    pytest.param(Shape(merged_regions=True, split_row=True), id="ruled-merged-and-broken"),
    pytest.param(Shape(sections=True), id="ruled-province-sections"),
    pytest.param(Shape(sections=True, uscc=False), id="ruled-sections-no-credit-code"),
    pytest.param(Shape(rules="none"), id="unruled"),
    pytest.param(Shape(rules="none", header_on_every_page=False), id="unruled-header-once"),
    pytest.param(Shape(rules="none", split_row=True), id="unruled-row-broken-over-a-page"),
    pytest.param(Shape(rules="none", merged_regions=True), id="unruled-region-printed-once"),
    pytest.param(Shape(rules="none", sections=True), id="unruled-province-sections"),
    pytest.param(Shape(rules="rows"), id="horizontal-rules-only"),
    pytest.param(Shape(page_number="第 {} 页"), id="page-number-di-ye"),
    pytest.param(Shape(rules="none", page_number="{}"), id="page-number-bare-unruled"),
    pytest.param(Shape(english=True, uscc=False), id="english-header"),
    pytest.param(Shape(widths=NARROW), id="ruled-wrapped-header-and-regions"),
    pytest.param(Shape(rules="none", widths=NARROW), id="unruled-wrapped-header-and-regions"),
    pytest.param(
        Shape(rules="none", widths=NARROW, split_row=True, header_on_every_page=False),
        id="unruled-wrapped-everything-broken-over-a-page",
    ),
]


def test_pdfplumber_reads_chinese_back_from_reportlabs_cid_font() -> None:
    """The premise of every PDF here: STSong-Light is not embedded, the page names Adobe-GB1
    with the UniGB-UCS2-H encoding, and pdfminer's bundled CMaps map each glyph back to its
    character, Latin and full-width punctuation included."""
    text = "序号 地区 企业名称 统一社会信用代码（原名：合成）“小巨人” Co., Ltd. 91110108MA01"
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.setFont(FONT, 12)
    canvas.drawString(72, 700, text)
    canvas.showPage()
    canvas.save()
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        assert pdf.pages[0].extract_text() == text


@pytest.mark.parametrize("shape", SHAPES)
def test_each_printed_shape_reads_as_the_same_cells(shape: Shape) -> None:
    drawn = draw_pdf(ENTRIES, shape)
    assert drawn.pages >= 3
    assert drawn.wrapped_cells > 0
    [sheet] = read_pdf(drawn.data)
    assert [cells for _, cells in sheet.rows] == expected(ENTRIES, shape)
    assert sheet.preamble == TITLE  # page numbers are not text of the list


def test_the_generator_really_breaks_a_row_over_a_page() -> None:
    """The broken-row shapes above test something only if a row was really broken."""
    assert draw_pdf(ENTRIES, Shape(split_row=True)).split_rows >= 1
    assert draw_pdf(ENTRIES, Shape(rules="none", split_row=True)).split_rows >= 1


def test_row_numbers_count_the_joined_table_from_its_header() -> None:
    [sheet] = read_pdf(draw_pdf(ENTRIES[:5], Shape()).data)
    assert [n for n, _ in sheet.rows] == [1, 2, 3, 4, 5, 6]


def test_a_list_without_a_title_has_an_empty_preamble() -> None:
    [sheet] = read_pdf(draw_pdf(ENTRIES[:30], Shape(title=False)).data)
    assert sheet.preamble == []
    assert len(sheet.rows) == 31


def test_a_long_title_wrapped_over_two_lines_stays_in_the_preamble() -> None:
    title = "合成测试关于公布第三批专精特新“小巨人”企业和第一批专精特新“小巨人”企业复核通过名单"
    [sheet] = read_pdf(draw_pdf(ENTRIES[:10], Shape(), title=title).data)
    assert sheet.preamble[0] == "附件1"
    assert "".join(sheet.preamble[1:]) == title
    assert [c for _, c in sheet.rows] == expected(ENTRIES[:10], Shape())


def test_a_scan_is_refused_as_having_no_text_layer() -> None:
    with pytest.raises(NoTextLayerError, match=r"a scan without a text layer.*OCR is not done"):
        read_pdf(draw_scan())


def test_text_drawn_as_outlines_is_refused_as_having_no_text_layer() -> None:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    path = canvas.beginPath()
    path.moveTo(100, 700)
    path.lineTo(300, 700)
    path.lineTo(200, 600)
    canvas.drawPath(path, fill=1)
    canvas.showPage()
    canvas.save()
    with pytest.raises(NoTextLayerError, match="no text layer"):
        read_pdf(buf.getvalue())


def test_a_scanned_page_inside_a_text_pdf_is_refused_not_skipped() -> None:
    drawn = draw_pdf(ENTRIES[:5], Shape(scanned_pages=1))
    with pytest.raises(NoTextLayerError, match=r"page 2 is \(of 2\) a scanned image"):
        read_pdf(drawn.data)


def test_a_pdf_that_needs_a_password_is_refused() -> None:
    drawn = draw_pdf(ENTRIES[:5], Shape(passwords=("secret", "owner")))
    with pytest.raises(EncryptedPdfError, match="opens only with a password"):
        read_pdf(drawn.data)


def test_a_pdf_restricted_by_an_owner_password_only_is_read() -> None:
    """Such a PDF opens without a password in every viewer: its text is there to read.

    Latin text in Helvetica: reportlab's encryption garbles the CID font's CIDSystemInfo
    strings (qpdf cannot decrypt them either), so an encrypted STSong-Light page maps to no
    characters at all, which the next test shows is refused, not misread.
    """
    entries = [Entry(str(i), "Beijing", f"Example {i} Co., Ltd.") for i in range(1, 6)]
    shape = Shape(passwords=("", "owner"), font="Helvetica", english=True, uscc=False, title=False)
    [sheet] = read_pdf(draw_pdf(entries, shape).data)
    assert [c for _, c in sheet.rows] == expected(entries, shape)


def test_glyphs_without_a_unicode_mapping_are_refused_not_read_as_cid_numbers() -> None:
    drawn = draw_pdf(ENTRIES[:5], Shape(passwords=("", "owner")))
    with pytest.raises(NoTextLayerError, match="glyphs that map to no characters"):
        read_pdf(drawn.data)


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        pytest.param(
            {"max_pdf_pages": 2}, r"3 pages; at most 2 \(LG_MAX_PDF_PAGES=2\)", id="page-cap"
        ),
        pytest.param({"max_list_rows": 10}, "more than 500 characters", id="character-cap"),
    ],
)
def test_caps_refuse_a_file_past_them(limits: dict[str, int], message: str) -> None:
    data = draw_pdf(ENTRIES, Shape()).data
    with pytest.raises(TooLargeError, match=message):
        read_pdf(data, ReadLimits(**limits))


def test_bytes_that_are_not_a_pdf_are_refused() -> None:
    with pytest.raises(ReadError, match="not a readable PDF"):
        read_pdf(b"%PDF-1.4\nthis is not a PDF body")


def test_a_pdf_of_prose_without_a_table_is_refused() -> None:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    canvas.setFont(FONT, 12)
    for i, line in enumerate(["关于公布合成测试名单的通知", "各有关单位：", "现将名单公布如下。"]):
        canvas.drawString(72, 700 - 20 * i, line)
    canvas.showPage()
    canvas.save()
    with pytest.raises(ReadError, match="no table"):
        read_pdf(buf.getvalue())


def _miit_2024_lists() -> dict[str, list[dict[str, str]]]:
    lists: dict[str, list[dict[str, str]]] = {}
    with KEY_LISTS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lists.setdefault(row["list_title"], []).append(row)
    return lists


@pytest.mark.slow
@pytest.mark.parametrize("rules", ["grid", "none"])
def test_the_three_miit_2024_lists_printed_as_pdf_read_back_row_for_row(
    rules: str, tmp_path: Path
) -> None:
    """The rows of the three MIIT lists of 2024 (409 / 381 / 398 rows, 序号 / 地区 / 企业名称),
    laid out here as 12-point PDFs of about 15 pages: real names, brackets and notes included.
    The ministry's own PDFs are not in the repository; these are drawn from the recorded rows."""
    lists = _miit_2024_lists()
    assert sorted(len(rows) for rows in lists.values()) == [381, 398, 409]
    for title, rows in lists.items():
        entries = [Entry(r["seq"], r["region_as_printed"], r["name_zh"]) for r in rows]
        drawn = draw_pdf(entries, Shape(rules=rules, uscc=False, font_size=12), title)
        assert drawn.pages >= 14
        [sheet] = read_pdf(drawn.data)
        assert sheet.preamble == ["附件1", title]
        assert [c for _, c in sheet.rows] == [
            ["序号", "地区", "企业名称"],
            *([e.seq, e.region, e.name] for e in entries),
        ]
        written = tmp_path / "list.csv"
        written.write_bytes(
            write_csv([[line] for line in sheet.preamble] + [c for _, c in sheet.rows])
        )
        parsed = parse_list(written)
        assert parsed.errors == (), [str(e) for e in parsed.errors[:5]]
        assert [(r.seq, r.region_text, r.name) for r in parsed.rows] == [
            (e.seq, e.region, e.name) for e in entries
        ]
