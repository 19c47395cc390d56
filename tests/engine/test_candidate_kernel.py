"""The compiled person candidates (``hotlist._candidate_kernel``) against the
numpy reference they replace.

``PersonIndex._pool_top`` gathers the pool of entries sharing a searched key,
sums the keys' IDF, adds the DOB ranking term to an over-full pool and keeps
the ``CANDIDATE_LIMIT`` best, ties by row: in numpy (``TokenIndex.pool_within``,
``dob_rank``, ``top``), or in one compiled pass.  Both must give the same
entries in the same order and the same pool size, for any index, keys, cap
and dates (ties are the rule among namesakes: the same keys, the same date).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import hotlist._persons as persons_mod
from hotlist import names
from hotlist._person_dobrank import KERNEL, bcd_dates
from hotlist._persons import PersonIndex
from hotlist.index import TokenIndex

pytestmark = pytest.mark.skipif(KERNEL is None, reason="hotlist._candidate_kernel not built")

KEYS = [f"K{i}" for i in range(12)]
_YEARS = st.integers(1900, 2030)
_DATE = st.one_of(
    st.none(),
    st.tuples(_YEARS, st.integers(1, 12), st.integers(1, 28)),
    st.tuples(_YEARS, st.integers(1, 12), st.just(0)),
    st.tuples(_YEARS, st.just(0), st.just(0)),
    st.tuples(_YEARS, st.just(1), st.just(1)),
)


_FULL = st.tuples(_YEARS, st.integers(1, 12), st.integers(1, 28))


@st.composite
def _dates(
    draw: st.DrawFn, asked_dates: st.SearchStrategy[tuple[int, int, int] | None] = _DATE
) -> tuple[tuple[int, int, int] | None, list[tuple[int, int, int] | None]]:
    """A query date and listed dates, most of them near it: a digit off, a year
    or two off, day and month swapped, the same year or month, 1 January."""
    asked = draw(asked_dates)
    y, m, d = asked or draw(st.tuples(_YEARS, st.integers(1, 12), st.integers(1, 28)))
    m, d = m or 1, d or 1
    ymd = f"{y:04d}{m:02d}{d:02d}"
    near: list[tuple[int, int, int] | None] = [
        (y, m, d),
        (y, d, m),
        (y, m, 0),
        (y, 0, 0),
        (y, 1, 1),
    ]
    for i in range(8):
        for digit in "0123456789":
            v = ymd[:i] + digit + ymd[i + 1 :]
            if 1 <= int(v[4:6]) <= 12 and 1 <= int(v[6:]) <= 28:
                near.append((int(v[:4]), int(v[4:6]), int(v[6:])))
    near += [(y + k, m, d) for k in (-3, -2, -1, 1, 2, 3)]
    listed = draw(st.lists(st.one_of(st.sampled_from(near), _DATE), min_size=1, max_size=120))
    return asked, listed


class _Entries:
    """What ``PersonIndex._pool_top`` reads of its index."""

    def __init__(self, index: TokenIndex, entry_dob: np.ndarray) -> None:
        self.index = index
        self._entry_dob = entry_dob
        self.candidate_kernel = KERNEL

    def _dob_rank(self, dob: names.PartialDate, entries: np.ndarray) -> np.ndarray:
        return PersonIndex._dob_rank(self, dob, entries)  # type: ignore[arg-type]


def _both(
    rows: _Entries, keys: list[str], dob: names.PartialDate | None, max_df: int, limit: int
) -> tuple[tuple[list[int], int], tuple[list[int], int]]:
    """``_pool_top`` at the cap ``limit`` by the kernel, then by the reference:
    (entries, pool size) each."""
    old = persons_mod.CANDIDATE_LIMIT
    persons_mod.CANDIDATE_LIMIT = limit
    out = []
    try:
        for kernel in (KERNEL, None):
            rows.candidate_kernel = kernel
            found, pooled = PersonIndex._pool_top(rows, keys, dob, max_df)  # type: ignore[arg-type]
            assert found.dtype == np.int64
            out.append((found.tolist(), pooled))
    finally:
        persons_mod.CANDIDATE_LIMIT = old
    return out[0], out[1]


def _query_date(v: tuple[int, int, int] | None) -> names.PartialDate | None:
    if v is None:
        return None
    y, m, d = v
    return names.PartialDate(y, m or None, d or None if m else None)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(KEYS), max_size=5), min_size=1, max_size=120),
    _dates(),
    st.lists(st.sampled_from([*KEYS, "NOWHERE"]), min_size=1, max_size=8),
    st.integers(1, 40),
    st.integers(1, 60),
)
def test_the_kernel_ranks_as_the_reference(
    keys: list[list[str]],
    query_and_dates: tuple[tuple[int, int, int] | None, list[tuple[int, int, int] | None]],
    asked: list[str],
    limit: int,
    max_df: int,
) -> None:
    """Same entries, same order, same pool size: with and without a query date
    (full, year and month, year, 1 January), cut by the cap or not, with
    common keys skipped or taken back."""
    asked_dob, dates = query_and_dates
    index = TokenIndex.build(pa.array(keys, pa.list_(pa.string())))
    ys, ms, ds = (
        np.array([(dates[i % len(dates)] or (0, 0, 0))[k] for i in range(len(keys))], np.int16)
        for k in range(3)
    )
    rows = _Entries(index, bcd_dates(ys, ms, ds))
    got, want = _both(rows, asked, _query_date(asked_dob), max_df, limit)
    assert got == want
    assert not rows.index.searched(asked, max_df=max_df, limit=limit).scratch.any()


def test_a_crowd_is_cut_the_same_way() -> None:
    """Thousands of entries tied on the keys, born on dates near the query's:
    the kernel keeps the same 50, in the same order."""
    rng = np.random.default_rng(3)
    n = 5000
    keys = [["SMITH", "JOHN"] if i % 3 else ["SMITH"] for i in range(n)]
    index = TokenIndex.build(pa.array(keys, pa.list_(pa.string())))
    day = dt.date(1970, 6, 15)
    offs = rng.integers(-800, 800, n)
    ds = [day + dt.timedelta(days=int(o)) for o in offs]
    ys = np.array([d.year for d in ds], np.int16)
    ms = np.array([d.month if i % 7 else 0 for i, d in enumerate(ds)], np.int16)
    dd = np.array([d.day if i % 5 else 0 for i, d in enumerate(ds)], np.int16)
    rows = _Entries(index, bcd_dates(ys, ms, dd))
    for dob in [names.PartialDate(1970, 6, 15), names.PartialDate(1970, 6), None]:
        got, want = _both(rows, ["SMITH", "JOHN"], dob, n, 50)
        assert got == want
        assert len(got[0]) == 50 and got[1] == n


@settings(max_examples=300, deadline=None)
@given(_dates(st.one_of(_FULL, _FULL, _FULL, _DATE)), st.integers(1, 30))
@example(((1960, 11, 12), [(1975, 5, 5), (1960, 11, 13)]), 1)  # a digit of the day off
@example(((1960, 11, 12), [(1975, 5, 5), (1960, 12, 11)]), 1)  # day and month swapped
@example(((1960, 11, 12), [(1975, 5, 5), (1962, 11, 12)]), 1)  # two years off
@example(((1960, 11, 12), [(1975, 5, 5), (1960, 0, 0)]), 1)  # the year only
def test_among_namesakes_the_date_decides_as_in_the_reference(
    query_and_dates: tuple[tuple[int, int, int] | None, list[tuple[int, int, int] | None]],
    limit: int,
) -> None:
    """Every entry shares the same key (namesakes: the same IDF): the DOB term
    alone orders them, then the row, so each level of it must be the
    reference's."""
    asked_dob, dates = query_and_dates
    index = TokenIndex.build(pa.array([["K0"]] * len(dates), pa.list_(pa.string())))
    ys, ms, ds = (np.array([(v or (0, 0, 0))[k] for v in dates], np.int16) for k in range(3))
    rows = _Entries(index, bcd_dates(ys, ms, ds))
    got, want = _both(rows, ["K0"], _query_date(asked_dob), len(dates), limit)
    assert got == want
    assert got[1] == len(dates)
