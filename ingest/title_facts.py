"""Facts a title states: batch ordinal, list kind, 文号, date, and the act a notice announces.

Shared by the list reader (the title rows above a table) and the notice reader. Each detector
returns None when the text states no value, or several different ones: the caller is never handed
a pick, it asks the user instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ontology.names import (
    BATCH_ORDINAL,
    CN_NUMERALS,
    DOC_NUMBER,
    cn_number,
    normalise_name,
    without_attachment_label,
    zh_dates,
)

_EN_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_EN_ORDINAL = "|".join(_EN_ORDINALS)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# 第二批第二年 is a fiscal-support batch (重点小巨人), a numbering of its own
_FISCAL_YEAR = re.compile(rf"\s*第[{CN_NUMERALS}]+年")


def printed_title(parts: Iterable[str]) -> str:
    """The title a list prints above its table: each part once, in order, without the label
    it is attached under (附件1), so that its PDF and its CSV copy print one title."""
    return " ".join(dict.fromkeys(t for p in parts if (t := without_attachment_label(p))))


def detect_batch(text: str) -> int | None:
    """The one batch ordinal a title names (第一批 / 第1批 / first batch / batch 1), else None."""
    found: set[int] = set()
    for m in BATCH_ORDINAL.finditer(text):
        if (v := cn_number(m.group(1))) is not None and not _FISCAL_YEAR.match(text, m.end()):
            found.add(v)
    for m in re.finditer(rf"\b({_EN_ORDINAL})\s+batch", text, re.I):
        found.add(_EN_ORDINALS[m.group(1).lower()])
    for m in re.finditer(r"\bbatch\s+(?:no\.\s*)?(\d+)\b", text, re.I):
        found.add(int(m.group(1)))
    return found.pop() if len(found) == 1 else None


def detect_kind(text: str) -> str | None:
    """Which kind of list a title announces; None when it does not say or says several."""
    t = normalise_name(text)
    kinds = set()
    if re.search(r"撤销|撤消|revok|revocation", t):
        kinds.add("revocation")
    if re.search(r"未通过复核|复核未通过|不予通过|failedthe(re-?)?review|notpass", t):
        kinds.add("review-failed")
    elif re.search(r"通过复核|复核通过|passedthe(re-?)?review|review-?passed|passedre-?review", t):
        kinds.add("review-passed")
    if not kinds and re.search(rf"{BATCH_ORDINAL.pattern}.*小巨人|batch.*littlegiant", t):
        kinds.add("batch")
    if "review-passed" in kinds and len(set(BATCH_ORDINAL.findall(t))) > 1:
        return None  # 第四批…和通过复核的第一批…: one list of two kinds, the caller must say which
    return kinds.pop() if len(kinds) == 1 else None


def detect_document(text: str) -> str | None:
    """The one 文号 a title states; None when it states none or several."""
    found = {m.group(0) for m in DOC_NUMBER.finditer(text)}
    return found.pop() if len(found) == 1 else None


def detect_date(text: str) -> dt.date | None:
    """The one date a title states (2019年6月5日 or 2019-06-05)."""
    found = {day for day in zh_dates(text) if day is not None}
    for m in _ISO_DATE.finditer(text):
        try:
            found.add(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    return found.pop() if len(found) == 1 else None


def detect_act(title: str, language: str) -> str | None:
    """What a notice's title announces: ``batch``, ``review`` or ``revocation``; None if unclear."""
    if language == "zh":
        if re.search(r"撤销|撤消", title):
            return "revocation"
        if "复核" in title:
            return "review"
        if re.search(rf"{BATCH_ORDINAL.pattern}.*(?:小巨人|名单)", title):
            return "batch"
        return None
    t = title.lower()
    if re.search(r"revok|revocation|withdraw", t):
        return "revocation"
    if re.search(r"re-?review|re-?examination", t):
        return "review"
    if re.search(rf"\b({_EN_ORDINAL}|\d+(st|nd|rd|th))\s+batch", t):
        return "batch"
    return None
