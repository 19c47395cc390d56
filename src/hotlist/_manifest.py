"""Manifest files read for ``check_batches``: Parquet, CSV, JSON Lines or Arrow IPC,
a file or a folder of them, a batch at a time.

CSV has no types, so every CSV column is read as text (a document number
``00123`` stays ``00123``) and an empty cell is a missing value.  A CSV row that
cannot be read is skipped and reported as a :class:`BadRow` (file, line, reason),
never dropped silently, and never takes the rows after it along: a file whose
rows are one a physical line (what pyarrow's fast reader returns when the row
count matches the line count, or when the file holds no quote at all) is
streamed by pyarrow; any other (a quote left open, a value with a line break,
bytes that are not UTF-8, a UTF-16 file) is read record by record by the
extract loader's own reader (:func:`hotlist.extracts._csvrows.csv_records`),
which reports a stray quote as one bad row and goes on at the next line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from hotlist._errors import ExtractError, InvalidQuery
from hotlist.extracts._csvrows import (
    ENCODING_NAMES,
    count_lines,
    csv_records,
    encoding_of,
    open_text,
    read_head,
)

__all__ = ["FILE_FORMATS", "BadRow", "count_rows", "file_batches", "file_schema", "files_of"]

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
_CHUNK = 1 << 22
_LINE_PREFIX = re.compile(r"^malformed row \(line \d+\): ")


@dataclass(frozen=True, slots=True)
class BadRow:
    """An input row that could not be read: file, line (1-based, when known), why."""

    file: str
    line: int | None
    reason: str
    text: str


def _dataset_module() -> Any:
    import pyarrow.dataset as ds  # noqa: PLC0415 - lazy optional import (pyarrow.dataset)

    return ds


def files_of(path: Path) -> tuple[list[Path], str]:
    """The manifest files at ``path`` (a file, or a folder of one format) and that format."""
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


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _csv_names(path: Path) -> list[str]:
    """The header's column names.  A UTF-16 or UTF-32 file (its byte-order mark says
    so) is read by the record reader; a header whose bytes are not text in the file's
    encoding is refused with the column it is in, since no column name can be made of it."""
    try:
        encoding = encoding_of(read_head(path, 4))
    except (ExtractError, OSError) as exc:
        raise InvalidQuery(f"{path}: cannot read the CSV header ({exc})") from None
    if encoding != "utf-8-sig":
        names = _first_record(path, encoding)
    else:
        parse = pacsv.ParseOptions(
            delimiter=_delimiter(path), invalid_row_handler=lambda row: "skip"
        )
        try:
            with pacsv.open_csv(path, parse_options=parse) as reader:
                names = reader.schema.names
        except (pa.ArrowInvalid, OSError) as exc:
            raise InvalidQuery(f"{path}: cannot read the CSV header ({exc})") from None
        except UnicodeDecodeError:
            names = _first_record(path, encoding)
    for i, name in enumerate(names, 1):
        if _not_text([name]):
            raise InvalidQuery(
                f"{path}: column {i} of the CSV header holds bytes that are not "
                f"{ENCODING_NAMES[encoding]} text ({name.encode('utf-8', 'replace')!r}); "
                "save the file as UTF-8 (or UTF-16 with a byte-order mark)"
            )
    if not names:
        raise InvalidQuery(f"{path}: the CSV file has no header row")
    return names


def _first_record(path: Path, encoding: str) -> list[str]:
    """The first record's fields, read by the record reader (undecodable bytes kept
    as surrogates)."""
    with open_text(path, encoding) as f:
        first = next(csv_records(f, _delimiter(path), 0), None)
    return [] if first is None or first.fields is None else list(first.fields)


def _csv_parse(path: Path, names: list[str], on_bad: Callable[[BadRow], None]) -> Any:
    """pyarrow's CSV parse options for ``path``: a row of the wrong width is passed
    to ``on_bad`` (once, with its line) and skipped."""
    seen: set[tuple[int | None, str]] = set()

    def invalid(row: Any) -> str:
        # Arrow may report one bad row more than once (a counting and a parsing pass).
        key = (row.number, row.text)
        if key not in seen:
            seen.add(key)
            reason = f"{row.actual_columns} fields where the header has {row.expected_columns}"
            line = row.number if row.number is not None and row.number >= 0 else None
            on_bad(BadRow(str(path), line, reason, row.text[:200]))
        return "skip"

    return pacsv.ParseOptions(delimiter=_delimiter(path), invalid_row_handler=invalid)


def _csv_format(path: Path, names: list[str], on_bad: Callable[[BadRow], None]) -> Any:
    """pyarrow's CSV format for ``path``: every column text, an empty cell null, a
    row of the wrong width passed to ``on_bad`` and skipped."""
    return _dataset_module().CsvFileFormat(
        parse_options=_csv_parse(path, names, on_bad),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )


def _text_shape(path: Path) -> tuple[bool, bool]:
    """``(utf8, quoted)``: whether the file is UTF-8 text, and whether a row after
    the header holds a quote character (one fast pass; a quoted header is read
    on its own and cannot join rows)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    quoted = False
    header = True
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            rows = chunk
            if header:
                end = chunk.find(b"\n")
                header = end < 0
                rows = b"" if header else chunk[end + 1 :]
            quoted = quoted or b'"' in rows
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False, quoted
    return True, quoted


def _one_row_per_line(path: Path, names: list[str]) -> bool:
    """Whether pyarrow reads ``path`` as one row (or one bad row) per physical line:
    then its fast, streaming reader is exact.  A quote left open makes it swallow
    the lines after it into one row; a UTF-16 file or bytes that are not UTF-8
    make it fail: those files are read record by record instead.  A UTF-8 file without
    quotes needs no look; one with quotes is parsed once, one column converted."""
    utf8, quoted = _text_shape(path)
    if not utf8 or not quoted:
        return utf8
    bad: list[BadRow] = []
    try:
        with pacsv.open_csv(
            path,
            parse_options=_csv_parse(path, names, bad.append),
            convert_options=pacsv.ConvertOptions(
                include_columns=names[:1], column_types={names[0]: pa.string()}
            ),
        ) as reader:
            read = sum(int(batch.num_rows) for batch in reader)
    except (pa.ArrowException, OSError):
        return False
    return read + len(bad) == count_lines(path) - 1


def _tolerant_csv_batches(
    path: Path, names: list[str], on_bad: Callable[[BadRow], None], batch_size: int
) -> Iterator[pa.RecordBatch]:
    """The rows of a damaged CSV file, record by record, as batches of text columns."""
    try:
        encoding = encoding_of(read_head(path, 4))
    except ExtractError as exc:
        raise InvalidQuery(f"{path}: {exc}") from None
    schema = pa.schema([(n, pa.string()) for n in names])
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in names]

    def batch() -> pa.RecordBatch:
        arrays = [pa.array(c, pa.string()) for c in columns]
        for c in columns:
            c.clear()
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    with open_text(path, encoding) as f:
        records = csv_records(f, _delimiter(path), width)
        next(records, None)  # the header
        for record in records:
            reason = record.reason
            if record.fields is not None and len(record.fields) != width:
                reason = f"{len(record.fields)} fields where the header has {width}"
            elif record.fields is not None and _not_text(record.fields):
                reason = f"bytes that are not {ENCODING_NAMES[encoding]} text"
            if reason is not None or record.fields is None:
                why = _LINE_PREFIX.sub("", reason or "cannot be read")
                on_bad(BadRow(str(path), record.line, why, record.text[:200]))
                continue
            for column, value in zip(columns, record.fields, strict=True):
                column.append(value or None)
            if len(columns[0]) >= batch_size:
                yield batch()
    if columns and columns[0]:
        yield batch()


def _not_text(values: list[str]) -> bool:
    """Whether a value holds bytes that did not decode (kept as surrogates)."""
    for value in values:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
    return False


def file_batches(
    path: Path, fmt: str, on_bad: Callable[[BadRow], None], batch_size: int
) -> Iterator[pa.RecordBatch]:
    """The record batches of one manifest file; unreadable CSV rows go to ``on_bad``."""
    try:
        if fmt == "csv":
            names = _csv_names(path)
            if not _one_row_per_line(path, names):
                yield from _tolerant_csv_batches(path, names, on_bad, batch_size)
                return
            file_format: Any = _csv_format(path, names, on_bad)
        else:
            file_format = fmt
        dataset = _dataset_module().dataset(str(path), format=file_format)
        scanner = dataset.scanner(batch_size=batch_size, batch_readahead=2, fragment_readahead=1)
        yield from scanner.to_batches()
    except (pa.ArrowException, OSError) as exc:
        # a damaged or truncated file, or a JSON column whose type changes midway
        raise InvalidQuery(f"{path}: cannot be read as {fmt.upper()}: {exc}") from None


def file_schema(path: Path, fmt: str) -> pa.Schema:
    """The columns of a manifest file as they will be read (CSV: all text)."""
    if fmt == "csv":
        return pa.schema([(n, pa.string()) for n in _csv_names(path)])
    try:
        schema: pa.Schema = _dataset_module().dataset(str(path), format=fmt).schema
    except (pa.ArrowException, OSError) as exc:
        raise InvalidQuery(f"{path}: cannot be read as {fmt.upper()}: {exc}") from None
    return schema


def count_rows(files: list[Path], fmt: str) -> int | None:
    """Rows in the files when their metadata says so cheaply (Parquet, Arrow IPC)."""
    try:
        if fmt == "parquet":
            return sum(int(pq.ParquetFile(f).metadata.num_rows) for f in files)
        if fmt == "ipc":
            dataset = _dataset_module().dataset([str(f) for f in files], format="ipc")
            return int(dataset.count_rows())
    except (pa.ArrowException, OSError):
        return None
    return None
