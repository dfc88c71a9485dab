"""Identity: persistent enterprise keys and document slugs, and resolving a printed row to a key.

Keys are minted once and recorded in a committed registry (``data/registry/*.csv``); a key is
never changed or reused, so every IRI we publish stays valid whatever the algorithms here become.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ontology.names import compact_uscc, normalise_name, parse_document_number, validate_uscc

ENTERPRISE_FILE = "enterprises.csv"
DOCUMENT_FILE = "documents.csv"
_ENTERPRISE_FIELDS = ("key", "uscc", "region", "names", "minted", "merged_into")
_DOCUMENT_FIELDS = ("slug", "doc_number", "minted")
_KEY = re.compile(r"^E(\d{6,})$")
_NUMBERED_SLUG = re.compile(r"^[a-z]+-\d{4}-\d+$")

__all__ = ["Registry", "Resolution", "derive_document_slug", "is_numbered_slug"]


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a row to an enterprise key."""

    key: str | None
    created: bool = False
    candidates: tuple[str, ...] = ()
    reason: str = ""

    @property
    def ambiguous(self) -> bool:
        return self.key is None and len(self.candidates) > 1


@dataclass
class _Entry:
    key: str
    uscc: str = ""
    region: str = ""
    names: list[str] = field(default_factory=list)
    minted: str = ""
    merged_into: str = ""


class Registry:
    """The enterprise and document key registries, loaded from and saved to one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries: dict[str, _Entry] = {}
        self._by_uscc: dict[str, str] = {}
        self._by_name: dict[str, list[str]] = {}
        self._docs: dict[str, str] = {}  # doc_number -> slug
        self._doc_minted: dict[str, str] = {}
        self._highest = 0  # highest key number ever recorded: keys are never reused
        self._shared: list[tuple[str, str, str]] = []  # (credit code, key, key): never legal
        self.dirty = False

    # -- loading and saving
    @classmethod
    def load(cls, directory: Path) -> Registry:
        reg = cls(directory)
        path = directory / ENTERPRISE_FILE
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    entry = _Entry(
                        key=row["key"],
                        uscc=row.get("uscc") or "",
                        region=row.get("region") or "",
                        names=[n for n in (row.get("names") or "").split("|") if n],
                        minted=row.get("minted") or "",
                        merged_into=row.get("merged_into") or "",
                    )
                    reg._index(entry)
        docs = directory / DOCUMENT_FILE
        if docs.exists():
            with docs.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    reg._docs[row["doc_number"]] = row["slug"]
                    reg._doc_minted[row["doc_number"]] = row.get("minted") or ""
        return reg

    def reload(self) -> None:
        """Read the directory again, dropping whatever this object holds that is not on disk."""
        self.__dict__.update(Registry.load(self.directory).__dict__)

    def _index(self, entry: _Entry) -> None:
        self._entries[entry.key] = entry
        self._highest = max(self._highest, _key_number(entry.key))
        if entry.uscc:
            other = self._by_uscc.get(entry.uscc)
            if other is not None and other != entry.key:
                self._shared.append((entry.uscc, other, entry.key))
            self._by_uscc[entry.uscc] = entry.key
        for n in entry.names:
            keys = self._by_name.setdefault(n, [])
            if entry.key not in keys:
                keys.append(entry.key)

    def save(self) -> None:
        """Write both registries atomically (temporary file, fsync, rename).

        Only for a registry that belongs to no store; a writer publishes ``files()`` with the
        store's new state instead (``ingest.writer``).
        """
        if not self.dirty:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for path, data in self.files().items():
            _atomic_write(path, data)
        self.dirty = False

    def files(self) -> dict[Path, bytes]:
        """Both registries as the bytes of their CSV files, by path."""
        rows = [
            {
                "key": e.key,
                "uscc": e.uscc,
                "region": e.region,
                "names": "|".join(e.names),
                "minted": e.minted,
                "merged_into": e.merged_into,
            }
            for e in sorted(self._entries.values(), key=lambda e: _key_number(e.key))
        ]
        docs = [
            {"slug": slug, "doc_number": number, "minted": self._doc_minted.get(number, "")}
            for number, slug in sorted(self._docs.items(), key=lambda kv: kv[1])
        ]
        return {
            self.directory / ENTERPRISE_FILE: _csv_bytes(_ENTERPRISE_FIELDS, rows),
            self.directory / DOCUMENT_FILE: _csv_bytes(_DOCUMENT_FIELDS, docs),
        }

    # -- lookups
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

    def lookup_uscc(self, code: str) -> str | None:
        key = self._by_uscc.get(compact_uscc(code))
        return self.canonical(key) if key else None

    def lookup_name(self, name: str, region: str | None = None) -> list[str]:
        """Keys whose recorded names normalise like ``name`` (and whose region agrees, if given)."""
        keys = {self.canonical(k) for k in self._by_name.get(normalise_name(name), [])}
        if region:
            keys = {k for k in keys if self._entries[k].region in ("", region)}
        return sorted(keys, key=_key_number)

    def uscc_of(self, key: str) -> str:
        return self._entries[key].uscc

    def names_of(self, key: str) -> list[str]:
        """The normalised names recorded for a key (and for the keys merged into it)."""
        canonical = self.canonical(key)
        return [
            n for e in self._entries.values() if self.canonical(e.key) == canonical for n in e.names
        ]

    def shared_codes(self) -> list[str]:
        """One line per credit code that two keys record: one code is one enterprise."""
        return [
            f"credit code {code} is recorded for both {a} and {b}"
            for code, a, b in self._shared
            if self.canonical(a) != self.canonical(b)
        ]

    # -- resolving and minting
    def resolve(
        self,
        *,
        name: str | None,
        uscc: str | None = None,
        region: str | None = None,
        english_name: str | None = None,
        mint: bool = True,
        today: dt.date | None = None,
    ) -> Resolution:
        """Find the enterprise a row speaks of, minting a key for a new one.

        A credit code decides when present; otherwise the normalised name within the region. Two or
        more candidates are reported, never merged by guess.
        """
        code = validate_uscc(uscc) if uscc else ""
        if code and code in self._by_uscc:
            key = self.canonical(self._by_uscc[code])
            self._remember(key, name, english_name, region)
            return Resolution(key, reason="credit code")
        candidates: list[str] = []
        for printed in (name, english_name):
            if printed:
                candidates = self.lookup_name(printed, region)
                if candidates:
                    break
        if code:
            # a name match only stands if that enterprise has no other credit code
            candidates = [k for k in candidates if self._entries[k].uscc in ("", code)]
        if len(candidates) == 1:
            key = candidates[0]
            if code and not self._entries[key].uscc:
                self._entries[key].uscc = code
                self._by_uscc[code] = key
                self.dirty = True
            self._remember(key, name, english_name, region)
            return Resolution(key, reason="name" + (" and region" if region else ""))
        if len(candidates) > 1:
            return Resolution(
                None,
                candidates=tuple(candidates),
                reason=f"{len(candidates)} enterprises share the name {name or english_name!r}",
            )
        if not mint:
            return Resolution(None, reason="unknown")
        key = self._mint(code, region, today or dt.date.today())
        self._remember(key, name, english_name, region)
        return Resolution(key, created=True, reason="new")

    def _mint(self, code: str, region: str | None, today: dt.date) -> str:
        key = f"E{self._highest + 1:06d}"
        entry = _Entry(key=key, uscc=code, region=region or "", minted=today.isoformat())
        self._index(entry)
        self.dirty = True
        return key

    def _remember(
        self, key: str, name: str | None, english_name: str | None, region: str | None
    ) -> None:
        entry = self._entries[key]
        for printed in (name, english_name):
            if printed and (n := normalise_name(printed)) not in entry.names:
                entry.names.append(n)
                self._by_name.setdefault(n, []).append(key)
                self.dirty = True
        if region and not entry.region:
            entry.region = region
            self.dirty = True

    def merge(self, duplicate: str, into: str) -> None:
        """Record that ``duplicate`` is the enterprise ``into``; both IRIs keep answering."""
        if duplicate == into or self.canonical(into) == duplicate:
            raise ValueError(f"cannot merge {duplicate} into {into}: it would make a cycle")
        self._entries[duplicate].merged_into = into
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


def derive_document_slug(doc_number: str) -> str:
    """工信部企业函〔2019〕153号 → ``gxbqyh-2019-153`` (pinyin initials of the prefix)."""
    from pypinyin import Style, lazy_pinyin

    number = parse_document_number(doc_number)
    if number is None:
        raise ValueError(
            f"not a document number (文号) of the form 前缀〔年份〕序号号: {doc_number!r}"
        )
    letters = lazy_pinyin(number.prefix, style=Style.FIRST_LETTER, errors="ignore")
    initials = re.sub(r"[^a-z]", "", "".join(p[0] for p in letters if p).lower()) or "doc"
    return f"{initials}-{number.year}-{number.serial}"


def is_numbered_slug(slug: str) -> bool:
    """Whether a slug has the shape reserved for documents with a 文号."""
    return bool(_NUMBERED_SLUG.match(slug))


def _key_number(key: str) -> int:
    m = _KEY.match(key)
    return int(m.group(1)) if m else 0


def _csv_bytes(fields: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
