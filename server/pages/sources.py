"""Where a fact was read, marked official (a government site) or secondary (a mirror, a news
page, a translation), official first: readers should be able to check the original."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

OFFICIAL_SUFFIXES = (".gov.cn",)  # the hosts of Chinese government sites


@dataclass(frozen=True)
class Source:
    """One source page: its URL, its host, and whether a government site publishes it."""

    url: str
    host: str
    official: bool


def is_official(url: str) -> bool:
    """Whether ``url`` is on a government site (``www.miit.gov.cn``, ``gxt.zj.gov.cn`` …)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host.endswith(s) or host == s.lstrip(".") for s in OFFICIAL_SUFFIXES)


def sources(urls: Iterable[str]) -> list[Source]:
    """Each URL once, official ones first, in the order given otherwise."""
    unique = list(dict.fromkeys(urls))
    marked = [Source(u, (urlsplit(u).hostname or u).lower(), is_official(u)) for u in unique]
    return sorted(marked, key=lambda s: not s.official)
