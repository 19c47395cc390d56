"""``check_many``'s per-query rows (names, MRZ, VIN, plates...): each distinct
query answered once, in this process or, with ``workers=N``, over N processes.

**Distinct rows.**  Rows that ask the same (every query field equal) are
answered once and the answer copied: :func:`hotlist._query.answer` depends on
the query and the data alone.

**Workers.**  ``workers=N`` checks the rows in N processes: this one and N - 1
worker processes started with ``spawn`` (never ``fork``: forking a process
whose Arrow thread pool runs is unsafe), each of which opens the same snapshot
memory-mapped, once per process (:func:`hotlist._workers.worker_hotlist`, the
cache Spark and Dask workers use, checked against the manifest's SHA-256).  The
data they answer from is therefore the caller's own:

- a Hotlist opened from a snapshot (``hotlist.open``) whose folder still holds
  that data version: the workers open that folder;
- any other (loaded from extracts, built from tables, a delta applied, or the
  folder since replaced): its data version is saved once, as a temporary
  snapshot (a few seconds and ~370 MB of disk at 1 M persons), removed when
  that data version is dropped or the process ends.

The rows go in chunks: worker processes take them from the front, this process
from the back, so nothing waits on a straggler, and until the workers have
opened the data this process checks every row itself (a small batch never
waits for a start).  The worker processes stay for the next batch of the same
data version (``check_batches`` reuses them), and go with it.  Results equal
``workers=1`` row for row: the same function answers each row, from the same
data.  Where workers cannot be used (a kind registered in this process only, a
snapshot that cannot be written, a worker that dies) the rows are checked here
and a :class:`RuntimeWarning` says why.  A script that uses workers needs the
usual ``if __name__ == "__main__":`` guard: ``spawn`` imports the main module.
"""

from __future__ import annotations

import multiprocessing
import pkgutil
import shutil
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hotlist import datasets
from hotlist._batch_pool import Told, told
from hotlist._errors import HotlistError, InvalidQuery
from hotlist._query import answer

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = [
    "MIN_PARALLEL_ROWS",
    "Answer",
    "Rows",
    "SnapshotOf",
    "Workers",
    "answer_one",
    "answer_rows",
    "check_workers",
]

# One row's answer: its candidates (Pool's plain form) and warnings, or why check()
# would refuse it.
Answer = tuple[list[Told], list[str]] | str
# Where the worker processes find the data: (state, scratch) -> (snapshot folder,
# its manifest's SHA-256), a temporary folder appended to scratch
# (hotlist._batch_snapshot.worker_snapshot, which hotlist.engine passes in).
SnapshotOf = Callable[["State", list[str]], tuple[str, str]]

# Fewer distinct per-query rows than this are checked here even with workers > 1:
# about a second of work, less than a worker takes to start.
MIN_PARALLEL_ROWS = 200
# Rows per chunk, at most / at least (a name row costs ~5 ms at 1 M persons), and
# else the rows left / (processes * SHARES).
CHUNK_MAX = 64
CHUNK_MIN = 2
SHARES = 4
# Chunks handed to each worker process ahead of its current one.
AHEAD = 2
# The worker side, resolved by name in the worker process: it opens the snapshot
# through hotlist._workers, which imports the engine, which imports check_many.
ENTRY = "hotlist._batch_child:answer_chunk"
_WORKERS_KEY = "check_many workers"  # State.fast: this data version's Workers


def check_workers(workers: object) -> int:
    """``workers`` (None: 1) if it is a whole number >= 1, else InvalidQuery."""
    if workers is None:
        return 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidQuery(f"workers must be a whole number >= 1, not {workers!r}")
    return workers


def answer_one(
    state: State, query: Mapping[str, object], *, max_edits: int, name_threshold: float
) -> Answer:
    """One row's :data:`Answer`, by check()'s own code path."""
    try:
        found, warned = answer(state, query, max_edits=max_edits, name_threshold=name_threshold)
    except HotlistError as exc:
        return str(exc)
    return told(found), warned


def answer_rows(
    state: State,
    queries: Sequence[Mapping[str, object]],
    *,
    max_edits: int,
    name_threshold: float,
    workers: int = 1,
    snapshot: SnapshotOf | None = None,
) -> list[Answer]:
    """The :data:`Answer` of every query, in order; identical queries answered once;
    over ``workers`` processes (with ``snapshot``) where there are enough of them."""
    first: dict[tuple[tuple[str, object], ...], int] = {}
    distinct: list[Mapping[str, object]] = []
    which: list[int] = []
    for q in queries:
        try:
            at = first.setdefault(tuple(q.items()), len(distinct))
        except TypeError:  # a value that cannot be a key: this row is its own
            at = len(distinct)
        if at == len(distinct):
            distinct.append(q)
        which.append(at)
    pool = None
    if workers > 1 and len(distinct) >= MIN_PARALLEL_ROWS:
        pool = Workers.of(state, workers, snapshot)
    if pool is None:
        got = [
            answer_one(state, q, max_edits=max_edits, name_threshold=name_threshold)
            for q in distinct
        ]
    else:
        got = pool.answer(state, distinct, max_edits, name_threshold)
    return [got[at] for at in which]


@dataclass(frozen=True)
class Rows:
    """One chunk for a worker process: where the snapshot is, the manifest it must
    have, the queries and the options.  Calling it (in the worker) answers them."""

    path: str
    digest: str
    queries: tuple[Mapping[str, object], ...]
    max_edits: int
    name_threshold: float

    def __call__(self) -> list[Answer]:
        entry = pkgutil.resolve_name(ENTRY)
        result: list[Answer] = entry(self)
        return result


class Workers:
    """The worker processes of one data version (kept in its ``State.fast``)."""

    def __init__(self, state: State, processes: int, snapshot: SnapshotOf) -> None:
        self.version = (state.data_version, state.applied_deltas, processes)
        self.processes = processes
        self.problem: str | None = None
        # whether the problem may be a script without the __main__ guard (a
        # worker that could not start or died), said with it
        self._guard_hint = False
        self._snapshot: tuple[str, str] | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._ready: list[Future[list[Answer]]] = []
        self._lock = threading.Lock()
        temp: list[str] = []  # a temporary snapshot's folder, once written
        self._temp = temp
        weakref.finalize(self, _remove, temp)
        self._start = threading.Thread(
            target=self._open, args=(state, snapshot), name="hotlist-workers", daemon=True
        )
        self._start.start()

    @classmethod
    def of(cls, state: State, processes: int, snapshot: SnapshotOf | None) -> Workers | None:
        """This data version's workers (started on first use), or None with a
        RuntimeWarning where they cannot be used."""
        builtin = {k.name for k in datasets.BUILTIN}
        why = None
        if any(k.name not in builtin for k in datasets.kinds()):
            why = "a dataset kind registered in this process is not registered in workers"
        elif snapshot is None:
            why = "no way to give worker processes the data (call it through a Hotlist)"
        if why is not None or snapshot is None:
            warnings.warn(
                f"check_many(workers={processes}): {why}; rows checked in this process",
                RuntimeWarning,
                stacklevel=6,  # the caller of Hotlist.check_many
            )
            return None
        got = state.fast.get(_WORKERS_KEY)
        # (a Workers that failed stays failed: no new start, and its save, per batch)
        if not isinstance(got, Workers) or got.version != (
            state.data_version,
            state.applied_deltas,
            processes,
        ):
            got = Workers(state, processes, snapshot)
            state.fast[_WORKERS_KEY] = got
        return got

    def _open(self, state: State, snapshot: SnapshotOf) -> None:
        """Find or write the snapshot, start the processes, have each open it."""
        try:
            where = snapshot(state, self._temp)
            executor = ProcessPoolExecutor(
                self.processes - 1, mp_context=multiprocessing.get_context("spawn")
            )
            warm = Rows(where[0], where[1], (), 0, 1.0)
            with self._lock:
                self._snapshot = where
                self._executor = executor
                weakref.finalize(self, executor.shutdown, wait=False, cancel_futures=True)
                self._ready = [executor.submit(warm) for _ in range(self.processes - 1)]
        except Exception as exc:  # whatever it is, the rows are checked here
            self.problem = f"the worker processes could not start ({exc!r})"
            self._guard_hint = True

    def ready(self) -> bool:
        """Whether the worker processes have the data open (never blocks)."""
        if self._start.is_alive() or self.problem is not None:
            return False
        with self._lock:
            if not all(f.done() for f in self._ready):
                return False
            bad = next((f.exception() for f in self._ready if f.exception() is not None), None)
        if bad is not None:
            self._broken(bad)
            return False
        return True

    def wait(self, timeout: float) -> bool:
        """Block until the worker processes have the data open (at most ``timeout``
        seconds); whether they have.  For benchmarks and tests: check_many never
        waits for them."""
        deadline = time.monotonic() + timeout
        self._start.join(timeout)
        with self._lock:
            pending = list(self._ready)
        futures.wait(pending, max(0.0, deadline - time.monotonic()))
        return self.ready()

    def _broken(self, exc: BaseException) -> None:
        # the first cause is the one said: the chunks the shutdown below cancels
        # raise CancelledError, which is not why
        if self.problem is None:
            self.problem = f"a worker process failed ({exc!r})"
            self._guard_hint = isinstance(exc, (BrokenProcessPool, RuntimeError))
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def answer(
        self,
        state: State,
        queries: list[Mapping[str, object]],
        max_edits: int,
        name_threshold: float,
    ) -> list[Answer]:
        """Every query's answer, in order: worker processes take chunks from the
        front, this process from the back, each chunk a share of the rows left
        (smaller towards the end, so that no process waits long for another)."""
        results: list[Answer | None] = [None] * len(queries)
        sent: list[tuple[int, int, Future[list[Answer]]]] = []
        front, back = 0, len(queries)

        def here(a: int, b: int) -> None:
            results[a:b] = [
                answer_one(state, q, max_edits=max_edits, name_threshold=name_threshold)
                for q in queries[a:b]
            ]

        def size() -> int:
            share = (back - front) // (self.processes * SHARES)
            return min(back - front, max(CHUNK_MIN, min(CHUNK_MAX, share)))

        while front < back:
            if self.problem is None and self.ready() and self._executor is not None:
                snapshot = self._snapshot
                assert snapshot is not None
                busy = sum(not f.done() for _, _, f in sent)
                while front < back and busy < AHEAD * (self.processes - 1):
                    k = size()
                    rows = tuple(queries[front : front + k])
                    try:
                        f = self._executor.submit(Rows(*snapshot, rows, max_edits, name_threshold))
                    except RuntimeError as exc:  # shut down: a worker died
                        self._broken(exc)
                        break
                    sent.append((front, front + k, f))
                    front += k
                    busy += 1
            if front < back:
                k = size()
                back -= k
                here(back, back + k)
        for a, b, f in sent:
            try:
                results[a:b] = f.result()
            except Exception as exc:  # any failure there: answer it here
                self._broken(exc)
                here(a, b)
        if self.problem is not None:
            warnings.warn(
                f"check_many(workers={self.processes}): {self.problem}; rows checked in "
                "this process"
                + (
                    " (a script needs the `if __name__ == '__main__':` guard)"
                    if self._guard_hint
                    else ""
                ),
                RuntimeWarning,
                stacklevel=6,  # the caller of Hotlist.check_many
            )
        out = [r for r in results if r is not None]
        assert len(out) == len(results)
        return out


def _remove(temp: list[str]) -> None:
    for folder in temp:
        shutil.rmtree(folder, ignore_errors=True)
