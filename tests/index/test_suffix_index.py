from __future__ import annotations

import numpy as np
import pyarrow as pa
from _index_refs import arrow, key_lists, rows_ending_with
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.index import SuffixIndex


@settings(max_examples=150, deadline=None)
@given(data=st.data(), large=st.booleans())
def test_ending_with_matches_brute_force(data: st.DataObject, large: bool) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    ix = SuffixIndex.build(arrow(keys, large))
    present = [k for k in keys if k]
    tails = st.text(alphabet=alphabet + "Z", max_size=10)
    if present:
        tails = st.one_of(
            tails,
            st.builds(
                lambda k, n: k[-n:] if n else "", st.sampled_from(present), st.integers(0, 9)
            ),
        )
    for s in data.draw(st.lists(tails, min_size=1, max_size=6)):
        got = ix.ending_with(s)
        assert got.dtype == np.int64
        assert got.tolist() == rows_ending_with(keys, s)


def test_partial_vins_and_round_trip() -> None:
    vins = [f"WVWZZZ1JZ{y}W{i:06d}" for i, y in zip(range(2000), "XY" * 1000, strict=True)]
    vins[17] = None  # type: ignore[call-overload]
    keys = pa.array(vins)
    ix = SuffixIndex.build(keys)
    assert ix.ending_with("000042").tolist() == [42]
    assert ix.ending_with("XW000042").tolist() == [42]
    assert ix.ending_with("YW000042").tolist() == []
    assert ix.ending_with("000017").tolist() == []
    assert ix.nbytes == 4 * 1999 + 8 * 63  # rows and one fence entry per 32
    back = SuffixIndex.from_arrays(keys, {k: v.copy() for k, v in ix.arrays().items()})
    assert back.ending_with("00004").tolist() == [4]
    assert ix.ending_with("04").tolist() == list(range(4, 2000, 100))


@settings(max_examples=30, deadline=None)
@given(
    keys=st.lists(
        st.one_of(st.none(), st.text(alphabet="AB01", max_size=11)), min_size=100, max_size=600
    ),
    tails=st.lists(st.text(alphabet="AB01", max_size=10), min_size=1, max_size=8),
)
def test_many_keys_cross_fence_blocks(keys: list[str | None], tails: list[str]) -> None:
    ix = SuffixIndex.build(arrow(keys))
    for s in tails + [k[-9:] for k in keys[:5] if k]:
        assert ix.ending_with(s).tolist() == rows_ending_with(keys, s)
