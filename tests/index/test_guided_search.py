"""The pre-filter-guided one-edit search (``OneEdit.search(key, probe)``) finds
exactly the rows of the full search, the pure reference and brute force.

The guided search enumerates only the edit places whose filter test passes and
asks the filter again for each substitution or insertion variant before it
probes the index; a filter never says "no" to a key it holds, so the rows are
the same.  Held equal here for filters of the right size, overfull ones (many
false "maybe"s), saturated ones (every test passes: the full search), keys up
to and past the guided length (64 bytes) and indexes grown by deltas.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA

import hotlist.index._keyindex as kmod
from hotlist.index import KeyIndex
from hotlist.index import _prefilter as pf
from hotlist.index._arrow import StringColumn

fast = pytest.importorskip("hotlist.index._fast", reason="compiled kernel not built")
kernel = pytest.importorskip("hotlist.index._prefilter_kernel", reason="compiled kernel not built")


def _filter(ix: KeyIndex, items: int | None) -> np.ndarray:
    """The filter of ``ix``'s keys: built as the index builds it (None), or sized
    for ``items`` members (few: overfull), or every bit set (0)."""
    if items is None:
        return pf.built_filter(ix._col)
    if items == 0:
        return np.full(8, 0xFFFFFFFF, dtype=np.uint32)
    col = StringColumn.of(ix.keys)
    words = pf.filter_words(items)
    rows = None if col.valid is None else np.flatnonzero(col.valid)
    kernel.add_keys(words, col.offsets, col.data, rows)
    return words


def _searches(ix: KeyIndex, words: np.ndarray, q: str) -> tuple[list[int], list[int], list[int]]:
    """The guided search (without and with the key bits: both must agree), the
    full one and the one with an unfiltered probe."""
    k = ix._make_kernel()
    b = q.encode()
    probe = ix._make_probe(words)
    guided = k.search(b, probe)
    if _BITS.get("index") is not ix:  # made once per index (the last one asked)
        with_bits = ix._make_kernel()
        with_bits.make_key_bits()
        assert with_bits.has_key_bits == (len(ix.keys) > 0 and ix.n_indexed > 0)
        _BITS.update(index=ix, kernel=with_bits)
    assert _BITS["kernel"].search(b, probe) == guided
    return guided, k.search(b), k.search(b, ix._make_probe(None))


_BITS: dict[str, Any] = {}


@settings(max_examples=120, deadline=None)
@given(
    data=st.data(),
    dir_bits=st.sampled_from([1, 16, None]),
    large=st.booleans(),
    pos_cap=st.sampled_from([0, 2, 64]),
    items=st.sampled_from([None, None, 1, 5, 0]),
)
def test_guided_equals_full_pure_and_brute_force(
    data: st.DataObject, dir_bits: int | None, large: bool, pos_cap: int, items: int | None
) -> None:
    alphabet, keys = data.draw(key_lists(max_len=9))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kmod, "_POS_CAP", pos_cap)
        ix = KeyIndex.build(arrow(keys, large), dir_bits=dir_bits)
    words = _filter(ix, items)
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=8)):
        guided, full, unfiltered = _searches(ix, words, q)
        want = rows_within_one(keys, q)
        assert guided == full == unfiltered == want
        assert ix.within_one_edit_py(q).tolist() == want


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(58, 70))
def test_guided_at_and_past_its_longest_key(data: st.DataObject, n: int) -> None:
    """Keys around GUIDED_MAX (64 bytes): the guided search up to it, the full one past."""
    base = data.draw(st.text(alphabet="AB01", min_size=n, max_size=n))
    keys: list[str | None] = [base, base[:-1], base + "A", base[:5] + "B" + base[6:], "A" * n]
    ix = KeyIndex.build(arrow(keys, False))
    words = _filter(ix, None)
    for q in [base, base[:-1], base[1:], base + "0", base[:3] + "1" + base[4:], "B" * n]:
        guided, full, _ = _searches(ix, words, q)
        assert guided == full == rows_within_one(keys, q)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_guided_after_a_delta(data: st.DataObject) -> None:
    """An index merged by a delta searches with its grown filter (deleted keys'
    bits stay set: more "maybe"s, the same rows)."""
    alphabet, keys = data.draw(key_lists(max_len=8))
    old = KeyIndex.build(arrow(keys, False), dir_bits=16)
    old._filter = pf.built_filter(old._col)
    keep = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    added = data.draw(st.lists(st.one_of(st.none(), st.text(alphabet=alphabet, max_size=8))))
    now = [k for k, y in zip(keys, keep, strict=True) if y] + added
    merged = old.merged(np.array(keep, dtype=bool), arrow(now, False))
    words = merged._filter if merged._filter is not None else pf.built_filter(merged._col)
    for q in data.draw(st.lists(query_for(alphabet, now, max_len=9), min_size=1, max_size=6)):
        guided, full, _ = _searches(merged, words, q)
        assert guided == full == rows_within_one(now, q)
        assert merged.within_one_edit(q).tolist() == guided


def test_guided_on_document_numbers() -> None:
    """Fixed-format numbers (the position alphabet narrow), listed and edited."""
    rng = np.random.default_rng(11)
    letters = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
    mat = letters[rng.integers(0, 36, (3000, 9))]
    mat[:, 2:] = letters[26 + rng.integers(0, 10, (3000, 7))]
    strs = [bytes(r).decode() for r in mat] + ["L898902C3"] * 5
    keys: list[str | None] = list(strs)
    ix = KeyIndex.build(arrow(keys, False))
    words = _filter(ix, None)
    queries = [*strs[:200], "L898902C", "L89890C3", "L898920C3", "L8989022C3"]
    queries += [k[:4] + "7" + k[5:] for k in strs[:200]] + [k[:3] + k[4:] for k in strs[:100]]
    found = 0
    for q in queries:
        guided, full, _ = _searches(ix, words, q)
        assert guided == full == rows_within_one(keys, q)
        found += bool(guided)
    assert found > 200


@settings(max_examples=60, deadline=None)
@given(
    base=st.text(alphabet="ABC012", min_size=1, max_size=12),
    extra=st.sampled_from("XY9"),
    pos_cap=st.sampled_from([0, 64]),
)
def test_every_edit_at_every_place_is_found(base: str, extra: str, pos_cap: int) -> None:
    """Every one-edit neighbour of a query listed (each insertion, deletion,
    substitution and transposition at each place, plus the query itself and keys two
    edits away): the guided search finds exactly brute force's rows, from the
    query and from each neighbour."""
    n = len(base)
    near = {base}
    near |= {base[:j] + extra + base[j:] for j in range(n + 1)}
    near |= {base[:p] + base[p + 1 :] for p in range(n)}
    near |= {base[:p] + extra + base[p + 1 :] for p in range(n)}
    near |= {base[: p - 1] + base[p] + base[p - 1] + base[p + 1 :] for p in range(1, n)}
    far = {extra * 2 + base, base[2:] + extra}
    keys: list[str | None] = [k for k in sorted(near | far)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kmod, "_POS_CAP", pos_cap)
        ix = KeyIndex.build(arrow(keys, False))
    words = _filter(ix, None)
    for q in [base, *sorted(near)[:6]]:
        guided, full, _ = _searches(ix, words, q)
        assert guided == full == rows_within_one(keys, q)


def test_key_bits_made_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    """An index of KEY_BITS_FROM keys or more makes its key bits on its first guided
    search, in a thread; the rows are the same before and after."""
    monkeypatch.setattr(fast, "KEY_BITS_FROM", 100)
    rng = np.random.default_rng(5)
    keys: list[str | None] = [str(x).zfill(9) for x in rng.integers(0, 10**9, 3000)]
    ix = KeyIndex.build(arrow(keys, False), dir_bits=16)
    words = _filter(ix, None)
    k = ix._make_kernel()
    probe = ix._make_probe(words)
    queries = [*keys[:50], *(q[:4] + "7" + q[5:] for q in keys[50:100] if q)]
    assert not k.has_key_bits
    before = [k.search(q.encode(), probe) for q in queries if q]
    for _ in range(200):
        if k.has_key_bits:
            break
        time.sleep(0.01)
    assert k.has_key_bits
    assert [k.search(q.encode(), probe) for q in queries if q] == before
    assert before == [rows_within_one(keys, q) for q in queries if q]


def _wait_for_bits(k: Any) -> None:
    for _ in range(3000):
        if k.has_key_bits:
            return
        time.sleep(0.01)
    raise AssertionError("the key bits were not made")


def test_key_bits_grown_by_deltas() -> None:
    """An index merged by a delta makes its key and place bits from the old
    index's (copied, the added keys set, the deleted keys' bits left: a "maybe"
    more) in the background: the guided search finds the rows of the full search
    and of brute force for kept, added and deleted keys and their one-edit
    variants, delta after delta; past an eighth of the keys deleted since the
    bits were made whole they are made whole again."""
    rng = np.random.default_rng(11)
    alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

    def numbers(n: int) -> list[str | None]:
        return ["".join(rng.choice(list(alphabet), int(rng.integers(7, 10)))) for _ in range(n)]

    # 3,000 keys and the sizes the deltas make stay within one size of bits
    # (a key count crossing a power of two makes them whole, of the new size)
    keys = numbers(3000)
    ix = KeyIndex.build(arrow(keys, False), dir_bits=16)
    ix._make_kernel().make_key_bits()
    stale = []
    for step, dropped in enumerate([0.03, 0.03, 0.2]):
        keep = rng.random(len(keys)) > dropped
        gone = [k for k, y in zip(keys, keep, strict=True) if not y]
        now = [k for k, y in zip(keys, keep, strict=True) if y] + numbers(300)
        merged = ix.merged(keep, arrow(now, False))
        k = merged._kernel
        assert k is not None, step  # the old index had its bits: the new one is seeded
        _wait_for_bits(k)
        stale.append(k.stale_keys)
        probe = merged._make_probe(pf.built_filter(merged._col))
        queries = [q for q in [*now[-300:], *now[:200], *gone[:100]] if q]
        nxt = {c: alphabet[(i + 1) % len(alphabet)] for i, c in enumerate(alphabet)}
        queries += [q[:3] + nxt[q[3]] + q[4:] for q in queries[:300]]
        queries += [q[:2] + q[3:] for q in queries[:100]]
        queries += [q[:5] + "7" + q[5:] for q in queries[:100]]
        # brute force (rapidfuzz's OSA over every key: rows_within_one's answer,
        # fast enough for ~1,100 queries x 3,300 keys a step)
        within = process.cdist(queries, now, scorer=OSA.distance, score_cutoff=1) <= 1
        for q, row in zip(queries, within, strict=True):
            b = q.encode()
            assert k.search(b, probe) == k.search(b) == np.flatnonzero(row).tolist(), (step, q)
        ix, keys = merged, now
    deleted = [int(s) for s in stale]
    assert deleted[0] > 0 and deleted[1] > deleted[0]  # grown from the old bits, twice
    assert deleted[2] == 0  # a fifth deleted: made whole again
