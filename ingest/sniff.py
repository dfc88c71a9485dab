"""What a file really is, from its own bytes, never from its name.

Provinces publish HTML tables and XLSX workbooks saved with an ``.xls`` name, so the name says
little. The bytes say more: a PDF starts ``%PDF-``, a BIFF workbook is an OLE2 compound file
holding a Workbook stream, an XLSX workbook is a ZIP holding ``xl/workbook.xml``, an HTML page
starts with markup. A page's encoding is the one it declares (WHATWG label rules: gb2312 and gbk
read as GB18030, their superset), else UTF-8; it is never guessed from the bytes.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from enum import Enum

from ingest.sheet import ReadError

_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_BOM = b"\xef\xbb\xbf"
# markup first (any element: a saved fragment may start <p> or <div>), and a table in sight
_HTML_START = re.compile(rb"<(?:[a-z][a-z0-9]*[\s/>]|!doctype\s+html|\?xml\b|!--)", re.I)
_HTML_ANY = re.compile(rb"<(?:html|table)\b", re.I)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# WHATWG Encoding labels that name GBK; its decoder is the GB18030 one
_GBK_LABELS = {"gb2312", "gbk", "x-gbk", "gb_2312", "gb_2312-80", "chinese", "csgb2312", "cp936"}
_GBK_LABELS |= {"csiso58gb231280", "iso-ir-58", "windows-936", "ms936", "euc-cn", "gb18030"}
# a Workbook (BIFF8) or Book (BIFF5) stream's directory entry: UTF-16LE name, then its length
_STREAMS = (
    "Workbook\0".encode("utf-16-le") + b"\0" * 46 + b"\x12\x00",
    "Book\0".encode("utf-16-le") + b"\0" * 54 + b"\x0a\x00",
)


class Format(Enum):
    """A file format, with the words an error message uses for it."""

    PDF = "a PDF document"
    XLS = "a binary Excel workbook (BIFF)"
    OLE2 = "an OLE2 compound file without a workbook stream (a Word .doc, or a damaged .xls)"
    XLSX = "an XLSX workbook"
    ZIP = "a ZIP archive that is not a workbook"
    HTML = "an HTML page"
    TEXT = "plain text (CSV)"

    @property
    def description(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Sniffed:
    """A file's format and, for a text format, the encoding to decode it with."""

    format: Format
    encoding: str | None = None  # a Python codec name; None for a binary format
    declared: str | None = None  # the charset label as the page wrote it
    bom: bool = False


def sniff(data: bytes, *, encoding: str | None = None) -> Sniffed:
    """Tell the format of ``data`` from its bytes.

    ``encoding`` is the caller's word for a text file's encoding (say GB18030 for a CSV from a
    province that writes GBK); it wins over a page's declaration, and a byte-order mark wins
    over both.

    Raises:
        ReadError: a page that declares, or a caller that names, an unknown encoding.
    """
    if data.startswith(b"%PDF-"):
        return Sniffed(Format.PDF)
    if data.startswith(_OLE2):
        return Sniffed(Format.XLS if _holds_workbook(data) else Format.OLE2)
    if data.startswith(_ZIP):
        return Sniffed(Format.XLSX if _is_xlsx(data) else Format.ZIP)
    bom = data.startswith(_BOM)
    head = data[len(_BOM) : 1024 + len(_BOM)] if bom else data[:1024]
    if _HTML_START.match(head.lstrip()) and _HTML_ANY.search(head):
        declared = _declared_charset(data[:4096])
        chosen = "utf-8-sig" if bom else _codec(encoding) if encoding else _page_codec(declared)
        return Sniffed(Format.HTML, chosen, declared, bom)
    chosen = "utf-8-sig" if bom else _codec(encoding or "utf-8")
    return Sniffed(Format.TEXT, chosen, None, bom)


def _holds_workbook(data: bytes) -> bool:
    """Whether an OLE2 file's directory names a Workbook or Book stream.

    Directory entries are 128 bytes each, in 512-byte (or larger) sectors after the 512-byte
    header, so an entry's name starts at a multiple of 128.
    """
    for stream in _STREAMS:
        at = data.find(stream, 512)
        while at != -1:
            if at % 128 == 0:
                return True
            at = data.find(stream, at + 1)
    return False


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _declared_charset(head: bytes) -> str | None:
    """The charset a page's <meta charset> or <meta http-equiv content-type> declares."""
    for meta in _META.finditer(head):
        if m := _CHARSET.search(meta.group(0)):
            return m.group(1).decode("ascii").lower()
    return None


def _page_codec(declared: str | None) -> str:
    if declared is None:
        return "utf-8"
    name = _codec(declared)
    # WHATWG: a page that declares UTF-16 in ASCII-compatible bytes is read as UTF-8
    return "utf-8" if name.startswith("utf-16") else name


def _codec(label: str) -> str:
    label = label.strip().lower()
    if label in _GBK_LABELS:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        raise ReadError(f"the encoding {label!r} is not one this reader knows") from None
