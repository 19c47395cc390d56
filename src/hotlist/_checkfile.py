"""``hotlist check-file``: stream a manifest of any size through a snapshot, write the
results to one file (whole or not at all), print a summary.

The streaming itself is :func:`hotlist._stream.check_batches`; this module is the
command around it: the output writer (Parquet, Arrow IPC or CSV, written to a
hidden sibling and renamed into place only when everything went well), the
flags, and the summary table.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from hotlist._commands import Commands, Flag, command, json_flag
from hotlist._errors import InvalidQuery
from hotlist._snapshot import is_snapshot
from hotlist._stream import DEFAULT_BATCH_SIZE, BatchStream, check_batches, flagged
from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE, load
from hotlist.engine import open as open_snapshot

__all__ = ["OUTPUT_FORMATS", "add_check_file_command", "check_file"]

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
            self.writer = pq.ParquetWriter(str(self.tmp), schema, compression="zstd")
        elif self.fmt == "ipc":
            self.writer = pa.ipc.new_file(str(self.tmp), schema)
        else:
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


def _csv_keeps(t: pa.DataType) -> bool:
    """Whether the CSV writer writes a column of type ``t`` as it is (a scalar that
    has a text form it knows); every other column is written as text."""
    if pa.types.is_dictionary(t):
        return _csv_keeps(t.value_type)
    return bool(
        pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_boolean(t)
        or pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (pa.types.is_temporal(t) and not pa.types.is_interval(t))
        or pa.types.is_decimal(t)
        or pa.types.is_null(t)
    )


def _csv_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f if _csv_keeps(f.type) else f.with_type(pa.string()) for f in schema])


def _csv_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Every column in a form CSV holds: lists (reasons, warnings) as one text cell,
    entries joined by " | "; bytes as text, or as ``0x`` and hex digits where they are
    not UTF-8; structs, maps and nested lists as JSON text."""
    arrays = [col if _csv_keeps(col.type) else _csv_text(col) for col in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, schema=_csv_schema(batch.schema))


def _csv_text(col: pa.Array) -> pa.Array:
    t = col.type
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        try:
            return pc.binary_join(col.cast(pa.list_(pa.string())), " | ")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # a list of structs, of lists, of bytes that are not text: JSON below
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        values = col.to_pylist()
        return pa.array([None if v is None else _bytes_text(v) for v in values], pa.string())
    try:
        return col.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    return pa.array(
        [None if v is None else json.dumps(v, default=_json_default) for v in col.to_pylist()],
        pa.string(),
    )


def _bytes_text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + value.hex()


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return _bytes_text(value)
    return str(value)


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
    writer = _Writer(Path(out))
    if not Path(data).exists():
        raise InvalidQuery(f"--data {data}: no such snapshot or extracts folder")
    hl = open_snapshot(data) if is_snapshot(data) else load(data, progress=progress)
    stream = check_batches(
        hl, manifest, columns=columns, batch_size=batch_size, progress=progress, **options
    )
    try:
        for batch in stream:
            writer.write(flagged(batch) if hits_only else batch)
        writer.finish(stream.schema)
    except BaseException:
        writer.abandon()
        raise
    return stream


FLAGS = (
    Flag("manifest", metavar="MANIFEST", help="manifest file or folder"),
    Flag(
        "--data",
        required=True,
        metavar="SNAPSHOT",
        help="snapshot folder (memory-mapped) or a folder of extracts",
    ),
    Flag(
        "--out",
        required=True,
        help="result file: .parquet, .arrow / .feather or .csv (written whole or not at all)",
    ),
    Flag(
        "--column",
        action="append",
        default=[],
        metavar="NAME=KEYWORD",
        help="map a manifest column to a check() keyword, e.g. --column doc_no=document "
        "(repeat for more)",
    ),
    Flag(
        "--hits-only",
        action="store_true",
        help="write only rows with a hit, an error or a warning (misses are counted)",
    ),
    Flag("--limit", type=int, default=DEFAULT_LIMIT, help="most hits per row"),
    Flag("--min-score", type=float, default=DEFAULT_MIN_SCORE, help="weakest hit written"),
    Flag(
        "--max-edits",
        type=int,
        default=DEFAULT_MAX_EDITS,
        choices=(0, 1),
        help="edit tolerance for document numbers and VINs",
    ),
    Flag("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows checked at a time"),
    Flag(
        "--workers",
        type=int,
        default=1,
        help="processes that check the name, MRZ, VIN and plate rows, this one included "
        "(check_many's workers=; started once for the whole file)",
    ),
    Flag(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: when stderr is a terminal)",
    ),
    json_flag("the summary"),
)


def add_check_file_command(sub: Commands) -> None:
    """The ``hotlist check-file`` subcommand, added to the CLI's subparsers."""
    command(
        sub,
        "check-file",
        _cmd_check_file,
        "screen a manifest file or folder of any size, streaming",
        "Check every row of MANIFEST (a Parquet, CSV, JSON Lines or Arrow file, "
        "or a folder of them) against the lists, a batch at a time, with a progress bar on "
        "a terminal and a summary at the end.  Columns named like check()'s keywords "
        "(document, country, mrz, vin, plate, name, dob...) are the query; --column maps "
        "others; every other column passes through to the output.  Exit status: 0 done; "
        "1 some input rows could not be read (listed in the summary); 2 nothing done; "
        "3 failed (an internal error, shown; --out is not written).",
        *FLAGS,
    )


def _cmd_check_file(args: argparse.Namespace) -> int:
    columns: dict[str, str | None] = {}
    for item in args.column:
        name, sep, keyword = item.partition("=")
        if not sep or not name or not keyword:
            raise InvalidQuery(f"--column {item!r}: write it as NAME=KEYWORD, e.g. doc_no=document")
        columns[name] = keyword
    keywords = ("batch_size", "hits_only", "progress", "limit", "min_score", "max_edits", "workers")
    options = {name: getattr(args, name) for name in keywords}
    stream = check_file(args.manifest, args.data, args.out, columns=columns, **options)
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
