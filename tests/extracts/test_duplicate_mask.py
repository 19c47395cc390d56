"""duplicate_mask (hash pre-pass, then Arrow's dictionary over the rows whose hash
repeats) equals the plain first-occurrence rule over every usable row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.extracts._canonical import duplicate_mask


@settings(max_examples=150, deadline=None)
@given(data=st.data(), ids=st.lists(st.text(alphabet="ab1", max_size=3), max_size=40))
def test_duplicate_mask_is_the_first_occurrence_rule(data: st.DataObject, ids: list[str]) -> None:
    usable = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids))), dtype=bool
    )
    want = np.zeros(len(ids), dtype=bool)
    first: dict[str, int] = {}
    repeated: set[str] = set()
    for i, (v, ok) in enumerate(zip(ids, usable.tolist(), strict=True)):
        if not ok:
            continue
        if v in first:
            want[i] = True
            repeated.add(v)
        else:
            first[v] = i + 1
    large = data.draw(st.booleans())
    dup, rows = duplicate_mask(pa.array(ids, pa.large_string() if large else pa.string()), usable)
    assert dup.tolist() == want.tolist()
    assert rows == {v: first[v] for v in repeated}
