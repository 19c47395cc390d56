"""What :meth:`hotlist.index.KeyIndex.merged` (a delta's merge) hands the compiled
merge (``_fast.merge_entries``): the rows the delta drops, and the per-position
alphabets grown for keys longer than any before."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["deleted_rows", "grown_positions"]

_U8 = npt.NDArray[np.uint8]


def grown_positions(position_alphabet: _U8, cap: int) -> _U8:
    """A copy of ``position_alphabet`` (see ``_hashing.pack_positions``) for keys up
    to ``cap`` long (a delta's new keys may be longer than any old one)."""
    old = len(position_alphabet) - 1
    if cap <= old:
        return position_alphabet.copy()
    out = np.zeros((cap + 1, cap + 1, 32), dtype=np.uint8)
    out[: old + 1, : old + 1] = position_alphabet
    return out


#: Rows per entry of the coarse table :func:`deleted_rows` makes (``merge_entries``
#: reads it as ``row >> 10``).
_BLOCK = 1024


def deleted_rows(
    keep: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The rows a delta drops, as ``_fast.merge_entries`` reads them: per 64 rows
    the bitmap word of dropped rows and the count of dropped rows before it (side
    by side), and per 1024 rows the count of dropped rows before the block, with
    bit 63 set when the block has a dropped row."""
    words = (len(keep) + 63) // 64 + 1
    bitmap = np.zeros(words, dtype=np.uint64)
    packed = np.packbits(~keep, bitorder="little")
    bitmap.view(np.uint8)[: len(packed)] = packed
    counts = np.bitwise_count(bitmap).astype(np.uint64)
    deleted = np.zeros((words, 2), dtype=np.uint64)
    deleted[:, 0] = bitmap
    np.cumsum(counts[:-1], out=deleted[1:, 1])
    per = _BLOCK // 64
    nblocks = (words + per - 1) // per
    in_block = np.zeros(nblocks * per, dtype=np.uint64)
    in_block[:words] = counts
    in_block = in_block.reshape(nblocks, per).sum(axis=1, dtype=np.uint64)
    blocks = np.zeros(nblocks, dtype=np.uint64)
    np.cumsum(in_block[:-1], out=blocks[1:])
    blocks[in_block > 0] |= np.uint64(1 << 63)
    return deleted.reshape(-1), blocks
