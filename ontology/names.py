"""Chinese names, numbers and dates as ingest and server read them, each with one definition.

Name normalisation, the USCC check, the 文号 (document number) pattern, the test for Chinese text,
Chinese numerals (第N批) and dates printed 2019年6月5日: a second copy of any of these would let
the same printed text be read two ways (one path tagging a name ``@zh``, another ``@en``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
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
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CN_DIGITS |= {"八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 248 → 248; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, units = text.partition("十")
        t = _CN_DIGITS.get(tens, 1) if tens else 1
        return t * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def zh_dates(text: str) -> list[dt.date | None]:
    """Each date printed as 2019年6月5日 in the text, in order; None where no such day exists."""
    found: list[dt.date | None] = []
    for m in _ZH_DATE.finditer(text):
        try:
            found.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            found.append(None)
    return found
