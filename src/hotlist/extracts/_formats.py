"""Reading an extract file into an Arrow table, as it is, before any normalisation.

CSV and JSON Lines are read as text (every scalar a string) so that one bad
value never aborts a file; Parquet and Arrow IPC keep their types.  The fast
path is pyarrow's multi-threaded readers; a file they refuse (a row with the
wrong number of fields, a line that is not JSON, bytes that are not UTF-8) is
read again by a slower, row-tolerant Python reader that marks those rows
rejected instead of failing the file.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq
from pyarrow import ipc

from hotlist._errors import ExtractError
from hotlist.extracts._csvrows import (
    ENCODING_NAMES,
    count_lines,
    csv_records,
    encoding_of,
    open_stream,
    open_text,
    read_head,
)

__all__ = ["EXTENSIONS", "RawExtract", "detect_format", "read_raw", "sniff_delimiter"]

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt"),
    "parquet": (".parquet", ".pq"),
    "jsonl": (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"),
    "ipc": (".arrow", ".feather", ".ipc", ".arrows"),
}
DELIMITERS = (",", ";", "|", "\t")

_READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeError, pa.ArrowException)

# Chooses the columns to read from the names a file has.
Select = Callable[[Sequence[str]], Sequence[str]]


@dataclass
class RawExtract:
    """The columns asked for, one chunk each, plus rows the reader could not split."""

    table: pa.Table
    format: str
    malformed: dict[int, str] = field(default_factory=dict)  # row index -> reason
    names: list[str] = field(default_factory=list)  # every column the file has
    delimiter: str | None = None


def detect_format(path: Path) -> str:
    name = path.name.lower()
    for fmt, suffixes in EXTENSIONS.items():
        if name.endswith(suffixes):
            return fmt
    known = ", ".join(s for suffixes in EXTENSIONS.values() for s in suffixes)
    raise ExtractError(f"unknown extract format (expected one of {known})", file=str(path))


def _decode_head(head: bytes, encoding: str) -> str:
    if encoding != "utf-8-sig":
        # cut to whole code units so that a sample never ends inside a character
        unit = 4 if encoding == "utf-32" else 2
        head = head[: len(head) - len(head) % unit]
    return head.decode(encoding, errors="replace").removeprefix("\ufeff")


def _unreadable(path: Path, e: BaseException) -> ExtractError:
    what = "truncated or damaged compressed file" if path.name.lower().endswith(".gz") else ""
    return ExtractError(f"cannot be read: {what or type(e).__name__} ({e})", file=str(path))


def _looks_like(head: bytes) -> str | None:
    if head.startswith(b"PAR1"):
        return "Parquet"
    if head.startswith(b"ARROW1") or head.startswith(b"\xff\xff\xff\xff"):
        return "Arrow IPC"
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive (a spreadsheet?)"
    if b"\x00" in head[:4096]:
        return "binary"
    return None


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; | and tab that splits the first lines most consistently.

    >>> sniff_delimiter("a;b;c\\n1;2;3\\n")
    ';'
    >>> sniff_delimiter("a,b\\n\\"x;y\\",2\\n")
    ','
    """
    lines = text.splitlines()[:50]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a sample may be cut
    sample = "\n".join(lines)
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 1
            out.append(name)
    return out


def _single_chunks(table: pa.Table) -> pa.Table:
    return table.combine_chunks()


def _read_csv(path: Path, select: Select, delimiter: str | None) -> RawExtract:
    head = read_head(path)
    encoding = encoding_of(head)
    kind = _looks_like(head) if encoding == "utf-8-sig" else None
    if kind:
        raise ExtractError(f"not a CSV file: the content is {kind}", file=str(path))
    text = _decode_head(head, encoding)
    if not text.strip():
        raise ExtractError("empty file: no header line", file=str(path))
    delim = delimiter or sniff_delimiter(text)
    header_line = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim), [])
    names = _dedupe([h.strip() for h in header_line])
    wanted = list(select(names))
    if encoding == "utf-8-sig":
        try:
            table = pacsv.read_csv(
                open_stream(path),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types={n: pa.string() for n in wanted},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            # One row per physical line, or a quote spanned lines (a value with a line
            # break, or a stray quote that swallowed the rows after it): the careful
            # reader below tells the two apart.
            table.validate(full=True)  # UTF-8 checked here, not later by a kernel
            if table.num_rows == count_lines(path) - 1:
                return RawExtract(_single_chunks(table), "csv", names=names, delimiter=delim)
        except pa.ArrowInvalid:
            pass  # a row with the wrong number of fields, or bytes that are not UTF-8
        except _READ_ERRORS as e:
            raise _unreadable(path, e) from e
    try:
        return _read_csv_tolerant(path, names, wanted, delim, encoding)
    except _READ_ERRORS as e:
        raise _unreadable(path, e) from e


def _read_csv_tolerant(
    path: Path, names: list[str], wanted: list[str], delim: str, encoding: str
) -> RawExtract:
    """Record by record; for files the fast reader refuses or splits into fewer rows
    than they have lines."""
    position = [names.index(w) for w in wanted]
    columns: list[list[str | None]] = [[] for _ in wanted]
    malformed: dict[int, str] = {}
    i = 0
    with open_text(path, encoding) as f:
        records = csv_records(f, delim, len(names))
        next(records, None)  # the header
        for line, row, split_reason, _text in records:
            reason = split_reason
            if row is not None:
                if len(row) != len(names):
                    reason = (
                        f"malformed row (line {line}): {len(row)} fields, "
                        f"the header has {len(names)}"
                    )
                elif any(_has_surrogates(v) for v in row):
                    reason = (
                        f"malformed row (line {line}): bytes that are not "
                        f"{ENCODING_NAMES[encoding]} text"
                    )
            if reason or row is None:
                malformed[i] = reason or f"malformed row (line {line})"
                for col in columns:
                    col.append(None)
            else:
                for col, p in zip(columns, position, strict=True):
                    col.append(row[p])
            i += 1
    table = pa.table({w: pa.array(c, pa.string()) for w, c in zip(wanted, columns, strict=True)})
    if not wanted:
        table = pa.table({"_": pa.nulls(i)}).drop_columns(["_"])
    return RawExtract(table, "csv", malformed, names=names, delimiter=delim)


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _head_keys(text: str) -> list[str]:
    keys: dict[str, None] = {}
    for line in text.splitlines()[:200]:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            keys.update(dict.fromkeys(value))
    return list(keys)


def _read_jsonl(path: Path, select: Select, is_text: Callable[[str], bool]) -> RawExtract:
    head = read_head(path)
    encoding = encoding_of(head)
    kind = _looks_like(head) if encoding == "utf-8-sig" else None
    if kind:
        raise ExtractError(f"not a JSON Lines file: the content is {kind}", file=str(path))
    text = _decode_head(head, encoding).lstrip()
    if not text:
        raise ExtractError("empty file: no records", file=str(path))
    if not text.startswith("{"):
        what = "a JSON array (write one object per line)" if text.startswith("[") else "not JSON"
        raise ExtractError(f"not a JSON Lines file: the first line is {what}", file=str(path))
    if encoding == "utf-8-sig":
        try:
            # Text columns seen in the first lines are read as text, so that a date-like
            # string is not turned into a timestamp; the rest is inferred.
            forced = [k for k in _head_keys(text) if is_text(k)]
            schema = pa.schema([pa.field(k, pa.string()) for k in forced])
            table = pajson.read_json(
                open_stream(path),
                read_options=pajson.ReadOptions(block_size=1 << 24),
                parse_options=pajson.ParseOptions(
                    explicit_schema=schema, unexpected_field_behavior="infer"
                ),
            )
            table.validate(full=True)  # the JSON reader lets bytes that are not UTF-8 through
            # pyarrow reads two objects on one line as two rows: one row per line only.
            if table.num_rows == count_lines(path, blank=b" \t"):
                names = table.column_names
                wanted = list(select(names))
                return RawExtract(_single_chunks(table.select(wanted)), "jsonl", names=names)
        except pa.ArrowInvalid:
            pass  # mixed types in a column, or a line that is not JSON
        except _READ_ERRORS as e:
            raise _unreadable(path, e) from e
    try:
        return _read_jsonl_tolerant(path, select, encoding)
    except _READ_ERRORS as e:
        raise _unreadable(path, e) from e


def _json_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_json_text(v) for v in value]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_jsonl_tolerant(path: Path, select: Select, encoding: str) -> RawExtract:
    records: list[dict[str, Any] | None] = []
    malformed: dict[int, str] = {}
    names: dict[str, None] = {}
    with open_text(path, encoding) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip(" \t\r\n"):
                continue
            i = len(records)
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as e:
                value = None
                why = e.msg if isinstance(e, json.JSONDecodeError) else type(e).__name__
                malformed[i] = f"malformed row (line {number}): not valid JSON ({why})"
            if value is not None and not isinstance(value, dict):
                malformed[i] = f"malformed row (line {number}): not a JSON object"
                value = None
            if value is not None and _has_surrogates(line):
                malformed[i] = (
                    f"malformed row (line {number}): bytes that are not "
                    f"{ENCODING_NAMES[encoding]} text"
                )
                value = None
            if value is not None:
                names.update(dict.fromkeys(value))
            records.append(value)
    all_names = list(names)
    wanted = list(select(all_names))
    columns: dict[str, Any] = {}
    for w in wanted:
        values = [None if r is None else _json_text(r.get(w)) for r in records]
        lists = [v for v in values if isinstance(v, list)]
        if lists and len(lists) == sum(v is not None for v in values):
            columns[w] = pa.array(values, pa.list_(pa.string()))
        else:
            columns[w] = pa.array(
                [";".join(x or "" for x in v) if isinstance(v, list) else v for v in values],
                pa.string(),
            )
    table = (
        pa.table(columns)
        if columns
        else pa.table({"_": pa.nulls(len(records))}).drop_columns(["_"])
    )
    return RawExtract(table, "jsonl", malformed, names=all_names)


def _read_parquet(path: Path, select: Select) -> RawExtract:
    head = read_head(path, 8)
    with path.open("rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 4))
        tail = f.read(4)
    if size == 0:
        raise ExtractError("empty file", file=str(path))
    if not head.startswith(b"PAR1"):
        kind = _looks_like(head) or "not Parquet"
        raise ExtractError(f"not a Parquet file: the content is {kind}", file=str(path))
    if tail != b"PAR1":
        raise ExtractError("truncated or damaged Parquet file: no footer", file=str(path))
    try:
        pf = pq.ParquetFile(str(path))
        names = list(pf.schema_arrow.names)
        wanted = list(select(names))
        # One thread: the reader's temporaries are then freed on this thread's
        # allocator heap (mimalloc), which hands the pages back as it goes on; an
        # idle worker thread's heap keeps its freed pages resident (~6.6 B/record
        # at 10 M documents).  Same CPU; the decode is not spread over cores.
        table = pf.read(columns=wanted, use_threads=False)
        table.validate(full=True)  # damaged bytes stop here, before any kernel reads them
        return RawExtract(_single_chunks(table), "parquet", names=names)
    except ExtractError:
        raise
    except Exception as e:  # any failure of the native reader
        what = f"{type(e).__name__}: {e}"
        raise ExtractError(f"damaged Parquet file ({what})", file=str(path)) from e


def _read_ipc(path: Path, select: Select) -> RawExtract:
    if path.stat().st_size == 0:
        raise ExtractError("empty file", file=str(path))
    try:
        source = pa.memory_map(str(path))
        try:
            table = ipc.open_file(source).read_all()
        except pa.ArrowInvalid:
            source = pa.memory_map(str(path))
            table = ipc.open_stream(source).read_all()
        # Offsets and lengths are checked before any kernel reads the buffers: a
        # damaged file raises here instead of crashing the process later.
        table.validate(full=True)
    except Exception as e:  # any failure of the native reader
        kind = _looks_like(read_head(path, 4096))
        what = f"the content is {kind}" if kind and kind != "Arrow IPC" else f"({e})"
        raise ExtractError(f"not a readable Arrow IPC file {what}", file=str(path)) from e
    names = table.column_names
    wanted = list(select(names))
    return RawExtract(_single_chunks(table.select(wanted)), "ipc", names=names)


def read_raw(
    path: Path,
    select: Select,
    *,
    delimiter: str | None = None,
    is_text: Callable[[str], bool] = lambda _name: False,
) -> RawExtract:
    """Read ``path`` (format from its extension) keeping the columns ``select`` picks."""
    if not path.exists():
        raise ExtractError("no such file", file=str(path))
    if path.is_dir():
        raise ExtractError("is a folder, not an extract file", file=str(path))
    if path.stat().st_size == 0:
        raise ExtractError("empty file", file=str(path))
    fmt = detect_format(path)
    if fmt == "csv":
        if delimiter is None and path.name.lower().endswith((".tsv", ".tsv.gz")):
            delimiter = "\t"
        raw = _read_csv(path, select, delimiter)
    elif fmt == "jsonl":
        raw = _read_jsonl(path, select, is_text)
    elif fmt == "parquet":
        raw = _read_parquet(path, select)
    else:
        raw = _read_ipc(path, select)
    return raw
