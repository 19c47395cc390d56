"""The load's keys made for all entries at once (``index_keys``: the name keys
once per distinct name, the DOB-aware keys with Arrow) against the plain
functions the query side uses: every entry's key list is exactly
``name_keys(v) + dob_keys(v, dob)``, in that order, so the token index built
from them is the one the per-entry loop built (same vocabulary order, same
postings)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import names, synth
from hotlist._intsets import distinct_count, member
from hotlist._person_keys import dob_keys, index_keys, name_keys
from hotlist._persons import PersonIndex
from hotlist.index import TokenIndex

# parts that exercise every branch: particles, initials, attached articles,
# umlaut digraphs, repeated keys and initials, joins
_PART = st.sampled_from(
    ["SMITH", "SMYTH", "JOHN", "JON", "J", "A", "AL", "BIN", "DE", "LA", "VAN", "ALHASSAN",
     "ELMASRI", "MUELLER", "MULLER", "HAAKON", "JAMES", "IVANOV", "PETROVICH", "Y", "EL", "LI",
     "LEE", "SCHMIDT", "OSAMA", "USAMA", "XU", "AE", "YELENA", "DOS", "SANTOS"]
)  # fmt: skip
_NAME = st.builds(
    lambda fam, given, comma: (
        f"{' '.join(fam)}, {' '.join(given)}" if comma and given else " ".join(fam + given)
    ),
    st.lists(_PART, min_size=1, max_size=3),
    st.lists(_PART, max_size=4),
    st.booleans(),
)
_DOB = st.tuples(
    st.sampled_from([0, 0, 985, 1940, 1985, 2006]),
    st.integers(0, 12),
    st.integers(0, 31),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(_NAME, st.just("")), _DOB), min_size=1, max_size=12))
def test_index_keys_are_the_plain_keys_of_each_entry(
    rows: list[tuple[str, tuple[int, int, int]]],
) -> None:
    normalised = [names.normalize(v) for v, _ in rows]
    years, months, days = (np.array([d[k] for _, d in rows], dtype=np.int16) for k in range(3))
    got = index_keys(pa.array(normalised, pa.string()), years, months, days).to_pylist()
    want = []
    for v, (y, m, d) in zip(
        normalised, zip(*(a.tolist() for a in (years, months, days)), strict=True), strict=True
    ):
        dob = names.PartialDate(y, m or None, d or None) if y > 0 else None
        want.append(name_keys(v) + dob_keys(v, dob) if v else [])
    assert got == want


def test_the_token_index_is_the_per_entry_loops() -> None:
    table = synth.persons(400, seed=3)
    index = PersonIndex(table)
    keys = []
    for entry in range(index.num_entries):
        v = index.normalised[entry].as_py() or ""
        dob = index.dob_of(int(index.owner[entry]))
        keys.append(name_keys(v) + dob_keys(v, dob) if v else [])
    want = TokenIndex.build(pa.array(keys, pa.list_(pa.string()))).arrays()
    got = index.index.arrays()
    assert want.keys() == got.keys()
    for k, v in want.items():
        assert np.array_equal(v, got[k]), k


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2_000_000), max_size=60),
    st.lists(st.integers(0, 2_000_000), max_size=60),
)
def test_member_and_distinct_count_are_numpys(values: list[int], pool: list[int]) -> None:
    v, p = np.array(values, dtype=np.int32), np.array(pool, dtype=np.int64)
    assert member(v, p).tolist() == np.isin(v, p).tolist()
    assert distinct_count(v) == len(np.unique(v))
