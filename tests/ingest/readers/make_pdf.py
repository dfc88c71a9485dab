"""Synthetic attachment-list PDFs in the shapes lists are printed in (test data, not real lists).

Drawn line by line with reportlab's canvas and its built-in CID font STSong-Light, so no font
file is needed: the PDF names the Adobe-GB1 font and pdfminer maps its glyphs back to Unicode
with the CMaps it ships. Every shape a reader must cope with is a switch on ``Shape``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

HEADER_ZH = ("序号", "地区", "企业名称", "统一社会信用代码")
HEADER_EN = ("No.", "Province", "Enterprise", "USCC")
WIDTHS = (40.0, 100.0, 190.0, 150.0)
CN_DIGITS = "一二三四五六七八九"


def cn_ordinal(index: int) -> str:
    """一 … 九十九 for 0 … 98: the ordinals of a list's province sections (31 and more)."""
    n = index + 1
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens - 1] + "十")
    return head + (CN_DIGITS[units - 1] if units else "")


LEFT, TOP_MARGIN, BOTTOM_MARGIN, PAD = 56.0, 56.0, 60.0, 3.0


@dataclass(frozen=True)
class Entry:
    """One synthetic enterprise row as the list prints it."""

    seq: str
    region: str
    name: str
    uscc: str = ""


@dataclass(frozen=True)
class Shape:
    """How the table is laid out on the page."""

    rules: str = "grid"  # grid | rows (horizontal rules only) | none
    rule_style: str = "lines"  # lines | rects (borders as thin filled rectangles, as Word prints)
    header_on_every_page: bool = True
    title: bool = True  # 附件1 and a title above the table
    page_number: str | None = "- {} -"
    sections: bool = False  # 一、北京市（3家） rows instead of a region column
    merged_regions: bool = False  # a region printed once for the rows of its group
    uscc: bool = True
    break_rows: bool = True  # a wrapped row at a page's foot continues on the next page
    split_row: bool = False  # shorten the page until some row is broken over a boundary
    english: bool = False
    scanned_pages: int = 0  # image-only pages after the table, as a partly scanned file has
    passwords: tuple[str, str] | None = None  # (user, owner): RC4-encrypted as reportlab does
    page_height: float = A4[1]
    font_size: float = 10.0
    font: str = FONT  # Helvetica for a Latin-only list
    widths: tuple[float, float, float, float] = WIDTHS  # of seq, region, name, uscc


@dataclass(frozen=True)
class Drawn:
    """A drawn PDF and what it exercised, so a test can tell that its shape really occurred."""

    data: bytes
    pages: int
    split_rows: int
    wrapped_cells: int


@dataclass
class _Row:
    kind: str  # header | section | data
    lines: list[list[str]]  # lines of text per column
    group: int = -1


@dataclass
class _Segment:
    row: _Row
    top: float
    first: int  # first line of the row drawn here
    count: int  # lines drawn here
    parts: list[int] = field(default_factory=list)


def columns(shape: Shape) -> list[int]:
    """Which of seq / region / name / uscc the table prints, in order."""
    cols = [0, 2] if shape.sections else [0, 1, 2]
    return [*cols, 3] if shape.uscc else cols


def header(shape: Shape) -> list[str]:
    labels = HEADER_EN if shape.english else HEADER_ZH
    return [labels[c] for c in columns(shape)]


def section_text(index: int, region: str, count: int) -> str:
    return f"{cn_ordinal(index)}、{region}（{count}家）"


def is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def wrap(text: str, width: float, size: float, font: str = FONT) -> list[str]:
    """Greedy line filling: CJK breaks between any two characters, Latin only at spaces."""
    tokens: list[str] = []
    for ch in text:
        if is_cjk(ch) or not tokens or is_cjk(tokens[-1][-1]) or tokens[-1].endswith(" "):
            tokens.append(ch)
        else:
            tokens[-1] += ch
    lines = [""]
    for tok in tokens:
        trial = lines[-1] + tok
        if lines[-1] and pdfmetrics.stringWidth(trial.rstrip(), font, size) > width:
            lines.append(tok.lstrip())
        else:
            lines[-1] = trial
    return [line.rstrip() for line in lines]


def draw_pdf(entries: Sequence[Entry], shape: Shape, title: str = "") -> Drawn:
    """Lay the entries out as a list table over as many pages as they need."""
    title = title or "合成测试名单（第一批）"
    if not shape.split_row:
        return _Layout(shape).draw(entries, title)
    for lines in range(12):  # one line shorter at a time until a wrapped row meets a page foot
        tried = replace(shape, page_height=shape.page_height - lines * shape.font_size * 1.4)
        drawn = _Layout(tried).draw(entries, title)
        if drawn.split_rows:
            return drawn
    raise ValueError("no page height breaks a row: give entries with wrapped names")


class _Layout:
    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.size = shape.font_size
        self.lh = shape.font_size * 1.4
        self.cols = columns(shape)
        self.widths = [shape.widths[c] for c in self.cols]
        self.xs = [LEFT + sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        self.wrapped = 0

    def cell(self, text: str, col: int) -> list[str]:
        lines = wrap(text, self.widths[col] - 2 * PAD, self.size, self.shape.font)
        self.wrapped += len(lines) > 1
        return lines

    def rows(self, entries: Sequence[Entry]) -> list[_Row]:
        rows = [_Row("header", [self.cell(h, i) for i, h in enumerate(header(self.shape))])]
        groups: list[list[Entry]] = []
        for e in entries:
            if groups and groups[-1][0].region == e.region:
                groups[-1].append(e)
            else:
                groups.append([e])
        for g, members in enumerate(groups):
            if self.shape.sections:
                text = section_text(g, members[0].region, len(members))
                rows.append(_Row("section", [[text]] + [[""] for _ in self.cols[1:]], g))
            for i, e in enumerate(members):
                values = (e.seq, e.region, e.name, e.uscc)
                cells = [values[c] for c in self.cols]
                if self.shape.merged_regions and i and 1 in self.cols:
                    cells[self.cols.index(1)] = ""
                rows.append(_Row("data", [self.cell(t, i) for i, t in enumerate(cells)], g))
        return rows

    def draw(self, entries: Sequence[Entry], title: str) -> Drawn:
        buf = io.BytesIO()
        lock = self.shape.passwords
        encrypt = StandardEncryption(lock[0], ownerPassword=lock[1]) if lock else None
        canvas = Canvas(buf, pagesize=(A4[0], self.shape.page_height), encrypt=encrypt)
        rows = self.rows(entries)
        head, body = rows[0], rows[1:]
        pages: list[list[_Segment]] = []
        split = 0
        y = self.start_page(canvas, 1, title)
        page: list[_Segment] = []
        head_lines = max(len(lines) for lines in head.lines)
        page.append(_Segment(head, y, 0, head_lines))
        y -= head_lines * self.lh + 2 * PAD
        for row in body:
            n = max(len(lines) for lines in row.lines)
            first = 0
            while first < n:
                room = int((y - BOTTOM_MARGIN - 2 * PAD) // self.lh)
                take = n - first
                if room < take and (not self.shape.break_rows or row.kind != "data"):
                    room = 0
                take = min(take, room)
                if take <= 0:
                    pages.append(page)
                    self.finish_page(canvas, page, len(pages))
                    y = self.start_page(canvas, len(pages) + 1, title)
                    page = []
                    if self.shape.header_on_every_page:
                        page.append(_Segment(head, y, 0, head_lines))
                        y -= head_lines * self.lh + 2 * PAD
                    continue
                split += first == 0 and take < n
                page.append(_Segment(row, y, first, take))
                y -= take * self.lh + 2 * PAD
                first += take
        pages.append(page)
        self.finish_page(canvas, page, len(pages))
        for _ in range(self.shape.scanned_pages):
            draw_image_page(canvas)
        canvas.save()
        return Drawn(buf.getvalue(), len(pages), split, self.wrapped)

    def start_page(self, canvas: Canvas, number: int, title: str) -> float:
        y = self.shape.page_height - TOP_MARGIN
        if number == 1 and self.shape.title:
            canvas.setFont(FONT, 12)
            canvas.drawString(LEFT, y, "附件1")
            y -= 30
            canvas.setFont(FONT, 16)
            for line in wrap(title, A4[0] - 2 * LEFT, 16):
                canvas.drawCentredString(A4[0] / 2, y, line)
                y -= 22
            y -= 10
        return y

    def finish_page(self, canvas: Canvas, segments: list[_Segment], number: int) -> None:
        canvas.setFont(self.shape.font, self.size)
        region_col = self.cols.index(1) if 1 in self.cols else -1
        merged = self.shape.merged_regions and region_col >= 0
        for i, seg in enumerate(segments):
            height = seg.count * self.lh + 2 * PAD
            prev = segments[i - 1] if i else None
            continues_group = (
                merged
                and prev is not None
                and prev.row.kind == "data"
                and seg.row.kind == "data"
                and prev.row.group == seg.row.group
            )
            if seg.row.kind == "section":
                canvas.drawString(self.xs[0] + PAD, self.baseline(seg, 0), seg.row.lines[0][0])
            else:
                for c, lines in enumerate(seg.row.lines):
                    if c == region_col and merged and seg.row.kind == "data":
                        continue
                    for k, text in enumerate(lines[seg.first : seg.first + seg.count]):
                        self.text(canvas, seg, c, k, text)
            if merged and seg.row.kind == "data" and not continues_group:
                self.merged_region(canvas, segments, i, region_col)
            if self.shape.rules == "none":
                continue
            bottom = seg.top - height
            for c in range(len(self.cols)):
                if not (continues_group and c == region_col):
                    self.rule(canvas, self.xs[c], seg.top, self.xs[c + 1], seg.top)
            inner = [] if seg.row.kind == "section" else self.xs[1:-1]
            for x in [self.xs[0], *inner, self.xs[-1]] if self.shape.rules == "grid" else []:
                self.rule(canvas, x, seg.top, x, bottom)
            if i == len(segments) - 1:
                self.rule(canvas, self.xs[0], bottom, self.xs[-1], bottom)
        if self.shape.page_number:
            canvas.setFont(self.shape.font, 10)
            canvas.drawCentredString(A4[0] / 2, 30, self.shape.page_number.format(number))
        canvas.showPage()

    def rule(self, canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> None:
        if self.shape.rule_style == "lines":
            canvas.setLineWidth(0.5)
            canvas.line(x0, y0, x1, y1)
        else:
            canvas.rect(x0 - 0.25, y1 - 0.25, x1 - x0 + 0.5, y0 - y1 + 0.5, stroke=0, fill=1)

    def baseline(self, seg: _Segment, k: int) -> float:
        return seg.top - PAD - self.size - k * self.lh

    def text(self, canvas: Canvas, seg: _Segment, c: int, k: int, text: str) -> None:
        if self.cols[c] == 2 and seg.row.kind == "data":  # names are left-aligned
            canvas.drawString(self.xs[c] + PAD, self.baseline(seg, k), text)
        else:
            centre = (self.xs[c] + self.xs[c + 1]) / 2
            canvas.drawCentredString(centre, self.baseline(seg, k), text)

    def merged_region(self, canvas: Canvas, segments: list[_Segment], i: int, col: int) -> None:
        """The region of a group, once: centred over the group's rows on this page (ruled) or on
        its first line (unruled), and left out where the group continues from the page before."""
        seg = segments[i]
        if seg.first:
            return  # the group began on the page before
        lines = seg.row.lines[col]
        if not lines[0]:
            return  # not the group's first row: the region was printed on the page before
        run = [s for s in segments[i:] if s.row.group == seg.row.group and s.row.kind == "data"]
        centre = (self.xs[col] + self.xs[col + 1]) / 2
        if self.shape.rules == "grid":
            bottom = run[-1].top - run[-1].count * self.lh - 2 * PAD
            y = (seg.top + bottom) / 2 - self.size / 3 + (len(lines) - 1) * self.lh / 2
        else:
            y = self.baseline(seg, 0)
        for k, text in enumerate(lines):
            canvas.drawCentredString(centre, y - k * self.lh, text)


REGIONS = ("北京市", "天津市", "河北省", "宁波市", "新疆生产建设兵团", "浙江省", "广东省")
REGION_CODES = ("110108", "120116", "130100", "330203", "660000", "330106", "440300")
STEMS = (
    "合成示例{}精密仪器有限公司",
    "合成示例{}号长江三角洲高端智能装备制造与新材料研发股份有限公司",
    "Synthetic Example {} Precision Instruments and Advanced Materials Co., Ltd.",
    "合成示例（{}）科技有限公司",
    "合成(示例){}电子有限公司",
)


def synthetic_entries(count: int, per_region: int = 9) -> list[Entry]:
    """Synthetic enterprises (no real firm): names of several shapes, valid check characters."""
    from stdnum.cn import uscc

    entries = []
    for i in range(count):
        r = (i // per_region) % len(REGIONS)
        stem = f"91{REGION_CODES[r]}MA{i:07d}"
        name = STEMS[i % len(STEMS)].format(i + 1)
        entries.append(Entry(str(i + 1), REGIONS[r], name, stem + uscc.calc_check_digit(stem)))
    return entries


def draw_image_page(canvas: Canvas) -> None:
    """A page that is one picture of a table, as a scanner makes it: no text layer."""
    picture = Image.new("RGB", (400, 560), "white")
    pen = ImageDraw.Draw(picture)
    for y in range(40, 520, 24):
        pen.rectangle((30, y, 370, y + 16), outline="black")
    canvas.drawImage(ImageReader(picture), 40, 60, A4[0] - 80, A4[1] - 120)
    canvas.showPage()


def draw_scan(pages: int = 2) -> bytes:
    """An image-only PDF: what a scanner produces, with no text layer at all."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    for _ in range(pages):
        draw_image_page(canvas)
    canvas.save()
    return buf.getvalue()
