"""Which firm a printed row speaks of: the one rule every source is matched by.

1. A credit code decides: the key that holds it, whatever name the row prints.
2. Else the normalised name (brackets, spaces and width folded; ``ontology.names``), the row's
   former names included (a note such as （原名：X） says the row's firm was X), within the same
   province: a separately-planned city lies inside its province, so a firm registered under
   宁波市 (330200) is found by a list that prints 宁波市, 浙江省 or Zhejiang; a region on one side
   only agrees with anything. A row whose credit code differs from the candidate's is another firm.
3. One candidate is the firm; two or more are reported (``ambiguous``), never picked.
4. No candidate: a new firm. Firms whose names look like a renaming of it (the same name head —
   the first four characters after a leading province name and before the company form, as in
   唐山贺祥机电 and 唐山贺祥智能科技 — in the same province) are listed in ``similar`` for a person
   to decide (``littlegiant merge``); they are never merged by guess.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ingest.regions import RegionTable
from ontology.names import (
    PlacePrefixes,
    core_name,
    has_cjk,
    normalise_name,
    split_name_notes,
    validate_uscc,
)

HEAD_LENGTH = 4


@dataclass(frozen=True)
class PrintedFirm:
    """A firm as one row prints it: its names (notes split off), credit code and region code."""

    name: str | None = None  # the Chinese name
    english_name: str | None = None
    former_names: tuple[str, ...] = ()
    uscc: str = ""  # compact and valid
    region: str = ""  # a region code of the region table ("330200"), "" when not printed

    @classmethod
    def printed(
        cls,
        name: str | None,
        *,
        english_name: str | None = None,
        former_names: Iterable[str] = (),
        uscc: str | None = None,
        region: str | None = None,
    ) -> PrintedFirm:
        """Split the notes printed after a Chinese name into former names; check the code.

        Raises:
            ontology.names.InvalidUSCC: the credit code fails GB 32100-2015.
        """
        former = list(former_names)
        if name:
            parts = split_name_notes(name)
            name = parts.name
            former += parts.former_names
        if name and not has_cjk(name) and not english_name:
            name, english_name = None, name
        return cls(
            name or None,
            english_name or None,
            tuple(dict.fromkeys(former)),
            validate_uscc(uscc) if uscc else "",
            region or "",
        )

    def name_keys(self) -> list[str]:
        """The normalised names this row knows the firm by, its own first."""
        printed = [n for n in (self.name, self.english_name, *self.former_names) if n]
        return list(dict.fromkeys(normalise_name(n) for n in printed))


@dataclass(frozen=True)
class Match:
    """The firm a row was matched to, by which rule, and what a person should look at."""

    key: str | None
    rule: str  # "credit code" | "name" | "ambiguous" | "new"
    candidates: tuple[str, ...] = ()
    similar: tuple[str, ...] = ()


class FirmIndex(Protocol):
    """What matching reads of the registry (keys always the canonical ones)."""

    def key_of_uscc(self, code: str) -> str | None: ...
    def keys_named(self, normalised: str) -> list[str]: ...
    def keys_headed(self, head: str) -> list[str]: ...
    def region_of(self, key: str) -> str: ...
    def uscc_of(self, key: str) -> str: ...


def match_firm(index: FirmIndex, firm: PrintedFirm, regions: RegionTable) -> Match:
    """Apply the rules above to one printed firm."""
    if firm.uscc and (key := index.key_of_uscc(firm.uscc)) is not None:
        return Match(key, "credit code")
    found: list[str] = []
    for name in firm.name_keys():
        for key in index.keys_named(name):
            if key not in found and _compatible(index, key, firm, regions):
                found.append(key)
    if len(found) == 1:
        return Match(found[0], "name")
    printed = firm.name_keys()[:1]  # the name as printed, before its former names
    own = [k for n in printed for k in index.keys_named(n) if _compatible(index, k, firm, regions)]
    if len(own) == 1:
        # the name as printed is one firm's; another key known by a former name the row
        # gives is that firm under a second key: a person merges them, the row is placed
        return Match(own[0], "name", similar=tuple(k for k in found if k != own[0]))
    if found:
        return Match(None, "ambiguous", candidates=tuple(found))
    head = name_head(firm.name or "", regions)
    similar = [
        key for key in index.keys_headed(head) if head and _compatible(index, key, firm, regions)
    ]
    return Match(None, "new", similar=tuple(similar))


def _compatible(index: FirmIndex, key: str, firm: PrintedFirm, regions: RegionTable) -> bool:
    """No evidence that ``key`` is another firm: same province (or unknown), no other code."""
    if firm.uscc and index.uscc_of(key) not in ("", firm.uscc):
        return False
    return same_province(index.region_of(key), firm.region, regions)


def same_province(a: str, b: str, regions: RegionTable) -> bool:
    """Whether two region codes lie in one province (a planned city in its own); "" agrees."""
    if not a or not b:
        return True
    ra, rb = regions.get(a), regions.get(b)
    if ra is None or rb is None:
        return a == b
    return regions.province_of(ra).code == regions.province_of(rb).code


def more_specific(known: str, printed: str, regions: RegionTable) -> str:
    """The region to record when a listing prints ``printed`` for a firm recorded under
    ``known``: a planned city refines its province; otherwise the record stands."""
    if not known:
        return printed
    region, current = regions.get(printed), regions.get(known)
    if region is None or current is None or not same_province(known, printed, regions):
        return known
    return printed if not region.is_province and current.is_province else known


@functools.lru_cache(maxsize=1 << 16)
def name_head(name: str, regions: RegionTable) -> str:
    """The first characters of a Chinese name's core after a leading province name: the part
    a renaming usually keeps (唐山贺祥 in 唐山贺祥机电 / 唐山贺祥智能科技); "" when too short.

    Kept for the last 65,536 names: every load of the registry computes the head of every
    firm's names again (the same names, load after load)."""
    if not name or not has_cjk(name):
        return ""
    core = _region_prefixes(regions).strip(core_name(name), keep=HEAD_LENGTH)
    return core[:HEAD_LENGTH] if len(core) >= HEAD_LENGTH else ""


@functools.cache
def _region_prefixes(regions: RegionTable) -> PlacePrefixes:
    """The Chinese names of the regions, normalised (浙江省, 浙江, …)."""
    return PlacePrefixes(
        normalise_name(printed)
        for region in regions
        for printed in (region.name_zh, *region.aliases)
        if has_cjk(printed)
    )
