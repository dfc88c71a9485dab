"""How names, regions and batches are keyed for matching: a name's *core* without the
company-form suffix (``ontology.names.core_name``), a region label without its administrative
suffix, ``第一批`` as ``1``."""

from __future__ import annotations

import re

from ontology.names import cn_number, core_name, normalise_name

__all__ = ["batch_ordinal", "bigrams", "core_name", "core_region", "looks_like_uscc"]


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
