"""The vectorised steps of :meth:`hotlist.index.KeyIndex.lookup_many`: the
directory slots' entries of many queries, and the byte comparison of the
(query, candidate row) pairs they give."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from hotlist.index._arrow import StringColumn

__all__ = ["expand", "pairs_equal"]

_I64 = npt.NDArray[np.int64]
_U32 = npt.NDArray[np.uint32]


def expand(lo: _U32, cnt: _U32) -> tuple[_I64, _I64]:
    """Positions ``lo[i] .. lo[i] + cnt[i] - 1`` for every i, and their i."""
    cnt64 = cnt.astype(np.int64)
    owner = np.repeat(np.arange(len(cnt64)), cnt64)
    csum = np.cumsum(cnt64)
    pos = np.arange(int(csum[-1]) if len(csum) else 0, dtype=np.int64) + np.repeat(
        lo.astype(np.int64) - (csum - cnt64), cnt64
    )
    return pos, owner


def pairs_equal(col: StringColumn, rows: _I64, qcol: StringColumn, qidx: _I64) -> Any:
    """Vectorised ``key(rows[i]) == query(qidx[i])`` over the raw buffers."""
    ok = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return ok
    a0 = col.offsets[rows].astype(np.int64)
    la = col.offsets[rows + 1].astype(np.int64) - a0
    b0 = qcol.offsets[qidx].astype(np.int64)
    lb = qcol.offsets[qidx + 1].astype(np.int64) - b0
    same = np.flatnonzero(la == lb)
    if not len(same):
        return ok
    a0 = a0[same]
    b0 = b0[same]
    ln = la[same]
    good = np.ones(len(same), dtype=bool)
    for j in range(int(ln.max())):
        act = np.flatnonzero(ln > j)
        if not len(act):
            break
        good[act] &= col.data[a0[act] + j] == qcol.data[b0[act] + j]
    ok[same] = good
    return ok
