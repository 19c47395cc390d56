"""``members_of`` (the rows of a column whose value is in a small set: a delta's
touched record ids) equals ``pc.index_in``, compiled or not."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._hashing as hmod
from hotlist.index import members_of

# Short texts over few letters (many equal values, lengths 0-3) and long ones
# that agree in their first and last 8 bytes (the compiled hash reads those
# only: the byte comparison must tell them apart).
_short = st.text(alphabet="AB\u00e9", max_size=3)
_long = st.builds(
    lambda mid: "PREFIX12" + mid + "SUFFIX34", st.text(alphabet="xy\u00e9", max_size=4)
)
_value = st.one_of(_short, _long)


def _reference(column: pa.Array, value_set: pa.Array) -> tuple[list[int], list[int]]:
    where = pc.index_in(column, value_set=value_set)
    rows = np.flatnonzero(where.is_valid().to_numpy(zero_copy_only=False)).tolist()
    return rows, where.drop_null().to_pylist()


@settings(max_examples=200, deadline=None)
@given(
    column=st.lists(st.one_of(st.none(), _value), max_size=60),
    values=st.lists(_value, max_size=20, unique=True),
    large=st.booleans(),
    sliced=st.booleans(),
    large_set=st.booleans(),
)
def test_members_of_equals_index_in(
    column: list[str | None], values: list[str], large: bool, sliced: bool, large_set: bool
) -> None:
    kind = pa.large_string() if large else pa.string()
    arr = pa.array(["X", *column] if sliced else column, kind)
    if sliced:
        arr = arr.slice(1)
    value_set = pa.array(values, pa.large_string() if large_set else pa.string())
    rows, pos = members_of(arr, value_set)
    assert (rows.tolist(), pos.tolist()) == _reference(arr, value_set)
    assert rows.dtype == np.int64 and pos.dtype == np.int64
    ref_rows, ref_pos = hmod._members_reference(arr, value_set)
    assert (ref_rows.tolist(), ref_pos.tolist()) == _reference(arr, value_set)


def test_members_of_grows_past_the_set_size() -> None:
    # every row of a column of repeats is a member: more rows than set values
    arr = pa.array(["A", "B"] * 50 + [None])
    rows, pos = members_of(arr, pa.array(["B", "A"]))
    assert rows.tolist() == list(range(100))
    assert pos.tolist() == [1, 0] * 50


def test_members_of_a_set_with_nulls_takes_the_reference() -> None:
    arr = pa.array(["A", None, "B"])
    rows, pos = members_of(arr, pa.array(["B", None]))
    assert (rows.tolist(), pos.tolist()) == _reference(arr, pa.array(["B", None]))


def test_compiled_members_of_is_built() -> None:
    pytest.importorskip("hotlist.index._crc_kernel", reason="compiled kernel not built")
    assert hmod._MEMBERS is not None or pytest.skip("kernel built before members_of")


def test_members_of_other_column_types_take_the_reference() -> None:
    # a dictionary-encoded column is not read in place (a chunked one is, chunk by
    # chunk; and with a kernel built before members_of_chunks, combined): the same answer
    arr = pa.array(["A", "B", None, "A"])
    for column in (arr.dictionary_encode(), pa.chunked_array([arr.slice(0, 2), arr.slice(2)])):
        rows, pos = members_of(column, pa.array(["A"]))
        assert (rows.tolist(), pos.tolist()) == ([0, 3], [0, 0])


@settings(max_examples=150, deadline=None)
@given(
    column=st.lists(st.one_of(st.none(), _value), max_size=60),
    values=st.lists(_value, max_size=20, unique=True),
    cuts=st.lists(st.integers(0, 60), max_size=6),
    large=st.booleans(),
)
def test_members_of_a_chunked_column(
    column: list[str | None], values: list[str], cuts: list[int], large: bool
) -> None:
    """A column in chunks (a delta's table in slices, empty chunks too) is read
    chunk by chunk, rows numbered across them: the same as the whole column."""
    arr = pa.array(column, pa.large_string() if large else pa.string())
    bounds = sorted({0, len(arr), *(min(c, len(arr)) for c in cuts)})
    chunks = [arr.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    chunks.append(arr.slice(len(arr)))  # an empty chunk at the end
    chunked = pa.chunked_array(chunks, type=arr.type)
    value_set = pa.array(values, pa.string())
    rows, pos = members_of(chunked, value_set)
    assert (rows.tolist(), pos.tolist()) == _reference(arr, value_set)
