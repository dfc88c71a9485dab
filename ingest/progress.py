"""Progress bars for long steps, shown only when a person watches a terminal.

Each step of a command (parse, build, validate, load) gets a bar once it has run longer than
``delay_s`` (LG_PROGRESS_DELAY_S): a ticker redraws it while the step blocks in one long call
(pyoxigraph loading, the shapes gate), so it shows the elapsed time even where no count is
known. Scripts, CI and pipes get no bar at all: stderr is not a terminal there.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from tqdm import tqdm

_TICK_S = 0.25


def interactive(stream: TextIO | None = None) -> bool:
    """Whether the stream (default stderr) is a terminal."""
    return (stream or sys.stderr).isatty()


def _shape() -> tuple[int | None, int | None]:
    """(None, None) lets tqdm follow the terminal's size; a terminal that reports none (a new
    pseudo-terminal, some consoles and containers: 0 x 0) gets 80 x 24, not a hidden bar."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError):
        return 80, 24
    return (None, None) if size.columns and size.lines else (80, 24)


class Progress:
    """The steps of one command, one bar each; a no-op unless stderr is a terminal."""

    def __init__(self, *, delay_s: float = 1.0, enabled: bool | None = None) -> None:
        self.delay_s = delay_s
        self.enabled = interactive() if enabled is None else enabled
        self._bar: tqdm[None] | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._lock = threading.Lock()
        self._drawn = False  # whether the ticker drew the current bar

    def step(self, name: str, total: int | None = None) -> None:
        """End the current step and start ``name`` (``total`` units, if it counts any)."""
        self.close()
        if not self.enabled:
            return
        self._stop = threading.Event()
        columns, lines = _shape()
        with self._lock:
            self._bar = tqdm(
                total=total,
                desc=name,
                delay=self.delay_s,
                leave=False,
                file=sys.stderr,
                ncols=columns,
                nrows=lines,
                bar_format="{desc}: {elapsed}" if total is None else None,
            )
        self._ticker = threading.Thread(target=self._tick, args=(self._stop,), daemon=True)
        self._ticker.start()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.update(n)

    def _tick(self, stop: threading.Event) -> None:
        started = time.monotonic()
        while not stop.wait(_TICK_S):
            if time.monotonic() - started >= self.delay_s:
                with self._lock:
                    if self._bar is not None:
                        self._bar.refresh()
                        self._drawn = True

    def close(self) -> None:
        """End the current step (its bar, if one was drawn, is cleared)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self._bar is not None:
                if self._drawn:  # tqdm clears only what its own updates drew, not a refresh
                    self._bar.clear()
                self._bar.close()
                self._bar, self._drawn = None, False


QUIET = Progress(enabled=False)
