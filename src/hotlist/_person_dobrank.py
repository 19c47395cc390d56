"""The date-of-birth ranking term of person candidates: the DOB level's bits
of each listed entry's date against the query's, over numpy arrays of dates
packed one decimal digit a nibble (BCD), so that a pool of thousands of
namesakes is ranked by what a full scan would weigh among them before the
candidate cap (:meth:`hotlist._persons.PersonIndex._ranked`).
"""

from __future__ import annotations

import functools
import os
from types import ModuleType

import numpy as np

from hotlist import names
from hotlist.index._tokens import Searched
from hotlist.names._dob import placeholder
from hotlist.names._model import dob_bits as dob_evidence

__all__ = ["KERNEL", "bcd_dates", "dob_rank", "ranked_top"]

KERNEL: ModuleType | None = None
try:  # the compiled candidates (built by ``pip install .``; optional)
    import hotlist._candidate_kernel as _candidate_kernel  # noqa: PLR0402 - a module, not a name

    KERNEL = None if os.environ.get("HOTLIST_PURE") else _candidate_kernel
except ImportError:  # pragma: no cover - depends on the build
    pass

_NIBBLE_LOW = np.uint32(0x11111111)
_NO_DATE = np.uint32(0xFFFFFFFF)


def _bcd(ymd: int) -> np.uint32:
    """A date's yyyymmdd digits, a nibble a digit."""
    return np.uint32(int(f"{ymd:08d}", 16))


def bcd_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Dates of birth for the DOB ranking term: a full date's yyyymmdd digits a
    nibble each (BCD); where a date is compared by the years alone (no day, or
    1 January) its year's digits with 0xFFFF for the month and day; none: all
    ones (``_NO_DATE``).

    >>> [hex(v) for v in bcd_dates(np.array([1985, 1985, 1985, 0]),
    ...     np.array([3, 3, 1, 0]), np.array([12, 0, 1, 0]))]
    ['0x19850312', '0x1985ffff', '0x1985ffff', '0xffffffff']
    """
    y, m, d = (np.asarray(a, dtype=np.uint32) for a in (year, month, day))
    out = np.zeros(len(y), dtype=np.uint32)
    for shift, digit in enumerate([d % 10, d // 10, m % 10, m // 10, y % 10, y // 10 % 10]):
        out |= digit << np.uint32(4 * shift)
    out |= (y // 100 % 10) << np.uint32(24)
    out |= (y // 1000 % 10) << np.uint32(28)
    by_years = (d == 0) | ((m == 1) & (d == 1))
    out[by_years] |= np.uint32(0xFFFF)
    out[np.asarray(year) <= 0] = _NO_DATE
    return out


def _year_bcd(year: int) -> int:
    """A year's four digits, a nibble a digit (the high half of ``bcd_dates``)."""
    return int(f"{year:04d}", 16)


@functools.lru_cache(maxsize=4096)
def _year_terms(q: names.PartialDate) -> tuple[int, tuple[int, ...], float, float]:
    """What the DOB term by the years needs of the query date ``q``: its year as
    BCD, the years two either side as BCD (-1: out of 0..9999), and the bits of
    "year only" and of "differs"."""
    near = tuple(
        _year_bcd(q.year + off) if 0 <= q.year + off <= 9999 else -1 for off in (-2, -1, 1, 2)
    )
    same = dob_evidence("DOB year only", q, names.PartialDate(q.year))
    return _year_bcd(q.year), near, same, _differs_bits(q)


def _decimal(bcd: np.ndarray) -> np.ndarray:
    """The yyyymmdd numbers of BCD dates (``bcd_dates``)."""
    out = np.zeros(len(bcd), dtype=np.int64)
    for shift in range(28, -4, -4):
        out = out * 10 + ((bcd >> np.uint32(shift)) & np.uint32(0xF))
    return out


def _by_year(q: names.PartialDate, dates: np.ndarray) -> np.ndarray:
    """The DOB ranking term by the years alone (``dob_rank``) of the
    BCD dates ``dates``: the "year only" level's bits in the same year, 0 a
    year or two off or without a listed date, else the bits of "differs"."""
    this_year, near_years, same, differs = _year_terms(q)
    year = dates >> np.uint32(16)
    near = np.zeros(len(dates), dtype=bool)
    for other in near_years:
        if other >= 0:
            near |= year == np.uint32(other)
    out: np.ndarray = np.where(near, np.float32(0.0), np.float32(differs))
    out[year == np.uint32(this_year)] = same
    out[dates == _NO_DATE] = 0.0
    return out


def _differs_bits(q: names.PartialDate) -> float:
    return dob_evidence("DOB differs", q, q)


@functools.lru_cache(maxsize=4096)
def _full_date_levels(q: names.PartialDate) -> tuple[np.ndarray, np.ndarray]:
    """The listed dates (yyyymmdd, ascending) whose DOB level against the full
    date ``q`` is not "differs", with that level's bits: the full dates exact,
    day and month swapped, one digit off, a year or two off (the year's last
    digit one off with the same day and month is a year off, as
    ``dob_similarity`` says).  Kept per date
    (read-only arrays: a query date seen again costs nothing)."""
    base = q.year * 10000 + (q.month or 0) * 100 + (q.day or 0)
    # in the order dob_similarity tries them backwards: a later level wins
    found = {base - 20000: "DOB two years off", base + 20000: "DOB two years off"}
    digits = f"{base:08d}"
    for i in range(8):
        for d in "0123456789":
            v = int(digits[:i] + d + digits[i + 1 :])
            if d != digits[i] and v % 100 and v // 100 % 100:  # a full date (day, month)
                found[v] = "DOB one digit off"
    found[base - 10000] = found[base + 10000] = "DOB one year off"
    if q.day and q.day <= 12:
        found[q.year * 10000 + q.day * 100 + (q.month or 0)] = "DOB day/month swapped"
    found[base] = "DOB exact"
    bits_of = {lv: dob_evidence(lv, q, q) for lv in set(found.values())}
    values = np.array(sorted(found), dtype=np.int32)
    level_bits = np.array([bits_of[found[v]] for v in values.tolist()], dtype=np.float32)
    values.flags.writeable = level_bits.flags.writeable = False
    return values, level_bits


def dob_rank(dob: names.PartialDate, b: np.ndarray) -> np.ndarray:
    """The DOB level's bits of each listed date ``b`` (``bcd_dates``) against
    ``dob``: the levels of two full dates exactly as
    :func:`hotlist.names.dob_similarity` finds them (exact, day and month
    swapped, one digit off, a year or two off, else differs), by the years
    where either date is partial or a 1 January placeholder (:func:`_by_year`);
    0 without a listed date.  A ranking term, not a bound.

    The dates are compared digit by digit (BCD, a nibble a digit: one XOR and
    a population count of the nibbles that differ), and only the few entries
    that may be near (a digit or none off, the same day and month, the day
    and month swapped, a date by the years) are looked up in full."""
    q = names.PartialDate(dob.year, dob.month, dob.day)
    if not (dob.month and dob.day) or placeholder(q):
        return _by_year(q, b)
    qb = _bcd(q.year * 10000 + q.month * 100 + q.day)  # type: ignore[operator]
    x = b ^ qb
    differ = np.bitwise_count((x | (x >> 1) | (x >> 2) | (x >> 3)) & _NIBBLE_LOW)
    near = (differ <= 1) | ((x & 0xFFFF) == 0)
    if q.day <= 12:  # type: ignore[operator]
        near |= b == _bcd(q.year * 10000 + q.day * 100 + q.month)  # type: ignore[operator]
    odd = (b & 0xFFFF) == 0xFFFF  # by the years, or no date
    out = np.full(len(b), _differs_bits(q), dtype=np.float32)
    sel = np.flatnonzero(near & ~odd)
    if len(sel):
        values, level_bits = _full_date_levels(q)
        ymd = _decimal(b[sel])
        at = np.searchsorted(values, ymd)
        np.minimum(at, len(values) - 1, out=at)
        out[sel] = np.where(values[at] == ymd, level_bits[at], out[sel])
    sel = np.flatnonzero(odd)
    if len(sel):
        out[sel] = _by_year(q, b[sel])
    return out


_NO_TABLE = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


@functools.lru_cache(maxsize=4096)
def _term_args(q: names.PartialDate) -> tuple[object, ...]:
    """The compiled kernel's DOB-term arguments for the query date ``q`` (what
    :func:`dob_rank` computes from it): the mode (1 by the years, 2 a full
    date), the date and its day-month swap as BCD, the year's BCD and its
    neighbours' (two either side; -1: out of 0..9999), the "year only" and
    "differs" bits, and the near dates' table (``_full_date_levels``)."""
    this_year, near_years, same, differs = _year_terms(q)
    head = (this_year, np.array(near_years, dtype=np.int64), same, differs)
    if not (q.month and q.day) or placeholder(q):
        return (1, 0, int(_NO_DATE), *head, *_NO_TABLE)
    swapped = _bcd(q.year * 10000 + q.day * 100 + q.month) if q.day <= 12 else _NO_DATE
    full = _bcd(q.year * 10000 + q.month * 100 + q.day)
    return (2, int(full), int(swapped), *head, *_full_date_levels(q))


def ranked_top(
    kernel: ModuleType,
    searched: Searched,
    entry_dob: np.ndarray,
    *,
    dob: names.PartialDate | None,
    weight: float,
    limit: int,
) -> tuple[np.ndarray, int]:
    """The ``limit`` best rows of the pool of ``searched``, best first, and the
    pool's size, by the compiled ``kernel``: what ``TokenIndex.pool_within``,
    ``weight`` times :func:`dob_rank` of each row's ``entry_dob`` against
    ``dob`` (for a pool over ``limit``, with a ``dob``) and ``top`` give."""
    if dob is None:
        args: tuple[object, ...] = (0, 0, int(_NO_DATE), -1, np.zeros(0, np.int64), 0.0, 0.0)
        args += _NO_TABLE
    else:
        args = _term_args(names.PartialDate(dob.year, dob.month, dob.day))
    rows, pooled = kernel.ranked(
        searched.postings,
        searched.starts,
        searched.counts,
        searched.weights,
        searched.scratch,
        entry_dob,
        *args,
        weight,
        limit,
    )
    return rows, int(pooled)
