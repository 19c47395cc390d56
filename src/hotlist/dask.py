"""The same checks on Dask: ``check_dataframe`` over a Dask DataFrame, via ``map_partitions``::

    import dask.dataframe as dd
    import hotlist.dask

    manifest = dd.read_parquet("manifests/2026-11-30/")
    hits = hotlist.dask.check_dataframe(
        manifest, "/data/hotlist/snapshots/2026-11-30", columns={"doc_no": "document"})
    hits[hits.hit].to_parquet("hits/")

Needs the extra: ``pip install 'hotlist[dask]'`` (dask[dataframe] and
distributed).  This module is ``hotlist.dask``; it imports the real ``dask``
package by absolute import, so the two never shadow each other.

The snapshot reaches the workers as in :mod:`hotlist.spark`: each task carries
the snapshot's path, the driver's manifest digest, the mapping and the options;
every worker process opens the folder at that path once, memory-mapped
(:func:`hotlist._workers.worker_hotlist`), and reuses it for every later
partition, threads included.  The folder must be at that path on every worker
machine (a local copy per node, or a shared read-only mount).

Output: a Dask DataFrame with ``check_many``'s columns (query columns as
text) and every other input column passed through with its own dtype, in the
input's order; ``meta`` is computed up front, so nothing runs until you compute.
``query_index`` is the partition number times 2**33 plus the row's place in its
partition (as in :mod:`hotlist.spark`); each partition's index is a fresh
RangeIndex.  The result's text columns (the query columns as checked,
``dataset``, ``record_id``, ``match``, ``severity``, ``action``, ``error``) and
its lists (``reasons``, ``warnings``, ``searched``) are Arrow-backed
(``pd.ArrowDtype``: ``string[pyarrow]``, missing values ``pd.NA``; a
comparison such as ``out.severity == "alarm"`` is ``<NA>`` on a missing value,
which a mask reads as False); ``query_index``, ``hit`` and ``score`` are NumPy
columns.  ``hits_only=True`` keeps only the rows with a hit, an
error or a warning, dropped in the worker while the result is still Arrow.

Cost: each partition is one ``check_many`` call (up to ``batch_size`` rows, a
million by default), which costs about a millisecond on top of its cost per
row, so partitions of 100,000 rows or more (``dd.read_parquet`` makes one per
file or row group) keep it out of sight.  A partition is checked inside
:func:`hotlist._malloc.malloc_for_batches`: Dask's nanny starts workers with
``MALLOC_TRIM_THRESHOLD_`` set, which made glibc hand every large temporary
array out as fresh pages (as much CPU in the kernel as in the check); a worker
enters it on its first partition and stays in it (leaving it after each partition
handed the free heap back, and the next partition faulted every page in again).
For name manifests, a cluster started with
``distributed.worker.profile.enabled: false`` spent 10-20 % less worker CPU
(Dask's profiler walks every task thread's stack each 10 ms, and person matching's
stacks are deep; ``benchmarks/README.md``, "Scale-out").  Where a worker's time
goes on an exact document manifest (``max_edits=0``, 1 M-row partitions, CPU per
row): Dask reading the partition into pandas about 0.1 µs, ``check_many`` 0.11-0.17,
the result into pandas and the output frame 0.02 (it was 0.06-0.1 while the text
columns became pandas' ``str``, which copies them); ``hits_only=True`` skips most of
that last part (and the holding of every row's result until it is reduced).  Dask
itself burns CPU while idle (heartbeats, the system monitor, the profiler: about
0.02-0.03 CPU-seconds a second in each worker and 0.04 in the client and scheduler),
which grows with a job's wall time rather than its rows, so a busy machine makes
Dask's per-row overhead look larger than it is on dedicated cores.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from hotlist._errors import InvalidQuery
from hotlist._malloc import malloc_for_batches
from hotlist._signing import KeyArg
from hotlist._stream import (
    check_table,
    flagged,
    query_names,
    valid_batch_size,
    validate_columns,
)
from hotlist._workers import (
    PARTITION_SHIFT,
    WorkerTask,
    empty_hotlist,
    log_event,
)
from hotlist.engine import Hotlist

if TYPE_CHECKING:
    import dask.dataframe as dd

__all__ = ["INSTALL_HINT", "PARTITION_BATCH_SIZE", "check_dataframe", "check_pandas"]

# rows per check_many call within a partition
PARTITION_BATCH_SIZE = 1_000_000

INSTALL_HINT = "hotlist.dask needs dask: pip install 'hotlist[dask]'"


def _require_dask() -> None:
    try:
        found = importlib.util.find_spec("dask.dataframe") is not None
    except ImportError:  # blocked (sys.modules["dask"] = None) or broken
        found = False
    if not found:
        raise ImportError(INSTALL_HINT)


def _pandas() -> Any:
    """pandas, on first use (it comes with the dask extra)."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415 - lazy optional import (pandas)

    return pd


def _arrow_backed(typ: pa.DataType) -> Any:
    """Text and lists stay Arrow-backed in pandas (``pd.ArrowDtype``): the result's
    own arrays wrapped, not copied.  Lists (reasons, warnings) as Python lists
    would cost as much as the check itself; text as pandas' default ``str`` dtype
    costs a copy of every text column's offsets (``str`` holds ``large_string``),
    0.06-0.1 µs a row in a Dask worker against 0.02 wrapped (10 M documents,
    ``max_edits=0``; the check itself 0.11-0.16)."""
    if pa.types.is_list(typ) or pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return _pandas().ArrowDtype(typ)
    return None


def check_pandas(
    hl: Hotlist,
    frame: Any,
    columns: Mapping[str, str | None] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
    batch_size: int = PARTITION_BATCH_SIZE,
    hits_only: bool = False,
) -> Any:
    """``check_many`` over one pandas DataFrame in ``check_many``'s layout: the
    query columns go to ``check_many``, at most ``batch_size`` rows a call (so a
    huge partition does not need a huge working set), every other column is taken
    from ``frame`` itself by ``query_index``, so it keeps its pandas dtype exactly
    (the same in every partition and in ``meta``).  ``hits_only``: only the rows
    with a hit, an error or a warning, dropped while still Arrow."""
    mapping = validate_columns(columns)
    frame = frame.reset_index(drop=True)
    names = [str(c) for c in frame.columns]
    if len(set(names)) < len(names):
        raise InvalidQuery("the DataFrame has repeated column names; rename them")
    frame.columns = names
    queries = query_names(names, mapping)
    asked = frame[queries]
    mapped = {k: v for k, v in mapping.items() if k in queries}
    parts = [
        check_table(hl, asked.iloc[start : start + batch_size], mapped, options, offset=start)
        for start in range(0, max(len(asked), 1), batch_size)
    ]
    table = pa.concat_tables(parts)
    result = (flagged(table) if hits_only else table).to_pandas(types_mapper=_arrow_backed)
    local = result["query_index"].to_numpy()
    if len(local) == len(frame) and (local == np.arange(len(frame))).all():
        passed = frame  # one output row per input row: no copy of the pass-through columns
    else:
        passed = frame.iloc[local].reset_index(drop=True)
    out: dict[str, Any] = {"query_index": local + offset}
    for name in names:
        out[name] = result[name] if name in queries else passed[name]
    for name in result.columns:
        if name != "query_index" and name not in queries:
            if name in out:
                raise InvalidQuery(
                    f"check_many(): column {name!r} has the name of a result column; rename it"
                )
            out[name] = result[name]
    # the columns as they are (no copy): fresh result arrays and the partition's own
    return _pandas().DataFrame(out, copy=False)


_HELD: list[AbstractContextManager[None]] = []
_HELD_LOCK = threading.Lock()


def _hold_malloc_raised() -> None:
    """Enter :func:`malloc_for_batches` once in this worker process and stay in it.

    Leaving it after every partition (glibc's trim threshold back to the nanny's
    65536 and the free heap handed back with ``malloc_trim``) made the next
    partition fault every page in again: 24 k page faults a million rows against
    3 k, and a third more CPU in the kernel.  Held, glibc keeps up to 64 MiB of
    free heap for reuse (its own dynamic rule's ceiling) and still returns the
    rest."""
    if not _HELD:
        with _HELD_LOCK:
            if not _HELD:
                scope = malloc_for_batches()
                scope.__enter__()
                _HELD.append(scope)


@dataclass(frozen=True)
class _Task(WorkerTask):
    """What each partition's task carries (pickled by reference: no Hotlist inside)."""

    batch_size: int
    hits_only: bool = False

    def __call__(self, part: Any, partition_info: dict[str, Any] | None = None) -> Any:
        number = int(partition_info["number"]) if partition_info else 0
        offset = number << PARTITION_SHIFT
        _hold_malloc_raised()
        out = check_pandas(
            self.hotlist(),
            part,
            self.columns,
            self.options,
            offset=offset,
            batch_size=self.batch_size,
            hits_only=self.hits_only,
        )
        log_event("part", len(part))
        return out


def check_dataframe(
    ddf: dd.DataFrame,
    snapshot: str | os.PathLike[str],
    *,
    columns: Mapping[str, str | None] | None = None,
    verify: bool = False,
    public_key: KeyArg | None = None,
    batch_size: int = PARTITION_BATCH_SIZE,
    hits_only: bool = False,
    **options: Any,
) -> dd.DataFrame:
    """Check every row of the Dask DataFrame ``ddf`` against the snapshot at
    ``snapshot`` (at that path on every worker); a new Dask DataFrame, lazily.

    ``columns``, ``options``, ``verify`` and ``public_key`` as in
    :func:`hotlist.spark.check_dataframe`; ``batch_size``: rows per ``check_many``
    call within a partition (a million: checking 100,000 at a time was no
    cheaper per row, and a bigger partition is still checked in bounded memory).
    ``hits_only=True``: only the rows with a hit, an error or a warning (as
    ``hotlist check-file --hits-only`` and :func:`hotlist.spark.check_dataframe`),
    dropped in the worker before the result becomes pandas: cheaper than
    ``out[out.hit]`` afterwards, which converts and holds every row's 17 columns
    first (see the module's "Cost").
    A bad mapping, option or column type raises :class:`hotlist.InvalidQuery`
    here, before anything is computed.
    """
    _require_dask()
    task = _Task(
        **WorkerTask.fields_for(snapshot, columns, options, verify=verify, public_key=public_key),
        batch_size=valid_batch_size(batch_size),
        hits_only=bool(hits_only),
    )
    meta = check_pandas(empty_hotlist(), ddf._meta, task.columns, options)
    # dask's map_partitions is untyped; the result is a Dask DataFrame like ddf
    mapped = ddf.map_partitions(task, meta=meta, align_dataframes=False)  # type: ignore[no-untyped-call]
    result: dd.DataFrame = mapped.clear_divisions()
    return result
