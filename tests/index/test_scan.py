"""The loader's row tests (hotlist.index._scan): compiled == numpy == the Arrow
expressions they replace (a regex of letters and digits; trim + empty-to-null)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._scan as smod
from hotlist.extracts import _convert as cv
from hotlist.index._arrow import StringColumn

_TEXT = st.text(alphabet="aZ09 -\t\u00a0\u3000\u00e9\n\x00~", max_size=8)
_VALUES = st.lists(st.one_of(st.none(), _TEXT), max_size=30)


def _array(values: list[str | None], large: bool, sliced: bool) -> pa.Array:
    arr = pa.array(
        ["  pad ", *values] if sliced else values, pa.large_string() if large else pa.string()
    )
    return arr.slice(1) if sliced else arr


@settings(max_examples=150, deadline=None)
@given(
    values=_VALUES,
    large=st.booleans(),
    sliced=st.booleans(),
    shortest=st.integers(0, 3),
    longest=st.integers(0, 8),
)
def test_rows_within_equals_the_regex(
    values: list[str | None], large: bool, sliced: bool, shortest: int, longest: int
) -> None:
    arr = _array(values, large, sliced)
    col = StringColumn.of(arr)
    want = (
        pc.match_substring_regex(arr, f"^[A-Za-z0-9]{{{shortest},{longest}}}$")
        .fill_null(False)
        .to_pylist()
        if shortest <= longest
        else [False] * len(values)
    )
    got = smod.rows_within(col, smod.ASCII_ALNUM, shortest, longest)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(smod, "_KERNELS", None)
        pure = smod.rows_within(col, smod.ASCII_ALNUM, shortest, longest)
    assert got.tolist() == want
    assert pure.tolist() == want


@settings(max_examples=150, deadline=None)
@given(values=_VALUES, large=st.booleans(), sliced=st.booleans())
def test_needs_trim_false_means_trim_changes_nothing(
    values: list[str | None], large: bool, sliced: bool
) -> None:
    arr = _array(values, large, sliced)
    col = StringColumn.of(arr)
    got = smod.needs_trim(col)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(smod, "_KERNELS", None)
        assert smod.needs_trim(col) == got
    printable = set(smod.PRINTABLE_NOT_SPACE.decode())
    edge = any(
        v is not None and (not v or v[0] not in printable or v[-1] not in printable) for v in values
    )
    assert got == edge
    trimmed = pc.utf8_trim_whitespace(arr)
    slow = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
    if not got:
        assert slow.to_pylist() == arr.to_pylist()
    if not large:  # clean_text works on string (a large_string is cast first)
        assert cv.clean_text(arr).to_pylist() == slow.to_pylist()
