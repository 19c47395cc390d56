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
  manifest of ``--name-rows`` distinct rows (``name``, ``dob``: 20 % variants of
  listed persons, 80 % innocent travellers, ``bench_data.person_mix`` of as many
  seeds as it takes; no row repeats another: :func:`name_queries`);
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
* Dask's housekeeping: after its runs, the idle cluster's CPU a wall second
  (heartbeats, the system monitor, the profiler, the scheduler); it grows with
  a run's wall time, so with the machine's load, not with the rows.
  ``cpu_us_per_row_beyond_idle`` is the run's CPU per row less that rate times
  its wall time (arithmetic on two measurements);
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
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data
import hotlist
from scale_dask import DASK_WAYS, run_dask
from scale_local import malloc_for_batches, run_plain, run_plain_workers, run_stream
from scale_manifests import DOC_COLUMNS, document_manifest, name_manifest
from scale_measure import median_run, timed
from scale_spark import SPARK_WAYS, run_spark


def _open_snapshot(snapshot: Path, docs: Any, persons: Any) -> tuple[float, hotlist.Hotlist]:
    """The cached benchmark snapshot, opened (seconds, hotlist); made from the tables
    when missing, and made again when this hotlist refuses it (saved by an older one
    under other key rules, or damaged): it is a cache of seeded data, and a refused
    one would stop every engine's run."""
    if (snapshot / "manifest.json").exists():
        try:
            return timed(lambda: hotlist.open(snapshot))
        except hotlist.IntegrityError as exc:
            print(f"snapshot made again: {exc}"[:300], flush=True)
            shutil.rmtree(snapshot)
    hotlist.Hotlist.from_tables(documents=docs, persons=persons).save(snapshot)
    return timed(lambda: hotlist.open(snapshot))


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
        "dask_hits (check_dataframe with hits_only=True), dask_noprofile (Dask's worker "
        "profiler off), "
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
    open_s, hl = _open_snapshot(snapshot, docs, persons)
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
            data / f"scale-manifest-names-distinct-{name_rows}-p{n_persons}-s{args.seed}",
            name_rows,
            persons,
            args.seed,
        )
        # the engines' cold runs check other names (a different seed) than the warm runs
        cold = name_manifest(
            data / f"scale-manifest-names-distinct-500-p{n_persons}-s{args.seed + 1}",
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
            runs["plain"] = median_run(
                [run_plain(hl, path, plain_rows, options, columns) for _ in range(repeat)]
            )
            print(key, "plain", runs["plain"], flush=True)
        if "plain" in engines and key == "documents_manifest":
            # steady state: after a pass over the same rows, whole / in the engines' slices
            for name, batch in (("plain_warm", None), ("plain_batched", 100_000)):
                runs[name] = median_run(
                    [
                        run_plain(
                            hl, path, plain_rows, options, columns, batch=batch, warm_pass=True
                        )
                        for _ in range(args.repeat)
                    ]
                )
                print(key, name, runs[name], flush=True)
        if "plain" in engines and key == "documents_manifest":
            # reading the Parquet timed too, in the engines' slices: the engines' second
            # baseline (names: reading is nothing next to person matching)
            runs["plain_read"] = median_run(
                [
                    run_plain(
                        hl,
                        path,
                        min(n, parse(args.plain_rows)),
                        options,
                        columns,
                        batch=100_000,
                        warm_pass=True,
                        read=True,
                    )
                    for _ in range(args.repeat)
                ]
            )
            print(key, "plain_read", runs["plain_read"], flush=True)
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
            runs["plain_malloc"] = median_run(
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
            runs["stream"] = median_run(
                [run_stream(hl, path, options, columns) for _ in range(repeat)]
            )
            print(key, "stream", runs["stream"], flush=True)
        for name in DASK_WAYS:
            if name in engines:
                runs[name] = run_dask(
                    snapshot,
                    path,
                    args.workers,
                    options,
                    columns,
                    repeat=repeat,
                    cold_path=cold_path,
                    profile=name != "dask_noprofile",
                    hits_only=name == "dask_hits",
                )
                print(key, name, runs[name], flush=True)
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
        with_read = block["runs"].get("plain_read")
        for name, run in block["runs"].items():
            if name in {"stream", "plain_workers", *DASK_WAYS, *SPARK_WAYS}:
                # CPU per row against plain check_many's: what a busy core loses
                run["overhead_per_core_cpu"] = run["cpu_us_per_row"] / plain["cpu_us_per_row"] - 1
                run["rows_per_cpu_s"] = 1e6 / run["cpu_us_per_row"]
                if "cpu_us_per_row_beyond_idle" in run:
                    # the engine's housekeeping at this run's wall time taken out (arithmetic)
                    run["overhead_per_core_cpu_beyond_idle"] = (
                        run["cpu_us_per_row_beyond_idle"] / plain["cpu_us_per_row"] - 1
                    )
                if with_read:
                    # against plain check_many that reads the same Parquet first: the
                    # engine's own cost, the decoding of the file left out
                    run["overhead_vs_plain_read_cpu"] = (
                        run["cpu_us_per_row"] / with_read["cpu_us_per_row"] - 1
                    )
            if name in DASK_WAYS or name in SPARK_WAYS:
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
