"""Integer-array set tests for the person path: ``np.isin`` / ``np.unique``
without their costs (numpy 2.4's hash path for ``np.unique`` is several times
slower than a sort on a few thousand integers, and ``np.isin`` builds a table
over the values' whole range on every call)."""

from __future__ import annotations

import numpy as np

__all__ = ["among", "distinct_count", "member"]


def member(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin(values, pool)`` for integers, by a sort of ``pool`` and a binary
    search (``np.isin`` picks a table over the values' whole range, about a
    megabyte for a million persons, on every call).

    >>> member(np.array([3, 1, 7]), np.array([7, 3, 3])).tolist()
    [True, False, True]
    """
    if not len(pool) or not len(values):
        return np.zeros(len(values), dtype=bool)
    pool = np.sort(pool)
    at = np.minimum(np.searchsorted(pool, values), len(pool) - 1)
    out: np.ndarray = pool[at] == values
    return out


def distinct_count(values: np.ndarray) -> int:
    """``len(np.unique(values))``, by a sort (``np.unique``'s hash path in numpy
    2.4 is several times slower on a few thousand integers).

    >>> distinct_count(np.array([5, 1, 5, 2]))
    3
    """
    if not len(values):
        return 0
    s = np.sort(values)
    return 1 + int(np.count_nonzero(s[1:] != s[:-1]))


def among(values: np.ndarray, wanted: list[int]) -> np.ndarray:
    """Whether each value is one of the few ``wanted`` (``np.isin`` for a short
    list, without its sort)."""
    out = np.zeros(len(values), dtype=bool)
    for w in set(wanted):
        out |= values == w
    return out
