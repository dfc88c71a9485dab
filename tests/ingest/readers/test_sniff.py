"""A file's format and a page's encoding come from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.sheet import ReadError
from ingest.sniff import Format, Sniffed, sniff
from tests.ingest.readers.make_pdf import Shape, draw_pdf, synthetic_entries
from tests.ingest.readers.make_xls import write_html, write_xls, write_xlsx

TABLE = [["序号", "地区", "企业名称"], ["1", "北京市", "合成示例有限公司"]]


def _zip(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(member, "<x/>")
    return buf.getvalue()


def _ole2_without_workbook() -> bytes:
    """An OLE2 header with an empty directory: the shape of a Word .doc to this test."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 1528


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(draw_pdf(synthetic_entries(2), Shape()).data, Format.PDF, id="pdf"),
        pytest.param(write_xls({"S": TABLE}), Format.XLS, id="biff"),
        pytest.param(_ole2_without_workbook(), Format.OLE2, id="ole2-not-a-workbook"),
        pytest.param(write_xlsx(TABLE), Format.XLSX, id="xlsx"),
        pytest.param(_zip("word/document.xml"), Format.ZIP, id="docx-is-not-a-workbook"),
        pytest.param(write_html(TABLE), Format.HTML, id="excel-web-page"),
        pytest.param(b"\xef\xbb\xbf \n\t<table><tr><td>1</td></tr></table>", Format.HTML, id="bom"),
        pytest.param(b"<!DOCTYPE html>\n<p>no table</p><html>", Format.HTML, id="doctype"),
        pytest.param("序号,地区\n1,<table>\n".encode(), Format.TEXT, id="csv-mentioning-a-tag"),
        pytest.param(b"<p>text</p>", Format.TEXT, id="markup-without-html-or-table"),
        pytest.param(b"", Format.TEXT, id="empty"),
    ],
)
def test_format_comes_from_the_bytes(data: bytes, expected: Format) -> None:
    assert sniff(data).format is expected


@pytest.mark.parametrize(
    ("data", "asked", "encoding", "declared"),
    [
        pytest.param(write_html(TABLE), None, "utf-8", "utf-8", id="declares-utf-8"),
        pytest.param(write_html(TABLE, "gbk"), None, "gb18030", "gbk", id="http-equiv-gbk"),
        pytest.param(
            write_html(TABLE, "gb2312", meta="charset"), None, "gb18030", "gb2312", id="gb2312"
        ),
        pytest.param(write_html(TABLE, "GB18030"), None, "gb18030", "gb18030", id="gb18030"),
        pytest.param(b"<table><tr><td>1</td></tr></table>", None, "utf-8", None, id="undeclared"),
        pytest.param(
            b"<table><tr><td>1</td></tr></table>", "gbk", "gb18030", None, id="caller-asks-gbk"
        ),
        pytest.param(
            b'<html><meta charset="utf-16"><table>', None, "utf-8", "utf-16", id="utf-16-is-utf-8"
        ),
        pytest.param(
            b'\xef\xbb\xbf<html><meta charset="gbk"><table>', "gbk", "utf-8-sig", "gbk", id="bom"
        ),
    ],
)
def test_a_page_is_decoded_as_it_declares_never_as_guessed(
    data: bytes, asked: str | None, encoding: str, declared: str | None
) -> None:
    found = sniff(data, encoding=asked)
    assert found == Sniffed(Format.HTML, encoding, declared, data.startswith(b"\xef\xbb\xbf"))


def test_a_gbk_page_decodes_with_the_encoding_found() -> None:
    data = write_html(TABLE, "gbk")
    found = sniff(data)
    assert found.encoding is not None
    assert "合成示例有限公司" in data.decode(found.encoding)


@pytest.mark.parametrize(
    ("data", "asked", "encoding"),
    [
        pytest.param("序号\n1\n".encode(), None, "utf-8", id="utf-8-by-default"),
        pytest.param(b"\xef\xbb\xbf1,2\n", None, "utf-8-sig", id="bom"),
        pytest.param("序号\n".encode("gbk"), "GBK", "gb18030", id="gbk-when-asked"),
    ],
)
def test_text_is_utf_8_unless_the_caller_says(
    data: bytes, asked: str | None, encoding: str
) -> None:
    assert sniff(data, encoding=asked).encoding == encoding


def test_binary_formats_have_no_encoding() -> None:
    assert sniff(write_xlsx(TABLE)).encoding is None


@pytest.mark.parametrize(
    ("data", "asked"),
    [
        pytest.param(b'<html><meta charset="klingon"><table>', None, id="page-declares"),
        pytest.param(b"1,2\n", "klingon", id="caller-asks"),
    ],
)
def test_an_unknown_encoding_is_refused(data: bytes, asked: str | None) -> None:
    with pytest.raises(ReadError, match="'klingon' is not one this reader knows"):
        sniff(data, encoding=asked)
