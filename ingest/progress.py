"""Progress bars for long steps, shown only when a person watches a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


def interactive() -> bool:
    """Whether stderr is a terminal (scripts and CI get clean output)."""
    return sys.stderr.isatty()


class Steps:
    """A bar over the named stages of one command (parse, validate, publish ...)."""

    def __init__(self, stages: list[str]) -> None:
        self._bar = tqdm(total=len(stages), leave=False) if interactive() else None

    def start(self, stage: str) -> None:
        if self._bar is not None:
            if self._bar.n or self._bar.desc:
                self._bar.update(1)
            self._bar.set_description(stage)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
