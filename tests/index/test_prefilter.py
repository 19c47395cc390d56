"""The miss pre-filter (``hotlist.index._prefilter``) never hides a key within one edit.

The compiled kernel equals the pure reference bit for bit (hashes, built
filters, answers); a "no" from the filter implies brute force finds no key
within one edit (OSA <= 1), for filters built at once, grown by deltas
(``KeyIndex.merged``: new keys added in place) and read back from arrays;
``DocumentMiss`` takes the same key as ``docnum.plain_keys``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.ids import docnum
from hotlist.index import KeyIndex
from hotlist.index import _prefilter as pf
from hotlist.index._arrow import StringColumn
from hotlist.index._keyindex import COMPILED

kernel = pytest.importorskip("hotlist.index._prefilter_kernel", reason="compiled kernel not built")

BYTES = st.binary(max_size=12) | st.binary(min_size=60, max_size=300)


def _compiled_filter(keys: list[str | None], items: int, large: bool = False) -> np.ndarray:
    col = StringColumn.of(arrow(keys, large))
    words = pf.filter_words(items)
    rows = None if col.valid is None else np.flatnonzero(col.valid)
    kernel.add_keys(words, col.offsets, col.data, rows)
    return words


@settings(max_examples=200, deadline=None)
@given(BYTES)
def test_variant_hashes_equal_the_reference(key: bytes) -> None:
    if len(key) > 256:
        return
    assert kernel.variant_hashes(key) == [pf.variant_hash(v) for v in pf.deletion_variants(key)]


@settings(max_examples=100, deadline=None)
@given(data=st.data(), large=st.booleans(), items=st.sampled_from([1, 7, 64, 400]))
def test_compiled_filter_equals_the_reference(data: st.DataObject, large: bool, items: int) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    words = _compiled_filter(keys, items, large)
    ref = pf.filter_words(items)
    pf.add_keys_py(ref, [k.encode() for k in keys if k is not None])
    assert np.array_equal(words, ref)
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=8)):
        assert kernel.maybe_near(words, q.encode()) == pf.maybe_near_py(ref, q.encode())


@settings(max_examples=200, deadline=None)
@given(data=st.data(), items=st.sampled_from([1, 8, 100]))
def test_no_means_nothing_within_one_edit(data: st.DataObject, items: int) -> None:
    """Small filters (many false "maybe"s) and large: a "no" is always right."""
    alphabet, keys = data.draw(key_lists(max_len=9))
    words = _compiled_filter(keys, items)
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=12)):
        if rows_within_one(keys, q):
            assert kernel.maybe_near(words, q.encode())
            assert pf.maybe_near_py(words, q.encode())


def test_every_one_edit_neighbour_passes() -> None:
    """Every substitution, insertion, deletion and adjacent transposition of a
    listed key, over the alphabet and a byte it does not hold, passes."""
    keys = ["L898902C3", "AB", "", "X", "AAB", "1000000"]
    words = _compiled_filter(list(keys), 4000)
    alphabet = "ABCLX0123489#"
    for k in keys:
        near = {k}
        for i in range(len(k) + 1):
            for c in alphabet:
                near.add(k[:i] + c + k[i:])
                if i < len(k):
                    near.add(k[:i] + c + k[i + 1 :])
            if i < len(k):
                near.add(k[:i] + k[i + 1 :])
            if i + 1 < len(k):
                near.add(k[:i] + k[i + 1] + k[i] + k[i + 2 :])
        for q in near:
            assert kernel.maybe_near(words, q.encode()), (k, q)
    assert not kernel.maybe_near(words, b"QQQQQQQQ")  # a big, sparse filter says no


@settings(max_examples=150, deadline=None)
@given(data=st.data(), items=st.sampled_from([1, 8, 1000]), large=st.booleans())
def test_near_exact_is_brute_force(data: st.DataObject, items: int, large: bool) -> None:
    """The filter plus the exact probes of each passing test (what the compiled
    miss check asks) says "near" exactly when brute force finds a key within one
    edit; a tiny filter passes almost every test, so the probes decide."""
    alphabet, keys = data.draw(key_lists(max_len=9))
    ix = KeyIndex.build(arrow(keys, large))
    col = StringColumn.of(ix.keys)
    probe = kernel.Probe(
        *(ix.arrays()[k] for k in ("directory", "fp", "rows")),
        col.offsets,
        col.data,
        _compiled_filter(keys, items, large),
        32 - (len(ix.arrays()["directory"]) - 1).bit_length() + 1,
        ix.alphabet,
    )
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=12)):
        assert probe.near_exact(q.encode()) == bool(rows_within_one(keys, q))
        assert ix.probe().near_exact(q.encode()) == bool(rows_within_one(keys, q))


@settings(max_examples=80, deadline=None)
@given(data=st.data(), large=st.booleans())
def test_near_many_is_within_one_edit(data: st.DataObject, large: bool) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    ix = KeyIndex.build(arrow(keys, large))
    queries = data.draw(st.lists(st.none() | query_for(alphabet, keys, max_len=10), max_size=12))
    got = ix.near_many(arrow(queries, large)).tolist()
    if not COMPILED:  # HOTLIST_PURE: no filter, every key may be near
        assert got == [q is not None for q in queries]
        return
    assert got == [q is not None and bool(rows_within_one(keys, q)) for q in queries]
    sliced = arrow(["X", *queries], large).slice(1)  # offsets that do not start at 0
    assert ix.near_many(sliced).tolist() == got


def _index(keys: list[str | None]) -> KeyIndex:
    return KeyIndex.build(pa.array(keys, pa.string()), dir_bits=16)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_filter_through_deltas_and_saved_arrays(data: st.DataObject) -> None:
    """KeyIndex.merged adds the new keys' bits (deleted keys leave theirs: only a
    needless search), and from_arrays reads the filter back: within_one_edit,
    which asks the filter first, equals brute force throughout."""
    alphabet, keys = data.draw(key_lists(max_len=9))
    _, added = data.draw(key_lists(max_len=9))
    ix = _index(keys)
    ix.probe()  # the filter is made, so that merged grows it
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys))))
    merged_keys = [k for k, kept in zip(keys, keep, strict=True) if kept] + added
    merged = ix.merged(keep, pa.array(merged_keys, pa.string()))
    back = KeyIndex.from_arrays(pa.array(merged_keys, pa.string()), merged.arrays())
    assert ("prefilter" in merged.arrays()) == COMPILED
    queries = data.draw(st.lists(query_for(alphabet, merged_keys, max_len=10), max_size=10))
    for q in [*queries, *(k for k in added if k is not None)]:
        want = rows_within_one(merged_keys, q)
        assert merged.within_one_edit(q).tolist() == want
        assert back.within_one_edit(q).tolist() == want
        assert merged.probe().contains(q.encode()) == (q in merged_keys)


@pytest.mark.skipif(not COMPILED, reason="HOTLIST_PURE: no filter")
def test_read_only_filter_is_copied_by_a_delta() -> None:
    ix = _index(["AB12", "CD34"])
    arrays = ix.arrays()
    ro = arrays["prefilter"].copy()
    ro.flags.writeable = False
    saved = KeyIndex.from_arrays(ix.keys, {**arrays, "prefilter": ro})
    merged = saved.merged(np.array([True, False]), pa.array(["AB12", "EF56"]))
    assert merged.within_one_edit("EF57").tolist() == [1]
    assert merged.within_one_edit("CD34").tolist() == []
    assert not ro.flags.writeable


DOCUMENT_TEXT = st.text(
    st.sampled_from("L898902C3ABOQIZS5lo -./<\t\n\x00\u00a0\u00e9#"), max_size=24
) | st.text(max_size=10)


@settings(max_examples=500, deadline=None)
@given(DOCUMENT_TEXT)
def test_document_miss_key_is_plain_keys(text: str) -> None:
    test = kernel.DocumentMiss(*docnum.plain_tables(), docnum.MAX_LENGTH, 200)
    plain = docnum.plain_keys(text) if len(text) <= 200 else None
    assert test.key(text) == (None if plain is None else plain[1])
