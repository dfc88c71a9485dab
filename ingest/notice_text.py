"""A notice's text laid out as a reader needs it: header, title, body, signature.

Notices reach us as MIIT prints them (a 发文机关 line, the 文号, a title wrapped over lines,
U+3000 indents, page numbers between paragraphs), as a web page shows them (breadcrumbs, a
发布时间 line, a share bar) and in English. The page furniture is dropped; the header is what
comes before the addressee (各省…主管部门：) or the first paragraph of prose; the signature is the
issuer line(s) just above the date written at the end, or the last line of an undated notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ontology.names import CJK_RANGE, DOC_NUMBER, zh_date_line

_FURNITURE = re.compile(
    r"^(?:[—–－-]\s*\d+\s*[—–－-]"  # page numbers: — 1 —
    r"|[（(]此件[^）)]*[）)]"  # （此件公开发布）
    r"|.*首页\s*[>＞].*"  # breadcrumbs
    r"|(?:发布时间|发布日期|来源|文章来源|浏览次数|点击数)\s*[:：].*"
    r"|.*(?:【\s*字体|打印本页|关闭窗口).*"
    r"|(?:分享到|相关链接|扫一扫)\s*[:：]?.*)$"
)
_TITLE_END_ZH = re.compile(r"(?:通知|通告|公告|公示|名单|决定|意见|办法|批复|报告|方案|细则)$")
_TITLE_START_EN = re.compile(r"^(?:Notice|Circular|Announcement|Decision|Opinions?|Measures)\b")
_ISSUER_END_ZH = re.compile(
    r"(?:部|厅|局|委|委员会|办公厅|办公室|中心|政府|董事会|管委会|处|院|署|会)$"
)
LABEL = re.compile(
    rf"^(?P<label>[{CJK_RANGE}]{{1,10}}?(?:市|省|自治区|区|县|州|盟|地区))[：:](?P<rest>[^。]+)$"
)
"""A line of a list grouped by city or province: ``杭州市：A、B、C``."""
_LIST_ITEM = re.compile(r"^(?:[（(]?\d{1,4}[）)]?[．.、]|[一二三四五六七八九十]+、)")
_NOT_ADDRESSEE = re.compile(r"^(?:根据|依据|按照|为|经|现|按|本|我)|[《》]")
_SENTENCE_END = ("。", "！", "？", "；", "：", ":", ".", "!", "?", ";")
_TAIL_MONTHS = "january|february|march|april|may|june|july|august|september|october|november"
_EN_DATE_LINE = re.compile(
    rf"^(?:(?:{_TAIL_MONTHS}|december)\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+(?:{_TAIL_MONTHS}|december),?\s+\d{{4}})$",
    re.I,
)


@dataclass
class NoticeLines:
    """The notice's lines, furniture dropped ("" for a blank line), split into its parts."""

    lines: list[str]
    zh: bool
    header: list[str] = field(default_factory=list)
    title: str | None = None
    body: list[str] = field(default_factory=list)  # after the header, signature excluded
    issuers: list[str] = field(default_factory=list)
    date_line: str | None = None

    def all_text(self) -> str:
        return "\n".join(line for line in self.lines if line)

    def body_text(self) -> str:
        return "\n".join(self.paragraphs())

    def paragraphs(self) -> list[str]:
        """Body prose with lines rejoined where a page or a wrap broke a sentence; table rows
        (cells separated by tabs) and ``……`` stay lines of their own."""
        out: list[str] = []
        open_sentence = False
        for line in self.body:
            if not line:
                continue
            row = is_table_row(line) or line.strip("…. ") == "" or LABEL.match(line) is not None
            if open_sentence and not row and out and not _LIST_ITEM.match(line):
                out[-1] += line if self.zh else " " + line
            else:
                out.append(line)
            item = _LIST_ITEM.match(line) is not None and not line.endswith(("，", ","))
            open_sentence = not row and not item and not line.endswith(_SENTENCE_END)
        return out


def is_table_row(line: str) -> bool:
    """A line of an attachment table: cells separated by tabs (or, in text taken from a PDF, a
    row such as ``1 北京市 北京示例…有限公司``: a number, then cells separated by spaces)."""
    stripped = line.strip()
    if "\t" in stripped:
        return True
    cells = table_cells(stripped)
    return len(cells) >= 2 and (cells[0].isdigit() or "企业名称" in cells)


def table_cells(line: str) -> list[str]:
    """The cells of a table row: tab-separated, else separated by runs of spaces."""
    if "\t" in line:
        return [cell.strip(" \u3000") for cell in line.split("\t")]
    return [cell for cell in re.split(r"[ \u3000]+", line.strip()) if cell]


def read_lines(text: str, *, zh: bool) -> NoticeLines:
    """Lay a notice's text out in its parts."""
    lines = [_clean(raw) for raw in text.splitlines()]
    lines = [line for line in lines if not _FURNITURE.match(line)]
    notice = NoticeLines(lines, zh)
    first = next((i for i, line in enumerate(lines[:40]) if _is_title_line(line, zh)), None)
    start = _body_start(lines, zh, 0 if first is None else first + 1)
    notice.header = [line for line in lines[:start] if line]
    notice.title = _title_zh(lines[:start]) if zh else _title_en(notice.header)
    end = _signature(notice, zh)
    body_from = start + 1 if start < len(lines) and _is_addressee(lines[start]) else start
    notice.body = [
        line for i, line in enumerate(lines[body_from:], body_from) if i not in end and line
    ]
    return notice


def _clean(raw: str) -> str:
    """The line without its indent and trailing spaces (U+3000 included); inner spacing kept."""
    return raw.strip(" \t\u3000\u00a0\r")


def _is_addressee(line: str) -> bool:
    """各省…主管部门： / To the departments …: (not a sentence that ends in a colon)."""
    if not line.endswith(("：", ":")) or line.startswith(("附件", "Attachment")):
        return False
    return "。" not in line and len(line) < 200 and not _NOT_ADDRESSEE.search(line)


def _is_prose(line: str, zh: bool) -> bool:
    if zh:
        return len(line) > 25 and ("，" in line or "。" in line or "," in line)
    return len(line) > 60 and (". " in line or line.endswith("."))


def _body_start(lines: list[str], zh: bool, after: int) -> int:
    """Index of the first line after the header: the addressee, or the first prose line after
    the title (a preface before the title, such as a web page's, is not the body)."""
    for i, line in enumerate(lines[after:], after):
        if line and (_is_addressee(line) or _is_prose(line, zh)):
            return i
    return len(lines)


def _is_title_line(line: str, zh: bool) -> bool:
    """A line that ends a title: no sentence punctuation, a title's last word."""
    if not zh:
        return _TITLE_START_EN.match(line) is not None
    if re.search(r"[，。：:；]", line) or _is_number_line(line):
        return False
    return _TITLE_END_ZH.search(line) is not None


def _title_zh(header: list[str]) -> str | None:
    """The notice's own title: the first header line ending like a title, joined with the lines
    above it in the same paragraph that carry its beginning (a wrapped title, a company's name
    before 关于)."""
    for i, line in enumerate(header):
        if not line or not _is_title_line(line, zh=True):
            continue
        parts = [line]
        j = i - 1
        while j >= 0 and header[j] and not _is_number_line(header[j]):
            joined = "".join(parts)
            if "关于" in joined and not joined.startswith("关于"):
                break
            if "：" in header[j] or ":" in header[j]:
                break
            parts.insert(0, header[j])
            if joined.startswith("关于"):
                break
            j -= 1
        return "".join(parts)
    return None


def _title_en(header: list[str]) -> str | None:
    return next((line for line in header if _TITLE_START_EN.match(line)), None)


def _is_number_line(line: str) -> bool:
    canonical = re.sub(r"[【［\[（(](\d{4})[】］\]）)](?=\d+号)", r"〔\1〕", line)
    return DOC_NUMBER.fullmatch(canonical) is not None


def _signature(notice: NoticeLines, zh: bool) -> set[int]:
    """Find the issuers and the date written; return the indices of the signature's lines."""
    lines = notice.lines
    filled = [i for i, line in enumerate(lines) if line]
    is_date = (lambda s: zh_date_line(s) is not None) if zh else _EN_DATE_LINE.match
    for k in range(len(filled) - 1, 0, -1):
        i = filled[k]
        if is_date(lines[i]) and _is_issuer(lines[filled[k - 1]], zh):
            first = k - 1
            while first > 0 and _is_issuer(lines[filled[first - 1]], zh) and zh:
                first -= 1
            notice.date_line = lines[i]
            for j in filled[first:k]:
                notice.issuers += split_issuers(lines[j])
            return {*filled[first : k + 1]}
    if filled and _is_issuer(lines[filled[-1]], zh):
        notice.issuers = split_issuers(lines[filled[-1]])
        return {filled[-1]}
    return set()


def _is_issuer(line: str, zh: bool) -> bool:
    if not line or is_table_row(line) or _is_number_line(line):
        return False
    if zh:
        plain = not re.search(r"[，。；：:、！？《》“”]", line) and 2 <= len(line) <= 80
        return plain and all(_ISSUER_END_ZH.search(part) for part in split_issuers(line))
    return bool(re.fullmatch(r"[A-Z][A-Za-z ()'&-]{5,150}", line))


def split_issuers(line: str) -> list[str]:
    """Joint issuers printed on one signature line, apart (财政部　　工业和信息化部 is two)."""
    return [part for part in re.split(r"\s{2,}|\u3000+", line.strip()) if part]
