"""How names, regions and batches are keyed for matching: a name's *core* without the
company-form suffix, a region label without its administrative suffix, ``第一批`` as ``1``."""

from __future__ import annotations

import re

from ontology.names import cn_number, normalise_name

# Company-form suffixes, longest first, as they appear after normalise_name (casefolded).
_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "公司",
    "companylimited",
    "corporationlimited",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd.",
    "co.ltd",
    "coltd",
    "limited",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corporation",
    "corp.",
    "corp",
    "co.",
)
_PUNCT = re.compile(r"[()\[\]{}<>.,，。·、'\"“”‘’&\-_/:;]+")


def core_name(name: str) -> str:
    """The name without brackets, punctuation and company-form suffix (有限公司, Co., Ltd. …)."""
    key = normalise_name(name)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
                break
        key = _PUNCT.sub("", key)
    return key


def looks_like_uscc(text: str) -> bool:
    """Whether a query string has the shape of a credit code (18 letters/digits, spaces allowed)."""
    compact = re.sub(r"[\s-]", "", text)
    return len(compact) == 18 and compact.isalnum() and compact.isascii()


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


def core_region(label: str) -> str:
    """A region label without its administrative suffix (北京市 → 北京, 广东省 → 广东)."""
    key = normalise_name(label)
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def batch_ordinal(value: str) -> str:
    """A batch hint as its ordinal: ``第一批``, ``一``, ``1`` and ``第1批`` all give ``1``."""
    text = value.strip().removeprefix("第").removesuffix("批").strip()
    number = cn_number(text)
    return str(number) if number is not None else text
