"""Writers one at a time, whole (issue 15, item 1): ingests started together lose nothing and
share no key; a second writer waits for the lock or fails cleanly; a writer killed between
publishing the store and renaming the registry is completed by the next one.

Each ingest is the installed command in its own process, as users run several at once. The lists
are SYNTHETIC: invented firm names marked 合成测试, credit codes computed to be valid, different
firms in every list; they never leave the test's temporary directory.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from stdnum.cn import uscc

from ontology.namespaces import LG
from ontology.store import EmbeddedStore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
ROWS = 300
HANG_S = 600.0
REGIONS = (("北京市", "110108"), ("浙江省", "330106"), ("广东省", "440106"), ("四川省", "510104"))


def synthetic_list(path: Path, list_no: int, rows: int = ROWS) -> None:
    """A batch-7 list of ``rows`` invented firms, none shared with another ``list_no``."""
    lines = [
        "第七批专精特新“小巨人”企业名单（合成测试数据，非真实名单）",
        "序号,省份,企业名称,统一社会信用代码",
    ]
    for i in range(1, rows + 1):
        region, county = REGIONS[i % len(REGIONS)]
        stem = f"91{county}MA{list_no:02d}{i:05d}"
        name = f"合成测试{list_no}号名单企业{i:05d}有限公司"
        lines.append(f"{i},{region},{name},{stem}{uscc.calc_check_digit(stem)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Home:
    """One store and registry, and the command run on them."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.store_dir = home / "store"
        self.registry = home / "registry"
        self.env = {
            **os.environ,
            "LG_STORE": str(self.store_dir),
            "LG_REGISTRY": str(self.registry),
        }
        self.env.pop("LG_PAUSE_AT", None)

    def command(self, *args: str | Path) -> list[str]:
        return [sys.executable, "-m", "ingest.cli", *(str(a) for a in args)]

    def ingest_args(self, listing: Path, *extra: str) -> list[str]:
        return self.command("ingest", listing, "--kind", "batch", "--date", "2025-07-01", *extra)

    def run(
        self, *args: str | Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=HANG_S,
        )

    def start(self, args: list[str], pause_at: str | None = None) -> subprocess.Popen[str]:
        env = {**self.env, **({"LG_PAUSE_AT": pause_at} if pause_at else {})}
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def wait_for(self, proc: subprocess.Popen[str], point: str) -> Path:
        marker = self.store_dir / f".paused-at-{point}"
        deadline = time.monotonic() + HANG_S
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"the writer ended before {point}: {proc.communicate()[1]}")
            assert time.monotonic() < deadline, f"the writer never reached {point}"
            time.sleep(0.02)
        return marker

    def registry_rows(self) -> list[dict[str, str]]:
        with (self.registry / "enterprises.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))


def enterprises(store: EmbeddedStore) -> dict[str, tuple[set[str], set[str]]]:
    """Each enterprise IRI with the credit codes and Chinese legal names the store gives it."""
    q = (
        f"SELECT ?e ?c ?n WHERE {{ ?e a <{LG.Enterprise}> . "
        f"OPTIONAL {{ ?e <{LG.uscc}> ?c }} OPTIONAL {{ ?e <{LG.legalName}> ?n }} }}"
    )
    out: dict[str, tuple[set[str], set[str]]] = {}
    for row in store.select(q):
        codes, names = out.setdefault(row["e"].value, (set(), set()))
        if isinstance(row["c"], ox.Literal):
            codes.add(row["c"].value)
        if isinstance(row["n"], ox.Literal):
            names.add(row["n"].value)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("writers")
    shutil.copytree(ROOT / "data" / "registry", home / "registry")
    result = Home(home).run("build")
    assert result.returncode == 0, result.stderr
    for n in range(1, WRITERS + 1):
        synthetic_list(home / f"b7-synthetic-{n}.csv", n)
    return home


@pytest.fixture
def home(built: Path, tmp_path: Path) -> Home:
    shutil.copytree(built, tmp_path / "home", symlinks=True)
    return Home(tmp_path / "home")


def test_concurrent_ingests_lose_nothing_and_share_no_key(home: Home) -> None:
    """Issue 15: two 3,000-row lists ingested at once gave 3,000 keys naming two firms each."""
    before = len(home.registry_rows())
    procs = [
        home.start(home.ingest_args(home.home / f"b7-synthetic-{n}.csv"))
        for n in range(1, WRITERS + 1)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=HANG_S)
        assert proc.returncode == 0, err

    rows = home.registry_rows()
    assert len(rows) == before + WRITERS * ROWS  # nothing lost
    assert len({r["key"] for r in rows}) == len(rows)
    codes = [r["uscc"] for r in rows if r["uscc"]]
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    found = enterprises(EmbeddedStore(home.store_dir))
    shared = {e: v for e, v in found.items() if len(v[0]) > 1 or len(v[1]) > 1}
    assert shared == {}  # no key names two firms
    new = [e for e, (codes_, _) in found.items() if any("MA0" in c for c in codes_)]
    assert len(new) == WRITERS * ROWS
    check = home.run("validate")
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr


def test_a_second_writer_waits_with_a_message_or_fails_cleanly(home: Home) -> None:
    first = home.start(home.ingest_args(home.home / "b7-synthetic-1.csv"), "graphs-staged")
    try:
        marker = home.wait_for(first, "graphs-staged")
        refused = home.run(
            "ingest",
            home.home / "b7-synthetic-2.csv",
            "--kind",
            "batch",
            "--date",
            "2025-07-01",
            "--wait",
            "0",
        )
        assert refused.returncode == 1
        assert "being written" in refused.stderr
        assert "nothing was written" in refused.stderr
        assert "Traceback" not in refused.stderr
        second = home.start(home.ingest_args(home.home / "b7-synthetic-2.csv", "--wait", "300"))
        deadline = time.monotonic() + HANG_S
        while not (home.store_dir / ".lock").read_text().strip():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.5)  # the second writer is now waiting on the lock (or still starting)
        marker.unlink()
        assert first.wait(timeout=HANG_S) == 0
        _, err = second.communicate(timeout=HANG_S)
        assert second.returncode == 0, err
    finally:
        for proc in (first,):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert len(home.registry_rows()) >= 2 * ROWS
    assert home.run("validate").returncode == 0


def test_a_writer_killed_between_the_renames_is_completed_by_the_next(home: Home) -> None:
    before = len(home.registry_rows())
    proc = home.start(home.ingest_args(home.home / "b7-synthetic-3.csv"), "between-renames")
    try:
        home.wait_for(proc, "between-renames")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        for marker in home.store_dir.glob(".paused-at-*"):
            marker.unlink()
    # the store is published; its registry is not yet in place: validate says so
    assert len(home.registry_rows()) == before
    check = home.run("validate")
    assert check.returncode == 1
    assert "publish was interrupted" in check.stdout
    assert "not in the registry" in check.stdout

    # the next writer (here a build that changes nothing) completes the publish first
    result = home.run("build")
    assert result.returncode == 0, result.stderr
    assert len(home.registry_rows()) == before + ROWS
    assert not (home.store_dir / ".publishing").exists()
    assert home.run("validate").returncode == 0
