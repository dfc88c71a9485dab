"""Document slugs: the path segment of a numbered document's IRI, derived from its 文号.

The slug is derived once, when a document is first seen, and then recorded in the registry
(``ingest.identity``): a later change to the derivation never moves a published IRI.
"""

from __future__ import annotations

import re

from ontology.names import parse_document_number

_NUMBERED_SLUG = re.compile(r"^[a-z]+-\d{4}-\d+$")

__all__ = ["derive_document_slug", "is_numbered_slug"]


def derive_document_slug(doc_number: str) -> str:
    """工信部企业函〔2019〕153号 → ``gxbqyh-2019-153`` (pinyin initials of the prefix)."""
    from pypinyin import Style, lazy_pinyin

    number = parse_document_number(doc_number)
    if number is None:
        raise ValueError(
            f"not a document number (文号) of the form 前缀〔年份〕序号号: {doc_number!r}"
        )
    letters = lazy_pinyin(number.prefix, style=Style.FIRST_LETTER, errors="ignore")
    initials = re.sub(r"[^a-z]", "", "".join(p[0] for p in letters if p).lower()) or "doc"
    return f"{initials}-{number.year}-{number.serial}"


def is_numbered_slug(slug: str) -> bool:
    """Whether a slug has the shape reserved for documents with a 文号."""
    return bool(_NUMBERED_SLUG.match(slug))
