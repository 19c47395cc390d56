"""Which listed parts left over by the alignment may be a middle name, for the
person bound (:mod:`hotlist._person_bounds`).

A listed part no query part can be aligned with is left over: the scorer
(``hotlist.names._compare``) gives it ``differs`` when a query part is left
over too, else ``dropped``, or ``dropped_middle`` where it is a middle name or
patronymic (``_middles``: with a comma, the full given names after the first;
without, the full parts between the first and the last; a full part is
neither a particle nor an initial).  ``dropped_middle`` is the only one of
them with few bits lost, so a left-over part that cannot be a middle is
bounded by the better of the two others.

Where a part sits in its name comes from the name's comma: ``family_counts``
gives, per listed name, the number of parts before its ", " (the family
names), -1 without a comma, and -2 where the comma is not the one ", " that
``hotlist.names._align._parse`` splits at (no part is then said not to be a
middle).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["IRREGULAR", "NO_COMMA", "UNSET", "family_counts", "not_middle"]

NO_COMMA = -1
IRREGULAR = -2
UNSET = -3  # not computed yet (``PersonBounds._families`` fills it when first needed)


def family_counts(text: pa.Array) -> np.ndarray:
    """Per normalised name of ``text``, the number of parts before its ", ", or
    ``NO_COMMA`` / ``IRREGULAR`` (int8; a count over 100 is said as 100:
    names of more than ``MAX_TOKENS`` parts get no bound at all).

    >>> text = ["DE LA CRUZ, MARIA", "JOHN SMITH", "A, B, C", "A,B", ", X", "A  B, C", " A, B"]
    >>> family_counts(pa.array(text)).tolist()
    [3, -1, -2, -2, 0, -2, -2]
    """
    commas = np.asarray(pc.count_substring(text, ",").to_numpy(zero_copy_only=False))
    spaced = np.asarray(pc.count_substring(text, ", ").to_numpy(zero_copy_only=False))
    head = pc.list_element(pc.split_pattern(text, ", ", max_splits=1), 0)
    family = pc.list_value_length(pc.utf8_split_whitespace(head)).fill_null(0)
    nf = np.minimum(np.asarray(family.to_numpy(zero_copy_only=False), dtype=np.int64), 100)
    # Arrow splits "" into one empty part (Python's split: none) and keeps the
    # empty parts of spaces at the ends or doubled: such a family is irregular
    empty = np.asarray(pc.equal(head, "").fill_null(True).to_numpy(zero_copy_only=False))
    loose = pc.or_(
        pc.not_equal(pc.utf8_trim_whitespace(head), head),
        pc.match_substring_regex(head, r"\s\s"),
    )
    odd = np.asarray(loose.fill_null(True).to_numpy(zero_copy_only=False)) & ~empty
    regular = (commas == 1) & (spaced == 1) & ~odd
    out = np.where(commas == 0, NO_COMMA, np.where(regular, np.where(empty, 0, nf), IRREGULAR))
    return out.astype(np.int8)


def not_middle(
    parent: np.ndarray,
    indices: np.ndarray,
    count: np.ndarray,
    family: np.ndarray,
    *,
    size: np.ndarray,
    particle: np.ndarray,
) -> np.ndarray:
    """Per part of the candidates (``parent``: its candidate, ``indices``: its
    distinct part, whose ``size`` and ``particle`` flag are given; ``count``:
    each candidate's parts, in order), whether it cannot be a middle name of
    its name (``family``: ``family_counts`` of each candidate).

    >>> fam = np.array([1, -1, -1, -2], dtype=np.int8)  # "S, J P Q", "J P Q S", "J P", irregular
    >>> count = np.array([4, 4, 2, 2])
    >>> parent = np.repeat(np.arange(4), count)
    >>> size, particle = np.full(12, 5), np.zeros(12, dtype=bool)
    >>> out = not_middle(parent, np.arange(12), count, fam, size=size, particle=particle)
    >>> out.astype(int).tolist()
    [1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 0]
    """
    total = len(parent)
    if not total:
        return np.zeros(0, dtype=bool)
    fam = family.astype(np.int64)[parent]
    first_at = np.cumsum(count) - count
    at = np.arange(total, dtype=np.int64) - first_at[parent]  # position in its name
    full = (size[indices] > 1) & ~particle[indices]
    # the full parts ``_middles`` looks among: the given names, or all without a comma
    region = full & ((fam < 0) | (at >= fam))
    before = np.cumsum(region) - region  # the region's parts before each part, overall
    rank = before - before[first_at[parent]]  # and in its name
    last = np.bincount(parent, weights=region, minlength=len(count)).astype(np.int64)[parent] - 1
    middle = region & (rank > 0) & ((fam >= 0) | (rank < last))
    out: np.ndarray = ~middle & (fam != IRREGULAR)
    return out
