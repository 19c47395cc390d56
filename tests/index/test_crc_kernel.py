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


@settings(max_examples=120, deadline=None)
@given(data=st.data(), keys=_keys, large=st.booleans(), bits=st.integers(1, 12))
def test_compiled_pairs_and_entries_equal_numpy(
    data: st.DataObject, keys: list[str | None], large: bool, bits: int
) -> None:
    """hash_pairs ((crc << 32) | row) and split_entries (directory, fp, rows of the
    sorted pairs) give the same arrays compiled and in numpy."""
    col = StringColumn.of(pa.array(keys, pa.large_string() if large else pa.string()))
    rows = None
    if data.draw(st.booleans()) and keys:
        picked = data.draw(st.lists(st.integers(0, len(keys) - 1), max_size=30))
        rows = np.array(picked, dtype=np.int64)
    got = hmod.hash_pairs(col, rows)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hmod, "_KERNEL", None)
        mp.setattr(hmod, "_SPLIT", None)
        want = hmod.hash_pairs(col, rows)
        want.sort()
        want_split = hmod.split_entries(want, bits)
    assert got.dtype == np.uint64
    picked_rows = range(len(keys)) if rows is None else rows.tolist()
    assert [int(p) & 0xFFFFFFFF for p in got.tolist()] == list(picked_rows)
    got.sort()
    assert got.tolist() == want.tolist()
    for g, w in zip(hmod.split_entries(got, bits), want_split, strict=True):
        assert g.dtype == w.dtype
        assert g.tolist() == w.tolist()
    directory = want_split[0]
    top = [int(p) >> (64 - bits) for p in want.tolist()]
    assert directory.tolist() == [sum(t < s for t in top) for s in range(2**bits + 1)]
