"""The compiled one-edit search (``hotlist.index._fast``) equals the pure reference.

``KeyIndex.within_one_edit`` uses the compiled kernel when it is built; these
tests hold it equal, row for row, to ``KeyIndex.within_one_edit_py`` (the pure
Python + numpy search) and to brute force over the same keys.  Skipped where
the extension was not built (the pure path is then the only one, and the rest
of ``tests/index`` covers it).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._keyindex as kmod
from hotlist.index import KeyIndex

fast = pytest.importorskip("hotlist.index._fast", reason="compiled kernel not built")


def _both(ix: KeyIndex, q: str) -> tuple[list[int], list[int]]:
    compiled = ix._make_kernel().search(q.encode())
    pure = ix.within_one_edit_py(q).tolist()
    return compiled, pure


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    dir_bits=st.sampled_from([1, 3, 16, None]),
    large=st.booleans(),
    pos_cap=st.sampled_from([0, 2, 64]),
)
def test_compiled_equals_pure_and_brute_force(
    data: st.DataObject, dir_bits: int | None, large: bool, pos_cap: int
) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kmod, "_POS_CAP", pos_cap)
        ix = KeyIndex.build(arrow(keys, large), dir_bits=dir_bits)
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=8)):
        compiled, pure = _both(ix, q)
        assert compiled == pure == rows_within_one(keys, q)


def test_compiled_on_document_numbers_and_saved_arrays() -> None:
    rng = np.random.default_rng(5)
    letters = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
    mat = letters[rng.integers(0, 36, (400, 9))]
    mat[:, 2:] = letters[26 + rng.integers(0, 10, (400, 7))]
    strs = [bytes(r).decode() for r in mat] + ["L898902C3"] * 20 + ["P1", "", "P12345678901"]
    keys: list[str | None] = list(strs)
    ix = KeyIndex.build(pa.array(keys))
    back = KeyIndex.from_arrays(
        pa.array(keys), {k: v for k, v in ix.arrays().items() if k != "position_alphabet"}
    )  # the global alphabet at every position
    queries = [*strs[:60], "L898902C", "L89890C3", "L898920C3", "P", "P2", "X" * 30, "Q"]
    queries += [k[:3] + "Z" + k[4:] for k in strs[:40]] + [k[:-1] for k in strs[:40]]
    for q in queries:
        want = rows_within_one(keys, q)
        assert _both(ix, q) == (want, want)
        assert _both(back, q) == (want, want)
        assert ix.within_one_edit(q).tolist() == want


@settings(max_examples=60, deadline=None)
@given(data=st.data(), large=st.booleans())
def test_merged_delta_equals_a_full_rebuild(data: st.DataObject, large: bool) -> None:
    """KeyIndex.merged (kept rows renumbered, new keys merged in) gives the same
    arrays and the same answers as building the index over the new keys."""
    alphabet, keys = data.draw(key_lists(max_len=8))
    old = KeyIndex.build(arrow(keys, large), dir_bits=16)
    keep = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    added = data.draw(st.lists(st.one_of(st.none(), st.text(alphabet=alphabet, max_size=8))))
    now = [k for k, y in zip(keys, keep, strict=True) if y] + added
    merged = old.merged(np.array(keep, dtype=bool), arrow(now, large))
    rebuilt = KeyIndex.build(arrow(now, large), dir_bits=16)
    for name in ("directory", "fp", "rows"):  # new keys longer than the old too
        assert merged.arrays()[name].tolist() == rebuilt.arrays()[name].tolist()
    # the lengths (like the alphabets) may over-cover after deletions, never under
    assert merged.arrays()["max_length"][0] >= rebuilt.arrays()["max_length"][0]
    for q in data.draw(st.lists(query_for(alphabet, now), min_size=1, max_size=6)):
        assert merged.lookup(q).tolist() == rebuilt.lookup(q).tolist()
        assert merged.within_one_edit(q).tolist() == rows_within_one(now, q)
        assert merged.within_one_edit_py(q).tolist() == rows_within_one(now, q)


@pytest.mark.parametrize("deleted", [0, 3, 900, 4000])
def test_merged_over_many_blocks_equals_a_full_rebuild(deleted: int) -> None:
    """Rows in several 1024-row blocks, clean and marked ones (merge_entries'
    coarse table), deletions at block edges, new keys longer than the old."""
    rng = np.random.default_rng(deleted)
    letters = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
    keys = [bytes(r).decode() for r in letters[rng.integers(0, 36, (9000, 5))]]
    old = KeyIndex.build(pa.array(keys), dir_bits=16)
    keep = np.ones(len(keys), dtype=bool)
    keep[rng.choice(len(keys), deleted, replace=False)] = False
    if deleted:
        keep[[0, 1023, 1024, 8191, 8999]] = False
    added = [bytes(r).decode() for r in letters[rng.integers(0, 36, (700, 6))]]
    now = [k for k, y in zip(keys, keep.tolist(), strict=True) if y] + added + keys[:50]
    merged = old.merged(keep, pa.array(now))
    rebuilt = KeyIndex.build(pa.array(now), dir_bits=16)
    for name in ("directory", "fp", "rows", "max_length"):
        assert merged.arrays()[name].tolist() == rebuilt.arrays()[name].tolist()
    assert merged.arrays()["max_length"][0] == 6
    for q in [*now[::97], *(k[:-1] for k in added[:30])]:
        assert merged.within_one_edit(q).tolist() == rows_within_one(now, q)
