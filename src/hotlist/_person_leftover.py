"""Which listed parts the alignment leaves over, and which may be a middle name,
for the person bound (:mod:`hotlist._person_bounds`).

A long listed part that only a partial ratio found (``JOIN_ONLY``) can be
aligned only in a join (``hotlist.names._align._join``): with two or three
adjacent query parts joined (``span_joins``: the scorer's own token score of
those spans, where their length allows), or with adjacent parts of its own
name joined against one query part, where the span's length allows it
(``listed_joins``, per part of each name).  Where neither can be, it is left
over.

A listed part no query part can be aligned with is left over: the scorer
(``hotlist.names._compare``) gives it ``differs`` when a query part is left
over too, else ``dropped``, or ``dropped_middle`` where it is a middle name or
patronymic (``_middles``: with a comma, the full given names after the first;
without, the full parts between the first and the last; a full part is
neither a particle nor an initial).  ``dropped_middle`` is the only one of
them with few bits lost, so a left-over part that cannot be a middle is
bounded by the better of the two others.

Where a part sits in its name comes from the name's comma: ``comma_places``
(per listed name, once per load) and ``families`` (per candidate) give the
number of parts before its ", " (the family names), -1 without a comma, and
-2 where the name's parts may not be ``hotlist.names._align._parse``'s tokens
in place (no part is then said not to be a middle, nor left over by its
place).
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._person_targets import JOIN_ONLY
from hotlist.names._align import _JOIN_FLOOR, _Name
from hotlist.names._model import MODEL, bits
from hotlist.names._tokensim import _token_sim

__all__ = [
    "IRREGULAR",
    "NO_COMMA",
    "comma_places",
    "dropped_gain",
    "families",
    "join_only_parts",
    "left_over_bits",
    "listed_joins",
    "listed_joins_exact",
    "not_middle",
    "span_joins",
    "takers",
    "unmatched_bits",
]

NO_COMMA = -1
IRREGULAR = -2
_LEFT_OVER = ("dropped", "dropped_middle", "differs")  # levels of a left-over listed part


def comma_places(
    normalised: pa.Array, offsets: np.ndarray, part_ids: np.ndarray, part_bytes: np.ndarray
) -> np.ndarray:
    """Per listed name (``normalised``; its parts: ``offsets`` into ``part_ids``,
    the distinct parts' lengths in UTF-8 bytes ``part_bytes``), the byte offset
    of its ", " (int16), ``NO_COMMA``, or ``IRREGULAR`` where the name is not
    its parts joined by single spaces with at most that one comma (the parts
    would not be ``_align._parse``'s tokens in place), or is too long to say.
    Made once per load, in bulk (``families`` reads it per query).

    >>> text = pa.array(["DE LA CRUZ, MARIA", "JOHN SMITH", "A, B, C", "A  B, C", "A,B"])
    >>> split = pc.utf8_split_whitespace(pc.replace_substring(text, ",", ""))
    >>> count = pc.list_value_length(split).to_numpy()
    >>> offsets = np.concatenate([[0], np.cumsum(count)])
    >>> size = pc.binary_length(pc.list_flatten(split)).to_numpy()
    >>> comma_places(text, offsets, np.arange(len(size)), size).tolist()
    [10, -1, -2, -2, -2]
    """
    n = len(normalised)
    count = np.diff(offsets)
    owner = np.repeat(np.arange(n, dtype=np.int64), count)
    occ_bytes = part_bytes[part_ids].astype(np.int64)
    joined = np.bincount(owner, weights=occ_bytes, minlength=n) + np.maximum(count - 1, 0)
    empty = np.bincount(owner, weights=occ_bytes == 0, minlength=n) > 0
    total = np.asarray(pc.binary_length(normalised).fill_null(0).to_numpy(zero_copy_only=False))
    commas = np.asarray(
        pc.count_substring(normalised, ",").fill_null(0).to_numpy(zero_copy_only=False)
    )
    at = np.asarray(
        pc.find_substring(normalised, ", ").fill_null(-1).to_numpy(zero_copy_only=False)
    )
    regular = (count > 0) & ~empty & (total == joined + commas) & (commas <= 1)
    regular &= (commas == 0) | ((at > 0) & (at < 1 << 14))
    out = np.where(regular, np.where(commas == 1, at, NO_COMMA), IRREGULAR)
    return out.astype(np.int16)


def families(
    comma_at: np.ndarray, parent: np.ndarray, count: np.ndarray, occ_bytes: np.ndarray
) -> np.ndarray:
    """Per candidate (``comma_at``: its ``comma_places``; ``count`` parts, each
    part's candidate ``parent`` and length in bytes ``occ_bytes``, in order),
    the number of its parts before the ", " (its family names), ``NO_COMMA`` or
    ``IRREGULAR`` (int8).

    >>> families(np.array([10, -1, -2]), np.array([0, 0, 0, 0, 1, 2]), np.array([4, 1, 1]),
    ...          np.array([2, 2, 4, 5, 4, 1])).tolist()
    [3, -1, -2]
    """
    out = np.where(comma_at < 0, comma_at, 0).astype(np.int8)
    if not len(parent):
        return out
    ends = np.cumsum(occ_bytes + 1)  # each part's end (and a space) from the first's start
    first_at = np.cumsum(count) - count
    ends = ends - (ends[first_at[parent]] - occ_bytes[first_at[parent]] - 1) - 1
    before = (ends <= comma_at.astype(np.int64)[parent]) & (comma_at[parent] >= 0)
    fam = np.bincount(parent, weights=before, minlength=len(count)).astype(np.int64)
    out = np.where(comma_at >= 0, np.minimum(fam, 100), out).astype(np.int8)
    return out


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


def span_joins(toks: list[str], sizes: np.ndarray, query: _Name) -> np.ndarray:
    """Per listed part (``toks``, their lengths), whether a span of two or three
    adjacent query parts joined can be aligned with it (``_align._join``: a
    length ``_join`` scores against it and a token score of at least
    ``_JOIN_FLOOR``, the scorer's own ``_token_sim``)."""
    out = np.zeros(len(toks), dtype=bool)
    if not query.spans or not len(toks):
        return out
    lengths = np.array([s[2] for s in query.spans], dtype=np.int64)
    near = np.abs(lengths[None, :] - sizes[:, None]) <= (3 + sizes // 4)[:, None]
    for k, j in zip(*np.nonzero(near), strict=True):
        if not out[k] and _token_sim(query.spans[j][1], toks[k])[0] >= _JOIN_FLOOR:
            out[k] = True
    return out


def listed_joins(
    parent: np.ndarray, count: np.ndarray, sizes: np.ndarray, query_sizes: np.ndarray
) -> np.ndarray:
    """Per part of the candidates (``parent``: its candidate, ``sizes``: its
    length; ``count``: each candidate's parts, in order), whether a span of two
    or three adjacent parts of its name that holds it has a length that
    ``_align._join`` scores against a query part (``query_sizes``: their
    lengths; within ``3 + len // 4``).

    >>> parent, count = np.array([0, 0, 0, 1]), np.array([3, 1])
    >>> listed_joins(parent, count, np.array([4, 2, 5, 6]), np.array([3])).tolist()
    [True, True, False, False]
    """
    total = len(parent)
    out = np.zeros(total, dtype=bool)
    if not total or not len(query_sizes):
        return out
    first_at = np.cumsum(count) - count
    at = np.arange(total, dtype=np.int64) - first_at[parent]
    left = count[parent] - at  # parts from this one to its name's end
    prefix = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(sizes, dtype=np.int64)])
    reach = (3 + query_sizes // 4)[None, :]
    for m in (2, 3):
        for o in range(m):  # the span starts ``o`` parts before this one
            ok = (at >= o) & (left >= m - o)
            k = np.flatnonzero(ok)
            start = k - o
            length = prefix[start + m] - prefix[start]
            fits = (np.abs(length[:, None] - query_sizes[None, :]) <= reach).any(axis=1)
            out[k[fits]] = True
    return out


def listed_joins_exact(
    parent: np.ndarray,
    indices: np.ndarray,
    count: np.ndarray,
    asked: np.ndarray,
    *,
    parts: list[str],
    sizes: np.ndarray,
    query_toks: tuple[str, ...],
) -> np.ndarray:
    """Per part of the candidates (``parent``: its candidate, ``indices``: its
    distinct part, whose texts ``parts`` and lengths ``sizes`` are given;
    ``count``: each candidate's parts, in order), for the parts ``asked`` only,
    whether a span of two or three adjacent parts of its name that holds it,
    joined, is one the scorer joins with a query part: ``_align._join``'s own
    test (a length within ``3 + len // 4`` of the query part's, and a
    ``_token_sim`` of at least ``_JOIN_FLOOR``).  Each distinct span is scored
    once (the reviewer's Y-3: a join spelled another way, LYNN SARA / LINSARA,
    which no test of one part's letters bounds)."""
    total = len(parent)
    out = np.zeros(total, dtype=bool)
    if not total or not asked.any() or not query_toks:
        return out
    qlen = np.array([len(q) for q in query_toks], dtype=np.int64)
    reach = 3 + qlen // 4
    first_at = np.cumsum(count) - count
    at = np.arange(total, dtype=np.int64) - first_at[parent]
    left = count[parent] - at
    rows, holders = [], []
    for m in (2, 3):
        for o in range(m):  # the span starts ``o`` parts before this one
            k = np.flatnonzero(asked & (at >= o) & (left >= m - o))
            if not len(k):
                continue
            ids = np.asarray(indices, dtype=np.int64)[(k - o)[:, None] + np.arange(m)[None, :]]
            length = np.asarray(sizes, dtype=np.int64)[ids].sum(axis=1)
            fits = (np.abs(length[:, None] - qlen[None, :]) <= reach[None, :]).any(axis=1)
            ids, k = ids[fits], k[fits]
            if m == 2:
                ids = np.concatenate([ids, np.full((len(ids), 1), -1, dtype=np.int64)], axis=1)
            rows.append(ids)
            holders.append(k)
    if not rows:
        return out
    spans, where = np.unique(np.concatenate(rows), axis=0, return_inverse=True)
    joins = np.zeros(len(spans), dtype=bool)
    for u, row in enumerate(spans.tolist()):
        joined = "".join([parts[i] for i in row if i >= 0])
        size = len(joined)
        for q in query_toks:
            if abs(size - len(q)) <= 3 + len(q) // 4 and _token_sim(joined, q)[0] >= _JOIN_FLOOR:
                joins[u] = True
                break
    out[np.concatenate(holders)[joins[np.ravel(where)]]] = True
    return out


def join_only_parts(
    kind: np.ndarray, other: np.ndarray, toks: list[str], sizes: np.ndarray, query: _Name
) -> np.ndarray:
    """Which long parts (``toks``, their ``sizes`` and ``kind``) only a join can
    align and no span of query parts can join (``span_joins``): those that only
    a span of their own name can; ``other``: the parts that have another way to
    their bits (equal to a query part, an initial's)."""
    out: np.ndarray = (kind == JOIN_ONLY) & ~other
    if out.any():
        at = np.flatnonzero(out)
        out[at] = ~span_joins([toks[k] for k in at.tolist()], sizes[at], query)
    return out


def left_over_bits() -> float:
    """The most bits a listed part left over by the alignment can add (its level
    is one of these; near, the one positive left-over level, needs a query part
    one edit away, which the bound counts as possible)."""
    return max(bits(lv.m, lv.u or 1.0) for key, lv in MODEL.name.items() if key in _LEFT_OVER)


@functools.cache
def dropped_gain() -> float:
    """What a left-over listed part that cannot be a middle name has less than
    ``left_over_bits``: it is dropped or differs, not ``dropped_middle``
    (:mod:`hotlist._person_leftover`); 0 if that is not less."""
    dropped, differs = MODEL.name["dropped"], MODEL.name["differs"]
    best = max(bits(dropped.m, dropped.u or 1.0), bits(differs.m, differs.u or 1.0))
    return min(0.0, best - left_over_bits())


def unmatched_bits() -> float:
    """The least a query part left over costs against the bound: it is an extra
    part, or it differs from a listed part left over (whose bound is at least
    the left-over levels' best)."""
    extra, differs = MODEL.name["extra"], MODEL.name["differs"]
    cost = min(-bits(extra.m, extra.u or 1.0), left_over_bits() - bits(differs.m, differs.u or 1.0))
    return max(0.0, cost)


def takers(query: _Name, size: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """How many of the query's parts each listed part can take in the alignment:
    none when no query part can be aligned with it (its bound is under 0), three
    when a span of two or three query parts joined is close enough in length to
    be joined with it (``hotlist.names._align._join``), else one.  ``size``: the
    parts' lengths."""
    spans = np.array([s[2] for s in query.spans], dtype=np.int64)
    joinable = (
        (np.abs(spans[None, :] - size[:, None]) <= (3 + size // 4)[:, None]).any(axis=1)
        if len(spans)
        else np.zeros(len(size), dtype=bool)
    )
    out: np.ndarray = np.where(bound < 0.0, 0.0, np.where(joinable, 3.0, 1.0))
    return out
