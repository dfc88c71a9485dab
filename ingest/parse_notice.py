"""Notice text (通知 / 通告 / 公示 / 公告), Chinese or English, read into the facts it states.

The reader takes what the text itself says: the notice's own 文号 (or English reference) when
printed, title, issuers (the signature block), date written (the date under the signature, not a
page's 发布时间), cited documents, the batch it is about, the count it declares, the re-review
year, a revocation's ground, its kind of act, and the firms it names (``notice_firms``). What it
cannot find is listed in ``missing``; what it saw but would not read as a firm is listed in
``reported``. Nothing is filled in. Pure: resolving firms and citations is ``build.notices``'s.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.notice_firms import NamedFirm, NoticeFirms, english_firms, zh_firms
from ingest.notice_text import NoticeLines, read_lines
from ontology.names import (
    BATCH_ORDINAL,
    CJK,
    CN_NUMERALS,
    DOC_NUMBER,
    cn_number,
    zh_date_line,
)

KINDS = ("batch", "review-passed", "review-failed", "revocation", "forwarding", "other")
_STATED = ("title", "document", "issuers", "date", "batch", "count", "enterprises")
_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
_EN_DATE = re.compile(
    rf"^(?:(?P<m1>{'|'.join(_MONTHS)})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{'|'.join(_MONTHS)}),?\s+(?P<y2>\d{{4}}))$",
    re.I,
)
_EN_REFERENCE = re.compile(
    r"(?P<prefix>[A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*)*)\s*\[(?P<year>\d{4})\]\s*No\.\s*(?P<n>\d+)"
)
_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]
_EN_NUMBERS = {w: i for i, w in enumerate(_NUMBER_WORDS, 1)}
_EN_ORDINALS = {w: i for i, w in enumerate([*_ORDINAL_WORDS, "ninth"], 1)}
_FISCAL_YEAR = re.compile(rf"\s*第[{CN_NUMERALS}]+年")
_LEAD_INS = ("根据", "依据", "按照", "参照", "以及", "经", "见", "和", "及", "与", "即", "由")


@dataclass(frozen=True)
class Citation:
    """A document the notice cites: its 文号 (Chinese) or its printed English reference."""

    printed: str
    number: str | None  # the 文号 in canonical form (〔〕) when printed in Chinese
    year: int | None
    serial: int | None


@dataclass(frozen=True)
class ParsedNotice:
    """The facts one notice text states; ``missing`` names those it does not."""

    file: str
    language: str
    kind: str  # one of KINDS
    title: str | None
    document: str | None  # the notice's own number as printed
    issuers: tuple[str, ...]
    date: dt.date | None
    cites: tuple[Citation, ...]
    batch: int | None
    count: int | None
    review_year: int | None
    reason: str | None
    enterprises: tuple[NamedFirm, ...]
    reported: tuple[str, ...]
    missing: tuple[str, ...]
    data: bytes = b""


@dataclass
class _Stated:
    title: str | None = None
    document: str | None = None
    issuers: list[str] = field(default_factory=list)
    date: dt.date | None = None
    cites: list[Citation] = field(default_factory=list)
    kind: str = "other"
    batch: int | None = None
    count: int | None = None
    review_year: int | None = None
    reason: str | None = None
    firms: NoticeFirms = field(default_factory=NoticeFirms)


def parse_notice(source: Path | str | bytes, *, file: str | None = None) -> ParsedNotice:
    """Read a notice from a file path or its UTF-8 bytes.

    Raises:
        ValueError: the bytes are not UTF-8 (the message gives the offset).
    """
    if isinstance(source, bytes):
        data, name = source, file or "<notice>"
    else:
        path = Path(source)
        data, name = path.read_bytes(), file or path.name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: byte 0x{data[exc.start : exc.start + 1].hex()} at offset {exc.start} is "
            "not UTF-8 (encoding rule); save the notice as UTF-8"
        ) from None
    zh = len(CJK.findall(text)) > len(text) / 10
    lines = read_lines(text, zh=zh)
    stated = _read_zh(lines) if zh else _read_en(lines)
    return ParsedNotice(
        file=name,
        language="zh" if zh else "en",
        kind=stated.kind,
        title=stated.title,
        document=stated.document,
        issuers=tuple(stated.issuers),
        date=stated.date,
        cites=tuple(stated.cites),
        batch=stated.batch,
        count=stated.count,
        review_year=stated.review_year,
        reason=stated.reason,
        enterprises=stated.firms.firms,
        reported=stated.firms.reported,
        missing=tuple(k for k in _STATED if not _has(stated, k)),
        data=data,
    )


def _has(stated: _Stated, what: str) -> bool:
    return bool(stated.firms.firms) if what == "enterprises" else bool(getattr(stated, what))


# -- Chinese --------------------------------------------------------------------------------------


def _read_zh(lines: NoticeLines) -> _Stated:
    stated = _Stated(title=lines.title, document=_own_number(lines))
    stated.issuers, stated.date = lines.issuers, _date_zh(lines)
    body = lines.body_text()
    stated.cites = _zh_citations(lines.all_text(), stated.document)
    title = stated.title or ""
    stated.kind = _kind_zh(title, body)
    stated.batch = _batch(title) or _batch_in_body_zh(body)
    stated.count = _count_zh(body)
    stated.review_year = _review_year_zh(f"{title}\n{body}")
    if stated.kind == "revocation" and (m := re.search(r"因([^，。；]+?)(?:[，。；]|被|而)", body)):
        stated.reason = m.group(1)
    stated.firms = zh_firms(lines)
    return stated


def _own_number(lines: NoticeLines) -> str | None:
    """A 文号 printed on a line of its own in the header (【】 as 〔〕), the notice's own."""
    for line in lines.header:
        candidate = canonical_brackets(line.strip("（）() "))
        if (m := DOC_NUMBER.fullmatch(candidate)) is not None:
            return m.group(0)
    return None


def canonical_brackets(text: str) -> str:
    """A 文号's year brackets as 〔〕, whichever a text prints (【2021】, ［2021］, [2021],
    （2021）): only where the serial and 号 follow, so that no other bracketed year changes."""
    return re.sub(r"[【［\[（(](\d{4})[】］\]）)](?=\d+号)", r"〔\1〕", text)


def _date_zh(lines: NoticeLines) -> dt.date | None:
    return zh_date_line(lines.date_line) if lines.date_line else None


def _zh_citations(text: str, own: str | None) -> list[Citation]:
    """Every 文号 in the text but the notice's own, in order of first mention, canonical form."""
    cites: list[Citation] = []
    for m in DOC_NUMBER.finditer(canonical_brackets(text)):
        number = _trim_lead_in(m.group(0))
        if number != own and all(c.number != number for c in cites):
            cites.append(Citation(number, number, int(m["year"]), int(m["serial"])))
    return cites


def _trim_lead_in(number: str) -> str:
    """Drop words glued before a 文号 in running text (根据工信部… → 工信部…)."""
    changed = True
    while changed:
        changed = False
        for word in _LEAD_INS:
            rest = number[len(word) :]
            if number.startswith(word) and DOC_NUMBER.fullmatch(rest):
                number, changed = rest, True
    return number


def _kind_zh(title: str, body: str) -> str:
    if "转发" in title or ("印发" in title and "名单" in title):
        return "forwarding"
    if re.search(r"撤销|撤消", title):
        return "revocation"
    if "复核" in title:
        if "未通过" in title or ("复核结果" in title and "未通过复核" in body):
            return "review-failed"
        if re.search(r"复核通过|通过复核", title) or ("复核结果" in title and "通过复核" in body):
            return "review-passed"
        return "other"
    if "公示" not in title and re.search(rf"(?:公布|发布){BATCH_ORDINAL.pattern}.*名单", title):
        return "batch"
    return "other"


def _batch(title: str) -> int | None:
    """The recognition batch a title is about: the one it names, or, when it names several,
    the one not being reviewed (第六批…培育和第三批…复核 → 6); a fiscal batch never counts."""
    found: list[tuple[int, bool]] = []
    matches = [m for m in BATCH_ORDINAL.finditer(title) if not _FISCAL_YEAR.match(title, m.end())]
    for i, m in enumerate(matches):
        n = cn_number(m.group(1))
        if n is None:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(title)
        own = title[m.end() : end].removesuffix("通过复核的")  # that names the next ordinal
        reviewed = "复核" in own or title[: m.start()].endswith("通过复核的")
        found.append((n, reviewed))
    for m in re.finditer(rf"\b({'|'.join(_EN_ORDINALS)})\s+batch\b", title, re.I):
        found.append((_EN_ORDINALS[m.group(1).lower()], False))
    values = {n for n, _ in found}
    if len(values) <= 1:
        return values.pop() if values else None
    fresh = {n for n, reviewed in found if not reviewed}
    return fresh.pop() if len(fresh) == 1 else None


def _batch_in_body_zh(body: str) -> int | None:
    m = re.search(rf"(?:认定为|确定为|列为)第\s*([{CN_NUMERALS}]+)\s*批", body)
    return cn_number(m.group(1)) if m else None


def _count_zh(body: str) -> int | None:
    """The number of firms the text says the act covers (等248家, （共75家）, 上述2家企业)."""
    values = {int(m.group(1)) for m in re.finditer(r"(\d+)\s*家", body)}
    for m in re.finditer(r"(?:等|共|上述|有)([一二两三四五六七八九十]+)家", body):
        if (n := cn_number(m.group(1))) is not None:
            values.add(n)
    return values.pop() if len(values) == 1 else None


def _review_year_zh(text: str) -> int | None:
    years = {int(m.group(1)) for m in re.finditer(r"(\d{4})\s*年[^，。；、\n\d]{0,30}?复核", text)}
    return years.pop() if len(years) == 1 else None


# -- English --------------------------------------------------------------------------------------


def _read_en(lines: NoticeLines) -> _Stated:
    stated = _Stated(title=lines.title)
    own = next((m for line in lines.header if (m := _EN_REFERENCE.fullmatch(line))), None)
    stated.document = _en_reference(own) if own else None
    stated.issuers = lines.issuers
    if lines.date_line and (m := _EN_DATE.match(lines.date_line)):
        month = (m["m1"] or m["m2"]).lower()
        day, year = int(m["d1"] or m["d2"]), int(m["y1"] or m["y2"])
        stated.date = dt.date(year, _MONTHS.index(month) + 1, day)
    body = lines.body_text()
    stated.cites = [
        Citation(_en_reference(m), None, int(m["year"]), int(m["n"]))
        for m in _EN_REFERENCE.finditer(lines.all_text())
        if _en_reference(m) != stated.document
    ]
    stated.cites = list({c.printed: c for c in stated.cites}.values())
    title = (stated.title or "").lower()
    stated.kind = _kind_en(title)
    stated.batch = _batch(stated.title or "")
    counts = {
        int(n.replace(",", "")) if n[0].isdigit() else _EN_NUMBERS[n.lower()]
        for n in re.findall(
            rf"\b(\d[\d,]*|{'|'.join(_EN_NUMBERS)})\s+(?:enterprises|companies|firms)\b",
            f"{stated.title or ''}\n{body}",
            re.I,
        )
    }
    stated.count = counts.pop() if len(counts) == 1 else None
    both = f"{stated.title or ''}\n{body}"
    found = re.search(r"\b(\d{4})\s+(?:[A-Z][a-z]+\s+){0,3}?(?:and\s+)?Re-?review\b", both, re.I)
    found = found or re.search(r"\b(\d{4})\s+(?:[A-Z][a-z]+\s+(?:and\s+)?){0,3}Review\b", both)
    stated.review_year = int(found.group(1)) if found else None
    if stated.kind == "revocation" and (
        r := re.search(r"\b(?:on the grounds? of|due to|because of)\s+([^.;]+)", body)
    ):
        stated.reason = r.group(1).strip()
    stated.firms = english_firms(body)
    return stated


def _en_reference(m: re.Match[str]) -> str:
    prefix = " ".join(m["prefix"].split())
    return f"{prefix} [{m['year']}] No. {m['n']}"


def _kind_en(title: str) -> str:
    if re.search(r"\bforward", title):
        return "forwarding"
    if re.search(r"revok|revocation|withdraw", title):
        return "revocation"
    if re.search(r"re-?review|re-?examination", title) and "pass" in title:
        return "review-passed" if "fail" not in title else "review-failed"
    if re.search(r"publi(?:shing|cation) of the list|publishing the list", title) and re.search(
        r"\bbatch\b", title
    ):
        return "batch"
    return "other"
