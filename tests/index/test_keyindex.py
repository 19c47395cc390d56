from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from _index_refs import arrow, key_lists, query_for, rows_equal, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist.index._keyindex as kmod
import hotlist.index._oneedit as omod
from hotlist.index import EMPTY_ROWS, KeyIndex, key_hash, osa_at_most_one
from hotlist.index._arrow import StringColumn
from hotlist.index._hashing import crc32_of_column

# CRC-32 collisions (found by a birthday search over 400,000 random keys)
COLLIDING = [("68GC351", "S5HTY8Z"), ("5OUOJZR", "1OLSJ81"), ("LW43K30", "7WQUYOU")]


def _check_rows(got: np.ndarray, want: list[int]) -> None:
    assert got.dtype == np.int64
    assert got.tolist() == want


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dir_bits=st.sampled_from([1, 3, 16, None]), large=st.booleans())
def test_lookup_and_one_edit_match_brute_force(
    data: st.DataObject, dir_bits: int | None, large: bool
) -> None:
    alphabet, keys = data.draw(key_lists())
    ix = KeyIndex.build(arrow(keys, large), dir_bits=dir_bits)
    queries = data.draw(st.lists(query_for(alphabet, keys), min_size=1, max_size=6))
    for q in queries:
        _check_rows(ix.lookup(q), rows_equal(keys, q))
        assert ix.contains(q) == bool(rows_equal(keys, q))
        _check_rows(ix.within_one_edit(q), rows_within_one(keys, q))
    qi, ri = ix.lookup_many(pa.array([*queries, None]))
    want = [(i, r) for i, q in enumerate(queries) for r in rows_equal(keys, q)]
    assert list(zip(qi.tolist(), ri.tolist(), strict=True)) == want


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_sliced_and_chunked_arrays(data: st.DataObject) -> None:
    alphabet, keys = data.draw(key_lists())
    start = data.draw(st.integers(0, len(keys)))
    sliced = arrow(keys)[start:]
    ix = KeyIndex.build(sliced)
    chunked = KeyIndex.build(pa.chunked_array([arrow(keys[:start]), arrow(keys[start:])]))
    for q in data.draw(st.lists(query_for(alphabet, keys), min_size=1, max_size=4)):
        _check_rows(ix.lookup(q), rows_equal(keys[start:], q))
        _check_rows(ix.within_one_edit(q), rows_within_one(keys[start:], q))
        _check_rows(chunked.lookup(q), rows_equal(keys, q))


@given(st.lists(st.binary(max_size=40), max_size=30))
def test_vectorised_crc_equals_zlib(values: list[bytes]) -> None:
    col = StringColumn.of(pa.array(values, type=pa.binary()))
    assert crc32_of_column(col).tolist() == [zlib.crc32(v) for v in values]
    assert [key_hash(v) for v in values] == [zlib.crc32(v) for v in values]
    rows = np.arange(len(values))[::-2].copy()
    assert crc32_of_column(col, rows).tolist() == [zlib.crc32(values[r]) for r in rows]


# Short strings over a few characters (ASCII and multi-byte) meet within one edit often.
_OSA_TEXT = st.one_of(st.text(max_size=12), st.text(alphabet="ABé€", max_size=6))


@given(_OSA_TEXT, _OSA_TEXT)
def test_osa_at_most_one(a: str, b: str) -> None:
    from references import osa_distance

    # osa_at_most_one compares bytes, so the reference measures the UTF-8 bytes too.
    x, y = a.encode(), b.encode()
    assert osa_at_most_one(x, y) == (osa_distance(x, y) <= 1)


def test_natural_crc_collisions_are_filtered() -> None:
    for a, b in COLLIDING:
        assert zlib.crc32(a.encode()) == zlib.crc32(b.encode())
    ix = KeyIndex.build(pa.array([a for a, _ in COLLIDING]), dir_bits=16)
    for row, (a, b) in enumerate(COLLIDING):
        _check_rows(ix.lookup(a), [row])
        _check_rows(ix.lookup(b), [])
        assert not ix.contains(b)
        # a one-edit variant of the query hashes like a stored key: rejected
        _check_rows(ix.within_one_edit(b[:-1]), [])
        _check_rows(ix.within_one_edit(a[:-1]), [row])
    qi, ri = ix.lookup_many(pa.array([b for _, b in COLLIDING]))
    assert len(qi) == len(ri) == 0


def test_forced_collisions_everything_in_one_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a constant hash every key shares one slot and one fingerprint."""
    monkeypatch.setattr(kmod, "_crc32", lambda b, *a: 0)
    monkeypatch.setattr(omod, "_crc32", lambda b, *a: 0)
    real = crc32_of_column

    def zero_crcs(col: StringColumn, rows: np.ndarray | None = None, **kw: Any) -> np.ndarray:
        real(col, rows, **kw)  # fills the position alphabets
        return np.zeros(len(col) if rows is None else len(rows), dtype=np.uint32)

    monkeypatch.setattr(kmod, "crc32_of_column", zero_crcs)
    real_pairs = kmod.hash_pairs

    def zero_pairs(col: StringColumn, rows: np.ndarray | None = None, **kw: Any) -> np.ndarray:
        return real_pairs(col, rows, **kw) & np.uint64(0xFFFFFFFF)  # (0 << 32) | row

    monkeypatch.setattr(kmod, "hash_pairs", zero_pairs)
    # the compiled lookup_many hashes the queries itself: its numpy form reads the patch
    monkeypatch.setattr(kmod, "_compiled_lookup", None)
    keys = ["AB", "BA", "AB", None, "ABC", "", "B"]
    for bits in (1, 16):
        ix = KeyIndex.build(pa.array(keys), dir_bits=bits)
        for q in ["AB", "BA", "ABC", "", "B", "X", "ABD"]:
            _check_rows(ix.lookup(q), rows_equal(keys, q))
        qi, ri = ix.lookup_many(pa.array(["AB", "X", "", "B"]))
        assert qi.tolist() == [0, 0, 2, 3]
        assert ri.tolist() == [0, 2, 5, 6]


def test_empty_and_null_only_indexes() -> None:
    for keys in ([], [None, None]):
        ix = KeyIndex.build(pa.array(keys, type=pa.string()))
        assert ix.lookup("A") is EMPTY_ROWS
        assert ix.within_one_edit("A") is EMPTY_ROWS
        assert ix.n_indexed == 0
        qi, ri = ix.lookup_many(pa.array(["A", None]))
        assert len(qi) == len(ri) == 0


def test_results_are_read_only_when_shared() -> None:
    assert not EMPTY_ROWS.flags.writeable


def test_long_outlier_keys_and_queries() -> None:
    long = "A" * 300
    keys = [long, long[:-1] + "B", "SHORT", None]
    ix = KeyIndex.build(pa.array(keys))
    _check_rows(ix.within_one_edit(long), [0, 1])
    _check_rows(ix.within_one_edit(long + "A"), [0])
    _check_rows(ix.within_one_edit("X" * 400), [])
    _check_rows(ix.within_one_edit("SHORTER"), [])


def test_arrays_round_trip_through_np_save(tmp_path: Path) -> None:
    keys = pa.array(["L898902C3", "X1", None, "L898902C3", "L898920C3"])
    ix = KeyIndex.build(keys)
    arrays = ix.arrays()
    assert all(isinstance(v, np.ndarray) for v in arrays.values())
    for name, arr in arrays.items():
        np.save(tmp_path / f"{name}.npy", arr)
    loaded = {n: np.load(tmp_path / f"{n}.npy", mmap_mode="r") for n in arrays}
    back = KeyIndex.from_arrays(keys, loaded)
    for q in ["L898902C3", "X1", "X", "L898902C"]:
        assert back.lookup(q).tolist() == ix.lookup(q).tolist()
        assert back.within_one_edit(q).tolist() == ix.within_one_edit(q).tolist()
    assert back.nbytes == ix.nbytes
    with pytest.raises(ValueError):
        KeyIndex.from_arrays(keys, {**arrays, "directory": arrays["directory"][:-1]})


def test_rejects_non_string_keys() -> None:
    with pytest.raises(TypeError):
        KeyIndex.build(pa.array([1, 2]))
    with pytest.raises(TypeError):
        KeyIndex.build(["A", "B"])


def test_hashing_is_deterministic_across_processes() -> None:
    import subprocess
    import sys

    code = "from hotlist.index import key_hash; print(key_hash(b'L898902C3'))"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outs == {str(zlib.crc32(b"L898902C3"))}


def test_bytes_per_record_is_small() -> None:
    n = 100_000
    keys = pa.array([f"P{i:08d}" for i in range(n)])
    ix = KeyIndex.build(keys)
    assert ix.nbytes / n < 12
    assert ix.lookup("P00012345").tolist() == [12345]
    assert 12345 in ix.within_one_edit("P0001234").tolist()


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    pos_cap=st.sampled_from([0, 1, 3]),
    window=st.sampled_from([1, 2, 3]),
    dir_bits=st.sampled_from([1, 2, 16, None]),
)
def test_one_edit_with_small_position_cap_and_window(
    data: st.DataObject, pos_cap: int, window: int, dir_bits: int | None
) -> None:
    """Keys longer than the per-position alphabets cover, and slots longer
    than the fingerprint window (the scalar scan), against brute force."""
    alphabet, keys = data.draw(key_lists())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kmod, "_POS_CAP", pos_cap)
        mp.setattr(omod, "_WINDOW", window)
        ix = KeyIndex.build(arrow(keys), dir_bits=dir_bits)
        for q in data.draw(st.lists(query_for(alphabet, keys), min_size=1, max_size=6)):
            _check_rows(ix.within_one_edit(q), rows_within_one(keys, q))


def test_one_edit_edge_keys() -> None:
    keys = ["A", "B", "", "AB", None, "ABC", "XYZ"]
    ix = KeyIndex.build(pa.array(keys))
    for q in ["", "A", "C", "AB", "BA", "ABCD", "ABCDE", "XY", "XYZW", "Q", "AQ", "ABQ", "~"]:
        _check_rows(ix.within_one_edit(q), rows_within_one(keys, q))
    # bytes never seen at that position (or at all) in keys of that length
    ix = KeyIndex.build(pa.array(["AB1", "AB2", "9B1"]))
    _check_rows(ix.within_one_edit("XB1"), [0, 2])
    _check_rows(ix.within_one_edit("A1B"), [0])  # transposition
    _check_rows(ix.within_one_edit("AB"), [0, 1])  # insertion only
    _check_rows(ix.within_one_edit("AB12"), [0, 1])  # deletion only
    _check_rows(ix.within_one_edit("AB123"), [])  # longer than max length + 1
    _check_rows(ix.within_one_edit("ZZ1"), [])


@pytest.mark.parametrize("dir_bits", [1, 16, None])
def test_one_edit_with_a_key_repeated_past_the_window(dir_bits: int | None) -> None:
    keys = ["L898902C3"] * 40 + ["L898902C4", "X1", "L898902"] + ["Q1234567"] * 25
    ix = KeyIndex.build(pa.array(keys), dir_bits=dir_bits)
    for q in ["L898902C3", "L898902C", "L89890C3", "Q123456", "Q12345678", "Q1234576", "X"]:
        _check_rows(ix.within_one_edit(q), rows_within_one(keys, q))


def test_arrays_without_position_alphabet_still_load() -> None:
    """Arrays saved before ``position_alphabet`` existed: the global alphabet."""
    keys = pa.array(["L898902C3", "X1", None, "L898902C3", "L898920C3", "AB", "ABC"])
    ix = KeyIndex.build(keys)
    arrays = {k: v for k, v in ix.arrays().items() if k != "position_alphabet"}
    back = KeyIndex.from_arrays(keys, arrays)
    assert "position_alphabet" in ix.arrays()
    assert "position_alphabet" not in back.arrays()
    for q in ["L898902C3", "X1", "X", "L898902C", "A", "ABCD", "XB", "L898902C33"]:
        assert back.within_one_edit(q).tolist() == ix.within_one_edit(q).tolist()
        assert back.lookup(q).tolist() == ix.lookup(q).tolist()
    with pytest.raises(ValueError):
        KeyIndex.from_arrays(
            keys, {**ix.arrays(), "position_alphabet": ix.arrays()["position_alphabet"][:-1]}
        )


@settings(max_examples=80, deadline=None)
@given(
    keys=st.lists(
        st.one_of(st.none(), st.text(alphabet="AB0\u00e9\x00", max_size=12)), max_size=30
    ),
    long_key=st.booleans(),
)
def test_alphabet_is_the_bytes_of_the_indexed_keys(keys: list[str | None], long_key: bool) -> None:
    """The alphabet read off the CRC pass's position marks (plus keys over 64 bytes)
    is exactly the set of bytes of the non-null keys."""
    if long_key:
        keys = [*keys, "Z" * 70 + "\u00fc"]
    ix = KeyIndex.build(pa.array(keys, pa.string()))
    want = sorted({b for k in keys if k is not None for b in k.encode()})
    assert list(ix.alphabet) == want
