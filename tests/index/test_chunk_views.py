"""The per-chunk views the compiled hit reads of a delta's table (thousands of
slices of a few arrays) equal those made chunk by chunk the plain way."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist._documents import _decoded, decoded_chunks
from hotlist.index._arrow import StringColumn, string_chunks

_texts = st.lists(st.one_of(st.none(), st.text(alphabet="AB\u00e9", max_size=3)), max_size=30)


def _chunked(draw: st.DrawFn, arrays: list[pa.Array]) -> pa.ChunkedArray:
    """Slices of the arrays (some empty), in drawn order: chunks sharing buffers."""
    chunks = []
    for arr in arrays:
        cuts = sorted({0, len(arr), *draw(st.lists(st.integers(0, len(arr)), max_size=4))})
        chunks += [arr.slice(a, b - a) for a, b in itertools.pairwise(cuts)]
        chunks.append(arr.slice(len(arr)))
    order = draw(st.permutations(range(len(chunks))))
    return pa.chunked_array([chunks[i] for i in order], type=arrays[0].type)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), first=_texts, second=_texts, large=st.booleans())
def test_string_chunks(data: st.DataObject, first: list, second: list, large: bool) -> None:
    kind = pa.large_string() if large else pa.string()
    column = _chunked(data.draw, [pa.array(first, kind), pa.array(second, kind)])
    got = string_chunks(column)
    assert len(got) == column.num_chunks
    for (offsets, data_, valid), chunk in zip(got, column.chunks, strict=True):
        want = StringColumn.of(chunk)
        assert offsets.tolist() == want.offsets.tolist()
        n = len(chunk)
        assert bytes(data_[offsets[0] : offsets[n]]) == bytes(
            want.data[want.offsets[0] : want.offsets[n]]
        )
        assert (valid is None) == (want.valid is None)
        if valid is not None:
            assert valid.tolist() == want.valid.tolist()


@settings(max_examples=150, deadline=None)
@given(data=st.data(), first=_texts, second=_texts, wide=st.booleans())
def test_decoded_chunks(data: st.DataObject, first: list, second: list, wide: bool) -> None:
    def encoded(values: list) -> pa.Array:
        arr = pa.array(values, pa.string()).dictionary_encode()
        return arr.cast(pa.dictionary(pa.int32() if wide else pa.int8(), pa.string()))

    column = _chunked(data.draw, [encoded(first), encoded(second)])
    got = decoded_chunks(column)
    assert len(got) == column.num_chunks
    for (codes, values), chunk in zip(got, column.chunks, strict=True):
        want_codes, want_values = _decoded(chunk)
        decoded = [values[c] if c >= 0 else None for c in codes.tolist()]
        assert decoded == [want_values[c] if c >= 0 else None for c in want_codes.tolist()]
        assert decoded == chunk.to_pylist()
        assert codes.dtype.kind == "i" and isinstance(codes, np.ndarray)
