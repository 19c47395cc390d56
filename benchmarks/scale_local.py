"""One process: plain ``check_many`` (as called, after a pass, in slices, with
the reading of the files timed, with ``workers=``) and ``check_batches`` over the
files."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

import hotlist
from scale_measure import clear_caches, cpu_spent, cpu_tree, rss_mb, timed

try:
    from hotlist._malloc import malloc_for_batches
except ImportError:  # an older hotlist (a "before" run): no such step
    malloc_for_batches = None


def run_plain(
    hl: hotlist.Hotlist,
    path: Path,
    rows: int,
    options: dict[str, Any],
    columns: dict[str, str],
    *,
    malloc: bool = False,
    batch: int | None = None,
    warm_pass: bool = False,
    read: bool = False,
) -> dict[str, Any]:
    """check_many on the first ``rows`` rows, read into memory first (not timed);
    with ``malloc``, inside ``malloc_for_batches()`` as the engines run it (which
    leaves glibc's thresholds raised in this process: run it after the plain one);
    with ``batch``, called on slices of that many rows (as the engines call it);
    with ``warm_pass``, after one untimed pass over the same rows (documents: the
    first call over a table of millions of rows pays for faulting in its fresh
    arrays, 0.54 against 0.28 us a row for the next); with ``read``, reading the
    rows from the Parquet files is timed too (what an engine's worker does before
    its check: ``check_batches`` against this is the engine's own cost)."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(path), format="parquet")
    table = dataset.head(rows)
    size = batch or table.num_rows

    def parts() -> Iterator[pa.Table | pa.RecordBatch]:
        if not read:
            for i in range(0, max(table.num_rows, 1), size):
                yield table.slice(i, size)
            return
        # batch by batch from the files, as check_batches reads them: only the files
        # that hold the rows, read ahead as little (Arrow's default read-ahead of 4
        # files would decode rows never checked, on its own threads)
        files, held = [], 0
        for fragment in dataset.get_fragments():
            if held >= rows:
                break
            files.append(fragment.path)
            held += fragment.count_rows()
        scanner = ds.dataset(files, format="parquet").scanner(
            batch_size=size, batch_readahead=2, fragment_readahead=1
        )
        left = rows
        for got in scanner.to_batches():
            if left <= 0:
                break
            yield got.slice(0, left)
            left -= got.num_rows

    def run() -> int:
        hits = 0
        for part in parts():
            out = hl.check_many(part, columns=columns, **options)
            hits += int(pc.sum(out.column("hit")).as_py() or 0)
        return hits

    clear_caches()
    # warm the index pages (names: a few rows, their caches would speed up the run)
    hl.check_many(table.slice(0, 1000 if columns else 20), columns=columns, **options)
    if warm_pass:
        run()
    scope = malloc_for_batches() if malloc and malloc_for_batches else contextlib.nullcontext()
    cpu0 = time.process_time()
    with scope:
        seconds, hits = timed(run)
    cpu = time.process_time() - cpu0
    return {
        "rows": table.num_rows,
        "seconds": seconds,
        "rows_per_s": table.num_rows / seconds,
        "cpu_s": round(cpu, 3),
        "cpu_us_per_row": round(cpu / table.num_rows * 1e6, 4),
        "hits": hits,
        "batch": size,
        "warm_pass": warm_pass,
        "read_timed": read,
    }


def run_plain_workers(
    hl: hotlist.Hotlist,
    path: Path,
    rows: int,
    options: dict[str, Any],
    columns: dict[str, str],
    *,
    workers: int,
) -> dict[str, Any]:
    """check_many(workers=N) on the rows after the first 250, which start the worker
    processes first (not timed); CPU of this process and its workers (cpu_tree)."""
    import pyarrow.dataset as ds

    table = ds.dataset(str(path), format="parquet").head(rows + 250)
    hl.check_many(table.slice(0, 250), columns=columns, workers=workers, **options)
    table = table.slice(250)
    before = cpu_tree()
    seconds, out = timed(lambda: hl.check_many(table, columns=columns, workers=workers, **options))
    return {
        "rows": table.num_rows,
        "seconds": seconds,
        "rows_per_s": table.num_rows / seconds,
        "workers": workers,
        "hits": int(pc.sum(out.column("hit")).as_py() or 0),
    } | cpu_spent(before, cpu_tree(), table.num_rows)


def run_stream(
    hl: hotlist.Hotlist,
    path: Path,
    options: dict[str, Any],
    columns: dict[str, str],
    *,
    sample: bool = False,
) -> dict[str, Any]:
    clear_caches()
    stream = hl.check_batches(path, columns=columns, **options)
    curve: list[tuple[int, float]] = []
    stop = threading.Event()

    def sampler() -> None:
        while not stop.wait(0.25):
            curve.append((stream.rows, rss_mb()))

    thread = threading.Thread(target=sampler, daemon=True)
    before = rss_mb()
    if sample:
        thread.start()
    started = time.perf_counter()
    cpu0 = time.process_time()
    hits = 0
    for batch in stream:
        hits += int(pc.sum(batch.column("hit")).as_py() or 0)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    stop.set()
    out: dict[str, Any] = {
        "rows": stream.rows,
        "seconds": seconds,
        "rows_per_s": stream.rows / seconds,
        "cpu_s": round(cpu, 3),
        "cpu_us_per_row": round(cpu / max(stream.rows, 1) * 1e6, 4),
        "hits": hits,
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(rss_mb(), 1),
    }
    if sample and curve:
        peak = max(r for _, r in curve)
        out["rss_peak_mb"] = round(peak, 1)
        # RSS at each tenth of the file
        tenths = []
        for k in range(1, 11):
            mark = stream.rows * k / 10
            at = [r for done, r in curve if done <= mark]
            tenths.append((int(mark), round(at[-1], 1) if at else None))
        out["rss_by_rows_mb"] = tenths
    return out
