"""Durability of an ingest (issue 5, item 7): a ``littlegiant ingest`` killed with SIGKILL at any
moment leaves the store as it was; re-running it then publishes; running it again is a no-op; a
reader during the ingest sees the old state or the new one, never a mix.

The list (4,000 rows by default, 20,000 with ``LG_DURABILITY_ROWS=20000``) is SYNTHETIC: generated
here, invented firm names marked 合成测试, credit codes computed to be valid; it never leaves the
test's temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from stdnum.cn import uscc

from ontology.namespaces import LG
from ontology.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
# 4,000 rows: the size issue 2 sets for one list's ingest; LG_DURABILITY_ROWS=20000 for the
# full-size run (it takes as long as the shapes gate needs for 20k new firms)
ROWS = int(os.environ.get("LG_DURABILITY_ROWS", "4000"))
# (printed region, GB/T 2260 county-level code for the credit code's registering authority)
REGIONS = (
    ("北京市", "110108"),
    ("天津市", "120101"),
    ("上海市", "310101"),
    ("江苏省", "320102"),
    ("浙江省", "330106"),
    ("广东省", "440106"),
    ("四川省", "510104"),
    ("宁波市", "330203"),
    ("深圳市", "440303"),
)


def synthetic_list(path: Path, rows: int = ROWS) -> None:
    """A batch-7 list of ``rows`` invented firms (synthetic test data)."""
    lines = [
        "第七批专精特新“小巨人”企业名单（合成测试数据，非真实名单）",
        "序号,省份,企业名称,统一社会信用代码",
    ]
    for i in range(1, rows + 1):
        region, county = REGIONS[i % len(REGIONS)]
        stem = f"91{county}MA{i:07d}"
        lines.append(
            f"{i},{region},合成测试企业{i:05d}有限公司,{stem}{uscc.calc_check_digit(stem)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "LG_STORE": str(home / "store"),
            "LG_REGISTRY": str(home / "registry"),
        }

    def args(self, *args: str | Path) -> list[str]:
        return [sys.executable, "-m", "ingest.cli", *map(str, args)]

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.args(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600
        )

    def start(self, *args: str | Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            self.args(*args),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def dump(self) -> bytes:
        target = self.home / "dump.nq"
        result = self.run("dump", target)
        assert result.returncode == 0, result.stderr
        return target.read_bytes()


def drafts(store_dir: Path) -> set[tuple[str, int]]:
    """Generation directories by name and inode: a draft re-created under an old name is new."""
    found = set()
    for p in store_dir.glob("gen-*"):
        with contextlib.suppress(FileNotFoundError):  # a draft being removed right now
            found.add((p.name, p.stat().st_ino))
    return found


def designations_of_batch_7(store_dir: Path) -> int:
    """Count batch-7 designations as a fresh reader sees the published state."""
    q = (
        f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d <{LG.batch}> ?b . "
        "FILTER(STRENDS(STR(?b), '/batch/7')) }"
    )
    row = next(iter(EmbeddedStore(store_dir).query(q)))  # type: ignore[call-overload]
    return int(row["n"].value)


def test_kill_9_during_large_ingest_leaves_store_unchanged(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    built = cli.run("build")
    assert built.returncode == 0, built.stderr
    before = cli.dump()
    listing = tmp_path / "b7-synthetic.csv"
    synthetic_list(listing)
    ingest = ("ingest", listing, "--kind", "batch", "--date", "2025-07-01")
    old = designations_of_batch_7(tmp_path / "store")

    # killed at several moments: while starting and parsing, as soon as the draft generation
    # exists (building, writing), and while writing or validating it
    store_dir = tmp_path / "store"
    hits = 0
    for moment in ("starting", "draft-created", "draft-busy"):
        seen = drafts(store_dir)
        proc = cli.start(*ingest)
        if moment == "starting":
            time.sleep(0.3)
        else:
            while proc.poll() is None and not drafts(store_dir) - seen:
                time.sleep(0.005)
            if moment == "draft-busy":
                time.sleep(0.5)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            hits += 1
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, f"the ingest ended before the kill ({moment})"
        assert cli.dump() == before, f"store changed by an ingest killed while {moment}"
    assert hits == 3

    # readers during a complete ingest see the old count or the new one, nothing in between
    proc = cli.start(*ingest)
    counts = set()
    while proc.poll() is None:
        counts.add(designations_of_batch_7(tmp_path / "store"))
        time.sleep(0.05)
    assert proc.returncode == 0
    new = designations_of_batch_7(tmp_path / "store")
    assert new == old + ROWS
    assert counts <= {old, new}
    after = cli.dump()
    assert after != before

    again = cli.run(*ingest)
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stderr
    assert cli.dump() == after
    store = EmbeddedStore(tmp_path / "store")
    feed = list(store.quads(None, ox.NamedNode("https://www.w3.org/ns/activitystreams#object")))
    assert len(feed) == 2 * ROWS  # one Create per new enterprise and per new designation
