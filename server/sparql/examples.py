"""The example research queries in ``ontology/examples/*.rq``, with their zh/en titles.

Each file starts with header comments ``# title@en: …``, ``# title@zh: …`` and optionally
``# description@en: …`` / ``# description@zh: …``, ``# tags: region, batch`` (the gallery's
filters) and ``#view:map`` (the result view it opens in: table, chart, map, timeline); the rest
is the query. The query page offers them and the test suite runs every one against the default
data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ontology.paths import ROOT

EXAMPLES_DIR = ROOT / "ontology" / "examples"
_HEADER = re.compile(r"^#\s*(title|description)@(en|zh)\s*:\s*(.*\S)\s*$")
_TAGS = re.compile(r"^#\s*tags\s*:\s*(.*\S)\s*$")
_VIEW = re.compile(r"^#\s*view\s*:\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Example:
    """One example query: a stable slug (the file name), titles, descriptions, the text."""

    slug: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    query: str
    tags: tuple[str, ...] = ()
    view: str = "table"


def parse_example(path: Path) -> Example:
    """Read one ``.rq`` file; titles in both languages are required."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    tags: tuple[str, ...] = ()
    view = "table"
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            meta[f"{m.group(1)}_{m.group(2)}"] = m.group(3)
        if t := _TAGS.match(line):
            tags = tuple(tag.strip() for tag in t.group(1).split(",") if tag.strip())
        if v := _VIEW.match(line):
            view = v.group(1)
    if "title_en" not in meta or "title_zh" not in meta:
        raise ValueError(f"{path.name}: needs '# title@en:' and '# title@zh:' header lines")
    return Example(
        slug=path.stem,
        title_en=meta["title_en"],
        title_zh=meta["title_zh"],
        description_en=meta.get("description_en", ""),
        description_zh=meta.get("description_zh", ""),
        query=text,
        tags=tags,
        view=view,
    )


@cache
def load_examples(directory: Path = EXAMPLES_DIR) -> tuple[Example, ...]:
    """All examples, in file-name order (the files are numbered for a sensible order)."""
    return tuple(parse_example(p) for p in sorted(directory.glob("*.rq")))
