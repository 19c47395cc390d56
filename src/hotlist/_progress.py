"""Progress on long work (load, index build, save, check_many, check-file), with rich.

Shown in a terminal as a bar on stderr and in Jupyter as a widget (rich's live
display, which needs ``ipywidgets``: ``pip install 'hotlist[notebook]'``); the
finished bar stays, with its elapsed time, so a notebook keeps a record of how
long the step took.  Off when not interactive (a pipe, a service, CI) unless asked
with ``progress=True``; ``progress=False`` turns it off everywhere.  A job shows
nothing until it has run for ``delay`` seconds, so quick calls stay quiet.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from hotlist._batch import check_many

if TYPE_CHECKING:
    from hotlist._batch_input import QueryInput
    from hotlist._state import State

__all__ = ["Steps", "in_jupyter", "interactive"]


def in_jupyter() -> bool:
    """Whether this runs in a Jupyter kernel (a notebook, JupyterLab, VS Code)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:  # pragma: no cover - an odd IPython
        return False
    return ip is not None and hasattr(ip, "kernel")


def _widgets() -> bool:
    return importlib.util.find_spec("ipywidgets") is not None


def interactive() -> bool:
    """Whether a person is watching: stderr is a terminal, or a Jupyter kernel that
    can show a live widget; and this is the main thread (a service's workers, run in
    a terminal, show no bars)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    if in_jupyter():
        return _widgets()
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Steps:
    """A long job of ``total`` units (named steps, or rows; None: not known in
    advance): a rich progress bar once the job has taken ``delay`` seconds and
    ``enabled`` (None: when :func:`interactive`).  Use :meth:`step` for named
    steps, :meth:`advance` for counts, and :meth:`close` (or ``with``) at the end;
    the finished bar stays."""

    def __init__(
        self,
        total: int | None,
        *,
        enabled: bool | None = None,
        delay: float = 1.0,
        title: str = "",
        unit: str = "",
    ) -> None:
        self.total = total
        self.enabled = interactive() if enabled is None else bool(enabled)
        if self.enabled and in_jupyter() and not _widgets():
            self.enabled = False  # rich's live display needs ipywidgets there
        self.delay = delay
        self.title = title
        self.unit = unit
        self.started = time.perf_counter()
        self.done = 0
        self.description = title
        self._progress: Any = None
        self._task: Any = None
        self._lock = threading.RLock()
        self._closed = False
        self._timer: threading.Timer | None = None
        if self.enabled and delay > 0 and not in_jupyter():
            # In a terminal a single long step shows its bar (and a ticking clock)
            # once it has run ``delay`` seconds, not only when it ends.  In Jupyter
            # the display is made from the calling thread, at the next step.
            self._timer = threading.Timer(delay, self._ensure_display)
            self._timer.daemon = True
            self._timer.start()

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_display(self) -> None:
        with self._lock:
            self._start_display()

    def _start_display(self) -> None:
        if self._progress is not None or not self.enabled or self._closed:
            return
        if time.perf_counter() - self.started < self.delay:
            return
        from rich.console import Console  # noqa: PLC0415 - lazy optional import (rich)
        from rich.progress import (  # noqa: PLC0415 - lazy optional import (rich)
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console() if in_jupyter() else Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.unit),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(self.description, total=self.total)
        self._progress.update(self._task, completed=self.done)

    def advance(self, n: int = 1, description: str | None = None) -> None:
        """``n`` more units done (rows checked, steps finished)."""
        self.done += n
        if description is not None:
            self.description = description
        self._ensure_display()
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done, description=self.description)

    @contextmanager
    def step(self, description: str) -> Iterator[None]:
        """A named step of one unit."""
        self.description = f"{self.title}: {description}" if self.title else description
        self._ensure_display()
        if self._progress is not None:
            self._progress.update(self._task, description=self.description)
        try:
            yield
        finally:
            self.advance(1)

    @property
    def shown(self) -> bool:
        """Whether a bar was shown (the job was slow enough and display on)."""
        return self._progress is not None

    def close(self) -> None:
        """End the display; a bar shown stays, marked done with its elapsed time."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True
            self._stop()

    def _stop(self) -> None:
        if self._progress is not None:
            seconds = time.perf_counter() - self.started
            done = f"{self.title or self.description}: done in {seconds:.1f} s"
            self._progress.update(self._task, description=done)
            self._progress.stop()
            self._progress = None


PART_ROWS = 10_000


def _rows(queries: Any) -> int | None:
    """The row count of a table-like input we know how to slice, else None."""
    if isinstance(queries, pa.Table | pa.RecordBatch | list):
        return len(queries)
    module = type(queries).__module__.split(".")[0]
    if module in ("pandas", "polars") and hasattr(queries, "shape"):
        return int(queries.shape[0])
    return None


def _part(queries: Any, start: int, stop: int) -> Any:
    if isinstance(queries, pa.Table | pa.RecordBatch):
        return queries.slice(start, stop - start)
    if isinstance(queries, list):
        return queries[start:stop]
    if type(queries).__module__.startswith("pandas"):
        return queries.iloc[start:stop]
    return queries.slice(start, stop - start)  # polars


def checked_in_parts(
    state: State,
    queries: QueryInput,
    *,
    columns: Mapping[str, str | None] | None = None,
    progress: bool | None = None,
    **options: Any,
) -> pa.Table:
    """``check_many`` with a progress bar: a large pandas / polars / Arrow / list
    input is checked in parts of :data:`PART_ROWS` rows (``query_index`` still counts
    over the whole input) and the bar moves part by part.  Without a display, or
    for an input that cannot be sliced (a DuckDB relation, an Arrow stream), it is
    one call, exactly as before."""
    n = _rows(queries)
    if progress is False or n is None or n <= PART_ROWS:
        return check_many(state, queries, columns=columns, **options)
    bar = Steps(n, enabled=progress, title="hotlist: checking", unit="rows")
    if not bar.enabled:
        return check_many(state, queries, columns=columns, **options)
    parts = []
    with bar:
        for start in range(0, n, PART_ROWS):
            stop = min(n, start + PART_ROWS)
            table = check_many(state, _part(queries, start, stop), columns=columns, **options)
            if start:
                at = table.schema.get_field_index("query_index")
                index = table.column(at)
                table = table.set_column(
                    at, table.schema.field(at), pc.add(index, pa.scalar(start, index.type))
                )
            parts.append(table)
            bar.advance(stop - start)
    try:
        return pa.concat_tables(parts, promote_options="default")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # A pass-through column whose type differs between parts (a pandas object
        # column of mixed values): check the whole input at once instead.
        return check_many(state, queries, columns=columns, **options)
