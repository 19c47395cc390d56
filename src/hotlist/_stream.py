"""Manifests of any size: ``check_batches`` streams, and the per-batch step the
Spark and Dask adapters share.

``Hotlist.check_batches(source)`` takes Arrow record batches (a table, a record
batch reader, anything with ``__arrow_c_stream__``, or any iterable of batches)
or a Parquet / CSV / JSON Lines / Arrow IPC file or folder (read by
:mod:`hotlist._manifest`), and yields one result batch per input batch of at most
``batch_size`` rows: ``check_many``'s rows, with every column of the input
passed through and ``query_index`` counting rows over the whole stream.  Only
one input batch and its result are held at a time (plus the reader's small
read-ahead), so memory does not grow with the manifest (figures:
``benchmarks/bench_scale.py``).

Reading files: CSV has no types, so every CSV column is read as text (a
document number ``00123`` stays ``00123``, an id column stays as written) and an
empty cell is a missing value.  A CSV row that cannot be read (a wrong number
of fields, a quote left open, bytes that are not UTF-8) is skipped and reported
in ``stream.bad_rows`` with its file and line, never dropped silently, and the
rows after it are still checked.  JSON Lines keep their own types; a query
column must hold strings there (a file that changes a column's type midway
raises :class:`hotlist.InvalidQuery` naming the file).

The worker side of Spark and Dask (the snapshot each worker process opens once)
is :mod:`hotlist._workers`; ``hotlist check-file`` is :mod:`hotlist._checkfile`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from weakref import WeakKeyDictionary

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._batch_arrays import slice_rows
from hotlist._errors import InvalidQuery
from hotlist._malloc import malloc_for_batches
from hotlist._manifest import BadRow, count_rows, file_batches, file_schema, files_of
from hotlist._progress import Steps
from hotlist.fields import field_names

if TYPE_CHECKING:
    from hotlist._batch_input import ArrowStream, QueryInput
    from hotlist.engine import Hotlist

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "BadRow",
    "BatchSource",
    "BatchStream",
    "check_batches",
    "check_many_mapped",
    "check_table",
    "flagged",
    "query_names",
    "rebatch",
    "schema_after_check",
    "valid_batch_size",
    "validate_columns",
]

DEFAULT_BATCH_SIZE = 100_000

# What check_batches reads: a manifest file or folder, Arrow data, or a stream of batches.
BatchSource: TypeAlias = (
    "str | os.PathLike[str] | pa.Table | pa.RecordBatch | pa.RecordBatchReader | ArrowStream"
    " | Iterable[pa.RecordBatch | pa.Table]"
)


# -- the per-batch step shared by check_batches, Spark and Dask ----------------------


def validate_columns(columns: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """``columns`` checked for what can be checked without the data: a mapping of
    names to check() keywords (or None: pass a keyword-named column through)."""
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InvalidQuery(
            "columns= maps your column names to check() keywords, "
            'e.g. {"doc_no": "document"}; not ' + type(columns).__name__
        )
    fields = field_names()
    for src, dst in columns.items():
        if dst is not None and dst not in fields:
            raise InvalidQuery(
                f"columns=: {src!r} is mapped to {dst!r}, which is not a check() keyword; "
                f"keywords: {', '.join(fields)} (or None to pass the column through)"
            )
    return dict(columns)


def valid_batch_size(batch_size: object) -> int:
    """``batch_size`` if it is a whole number >= 1, else :class:`hotlist.InvalidQuery`."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidQuery(f"batch_size must be a whole number >= 1, not {batch_size!r}")
    return batch_size


def query_names(names: Iterable[str], columns: Mapping[str, str | None]) -> list[str]:
    """The columns of ``names`` that are queries (named like a check() keyword, or
    mapped to one), in order; the rest pass through."""
    fields = field_names()
    return [n for n in names if columns.get(n, n if n in fields else None) is not None]


def check_many_mapped(
    hl: Hotlist,
    data: QueryInput,
    columns: Mapping[str, str | None] | None,
    options: Mapping[str, Any] | None,
) -> pa.Table:
    """``hl.check_many(data, columns=columns, **options)``: query columns echoed as
    text under the caller's names, every other column passed through, in order."""
    table: pa.Table = hl.check_many(data, columns=validate_columns(columns), **dict(options or {}))
    return table


def check_table(
    hl: Hotlist,
    table: QueryInput,
    columns: Mapping[str, str | None] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
) -> pa.Table:
    """``hl.check_many`` over ``table`` with ``columns`` mapping names to keywords and
    every other column passed through (``check_many``'s layout: ``query_index``,
    the input's columns in order, then the result columns), ``offset`` added to
    ``query_index``."""
    result = check_many_mapped(hl, table, columns, options)
    if offset:
        i = result.schema.get_field_index("query_index")
        moved = pc.add(result.column(i), pa.scalar(offset, pa.int64()))
        result = result.set_column(i, result.schema.field(i), moved)
    return result


def flagged(rows: pa.Table) -> pa.Table:
    """The rows with a hit, an error or a warning (``hotlist check-file --hits-only``,
    ``check_parquet(hits_only=True)``); a record batch works too."""
    keep = pc.or_(
        pc.or_(rows.column("hit"), pc.is_valid(rows.column("error"))),
        pc.greater(pc.fill_null(pc.list_value_length(rows.column("warnings")), 0), 0),
    )
    return rows.filter(keep)


_EMPTY: WeakKeyDictionary[type[Hotlist], Hotlist] = WeakKeyDictionary()


def empty_like(hl: Hotlist) -> Hotlist:
    """A Hotlist of ``hl``'s class with no data (made once per class): what a
    schema or an option is checked against before any row is read."""
    cls = type(hl)
    empty = _EMPTY.get(cls)
    if empty is None:
        empty = _EMPTY[cls] = cls.from_tables(data_version="schema-only", progress=False)
    return empty


def schema_after_check(
    empty: Hotlist,
    schema: pa.Schema,
    columns: Mapping[str, str | None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pa.Schema:
    """The schema :func:`check_table` returns for input of ``schema``, with no data
    at hand (what Spark and Dask need before any worker runs).

    Found by running the very same step on an empty table against ``empty`` (a
    Hotlist with no data), so it cannot drift from what the workers produce; a
    column that cannot be checked (a number where text is needed, an unknown
    mapping) is refused here, on the driver, before any task starts.
    """
    rows = pa.Table.from_batches([], schema=schema)
    return check_table(empty, rows, columns, options).schema


def _source_batches(
    source: BatchSource, bad: list[BadRow], batch_size: int
) -> tuple[Iterator[pa.RecordBatch], int | None, list[Path], pa.Schema | None]:
    """(batches, total rows when known, files, input schema when known) for any
    source check_batches takes."""
    if isinstance(source, str | os.PathLike):
        files, fmt = files_of(Path(source))

        def read() -> Iterator[pa.RecordBatch]:
            for f in files:
                yield from file_batches(f, fmt, bad.append, batch_size)

        return read(), count_rows(files, fmt), files, file_schema(files[0], fmt)
    if isinstance(source, pa.Table):
        batches = iter(source.to_batches(max_chunksize=batch_size))
        return batches, source.num_rows, [], source.schema
    if isinstance(source, pa.RecordBatch):
        return iter([source]), source.num_rows, [], source.schema
    if isinstance(source, pa.RecordBatchReader):
        return iter(source), None, [], source.schema
    if hasattr(source, "__arrow_c_stream__"):
        reader = pa.RecordBatchReader.from_stream(source)
        return iter(reader), None, [], reader.schema
    if isinstance(source, Iterable) and not isinstance(source, bytes | Mapping):

        def items() -> Iterator[pa.RecordBatch]:
            for item in source:
                if isinstance(item, pa.Table):
                    yield from item.to_batches(max_chunksize=batch_size)
                elif isinstance(item, pa.RecordBatch):
                    yield item
                else:
                    raise InvalidQuery(
                        "check_batches() takes Arrow record batches or tables, "
                        f"not {type(item).__name__}"
                    )

        return items(), None, [], None
    raise InvalidQuery(
        "check_batches() takes a manifest file or folder (Parquet, CSV, JSON Lines, Arrow), "
        f"an Arrow table or record batch reader, or an iterable of record batches; "
        f"not {type(source).__name__}"
    )


def rebatch(batches: Iterator[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """Tables of exactly ``size`` rows (the last one shorter) from batches of any size."""
    pending: list[pa.RecordBatch] = []
    held = 0
    yielded = False
    schema: pa.Schema | None = None
    for batch in batches:
        if schema is None:
            schema = batch.schema
        elif not batch.schema.equals(schema):
            raise InvalidQuery(
                "check_batches(): a batch has other columns or types than the first one "
                f"({batch.schema.names} against {schema.names})"
            )
        pending.append(batch)
        held += batch.num_rows
        while held >= size:
            table = pa.Table.from_batches(pending, schema=schema)
            yield slice_rows(table, 0, size)
            yielded = True
            rest = slice_rows(table, size)
            pending, held = rest.to_batches(), rest.num_rows
    if schema is not None and (held or not yielded):
        # the rest; or, for an input of no rows, one empty table (a result schema)
        yield pa.Table.from_batches(pending, schema=schema)


# -- the stream -----------------------------------------------------------------------------

_TOTALS = ("rows", "hits", "alarms", "errors", "warned", "output_rows")


@dataclass
class BatchStream(Iterator[pa.RecordBatch]):
    """The result batches of :meth:`Hotlist.check_batches`, and running totals.

    Iterate it once; ``rows`` (queries read), ``hits`` (queries with at least
    one hit), ``errors`` (queries refused, their message in ``error``),
    ``warned`` (queries with a warning), ``output_rows``, ``bad_rows`` (input
    rows that could not be read, with file and line) and ``total`` (rows in the
    source when known in advance) grow as it goes.
    """

    hl: Hotlist
    source: BatchSource
    columns: dict[str, str | None]
    options: dict[str, Any]
    batch_size: int
    progress: bool | None = None
    rows: int = 0
    hits: int = 0
    alarms: int = 0
    errors: int = 0
    warned: int = 0
    output_rows: int = 0
    total: int | None = None
    files: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    seconds: float = 0.0
    schema: pa.Schema | None = None
    _it: Iterator[pa.RecordBatch] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        batches, self.total, files, schema = _source_batches(
            self.source, self.bad_rows, self.batch_size
        )
        self.files = [str(f) for f in files]
        if schema is not None:
            # known before any row is read: a bad mapping or column type is refused now
            empty = empty_like(self.hl)
            self.schema = schema_after_check(empty, schema, self.columns, self.options)
        self._it = self._run(batches)

    def __iter__(self) -> BatchStream:
        return self

    def __next__(self) -> pa.RecordBatch:
        assert self._it is not None
        return next(self._it)

    def _run(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        started = time.perf_counter()
        bar = Steps(self.total, enabled=self.progress, delay=0.0, title="checking", unit="rows")
        try:
            for table in rebatch(batches, self.batch_size):
                with malloc_for_batches():
                    result = check_table(
                        self.hl, table, self.columns, self.options, offset=self.rows
                    ).combine_chunks()
                self._count(table.num_rows, result)
                self.seconds = time.perf_counter() - started
                bar.advance(table.num_rows, f"checking, {self.hits:,} with hits")
                if self.schema is None:
                    self.schema = result.schema
                elif not result.schema.equals(self.schema):
                    result = result.cast(self.schema)
                yield from result.to_batches() or [
                    pa.RecordBatch.from_pylist([], schema=result.schema)
                ]
        finally:
            bar.close()
            self.seconds = time.perf_counter() - started

    def _count(self, n: int, result: pa.Table) -> None:
        self.rows += n
        self.output_rows += result.num_rows
        # the query numbers filtered, not the whole result (17 columns) for one column
        query = result.column("query_index")
        self.hits += len(pc.unique(query.filter(result.column("hit"))))
        if "severity" in result.schema.names:
            alarm = pc.equal(result.column("severity"), "alarm")
            self.alarms += len(pc.unique(query.filter(alarm)))
        first = _first_rows(query)
        self.errors += pc.sum(pc.is_valid(result.column("error")).filter(first)).as_py() or 0
        lengths = pc.list_value_length(result.column("warnings")).filter(first)
        self.warned += pc.sum(pc.greater(lengths, 0)).as_py() or 0

    def summary(self) -> dict[str, Any]:
        """Totals so far, as plain values (what ``hotlist check-file`` prints)."""
        totals: dict[str, Any] = {name: getattr(self, name) for name in _TOTALS}
        return totals | {
            "bad_input_rows": len(self.bad_rows),
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows / self.seconds) if self.seconds else None,
            "data_version": self.hl.data_version,
        }


def _first_rows(query_index: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A mask of each query's first output row (a query's rows are adjacent)."""
    q = np.asarray(query_index.to_numpy())
    first = np.ones(len(q), dtype=bool)
    first[1:] = q[1:] != q[:-1]
    return pa.array(first)


def check_batches(
    hl: Hotlist,
    source: BatchSource,
    *,
    columns: Mapping[str, str | None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None = False,
    **options: Any,
) -> BatchStream:
    """See :meth:`hotlist.Hotlist.check_batches`."""
    valid_batch_size(batch_size)
    mapping = validate_columns(columns)
    # Options are checked now, not at the first batch of a long file.
    hl_options = dict(options)
    empty_like(hl).check_many(pa.table({"document": pa.array([], pa.string())}), **hl_options)
    return BatchStream(hl, source, mapping, hl_options, batch_size, progress)
