"""Attachment-list files as sheets of cells, whatever their name says: the format is sniffed.

PDF, BIFF (.xls), XLSX, HTML and CSV are told apart by their bytes (``sniff``), never by the
file's suffix: a province's ``.xls`` is as often an HTML table or an XLSX workbook. Text is
UTF-8 (with or without a byte-order mark) unless the caller names another encoding or an HTML
page declares one; it is never guessed. Every reader keeps ``ReadLimits``. Format readers only:
what the cells mean is ``parse_list``'s concern, except the layout rules every format shares
(province section rows become a region column).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

from ingest.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits
from ingest.read_html import read_html
from ingest.read_xlsx import read_xlsx
from ingest.row_errors import (
    RULE_EMPTY,
    RULE_ENCODING,
    RULE_FORMAT,
    RULE_TOO_LARGE,
    RowError,
)
from ingest.sheet import ReadError, Sheet, TooLargeError, resolve_sections
from ingest.sniff import Format, sniff

READ = ("PDF", "XLS (BIFF)", "XLSX", "HTML", "CSV")


class UnreadableFile(Exception):  # noqa: N818 - reads as the verdict it carries
    """The file cannot be read as tables; ``error`` says which rule it breaks."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def read_input(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a regular file within the size limit; anything else refused unopened.

    Raises:
        UnreadableFile: no such file, a directory, a FIFO, a device or a socket (each said as
            such, never opened: a FIFO would block the reader), or a file past the limit.
    """
    name = path.name or str(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise _refusal(name, RULE_FORMAT, f"{path}: no such file") from None
    except OSError as exc:
        raise _refusal(name, RULE_FORMAT, f"{path}: cannot be read ({exc.strerror})") from None
    kind = _not_regular(mode)
    if kind:
        raise _refusal(name, RULE_FORMAT, f"{path} is {kind}, not a file; nothing was read")
    size = os.stat(path).st_size
    if size > limits.max_list_bytes:
        message = f"the file has {size:,} bytes; at most {limits.max_list_bytes:,}"
        raise _refusal(name, RULE_TOO_LARGE, f"{message} ({limits.name('max_list_bytes')})")
    with path.open("rb") as fh:
        data = fh.read(limits.max_list_bytes + 1)
    if len(data) > limits.max_list_bytes:  # grew while it was read
        raise _refusal(name, RULE_TOO_LARGE, f"the file grew past {limits.name('max_list_bytes')}")
    return data


def _not_regular(mode: int) -> str:
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refusal(name: str, rule: str, message: str) -> UnreadableFile:
    return UnreadableFile(RowError(name, "", 0, rule, message))


def read_tables(
    data: bytes, name: str, *, encoding: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> list[Sheet]:
    """Read a list file of any format this project reads into sheets of cells.

    ``encoding`` is the caller's word for a text file's encoding (``--encoding gbk``).

    Raises:
        UnreadableFile: a format not read, a file that does not decode, a damaged one, a limit
            passed (rule ``too-large``, the message naming the setting).
    """
    if len(data) > limits.max_list_bytes:
        raise _refusal(name, RULE_TOO_LARGE, f"the file is past {limits.name('max_list_bytes')}")
    try:
        sniffed = sniff(data, encoding=encoding)
        return _read(data, sniffed.format, sniffed.encoding or "utf-8", encoding, limits)
    except TooLargeError as exc:
        raise _refusal(name, RULE_TOO_LARGE, str(exc)) from None
    except _Undecodable as exc:
        raise UnreadableFile(RowError(name, "", exc.line, RULE_ENCODING, str(exc))) from None
    except ReadError as exc:
        rule = RULE_EMPTY if "holds no table" in str(exc) else RULE_FORMAT
        raise _refusal(name, rule, str(exc)) from None


class _Undecodable(ReadError):  # noqa: N818 - reads as the verdict it carries
    """Text that is not in the encoding it is read in (``line``: where, 0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def _read(
    data: bytes, fmt: Format, codec: str, asked: str | None, limits: ReadLimits
) -> list[Sheet]:
    if fmt is Format.PDF:
        from ingest.read_pdf import read_pdf  # pdfminer is slow to import; only PDFs need it

        return read_pdf(data, limits)
    if fmt is Format.XLS:
        from ingest.read_xls import read_xls

        return read_xls(data, encoding=asked, limits=limits)
    if fmt is Format.XLSX:
        sheets = read_xlsx(data, limits)
    elif fmt is Format.HTML:
        sheets = read_html(data, codec, limits)
    elif fmt is Format.TEXT:
        sheets = [read_csv(data, codec, limits)]
    else:
        raise ReadError(
            f"the file is {fmt.description}; lists are read from {', '.join(READ)} files"
        )
    return [Sheet(s.name, resolve_sections(s.rows), s.preamble) for s in sheets]


def read_csv(data: bytes, codec: str = "utf-8-sig", limits: ReadLimits = DEFAULT_LIMITS) -> Sheet:
    """A CSV file as one sheet, in ``codec`` (UTF-8 with or without a byte-order mark unless the
    caller names another). A lone CR ends a line, as CRLF and LF do."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        hint = (
            "save the list as UTF-8, or give its encoding (--encoding gbk): it is never guessed"
            if codec.startswith("utf")
            else "is that its encoding?"
        )
        label = "UTF-8" if codec.startswith("utf") else codec
        raise _Undecodable(
            f"byte 0x{bad} at offset {exc.start} (line {line}) is not {label}; {hint}", line
        ) from None
    if "\x00" in text[:1024] and text.count("\x00") > len(text) // 4:
        raise ReadError("the file is binary, not text (CSV)")
    previous = csv.field_size_limit(limits.max_cell_chars + 1)
    rows: list[tuple[int, list[str]]] = []
    try:
        for i, record in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            if i > limits.max_list_rows:
                what = f"the file has more than {limits.max_list_rows:,} rows"
                raise LimitExceeded("max_list_rows", what, limits)
            if len(record) > limits.max_list_columns:
                what = f"line {i} has {len(record):,} fields"
                raise LimitExceeded("max_list_columns", what, limits)
            rows.append((i, [c.strip() for c in record]))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            what = f"line {len(rows) + 1} has a field of more than {limits.max_cell_chars:,} chars"
            raise LimitExceeded("max_cell_chars", what, limits) from None
        raise ReadError(f"line {len(rows) + 1} is not CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous)
    return Sheet("", rows)
