"""kept_then (a delta's kept rows, then its new ones) equals a filter and a concat."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._arrow as amod
from hotlist.index import kept_then

_texts = st.lists(st.one_of(st.none(), st.text(alphabet="AB0", max_size=3)), max_size=40)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), old=_texts, new=_texts, max_runs=st.sampled_from([0, 1, 3, 4096]))
def test_kept_then_equals_filter_and_concat(
    data: st.DataObject, old: list[str | None], new: list[str | None], max_runs: int
) -> None:
    keep = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(old), max_size=len(old))), dtype=bool
    )
    want = [v for v, k in zip(old, keep.tolist(), strict=True) if k] + new
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(amod, "_MAX_RUNS", max_runs)  # slices, and the filter past the bound
        arr = kept_then(pa.array(old, pa.string()), keep, pa.array(new, pa.large_string()))
        table = kept_then(
            pa.table(
                {
                    "v": pa.array(old, pa.string()).dictionary_encode(),
                    "i": pa.array(range(len(old)), pa.int64()),
                }
            ),
            keep,
            pa.table(
                {
                    "v": pa.array(new, pa.string()).dictionary_encode(),
                    "i": pa.array([-1] * len(new), pa.int64()),
                }
            ),
        )
    assert arr.type == pa.string() and arr.to_pylist() == want
    assert table.column("v").num_chunks == 1
    assert table.column("v").to_pylist() == want
    assert table.column("i").to_pylist() == np.flatnonzero(keep).tolist() + [-1] * len(new)
