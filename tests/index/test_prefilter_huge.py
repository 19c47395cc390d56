"""A pre-filter in huge-page memory (``_prefilter.huge_zeros``, used from
``HUGE_FROM`` bytes on) is the same filter: zeroed, writable, equal bit for bit
to the one in ordinary memory, and its index answers as brute force does."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.index import KeyIndex
from hotlist.index import _prefilter as pf
from hotlist.index._keyindex import COMPILED


@pytest.mark.parametrize("size", [0, 1, 8, 1000, 3 << 19])
def test_huge_zeros_are_zeroed_writable_words(size: int) -> None:
    words = pf.huge_zeros(size)
    assert words.dtype == np.uint32
    assert words.shape == (size,)
    assert words.flags.writeable
    assert not words.any()
    words[:] = 7
    assert int(words.sum()) == 7 * size
    again = pickle.loads(pickle.dumps(words))
    assert np.array_equal(again, words)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_huge_filter_is_the_same_filter(data: st.DataObject) -> None:
    if not COMPILED:
        pytest.skip("no compiled pre-filter")
    alphabet, keys = data.draw(key_lists(max_len=9))
    plain = KeyIndex.build(arrow(keys))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pf, "HUGE_FROM", 0)
        huge = KeyIndex.build(arrow(keys))
        huge_filter = huge.arrays()["prefilter"]
    assert np.array_equal(huge_filter, plain.arrays()["prefilter"])
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=8)):
        assert huge.probe().near_exact(q.encode()) == bool(rows_within_one(keys, q))
