"""The `littlegiant` command as users script it: bad lists are refused and change nothing.

Every case runs the real CLI in a subprocess over a real on-disk store built from the shipped
data, and compares N-Quads dumps taken before and after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stdnum.cn import uscc

ROOT = Path(__file__).resolve().parents[1]


def code(body: str) -> str:
    """A synthetic credit code with a correct check character (test data only)."""
    return body + uscc.calc_check_digit(body)


GOOD_BJ = code("91110108MA01AB12C")
GOOD_ZJ = code("91330100MA2CD3E4F")
BAD_CHECK = GOOD_BJ[:-1] + ("0" if GOOD_BJ[-1] != "0" else "1")


class Cli:
    """The CLI with its own store and registry (never the repository's)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "LG_STORE": str(home / "store"),
            "LG_REGISTRY": str(home / "registry"),
        }

    def __call__(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ingest.cli", *map(str, args)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def dump(self) -> bytes:
        target = self.home / f"dump-{len(list(self.home.glob('dump-*')))}.nq"
        result = self("dump", target)
        assert result.returncode == 0, result.stderr
        return target.read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("built")
    shutil.copytree(ROOT / "data" / "registry", home / "registry")
    result = Cli(home)("build")
    assert result.returncode == 0, result.stderr
    return home


@pytest.fixture
def cli(built: Path, tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    shutil.copytree(built, home, symlinks=True)
    return Cli(home)


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
    cli: Cli, tmp_path: Path, name: str, text: str, encoding: str, says: tuple[str, ...]
) -> None:
    before = cli.dump()
    registry_before = (cli.home / "registry" / "enterprises.csv").read_bytes()
    result = cli(
        "ingest", write(tmp_path / name, text, encoding), "--kind", "batch", "--batch", "7"
    )
    assert result.returncode != 0
    for fragment in says:
        assert fragment in result.stderr, result.stderr
    assert cli.dump() == before
    assert (cli.home / "registry" / "enterprises.csv").read_bytes() == registry_before


def test_good_list_is_ingested_once(cli: Cli, tmp_path: Path) -> None:
    listing = write(
        tmp_path / "SYNTHETIC-batch7.csv",
        "No.,Province,Enterprise,USCC\n"
        f"1,Beijing,测试戊科技有限公司（合成）,{GOOD_BJ}\n"
        f"2,浙江,测试己科技有限公司（合成）,{GOOD_ZJ}\n",
    )
    before = cli.dump()
    args = ("--kind", "batch", "--batch", "7", "--date", "2025-12-01")
    first = cli("ingest", listing, *args)
    assert first.returncode == 0, first.stderr
    after = cli.dump()
    assert after != before
    assert "测试戊科技有限公司（合成）" in after.decode()
    second = cli("ingest", listing, *args)
    assert second.returncode == 0, second.stderr
    assert cli.dump() == after


def test_validate_passes_on_the_built_default_store(cli: Cli) -> None:
    result = cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_command_is_a_usage_error(cli: Cli) -> None:
    result = cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
