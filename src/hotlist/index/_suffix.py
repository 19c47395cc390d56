"""SuffixIndex: rows whose key ends with a given suffix (partial VINs).

``rows`` (uint32) holds the row numbers ordered by their key *read
backwards*, so the keys ending with a suffix ``s`` are one contiguous range.
``fence`` (uint64) holds, for every 32nd position of that order, the key's
last 8 bytes reversed and packed big-endian: two ``np.searchsorted`` calls on
it narrow the range to a block or two, and a binary search (with a gallop over
the matches) finishes it in Python, comparing the last ``len(s)`` bytes of a
key, reversed, read straight from the Arrow buffers.  4.25 bytes per record,
any suffix length, no copy of the keys.

Keys are assumed free of NUL bytes (the normalisers never produce them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.index._arrow import StringColumn, as_string_array
from hotlist.index._keyindex import EMPTY_ROWS

__all__ = ["SuffixIndex"]

_I64 = npt.NDArray[np.int64]


class SuffixIndex:
    """Rows whose key ends with a suffix (the last characters a patrol reads).

    Null keys are not indexed.  Results are sorted row numbers (``int64``).

    >>> ix = SuffixIndex.build(pa.array(["1M8GDM9AXKP042788", None, "WVWZZZ1JZXW042788", "X"]))
    >>> ix.ending_with("042788").tolist()
    [0, 2]
    >>> ix.ending_with("P042788").tolist()
    [0]
    """

    __slots__ = ("_col", "_fence", "_rows", "_rows_mv")

    def __init__(
        self,
        keys: Any,
        rows: npt.NDArray[np.uint32],
        fence: npt.NDArray[np.uint64] | None = None,
    ) -> None:
        self._col = StringColumn.of(keys)
        self._rows = np.ascontiguousarray(rows, dtype=np.uint32)
        self._rows_mv = self._rows.data
        self._fence = (
            _pack_tails(self._col, self._rows[::_STRIDE])
            if fence is None
            else np.ascontiguousarray(fence, dtype=np.uint64)
        )
        if len(self._fence) != -(-len(self._rows) // _STRIDE):
            raise ValueError("fence does not match rows")

    @classmethod
    def build(cls, keys: Any) -> SuffixIndex:
        """Index ``keys`` (a pyarrow string array) by their endings.

        Cost: one Arrow sort of the reversed keys (~3 s for 10 M VINs).
        """
        keys = as_string_array(keys)
        if len(keys) >= 1 << 32:
            raise ValueError("SuffixIndex holds at most 2**32 - 1 rows")
        t = keys.type
        large = pa.types.is_large_string(t) or pa.types.is_large_binary(t)
        rev = pc.binary_reverse(keys.cast(pa.large_binary() if large else pa.binary()))
        order = pc.array_sort_indices(rev, null_placement="at_end")
        rows = order.to_numpy()[: len(keys) - keys.null_count].astype(np.uint32)
        return cls(keys, rows)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The index as plain numpy arrays (for ``np.save`` / memory mapping)."""
        return {"rows": self._rows, "fence": self._fence}

    @classmethod
    def from_arrays(cls, keys: Any, arrays: Mapping[str, npt.NDArray[Any]]) -> SuffixIndex:
        """Rebuild from :meth:`arrays` and the same keys."""
        return cls(keys, arrays["rows"], arrays.get("fence"))

    @property
    def nbytes(self) -> int:
        """Bytes held by the index (4.25 per indexed key; the keys not counted)."""
        return int(self._rows.nbytes + self._fence.nbytes)

    def __len__(self) -> int:
        return len(self._col)

    def __repr__(self) -> str:
        return f"SuffixIndex({len(self._rows):,} keys, {self.nbytes:,} bytes)"

    def _tail(self, i: int, m: int) -> bytes:
        """The last ``m`` bytes of the ``i``-th key in suffix order, reversed."""
        col = self._col
        o = col.offsets_mv
        r = self._rows_mv[i]
        a = o[r]
        e = o[r + 1]
        if e - a > m:
            a = e - m
        return bytes(col.data_mv[a:e])[::-1]

    def ending_with(self, suffix: str) -> _I64:
        """Rows whose key ends with ``suffix`` (sorted; all rows for ``""``)."""
        s = suffix.encode()[::-1]
        m = len(s)
        n = len(self._rows)
        if not n:
            return EMPTY_ROWS
        lo8 = np.uint64(int.from_bytes(s[:8].ljust(8, b"\0"), "big"))
        hi8 = np.uint64(int.from_bytes(s[:8].ljust(8, b"\xff"), "big"))
        f = self._fence
        # fence[j] < lo8: position j*STRIDE sorts before s; fence[j] > hi8: after
        # every key ending with s -- so both ends of the range lie in [a, hi)
        j0 = int(np.searchsorted(f, lo8, side="left"))
        j1 = int(np.searchsorted(f, hi8, side="right"))
        a = max(0, (j0 - 1) * _STRIDE + 1)
        hi = min(n, j1 * _STRIDE + 1)
        tail = self._tail
        b = hi
        while a < b:  # first position whose reversed key is >= s
            mid = (a + b) >> 1
            if tail(mid, m) < s:
                a = mid + 1
            else:
                b = mid
        start = a
        if start == hi or tail(start, m) != s:
            return EMPTY_ROWS
        # matches are one run from start: gallop to bracket its end, then bisect
        step = 1
        a = start + 1  # tail(a - 1) == s
        b = start + 1
        while b < hi and tail(b, m) == s:
            a = b + 1
            b = start + 2 * step
            step *= 2
        b = min(b, hi)
        while a < b:
            mid = (a + b) >> 1
            if tail(mid, m) == s:
                a = mid + 1
            else:
                b = mid
        return np.sort(self._rows[start:a]).astype(np.int64)


_STRIDE = 32


def _pack_tails(col: StringColumn, rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """The last 8 bytes of each key, reversed, packed big-endian (0-padded)."""
    r = rows.astype(np.int64)
    end = col.offsets[r + 1].astype(np.int64)
    ln = end - col.offsets[r].astype(np.int64)
    out = np.zeros(len(r), dtype=np.uint64)
    for j in range(8):
        has = ln > j
        byte = np.zeros(len(r), dtype=np.uint64)
        byte[has] = col.data[end[has] - 1 - j]
        out = (out << np.uint64(8)) | byte
    return out
