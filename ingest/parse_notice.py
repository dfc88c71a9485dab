"""Notice text (通知 / 通告), Chinese or English, read into the facts it states.

The reader extracts what the text itself says: the notice's own 文号 when printed, issuer, date,
cited documents (《…》(工信厅企业函〔2018〕381号) / "(CIC Letter [2018] No. 381)"), batch ordinal
(第一批 / "first batch"), declared count (248家 / "248 enterprises"), the enterprises named in the
text, and the kind of act (a batch, re-review results, a revocation). What it cannot find is listed
in ``missing``, never filled in. Pure: matching citations to documents and naming graphs is
``build.notices``'s concern.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.title_facts import detect_act, detect_batch
from ontology.names import CJK, CN_NUMERALS, DOC_NUMBER, cn_number, has_cjk, zh_dates

_EN_DOC = re.compile(
    r"(?P<prefix>[A-Z][A-Za-z. ]*?(?:Letter|Document|Notice)?)\s*\[(?P<year>\d{4})\]\s*"
    r"No\.\s*(?P<number>\d+)"
)
_ZH_CITATION = re.compile(rf"《([^》]+)》\s*[（(]\s*({DOC_NUMBER.pattern})\s*[）)]")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_EN_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.I)
_ISSUERS = (
    # (printed form, authority slug) -- longest first so the General Office wins over MIIT
    ("工业和信息化部办公厅", "miit-general-office"),
    (
        "General Office of the Ministry of Industry and Information Technology",
        "miit-general-office",
    ),
    ("工业和信息化部中小企业局", "miit-sme-bureau"),
    ("工业和信息化部", "miit"),
    ("Ministry of Industry and Information Technology", "miit"),
)
_STATED = ("title", "document", "issuer", "date", "batch", "count", "enterprises", "act")
_CO_LTD = "\x00"  # stands in for "Co., Ltd." while a list of names is split on commas


@dataclass(frozen=True)
class Citation:
    """A document the notice cites: its 文号 (Chinese) or its printed English reference."""

    printed: str
    number: str | None  # the 文号 when printed in Chinese
    year: int | None
    serial: int | None
    title: str | None


@dataclass(frozen=True)
class ParsedNotice:
    """The facts one notice text states; ``missing`` names those it does not."""

    file: str
    language: str
    title: str | None
    document: str | None
    issuer: str | None
    issuer_slug: str | None
    date: dt.date | None
    cites: tuple[Citation, ...]
    batch: int | None
    count: int | None
    enterprises: tuple[str, ...]
    act: str | None
    reason: str | None
    missing: tuple[str, ...]
    data: bytes = b""


@dataclass
class _Stated:
    """What a reader found, filled in as it goes."""

    title: str | None = None
    document: str | None = None
    issuer: str | None = None
    date: dt.date | None = None
    cites: list[Citation] = field(default_factory=list)
    batch: int | None = None
    count: int | None = None
    enterprises: list[str] = field(default_factory=list)
    act: str | None = None
    reason: str | None = None


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
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    zh = len(CJK.findall(text)) > len(text) / 10
    stated = _read_zh(lines) if zh else _read_en(lines)
    return ParsedNotice(
        file=name,
        language="zh" if zh else "en",
        title=stated.title,
        document=stated.document,
        issuer=stated.issuer,
        issuer_slug=_issuer_slug(stated.issuer),
        date=stated.date,
        cites=tuple(stated.cites),
        batch=stated.batch,
        count=stated.count,
        enterprises=tuple(stated.enterprises),
        act=stated.act,
        reason=stated.reason,
        missing=tuple(k for k in _STATED if not getattr(stated, k)),
        data=data,
    )


def _issuer_slug(issuer: str | None) -> str | None:
    if not issuer:
        return None
    return next((slug for printed, slug in _ISSUERS if printed.lower() == issuer.lower()), None)


def _signature(lines: list[str]) -> tuple[str | None, int]:
    """The issuer printed on its own line near the end (the signature block) and its index."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        for printed, _ in _ISSUERS:
            if lines[i].strip("（）() ").lower() == printed.lower():
                return printed, i
    return None, -1


def _read_zh(lines: list[str]) -> _Stated:
    text = "\n".join(lines)
    stated = _Stated()
    title = next((line for line in lines if line.startswith("关于") or "关于" in line[:20]), None)
    if title and re.search(r"(通知|通告|公告)$", title):
        stated.title = title
        kind_text = title
    else:
        kind_text = lines[0] if lines else ""
    # the notice's own number: a 文号 on its own line, not one cited after 《…》
    for line in lines[:6]:
        if m := DOC_NUMBER.fullmatch(line.strip("（）() ")):
            stated.document = m.group(0)
            break
    stated.cites = _zh_citations(text, stated.document)
    stated.issuer, sig = _signature(lines)
    dates = [day for line in lines[sig if sig >= 0 else -3 :] for day in zh_dates(line)]
    if dates:
        stated.date = dates[-1]
    stated.act = detect_act(kind_text, "zh")
    body = "\n".join(lines[1:]) if title else text
    m = re.search(r"((?:[^，。；：\n]*?、)*[^，。；：\n、]*?)等\s*(\d+)\s*家", body)
    if m:
        stated.count = int(m.group(2))
        names = [n.strip() for n in m.group(1).split("、")]
        stated.enterprises = [n for n in names if has_cjk(n) and len(n) >= 4]
    elif (m := re.search(r"(\d+)\s*家[^。]*?企业", body)) is not None:
        stated.count = int(m.group(1))
    stated.batch = detect_batch(kind_text) or _batch_in_body(body)
    if stated.act == "revocation" and (r := re.search(r"(?:因|由于)([^，。]+?)(?:，|。)", body)):
        stated.reason = r.group(1)
    return stated


def _zh_citations(text: str, own: str | None) -> list[Citation]:
    """Documents cited as 《title》（文号）, then any other 文号 in the text but the notice's."""
    cites = []
    for m in _ZH_CITATION.finditer(text):
        cites.append(Citation(m.group(0), m.group(2), int(m["year"]), int(m["serial"]), m.group(1)))
    for m in DOC_NUMBER.finditer(text):
        if m.group(0) != own and all(c.number != m.group(0) for c in cites):
            cites.append(Citation(m.group(0), m.group(0), int(m["year"]), int(m["serial"]), None))
    return cites


def _batch_in_body(body: str) -> int | None:
    m = re.search(rf"(?:认定为|确定为|为)第\s*([{CN_NUMERALS}]+)\s*批", body)
    return cn_number(m.group(1)) if m else None


def _read_en(lines: list[str]) -> _Stated:
    text = "\n".join(lines)
    stated = _Stated()
    title = next(
        (line for line in lines if re.match(r"(Notice|Announcement|Circular)\b", line)), None
    )
    stated.title = title
    kind_text = title or ""
    stated.cites = _en_citations(text)
    stated.issuer, sig = _signature(lines)
    tail = lines[sig:] if sig >= 0 else lines[-3:]
    dates = [m for line in tail for m in _EN_DATE.finditer(line)]
    if dates:
        mo, d, y = dates[-1].groups()
        stated.date = dt.date(int(y), _MONTHS[mo.lower()], int(d))
    stated.act = detect_act(kind_text, "en")
    body = text[text.index(title) + len(title) :] if title else text
    m = re.search(
        r"(\d[\d,]*)\s+enterprises\s+including\s+(.+?)\s+(?:were|was|are|have been)\b", body, re.S
    )
    if m:
        stated.count = int(m.group(1).replace(",", ""))
        listed = m.group(2).replace("Co., Ltd.", "Co" + _CO_LTD)
        names = re.split(r",\s*(?:and\s+)?|\s+and\s+", listed)
        stated.enterprises = [
            n.replace("Co" + _CO_LTD, "Co., Ltd.").strip() for n in names if n.strip()
        ]
    elif (c := re.search(r"(\d[\d,]*)\s+(?:enterprises|companies)\b", body)) is not None:
        stated.count = int(c.group(1).replace(",", ""))
    stated.batch = detect_batch(kind_text) or detect_batch(body.split(".")[0])
    if stated.act == "revocation" and (
        r := re.search(r"\b(?:due to|because of|for)\s+([^.;]+)", body)
    ):
        stated.reason = r.group(1).strip()
    return stated


def _en_citations(text: str) -> list[Citation]:
    """References printed "Prefix [year] No. n", with the quoted title before them if any."""
    cites = []
    for m in _EN_DOC.finditer(text):
        prefix = " ".join(m.group("prefix").split())
        line_before = text[: m.start()].rsplit("\n", 1)[-1]
        t = re.search(r"[“\"](.+)[”\"]\s*\($", line_before)
        printed = f"{prefix} [{m.group('year')}] No. {m.group('number')}"
        year, number = int(m.group("year")), int(m.group("number"))
        cites.append(Citation(printed, None, year, number, t.group(1) if t else None))
    return cites
