"""The same checks on Spark: ``check_dataframe`` over a Spark DataFrame, via ``mapInArrow``::

    import hotlist.spark

    hits = hotlist.spark.check_dataframe(
        manifest_df, "/data/hotlist/snapshots/2026-11-30",
        columns={"doc_no": "document", "issuer": "country"}, max_edits=0)
    hits.where("hit").write.parquet("hits")

Needs the extra: ``pip install 'hotlist[spark]'`` (pyspark; a Java 17+ runtime
for Spark itself).  Works over Spark Connect too: it uses only the DataFrame API
and ``mapInArrow``.

When the manifest is a Parquet file or folder that every worker can read at the
same path, ``check_parquet(spark, path, snapshot, ...)`` gives the same rows
for about 40 % less CPU: Spark only schedules the pieces (row groups of each
file), and the Python workers read them with pyarrow, so the rows do not pass
through Spark's Parquet reader and its rows-to-Arrow conversion, which cost the
JVM more than the check itself (``benchmarks/README.md``, "Scale-out").
``hits_only=True`` (both functions) keeps only the rows with a hit, an error or
a warning (as ``hotlist check-file --hits-only``), dropped in the Python worker
before the JVM converts them back to rows (a Spark filter on ``hit`` cannot
reach into ``mapInArrow``: the JVM would convert every clean row first);
``select=[...]`` likewise returns only the result columns you name (a
``.select`` after the call cannot stop the JVM converting every column first).

Where ``check_dataframe``'s CPU goes (10 M documents, ``max_edits=0``,
:data:`ARROW_CONF`, ``local[2]``, per row): Spark's floor, reading the Parquet
and handing the rows to Python as Arrow, 0.49 µs in the JVM; in the Python
worker ``check_many`` 0.16, pyspark writing the results back 0.03, this
module's own steps (joining Spark's batches, the schema check) under 0.002; the
JVM turning the 16 returned columns back into rows 0.34 (5 columns with
``select=``: 0.045).  So above the floor the cost is the check and the width of
what is returned, not the adapter.

Spark settings
--------------
Two of Spark's Arrow settings cost ``check_dataframe``'s JVM a third of its CPU
at their defaults (``benchmarks/README.md``, "Scale-out"): it hands the Python
workers batches of ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows
(10,000) and, under ``maxBytesPerBatch`` (64 MiB), measures the batch it is
building after every row.  :data:`ARROW_CONF` sets batches of 100,000 rows (the
size the worker checks at a time) and turns the per-row measure off (the value
2147483647 is Spark's "no limit")::

    spark = SparkSession.builder.config(map=hotlist.spark.ARROW_CONF).getOrCreate()
    # or on a running session (also over Spark Connect)
    for key, value in hotlist.spark.ARROW_CONF.items():
        spark.conf.set(key, value)

They apply to every Arrow exchange of the session (pandas and Arrow UDFs too);
with very wide rows (kilobytes of pass-through text a row) pick fewer rows.

How the snapshot reaches the workers
------------------------------------
Nothing of the hotlist travels with the tasks: each task carries the snapshot's
*path*, the SHA-256 of its ``manifest.json`` as the driver saw it, the column
mapping and the options (a few hundred bytes).  Every executor's Python worker
opens the snapshot folder at that path itself, memory-mapped, once per Python
process (:func:`hotlist._workers.worker_hotlist`: cached by real path and
manifest digest; ``verify=`` / ``public_key=`` are checked on that first open
only), and reuses it for every later task (Spark reuses Python workers:
``spark.python.worker.reuse``, on by default).  So the snapshot must be at that
path on every node: a local disk (copy it once per node, e.g. with your
deployment tool, ``hdfs dfs -get`` or ``aws s3 sync`` into ``/data/hotlist/``),
or a shared read-only mount (NFS, a Kubernetes volume).  The memory-mapped pages
are shared by all Python workers of a node through the OS page cache.  A worker
that finds another data version at the path than the driver did raises
:class:`hotlist.IntegrityError` instead of mixing versions in one result; when
the driver cannot see the path (a Spark Connect client), workers use whatever
version they find there.

Output: ``check_many``'s columns (``query_index``, the query columns as text,
``hit``, ``dataset``, ``record_id``, ``match``, ``score``, ``reasons``...,
``warnings``, ``error``) with every other input column passed through, in the
input's order.  ``query_index`` numbers rows like
``pyspark.sql.functions.monotonically_increasing_id()``: the partition number
times 2**33 plus the row's place in its partition; join on your own id
columns to relate hits to rows.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from hotlist._errors import InvalidQuery
from hotlist._malloc import malloc_for_batches
from hotlist._manifest import files_of
from hotlist._signing import KeyArg
from hotlist._stream import (
    DEFAULT_BATCH_SIZE,
    check_table,
    flagged,
    rebatch,
    valid_batch_size,
)
from hotlist._workers import (
    PARTITION_SHIFT,
    WorkerTask,
    log_event,
    result_schema,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

    from hotlist.engine import Hotlist

__all__ = ["ARROW_CONF", "INSTALL_HINT", "ROWS_PER_TASK", "check_dataframe", "check_parquet"]

# check_parquet: a file's row groups are split into tasks of about this many rows
ROWS_PER_TASK = 1_000_000

# Spark session settings for check_dataframe (see "Spark settings" above): Arrow
# batches of 100,000 rows to the Python workers, the per-row batch-size measure off.
ARROW_CONF: dict[str, str] = {
    "spark.sql.execution.arrow.maxRecordsPerBatch": "100000",
    "spark.sql.execution.arrow.maxBytesPerBatch": "2147483647",
}

INSTALL_HINT = "hotlist.spark needs pyspark: pip install 'hotlist[spark]' (and a Java 17+ runtime)"


def _require_pyspark() -> None:
    if importlib.util.find_spec("pyspark") is None:
        raise ImportError(INSTALL_HINT)


@dataclass(frozen=True)
class _Mapper(WorkerTask):
    """What one Spark task carries (pickled by reference to this class: no Hotlist
    inside), and its ``mapInArrow`` function."""

    batch_size: int
    schema: pa.Schema
    hits_only: bool = False
    select: tuple[str, ...] | None = None

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext  # noqa: PLC0415 - lazy optional import (pyspark)

        hl = self.hotlist()
        context = TaskContext.get()
        base = (context.partitionId() << PARTITION_SHIFT) if context is not None else 0
        done = 0
        # Spark's Arrow batches (spark.sql.execution.arrow.maxRecordsPerBatch, 10,000
        # by default) joined into batch_size rows: check_many's cost per call is then
        # spread over ten times as many rows.
        for part in rebatch(batches, self.batch_size):
            with malloc_for_batches():
                result = check_table(hl, part, self.columns, self.options, offset=base + done)
            done += part.num_rows
            yield from _returned(result, self.schema, self.hits_only, self.select)
        log_event("part", done)


def _returned(
    result: pa.Table, schema: pa.Schema, hits_only: bool, select: tuple[str, ...] | None
) -> Iterator[pa.RecordBatch]:
    """A checked batch as Spark is to receive it: the flagged rows only with
    ``hits_only``, the ``select`` columns only, in Spark's own Arrow types."""
    if hits_only:
        result = flagged(result)
    if select is not None:
        result = result.select(list(select))
    if not result.schema.equals(schema):
        result = result.cast(schema)
    return iter(result.to_batches())


def _selected(schema: pa.Schema, select: Sequence[str] | None) -> tuple[str, ...] | None:
    """``select`` checked against the result's columns on the driver (None: all)."""
    if select is None:
        return None
    names = (select,) if isinstance(select, str) else tuple(select)
    unknown = [n for n in names if n not in schema.names]
    if unknown or not names or len(set(names)) < len(names):
        raise InvalidQuery(
            f"select={list(names)}: give each of the result's columns at most once, from "
            f"{schema.names}" + (f" (not columns: {unknown})" if unknown else "")
        )
    return names


def _spark_schemas(
    arrow: pa.Schema, select: tuple[str, ...] | None
) -> tuple[StructType, pa.Schema]:
    """Spark's schema for the (selected) result columns, and the Arrow schema Spark
    expects back for it (its own types, e.g. timestamps in UTC)."""
    from pyspark.sql.pandas.types import (  # noqa: PLC0415 - lazy optional import (pyspark)
        from_arrow_schema,
        to_arrow_schema,
    )

    if select is not None:
        arrow = pa.schema([arrow.field(n) for n in select])
    spark_schema = from_arrow_schema(arrow)
    return spark_schema, to_arrow_schema(spark_schema, timezone="UTC")


def check_dataframe(
    df: DataFrame,
    snapshot: str | os.PathLike[str],
    *,
    columns: Mapping[str, str | None] | None = None,
    verify: bool = False,
    public_key: KeyArg | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    hits_only: bool = False,
    select: Sequence[str] | None = None,
    **options: Any,
) -> DataFrame:
    """Check every row of the Spark DataFrame ``df`` against the snapshot at
    ``snapshot`` (a folder written by ``Hotlist.save`` / ``hotlist snapshot``, at
    that path on every worker node); a new DataFrame, lazily.

    ``columns`` maps your column names to ``check()`` keywords (``{"doc_no":
    "document"}``); columns not named like a keyword pass through to every
    output row.  ``options`` are ``check_many``'s (``limit``, ``min_score``,
    ``max_edits``, ``name_threshold``).  ``verify`` / ``public_key`` are checked
    once per worker process, when it opens the snapshot.  A bad mapping, an
    option out of range or a query column that is not text raises
    :class:`hotlist.InvalidQuery` here, before any task runs.

    ``batch_size``: rows per ``check_many`` call in a worker (100,000 by default).
    Spark hands ``mapInArrow`` batches of
    ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows (10,000 by default);
    the worker joins them up to ``batch_size`` first, since ``check_many`` costs
    about a millisecond per call on top of its cost per row (at 10,000 rows a
    call the Python worker spent 80 % more CPU).  Memory in each Python worker
    grows with it: a few hundred bytes a row while a batch is checked.
    :data:`ARROW_CONF` has Spark send 100,000 rows a batch in the first place.

    ``hits_only=True``: only the rows with a hit, an error or a warning (as
    ``hotlist check-file --hits-only``), dropped in the Python worker before the
    JVM converts them back to rows; the same as ``.where(...)`` on those three
    columns, for less of the JVM's CPU.

    ``select``: only these of the result's columns, in this order (e.g.
    ``["passenger_id", "hit", "record_id", "match", "score"]``); the same as
    ``.select(...)`` after the call, for less of the JVM's CPU: Spark cannot push
    a projection into ``mapInArrow``, so without it the JVM converts every column
    of every row back from Arrow first (``benchmarks/README.md``, "Scale-out").
    An unknown name raises :class:`hotlist.InvalidQuery` here.
    """
    _require_pyspark()
    from pyspark.sql.pandas.types import (  # noqa: PLC0415 - lazy optional import (pyspark)
        to_arrow_schema,
    )

    common = WorkerTask.fields_for(snapshot, columns, options, verify=verify, public_key=public_key)
    in_schema = to_arrow_schema(df.schema, timezone="UTC")
    full = result_schema(in_schema, common["columns"], options)
    picked = _selected(full, select)
    spark_schema, expected = _spark_schemas(full, picked)
    mapper = _Mapper(
        **common,
        batch_size=valid_batch_size(batch_size),
        schema=expected,
        hits_only=hits_only,
        select=picked,
    )
    return df.mapInArrow(mapper, spark_schema)


@dataclass(frozen=True)
class _FileMapper(WorkerTask):
    """What one ``check_parquet`` task carries: the pieces (file, row groups) to read,
    by number, and the schemas; its ``mapInArrow`` function reads the pieces whose
    numbers it is handed with pyarrow and checks them."""

    batch_size: int
    schema: pa.Schema
    read_schema: pa.Schema
    pieces: tuple[tuple[str, tuple[int, ...]], ...]
    hits_only: bool = False
    select: tuple[str, ...] | None = None

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        hl = self.hotlist()
        for batch in batches:
            for number in batch.column(0).to_pylist():
                yield from self._piece(hl, int(number))

    def _piece(self, hl: Hotlist, number: int) -> Iterator[pa.RecordBatch]:
        path, groups = self.pieces[number]
        done = 0
        reader = pq.ParquetFile(path)
        parts = reader.iter_batches(batch_size=self.batch_size, row_groups=list(groups))
        for part in parts:
            table = pa.Table.from_batches([part])
            if not table.schema.equals(self.read_schema):
                table = _as_read_schema(table, self.read_schema, path)
            with malloc_for_batches():
                result = check_table(
                    hl, table, self.columns, self.options, offset=(number << PARTITION_SHIFT) + done
                )
            done += table.num_rows
            yield from _returned(result, self.schema, self.hits_only, self.select)
        log_event("part", done)


def _as_read_schema(table: pa.Table, schema: pa.Schema, path: str) -> pa.Table:
    """A file's rows in the dataset's columns and types (its first file's), or
    :class:`hotlist.InvalidQuery` naming the file."""
    try:
        return table.select(schema.names).cast(schema)
    except (KeyError, pa.ArrowException) as exc:
        raise InvalidQuery(
            f"{path}: its columns are not those of the first file ({schema.names}): {exc}"
        ) from None


def _one_schema(files: list[Path]) -> pa.Schema:
    """The files' columns and types, which must be the same in every file (in
    any order): a column that only a later file has would go unchecked, and a
    later file's text read as the first one's integers would lose its leading
    zeros; so, as ``check_batches``, a file that differs is refused, by name."""
    first = pq.read_schema(files[0])
    want = {f.name: f.type for f in first}
    for path in files[1:]:
        schema = pq.read_schema(path)
        got = {f.name: f.type for f in schema}
        if got != want:
            extra = sorted(set(got) - set(want))
            missing = sorted(set(want) - set(got))
            typed = sorted(n for n in set(got) & set(want) if got[n] != want[n])
            raise InvalidQuery(
                f"check_parquet(): {path} has other columns or types than {files[0]} "
                f"(only in it: {extra}; missing: {missing}; other types: {typed}): "
                "write the manifest with one schema"
            )
    return first


def _pieces(files: list[Path], rows_per_task: int) -> list[tuple[str, tuple[int, ...]]]:
    """Each file's row groups in runs of about ``rows_per_task`` rows (whole groups)."""
    out: list[tuple[str, tuple[int, ...]]] = []
    for f in files:
        meta = pq.ParquetFile(f).metadata
        run: list[int] = []
        held = 0
        for g in range(meta.num_row_groups):
            if run and held + meta.row_group(g).num_rows > rows_per_task:
                out.append((str(f), tuple(run)))
                run, held = [], 0
            run.append(g)
            held += meta.row_group(g).num_rows
        out.append((str(f), tuple(run)))
    return out


def check_parquet(
    spark: SparkSession,
    path: str | os.PathLike[str],
    snapshot: str | os.PathLike[str],
    *,
    columns: Mapping[str, str | None] | None = None,
    verify: bool = False,
    public_key: KeyArg | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rows_per_task: int = ROWS_PER_TASK,
    hits_only: bool = False,
    select: Sequence[str] | None = None,
    **options: Any,
) -> DataFrame:
    """Check a Parquet file or folder that every worker can read at ``path`` (a local
    copy on every node, or a shared mount); the same rows and schema as
    ``check_dataframe(spark.read.parquet(path), ...)``, at a fraction of the JVM's
    cost.

    Spark schedules the pieces (each file's row groups, about ``rows_per_task``
    rows a task) and each Python worker reads its pieces itself with pyarrow and
    checks them: the rows never pass through the JVM on the way in (Spark's
    Parquet reader and its rows-to-Arrow step cost more CPU a row than the check
    itself), only the results come back to it.  The folder is read as
    ``check_batches`` reads one (``hotlist check-file``): every ``.parquet`` file
    below it, names starting with ``.`` or ``_`` skipped, the first file's
    columns for all (partition folders such as ``day=1/`` are not made columns).
    The driver (over Spark Connect: the client) lists the files and reads their
    footers, so it needs the folder at that path too.
    ``query_index`` is the piece's number times 2**33 plus the row's place in it.
    ``hits_only=True``: only the rows with a hit, an error or a warning (as
    ``hotlist check-file --hits-only``), dropped in the Python worker, so that the
    JVM never converts the misses (most of its remaining cost).  Other arguments
    (``select`` too) as :func:`check_dataframe`.
    """
    _require_pyspark()
    files, fmt = files_of(Path(path))
    if fmt != "parquet":
        raise InvalidQuery(f"check_parquet() reads Parquet files; {path} holds {fmt.upper()}")
    read_schema = _one_schema(files)
    common = WorkerTask.fields_for(snapshot, columns, options, verify=verify, public_key=public_key)
    full = result_schema(read_schema, common["columns"], options)
    picked = _selected(full, select)
    spark_schema, expected = _spark_schemas(full, picked)
    pieces = _pieces(files, valid_batch_size(rows_per_task))
    mapper = _FileMapper(
        **common,
        batch_size=valid_batch_size(batch_size),
        schema=expected,
        read_schema=read_schema,
        pieces=tuple(pieces),
        hits_only=hits_only,
        select=picked,
    )
    # one piece per partition: Spark runs each as a task, on any worker
    numbers = spark.range(0, len(pieces), 1, numPartitions=len(pieces))
    return numbers.mapInArrow(mapper, spark_schema)
