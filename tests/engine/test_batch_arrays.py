"""check_many's output builders (``hotlist._batch_arrays``) give the arrays
``take`` gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist._batch_arrays as amod
from hotlist._batch_arrays import lists_at, repeat_rows, scatter, take_rows

_STR = st.text(alphabet="ab\u00e9", max_size=4)
_TYPES = {
    "string": (pa.string(), _STR),
    "float": (pa.float64(), st.floats(allow_nan=False)),
    "list": (pa.list_(pa.string()), st.lists(_STR, max_size=3)),
    "int": (pa.int32(), st.integers(-5, 5)),  # a type it takes for
}


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    kind=st.sampled_from(sorted(_TYPES)),
    n=st.integers(0, 30),
    nulls=st.booleans(),
    sliced=st.booleans(),
)
def test_scatter_equals_take(
    data: st.DataObject, kind: str, n: int, nulls: bool, sliced: bool
) -> None:
    typ, values = _TYPES[kind]
    pos = sorted(data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n)))
    value = st.one_of(st.none(), values) if nulls else values
    got = data.draw(st.lists(value, min_size=len(pos) + 1, max_size=len(pos) + 1))
    arr = pa.array(got, typ)
    arr = arr.slice(1) if sliced else arr.slice(0, len(pos))
    idx = np.full(n, -1, dtype=np.int64)
    idx[pos] = np.arange(len(pos))
    want = arr.take(pa.array(idx, mask=idx < 0))
    out = scatter(arr, np.array(pos, dtype=np.int64), n)
    out.validate(full=True)
    assert out.type == typ
    assert out.to_pylist() == want.to_pylist()


@settings(max_examples=100, deadline=None)
@given(
    lists=st.lists(st.lists(_STR, max_size=3), min_size=1, max_size=4),
    data=st.data(),
)
def test_lists_at_equals_take(lists: list[list[str]], data: st.DataObject) -> None:
    typ = pa.list_(pa.string())
    idx = np.array(data.draw(st.lists(st.integers(0, len(lists) - 1), max_size=40)), dtype=np.int64)
    out = lists_at(lists, idx, typ)
    out.validate(full=True)
    assert out.type == typ
    assert out.to_pylist() == pa.array(lists, typ).take(pa.array(idx)).to_pylist()


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(st.integers(1, 3), max_size=30), many=st.booleans())
def test_repeat_rows_equals_take(counts: list[int], many: bool) -> None:
    n = len(counts)
    table = pa.table({"a": pa.array([f"r{i}" for i in range(n)]), "b": np.arange(n)})
    c = np.array(counts, dtype=np.int64)
    want = table.take(pa.array(np.repeat(np.arange(n), c)))
    old = amod._MAX_RUNS
    amod._MAX_RUNS = 0 if many else old
    try:
        got = repeat_rows(table, c)
    finally:
        amod._MAX_RUNS = old
    assert got.equals(want)


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 5), min_size=1, max_size=6),
    data=st.data(),
)
def test_take_rows_equals_take(sizes: list[int], data: st.DataObject) -> None:
    n = sum(sizes)
    values = [f"id{i}" if i % 4 else None for i in range(n)]
    chunks = []
    start = 0
    for size in sizes:
        chunks.append(pa.array(values[start : start + size], pa.string()))
        start += size
    column = pa.chunked_array(chunks, pa.string())
    rows = np.array(data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=20 if n else 0)))
    rows = rows.astype(np.int64)
    want = [values[r] for r in rows.tolist()]
    assert take_rows(column, rows).to_pylist() == want
    assert take_rows(pa.array(values, pa.string()), rows).to_pylist() == want
    assert take_rows(pa.chunked_array([pa.array(values, pa.string())]), rows).to_pylist() == want
