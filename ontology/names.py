"""Chinese names, numbers and dates as ingest and server read them, each with one definition.

Name normalisation, organisational forms (有限公司, Co., Ltd. …) and the notes printed after a
name (（原名：…）), the USCC check, the 文号 (document number) pattern, the test for Chinese
text, Chinese numerals (第N批) and dates printed 2019年6月5日 or 二〇一九年六月五日: a second copy
of any of these would let the same printed text be read two ways (one path tagging a name
``@zh``, another ``@en``; one reader taking a note for part of a name, another not).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


class InvalidUSCC(ValueError):  # noqa: N818 - reads as the rule it reports
    """A Unified Social Credit Code that fails GB 32100-2015."""


@functools.lru_cache(maxsize=1 << 16)
def compact_uscc(code: str) -> str:
    """The code without separators, upper-case (cached: a list checks each code several times)."""
    return stdnum_uscc.compact(code)


@functools.lru_cache(maxsize=1 << 16)
def validate_uscc(code: str) -> str:
    """Return the compact, upper-case code, or raise InvalidUSCC saying which rule it breaks.

    Cached: parsing, identity and lookups each check the same code, and python-stdnum's clean-up
    costs tens of microseconds a call (exceptions are not cached and are raised again).
    """
    compact = compact_uscc(code)
    try:
        return stdnum_uscc.validate(compact)
    except InvalidLength:
        raise InvalidUSCC(
            f"{code!r}: a credit code has 18 characters, not {len(compact)}"
        ) from None
    except InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(compact[:17])
        raise InvalidUSCC(
            f"{code!r}: check character is {compact[-1]!r}, GB 32100-2015 gives {expected!r}"
        ) from None
    except (InvalidFormat, InvalidComponent) as exc:
        raise InvalidUSCC(f"{code!r}: {exc.message}") from None


def normalise_name(name: str) -> str:
    """The lookup key of a printed name: full/half-width folded, brackets unified, no spaces.

    The printed form stays the label; this key only decides whether two printings are one name.
    """
    folded = unicodedata.normalize("NFKC", name)
    folded = folded.replace("【", "[").replace("】", "]").replace("〔", "[").replace("〕", "]")
    folded = re.sub(r"[\s\u200b\u00a0]+", "", folded)
    return folded.casefold()


# -- Chinese text -------------------------------------------------------------------------------

CJK_RANGE = "\u3400-\u9fff"
"""CJK Unified Ideographs with Extension A, for character classes (``f"[{CJK_RANGE}]"``)."""
CJK = re.compile(f"[{CJK_RANGE}]")


def has_cjk(text: str) -> bool:
    """Whether the text holds a Chinese character (the test for a Chinese name or title)."""
    return CJK.search(text) is not None


def language_of(text: str) -> str:
    """``zh`` for text with Chinese characters, else ``en``: the tag a printed name gets."""
    return "zh" if has_cjk(text) else "en"


# -- document numbers (文号) ---------------------------------------------------------------------

DOC_NUMBER = re.compile(rf"(?P<prefix>[{CJK_RANGE}]+)〔(?P<year>\d{{4}})〕(?P<serial>\d+)号")
"""A 文号 such as 工信部企业函〔2019〕153号: issuer prefix, 〔year〕, serial, 号."""


@dataclass(frozen=True)
class DocumentNumber:
    """A 文号 split into its parts."""

    prefix: str
    year: int
    serial: int


def parse_document_number(text: str) -> DocumentNumber | None:
    """The parts of a text that is one 文号 (surrounding spaces aside); None for anything else."""
    m = DOC_NUMBER.fullmatch(text.strip())
    if m is None:
        return None
    return DocumentNumber(m["prefix"], int(m["year"]), int(m["serial"]))


# -- Chinese numerals and dates ------------------------------------------------------------------

CN_NUMERALS = "0-9零一二两三四五六七八九十"
"""The characters of a number as lists print it (第一批, 第12批), for character classes."""
BATCH_ORDINAL = re.compile(rf"第\s*([{CN_NUMERALS}]+)\s*批")
"""第N批 (batch N), the numeral in group 1 (read it with :func:`cn_number`)."""
_ATTACHMENT_LABEL = re.compile(rf"^\s*附\s*件\s*[{CN_NUMERALS}０-９]*\s*[:：]?\s*")


def without_attachment_label(text: str) -> str:
    """Text printed under a notice attachment's label without it (附件1, 附件 2：, 附件一).

    The label says where a notice attached a list, not what the list is; a copy of the list in
    another format (a CSV, a web page) often drops it, and must still be the same list.
    """
    return _ATTACHMENT_LABEL.sub("", text, count=1)


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_YEAR_DIGITS = "0-9零〇○一二三四五六七八九"  # 二〇一九 / 二○一九 (U+25CB stands in for 〇)
_ZH_DATE = re.compile(
    rf"([{_YEAR_DIGITS}]{{4}})\s*年\s*([0-9一二三四五六七八九十]{{1,3}})\s*月"
    r"\s*([0-9一二三四五六七八九十]{1,3})\s*日"
)


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 248 → 248; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, units = text.partition("十")
        if len(tens) > 1 or len(units) > 1:
            return None
        t = _CN_DIGITS.get(tens, 1) if tens else 1
        return t * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _year(text: str) -> int | None:
    """2019 or 二〇一九 (digit by digit, as dates print years)."""
    if text.isdigit():
        return int(text)
    digits = [_CN_DIGITS.get(ch) for ch in text]
    return None if None in digits else int("".join(str(d) for d in digits))


def zh_dates(text: str) -> list[dt.date | None]:
    """Each date printed 2019年6月5日 or 二〇一九年六月五日 in the text, in order; None where no
    such day exists."""
    found: list[dt.date | None] = []
    for m in _ZH_DATE.finditer(text):
        year, month, day = _year(m.group(1)), cn_number(m.group(2)), cn_number(m.group(3))
        try:
            found.append(dt.date(year or 0, month or 0, day or 0))
        except ValueError:
            found.append(None)
    return found


def zh_date_line(text: str) -> dt.date | None:
    """The date a line consists of (a signature's 成文日期), or None if it holds anything else."""
    m = _ZH_DATE.fullmatch(text.strip())
    return zh_dates(m.group(0))[0] if m else None


# -- organisation names: forms and notes -------------------------------------------------------

LEGAL_FORMS_ZH = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "公司",
    "集团",
    "工厂",
    "厂",
    "研究院",
    "研究所",
    "设计院",
    "中心",
)
"""Chinese legal and organisational forms a name ends with, longest first."""
LEGAL_FORMS_EN = (
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co., ltd",
    "co.,ltd",
    "company limited",
    "corporation limited",
    "limited company",
    "co., limited",
    "corporation",
    "company",
    "limited",
    "corp.",
    "ltd.",
    "inc.",
    "ltd",
    "inc",
    "llc",
    "plc",
    "group",
)
"""English forms as they end a name, lower case, longest first (``Co., Ltd.`` …)."""
_NOT_A_STEM = {
    "本",
    "该",
    "我",
    "贵",
    "你",
    "其",
    "上述",
    "有关",
    "相关",
    "各",
    "子",
    "分",
    "总",
    "其子",
}
_NOTE_LABELS = (
    "原名",
    "曾用名",
    "原称",
    "更名前",
    "原企业名称",
    "formerly",
    "former name",
    "previously",
)
_ALIAS_LABELS = ("以下简称", "下称", "简称")
_TRAILING_NOTE = re.compile(r"^(?P<name>.+?)\s*[（(](?P<note>[^（）()]+)[）)]\s*$")


def legal_form(name: str) -> str | None:
    """The legal or organisational form a name ends with (有限公司, 厂, Co., Ltd. …), else None."""
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip()
    if has_cjk(folded):
        compact = folded.replace(" ", "")
        return next((f for f in LEGAL_FORMS_ZH if compact.endswith(f)), None)
    lower = folded.lower()
    return next((f for f in LEGAL_FORMS_EN if lower.endswith(f)), None)


def is_organisation_name(name: str) -> bool:
    """Whether text reads as one organisation's name: a form after a stem of its own.

    ``本公司``, ``该企业`` or a bare form are not names; neither is text with sentence
    punctuation in it (a clause that ends in a firm's name is not that name).
    """
    form = legal_form(name)
    if form is None or re.search(r"[，。；：、,;:!?！？“”《》]", name.replace("Co.,", "Co.")):
        return False
    folded = unicodedata.normalize("NFKC", name).strip()
    if has_cjk(folded):
        stem = re.sub(r"\s+", "", folded)[: -len(form)]
        stem = re.sub(r"[()（）]", "", stem)
        return len(stem) >= 2 and stem not in _NOT_A_STEM
    stem = folded[: -len(form)].strip(" ,.")
    return bool(re.search(r"[A-Z][A-Za-z]+", stem))


@dataclass(frozen=True)
class PrintedName:
    """A printed name split into the name and the notes printed after it."""

    name: str
    former_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # other notes dropped from the name (（以下简称“公司”）)


def split_name_notes(printed: str) -> PrintedName:
    """Separate the bracketed notes a list or notice prints after a name from the name.

    ``宇恒电池有限公司（原名：浙江凯恩电池有限公司）`` → name 宇恒电池有限公司, former name
    浙江凯恩电池有限公司; a second organisation name in brackets (``（国营第八九一厂）``) is
    recorded the same way; ``（以下简称“公司”）`` is a note, not a name. A bracket that is part of
    the name (``（集团）有限公司``, ``瑞普（天津）…``) is never trailing, so it stays.
    """
    name = printed.strip()
    former: list[str] = []
    notes: list[str] = []
    while (m := _TRAILING_NOTE.match(name)) is not None:
        note = m["note"].strip()
        label = next((lb for lb in _NOTE_LABELS if note.lower().startswith(lb)), None)
        if label is not None:
            rest = note[len(label) :].lstrip("：: 为是")
            former[:0] = [n.strip() for n in re.split(r"[、;；]", rest) if n.strip()]
        elif note.startswith(_ALIAS_LABELS):
            notes.insert(0, note)
        elif is_organisation_name(note) and is_organisation_name(m["name"]):
            former.insert(0, note)
        else:
            break
        name = m["name"].strip()
    return PrintedName(name, tuple(former), tuple(notes))


# Company forms as they end a name after normalise_name (casefolded, no spaces), longest first:
# what a name's *core* drops (organisational forms such as 厂 or 研究所 stay part of the core).
_COMPANY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "集团公司", "公司",
    "companylimited", "corporationlimited", "co.,ltd.", "co.,ltd", "co.ltd.", "co.ltd", "coltd",
    "limited", "ltd.", "ltd", "inc.", "inc", "corporation", "corp.", "corp", "co.",
)  # fmt: skip
_CORE_PUNCT = re.compile(r"[()\[\]{}<>.,，。·、'\"“”‘’&\-_/:;]+")


class PlacePrefixes:
    """The places a name may begin with, found with one set lookup per length, longest first
    (宁波市 before 宁波), not one ``startswith`` per place: names are stripped by the thousand."""

    def __init__(self, places: Iterable[str]) -> None:
        names = {p for p in places if p}
        lengths = sorted({len(p) for p in names}, reverse=True)
        self._by_length = tuple((n, frozenset(p for p in names if len(p) == n)) for n in lengths)

    def strip(self, text: str, *, keep: int = 1) -> str:
        """``text`` without the longest place it begins with that leaves ``keep`` characters
        or more; ``text`` itself when it begins with none."""
        for length, places in self._by_length:
            if len(text) - length >= keep and text[:length] in places:
                return text[length:]
        return text


def core_name(name: str) -> str:
    """The name without brackets, punctuation and company-form suffix (有限公司, Co., Ltd. …):
    what two printings of one firm's name share when they differ in legal form only."""
    key = normalise_name(name)
    changed = True
    while changed:
        changed = False
        for suffix in _COMPANY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
                break
        key = _CORE_PUNCT.sub("", key)
    return key
