"""Spark: ``check_dataframe`` (and with ``hits_only=`` / ``select=``),
``check_parquet``, and Spark's own floor, in one ``local[N]`` session."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from scale_manifests import manifest_rows
from scale_measure import timed, warm_runs

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
    from pyspark import cloudpickle
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F  # noqa: N812

    # spark_noop's function travels by value: the Python workers cannot import this
    # benchmark module (benchmarks/ is on the driver's path only)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])

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
            out[way] = warm_runs(job, n, repeat, set) | {
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
