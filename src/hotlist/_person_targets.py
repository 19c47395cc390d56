"""The query's side of the person bound (:mod:`hotlist._person_bounds`): the
query parts a listed part is tested against, and the letter counts that spare
most partial ratios."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hotlist import names
from hotlist.names._tokens import fold
from hotlist.names._tokensim import TOKEN_FLOOR, _gendered
from hotlist.scoring import SCORING

__all__ = [
    "BUCKETS",
    "GENDERED_ALIGNS",
    "JOIN_ONLY",
    "JOIN_PARTIAL",
    "TOKEN",
    "QuerySide",
    "join_only",
    "letters",
    "letters_of",
    "other_targets",
    "parse_tokens",
    "query_side",
    "shared_enough",
]

JOIN_PARTIAL = 60.0  # partial_ratio under which no join of a part can reach _JOIN_FLOOR
BUCKETS = 27  # A-Z and one for every other byte (``letters``)
# how a long listed part can be aligned with the query (the part bounds' ``kind``):
# as a token pair (exact aside: variant, loose, near, by a phonetic key, skeleton
# or pinyin form), or only in a join (joined / split parts)
TOKEN = 1
JOIN_ONLY = 2
# whether the other gender's form of a name (IVAN / IVANA) is aligned as a token pair
GENDERED_ALIGNS = SCORING.names.gendered >= TOKEN_FLOOR


class QuerySide(NamedTuple):
    """What the part bounds test a listed part against: the query's long parts,
    its other targets (particles, joins of short parts: ``other_targets``), both
    in that order, whether it has a particle, its parts' initials and folded
    forms."""

    long_q: list[str]
    other_q: list[str]
    targets: list[str]
    particle_q: bool
    initials: set[str]
    qset: set[str]


def query_side(qtoks: tuple[str, ...]) -> QuerySide:
    """The :class:`QuerySide` of the query's parts ``qtoks``."""
    long_q = [q for q in qtoks if len(q) > 1 and q not in names.PARTICLES]
    # a listed part can be aligned with a query particle too (VAN / VANN), or
    # joined with adjacent query parts none of which is a long name part
    # (DE LA / DELA: the joins with one are found against it)
    other_q = other_targets(qtoks)
    particle_q = any(q in names.PARTICLES for q in qtoks)
    # Y / YOLANDA: a one-letter particle is an initial too
    initials = {q[0] for q in qtoks if q and (len(q) == 1 or q not in names.PARTICLES)}
    return QuerySide(
        long_q, other_q, long_q + other_q, particle_q, initials, {fold(q) for q in qtoks}
    )


def parse_tokens(normalised: str) -> tuple[str, ...]:
    """A normalised name's parts (the comma dropped)."""
    return tuple(normalised.replace(",", "").split())


def other_targets(qtoks: tuple[str, ...]) -> list[str]:
    """The query's particles of two letters or more, and the joins of two or three
    adjacent parts none of which is a long name part (``_Name.spans``)."""
    short = [len(q) == 1 or q in names.PARTICLES for q in qtoks]
    out = [q for q in qtoks if len(q) > 1 and q in names.PARTICLES]
    for span in (3, 2):
        for start in range(len(qtoks) - span + 1):
            if all(short[start : start + span]):
                out.append("".join(qtoks[start : start + span]))
    return out


def letters(text: str) -> np.ndarray:
    """How often each letter A-Z is in ``text`` (bytes of UTF-8), every other byte
    counted in one bucket of its own (saturating at 255)."""
    out: np.ndarray = letters_of([text])[0]
    return out


def letters_of(texts: list[str]) -> np.ndarray:
    """the :func:`letters` of each of ``texts`` (rows), in one pass."""
    raw = [t.encode() for t in texts]
    sizes = np.fromiter((len(b) for b in raw), dtype=np.int64, count=len(raw))
    flat = np.frombuffer(b"".join(raw), dtype=np.uint8).astype(np.int64) - 65
    flat[(flat < 0) | (flat > 25)] = BUCKETS - 1
    row = np.repeat(np.arange(len(raw), dtype=np.int64), sizes)
    counts = np.bincount(row * BUCKETS + flat, minlength=len(raw) * BUCKETS)
    out: np.ndarray = np.minimum(counts, 255).astype(np.uint8).reshape(len(raw), BUCKETS)
    return out


def shared_enough(letters: np.ndarray, sizes: np.ndarray, targets: list[str]) -> np.ndarray:
    """Per part (rows: ``letters`` counts, lengths) and target, whether their
    partial ratio can reach ``JOIN_PARTIAL`` at all.

    ``fuzz.partial_ratio`` is the best ``2 * L / (m + w)`` over windows of the
    longer text of ``w <= m`` letters, ``m`` the shorter text's length and ``L``
    the longest common subsequence of the shorter text and the window; ``L <=
    w`` and ``L <= I``, the letters the two texts share (as multisets), so the
    ratio is at most ``2 * I / (m + I)``, which reaches 60 only where ``7 * I >=
    3 * m``.  Bucketing every byte that is not A-Z together (and counting the
    bytes of a non-ASCII letter) only makes ``I`` larger: the test stays a
    superset of the parts that pass."""
    tl = letters_of(targets)
    shared = np.minimum(letters[:, None, :], tl[None, :, :]).sum(axis=2, dtype=np.int64)
    m = np.minimum(sizes[:, None], np.array([len(t) for t in targets], dtype=np.int64)[None, :])
    out: np.ndarray = 7 * shared >= 3 * m
    return out


def join_only(
    kind: np.ndarray,
    toks: list[str],
    targets: list[str],
    *,
    gendered_aligns: bool = GENDERED_ALIGNS,
) -> np.ndarray:
    """``kind`` (per listed part ``toks``: 0, ``TOKEN`` or ``JOIN_ONLY``), with
    ``JOIN_ONLY`` kept only where no token pair can be made of the part.

    A part only a partial ratio found (no phonetic key, skeleton or pinyin form
    in common with a target, more than two edits from each as written and in
    variant form) can be aligned by ``hotlist.names._tokensim._token_sim`` at
    none of its kinds but the other gender's form of a name (IVAN / IVANA), whose
    doubled letters may put it further: that one is tested here, where its
    score reaches the token floor at all (``gendered_aligns``; not with the
    weights of ``hotlist.scoring``: 0.5 under 0.72).  Any other alignment of it
    is a join: the joined level (``m`` under the token levels').
    """
    if not gendered_aligns:
        return kind
    out = kind.copy()
    for k in np.flatnonzero(kind == JOIN_ONLY).tolist():
        tok = toks[k]
        if any(len(q) > 1 and _gendered(tok, q) for q in targets):
            out[k] = TOKEN
    return out
