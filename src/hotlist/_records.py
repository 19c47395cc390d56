"""One record of a canonical table as a plain dict, by row, in a few microseconds.

A hit carries its whole record (``Hit.record``, read by the table's reader when
first asked for; the hit's id and action read single columns through
:meth:`RecordReader.view`).  ``table.slice(row, 1).to_pylist()[0]``
builds it through Arrow's generic conversion: ~75 us for a ten-column document
record, most of a hit's cost.  :func:`record_reader` reads the same values
straight from the table's buffers instead: per column a getter made once per
table (zero-copy views of the validity bitmap, offsets, values; a dictionary
column's values decoded once), so a record costs a handful of index operations
per column.  Types without a fast getter fall back to Arrow's own scalar
conversion for that column only.  Values are exactly ``to_pylist()``'s
(``datetime.date`` for dates, lists for lists, None for nulls): the property test
in tests/engine/test_records.py holds them equal for every kind's schema.

Readers are cached per table (tables are immutable) and dropped with the table.
"""

from __future__ import annotations

import datetime as dt
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from hotlist.index._fast import RowPrefetch

_RowPrefetch: type[RowPrefetch] | None
try:  # the compiled prefetch of a row's cache lines (optional: a hint, no answer)
    from hotlist.index._fast import RowPrefetch as _RowPrefetch
except ImportError:  # pragma: no cover - depends on the build
    _RowPrefetch = None

__all__ = ["RecordReader", "RowView", "record_reader", "value_getter"]

Getter = Callable[[int], Any]
Format = Literal["b", "B", "h", "H", "i", "I", "q", "Q", "d"]
View: TypeAlias = "memoryview[int] | memoryview[float]"

_EPOCH = dt.date(1970, 1, 1).toordinal()
_from_ordinal = dt.date.fromordinal

# memoryview formats of the fixed-width types read straight from the data buffer
_FORMATS: dict[pa.DataType, Format] = {
    pa.int8(): "b",
    pa.int16(): "h",
    pa.int32(): "i",
    pa.int64(): "q",
    pa.uint8(): "B",
    pa.uint16(): "H",
    pa.uint32(): "I",
    pa.uint64(): "Q",
    pa.float64(): "d",
    pa.date32(): "i",
}


_SIZES: dict[Format, int] = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "q": 8, "Q": 8, "d": 8}


def _view(buffer: pa.Buffer | None, fmt: Format) -> View | None:
    """``buffer`` as a typed memoryview (zero-copy), None when it cannot be cast."""
    if buffer is None:
        return None
    mv = memoryview(buffer).cast("B")
    try:
        return mv[: len(mv) - len(mv) % _SIZES[fmt]].cast(fmt)
    except (TypeError, ValueError):
        return None


def _fallback(array: pa.Array) -> Getter:
    def get(row: int) -> Any:
        return array[row].as_py()

    return get


def _with_nulls(array: pa.Array, get: Getter) -> Getter:
    """``get`` guarded by the array's validity bitmap (None where null)."""
    validity = array.buffers()[0]
    if validity is None or array.null_count == 0:
        return get
    bits = memoryview(validity).cast("B")
    off = array.offset

    def guarded(row: int) -> Any:
        i = off + row
        if bits[i >> 3] >> (i & 7) & 1:
            return get(row)
        return None

    return guarded


def _getter(array: pa.Array) -> Getter:
    """The fastest exact getter of one chunk's values by row."""
    kind = array.type
    off = array.offset
    if kind in (pa.string(), pa.large_string()):
        buffers = array.buffers()
        offsets = _view(buffers[1], "i" if kind == pa.string() else "q")
        data = memoryview(buffers[2]) if buffers[2] is not None else memoryview(b"")
        if offsets is None:
            return _fallback(array)

        def text(row: int) -> str:
            i = off + row
            return str(data[offsets[i] : offsets[i + 1]], "utf-8")

        return _with_nulls(array, text)
    if pa.types.is_dictionary(kind):
        values = array.dictionary.to_pylist()
        codes = array.indices
        fmt = _FORMATS.get(codes.type)
        code_view = None if fmt is None else _view(codes.buffers()[1], fmt)
        if code_view is None:
            return _fallback(array)
        coff = codes.offset

        def decoded(row: int) -> Any:
            return values[code_view[coff + row]]  # integer codes

        return _with_nulls(codes, decoded)
    fmt = _FORMATS.get(kind)
    view = None if fmt is None else _view(array.buffers()[1], fmt)
    if view is None:
        return _fallback(array)
    if kind == pa.date32():

        def day(row: int) -> dt.date:
            return _from_ordinal(_EPOCH + view[off + row])

        return _with_nulls(array, day)

    def number(row: int) -> Any:
        return view[off + row]

    return _with_nulls(array, number)


def value_getter(column: pa.ChunkedArray | pa.Array) -> Getter:
    """A getter of ``column``'s values by row, as ``column[row].as_py()`` gives them
    (the same getters a :class:`RecordReader` uses, for one column)."""
    if isinstance(column, pa.Array):
        return _getter(column)
    count = column.num_chunks
    if count == 1:
        return _getter(column.chunk(0))
    if not count:
        return _fallback(column.combine_chunks())
    chunks = column.chunks
    return _chunked(_starts(len(c) for c in chunks), chunks.__getitem__)


def _starts(lengths: Iterable[int]) -> list[int]:
    """The first row of each chunk, from their lengths."""
    starts = []
    at = 0
    for n in lengths:
        starts.append(at)
        at += n
    return starts


def _chunked(starts: list[int], chunk: Callable[[int], pa.Array]) -> Getter:
    """The getter of a column whose chunk ``i`` (``chunk(i)``) starts at row
    ``starts[i]``; each chunk's getter is made when a row of it is first read: a
    delta's table (hotlist.index.kept_slices) has thousands of chunks, a check
    reads a few."""
    getters: list[Getter | None] = [None] * len(starts)

    def chunked(row: int) -> Any:
        i = bisect_right(starts, row) - 1
        get = getters[i]
        if get is None:
            get = getters[i] = _getter(chunk(i))  # one store: a race makes its own
        return get(row - starts[i])

    return chunked


def _column_getters(table: pa.Table) -> list[Getter]:
    """A getter per column of ``table``; a table of many chunks is read through
    its record batches, a batch's column wrapped when a row of it is first read
    (wrapping costs ~3 us a chunk: every column of a delta's thousands of slices
    would cost the first check ~0.1 s)."""
    if all(column.num_chunks <= 1 for column in table.columns):
        return [value_getter(column) for column in table.columns]
    batches = table.to_batches()  # cut where any column's chunk ends (zero-copy)
    starts = _starts(b.num_rows for b in batches)

    def column_of(j: int) -> Callable[[int], pa.Array]:
        return lambda i: batches[i].column(j)

    return [_chunked(starts, column_of(j)) for j in range(table.num_columns)]


class RecordReader:
    """The records of one table by row (see the module docstring)."""

    __slots__ = ("_columns", "_getters", "_prefetchers", "getter", "num_rows")

    def __init__(self, table: pa.Table) -> None:
        self._getters = tuple(zip(table.column_names, _column_getters(table), strict=True))
        #: one column's getter by name (a value without the whole record)
        self.getter: dict[str, Getter] = dict(self._getters)
        self.num_rows = table.num_rows
        self._columns = dict(zip(table.column_names, table.columns, strict=True))
        self._prefetchers: dict[tuple[str, ...], Callable[[list[int]], None]] = {}

    def prefetcher(self, names: tuple[str, ...]) -> Callable[[list[int]], None]:
        """A call that prefetches the cache lines reading ``rows`` of the columns
        ``names`` will touch (the compiled ``RowPrefetch``: every line requested
        at once, so that the misses overlap); it reads and returns nothing, and
        does nothing without the kernel or for columns it cannot see into."""
        got = self._prefetchers.get(names)
        if got is None:
            got = _prefetcher([self._columns[n] for n in names if n in self._columns])
            self._prefetchers[names] = got  # one store: a race builds its own
        return got

    def __call__(self, row: int) -> dict[str, Any]:
        """Row ``row`` as ``table.slice(row, 1).to_pylist()[0]`` gives it."""
        if not 0 <= row < self.num_rows:
            raise IndexError(f"row {row} out of range for a table of {self.num_rows} rows")
        return {name: get(row) for name, get in self._getters}

    def view(self, row: int) -> RowView:
        """Row ``row`` as a read-only mapping that reads a column only when asked
        (what decides a hit's action reads one or two of a record's columns)."""
        if not 0 <= row < self.num_rows:
            raise IndexError(f"row {row} out of range for a table of {self.num_rows} rows")
        view = _new(RowView)
        view._getter = self.getter
        view._row = row
        return view


def _nothing(rows: list[int]) -> None:
    """The prefetcher without the kernel: a hint not given."""


def _prefetcher(columns: list[pa.ChunkedArray]) -> Callable[[list[int]], None]:
    """:meth:`RecordReader.prefetcher` of these columns: for each single-chunk
    column, its values (fixed width), codes (dictionary) or offsets and bytes
    (strings) as numpy views of the Arrow buffers (no copy)."""
    if _RowPrefetch is None:
        return _nothing
    fixed: list[np.ndarray] = []
    strings: list[tuple[np.ndarray, np.ndarray]] = []
    for column in columns:
        if column.num_chunks != 1 or len(column) == 0:
            continue
        array = column.chunk(0)
        kind = array.type
        n, off = len(array), array.offset
        if pa.types.is_dictionary(kind):
            array = array.indices
            kind, off = array.type, array.offset
        if kind in (pa.string(), pa.large_string()):
            buffers = array.buffers()
            wide = np.int64 if kind == pa.large_string() else np.int32
            offsets = np.frombuffer(buffers[1], dtype=wide)[off : off + n + 1]
            data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else None
            strings.append((offsets, np.zeros(0, np.uint8) if data is None else data))
        elif kind in _FORMATS and array.buffers()[1] is not None:
            values = np.frombuffer(array.buffers()[1], dtype=np.dtype(_FORMATS[kind]))
            fixed.append(values[off : off + n])
    if not fixed and not strings:
        return _nothing
    return _RowPrefetch(fixed[:16], strings[:16])


_new = object.__new__


class RowView(Mapping[str, Any]):
    """One row of a table as a mapping of column names to values, each read when
    asked; equal to the row's record dict (:meth:`RecordReader.view`)."""

    __slots__ = ("_getter", "_row")

    _getter: dict[str, Getter]
    _row: int

    def __getitem__(self, name: str) -> Any:
        return self._getter[name](self._row)

    def get(self, name: str, default: Any = None) -> Any:
        get = self._getter.get(name)
        return default if get is None else get(self._row)

    def __contains__(self, name: object) -> bool:
        return name in self._getter

    def __iter__(self) -> Iterator[str]:
        return iter(self._getter)

    def __len__(self) -> int:
        return len(self._getter)


_READERS: dict[int, tuple[weakref.ref[pa.Table], RecordReader]] = {}


def record_reader(table: pa.Table) -> RecordReader:
    """The (cached) :class:`RecordReader` of ``table``."""
    key = id(table)
    cached = _READERS.get(key)
    if cached is not None and cached[0]() is table:
        return cached[1]
    reader = RecordReader(table)

    def forget(_: weakref.ref[pa.Table]) -> None:
        _READERS.pop(key, None)

    _READERS[key] = (weakref.ref(table, forget), reader)
    return reader
