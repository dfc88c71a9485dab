"""RowError, the one form a problem in a list is reported in, and the rule names it carries.

Users grep the command's output for the rule names (``uscc``, ``unknown-region`` ...): they are
part of the interface, like the command's options, and change only with it.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_CASES = 20  # cases shown per rule (and per list of notes); the rest are counted
RULE_ENCODING = "encoding"
RULE_EMPTY = "empty-file"
RULE_MISSING_COLUMN = "missing-column"
RULE_MISSING_VALUE = "missing-value"
RULE_USCC = "uscc"
RULE_REGION = "unknown-region"
RULE_DUPLICATE = "duplicate-row"
RULE_KIND = "wrong-list-kind"
RULE_FORMAT = "unsupported-format"
RULE_CONTROL = "control-character"
RULE_TOO_LARGE = "too-large"  # past a reader's limit; the message names the LG_MAX_* setting
RULE_REJECTED = "rejected"  # a fact or a placement the list cannot be ingested without
RULE_AMBIGUOUS = "ambiguous-firm"
RULE_UNKNOWN_FIRM = "unknown-firm"
RULE_SHAPE = "shape"  # a SHACL violation of the built graph

ECHO_CHARS = 80  # a value quoted in a message is cut here: a cell can hold megabytes


@dataclass(frozen=True)
class RowError:
    """One problem in a list: where it is (file, sheet, row) and which rule it breaks."""

    file: str
    sheet: str
    row: int
    rule: str
    message: str
    column: str = ""  # the column at fault: its number (1 is the first), or a shape's path
    value: str = ""  # that cell's text (clipped)

    def __str__(self) -> str:
        return f"{self.where()}: {self.rule}: {clip(self.message, 4 * ECHO_CHARS)}"

    def where(self) -> str:
        where = self.file + (f" [{clip(self.sheet, 40)}]" if self.sheet else "")
        return where + (f" row {self.row}" if self.row else "")


def clip(text: str, n: int = ECHO_CHARS) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis and its full length."""
    short = " ".join(text[: 2 * n].split())
    if len(short) <= n and len(text) <= 2 * n:
        return short
    return f"{short[: n - 1]}… ({len(text):,} characters)"
