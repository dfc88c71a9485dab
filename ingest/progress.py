"""Progress bars for long steps, shown only when a person watches a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def interactive() -> bool:
    """Whether stderr is a terminal (scripts and CI get clean output)."""
    return sys.stderr.isatty()


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate with a progress bar on a terminal, silently otherwise."""
    if not interactive():
        yield from items
        return
    yield from tqdm(items, desc=description, total=total, unit="", leave=False)


class Steps:
    """A bar over the named stages of one command (parse, validate, publish ...)."""

    def __init__(self, stages: list[str]) -> None:
        self._bar = tqdm(total=len(stages), leave=False) if interactive() else None
        self._stages = stages

    def start(self, stage: str) -> None:
        if self._bar is not None:
            if self._bar.n or self._bar.desc:
                self._bar.update(1)
            self._bar.set_description(stage)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
