"""Messages that scale (issue 11, item 4): a rejected list is summarised per rule with its first
cases in row order (numbers as numbers), ``--errors FILE.csv`` holds every case, a success says
what it did and where each list fact came from, and a progress bar shows on a terminal only.

The lists are SYNTHETIC (invented firms marked 合成测试, computed credit codes).
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest
from stdnum.cn import uscc

from ingest.cli import main
from ingest.progress import Progress
from tests.conftest import home_copy, home_env

ROOT = Path(__file__).resolve().parents[1]


def code(i: int) -> str:
    stem = f"91110108MA{i:07d}"
    return stem + uscc.calc_check_digit(stem)


def bad_code(i: int) -> str:
    good = code(i)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


@pytest.fixture
def home(built_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's copy of the session's built home, the CLI's settings pointing at it."""
    home = home_copy(built_home, tmp_path / "home")
    for name, value in home_env(home).items():
        monkeypatch.setenv(name, value)
    return home


def listing(path: Path, rows: int, bad: set[int]) -> Path:
    lines = [
        "第七批专精特新“小巨人”企业名单（合成测试数据）",
        "序号,省份,企业名称,统一社会信用代码",
    ]
    for i in range(1, rows + 1):
        credit = bad_code(i) if i in bad else code(i)
        lines.append(f"{i},北京市,合成测试企业{i:05d}有限公司,{credit}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_rejection_is_summarised_per_rule_in_row_order(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11: 2,700 errors printed 635 KB, rows sorted as strings (9, 99, 999, 998)."""
    path = listing(home / "b7.csv", 1_000, bad=set(range(1, 1_001)) - {5})
    errors = home / "errors.csv"
    capsys.readouterr()
    assert main(["ingest", str(path), "--date", "2025-07-01", "--errors", str(errors)]) == 1
    err = capsys.readouterr().err
    assert len(err) < 6_000
    assert "999 problem(s), 1 rule" in err
    assert "  uscc: 999" in err
    shown = [
        int(line.split("row ")[1].split(":")[0]) for line in err.splitlines() if "    row " in line
    ]
    assert shown == [3, 4, 5, 6, 8, *range(9, 24)]  # numeric order; row 7 (序号 5) is good
    assert "… and 979 more" in err
    with errors.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["file", "sheet", "row", "column", "rule", "value", "message"]
    assert len(rows) == 999
    assert [int(r["row"]) for r in rows] == sorted(int(r["row"]) for r in rows)
    assert rows[0]["rule"] == "uscc"
    assert rows[0]["value"] == bad_code(1)


def test_a_success_says_what_it_did_and_where_each_fact_came_from(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = listing(home / "b7.csv", 30, bad=set())
    with path.open("a", encoding="utf-8") as fh:
        fh.write("注：排名不分先后\n")  # a note under the table: said, not read as a row
    capsys.readouterr()
    assert main(["ingest", str(path), "--date", "2025-07-01"]) == 0
    err = capsys.readouterr().err
    assert "30 rows read" in err
    assert "note: not a row, not read: row 33: '注：排名不分先后'" in err
    assert "firms: 0 matched, 30 new, 0 sent to review" in err
    assert "titles: 30 added, 0 extended, 0 ended" in err
    assert "graphs replaced: 4" in err  # the list, its change feed, the registry's names, derived
    assert "kind: batch (the file's own text)" in err
    assert "batch: 7 (the file's own text)" in err
    assert "date: 2025-07-01 (--date)" in err
    assert main(["ingest", str(path), "--date", "2025-07-01"]) == 0
    assert "unchanged: the store already holds this file" in capsys.readouterr().err


def run_in_terminal(args: list[str], env: dict[str, str], size: tuple[int, int]) -> str:
    """Run the command with stderr on a pseudo-terminal of ``size`` (lines, columns), and
    return what it drew there. A new pseudo-terminal's size is 0 x 0 until one is set."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 600)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        drawn += chunk
    proc.wait()
    os.close(leader)
    return drawn.decode("utf-8", "replace")


@pytest.mark.slow
def test_progress_bars_show_on_a_terminal_and_never_in_a_pipe(home: Path) -> None:
    env = {
        **os.environ,
        "LG_STORE": str(home / "store"),
        "LG_REGISTRY": str(home / "registry"),
        "LG_PROGRESS_DELAY_S": "0",  # every step draws its bar, however fast the machine
    }
    args = [sys.executable, "-m", "ingest.cli", "ingest", "--date", "2025-07-01"]
    # 0 x 0: some consoles; the second list differs (the same rows under another file name
    # would be the same list, which the store already holds)
    for size, name, rows in (((24, 100), "a.csv", 200), ((0, 0), "c.csv", 201)):
        drawn = run_in_terminal([*args, str(listing(home / name, rows, bad=set()))], env, size)
        for step in ("parse", f"build {rows} rows", "validate", "load"):
            assert step in drawn, (size, drawn[-2000:])
        assert "\r" in drawn
    piped = subprocess.run(
        [*args, str(listing(home / "b.csv", 200, bad=set()))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "\r" not in piped.stderr
    assert "validate" not in piped.stderr


def test_a_bar_the_ticker_drew_is_cleared_when_its_step_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A step that counts nothing (validate, load) is drawn by the ticker alone once it has run
    past the delay; ending it leaves a blank line for what is printed next (a bar left behind
    ran into the summary: 'validate 22,489 nodes: 00:014,495 rows read')."""
    screen = io.StringIO()
    monkeypatch.setattr(sys, "stderr", screen)
    progress = Progress(delay_s=0.01, enabled=True)
    progress.step("validate 9 nodes")
    for _ in range(400):  # until the ticker has drawn it (it ticks every 0.25 s)
        if "validate 9 nodes" in screen.getvalue():
            break
        threading.Event().wait(0.05)
    assert "validate 9 nodes" in screen.getvalue()
    progress.step("load")  # ends the step; this one ends before it is drawn
    progress.close()
    assert screen.getvalue().rsplit("\r", 1)[-1].strip() == "", repr(screen.getvalue()[-200:])
