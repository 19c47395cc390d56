"""The compiled exact lookup of a column (``_crc_kernel.lookup_pairs``, behind
``KeyIndex.lookup_many``) equals its numpy form and brute force."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from _index_refs import arrow, key_lists, query_for, rows_equal
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._keyindex as kmod
from hotlist.index import KeyIndex

pytest.importorskip("hotlist.index._crc_kernel", reason="compiled kernel not built")
pytestmark = pytest.mark.skipif(kmod._compiled_lookup is None, reason="HOTLIST_PURE or no kernel")


def _pairs(qi: np.ndarray, ri: np.ndarray) -> list[tuple[int, int]]:
    assert qi.dtype == ri.dtype == np.int64
    return list(zip(qi.tolist(), ri.tolist(), strict=True))


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    dir_bits=st.sampled_from([1, 3, 16, None]),
    large=st.booleans(),
    large_queries=st.booleans(),
    sliced=st.booleans(),
)
def test_compiled_lookup_many_equals_numpy_and_brute_force(
    data: st.DataObject, dir_bits: int | None, large: bool, large_queries: bool, sliced: bool
) -> None:
    alphabet, keys = data.draw(key_lists())
    ix = KeyIndex.build(arrow(keys, large), dir_bits=dir_bits)
    queries = data.draw(
        st.lists(st.one_of(st.none(), query_for(alphabet, keys)), min_size=0, max_size=50)
    )
    q = arrow(["skipped", *queries] if sliced else queries, large_queries)
    if sliced:
        q = q.slice(1)
    want = [(i, r) for i, k in enumerate(queries) if k is not None for r in rows_equal(keys, k)]
    assert _pairs(*ix.lookup_many(q)) == want
    assert _pairs(*ix.lookup_many_py(q)) == want


def test_many_pairs_grow_the_output() -> None:
    """More pairs than the first output holds (a key listed 300 times, asked 40 times)."""
    keys = ["A"] * 300 + ["B", None, "C"] * 50
    ix = KeyIndex.build(pa.array(keys), dir_bits=1)
    queries = ["A", "B", None, "D"] * 40
    want = [(i, r) for i, k in enumerate(queries) if k is not None for r in rows_equal(keys, k)]
    assert len(want) > 12_000
    assert _pairs(*ix.lookup_many(pa.array(queries))) == want
    assert _pairs(*ix.lookup_many(pa.chunked_array([pa.array(queries)]))) == want


def test_empty_queries_and_empty_index() -> None:
    ix = KeyIndex.build(pa.array(["A", "B"]))
    assert _pairs(*ix.lookup_many(pa.array([], pa.string()))) == []
    assert _pairs(*ix.lookup_many(pa.array([None, None], pa.string()))) == []
    empty = KeyIndex.build(pa.array([], pa.string()))
    assert _pairs(*empty.lookup_many(pa.array(["A", "", None]))) == []
