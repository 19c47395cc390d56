"""check_many's compiled byte pass over the document column
(``_crc_kernel.map_keys`` behind ``_batch_docs._map_keys``) equals its
``bytes.translate`` / numpy reference."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist._batch_docs as bmod
from hotlist.fields import field

pytestmark = pytest.mark.skipif(bmod._compiled_map_keys is None, reason="HOTLIST_PURE or no kernel")

# document numbers as typed: letters, digits, separators (space, -, /, .), refused
# bytes (control characters, punctuation), non-ASCII, and lengths around the limits
_TEXT = st.one_of(
    st.text(alphabet="AB01o -/.", max_size=25),
    st.text(alphabet="aZ9 \t-\u00e9\u20ac#", max_size=8),
    st.text(max_size=6),
    st.text(alphabet="A ", min_size=field("document").max_length - 2, max_size=70),
)


def _both(arr: pa.Array) -> tuple[bmod._Mapped, bmod._Mapped]:
    _, offsets_buf, data_buf = arr.buffers()
    n = len(arr)
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[arr.offset : arr.offset + n + 1]
    return bmod._map_keys(offsets, data_buf), bmod._map_keys_py(offsets, data_buf)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), _TEXT), min_size=1, max_size=40), skip=st.integers(0, 3)
)
def test_compiled_byte_pass_equals_the_reference(values: list[str | None], skip: int) -> None:
    arr = pa.array(values, pa.string()).slice(min(skip, len(values) - 1))
    got, want = _both(arr)
    n = len(arr)
    assert np.frombuffer(got.offsets, np.int32)[: n + 1].tolist() == (
        np.frombuffer(want.offsets, np.int32)[: n + 1].tolist()
    )
    assert got.compact.to_pybytes() == want.compact.to_pybytes()
    assert got.keys.to_pybytes() == want.keys.to_pybytes()
    assert got.ok.tolist() == want.ok.tolist()


def test_every_byte_value() -> None:
    """Each of the 256 bytes alone and amid kept letters (as binary data)."""
    values = [bytes([b]) for b in range(256)] + [b"A" + bytes([b]) + b"1" for b in range(256)]
    arr = pa.array(values, pa.binary())
    got, want = _both(arr)
    assert got.compact.to_pybytes() == want.compact.to_pybytes()
    assert got.keys.to_pybytes() == want.keys.to_pybytes()
    assert got.ok.tolist() == want.ok.tolist()
    assert np.frombuffer(got.offsets, np.int32).tolist() == (
        np.frombuffer(want.offsets, np.int32).tolist()
    )


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(["DEU", "FRA", "", "d", "GBR "]), st.text(max_size=9)),
        min_size=1,
        max_size=40,
    ),
    skip=st.integers(0, 2),
)
def test_compiled_dictionary_equals_arrow(values: list[str | None], skip: int) -> None:
    """_batch_docs._dictionary (compiled for short values) == dictionary_encode."""
    arr = pa.array(values, pa.string()).slice(min(skip, len(values) - 1))
    distinct, idx = bmod._dictionary(arr)
    encoded = arr.dictionary_encode()
    assert distinct == encoded.dictionary.to_pylist()
    assert idx.tolist() == encoded.indices.fill_null(-1).to_pylist()
    short = all(v is None or len(v.encode()) <= 7 for v in arr.to_pylist())
    out = np.empty(len(arr), dtype=np.int32)
    col = bmod.StringColumn.of(arr)
    valid = None if col.valid is None else col.valid.view(np.uint8)
    got = bmod._compiled_short_codes(col.offsets, col.data, valid, out)
    assert (got is not None) == short


def test_many_distinct_values_go_to_arrow() -> None:
    arr = pa.array([f"{i:05d}" for i in range(5000)] * 2)
    distinct, idx = bmod._dictionary(arr)
    assert distinct == [f"{i:05d}" for i in range(5000)]
    assert idx.tolist() == list(range(5000)) * 2
