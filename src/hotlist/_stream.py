"""Manifests of any size: ``check_batches`` streams, and the worker-side cache the
Spark and Dask adapters share.

``Hotlist.check_batches(source)`` takes Arrow record batches (a table, a record
batch reader, anything with ``__arrow_c_stream__``, or any iterable of batches)
or a Parquet / CSV / JSON Lines / Arrow IPC file or folder (read through
``pyarrow.dataset``), and yields one result batch per input batch of at most
``batch_size`` rows: ``check_many``'s rows, with every column of the input
passed through and ``query_index`` counting rows over the whole stream.  Only
one input batch and its result are held at a time (plus the reader's small
read-ahead), so memory does not grow with the manifest (figures:
``benchmarks/bench_scale.py``).

Reading files: CSV has no types, so every CSV column is read as text (a
document number ``00123`` stays ``00123``, an id column stays as written) and an
empty cell is a missing value.  A CSV row that cannot be parsed (a wrong number
of fields) is skipped and reported in ``stream.bad_rows`` with its file and line,
never dropped silently.  JSON Lines keep their own types; a query column must
hold strings there (a file that changes a column's type midway raises
:class:`hotlist.InvalidQuery` naming the file).

Spark and Dask workers open a snapshot once per Python process through
:func:`worker_hotlist`: memory-mapped, cached by the folder's real path and the
SHA-256 of its ``manifest.json``, verified (``verify=`` / ``public_key=``) on
that first open only.  The Hotlist itself never travels: tasks carry the path,
the manifest digest the driver saw and the options.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from hotlist._errors import IntegrityError, InvalidQuery

if TYPE_CHECKING:
    from hotlist.engine import Hotlist

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "OPEN_LOG_ENV",
    "BadRow",
    "BatchStream",
    "check_batches",
    "check_table",
    "manifest_digest",
    "result_schema",
    "worker_hotlist",
]

DEFAULT_BATCH_SIZE = 100_000
# When set to a file path, every snapshot open and every partition a worker
# checks appends one line there ("open PID DIGEST" / "part PID ROWS"): how the
# tests count opens per worker.  Off (and free) otherwise.
OPEN_LOG_ENV = "HOTLIST_OPEN_LOG"

FILE_FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".arrow": "ipc",
    ".feather": "ipc",
    ".ipc": "ipc",
}


# -- the per-batch step shared by check_batches, Spark and Dask ----------------------


def _query_fields() -> dict[str, int]:
    from hotlist.engine import CHECK_FIELDS

    return CHECK_FIELDS


def _validate_columns(columns: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """``columns`` checked for what can be checked without the data: a mapping of
    names to check() keywords (or None: pass a keyword-named column through)."""
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InvalidQuery(
            "columns= maps your column names to check() keywords, "
            'e.g. {"doc_no": "document"}; not ' + type(columns).__name__
        )
    fields = _query_fields()
    for src, dst in columns.items():
        if dst is not None and dst not in fields:
            raise InvalidQuery(
                f"columns=: {src!r} is mapped to {dst!r}, which is not a check() keyword; "
                f"keywords: {', '.join(fields)} (or None to pass the column through)"
            )
    return dict(columns)


def query_names(names: Iterable[str], columns: Mapping[str, str | None]) -> list[str]:
    """The columns of ``names`` that are queries (named like a check() keyword, or
    mapped to one), in order; the rest pass through."""
    fields = _query_fields()
    return [n for n in names if columns.get(n, n if n in fields else None) is not None]


def check_many_mapped(
    hl: Hotlist,
    data: Any,
    columns: Mapping[str, str | None] | None,
    options: Mapping[str, Any] | None,
) -> pa.Table:
    """``hl.check_many(data, columns=columns, **options)``: query columns echoed as
    text under the caller's names, every other column passed through, in order."""
    table: pa.Table = hl.check_many(data, columns=_validate_columns(columns), **dict(options or {}))
    return table


def check_table(
    hl: Hotlist,
    table: pa.Table | pa.RecordBatch,
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


@lru_cache(maxsize=1)
def _empty_hotlist() -> Hotlist:
    from hotlist.engine import Hotlist

    return Hotlist.from_tables(data_version="schema-only", progress=False)


def result_schema(
    schema: pa.Schema,
    columns: Mapping[str, str | None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pa.Schema:
    """The schema :func:`check_table` returns for input of ``schema``, with no data
    at hand (what Spark and Dask need before any worker runs).

    Found by running the very same step on an empty table against an empty
    Hotlist, so it cannot drift from what the workers produce; a column that
    cannot be checked (a number where text is needed, an unknown mapping) is
    refused here, on the driver, before any task starts.
    """
    empty = pa.Table.from_batches([], schema=schema)
    return check_table(_empty_hotlist(), empty, columns, options).schema


# -- reading sources -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BadRow:
    """An input row that could not be read: file, line (1-based, when known), why."""

    file: str
    line: int | None
    reason: str
    text: str


def _files(path: Path) -> tuple[list[Path], str]:
    if path.is_file():
        fmt = FILE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InvalidQuery(
                f"{path}: cannot tell the format from the file name; use one of "
                f"{', '.join(sorted(FILE_FORMATS))}"
            )
        return [path], fmt
    if not path.is_dir():
        raise InvalidQuery(f"{path}: no such file or folder")
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    )
    known = [p for p in files if p.suffix.lower() in FILE_FORMATS]
    if not known:
        raise InvalidQuery(f"{path}: no Parquet, CSV, JSON Lines or Arrow files in this folder")
    unknown = [p for p in files if p.suffix.lower() not in FILE_FORMATS]
    if unknown:
        raise InvalidQuery(
            f"{path}: {unknown[0].name} (and {len(unknown) - 1} more) is not a manifest file; "
            "a folder must hold manifest files only"
        )
    formats = {FILE_FORMATS[p.suffix.lower()] for p in known}
    if len(formats) > 1:
        raise InvalidQuery(f"{path}: mixes file formats ({', '.join(sorted(formats))})")
    return known, formats.pop()


def _csv_format(path: Path, bad: list[BadRow]) -> Any:
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds

    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    # only the header matters here: bad rows are reported by the real scan below
    parse = pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=lambda row: "skip")
    try:
        with pacsv.open_csv(path, parse_options=parse) as reader:
            names = reader.schema.names
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidQuery(f"{path}: cannot read the CSV header ({exc})") from None
    seen: set[tuple[int | None, str]] = set()

    def invalid(row: Any) -> str:
        # Arrow may report one bad row more than once (a counting and a parsing pass).
        key = (row.number, row.text)
        if key not in seen:
            seen.add(key)
            bad.append(
                BadRow(
                    file=str(path),
                    line=row.number,
                    reason=f"{row.actual_columns} fields where the header has "
                    f"{row.expected_columns}",
                    text=row.text[:200],
                )
            )
        return "skip"

    return ds.CsvFileFormat(
        parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )


def _count_rows(files: list[Path], fmt: str) -> int | None:
    """Rows in the files when their metadata says so cheaply (Parquet, Arrow IPC)."""
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return sum(int(pq.ParquetFile(f).metadata.num_rows) for f in files)
        if fmt == "ipc":
            import pyarrow.dataset as ds

            return int(ds.dataset([str(f) for f in files], format="ipc").count_rows())
    except (pa.ArrowException, OSError):
        return None
    return None


def _file_batches(path: Path, fmt: str, bad: list[BadRow], batch_size: int) -> Iterator[Any]:
    import pyarrow.dataset as ds

    file_format: Any = _csv_format(path, bad) if fmt == "csv" else fmt
    try:
        dataset = ds.dataset(str(path), format=file_format)
        scanner = dataset.scanner(batch_size=batch_size, batch_readahead=2, fragment_readahead=1)
        yield from scanner.to_batches()
    except (pa.ArrowException, OSError) as exc:
        # a damaged or truncated file, or a JSON column whose type changes midway
        raise InvalidQuery(f"{path}: cannot be read as {fmt.upper()}: {exc}") from None


def _file_schema(path: Path, fmt: str) -> pa.Schema:
    """The columns of a manifest file as they will be read (CSV: all text)."""
    import pyarrow.dataset as ds

    file_format: Any = _csv_format(path, []) if fmt == "csv" else fmt
    try:
        schema: pa.Schema = ds.dataset(str(path), format=file_format).schema
    except (pa.ArrowException, OSError) as exc:
        raise InvalidQuery(f"{path}: cannot be read as {fmt.upper()}: {exc}") from None
    return schema


def _source_batches(
    source: Any, bad: list[BadRow], batch_size: int
) -> tuple[Iterator[Any], int | None, list[Path], pa.Schema | None]:
    """(batches, total rows when known, files, input schema when known) for any
    source check_batches takes."""
    if isinstance(source, str | os.PathLike):
        files, fmt = _files(Path(source))

        def read() -> Iterator[Any]:
            for f in files:
                yield from _file_batches(f, fmt, bad, batch_size)

        return read(), _count_rows(files, fmt), files, _file_schema(files[0], fmt)
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

        def items() -> Iterator[Any]:
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


def _rebatch(batches: Iterator[Any], size: int) -> Iterator[pa.Table]:
    """Tables of exactly ``size`` rows (the last one shorter) from batches of any size."""
    pending: list[Any] = []
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
            yield table.slice(0, size)
            yielded = True
            rest = table.slice(size)
            pending, held = rest.to_batches(), rest.num_rows
    if schema is not None and (held or not yielded):
        # the rest; or, for an input of no rows, one empty table (a result schema)
        yield pa.Table.from_batches(pending, schema=schema)


# -- the stream -----------------------------------------------------------------------------


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
    source: Any
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
            self.schema = result_schema(schema, self.columns, self.options)
        self._it = self._run(batches)

    def __iter__(self) -> BatchStream:
        return self

    def __next__(self) -> pa.RecordBatch:
        assert self._it is not None
        return next(self._it)

    def _run(self, batches: Iterator[Any]) -> Iterator[pa.RecordBatch]:
        started = time.perf_counter()
        bar = _Bar(self.total, enabled=self.progress)
        try:
            for table in _rebatch(batches, self.batch_size):
                result = check_table(
                    self.hl, table, self.columns, self.options, offset=self.rows
                ).combine_chunks()
                self._count(table.num_rows, result)
                self.seconds = time.perf_counter() - started
                bar.update(self.rows, self.hits)
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
        hit = result.column("hit")
        self.hits += len(pc.unique(result.filter(hit).column("query_index")))
        if "severity" in result.schema.names:
            alarm = pc.equal(result.column("severity"), "alarm")
            self.alarms += len(pc.unique(result.filter(alarm).column("query_index")))
        first = _first_rows(result.column("query_index"))
        self.errors += pc.sum(pc.is_valid(result.column("error")).filter(first)).as_py() or 0
        lengths = pc.list_value_length(result.column("warnings")).filter(first)
        self.warned += pc.sum(pc.greater(lengths, 0)).as_py() or 0

    def summary(self) -> dict[str, Any]:
        """Totals so far, as plain values (what ``hotlist check-file`` prints)."""
        return {
            "rows": self.rows,
            "hits": self.hits,
            "alarms": self.alarms,
            "errors": self.errors,
            "warned": self.warned,
            "output_rows": self.output_rows,
            "bad_input_rows": len(self.bad_rows),
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows / self.seconds) if self.seconds else None,
            "data_version": self.hl.data_version,
        }


def _first_rows(query_index: Any) -> pa.Array:
    """A mask of each query's first output row (a query's rows are adjacent)."""
    import numpy as np

    q = np.asarray(query_index.to_numpy())
    first = np.ones(len(q), dtype=bool)
    first[1:] = q[1:] != q[:-1]
    return pa.array(first)


class _Bar:
    """A rich progress bar on stderr, only on a terminal (or when asked)."""

    def __init__(self, total: int | None, *, enabled: bool | None) -> None:
        self.progress: Any = None
        if not (sys.stderr.isatty() if enabled is None else enabled):
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows, {task.fields[hits]:,} with hits"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.progress.start()
        self.task = self.progress.add_task("checking", total=total, hits=0)

    def update(self, rows: int, hits: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=rows, hits=hits)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def check_batches(
    hl: Hotlist,
    source: Any,
    *,
    columns: Mapping[str, str | None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None = False,
    **options: Any,
) -> BatchStream:
    """See :meth:`hotlist.Hotlist.check_batches`."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidQuery(f"batch_size must be a whole number >= 1, not {batch_size!r}")
    mapping = _validate_columns(columns)
    # Options are checked now, not at the first batch of a long file.
    hl_options = dict(options)
    _empty_hotlist().check_many(pa.table({"document": pa.array([], pa.string())}), **hl_options)
    return BatchStream(hl, source, mapping, hl_options, batch_size, progress)


# -- the worker side of Spark and Dask -------------------------------------------------------

_CACHE: dict[tuple[str, str], Hotlist] = {}
_CACHE_LOCK = threading.Lock()


def manifest_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a snapshot's ``manifest.json``: which data version sits at ``path``
    (the manifest lists every file's size and SHA-256, so it names the whole
    snapshot)."""
    from hotlist._snapshot import MANIFEST

    mpath = Path(path) / MANIFEST
    try:
        return hashlib.sha256(mpath.read_bytes()).hexdigest()
    except OSError as exc:
        raise IntegrityError(
            f"no hotlist snapshot at {path} on this machine ({exc.strerror}); every worker "
            "needs the snapshot folder at this path (see the README, 'Screening large "
            "manifests')",
            path=str(mpath),
        ) from None


def log_event(event: str, detail: object) -> None:
    """One line to the file named by ``HOTLIST_OPEN_LOG``, when it is set."""
    target = os.environ.get(OPEN_LOG_ENV)
    if target:
        line = f"{event} {os.getpid()} {detail}\n".encode()
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def worker_hotlist(
    path: str,
    *,
    expected_digest: str | None = None,
    verify: bool = False,
    public_key: Any = None,
) -> Hotlist:
    """The snapshot at ``path``, opened (memory-mapped) once per process.

    Cached by the folder's real path and its manifest's SHA-256, so a snapshot
    replaced in place is opened anew (and the old one let go), while every
    later task in this process reuses the open one.  ``verify`` (SHA-256 of every
    file) and ``public_key`` (the manifest's signature) are checked on that
    first open only.  ``expected_digest`` is the manifest the driver saw: a worker
    that finds another version at the path raises :class:`hotlist.IntegrityError`
    rather than mix two data versions in one result.
    """
    import hotlist

    folder = os.path.realpath(path)
    digest = manifest_digest(folder)
    if expected_digest is not None and digest != expected_digest:
        raise IntegrityError(
            f"the snapshot at {path} on this worker is not the one the job was started with "
            f"(manifest SHA-256 {digest[:16]}, expected {expected_digest[:16]}); copy the same "
            "snapshot to every node, or start the job again",
            path=folder,
        )
    key = (folder, digest)
    hl = _CACHE.get(key)
    if hl is None:
        with _CACHE_LOCK:
            hl = _CACHE.get(key)
            if hl is None:
                hl = hotlist.open(folder, verify=verify, public_key=public_key)
                for old in [k for k in _CACHE if k[0] == folder]:
                    del _CACHE[old]
                _CACHE[key] = hl
                log_event("open", digest[:16])
    return hl


# -- hotlist check-file -----------------------------------------------------------------------

OUTPUT_FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrow": "ipc",
    ".feather": "ipc",
    ".ipc": "ipc",
    ".csv": "csv",
}


class _Writer:
    """Result batches to a Parquet, Arrow IPC or CSV file, written to a hidden
    sibling and renamed into place only when everything went well."""

    def __init__(self, path: Path) -> None:
        fmt = OUTPUT_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InvalidQuery(
                f"--out {path}: give a .parquet, .arrow / .feather or .csv file name"
            )
        if not path.parent.is_dir():
            raise InvalidQuery(f"--out {path}: the folder {path.parent} does not exist")
        self.path = path
        self.fmt = fmt
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.writer: Any = None

    def _open(self, schema: pa.Schema) -> None:
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            self.writer = pq.ParquetWriter(str(self.tmp), schema, compression="zstd")
        elif self.fmt == "ipc":
            self.writer = pa.ipc.new_file(str(self.tmp), schema)
        else:
            import pyarrow.csv as pacsv

            self.writer = pacsv.CSVWriter(str(self.tmp), _csv_schema(schema))

    def write(self, batch: pa.RecordBatch) -> None:
        if self.fmt == "csv":
            batch = _csv_batch(batch)
        if self.writer is None:
            self._open(batch.schema)
        self.writer.write_batch(batch)

    def finish(self, schema: pa.Schema | None) -> None:
        if self.writer is None:
            self._open(schema if schema is not None else pa.schema([]))
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.tmp.unlink(missing_ok=True)


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_type(pa.string()) if pa.types.is_list(f.type) else f for f in schema])


def _csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Lists (reasons, warnings) as one text cell, entries joined by " | "."""
    arrays = []
    for col in batch.columns:
        if pa.types.is_list(col.type):
            arrays.append(pc.binary_join(col.cast(pa.list_(pa.string())), " | "))
        else:
            arrays.append(col)
    return pa.RecordBatch.from_arrays(arrays, schema=_csv_schema(batch.schema))


def _flagged(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The rows with a hit, an error or a warning."""
    keep = pc.or_(
        pc.or_(batch.column("hit"), pc.is_valid(batch.column("error"))),
        pc.greater(pc.fill_null(pc.list_value_length(batch.column("warnings")), 0), 0),
    )
    return batch.filter(keep)


def check_file(
    manifest: str,
    data: str,
    out: str,
    *,
    columns: Mapping[str, str | None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    hits_only: bool = False,
    progress: bool | None = None,
    **options: Any,
) -> BatchStream:
    """What ``hotlist check-file`` does: open the snapshot (or load the extracts) at
    ``data``, stream ``manifest`` through it, write the results to ``out``.
    Returns the finished :class:`BatchStream` (its totals and bad rows)."""
    import hotlist
    from hotlist._snapshot import is_snapshot

    writer = _Writer(Path(out))
    if not Path(data).exists():
        raise InvalidQuery(f"--data {data}: no such snapshot or extracts folder")
    hl = hotlist.open(data) if is_snapshot(data) else hotlist.load(data, progress=progress)
    stream = check_batches(
        hl, manifest, columns=columns, batch_size=batch_size, progress=progress, **options
    )
    try:
        for batch in stream:
            writer.write(_flagged(batch) if hits_only else batch)
        writer.finish(stream.schema)
    except BaseException:
        writer.abandon()
        raise
    return stream


def add_check_file_command(sub: Any) -> None:
    """The ``hotlist check-file`` subcommand, added to the CLI's subparsers."""
    import argparse

    from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE

    p = sub.add_parser(
        "check-file",
        help="screen a manifest file or folder of any size, streaming",
        description="Check every row of MANIFEST (a Parquet, CSV, JSON Lines or Arrow file, "
        "or a folder of them) against the lists, a batch at a time, with a progress bar on "
        "a terminal and a summary at the end.  Columns named like check()'s keywords "
        "(document, country, mrz, vin, plate, name, dob...) are the query; --column maps "
        "others; every other column passes through to the output.  Exit status: 0 done; "
        "1 some input rows could not be read (listed in the summary); 2 nothing done.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="manifest file or folder")
    p.add_argument(
        "--data",
        required=True,
        metavar="SNAPSHOT",
        help="snapshot folder (memory-mapped) or a folder of extracts",
    )
    p.add_argument(
        "--out",
        required=True,
        help="result file: .parquet, .arrow / .feather or .csv (written whole or not at all)",
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="NAME=KEYWORD",
        help="map a manifest column to a check() keyword, e.g. --column doc_no=document "
        "(repeat for more)",
    )
    p.add_argument(
        "--hits-only",
        action="store_true",
        help="write only rows with a hit, an error or a warning (misses are counted)",
    )
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="most hits per row")
    p.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE, help="weakest hit written")
    p.add_argument(
        "--max-edits",
        type=int,
        default=DEFAULT_MAX_EDITS,
        choices=(0, 1),
        help="edit tolerance for document numbers and VINs",
    )
    p.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows checked at a time"
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: when stderr is a terminal)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_check_file)


def _cmd_check_file(args: Any) -> int:
    import json

    columns: dict[str, str | None] = {}
    for item in args.column:
        name, sep, keyword = item.partition("=")
        if not sep or not name or not keyword:
            raise InvalidQuery(f"--column {item!r}: write it as NAME=KEYWORD, e.g. doc_no=document")
        columns[name] = keyword
    stream = check_file(
        args.manifest,
        args.data,
        args.out,
        columns=columns,
        batch_size=args.batch_size,
        hits_only=args.hits_only,
        progress=args.progress,
        limit=args.limit,
        min_score=args.min_score,
        max_edits=args.max_edits,
    )
    summary = stream.summary()
    summary["out"] = args.out
    summary["bad_rows"] = [
        {"file": b.file, "line": b.line, "reason": b.reason, "text": b.text}
        for b in stream.bad_rows[:100]
    ]
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_summary(summary, stream)
    return 1 if stream.bad_rows else 0


def _print_summary(summary: dict[str, Any], stream: BatchStream) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"check-file: {summary['out']}", show_header=False)
    rate = summary["rows_per_second"]
    lines = [
        ("rows checked", f"{summary['rows']:,}"),
        ("rows with a hit", f"{summary['hits']:,}"),
        ("rows with an alarm", f"{summary['alarms']:,}"),
        ("rows refused (see error)", f"{summary['errors']:,}"),
        ("rows with a warning", f"{summary['warned']:,}"),
        ("input rows unreadable", f"{summary['bad_input_rows']:,}"),
        ("time", f"{summary['seconds']:.1f} s" + (f" ({rate:,} rows/s)" if rate else "")),
        ("data version", str(summary["data_version"])),
    ]
    for k, v in lines:
        table.add_row(k, v)
    console = Console()
    console.print(table)
    for bad in stream.bad_rows[:10]:
        console.print(f"[red]unreadable[/] {bad.file}:{bad.line}: {bad.reason}: {bad.text!r}")
    if len(stream.bad_rows) > 10:
        console.print(
            f"... and {len(stream.bad_rows) - 10:,} more unreadable rows (--json lists 100)"
        )
