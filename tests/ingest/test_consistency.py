"""``littlegiant validate`` compares the key registry with the store (issue 15, item 1): a key
the store holds that the registry lacks, or whose names or credit code are another firm's, is a
violation, so a corruption like the one two concurrent ingests once caused cannot pass unseen.
The firms are SYNTHETIC (合成测试)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stdnum.cn import uscc

from ingest.consistency import compare_registry
from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ontology.iris import Iris
from ontology.store import EmbeddedStore

BASE = "https://w3id.org/littlegiant"


def code(serial: int) -> str:
    stem = f"91110108MA{serial:07d}"
    return stem + uscc.calc_check_digit(stem)


def ingest(store: EmbeddedStore, iris: Iris, registry: Registry, path: Path, rows: int) -> None:
    lines = [
        "第七批专精特新“小巨人”企业名单（合成测试数据）",
        "序号,省份,企业名称,统一社会信用代码",
    ]
    lines += [
        f"{i},北京市,合成测试{path.stem}企业{i}有限公司,{code(i)}" for i in range(1, rows + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_file(store, iris, registry, path, date=dt.date(2025, 7, 1))


def test_the_registry_and_the_store_agree_after_ingests(
    default_store: EmbeddedStore, registry: Registry, iris: Iris, tmp_path: Path
) -> None:
    ingest(default_store, iris, registry, tmp_path / "a.csv", 5)
    assert compare_registry(default_store, Registry.load(registry.directory), BASE) == []


def test_keys_minted_from_a_stale_registry_are_caught(
    default_store: EmbeddedStore, registry: Registry, iris: Iris, tmp_path: Path
) -> None:
    """What two writers sharing one registry state did: the second overwrote the first's keys."""
    stale = {p: p.read_bytes() for p in registry.directory.iterdir()}
    ingest(default_store, iris, registry, tmp_path / "a.csv", 3)
    for path, data in stale.items():  # the registry as the other writer last saw it
        path.write_bytes(data)
    problems = compare_registry(default_store, Registry.load(registry.directory), BASE)
    assert len([p for p in problems if "not in the registry" in p]) == 3


def test_a_key_naming_another_firm_and_a_shared_code_are_caught(
    default_store: EmbeddedStore, registry: Registry, iris: Iris, tmp_path: Path
) -> None:
    ingest(default_store, iris, registry, tmp_path / "a.csv", 2)
    table = registry.directory / "enterprises.csv"
    text = table.read_text(encoding="utf-8")
    text = text.replace("合成测试a企业1有限公司", "合成测试另一企业有限公司")
    text = text.replace(code(2), code(1))
    table.write_text(text, encoding="utf-8")
    problems = compare_registry(default_store, Registry.load(registry.directory), BASE)
    assert any("which the registry never recorded" in p for p in problems)
    assert any(f"credit code {code(1)} is recorded for both" in p for p in problems)
    assert any("the store gives credit code" in p for p in problems)
