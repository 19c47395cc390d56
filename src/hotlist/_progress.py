"""A progress display for loads and index builds: rich on a terminal, silent elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Steps"]


class Steps:
    """Named steps of a long job; shown as a transient rich progress bar only when
    stderr is a terminal and the job has already taken more than ``delay`` seconds."""

    def __init__(self, total: int, *, enabled: bool | None = None, delay: float = 1.0) -> None:
        self.total = total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.delay = delay
        self.started = time.perf_counter()
        self.done = 0
        self._progress: Any = None
        self._task: Any = None

    def _ensure_display(self, description: str) -> None:
        if self._progress is not None or not self.enabled:
            return
        if time.perf_counter() - self.started < self.delay:
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(description, total=self.total, completed=self.done)

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        self._ensure_display(description)
        if self._progress is not None:
            self._progress.update(self._task, description=description)
        try:
            yield
        finally:
            self.done += 1
            self._ensure_display(description)
            if self._progress is not None:
                self._progress.update(self._task, completed=self.done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
