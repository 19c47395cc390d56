"""The compiled person keys (:mod:`hotlist._person_keykernel`) against their
Python reference: its phonetic key is ``names.phonetic_key`` (whose Metaphone is
``jellyfish.metaphone``), the token index it numbers the keys of is the one
built from the Python/Arrow ``index_keys`` (same vocabulary order, postings and
offsets), and ``normalize_column`` is ``names.normalize`` value by value."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist._person_keys as person_keys
from hotlist import names
from hotlist.index import TokenIndex
from hotlist.names._phonetic import spelled_key

pytest.importorskip("hotlist._person_keykernel")
if person_keys.KERNEL is None:  # HOTLIST_PURE=1: the kernel is not in use (nor configured)
    pytest.skip("compiled person keys not in use", allow_module_level=True)
kernel = person_keys.KERNEL

# letters weighted towards those Metaphone and the variant rules treat specially
_LETTERS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "AEIOUCGHSTKNWXYZPDJQ" * 2)
_TOKEN = st.text(_LETTERS, min_size=1, max_size=12)
_PART = st.one_of(
    _TOKEN,
    st.sampled_from(
        ["AL", "BIN", "DE", "VAN", "Y", "EL", "ALHASSAN", "ELMASRI", "ULHAQUE", "MUELLER",
         "HAAKON", "AAE", "SCHMIDT", "TSCHUDI", "YELENA", "IURII", "KNUT", "WRIGHT", "J", "A"]
    ),
)  # fmt: skip
# one to eight parts, the family part ending where a drawn comma falls (none: at 0)
_NAME = st.builds(
    lambda parts, at: ", ".join(x for x in (" ".join(parts[:at]), " ".join(parts[at:])) if x),
    st.lists(_PART, min_size=1, max_size=8),
    st.integers(0, 7),
)
_DOB = st.tuples(
    st.sampled_from([0, 0, 7, 985, 1940, 1985, 2006, 12345]),
    st.integers(0, 12),
    st.integers(0, 31),
)


@settings(max_examples=500, deadline=None)
@given(_TOKEN)
def test_the_phonetic_key_is_pythons(token: str) -> None:
    assert kernel.phonetic_key(token.encode()).decode() == names.phonetic_key(token)


@given(_TOKEN)
def test_the_spelled_key_is_pythons(token: str) -> None:
    assert kernel.phonetic_key(token.encode(), True).decode() == spelled_key(token)


def test_a_name_not_in_the_normalised_form_takes_the_reference() -> None:
    # the kernel reads normalised names only; anything else is left to Python
    offsets = np.array([0, 8], dtype=np.int64)
    one = np.zeros(1, dtype=np.int64)
    data = np.frombuffer(b"smith, j", dtype=np.uint8)
    assert kernel.entry_key_pairs(data, offsets, one, one, one, one) is None
    data = np.frombuffer(b"SMITH,JO", dtype=np.uint8)
    assert kernel.entry_key_pairs(data, offsets, one, one, one, one) is None
    values = pa.array(["SMITH,JO", "SMITH, JO"])
    got = person_keys.token_index(values, *(np.zeros(2),) * 3).arrays()
    want = TokenIndex.build(person_keys.index_keys(values, *(np.zeros(2),) * 3)).arrays()
    for k, v in want.items():
        assert np.array_equal(v, got[k]), k


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(st.sampled_from("abcXYZ ,.'`-\t0\u00e9\u00dc\u0416"), max_size=14),
            # pieces transliterated one by one: marks after a space, Greek digraphs,
            # Arabic waw / yeh after a letter, ideographs, other apostrophes
            st.text(
                st.sampled_from("a A,\u0301\u0308ΟΥουΓΓЖщوي\u0628毛泽东\u2019\u00b4ß\u00a0"),
                max_size=12,
            ),
            st.text(max_size=8),
        ),
        max_size=12,
    )
)
def test_normalize_column_is_normalize(values: list[str | None]) -> None:
    got = person_keys.normalize_column(pa.array(values, pa.string())).to_pylist()
    assert got == [None if v is None else names.normalize(v) for v in values]


def test_a_null_stays_null_whatever_bytes_its_slot_holds() -> None:
    # Arrow does not promise a null's slot is empty: here it holds "é" (non-ASCII)
    values = pa.StringArray.from_buffers(
        3,
        pa.py_buffer(np.array([0, 5, 7, 12], dtype=np.int32).tobytes()),
        pa.py_buffer("SMITHéJONES".encode()),
        pa.py_buffer(bytes([0b101])),
    )
    assert values.to_pylist() == ["SMITH", None, "JONES"]
    assert person_keys.normalize_column(values).to_pylist() == ["SMITH", None, "JONES"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(_NAME, st.just("")), _DOB), min_size=1, max_size=16))
def test_the_token_index_is_the_one_built_from_the_reference_keys(
    rows: list[tuple[str, tuple[int, int, int]]],
) -> None:
    # the kernel numbers the keys itself: same vocabulary order, postings, offsets
    normalised = pa.array([names.normalize(v) for v, _ in rows], pa.string())
    years, months, days = (np.array([d[k] for _, d in rows], dtype=np.int16) for k in range(3))
    got = person_keys.token_index(normalised, years, months, days).arrays()
    want = TokenIndex.build(person_keys.index_keys(normalised, years, months, days)).arrays()
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert v.dtype == got[k].dtype and np.array_equal(v, got[k]), k
