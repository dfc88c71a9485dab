"""The limits every list reader keeps, whatever a file claims: settings, with sane defaults.

A file past one is refused with the ``too-large`` rule and a message naming the setting
(``LG_MAX_LIST_ROWS=100000``), so a person who really has a larger list knows what to raise.
Nothing is allocated from what a file declares (a workbook's dimension, a span, a page count):
readers count what they actually meet and stop at the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from ingest.sheet import TooLargeError

if TYPE_CHECKING:
    from ontology.settings import Settings


@dataclass(frozen=True)
class ReadLimits:
    """How much of a list file is read at most (the defaults are the settings' defaults)."""

    max_list_bytes: int = 20_000_000
    max_list_rows: int = 100_000
    max_list_columns: int = 256
    max_cell_chars: int = 10_000
    max_sheets: int = 256
    max_unzipped_bytes: int = 200_000_000
    max_zip_ratio: int = 200
    max_pdf_pages: int = 2_000

    @classmethod
    def of(cls, settings: Settings) -> ReadLimits:
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})

    def name(self, limit: str) -> str:
        """The setting of a limit as a user sets it: ``LG_MAX_LIST_ROWS=100000``."""
        return f"LG_{limit.upper()}={getattr(self, limit)}"


DEFAULT_LIMITS = ReadLimits()


class LimitExceeded(TooLargeError):  # noqa: N818 - reads as the verdict it carries
    """Past one of the limits; ``limit`` is the field of ``ReadLimits`` (and of the settings)."""

    def __init__(self, limit: str, what: str, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self.limit = limit
        super().__init__(f"{what}; at most {getattr(limits, limit):,} ({limits.name(limit)})")
