"""The curated CSV files row by row, with typed accessors that name the file and row on failure."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class CuratedDataError(ValueError):
    """A curated file breaks its own layout or refers to something no other file defines."""


@dataclass(frozen=True)
class CuratedRow:
    """One row of a curated file; ``where`` is how errors and gate reports name it."""

    where: str  # "data/enterprises.csv::12"
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column].strip()

    def get(self, column: str) -> str:
        """The column's text, or "" when the file has no such column."""
        return self.values.get(column, "").strip()

    def fail(self, message: str) -> CuratedDataError:
        return CuratedDataError(f"{self.where}: {message}")

    def as_date(self, column: str) -> dt.date | None:
        text = self[column]
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"{column} {text!r} is not a date YYYY-MM-DD") from None

    def as_int(self, column: str) -> int | None:
        text = self[column]
        if not text:
            return None
        if not text.isdigit():
            raise self.fail(f"{column} {text!r} is not a whole number")
        return int(text)

    def as_list(self, column: str) -> list[str]:
        return [part.strip() for part in self[column].split(";") if part.strip()]


def read_rows(data_dir: Path, name: str, columns: tuple[str, ...]) -> Iterator[CuratedRow]:
    """The rows of ``data_dir/name``, which must have every one of ``columns``.

    Raises:
        CuratedDataError: a column is missing.
    """
    label = f"data/{name}"
    with (data_dir / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise CuratedDataError(f"{label}: missing column(s) {', '.join(missing)}")
        for n, values in enumerate(reader, start=2):
            yield CuratedRow(f"{label}::{n}", {k: v or "" for k, v in values.items()})
