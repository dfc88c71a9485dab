"""Deterministic SYNTHETIC attachment lists (附件名单) for benchmarks and tests — not real data.

    python bench/synth.py --enterprises 20000 --out /tmp/synth

writes one CSV per batch (``SYNTHETIC-batch-{n}.csv``, UTF-8 with BOM like government CSVs) with
the columns ``序号,省份,企业名称,统一社会信用代码`` under a title row that says the list is
synthetic. Batch sizes follow the real batches' proportions (248/1584/2930/4328/3671/3012/3482)
scaled to the total. Every company name is made of invented parts and ends in “（合成）”; every
credit code is well-formed (GB 32100-2015 check character) with the registering authority's
division code inside the reporting region, but belongs to no real enterprise. Regions are the
reference ones (data/reference/regions.csv, read only); their weights below are rough shares
for generation only, not statistics.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stdnum.cn.uscc import calc_check_digit

ROOT = Path(__file__).resolve().parents[1]
REGIONS_CSV = ROOT / "data" / "reference" / "regions.csv"
BATCH_SHARES = (248, 1584, 2930, 4328, 3671, 3012, 3482)
MARK = "（合成）"

# Rough generation weights per region code (higher for the big manufacturing provinces).
_WEIGHTS = {
    "330000": 7.0,
    "440000": 6.5,
    "320000": 7.5,
    "370000": 6.0,
    "310000": 5.0,
    "110000": 5.0,
    "340000": 4.0,
    "420000": 4.0,
    "430000": 3.5,
    "510000": 3.5,
    "410000": 3.0,
    "350000": 2.5,
    "120000": 2.0,
    "130000": 3.0,
    "500000": 2.5,
    "210000": 2.0,
    "610000": 2.0,
    "360000": 2.0,
    "220000": 1.0,
    "230000": 1.0,
    "140000": 1.2,
    "150000": 0.8,
    "450000": 1.0,
    "520000": 1.0,
    "530000": 0.9,
    "620000": 0.6,
    "460000": 0.4,
    "640000": 0.4,
    "630000": 0.3,
    "650000": 0.5,
    "540000": 0.1,
    "210200": 0.8,
    "370200": 1.5,
    "330200": 2.5,
    "350200": 1.0,
    "440300": 4.0,
    "xpcc": 0.2,
}
_SYLLABLES = tuple(
    "华瑞恒创新宏达盛鑫科博力远泰信锐智航联通星海源峰隆嘉德明晟昊"
    "拓卓云天正美优精诚合安和凯驰奥腾睿弘富立"
)
_TRADES = (
    "精密机械",
    "新材料",
    "智能装备",
    "电子科技",
    "传感技术",
    "医疗器械",
    "生物科技",
    "汽车零部件",
    "光电科技",
    "化工",
    "仪器仪表",
    "半导体",
    "环保科技",
    "数控技术",
    "新能源",
    "工业软件",
    "复合材料",
    "液压",
    "轴承",
    "模具",
)
_FORMS = ("有限公司", "股份有限公司", "有限责任公司")
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class SynthRegion:
    code: str
    name: str  # as printed in the lists
    city: str  # short form used inside company names
    division: str  # the first two digits of the registering authority's division code


def regions(path: Path = REGIONS_CSV) -> list[SynthRegion]:
    """The reference reporting regions, with the division prefix their credit codes carry."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            prefixes = [p for p in row["uscc_prefixes"].split(";") if p]
            short = row["name_zh"].removesuffix("市").removesuffix("省")
            for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区"):
                short = short.removesuffix(suffix)
            out.append(SynthRegion(row["code"], row["name_zh"], short, prefixes[0]))
    return out


def batch_sizes(total: int) -> list[int]:
    """Split ``total`` in the proportions of the real batches (largest remainder)."""
    whole = sum(BATCH_SHARES)
    exact = [total * s / whole for s in BATCH_SHARES]
    sizes = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - sizes[i], reverse=True):
        if sum(sizes) == total:
            break
        sizes[i] += 1
    return sizes


def credit_code(rng: random.Random, region: SynthRegion, used: set[str]) -> str:
    """A well-formed synthetic code: 91 + division code in the region + random body + check."""
    while True:
        if region.code.isdigit() and region.code[2:4] != "00":
            division = region.code[:4] + f"{rng.randint(1, 20):02d}"  # a planned city's districts
        else:
            division = region.division + f"{rng.randint(1, 30):02d}{rng.randint(0, 20):02d}"
        body = "".join(rng.choice(_ORG_ALPHABET) for _ in range(9))
        stem = "91" + division + body
        code = stem + calc_check_digit(stem)
        if code not in used:
            used.add(code)
            return code


def company_name(rng: random.Random, region: SynthRegion, used: set[str]) -> str:
    """An invented name (place + two-syllable trade name + trade + form), marked synthetic."""
    while True:
        trade_name = rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)
        name = f"{region.city}{trade_name}{rng.choice(_TRADES)}{rng.choice(_FORMS)}{MARK}"
        if name not in used:
            used.add(name)
            return name
        # many collisions at 200k: widen with a third syllable
        name = f"{region.city}{trade_name}{rng.choice(_SYLLABLES)}{rng.choice(_TRADES)}"
        name += f"{rng.choice(_FORMS)}{MARK}"
        if name not in used:
            used.add(name)
            return name


def rows(
    total: int, seed: int = 20190605, extra: int = 0
) -> Iterator[tuple[int, list[tuple[str, str, str]]]]:
    """Yield (batch ordinal, [(region name, company name, credit code)]) for every batch.

    With ``extra``, one more list of that many new enterprises follows (ordinal 0), unique
    against all the others: the list a benchmark ingests into a store holding the rest.
    """
    rng = random.Random(seed)
    regs = regions()
    weights = [_WEIGHTS.get(r.code, 0.5) for r in regs]
    names: set[str] = set()
    codes: set[str] = set()
    sizes = list(enumerate(batch_sizes(total), start=1)) + ([(0, extra)] if extra else [])
    for ordinal, size in sizes:
        picked = rng.choices(regs, weights=weights, k=size)
        yield (
            ordinal,
            [(r.name, company_name(rng, r, names), credit_code(rng, r, codes)) for r in picked],
        )


def write_lists(total: int, out: Path, seed: int = 20190605, extra: int = 0) -> list[Path]:
    """Write the batch CSVs into ``out`` (never into data/) and return their paths.

    With ``extra``, the last path is ``SYNTHETIC-extra.csv``: ``extra`` more enterprises, titled
    as a batch-7 list.
    """
    out = out.resolve()
    if out == ROOT / "data" or (ROOT / "data") in out.parents:
        raise ValueError("synthetic lists never go into data/")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ordinal, batch in rows(total, seed, extra):
        name = f"SYNTHETIC-batch-{ordinal}.csv" if ordinal else "SYNTHETIC-extra.csv"
        path = out / name
        ordinal = ordinal or len(BATCH_SHARES)
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(
                [
                    f"合成数据（SYNTHETIC, not real enterprises）第{ordinal}批"
                    "专精特新“小巨人”企业名单"
                ]
            )
            w.writerow(["序号", "省份", "企业名称", "统一社会信用代码"])
            for i, (region, name, code) in enumerate(batch, start=1):
                w.writerow([i, region, name, code])
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20190605)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = write_lists(args.enterprises, args.out, args.seed)
    seconds = time.perf_counter() - started
    print(f"{args.enterprises} synthetic enterprises in {len(paths)} lists, {seconds:.2f} s:")
    for p in paths:
        print(f"  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
