"""CSV text read record by record, with damage reported per row.

What the extract loader (:mod:`hotlist.extracts._formats`) and the manifest reader
of ``check_batches`` (:mod:`hotlist._manifest`) share: the encoding a byte-order
mark announces, a count of the physical lines (to tell whether pyarrow's fast
reader split a file into one row per line), and :func:`csv_records`, which splits
physical records itself so that a stray quote costs one row, reported with its
line, never the rows after it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

from hotlist._errors import ExtractError

__all__ = [
    "ENCODING_NAMES",
    "MAX_RECORD_LINES",
    "CsvRecord",
    "count_lines",
    "csv_records",
    "encoding_of",
    "open_stream",
    "open_text",
    "read_head",
]

# A value may be large (a long note); the csv module refuses fields over 128 KB by default.
# A process-wide setting of the csv module, made once here.
csv.field_size_limit(2**31 - 1)
# A quoted value spanning more lines than this is a quote error, not a multi-line value.
MAX_RECORD_LINES = 1000


def read_head(path: Path, size: int = 1 << 16) -> bytes:
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as f:
                return f.read(size)
        except (OSError, EOFError, zlib.error) as e:
            raise ExtractError(f"not a readable gzip file ({e})", file=str(path)) from e
    with path.open("rb") as f:
        return f.read(size)


def encoding_of(head: bytes) -> str:
    """The text encoding a byte-order mark announces; UTF-8 without one."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file as text, line ends kept as they are (``\\n``, ``\\r\\n`` or ``\\r``)."""
    raw: Any = (
        gzip.open(path, "rb")  # noqa: SIM115 - the wrapper returned owns and closes it
        if path.name.lower().endswith(".gz")
        else path.open("rb")
    )
    return io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")


ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
_CHUNK = 1 << 22
_BLANK_LINE = re.compile(rb"(?:^|\n)[ \t]+(?:\n|$)")


def count_lines(path: Path, *, blank: bytes = b"") -> int:
    """Lines with something on them besides the line end and the ``blank`` bytes
    (``\\n``, ``\\r\\n`` and ``\\r`` all end a line): the physical records of a
    text extract, header included.  One pass over the (decompressed) bytes."""
    count = 0
    carry = False  # the line open at the end of the previous chunk has content
    stream = open_stream(path)
    terms = np.frombuffer(b"\r\n" + blank, dtype=np.uint8)
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        data = bytes(chunk)
        fast = b"\r" not in data and b"\n\n" not in data
        if fast and blank:
            fast = _BLANK_LINE.search(data) is None
        if fast:
            n = data.count(b"\n")
            if n:
                count += n - (1 if data[0] == 10 and not carry else 0)
                carry = data[-1] != 10
            else:
                carry = True
            continue
        a = np.frombuffer(data, dtype=np.uint8)
        term = (a == 10) | (a == 13)
        content = ~np.isin(a, terms)
        cs = np.cumsum(content, dtype=np.int64)
        where = np.flatnonzero(term)
        if where.size == 0:
            carry = carry or bool(cs[-1])
            continue
        vals = cs[where]
        prev = np.concatenate(([0], vals[:-1]))
        has = (vals - prev) > 0
        has[0] |= carry
        count += int(has.sum())
        carry = bool(cs[-1] - vals[-1] > 0)
    return count + int(carry)


def open_stream(path: Path) -> pa.NativeFile:
    return pa.input_stream(str(path), compression="detect")


class _TooLongError(Exception):
    """A quoted value ran over MAX_RECORD_LINES lines."""


class _Lines:
    """Physical lines for ``csv.reader``, numbered, with the lines of the record being
    read kept so that they can be read again after a quote error."""

    def __init__(self, f: io.TextIOWrapper) -> None:
        self.f = f
        self.number = 0
        self.pending: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.popleft()
        else:
            line = self.f.readline()
            if not line:
                raise StopIteration
            self.number += 1
            item = (self.number, line)
        self.taken.append(item)
        if len(self.taken) > MAX_RECORD_LINES:
            raise _TooLongError
        return item[1]


class CsvRecord(NamedTuple):
    """One physical record: its first line's number (1-based, the header is line 1),
    its fields, or None and the reason it could not be split, and that line's text."""

    line: int
    fields: list[str] | None
    reason: str | None
    text: str


def csv_records(f: io.TextIOWrapper, delim: str, width: int) -> Iterator[CsvRecord]:
    """A :class:`CsvRecord` for each physical record, with ``fields`` or a ``reason``.

    A record is one line, or several when a quoted value holds a line break, the
    closing quote is followed by a delimiter or the line end, and the record still
    has ``width`` fields.  A quote that is not closed where it should be is a quote
    error: that one line is reported and reading goes on at the next line, so a
    stray quote never swallows the rows after it.  Blank lines are not records.
    """
    lines = _Lines(f)
    reader = csv.reader(lines, delimiter=delim, strict=True)
    while True:
        lines.taken = []
        error = None
        try:
            fields: list[str] | None = next(reader)
        except StopIteration:
            if not lines.taken:
                return
            fields, error = None, "end of file inside a quoted value"
        except (csv.Error, _TooLongError) as e:
            fields, error = None, str(e) or "a quoted value runs on for too many lines"
        if fields is not None and not lines.taken:
            return
        first, text = lines.taken[0]
        if fields is None and len(lines.taken) == 1:
            # a quote in the middle of a value on one line ('"AB"12'): read as a
            # lenient reader does when that gives a whole record
            loose = next(csv.reader([text], delimiter=delim), [])
            if len(loose) == width and not any("\n" in v or "\r" in v for v in loose):
                fields = loose
        if (
            fields is not None
            and len(lines.taken) > 1
            and _holds_a_record(lines.taken, delim, width)
        ):
            fields, error = None, "it runs into the next line, which is a whole row by itself"
        if fields is not None and (len(lines.taken) == 1 or len(fields) == width):
            if fields:  # a blank line is not a record
                yield CsvRecord(first, fields, None, text.rstrip("\r\n"))
            continue
        reason = (
            f"malformed row (line {first}): a quote is not closed on its line"
            f"{'' if error is None else f' ({error})'}; "
            "the row is left out and reading goes on at the next line"
        )
        yield CsvRecord(first, None, reason, text.rstrip("\r\n"))
        lines.pending.extendleft(reversed(lines.taken[1:]))
        reader = csv.reader(lines, delimiter=delim, strict=True)


def _holds_a_record(taken: list[tuple[int, str]], delim: str, width: int) -> bool:
    """Whether a line after the first of a multi-line record shows that the quote
    which joined them was a stray one, not a value with a line break: the line is a
    whole row by itself, or its first quote opens a value (it follows a delimiter
    or the line start and text follows it), which a line inside a quoted value
    cannot hold (a quote there is doubled, or closes the value)."""
    for _number, text in taken[1:]:
        line = text.rstrip("\r\n")
        alone = next(csv.reader([line], delimiter=delim), [])
        if len(alone) == width:
            return True
        q = line.find('"')
        if q >= 0 and (q == 0 or line[q - 1] == delim):
            after = line[q + 1 : q + 2]
            if after and after not in (delim, '"'):
                return True
    return False
