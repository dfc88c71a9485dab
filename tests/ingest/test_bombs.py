"""Bounded readers and clean errors (issue 15, items 2 and 3): hostile files are refused by the
rule and the limit they break, fast and without a traceback; control characters are refused in
every field; directories, FIFOs and devices are refused for what they are, never opened.

The files are written by ``bombs.py`` in the test's temporary directory; time and memory are
measured by ``bench/bench_bombs.py``, not asserted here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.limits import ReadLimits
from ingest.parse_list import parse_list
from ingest.row_errors import RULE_CONTROL, RULE_FORMAT, RULE_TOO_LARGE
from ontology.store import EmbeddedStore
from tests.ingest import bombs

HEAVY = {"million-rows", "zip-bomb-1GB", "shared-string-200MB"}  # seconds just to write
REFUSALS = {
    "merged-grid": (RULE_TOO_LARGE, "LG_MAX_LIST_ROWS="),
    "last-cell": (RULE_TOO_LARGE, "LG_MAX_LIST_ROWS="),
    "row-1000000": (RULE_TOO_LARGE, "LG_MAX_LIST_ROWS="),
    "shared-string-200MB": (RULE_TOO_LARGE, "LG_MAX_UNZIPPED_BYTES="),
    "million-rows": (RULE_TOO_LARGE, "LG_MAX_LIST_ROWS="),
    "html-50MB": (RULE_TOO_LARGE, "LG_MAX_LIST_BYTES="),
    "csv-field-10MB": (RULE_TOO_LARGE, "LG_MAX_CELL_CHARS="),
    "xml-entities": (RULE_FORMAT, "entity expansion is refused"),
    "zip-bomb-1GB": (RULE_TOO_LARGE, "LG_MAX_UNZIPPED_BYTES="),
}


def bomb(name: str, tmp_path: Path) -> Path:
    file, make = bombs.BOMBS[name]
    return make(tmp_path / file)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in REFUSALS],
)
def test_a_hostile_file_is_refused_by_the_limit_it_breaks(name: str, tmp_path: Path) -> None:
    parsed = parse_list(bomb(name, tmp_path), kind_hint="batch")
    rule, says = REFUSALS[name]
    assert [e.rule for e in parsed.errors] == [rule]
    assert says in parsed.errors[0].message
    assert len(str(parsed.errors[0])) < 400  # the value is never echoed whole
    assert parsed.rows == ()


def test_a_workbook_past_a_smaller_limit_names_that_setting(tmp_path: Path) -> None:
    path = bombs.million_rows(tmp_path / "rows.xlsx", rows=30)
    parsed = parse_list(path, kind_hint="batch", limits=ReadLimits(max_list_rows=20))
    assert [e.rule for e in parsed.errors] == [RULE_TOO_LARGE]
    assert "LG_MAX_LIST_ROWS=20" in parsed.errors[0].message
    assert len(parse_list(path, kind_hint="batch").rows) == 30


def test_lines_ended_by_a_lone_cr_are_lines(tmp_path: Path) -> None:
    parsed = parse_list(bomb("lone-cr", tmp_path), kind_hint="batch")
    assert parsed.errors == ()
    assert [(r.row, r.name) for r in parsed.rows] == [(2, "合成测试甲有限公司")]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x1f"])
def test_a_control_character_in_any_field_is_refused(char: str, tmp_path: Path) -> None:
    """Issue 15: an enterprise whose name contains NUL was minted."""
    path = tmp_path / "nul.csv"
    path.write_text(
        f"序号,省份,企业名称,备注\n1,北京市,合成{char}测试有限公司,\n2,北京市,乙公司,x{char}y\n"
    )
    parsed = parse_list(path, kind_hint="batch")
    assert [(e.rule, e.row) for e in parsed.errors] == [(RULE_CONTROL, 2), (RULE_CONTROL, 3)]
    assert f"U+{ord(char):04X}" in parsed.errors[0].message


def run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str | Path,
) -> tuple[int, str]:
    monkeypatch.setenv("LG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("LG_REGISTRY", str(tmp_path / "registry"))
    status = main([str(a) for a in args])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("what", "says"),
    [
        pytest.param("directory", "is a directory", id="directory"),
        pytest.param("fifo", "is a FIFO", id="fifo"),
        pytest.param("device", "is a device", id="device"),
        pytest.param("missing", "no such file", id="missing"),
    ],
)
def test_what_is_not_a_file_is_refused_for_what_it_is_unopened(
    what: str,
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = {"directory": tmp_path, "device": Path(os.devnull)}.get(what, tmp_path / what)
    if what == "fifo":
        os.mkfifo(target)  # opening it would block until a writer came: it must not be opened
    status, err = run(tmp_path, monkeypatch, capsys, "ingest", target, "--kind", "batch")
    assert status == 1
    assert says in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["merged-grid", "xml-entities", "csv-field-10MB"])
def test_the_command_refuses_a_bomb_in_lines_not_a_traceback(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = run(
        tmp_path, monkeypatch, capsys, "ingest", bomb(name, tmp_path), "--kind", "batch"
    )
    assert status == 1
    assert "rejected, nothing written" in err
    assert "Traceback" not in err
    assert len(err) < 2_000
    assert EmbeddedStore(tmp_path / "store").is_empty()  # refused before the default build


def test_an_unexpected_error_is_one_line_and_a_report_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "registry"
    registry.write_text("a file where the registry directory should be\n")
    status, err = run(tmp_path, monkeypatch, capsys, "build")
    assert status == 3
    [line] = err.strip().splitlines()
    assert "unexpected error" in line
    assert "Traceback" not in line
    report = Path(line.rsplit("the full report is in ", 1)[1])
    assert "Traceback" in report.read_text(encoding="utf-8")
