"""Large manifests: rows/s of plain ``check_many``, ``check_batches`` over a file,
Dask and Spark, their start-up costs, and memory while streaming a big file.

Run (wall figures are noisy on a shared machine; CPU figures much less)::

    .venv/bin/python benchmarks/bench_scale.py --rows 10m --plain-rows 2m --name-rows 5k \\
        --edit-rows 0                                                  # ~8 min
    .venv/bin/python benchmarks/bench_scale.py --rows 10m --flat-rows 50m \\
        --engines stream --manifests documents                         # memory
    .venv/bin/python benchmarks/bench_scale.py --rows 200k --name-rows 1k --repeat 1  # quick

What it does:

* lists ``--documents`` synthetic documents (``hotlist.synth``, seeded) and
  ``--persons`` persons, saves them as a snapshot under ``benchmarks/data/``;
* writes a document manifest of ``--rows`` rows as Parquet (row groups of 1 M;
  columns ``passenger_id``, ``doc_no``, ``issuer``, ``flight``; numbers in the
  real national shapes, about one listed number per 15,000 rows) and a name
  manifest of ``--name-rows`` rows (``name``, ``dob``: 20 % variants of listed
  persons, 80 % innocent travellers, ``bench_data.person_mix``);
* times, per manifest: plain ``check_many`` on the table in memory (one
  process, on at most ``--plain-rows`` rows; as called, then inside
  ``malloc_for_batches()`` as the engines run it; names also with
  ``workers=--workers``), ``check_batches`` over the
  Parquet file (one process), ``hotlist.dask.check_dataframe`` on a local
  cluster of ``--workers`` processes, and on ``local[--workers]`` (one session)
  Spark's floor (``spark_noop``: a ``mapInArrow`` over ``spark.read.parquet``
  that returns no rows: what Spark spends reading the rows and handing them to
  Python), ``hotlist.spark.check_dataframe`` over ``spark.read.parquet`` (and
  with ``hits_only=True``, and ``select=SELECT``), ``hotlist.spark.check_parquet``
  (the Python workers read the files) and ``check_parquet(..., hits_only=True)``,
  each reduced to counts
  (no output written; Spark's session at its defaults, or with
  ``hotlist.spark.ARROW_CONF`` under ``--spark-tuned``);
* start-up: the Spark session and its first job, the Dask cluster; each engine
  runs its job once cold (``first_run_s``: workers import hotlist and open the
  snapshot) and then ``--repeat`` times warm, a new plan each time; the run with
  the median CPU per row is reported, every repeat beside it;
* CPU: of every process of the run, from ``/proc`` (:func:`cpu_tree`): this one
  (client, Dask's scheduler, Py4J), the Python workers, Spark's JVM, Dask's
  nannies;
* memory: ``check_batches`` over a ``--flat-rows``-row file, the process's RSS
  sampled every 0.25 s against the rows done.

Overhead per core = engine CPU per row (all its processes) / plain
``check_many``'s CPU per row (the cheapest of the plain runs:
``plain_warm`` / ``plain_batched`` are after an untimed pass over the same rows) - 1: a busy core
checks 1 / (CPU per row) rows a second, so this is what a core loses to the
engine, and it depends far less on other load than wall time does.  The wall
figure (rows/s / workers against plain) is kept beside it.  Overhead above
Spark's floor = (engine CPU per row - ``spark_noop``'s) / plain's - 1: what
``check_dataframe`` adds to the rows' trip into Python.  The cluster figure
(1 / CPU per row x cores) is arithmetic, not a measurement.
Options are ``check_many``'s; ``--max-edits 0`` (exact and OCR-equivalent keys)
is the default here because the one-edit search per row is today far slower
than the exact path (measured separately: ``--edit-rows``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data
import hotlist
from hotlist import synth

try:
    from hotlist._malloc import malloc_for_batches
except ImportError:  # an older hotlist (a "before" run): no such step
    malloc_for_batches = None

ROW_GROUP = 1_000_000


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _file_rows(rows: int) -> int:
    """Rows per file: 1 M, or fewer so that a small manifest still has 4 files (the
    engines read one partition per file, and need several to use every worker)."""
    return max(1, min(ROW_GROUP, -(-rows // 4)))


def document_manifest(path: Path, rows: int, docs: pa.Table, seed: int) -> Path:
    """``rows`` document checks as a folder of Parquet files, written one at a time."""
    if (path / "_DONE").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 15])
    per_file = _file_rows(rows)
    done = 0
    while done < rows:
        n = min(per_file, rows - done)
        fresh = synth.documents(n, seed * 1_000 + done // per_file + 17)
        numbers = fresh.column("document_number").combine_chunks()
        issuers = fresh.column("issuing_country").cast(pa.string()).combine_chunks()
        hits = rng.choice(n, size=max(1, n // 15_000), replace=False)
        listed = rng.choice(docs.num_rows, size=len(hits), replace=False)
        mask = np.zeros(n, dtype=bool)
        mask[hits] = True
        src = np.zeros(n, dtype=np.int64)
        src[hits] = listed
        take = pa.array(src)
        numbers = pc.if_else(
            pa.array(mask), docs.column("document_number").take(take).combine_chunks(), numbers
        )
        issuers = pc.if_else(
            pa.array(mask),
            docs.column("issuing_country").cast(pa.string()).take(take).combine_chunks(),
            issuers,
        )
        table = pa.table(
            {
                "passenger_id": pa.array(np.arange(done, done + n, dtype=np.int64)),
                "doc_no": numbers,
                "issuer": issuers,
                "flight": pa.array(rng.integers(0, 5000, n)).cast(pa.string()),
            }
        )
        pq.write_table(table, path / f"part-{done // per_file:05d}.parquet", compression="zstd")
        done += n
    (path / "_DONE").write_text(str(rows))
    return path


def manifest_rows(path: Path) -> int:
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _dob_moved(dob: str | None, rep: int) -> str | None:
    """``dob`` (YYYY-MM-DD) ``rep`` days later: a repeated row asks again with
    another date, so that no two rows of the manifest are the same query
    (``check_many`` answers identical rows once, which would make a repeated mix
    look ``rep`` times cheaper than a manifest of distinct travellers).  A partial
    or missing date stays as it is: ~1 % of the rows of a repeated mix."""
    if rep == 0 or dob is None or len(dob) != 10:
        return dob
    try:
        day = dt.date.fromisoformat(dob)
    except ValueError:
        return dob
    return (day + dt.timedelta(days=rep)).isoformat()


def name_manifest(path: Path, rows: int, persons: pa.Table, seed: int) -> Path:
    """``rows`` name checks as a folder of Parquet files: a mix of ``min(rows,
    20,000)`` queries (fewer when the innocent pool runs dry), repeated with each
    repetition's dates of birth moved a day further (:func:`_dob_moved`)."""
    if (path / "_DONE").exists():
        return path
    path.mkdir(parents=True, exist_ok=True)
    unique = min(rows, 20_000)
    mix = bench_data.person_mix(persons, unique, seed)
    reps = -(-rows // len(mix))
    table = pa.table(
        {
            "passenger_id": pa.array(np.arange(rows, dtype=np.int64)),
            "name": pa.array(([q.name for q in mix] * reps)[:rows], pa.string()),
            "dob": pa.array(
                [_dob_moved(q.dob, r) for r in range(reps) for q in mix][:rows], pa.string()
            ),
        }
    )
    per_file = _file_rows(rows)
    for i, start in enumerate(range(0, rows, per_file)):
        pq.write_table(table.slice(start, per_file), path / f"part-{i:05d}.parquet")
    (path / "_DONE").write_text(str(rows))
    return path


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children) from /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # after the name: state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based
    ticks = sum(int(f) for f in fields[11:15])
    return int(fields[1]), ticks / _TICK


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def cpu_tree(workers: set[int] | None = None) -> dict[str, float]:
    """CPU seconds used so far by this process and every process below it, by role:
    ``driver`` (this process: the client, Dask's scheduler, Spark's Py4J side),
    ``workers`` (the Python processes that run the checks: pids in ``workers``,
    or Spark's ``pyspark.daemon`` / ``pyspark.worker`` processes), ``jvm`` (Spark's
    Java process) and ``other`` (Dask's nannies...).  Each live process counts its
    own time and that of its children that have exited, so the difference of two
    calls is what the whole tree spent between them."""
    me = os.getpid()
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None:
                parent[int(entry.name)], cpu[int(entry.name)] = stat
    below = {me}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if ppid in below and pid not in below:
                below.add(pid)
                grew = True
    out = {"driver": 0.0, "workers": 0.0, "jvm": 0.0, "other": 0.0}
    for pid in below:
        if pid == me:
            role = "driver"
        elif workers is not None and pid in workers:
            role = "workers"
        else:
            cmd = _cmdline(pid)
            if "pyspark.daemon" in cmd or "pyspark.worker" in cmd:
                role = "workers"
            elif cmd.split(" ", 1)[0].endswith("java"):
                role = "jvm"
            else:
                role = "other"
        out[role] += cpu.get(pid, 0.0)
    return out


def cpu_spent(before: dict[str, float], after: dict[str, float], rows: int) -> dict[str, Any]:
    """CPU seconds each role spent between two :func:`cpu_tree` calls, and per row."""
    spent = {k: round(after[k] - before[k], 3) for k in after}
    total = sum(spent.values())
    return {
        "cpu_s": spent,
        "cpu_total_s": round(total, 3),
        "cpu_us_per_row": round(total / rows * 1e6, 4),
        "workers_cpu_us_per_row": round(spent["workers"] / rows * 1e6, 4),
    }


DOC_COLUMNS = {"doc_no": "document", "issuer": "country"}


def clear_caches() -> None:
    """Empty hotlist's in-process caches (name matching remembers its pure
    functions' results), so that a run does not find the rows an earlier run in
    this process checked already answered."""
    for name, module in list(sys.modules.items()):
        if name.startswith("hotlist.") and module is not None:
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and not isinstance(value, type):
                    clear()


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
) -> dict[str, Any]:
    """check_many on the first ``rows`` rows, read into memory first (not timed);
    with ``malloc``, inside ``malloc_for_batches()`` as the engines run it (which
    leaves glibc's thresholds raised in this process: run it after the plain one);
    with ``batch``, called on slices of that many rows (as the engines call it);
    with ``warm_pass``, after one untimed pass over the same rows (documents: the
    first call over a table of millions of rows pays for faulting in its fresh
    arrays, 0.54 against 0.28 us a row for the next)."""
    import pyarrow.dataset as ds

    table = ds.dataset(str(path), format="parquet").head(rows)
    size = batch or table.num_rows
    parts = [table.slice(i, size) for i in range(0, table.num_rows, size)] or [table]

    def run() -> int:
        hits = 0
        for part in parts:
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


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median CPU per row, and every run's figures beside it."""
    ranked = sorted(runs, key=lambda r: r["cpu_us_per_row"])
    best = dict(ranked[(len(ranked) - 1) // 2])
    best["repeats"] = [
        {k: r[k] for k in ("seconds", "cpu_us_per_row", "workers_cpu_us_per_row") if k in r}
        for r in runs
    ]
    return best


def _warm_runs(
    job: Callable[[], tuple[int, int]], n: int, repeat: int, workers: Callable[[], set[int]]
) -> dict[str, Any]:
    """``job`` run ``repeat`` times (a fresh plan each time), timed by wall clock and by
    the CPU the whole process tree spent (:func:`cpu_tree`); the median run."""
    runs = []
    for _ in range(repeat):
        pids = workers()
        before = cpu_tree(pids)
        seconds, (hits, rows) = timed(job)
        run = {"seconds": seconds, "rows_per_s": n / seconds, "hits": int(hits)}
        run["output_rows"] = int(rows)
        runs.append(run | cpu_spent(before, cpu_tree(pids), n))
    return _median_run(runs)


def run_dask(
    snapshot: Path,
    path: Path,
    workers: int,
    options: dict[str, Any],
    columns: dict[str, str],
    *,
    repeat: int = 3,
    cold_path: Path | None = None,
) -> dict[str, Any]:
    """The cold run (workers import hotlist, open the snapshot) over ``cold_path``
    when given (names: other rows, so that the warm runs do not find the name
    caches filled with their own rows), then ``repeat`` warm runs over ``path``."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import hotlist.dask

    start_s, cluster = timed(
        lambda: LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    )
    client = Client(cluster)
    try:
        ddf = dd.read_parquet(str(path))

        def job(source: Path = path) -> tuple[int, int]:
            # a new graph each time; its results are released once gathered
            frame = ddf if source == path else dd.read_parquet(str(source))
            out = hotlist.dask.check_dataframe(frame, str(snapshot), columns=columns, **options)
            hits, rows = client.compute([out["hit"].sum(), out["query_index"].count()], sync=True)
            return int(hits), int(rows)

        # first: workers import hotlist and open the snapshot; then warm (both cached)
        first_s, _ = timed(lambda: job(cold_path or path))
        n = manifest_rows(path)
        pids = lambda: set(client.run(os.getpid).values())  # noqa: E731
        return _warm_runs(job, n, repeat, pids) | {
            "rows": n,
            "first_run_s": first_s,
            "startup_s": start_s,
            "partitions": ddf.npartitions,
        }
    finally:
        client.close()
        cluster.close()


# check_dataframe(select=...): the columns a screening job typically keeps
SELECT = ["passenger_id", "hit", "record_id", "match", "score"]
SPARK_WAYS = {
    "spark_noop": "spark.read.parquet(path).mapInArrow(a function that returns no rows): the floor",
    "spark": "check_dataframe(spark.read.parquet(path))",
    "spark_hits": "check_dataframe(spark.read.parquet(path), hits_only=True)",
    "spark_select": f"check_dataframe(spark.read.parquet(path), select={SELECT})",
    "spark_parquet": "check_parquet(spark, path)",
    "spark_parquet_hits": "check_parquet(spark, path, hits_only=True)",
}


def _no_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """A mapInArrow function that reads every batch and returns nothing."""
    for _ in batches:
        pass
    return iter(())


def run_spark(
    snapshot: Path,
    path: Path,
    workers: int,
    options: dict[str, Any],
    columns: dict[str, str],
    *,
    ways: list[str],
    repeat: int = 3,
    arrow_batch: int | None = None,
    tuned: bool = False,
    cold_path: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """Each of ``ways`` (keys of SPARK_WAYS) in one Spark session: the first one's
    first run is the cold one (Python workers import hotlist and open the snapshot),
    over ``cold_path`` when given (as :func:`run_dask`).
    ``tuned``: the session gets ``hotlist.spark.ARROW_CONF`` (100,000-row Arrow
    batches, no per-row batch-size measure)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F  # noqa: N812

    import hotlist.spark

    builder = (
        SparkSession.builder.master(f"local[{workers}]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "4g")
    )
    if tuned:
        builder = builder.config(map=hotlist.spark.ARROW_CONF)
    if arrow_batch:
        builder = builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(arrow_batch))
    start_s, spark = timed(builder.getOrCreate)
    spark.sparkContext.setLogLevel("ERROR")
    out: dict[str, dict[str, Any]] = {}
    try:
        first_s, _ = timed(lambda: spark.range(10).count())
        n = manifest_rows(path)
        for way in ways:

            def job(way: str = way, path: Path = path) -> tuple[int, int]:
                # a new DataFrame each time: collecting the same one again would skip the
                # stage whose shuffle output Spark still holds
                if way == "spark_noop":
                    # Spark's own cost: read the rows, hand them to Python as Arrow
                    df = spark.read.parquet(str(path))
                    empty = df.mapInArrow(_no_rows, "hit boolean")
                    return 0, int(empty.count())
                if way in {"spark", "spark_hits", "spark_select"}:
                    df = spark.read.parquet(str(path))
                    checked = hotlist.spark.check_dataframe(
                        df,
                        str(snapshot),
                        columns=columns,
                        hits_only=way == "spark_hits",
                        select=SELECT if way == "spark_select" else None,
                        **options,
                    )
                else:
                    checked = hotlist.spark.check_parquet(
                        spark,
                        path,
                        str(snapshot),
                        columns=columns,
                        hits_only=way == "spark_parquet_hits",
                        **options,
                    )
                row = checked.agg(
                    F.sum(F.col("hit").cast("long")).alias("hits"), F.count("*").alias("rows")
                ).collect()[0]
                return int(row["hits"] or 0), int(row["rows"])

            # first: Python workers import hotlist and open the snapshot; then warm (reused)
            first_run_s, _ = timed(functools.partial(job, way, cold_path or path))
            out[way] = _warm_runs(job, n, repeat, set) | {
                "rows": n,
                "how": SPARK_WAYS[way],
                "first_run_s": first_run_s,
                "startup_s": start_s,
                "first_job_s": first_s,
                "partitions": spark.read.parquet(str(path)).rdd.getNumPartitions()
                if way in {"spark", "spark_hits", "spark_select", "spark_noop"}
                else len(list(path.glob("*.parquet"))),
                "arrow_max_records_per_batch": spark.conf.get(
                    "spark.sql.execution.arrow.maxRecordsPerBatch"
                ),
                "arrow_max_bytes_per_batch": spark.conf.get(
                    "spark.sql.execution.arrow.maxBytesPerBatch"
                ),
            }
    finally:
        spark.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--documents", default="1m", help="listed documents")
    p.add_argument("--persons", default="100k", help="listed persons")
    p.add_argument("--rows", default="10m", help="rows of the document manifest")
    p.add_argument("--plain-rows", default="2m", help="at most this many rows for plain check_many")
    p.add_argument("--name-rows", default="20k", help="rows of the name manifest (0: none)")
    p.add_argument("--flat-rows", default="0", help="rows of the memory-flatness file (0: none)")
    p.add_argument("--edit-rows", default="20k", help="rows checked with max_edits=1 (plain)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--engines",
        default="plain,stream,dask,spark_noop,spark,spark_hits,spark_parquet,spark_parquet_hits",
        help="plain, plain_workers (names: check_many(workers=--workers)), stream, dask, "
        "spark_noop (a mapInArrow returning no rows over the same "
        "DataFrame: Spark's own floor), spark (check_dataframe), spark_hits (check_dataframe "
        "with hits_only=True), spark_select (check_dataframe with select=SELECT), "
        "spark_parquet (check_parquet), spark_parquet_hits (check_parquet with hits_only=True)",
    )
    p.add_argument("--manifests", default="documents,names", help="which manifests to run")
    p.add_argument("--max-edits", type=int, default=0)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--repeat", type=int, default=3, help="warm runs per engine (median reported)")
    p.add_argument(
        "--spark-arrow-batch",
        type=int,
        default=0,
        help="spark.sql.execution.arrow.maxRecordsPerBatch (0: Spark's default, 10,000, or "
        "ARROW_CONF's with --spark-tuned)",
    )
    p.add_argument(
        "--spark-tuned",
        action="store_true",
        help="the Spark session gets hotlist.spark.ARROW_CONF (Arrow batches of 100,000 rows, "
        "Spark's per-row batch-size measure off)",
    )
    p.add_argument("--out", default=str(bench_data.DATA_DIR / "scale-latest.json"))
    args = p.parse_args(argv)
    parse = bench_data.parse_scale
    engines = args.engines.split(",")
    options = {"max_edits": args.max_edits}
    data = bench_data.DATA_DIR
    data.mkdir(parents=True, exist_ok=True)
    n_docs, n_persons = parse(args.documents), parse(args.persons)
    results: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores (shared with other work: figures are noisy)",
        "command": " ".join(["benchmarks/bench_scale.py", *(argv or sys.argv[1:])]),
        "options": options,
        "workers": args.workers,
        "load_average_at_start": os.getloadavg(),
        "hotlist": str(Path(hotlist.__file__).parent),
        "documents": n_docs,
        "persons": n_persons,
    }

    snapshot = data / f"scale-snapshot-d{n_docs}-p{n_persons}-s{args.seed}"
    docs = bench_data.table("documents", n_docs, args.seed)
    persons = bench_data.table("persons", n_persons, args.seed)
    if not (snapshot / "manifest.json").exists():
        hotlist.Hotlist.from_tables(documents=docs, persons=persons).save(snapshot)
    open_s, hl = timed(lambda: hotlist.open(snapshot))
    results["snapshot_open_s"] = open_s

    rows = parse(args.rows)
    doc_path = document_manifest(
        data / f"scale-manifest-docs-{rows}-s{args.seed}", rows, docs, args.seed
    )
    manifests: list[tuple[str, Path, int, dict[str, str], Path | None]] = [
        ("documents_manifest", doc_path, rows, DOC_COLUMNS, None)
    ]
    name_rows = parse(args.name_rows)
    if name_rows:
        name_path = name_manifest(
            data / f"scale-manifest-names-{name_rows}-p{n_persons}-s{args.seed}",
            name_rows,
            persons,
            args.seed,
        )
        # the engines' cold runs check other names (a different seed) than the warm runs
        cold = name_manifest(
            data / f"scale-manifest-names-500-p{n_persons}-s{args.seed + 1}",
            500,
            persons,
            args.seed + 1,
        )
        manifests.append(("names_manifest", name_path, name_rows, {}, cold))
    wanted = {f"{m}_manifest" for m in args.manifests.split(",")}
    for key, path, n, columns, cold_path in manifests:
        if key not in wanted:
            continue
        runs: dict[str, Any] = {}
        # names: person matching takes minutes a run; once each
        repeat = args.repeat if key == "documents_manifest" else 1
        if "plain" in engines:
            plain_rows = min(n, parse(args.plain_rows))
            runs["plain"] = _median_run(
                [run_plain(hl, path, plain_rows, options, columns) for _ in range(repeat)]
            )
            print(key, "plain", runs["plain"], flush=True)
        if "plain" in engines and key == "documents_manifest":
            # steady state: after a pass over the same rows, whole / in the engines' slices
            for name, batch in (("plain_warm", None), ("plain_batched", 100_000)):
                runs[name] = _median_run(
                    [
                        run_plain(
                            hl, path, plain_rows, options, columns, batch=batch, warm_pass=True
                        )
                        for _ in range(args.repeat)
                    ]
                )
                print(key, name, runs[name], flush=True)
        if "plain_workers" in engines and key == "names_manifest":
            runs["plain_workers"] = run_plain_workers(
                hl,
                path,
                min(n, parse(args.plain_rows)) - 250,
                options,
                columns,
                workers=args.workers,
            )
            print(key, "plain workers", runs["plain_workers"], flush=True)
        if "plain" in engines and key == "documents_manifest" and malloc_for_batches:
            runs["plain_malloc"] = _median_run(
                [
                    run_plain(hl, path, plain_rows, options, columns, malloc=True)
                    for _ in range(args.repeat)
                ]
            )
            print(key, "plain in malloc_for_batches", runs["plain_malloc"], flush=True)
        if "plain" in engines:
            edit_rows = parse(args.edit_rows)
            if edit_rows and key == "documents_manifest":
                one_edit = {**options, "max_edits": 1}
                runs["plain_max_edits_1"] = run_plain(hl, path, edit_rows, one_edit, columns)
                print(key, "plain max_edits=1", runs["plain_max_edits_1"], flush=True)
        if "stream" in engines:
            runs["stream"] = _median_run(
                [run_stream(hl, path, options, columns) for _ in range(repeat)]
            )
            print(key, "stream", runs["stream"], flush=True)
        if "dask" in engines:
            runs["dask"] = run_dask(
                snapshot, path, args.workers, options, columns, repeat=repeat, cold_path=cold_path
            )
            print(key, "dask", runs["dask"], flush=True)
        ways = [e for e in engines if e in SPARK_WAYS]
        if ways:
            spark_runs = run_spark(
                snapshot,
                path,
                args.workers,
                options,
                columns,
                ways=ways,
                repeat=repeat,
                arrow_batch=args.spark_arrow_batch or None,
                tuned=args.spark_tuned,
                cold_path=cold_path,
            )
            for way, run in spark_runs.items():
                runs[way] = run
                print(key, way, run, flush=True)
        results[key] = {"rows": n, "runs": runs}

    flat = parse(args.flat_rows)
    if flat:
        flat_path = document_manifest(
            data / f"scale-manifest-docs-{flat}-s{args.seed}", flat, docs, args.seed
        )
        results["memory_flatness"] = run_stream(hl, flat_path, options, DOC_COLUMNS, sample=True)
        print("flat", results["memory_flatness"], flush=True)

    for key in ("documents_manifest", "names_manifest"):
        block = results.get(key)
        if not block or "plain" not in block["runs"]:
            continue
        # against the cheapest of check_many as called, inside malloc_for_batches(), and
        # after a warm pass (whole, in 100,000-row slices)
        plain = min(
            (
                block["runs"][k]
                for k in ("plain", "plain_malloc", "plain_warm", "plain_batched")
                if k in block["runs"]
            ),
            key=lambda r: r["cpu_us_per_row"],
        )
        stream = block["runs"].get("stream")
        for name, run in block["runs"].items():
            if name in {"stream", "dask", "plain_workers", *SPARK_WAYS}:
                # CPU per row against plain check_many's: what a busy core loses
                run["overhead_per_core_cpu"] = run["cpu_us_per_row"] / plain["cpu_us_per_row"] - 1
                run["rows_per_cpu_s"] = 1e6 / run["cpu_us_per_row"]
            if name == "dask" or name in SPARK_WAYS:
                if stream:
                    run["overhead_vs_stream_cpu"] = (
                        run["cpu_us_per_row"] / stream["cpu_us_per_row"] - 1
                    )
                per_core = run["rows_per_s"] / args.workers
                run["rows_per_s_per_core_wall"] = per_core
                run["overhead_per_core_wall"] = 1 - per_core / plain["rows_per_s"]
                run["estimate_100_cores_rows_per_s"] = run["rows_per_cpu_s"] * 100
        floor = block["runs"].get("spark_noop")
        for name in ("spark", "spark_hits", "spark_select"):
            run = block["runs"].get(name)
            if floor and run:
                # what the check adds to Spark's own cost of reading the rows and
                # handing them to Python, against plain check_many's CPU a row
                above = run["cpu_us_per_row"] - floor["cpu_us_per_row"]
                run["overhead_above_floor_cpu"] = above / plain["cpu_us_per_row"] - 1
    results["load_average_at_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
