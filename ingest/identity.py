"""Identity: persistent enterprise keys and document slugs, and resolving a printed row to a key.

Keys are minted once and recorded in a committed registry (``data/registry/*.csv``); a key is
never changed or reused, so every IRI we publish stays valid whatever the algorithms here become.
Which key a row speaks of is decided by ``ingest.firm_match`` (one rule for every source); the
registry records what identity rests on: each key's credit code, region, the names it is known
by, its current legal name and former names (the ``names`` graph publishes them), and the merges
a person decided (``littlegiant merge``; the ``merges`` graph publishes them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ingest import registry_files as rf
from ingest.document_slugs import derive_document_slug
from ingest.firm_match import Match, PrintedFirm, match_firm, more_specific, name_head
from ingest.regions import RegionTable, default_regions
from ingest.registry_files import EnterpriseEntry, MergeRecord
from ontology.names import compact_uscc, has_cjk, normalise_name

MAX_SIMILAR = 3  # more known firms than this sharing a name head: the head is no evidence

__all__ = ["MergeRecord", "Registry", "Resolution"]


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a row to an enterprise key."""

    key: str | None
    created: bool = False
    candidates: tuple[str, ...] = ()
    reason: str = ""
    similar: tuple[str, ...] = ()  # keys that may be this firm renamed: for a person to decide

    @property
    def ambiguous(self) -> bool:
        return self.key is None and len(self.candidates) > 1


class Registry:
    """The enterprise and document key registries, loaded from and saved to one directory."""

    def __init__(self, directory: Path, regions: RegionTable | None = None) -> None:
        self.directory = directory
        self.regions = regions if regions is not None else default_regions()
        self._entries: dict[str, EnterpriseEntry] = {}
        self._by_uscc: dict[str, str] = {}
        self._by_name: dict[str, dict[str, None]] = {}  # ordered sets of keys
        self._by_head: dict[str, dict[str, None]] = {}
        self._fresh: set[str] = set()  # minted for the source being read: not each other renamed
        self._fresh_heads: dict[str, dict[str, None]] = {}  # their heads, indexed after it
        self._docs: dict[str, str] = {}  # doc_number -> slug
        self._doc_minted: dict[str, str] = {}
        self._highest = 0  # highest key number ever recorded: keys are never reused
        self._shared: list[tuple[str, str, str]] = []  # (credit code, key, key): never legal
        self._changed: set[str] = set()  # keys whose entry changed since the directory was read
        self._loaded = b""  # the enterprise file as read: what an unchanged registry leaves
        self._files: dict[Path, bytes] | None = None  # files() of the state as it is
        self._dirty = False

    @property
    def dirty(self) -> bool:
        """Whether the registry differs from its directory (set by every change of an entry or
        a document key)."""
        return self._dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        # every change sets it, and so does publishing: the bytes of the state before go
        self._dirty, self._files = value, None

    # -- loading and saving
    @classmethod
    def load(cls, directory: Path, regions: RegionTable | None = None) -> Registry:
        reg = cls(directory, regions)
        for values in rf.read_rows(directory / rf.ENTERPRISE_FILE, rf.ENTERPRISE_FIELDS):
            names = [n for n in values.pop("names").split("|") if n]
            former = [n for n in values.pop("former_names").split("|") if n]
            reg._index(EnterpriseEntry(**values, names=names, former_names=former))
        for row in rf.read_rows(directory / rf.DOCUMENT_FILE, rf.DOCUMENT_FIELDS):
            reg._docs[row["doc_number"]] = row["slug"]
            reg._doc_minted[row["doc_number"]] = row["minted"]
        reg._loaded = p.read_bytes() if (p := directory / rf.ENTERPRISE_FILE).exists() else b""
        reg._changed.clear()
        return reg

    def reload(self) -> None:
        """Read the directory again, dropping whatever this object holds that is not on disk."""
        self.__dict__.update(Registry.load(self.directory, self.regions).__dict__)

    def _index(self, entry: EnterpriseEntry) -> None:
        self._entries[entry.key] = entry
        self._changed.add(entry.key)
        self._highest = max(self._highest, rf.key_number(entry.key))
        if entry.uscc:
            other = self._by_uscc.get(entry.uscc)
            if other is not None and other != entry.key:
                self._shared.append((entry.uscc, other, entry.key))
            self._by_uscc[entry.uscc] = entry.key
        for n in entry.names:
            self._name(entry.key, n)
        heads = self._fresh_heads if entry.key in self._fresh else self._by_head
        for printed in (entry.legal_name, *entry.former_names):
            if head := name_head(printed, self.regions):
                heads.setdefault(head, {})[entry.key] = None

    def _name(self, key: str, normalised: str) -> None:
        self._by_name.setdefault(normalised, {})[key] = None

    def save(self) -> None:
        """Write both registries atomically (temporary file, fsync, rename).

        Only for a registry that belongs to no store; a writer publishes ``files()`` with the
        store's new state instead (``ingest.writer``).
        """
        if not self.dirty:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for path, data in self.files().items():
            rf.atomic_write(path, data)
        self.dirty = False

    def files(self) -> dict[Path, bytes]:
        """Both registries as the bytes of their CSV files, by path: made once per state (a
        commit reads them for the names graph and publishes them; 20,000 firms: ~0.3 s)."""
        if self._files is not None:
            return dict(self._files)
        docs = [
            {"slug": slug, "doc_number": number, "minted": self._doc_minted.get(number, "")}
            for number, slug in sorted(self._docs.items(), key=lambda kv: kv[1])
        ]
        self._files = {
            self.directory / rf.ENTERPRISE_FILE: rf.enterprise_bytes(self._entries.values()),
            self.directory / rf.DOCUMENT_FILE: rf.csv_bytes(rf.DOCUMENT_FIELDS, docs),
        }
        return dict(self._files)

    def enterprise_file(self, *, as_read: bool = False) -> bytes:
        """The enterprise file as this registry leaves it (what the writer publishes if it
        changed), or ``as_read`` from the directory."""
        if as_read or not self.dirty:
            return self._loaded
        return self.files()[self.directory / rf.ENTERPRISE_FILE]

    def changed_keys(self) -> set[str]:
        """Keys whose entry changed since the directory was read (their ``names`` lines may)."""
        return set(self._changed)

    # -- lookups (the FirmIndex of ingest.firm_match: canonical keys only)
    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[str]:
        return list(self._entries)

    def canonical(self, key: str) -> str:
        """Follow merges to the key that now stands for the enterprise."""
        seen = set()
        while key in self._entries and self._entries[key].merged_into and key not in seen:
            seen.add(key)
            key = self._entries[key].merged_into
        return key

    def key_of_uscc(self, code: str) -> str | None:
        key = self._by_uscc.get(code)
        return self.canonical(key) if key else None

    def keys_named(self, normalised: str) -> list[str]:
        keys = {self.canonical(k) for k in self._by_name.get(normalised, {})}
        return sorted(keys, key=rf.key_number)

    def keys_headed(self, head: str) -> list[str]:
        """Known firms whose names share this head, unless many do (then it says nothing:
        a common prefix, not one firm's trade name); keys minted for the source being read
        never count: firms new in one list are different firms."""
        found = self._by_head.get(head, {})
        if len(found) > MAX_SIMILAR:
            return []
        return sorted({self.canonical(k) for k in found}, key=rf.key_number)

    def region_of(self, key: str) -> str:
        return self._entries[key].region

    def uscc_of(self, key: str) -> str:
        return self._entries[key].uscc

    def lookup_uscc(self, code: str) -> str | None:
        return self.key_of_uscc(compact_uscc(code))

    def lookup_name(self, name: str, region: str | None = None) -> list[str]:
        """Keys whose recorded names normalise like ``name`` (and whose province agrees)."""
        firm = PrintedFirm.printed(name, region=region)
        match = match_firm(self, firm, self.regions)
        return [match.key] if match.key else list(match.candidates)

    def legal_name(self, key: str) -> str:
        """The current Chinese legal name as printed ("" when only an English name is known)."""
        return self._entries[key].legal_name

    def former_names(self, key: str) -> list[str]:
        return list(self._entries[key].former_names)

    def names_by_key(self) -> dict[str, set[str]]:
        """The normalised names recorded for each key, with those of the keys merged into it
        (one pass: asking key by key would read every entry once per key)."""
        found: dict[str, set[str]] = {}
        for e in self._entries.values():
            found.setdefault(self.canonical(e.key), set()).update(e.names)
        return found

    def shared_codes(self) -> list[str]:
        """One line per credit code that two keys record: one code is one enterprise."""
        return [
            f"credit code {code} is recorded for both {a} and {b}"
            for code, a, b in self._shared
            if self.canonical(a) != self.canonical(b)
        ]

    def merges(self) -> list[MergeRecord]:
        """Every merge decided, in key order."""
        return [
            MergeRecord(e.key, e.merged_into, e.merged_on, e.merge_reason, e.merge_source_url)
            for e in sorted(self._entries.values(), key=lambda e: rf.key_number(e.key))
            if e.merged_into
        ]

    # -- resolving and minting
    def new_source(self) -> None:
        """Start reading another source: the keys minted so far are known firms from now on."""
        for head, keys in self._fresh_heads.items():
            self._by_head.setdefault(head, {}).update(keys)
        self._fresh.clear()
        self._fresh_heads.clear()

    def resolve(
        self,
        *,
        name: str | None,
        uscc: str | None = None,
        region: str | None = None,
        english_name: str | None = None,
        former_names: tuple[str, ...] = (),
        mint: bool = True,
        today: dt.date | None = None,
    ) -> Resolution:
        """Find the enterprise a row speaks of (``ingest.firm_match``), minting a key for a new
        one. Notes printed after the name (（原名：…）) are read as former names.

        Raises:
            ontology.names.InvalidUSCC: the credit code fails GB 32100-2015.
        """
        firm = PrintedFirm.printed(
            name, english_name=english_name, former_names=former_names, uscc=uscc, region=region
        )
        match = match_firm(self, firm, self.regions)
        if match.key is not None:
            self._remember(match.key, firm, match)
            return Resolution(match.key, reason=_reason(match, firm), similar=match.similar)
        if match.candidates:
            printed = firm.name or firm.english_name
            return Resolution(
                None,
                candidates=match.candidates,
                reason=f"{len(match.candidates)} enterprises may be {printed!r}",
            )
        if not mint:
            renamed = f"; may be {', '.join(match.similar)} renamed" if match.similar else ""
            return Resolution(None, reason="unknown" + renamed, similar=match.similar)
        key = self._mint(firm, today or dt.date.today())
        return Resolution(key, created=True, reason="new", similar=match.similar)

    def _mint(self, firm: PrintedFirm, today: dt.date) -> str:
        key = f"E{self._highest + 1:06d}"
        self._fresh.add(key)
        self._index(
            EnterpriseEntry(key=key, uscc=firm.uscc, region=firm.region, minted=today.isoformat())
        )
        self.dirty = True
        self._remember(key, firm, Match(key, "new"))
        return key

    def _remember(self, key: str, firm: PrintedFirm, match: Match) -> None:
        """Record what this row adds to the firm's identity: names, code, region, renaming."""
        entry, before = self._entries[key], self._snapshot(key)
        for normalised in firm.name_keys():
            if normalised not in entry.names:
                entry.names.append(normalised)
            self._name(key, normalised)
        if firm.uscc and not entry.uscc:
            entry.uscc = firm.uscc
            self._by_uscc[firm.uscc] = key
        if firm.region:
            moved = match.rule == "credit code" and firm.region != entry.region
            entry.region = (
                firm.region if moved else more_specific(entry.region, firm.region, self.regions)
            )
        if firm.name and has_cjk(firm.name):
            self._name_record(entry, firm, renamed=match.rule == "credit code")
        for former in firm.former_names:
            self._add_former(entry, former)
        if self._snapshot(key) != before:
            self.dirty = True
            self._index(entry)

    def _name_record(self, entry: EnterpriseEntry, firm: PrintedFirm, *, renamed: bool) -> None:
        """The current legal name: the first printed, until a renaming replaces it (a note that
        names it as former, or a credit code printed with another name)."""
        name = firm.name or ""
        current = normalise_name(entry.legal_name)
        if not entry.legal_name:
            entry.legal_name = name
        elif normalise_name(name) != current:
            stated = current in {normalise_name(f) for f in firm.former_names}
            old = current in {normalise_name(f) for f in entry.former_names}
            if stated or (renamed and not old and normalise_name(name) not in _norms(entry)):
                previous, entry.legal_name = entry.legal_name, name
                entry.former_names = [
                    f for f in entry.former_names if normalise_name(f) != normalise_name(name)
                ]
                self._add_former(entry, previous)

    @staticmethod
    def _add_former(entry: EnterpriseEntry, former: str) -> None:
        if normalise_name(former) not in _norms(entry):
            entry.former_names.append(former)

    def _snapshot(self, key: str) -> tuple[object, ...]:
        e = self._entries[key]
        return (e.uscc, e.region, tuple(e.names), e.legal_name, tuple(e.former_names))

    def merge(
        self, duplicate: str, into: str, *, on: dt.date, reason: str = "", source_url: str = ""
    ) -> None:
        """Record that ``duplicate`` is the firm ``into``: its names, code and region join the
        survivor's (its legal name becomes a former name); both IRIs keep answering.

        Raises:
            ValueError: an unknown key, a key already merged, a cycle, or two credit codes.
        """
        for key in (duplicate, into):
            if key not in self._entries:
                raise ValueError(f"{key} is not a key of the registry")
        if self._entries[duplicate].merged_into:
            raise ValueError(f"{duplicate} is already merged into {self.canonical(duplicate)}")
        if duplicate == into or self.canonical(into) == duplicate:
            raise ValueError(f"cannot merge {duplicate} into {into}: it would make a cycle")
        dup, survivor = self._entries[duplicate], self._entries[self.canonical(into)]
        if dup.uscc and survivor.uscc and dup.uscc != survivor.uscc:
            raise ValueError(
                f"{duplicate} ({dup.uscc}) and {into} ({survivor.uscc}) have different credit "
                "codes: they are two firms"
            )
        dup.merged_into, dup.merged_on = into, on.isoformat()
        dup.merge_reason, dup.merge_source_url = reason, source_url
        for former in (dup.legal_name, *dup.former_names):
            if former and normalise_name(former) != normalise_name(survivor.legal_name):
                self._add_former(survivor, former)
        if not survivor.legal_name and dup.legal_name:
            survivor.legal_name = dup.legal_name
        survivor.uscc = survivor.uscc or dup.uscc
        survivor.region = more_specific(survivor.region, dup.region, self.regions) or dup.region
        for normalised in dup.names:
            if normalised not in survivor.names:
                survivor.names.append(normalised)
        self._index(survivor)
        self._changed.add(duplicate)
        self.dirty = True

    # -- documents
    def document_slug(self, doc_number: str, today: dt.date | None = None) -> str:
        """The slug of a numbered document: recorded once, derived from the 文号 the first time."""
        if doc_number in self._docs:
            return self._docs[doc_number]
        slug = derive_document_slug(doc_number)
        if slug in self._docs.values():
            raise ValueError(f"document slug {slug!r} of {doc_number!r} is already taken")
        self._docs[doc_number] = slug
        self._doc_minted[doc_number] = (today or dt.date.today()).isoformat()
        self.dirty = True
        return slug

    def documents(self) -> dict[str, str]:
        return dict(self._docs)


def _norms(entry: EnterpriseEntry) -> set[str]:
    return {normalise_name(n) for n in (entry.legal_name, *entry.former_names) if n}


def _reason(match: Match, firm: PrintedFirm) -> str:
    region = " and region" if firm.region else ""
    return "credit code" if match.rule == "credit code" else f"name{region}"
