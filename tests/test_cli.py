"""The `littlegiant` command as users script it: bad lists are refused and change nothing.

The cases run the command's ``main(argv)`` in this process, with ``LG_*`` settings in the
environment as a user sets them, over a real on-disk store built once from the shipped data and
copied per test; they compare N-Quads dumps taken before and after. Two smoke tests run the
installed ``littlegiant`` console script in a subprocess (``-m slow``): an ingest, and ``serve``.
"""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from stdnum.cn import uscc

from ingest.cli import COMMANDS_GROUP, installed_command, main
from tests.conftest import home_copy, home_env

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("littlegiant")  # installed by `pip install -e .`


def code(body: str) -> str:
    """A synthetic credit code with a correct check character (test data only)."""
    return body + uscc.calc_check_digit(body)


GOOD_BJ = code("91110108MA01AB12C")
GOOD_ZJ = code("91330100MA2CD3E4F")
BAD_CHECK = GOOD_BJ[:-1] + ("0" if GOOD_BJ[-1] != "0" else "1")


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    """``littlegiant`` run in this process, with its settings in the environment."""

    def __init__(
        self, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.home = home
        self._capsys = capsys
        for name, value in home_env(home).items():
            monkeypatch.setenv(name, value)

    def __call__(self, *args: str | Path) -> Run:
        self._capsys.readouterr()  # only this command's output
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse ends a usage error this way
            status = exc.code if isinstance(exc.code, int) else 1
        out = self._capsys.readouterr()
        return Run(status, out.out, out.err)

    def dump(self) -> bytes:
        target = self.home / f"dump-{len(list(self.home.glob('dump-*')))}.nq"
        result = self("dump", target)
        assert result.returncode == 0, result.stderr
        return target.read_bytes()


@pytest.fixture(scope="module")
def built_dump(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """``littlegiant dump`` of the built home (of a copy: the command opens the store), once:
    a dump of an on-disk store reads every quad (~0.5 s for the default dataset)."""
    home = home_copy(built_home, tmp_path_factory.mktemp("dumped") / "home")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in home_env(home).items():
            mp.setenv(name, value)
        assert main(["dump", str(home / "built.nq")]) == 0
    return (home / "built.nq").read_bytes()


@pytest.fixture
def cli(
    built_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    """The CLI over this test's copy of the session's built home (tests/conftest.py)."""
    return Cli(home_copy(built_home, tmp_path / "home"), monkeypatch, capsys)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "序号,省份,企业名称,统一社会信用代码\n"

BAD_LISTS = [
    pytest.param(
        "bad-check.csv",
        HEADER + f"1,北京市,测试甲科技有限公司（合成）,{BAD_CHECK}\n",
        "utf-8",
        ("bad-check.csv", "row 2", "uscc"),
        id="invalid-uscc-check-character",
    ),
    pytest.param(
        "unknown-province.csv",
        HEADER + f"1,火星省,测试乙科技有限公司（合成）,{GOOD_BJ}\n",
        "utf-8",
        ("unknown-province.csv", "row 2", "unknown-region"),
        id="unknown-province",
    ),
    pytest.param(
        "duplicate.csv",
        HEADER + f"1,北京市,测试丙科技有限公司（合成）,{GOOD_BJ}\n"
        f"2,北京市,测试丙科技有限公司（合成）,{GOOD_BJ}\n",
        "utf-8",
        ("duplicate.csv", "row 3", "duplicate-row"),
        id="duplicate-row",
    ),
    pytest.param(
        "no-name-column.csv",
        "序号,省份,统一社会信用代码\n" + f"1,北京市,{GOOD_BJ}\n",
        "utf-8",
        ("no-name-column.csv", "missing-column", "企业名称"),
        id="missing-required-column",
    ),
    pytest.param(
        "gbk.csv",
        HEADER + f"1,北京市,测试丁科技有限公司（合成）,{GOOD_BJ}\n",
        "gbk",
        ("gbk.csv", "encoding"),
        id="non-utf8",
    ),
    pytest.param("empty.csv", "", "utf-8", ("empty.csv", "empty-file"), id="empty-file"),
]


@pytest.mark.parametrize(("name", "text", "encoding", "says"), BAD_LISTS)
def test_bad_list_is_refused_and_changes_nothing(
    cli: Cli,
    built_dump: bytes,
    tmp_path: Path,
    name: str,
    text: str,
    encoding: str,
    says: tuple[str, ...],
) -> None:
    before = built_dump  # this test's home is a copy of the built one
    registry_before = (cli.home / "registry" / "enterprises.csv").read_bytes()
    result = cli(
        "ingest", write(tmp_path / name, text, encoding), "--kind", "batch", "--batch", "7"
    )
    assert result.returncode != 0
    for fragment in says:
        assert fragment in result.stderr, result.stderr
    assert cli.dump() == before
    assert (cli.home / "registry" / "enterprises.csv").read_bytes() == registry_before


def good_list(path: Path) -> Path:
    return write(
        path,
        "No.,Province,Enterprise,USCC\n"
        f"1,Beijing,测试戊科技有限公司（合成）,{GOOD_BJ}\n"
        f"2,浙江,测试己科技有限公司（合成）,{GOOD_ZJ}\n",
    )


N153 = "工信部企业函〔2019〕153号"
GOOD_ARGS = ("--kind", "batch", "--batch", "7", "--date", "2025-12-01")


def test_good_list_is_ingested_once(cli: Cli, tmp_path: Path) -> None:
    listing = good_list(tmp_path / "SYNTHETIC-batch7.csv")
    before = cli.dump()
    first = cli("ingest", listing, *GOOD_ARGS)
    assert first.returncode == 0, first.stderr
    after = cli.dump()
    assert after != before
    assert "测试戊科技有限公司（合成）" in after.decode()
    second = cli("ingest", listing, *GOOD_ARGS)
    assert second.returncode == 0, second.stderr
    assert "unchanged" in second.stderr
    assert cli.dump() == after


def test_a_batch_the_store_dates_needs_no_date_and_says_where_each_fact_came_from(
    cli: Cli, tmp_path: Path
) -> None:
    """Batch 1's notice is in the store with its date: the ingest takes both from there."""
    listing = good_list(tmp_path / "SYNTHETIC-batch1.csv")
    result = cli("ingest", listing, "--kind", "batch", "--batch", "1")
    assert result.returncode == 0, result.stderr
    assert "kind: batch (--kind)" in result.stderr
    assert "batch: 1 (--batch)" in result.stderr
    assert f"(the store: {N153} announces batch 1)" in result.stderr
    assert "date: 2019-06-05 (the store: the date" in result.stderr


def test_a_missing_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli("ingest", tmp_path / "nowhere.csv", "--kind", "batch")
    assert result.returncode == 1
    assert "nowhere.csv: no such file" in result.stderr


def test_validate_passes_on_the_built_default_store(cli: Cli) -> None:
    result = cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_command_is_a_usage_error(cli: Cli) -> None:
    result = cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_serve_is_the_servers_installed_command() -> None:
    """``serve`` lives with the server; the command line finds it as an entry point."""
    serve = installed_command("serve")
    assert serve is not None, f"no {COMMANDS_GROUP} entry point named serve: pip install -e ."
    assert serve.__module__ == "server.cli"
    assert list(inspect.signature(serve).parameters) == ["settings", "host", "port", "workers"]
    assert installed_command("frobnicate") is None


# -- the installed console script, in a subprocess ------------------------------------------


def script(home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **home_env(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_console_script_ingests_a_list_once(built_home: Path, tmp_path: Path) -> None:
    home = home_copy(built_home, tmp_path / "home")
    listing = good_list(tmp_path / "SYNTHETIC-batch7.csv")
    first = script(home, "ingest", listing, *GOOD_ARGS)
    assert first.returncode == 0, first.stderr
    assert script(home, "dump", home / "a.nq").returncode == 0
    second = script(home, "ingest", listing, *GOOD_ARGS)
    assert second.returncode == 0, second.stderr
    assert "unchanged" in second.stderr
    assert script(home, "dump", home / "b.nq").returncode == 0
    assert "测试戊科技有限公司（合成）" in (home / "a.nq").read_text(encoding="utf-8")
    assert (home / "a.nq").read_bytes() == (home / "b.nq").read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_console_script_serves_the_built_store(built_home: Path, tmp_path: Path) -> None:
    home = home_copy(built_home, tmp_path / "home")
    port = free_port()
    proc = subprocess.Popen(
        [str(SCRIPT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **home_env(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        health = None
        for _ in range(300):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    pytest.fail(f"littlegiant serve exited with {proc.returncode}")
                time.sleep(0.1)
        assert health is not None, "littlegiant serve did not answer"
        assert health.status_code == 200, health.text
        assert health.json()["triples"] > 0
    finally:
        proc.terminate()
        proc.wait(10)
