"""An XLSX file's ZIP parts, each streamed through expat once its sizes pass the limits.

Before a part is parsed its declared unzipped size and compression ratio are checked against
``ReadLimits``; while it streams, the bytes actually unzipped are counted too (a ZIP directory
can lie). Document type declarations are refused, so no XML entity is ever defined, let alone
expanded.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import IO
from xml.parsers import expat

from ingest.limits import LimitExceeded, ReadLimits
from ingest.sheet import ReadError

_CHUNK = 64 * 1024


class Elem:
    """An element as the stream meets it: its local name and attributes."""

    __slots__ = ("attrs", "name")

    def __init__(self, name: str, attrs: dict[str, str]) -> None:
        self.name = name.rsplit("}", 1)[-1]
        self.attrs = {k.rsplit("}", 1)[-1]: v for k, v in attrs.items()}


class Parts:
    """The ZIP's parts, each opened only after its sizes pass the limits."""

    def __init__(self, data: bytes, limits: ReadLimits) -> None:
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReadError(f"a damaged XLSX workbook: {exc}") from None
        self.infos = {i.filename: i for i in self.zip.infolist()}
        self.unzipped = 0
        total = sum(i.file_size for i in self.infos.values())
        if total > limits.max_unzipped_bytes:
            raise LimitExceeded(
                "max_unzipped_bytes", f"the workbook unzips to {total:,} bytes", limits
            )

    def has(self, name: str) -> bool:
        return name in self.infos

    def stream(self, name: str, handlers: dict[str, Callable[..., None]]) -> None:
        """Parse the part ``name`` as a stream of events, within the limits."""
        info = self.infos.get(name)
        if info is None:
            raise ReadError(f"the workbook has no part {name}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > self.limits.max_zip_ratio:
            what = f"the part {name} unzips {ratio:,.0f} times its zipped size"
            raise LimitExceeded("max_zip_ratio", what, self.limits)
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.ExternalEntityRefHandler = _refuse_doctype
        parser.buffer_text = True
        for event, handler in handlers.items():
            setattr(parser, event, handler)
        try:
            with self.zip.open(info) as fh:
                self._feed(parser, fh, name)
        except expat.ExpatError as exc:
            raise ReadError(f"the workbook's part {name} is not well-formed XML: {exc}") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ReadError(f"a damaged XLSX workbook ({name}): {exc}") from None

    def _feed(self, parser: expat.XMLParserType, fh: IO[bytes], name: str) -> None:
        while chunk := fh.read(_CHUNK):
            self.unzipped += len(chunk)
            if self.unzipped > self.limits.max_unzipped_bytes:
                what = f"the workbook unzips to more than {self.unzipped:,} bytes (at {name})"
                raise LimitExceeded("max_unzipped_bytes", what, self.limits)
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _refuse_doctype(*_: object) -> int:
    raise ReadError(
        "the workbook's XML declares a document type or entities, which a workbook never needs; "
        "it is not read (entity expansion is refused)"
    )
