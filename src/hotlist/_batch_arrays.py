"""``check_many``'s output columns, built from their buffers.

A manifest's answer is nearly all misses: each hit column holds a value on a
few rows and nulls elsewhere, and each row's ``searched`` list is one of a
few.  ``Array.take`` with a million (mostly null) indices costs a few ms per
column; writing the offsets, values and one shared validity bitmap directly
costs a fraction of it.  Every builder gives the array ``take`` would (tested
equal in ``tests/engine/test_batch_arrays.py``), and falls back to ``take`` for
a type it does not build.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = ["lists_at", "repeat_rows", "scatter", "slice_rows", "take_rows"]

_I64 = npt.NDArray[np.int64]

#: Above this many repeated rows, :func:`repeat_rows` takes instead of slicing.
_MAX_RUNS = 4096


def _validity(pos: _I64, n: int) -> pa.Buffer:
    mask = np.zeros(n, dtype=bool)
    mask[pos] = True
    return pa.py_buffer(np.packbits(mask, bitorder="little"))


def _offsets(pos: _I64, lengths: npt.NDArray[np.integer], n: int) -> npt.NDArray[np.int32]:
    """The offsets of ``n`` rows that are empty except row ``pos[j]`` (ascending),
    ``lengths[j]`` long."""
    out = np.zeros(n + 1, dtype=np.int64)
    out[pos + 1] = lengths
    np.cumsum(out, out=out)
    return out.astype(np.int32)


def scatter(values: pa.Array, pos: _I64, n: int) -> pa.Array:
    """An array of ``n`` rows: ``values[j]`` at row ``pos[j]`` (``pos`` ascending,
    distinct), null elsewhere -- ``values.take(idx)`` with ``idx[pos[j]] = j``
    and null indices elsewhere, for string, float64 and list<string> values."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    t = values.type
    if len(pos) != len(values) or values.null_count:
        idx = np.full(n, -1, dtype=np.int64)
        idx[pos] = np.arange(len(pos))
        return values.take(pa.array(idx, mask=idx < 0))
    if not len(pos):
        return pa.nulls(n, t)
    validity = _validity(pos, n)
    nulls = n - len(pos)
    if t == pa.float64():
        data = np.zeros(n, dtype=np.float64)
        data[pos] = values.to_numpy(zero_copy_only=False)
        return pa.Array.from_buffers(t, n, [validity, pa.py_buffer(data)], nulls)
    if t == pa.string():
        _, off_buf, data_buf = values.buffers()
        off = np.frombuffer(off_buf, dtype=np.int32)[
            values.offset : values.offset + len(values) + 1
        ]
        offsets = _offsets(pos, np.diff(off), n) + off[0]
        return pa.Array.from_buffers(t, n, [validity, pa.py_buffer(offsets), data_buf], nulls)
    if t == pa.list_(pa.string()):
        off = values.offsets.to_numpy()
        inner = values.values.slice(int(off[0]), int(off[-1] - off[0]))
        offsets = _offsets(pos, np.diff(off), n)
        return pa.Array.from_buffers(
            t, n, [validity, pa.py_buffer(offsets)], nulls, children=[inner]
        )
    idx = np.full(n, -1, dtype=np.int64)
    idx[pos] = np.arange(len(pos))
    return values.take(pa.array(idx, mask=idx < 0))


def lists_at(lists: Sequence[Sequence[str]], idx: _I64, typ: pa.DataType) -> pa.Array:
    """A list<string> array (``typ``) with ``lists[idx[i]]`` on row i (no nulls):
    ``pa.array(lists, typ).take(idx)``, from its offsets and one take of the
    strings."""
    if typ != pa.list_(pa.string()):
        return pa.array(lists, typ).take(pa.array(idx))
    lengths = np.array([len(x) for x in lists], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    per_row = lengths[idx]
    offsets = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum(per_row, out=offsets[1:])
    flat = pa.array([s for x in lists for s in x], pa.string())
    total = int(offsets[-1])
    if total and len(lists) == 1:
        inner = _tiled(lists[0], len(idx))  # every row the same list (the common case)
    else:
        # the position in ``flat`` of each string of each row
        inner_idx = np.arange(total, dtype=np.int64)
        inner_idx -= np.repeat(offsets[:-1] - starts[idx], per_row)
        inner = flat.take(pa.array(inner_idx))
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), inner)


def _tiled(strings: Sequence[str], m: int) -> pa.Array:
    """A string array of ``strings`` ``m`` times over, end to end."""
    encoded = [x.encode() for x in strings]
    k = len(encoded)
    local = np.zeros(k + 1, dtype=np.int64)
    np.cumsum([len(x) for x in encoded], out=local[1:])
    size = int(local[-1])
    if m * size > np.iinfo(np.int32).max:
        return pa.array(list(strings), pa.string()).take(pa.array(np.tile(np.arange(k), m)))
    offsets = np.empty(m * k + 1, dtype=np.int32)
    offsets[:-1] = (local[:-1][None, :] + (np.arange(m, dtype=np.int64) * size)[:, None]).ravel()
    offsets[-1] = m * size
    data = pa.py_buffer(b"".join(encoded) * m)
    return pa.Array.from_buffers(pa.string(), m * k, [None, pa.py_buffer(offsets), data])


def repeat_rows(table: pa.Table, counts: _I64) -> pa.Table:
    """``table``'s row i ``counts[i]`` times (each >= 1), in order: zero-copy
    slices and one concatenation when few rows repeat, else a take."""
    extra = np.flatnonzero(counts > 1)
    if len(extra) > _MAX_RUNS or not table.num_columns:
        return table.take(pa.array(np.repeat(np.arange(len(counts)), counts)))
    parts: list[pa.Table] = []
    start = 0
    for r, c in zip(extra.tolist(), counts[extra].tolist(), strict=True):
        parts.append(table.slice(start, r + 1 - start))
        parts.extend([table.slice(r, 1)] * (c - 1))
        start = r + 1
    parts.append(table.slice(start))
    return pa.concat_tables(parts).combine_chunks()


def take_rows(column: pa.Array | pa.ChunkedArray, rows: _I64) -> pa.Array:
    """``column.take(rows)`` as one array; a chunked column (a list read from
    Parquet has dozens of chunks) is taken chunk by chunk, which costs
    microseconds for a few rows where ``ChunkedArray.take`` costs 15-150 ms at
    10 M rows."""
    if isinstance(column, pa.Array):
        return column.take(pa.array(rows))
    if column.num_chunks == 1:
        return column.chunk(0).take(pa.array(rows))
    if not len(rows):
        return pa.array([], column.type)
    bounds = np.cumsum([0] + [len(c) for c in column.chunks], dtype=np.int64)
    which = np.searchsorted(bounds, rows, side="right") - 1
    order = np.argsort(which, kind="stable")
    parts = []
    for k in np.unique(which).tolist():
        mine = order[which[order] == k]
        parts.append(column.chunk(k).take(pa.array(rows[mine] - bounds[k])))
    taken = pa.concat_arrays(parts)
    back = np.empty(len(rows), dtype=np.int64)
    back[order] = np.arange(len(rows))
    return taken.take(pa.array(back))


def slice_rows(table: pa.Table, offset: int, length: int | None = None) -> pa.Table:
    """``table.slice(offset, length)``, right for a table of no columns too: pyarrow
    (26) keeps such a table's row count whatever the slice (``slice(2)`` of 5 rows
    has 5, ``slice(0, 100)`` of 3 has 100), which made a stream of column-less
    batches loop for ever and a 0-row request answer 100 rows."""
    if table.num_columns:
        return table.slice(offset, length)
    left = max(0, table.num_rows - offset)
    n = left if length is None else max(0, min(length, left))
    batch = pa.RecordBatch.from_arrays([pa.nulls(n)], names=["_"]).select([])
    return pa.Table.from_batches([batch])
