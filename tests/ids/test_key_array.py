"""docnum.key_array (the index key of listed numbers in one pass) equals the two
passes it replaces and the scalar pair, on arbitrary text."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.ids import docnum

_TEXT = st.one_of(
    st.none(),
    st.text(alphabet="aAoO0iIlL1sS5bB8zZ2gG6 -./<\u00e9\u00df\uff21\u0131\t", max_size=10),
    st.text(max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(_TEXT, max_size=25), large=st.booleans(), sliced=st.booleans())
def test_key_array_equals_ocr_key_of_compact(
    values: list[str | None], large: bool, sliced: bool
) -> None:
    arr = pa.array(
        ["x", *values] if sliced else values, pa.large_string() if large else pa.string()
    )
    if sliced:
        arr = arr.slice(1)
    got = docnum.key_array(arr).to_pylist()
    assert got == docnum.ocr_key_array(docnum.compact_array(arr)).to_pylist()
    assert got == [None if v is None else docnum.ocr_key(docnum.compact(v)) for v in values]
