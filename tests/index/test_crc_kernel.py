"""The compiled CRC pass (``hotlist.index._crc_kernel``) equals the numpy one and zlib."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._hashing as hmod
from hotlist.index._arrow import StringColumn

pytest.importorskip("hotlist.index._crc_kernel", reason="compiled kernel not built")

_keys = st.lists(st.one_of(st.none(), st.text(alphabet="AB0\u00e9", max_size=12)), max_size=40)


@settings(max_examples=120, deadline=None)
@given(
    data=st.data(),
    keys=_keys,
    large=st.booleans(),
    sliced=st.booleans(),
    cap=st.sampled_from([None, 0, 3, 12]),
)
def test_compiled_crc_and_marks_equal_numpy(
    data: st.DataObject, keys: list[str | None], large: bool, sliced: bool, cap: int | None
) -> None:
    arr = pa.array(["X", *keys] if sliced else keys, pa.large_string() if large else pa.string())
    if sliced:
        arr = arr.slice(1)
    col = StringColumn.of(arr)
    rows = None
    if data.draw(st.booleans()) and keys:
        picked = data.draw(st.lists(st.integers(0, len(keys) - 1), max_size=30))
        rows = np.array(picked, dtype=np.int64)
    shape = None if cap is None else (cap + 1, (cap + 1) * 256)
    got_marks = None if shape is None else np.zeros(shape, dtype=bool)
    want_marks = None if shape is None else np.zeros(shape, dtype=bool)
    got = hmod.crc32_of_column(col, rows, marks=got_marks)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hmod, "_KERNEL", None)
        want = hmod.crc32_of_column(col, rows, marks=want_marks)
    assert got.tolist() == want.tolist()
    picked_rows = range(len(keys)) if rows is None else rows.tolist()
    for h, r in zip(got.tolist(), picked_rows, strict=True):
        assert h == zlib.crc32((keys[r] or "").encode())
    if shape is not None:
        assert got_marks is not None and want_marks is not None
        assert np.array_equal(got_marks, want_marks)
