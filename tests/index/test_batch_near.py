"""``check_many``'s one-edit pass (``hotlist._batch_docs.within_one_edit_many``)
finds exactly what brute force finds.

With the kernel and the index's pre-filter built, one compiled pass over the
keys' bytes (``Probe.near_exact_many``) chooses the rows that are searched; the
answer must be the same as searching every row (and as brute force over the
listed keys), for keys of any alphabet, nulls, slices that do not start at 0,
and a row subset."""

from __future__ import annotations

import numpy as np
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import _batch_docs
from hotlist._batch_docs import within_one_edit_many
from hotlist.index import KeyIndex
from hotlist.index._arrow import StringColumn
from hotlist.index._keyindex import COMPILED


@settings(max_examples=150, deadline=None)
@given(data=st.data(), large=st.booleans(), sliced=st.booleans(), threaded=st.booleans())
def test_within_one_edit_many_is_brute_force(
    data: st.DataObject, large: bool, sliced: bool, threaded: bool
) -> None:
    """Also with the compiled pass split over threads (from 1 key on)."""
    with pytest.MonkeyPatch.context() as mp:
        if threaded:
            mp.setattr(_batch_docs, "THREADED_FROM", 1)
        _brute_force(data, large, sliced)


def _brute_force(data: st.DataObject, large: bool, sliced: bool) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    ix = KeyIndex.build(arrow(keys, large))
    queries = data.draw(st.lists(st.none() | query_for(alphabet, keys, max_len=10), max_size=16))
    chosen = data.draw(st.lists(st.booleans(), min_size=len(queries), max_size=len(queries)))
    rows = np.flatnonzero(
        np.array([c and q is not None for c, q in zip(chosen, queries, strict=True)], bool)
    )
    col = arrow(["X", *queries], large).slice(1) if sliced else arrow(queries, large)
    qs, found = within_one_edit_many(ix, col, rows)
    got = {j: sorted(f.tolist()) for j, f in zip(qs, found, strict=True)}
    expected = {}
    for j in rows.tolist():
        q = queries[j]
        assert q is not None
        near = rows_within_one(keys, q)
        if near:
            expected[j] = near
    assert got == expected
    assert qs == sorted(qs)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), ahead=st.integers(1, 16))
def test_near_exact_many_pipelined_equals_one_by_one(data: st.DataObject, ahead: int) -> None:
    """However many keys are prefetched ahead, each answer is ``near_exact``'s."""
    if not COMPILED:
        return
    alphabet, keys = data.draw(key_lists(max_len=9))
    ix = KeyIndex.build(arrow(keys))
    queries: list[str | None] = list(
        data.draw(st.lists(query_for(alphabet, keys, max_len=10) | st.just("Q" * 70), max_size=40))
    )
    col = StringColumn.of(arrow(queries))
    out = np.empty(len(queries), dtype=np.uint8)
    ix.probe().near_exact_many(col.offsets, col.data, out, ahead)
    assert out.tolist() == [int(ix.probe().near_exact(str(q).encode())) for q in queries]
