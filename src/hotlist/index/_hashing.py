"""The key hash: CRC-32 (zlib) of the UTF-8 bytes.

Why CRC-32 and not a 64-bit polynomial hash:

* The scalar form is ``zlib.crc32`` -- C code in the standard library, ~60 ns
  for a document number, where a polynomial hash written as a Python loop
  costs ~1 µs and any extra Python arithmetic ~100 ns (measured).  The exact
  check is on the hot path of every border check.
* It is deterministic across processes (``hash(str)`` is salted).
* The vectorised form is the textbook table-driven CRC run column-wise over
  the Arrow UTF-8 buffer, one numpy gather per byte position, and it is
  tested equal to ``zlib.crc32``.
* CRC is linear over GF(2), so the CRC of every one-edit variant of a query
  (substitution, insertion, transposition) is the CRC of the query XOR an
  entry of a small precomputed table (:func:`edit_table`) -- variants are
  hashed arithmetically, without building the variant strings.
* 32 bits are enough because every hit is verified against the stored key:
  at 100 M keys a miss collides with probability n / 2**32 ~ 2 %, costing one
  extra byte comparison.

A linear hash could spread structured keys unevenly over the directory; on
sequential document numbers, serial-numbered VINs and OCR keys the top bits
of CRC-32 fill the slots *more* evenly than a random hash (sum of squared
slot counts 2.5-2.8 per key against 2.9 for Poisson), so no extra mixing
step (which would cost ~100 ns per scalar lookup) is applied.

>>> import pyarrow as pa
>>> crc32_of_column(StringColumn.of(pa.array(["", "A", None, "L898902C3"]))).tolist() == [
...     zlib.crc32(b""), zlib.crc32(b"A"), 0, zlib.crc32(b"L898902C3")]
True
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.index._arrow import StringColumn, is_text_type

__all__ = [
    "CRC_TABLE",
    "crc32_of_column",
    "edit_table",
    "hash_pairs",
    "key_hash",
    "marked_alphabet",
    "members_of",
    "pack_positions",
    "split_entries",
]

_U32 = npt.NDArray[np.uint32]
_U8 = npt.NDArray[np.uint8]
_I64 = npt.NDArray[np.int64]

_MASK32 = 0xFFFFFFFF
_CHUNK = 1 << 20


def _crc_table() -> _U32:
    c = np.arange(256, dtype=np.uint32)
    poly = np.uint32(0xEDB88320)
    for _ in range(8):
        c = np.where(c & 1, (c >> 1) ^ poly, c >> 1).astype(np.uint32)
    return c


#: Reflected CRC-32 table (polynomial 0xEDB88320), as zlib uses.
CRC_TABLE: _U32 = _crc_table()
CRC_TABLE.flags.writeable = False

_KERNEL: Any
_SPLIT: Any
_MEMBERS: Any
_MEMBERS_CHUNKS: Any
try:  # the compiled passes (built by ``pip install .``; optional; they read CRC_TABLE)
    from hotlist.index._crc_kernel import crc32_rows as _crc32_rows
    from hotlist.index._crc_kernel import split_entries as _split_entries

    _KERNEL = _crc32_rows
    _SPLIT = _split_entries
except ImportError:  # pragma: no cover - depends on the build
    _KERNEL = _SPLIT = None
try:  # a kernel built before members_of was added lacks it: the reference then
    from hotlist.index._crc_kernel import members_of as _members_of

    _MEMBERS = _members_of
except ImportError:  # pragma: no cover - depends on the build
    _MEMBERS = None
try:  # ... and one built before members_of_chunks: a chunked column is combined then
    from hotlist.index._crc_kernel import members_of_chunks as _members_of_chunks

    _MEMBERS_CHUNKS = _members_of_chunks
except ImportError:  # pragma: no cover - depends on the build
    _MEMBERS_CHUNKS = None
if os.environ.get("HOTLIST_PURE"):
    _KERNEL = _SPLIT = _MEMBERS = _MEMBERS_CHUNKS = None


def key_hash(key: bytes) -> int:
    """The 32-bit hash of one key: ``zlib.crc32`` (scalar form of :func:`crc32_of_column`)."""
    return zlib.crc32(key)


def crc32_of_column(
    col: StringColumn,
    rows: npt.NDArray[np.int64] | None = None,
    *,
    marks: npt.NDArray[np.bool_] | None = None,
) -> _U32:
    """``zlib.crc32`` of every key (of ``rows`` when given), vectorised.

    Null keys get the CRC of their (normally empty) byte range; callers mask
    them out.  Runs column-wise: the keys of a chunk are ordered by length,
    longest first, so at byte position ``j`` the keys still running are a
    prefix of that order and need no mask.  Cost: about 8 passes per byte
    position over the keys, ~0.1 s per million 9-byte keys; the compiled form
    (``_crc_kernel``, when built) one pass over the bytes, ~10x faster.

    ``marks``, when given, is a ``(cap + 1, (cap + 1) * 256)`` boolean array
    that the same pass fills in: ``marks[j, m * 256 + x]`` for every byte
    ``x`` at position ``j`` of a key of length ``m <= cap``, and
    ``marks[m, m * 256]`` for every such length (two more passes per byte).
    """
    if _KERNEL is not None:  # the same, compiled: one pass over the key bytes
        got = np.empty(len(col) if rows is None else len(rows), dtype=np.uint32)
        picked = None if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
        _KERNEL(col.offsets, col.data, picked, got, marks)
        return got
    cap = -1 if marks is None else len(marks) - 1
    offsets = col.offsets
    data = col.data
    n = len(col) if rows is None else len(rows)
    out = np.empty(n, dtype=np.uint32)
    for s in range(0, n, _CHUNK):
        e = min(n, s + _CHUNK)
        if rows is None:
            starts = offsets[s:e].astype(np.int64)
            lens = offsets[s + 1 : e + 1].astype(np.int64) - starts
        else:
            r = rows[s:e]
            starts = offsets[r].astype(np.int64)
            lens = offsets[r + 1].astype(np.int64) - starts
        order = np.argsort(-lens, kind="stable")
        st = starts[order]
        neg_sorted = -lens[order]
        crc = np.full(e - s, _MASK32, dtype=np.uint32)
        maxlen = int(-neg_sorted[0]) if e > s else 0
        skip = 0
        code: npt.NDArray[np.int64] | None = None
        if marks is not None:
            skip = int(np.searchsorted(neg_sorted, -cap, side="left"))  # keys > cap long
            code = neg_sorted[skip:] * -256
            marks[code // 256, code] = True
        for j in range(maxlen):
            act = int(np.searchsorted(neg_sorted, -j, side="left"))
            c = crc[:act]
            byte = data[st[:act] + j]
            crc[:act] = CRC_TABLE[c.astype(np.uint8) ^ byte] ^ (c >> 8)
            if marks is not None and code is not None and act > skip:
                marks[j, code[: act - skip] + byte[skip:]] = True
        crc ^= np.uint32(_MASK32)
        out[s + order] = crc
    return out


def hash_pairs(
    col: StringColumn,
    rows: npt.NDArray[np.int64] | None = None,
    *,
    marks: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.uint64]:
    """``(crc32 << 32) | row`` of every key (of ``rows`` when given; rows below
    2**32), what a :class:`~hotlist.index.KeyIndex` build sorts: the compiled
    pass writes them at once, else :func:`crc32_of_column` and two numpy passes.
    ``marks`` as in :func:`crc32_of_column`."""
    n = len(col) if rows is None else len(rows)
    if _KERNEL is not None:
        out = np.empty(n, dtype=np.uint64)
        picked = None if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
        _KERNEL(col.offsets, col.data, picked, out, marks)
        return out
    pairs = crc32_of_column(col, rows, marks=marks).astype(np.uint64) << np.uint64(32)
    pairs |= np.arange(n, dtype=np.uint64) if rows is None else rows.astype(np.uint64)
    return pairs


def split_entries(
    pairs: npt.NDArray[np.uint64], bits: int
) -> tuple[_U32, npt.NDArray[np.uint16], _U32]:
    """Sorted :func:`hash_pairs` as a KeyIndex's ``(directory, fp, rows)``: rows
    the low 32 bits, fingerprints the hash's low 16 bits, and ``directory[t]``
    the first entry whose hash's top ``bits`` bits are at least ``t`` (``2**bits
    + 1`` entries).  One compiled pass, else four numpy passes (tested equal)."""
    m = len(pairs)
    directory = np.empty((1 << bits) + 1, dtype=np.uint32)
    if _SPLIT is not None:
        rows = np.empty(m, dtype=np.uint32)
        fp = np.empty(m, dtype=np.uint16)
        _SPLIT(np.ascontiguousarray(pairs), 32 - bits, rows, fp, directory)
        return directory, fp, rows
    rows = pairs.astype(np.uint32)  # low 32 bits
    hs = (pairs >> np.uint64(32)).astype(np.uint32)
    fp = hs.astype(np.uint16)  # low 16 bits
    counts = np.bincount(hs >> np.uint32(32 - bits), minlength=1 << bits)
    directory[0] = 0
    np.cumsum(counts, out=directory[1:])
    return directory, fp, rows


def pack_positions(marks: npt.NDArray[np.bool_]) -> _U8:
    """The ``position_alphabet`` array from the ``marks`` that
    :func:`crc32_of_column` fills in: ``P[m, i]`` is the set of bytes at
    position ``i`` of the keys of length ``m`` (256 bits, packed little-endian
    into 32 bytes), for ``i < m <= cap``; ``P[m, m]`` holds bit 0 when some key
    has length ``m`` (the key "ends" there).  Shape ``(cap + 1, cap + 1, 32)``,
    ``cap = min(max_length, 64)`` (``_keyindex._POS_CAP``): 13 KiB for keys up
    to 20 bytes.
    """
    cap = len(marks) - 1
    bits = marks.reshape(cap + 1, cap + 1, 256).transpose(1, 0, 2)  # [length, position]
    out: _U8 = np.packbits(bits, axis=2, bitorder="little")
    return out


def marked_alphabet(
    marks: npt.NDArray[np.bool_], col: StringColumn, sel: _I64 | None, lens: _I64
) -> _U8:
    """The bytes occurring in the keys of ``sel`` (every row when None; ``lens``
    their lengths), sorted: read off the ``marks`` the CRC pass filled in (every
    byte of a key up to ``cap`` long), plus the bytes of any longer key -- no
    pass over the key bytes (a ``bincount`` of 100 MB of keys cost ~0.9 s)."""
    cap = len(marks) - 1
    pos = np.arange(cap + 1)
    inside = pos[:, None] < pos[None, :]  # [position, length]: position < length
    present = np.asarray(marks.reshape(cap + 1, cap + 1, 256)[inside].any(axis=0), dtype=bool)
    longer = np.flatnonzero(lens > cap)
    if len(longer):
        rows = longer if sel is None else sel[longer]
        starts = col.offsets[rows].astype(np.int64)
        sizes = lens[longer].astype(np.int64)
        ends = np.cumsum(sizes)
        at = np.repeat(starts - (ends - sizes), sizes) + np.arange(int(ends[-1]))
        present[col.data[at]] = True
    return np.flatnonzero(present).astype(np.uint8)


def edit_table(max_k: int) -> _U32:
    """``E[k, d]`` = raw CRC (init 0, no final XOR) of byte ``d`` then ``k`` zero bytes.

    For two byte strings of equal length that differ by XOR-ing byte ``d``
    into position ``i``, ``crc32(b) == crc32(a) ^ E[len(a) - 1 - i, d]``.
    Shape ``(max_k + 1, 256)``; 1 KiB per row.

    >>> E = edit_table(4)
    >>> a, b = b"AB3D", b"AX3D"
    >>> zlib.crc32(b) == zlib.crc32(a) ^ int(E[2, ord("B") ^ ord("X")])
    True
    """
    e = np.empty((max_k + 1, 256), dtype=np.uint32)
    e[0] = CRC_TABLE
    for k in range(1, max_k + 1):
        prev = e[k - 1]
        e[k] = CRC_TABLE[prev.astype(np.uint8)] ^ (prev >> 8)
    e.flags.writeable = False
    return e


def members_of(column: Any, value_set: Any) -> tuple[_I64, _I64]:
    """The rows of the string ``column`` whose value is in ``value_set`` (a
    small array of distinct strings without nulls, such as a delta's record
    ids), ordered by row, and the position of each row's value in the set.

    The reference is ``pc.index_in(column, value_set=value_set)``, which hashes
    every value of the column into Arrow's hash table (~15 ns a value: 0.15 s
    over 10 M record ids); the compiled pass (``_crc_kernel.members_of``) hashes
    the column's bytes in place and probes a table of the set's few hashes
    (tests/index/test_members_of.py: equal on drawn columns).

    >>> import pyarrow as pa
    >>> rows, pos = members_of(pa.array(["a", None, "c", "b"]), pa.array(["b", "a"]))
    >>> rows.tolist(), pos.tolist()
    ([0, 3], [1, 0])
    """
    if (
        _MEMBERS is None
        or not (is_text_type(column.type) and is_text_type(value_set.type))
        or value_set.null_count
    ):
        return _members_reference(column, value_set)
    values = StringColumn.of(value_set)
    if (
        isinstance(column, pa.ChunkedArray)
        and column.num_chunks != 1
        and _MEMBERS_CHUNKS is not None
    ):
        # each chunk read in place (a delta's table in slices): no combined copy
        parts = [StringColumn.of(chunk) for chunk in column.chunks]
        chunks = [
            (c.offsets, c.data, None if c.valid is None else c.valid.view(np.uint8)) for c in parts
        ]
        rows, pos = _MEMBERS_CHUNKS(chunks, values.offsets, values.data)
        return rows, pos
    col = StringColumn.of(column)
    valid = None if col.valid is None else col.valid.view(np.uint8)
    rows, pos = _MEMBERS(col.offsets, col.data, valid, values.offsets, values.data)
    return rows, pos


def _members_reference(column: Any, value_set: Any) -> tuple[_I64, _I64]:
    """:func:`members_of` by ``pc.index_in`` (the compiled pass's reference)."""
    where = pc.index_in(column, value_set=value_set)
    if isinstance(where, pa.ChunkedArray):
        where = where.combine_chunks()
    rows = np.flatnonzero(np.asarray(where.is_valid().to_numpy(zero_copy_only=False), dtype=bool))
    pos = np.asarray(where.drop_null().to_numpy(zero_copy_only=False), dtype=np.int64)
    return rows.astype(np.int64), pos
