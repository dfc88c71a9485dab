"""Reporting regions (GB/T 2260 provinces, planned cities, the XPCC) and the one name resolver.

Lists name regions in many printed forms (北京市 / 北京 / Beijing / Ｂｅｉｊｉｎｇ, 内蒙古 /
内蒙古自治区, 兵团 / XPCC); every parser resolves them here, against the accepted names recorded
in ``data/reference/regions.csv``, so that one spelling never becomes two regions. Only the
recorded forms are accepted: suffixes are not stripped blindly (吉林市 is a city in 吉林省, not
the province).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import URIRef

from ontology.iris import Iris
from ontology.paths import DATA_DIR

REGIONS_FILE = Path("reference") / "regions.csv"
REGION_KINDS = ("province", "planned-city", "corps")

__all__ = ["Region", "RegionTable", "default_regions", "region_key", "resolve_region"]


@dataclass(frozen=True)
class Region:
    """One reporting region as the reference data records it."""

    code: str  # GB/T 2260 code ("330000", "330200") or "xpcc"
    kind: str  # province | planned-city | corps
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    within: str  # the province's code, for a planned city
    uscc_prefixes: tuple[str, ...]
    source_url: str
    note: str = ""

    @property
    def is_province(self) -> bool:
        return self.kind == "province"

    @property
    def gb_code(self) -> str | None:
        """The GB/T 2260 code; the XPCC has none."""
        return self.code if self.code.isdigit() else None

    def iri(self, iris: Iris) -> URIRef:
        """``/id/province/{code}`` for a province, ``/id/region/{code}`` otherwise."""
        return iris.province(self.code) if self.is_province else iris.region(self.code)

    def names(self) -> tuple[str, ...]:
        """Every accepted printed form: Chinese name, English name, then the aliases."""
        return (self.name_zh, self.name_en, *self.aliases)


def region_key(text: str) -> str:
    """Fold a printed region name: full/half width (NFKC), no spaces, case-insensitive."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).casefold()


class RegionTable:
    """The regions of one reference file, looked up by code or any accepted name."""

    def __init__(self, regions: list[Region]) -> None:
        self.regions = tuple(regions)
        self._by_code = {r.code: r for r in regions}
        self._by_name: dict[str, Region] = {}
        for region in regions:
            for name in (region.code, *region.names()):
                key = region_key(name)
                other = self._by_name.get(key)
                if other is not None and other is not region:
                    raise ValueError(
                        f"region name {name!r} is claimed by {other.code} and {region.code}"
                    )
                self._by_name[key] = region
        for region in regions:
            if region.within and region.within not in self._by_code:
                raise ValueError(f"region {region.code} lies within unknown {region.within}")

    @classmethod
    def load(cls, path: Path) -> RegionTable:
        """Read ``regions.csv``. Raises ValueError on an unknown kind or a clash of names."""
        regions = []
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                if row["kind"] not in REGION_KINDS:
                    raise ValueError(f"{path}:{n}: unknown region kind {row['kind']!r}")
                regions.append(
                    Region(
                        code=row["code"],
                        kind=row["kind"],
                        name_zh=row["name_zh"],
                        name_en=row["name_en"],
                        aliases=tuple(a for a in row["aliases"].split(";") if a),
                        within=row["within"],
                        uscc_prefixes=tuple(p for p in row["uscc_prefixes"].split(";") if p),
                        source_url=row["source_url"],
                        note=row.get("note") or "",
                    )
                )
        return cls(regions)

    def __iter__(self) -> Iterator[Region]:
        return iter(self.regions)

    def __len__(self) -> int:
        return len(self.regions)

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def province_of(self, region: Region) -> Region:
        """The province a region reports within (itself for a province or the XPCC)."""
        return self._by_code[region.within] if region.within else region

    def resolve(self, text: str | None) -> Region | None:
        """The region a printed name (or code) stands for; None when it names none of them."""
        if not text:
            return None
        return self._by_name.get(region_key(text))


@cache
def default_regions(data_dir: Path = DATA_DIR) -> RegionTable:
    """The shipped reference regions (read once; the table is immutable)."""
    return RegionTable.load(data_dir / REGIONS_FILE)


def resolve_region(text: str | None, table: RegionTable | None = None) -> Region | None:
    """Resolve any accepted form of a region name: 浙江省, 浙江, Zhejiang, 宁波, 兵团, XPCC ….

    Returns None for text that names no reporting region (the caller reports the row).
    """
    return (table if table is not None else default_regions()).resolve(text)
