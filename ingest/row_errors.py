"""RowError, the one form a problem in a list is reported in, and the rule names it carries.

Users grep the command's output for the rule names (``uscc``, ``unknown-region`` ...): they are
part of the interface, like the command's options, and change only with it.
"""

from __future__ import annotations

from dataclasses import dataclass

RULE_ENCODING = "encoding"
RULE_EMPTY = "empty-file"
RULE_MISSING_COLUMN = "missing-column"
RULE_MISSING_VALUE = "missing-value"
RULE_USCC = "uscc"
RULE_REGION = "unknown-region"
RULE_DUPLICATE = "duplicate-row"
RULE_KIND = "wrong-list-kind"
RULE_FORMAT = "unsupported-format"


@dataclass(frozen=True)
class RowError:
    """One problem in a list: where it is (file, sheet, row) and which rule it breaks."""

    file: str
    sheet: str
    row: int
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" [{self.sheet}]" if self.sheet else "")
        where += f" row {self.row}" if self.row else ""
        return f"{where}: {self.rule}: {self.message}"
