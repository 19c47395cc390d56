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


def _validate_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InvalidQuery(
            "columns= maps your column names to check() keywords, "
            'e.g. {"doc_no": "document"}; not ' + type(columns).__name__
        )
    fields = _query_fields()
    out: dict[str, str] = {}
    for src, dst in columns.items():
        if not isinstance(src, str) or not isinstance(dst, str):
            raise InvalidQuery(f"columns=: names must be text, not {src!r}: {dst!r}")
        if dst not in fields:
            raise InvalidQuery(
                f"columns=: {src!r} is mapped to {dst!r}, which is not a check() keyword; "
                f"keywords: {', '.join(fields)}"
            )
        out[src] = dst
    targets = list(out.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise InvalidQuery(f"columns=: more than one column is mapped to {', '.join(twice)}")
    return out


def _renamed(schema: pa.Schema, columns: Mapping[str, str]) -> list[str]:
    """The input's column names after ``columns`` renames them (a check that every
    name mapped is there, and that no two columns end under one name)."""
    names = list(schema.names)
    missing = [c for c in columns if c not in names]
    if missing:
        raise InvalidQuery(
            f"columns= names {', '.join(map(repr, missing))}, not in the manifest; "
            f"its columns are: {', '.join(names)}"
        )
    renamed = [columns.get(n, n) for n in names]
    clash = sorted({n for n in renamed if renamed.count(n) > 1})
    if clash:
        raise InvalidQuery(
            f"the manifest has more than one column called {', '.join(map(repr, clash))} "
            "(after columns= renames them); rename or drop one"
        )
    return renamed


def check_table(
    hl: Hotlist,
    table: pa.Table | pa.RecordBatch,
    columns: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
) -> pa.Table:
    """``hl.check_many`` over ``table``'s query columns (after ``columns`` renames
    them), with every other column passed through to each of its rows and
    ``offset`` added to ``query_index``.

    Output columns: ``query_index``, the input's columns in their order (query
    columns as ``check_many`` echoes them, as text), then the result columns.
    """
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    mapping = _validate_columns(columns)
    renamed = _renamed(table.schema, mapping)
    table = table.rename_columns(renamed)
    fields = _query_fields()
    query_names = [n for n in renamed if n in fields]
    extra_names = [n for n in renamed if n not in fields]
    result = hl.check_many(table.select(query_names), **dict(options or {}))
    taken = result.column("query_index")
    clash = [n for n in extra_names if n in result.schema.names]
    if clash:
        raise InvalidQuery(
            f"the manifest's column(s) {', '.join(map(repr, clash))} would hide a result "
            "column of the same name; rename them (columns= only maps to check() keywords)"
        )
    extras = table.select(extra_names).take(taken) if extra_names else None
    arrays: list[Any] = []
    out_fields: list[pa.Field] = []
    for name in ["query_index", *renamed]:
        if name == "query_index":
            col = taken if offset == 0 else pc.add(taken, pa.scalar(offset, pa.int64()))
            arrays.append(col)
            out_fields.append(result.schema.field("query_index"))
        elif name in fields:
            arrays.append(result.column(name))
            out_fields.append(result.schema.field(name))
        else:
            assert extras is not None
            arrays.append(extras.column(name))
            out_fields.append(extras.schema.field(name))
    for f in result.schema:
        if f.name != "query_index" and f.name not in query_names:
            arrays.append(result.column(f.name))
            out_fields.append(f)
    return pa.Table.from_arrays(arrays, schema=pa.schema(out_fields))


@lru_cache(maxsize=1)
def _empty_hotlist() -> Hotlist:
    from hotlist.engine import Hotlist

    return Hotlist.from_tables(data_version="schema-only", progress=False)


def result_schema(
    schema: pa.Schema,
    columns: Mapping[str, str] | None = None,
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
    parse = pacsv.ParseOptions(delimiter=delimiter)
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
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise InvalidQuery(f"{path}: cannot be read as {fmt.upper()}: {exc}") from None


def _source_batches(
    source: Any, bad: list[BadRow], batch_size: int
) -> tuple[Iterator[Any], int | None, list[Path]]:
    """(batches, total rows when known, files) for any source check_batches takes."""
    if isinstance(source, str | os.PathLike):
        files, fmt = _files(Path(source))

        def read() -> Iterator[Any]:
            for f in files:
                yield from _file_batches(f, fmt, bad, batch_size)

        return read(), _count_rows(files, fmt), files
    if isinstance(source, pa.Table):
        return iter(source.to_batches(max_chunksize=batch_size)), source.num_rows, []
    if isinstance(source, pa.RecordBatch):
        return iter([source]), source.num_rows, []
    if isinstance(source, pa.RecordBatchReader):
        return iter(source), None, []
    if hasattr(source, "__arrow_c_stream__"):
        return iter(pa.RecordBatchReader.from_stream(source)), None, []
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

        return items(), None, []
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
    columns: dict[str, str]
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
        batches, self.total, files = _source_batches(self.source, self.bad_rows, self.batch_size)
        self.files = [str(f) for f in files]
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
    columns: Mapping[str, str] | None = None,
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
