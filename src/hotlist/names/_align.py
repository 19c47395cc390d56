"""Name-pair alignment of the name similarity (:mod:`hotlist.names._similarity`):
names parsed into weighted tokens, aligned best first (order-free), joined
spans, and the pair's score from the aligned and left-over weight.

Every number comes from ``hotlist.scoring.SCORING.names``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from hotlist.names._memo import Cached, cached
from hotlist.names._phonetic import KERNEL
from hotlist.names._tokens import PARTICLES, normalize
from hotlist.names._tokensim import EXACT, INITIAL, JOINED, TOKEN_FLOOR, _token_sim_py
from hotlist.scoring import SCORING

__all__ = ["MAX_TOKENS", "MAX_TOKEN_LENGTH", "SPACED"]

_W = SCORING.names
SPACED = _W.spaced
"""The score of two names whose letters agree and only the spaces differ."""

MAX_TOKENS = 12
"""Tokens of a name the scorer looks at (the rest is junk, not a longer name)."""

MAX_TOKEN_LENGTH = 40
"""Letters of a token the scorer looks at."""

_W_NAME, _W_INITIAL, _W_PARTICLE = _W.weight_name, _W.weight_initial, _W.weight_particle
_MISSING_FACTOR = _W.missing_factor
_ONE_TOKEN_CAP = _W.one_token_cap
_ORDER_PENALTY = _W.order_penalty
_JOIN_FLOOR = _W.join_floor
_CUT = _W.cut  # two names equal in the part the scorer looks at
_PATRONYMICS = frozenset({"BIN", "BEN", "IBN", "BN", "BINT", "OULD"})


class _Name(NamedTuple):
    """A parsed name (immutable; a named tuple, made several times faster than a
    frozen dataclass: a person check parses a few dozen listed names)."""

    toks: tuple[str, ...]
    roles: tuple[str, ...]  # "F" family, "G" given, "N" unknown
    weights: tuple[float, ...]
    orders: tuple[tuple[int, ...], ...]  # token positions, given-first (and as written)
    comma: bool
    full: int  # number of non-particle tokens
    tokset: frozenset[str]
    cut: bool  # tokens were cut at MAX_TOKENS / MAX_TOKEN_LENGTH
    patronymic: bool  # has BIN, BEN, IBN...
    # adjacent tokens joined, in the order ``_join`` tries them (three, then two):
    # their positions, the joined text, its length and the positions as a bit mask
    spans: tuple[tuple[tuple[int, ...], str, int, int], ...]
    span_min: int  # the shortest joined span (a large number when there is none)
    reach: int  # the longest joined span ``_join`` may score against a token of this name
    total: float  # the sum of the weights
    plain: bool  # every weight is 1 (no particle, no initial)
    letters: frozenset[str]  # the letters without spaces: as written, and given names first


_NO_SPAN = 1 << 30


def _parse_py(norm: str) -> _Name:
    """A normalised name parsed (uncached; the pure-Python reference of the
    compiled ``_namekernel.parse``, which ``_parse`` caches)."""
    family, comma, given = norm.partition(", ")
    if comma:
        ftoks, gtoks = family.split(), given.split()
        toks = ftoks + gtoks
        nf, ng = len(ftoks), len(gtoks)
        roles = ["F"] * nf + ["G"] * ng
        given_first = tuple(range(ng, ng + nf)) + tuple(range(ng))
        orders: tuple[tuple[int, ...], ...] = (given_first, tuple(range(len(toks))))
    else:
        toks = family.split()
        nf = len(toks)
        roles = ["N"] * len(toks)
        orders = (tuple(range(len(toks))),)
    cut = len(toks) > MAX_TOKENS or any(len(t) > MAX_TOKEN_LENGTH for t in toks)
    if cut:  # junk, not a name: bound the work
        toks = [t[:MAX_TOKEN_LENGTH] for t in toks[:MAX_TOKENS]]
        roles = roles[:MAX_TOKENS]
        orders = tuple(tuple(min(p, MAX_TOKENS - 1) for p in o[:MAX_TOKENS]) for o in orders)
    # one pass for the weights, the full tokens and the reach (below)
    weights_l = []
    full = 0
    reach = -1
    for t in toks:
        size = len(t)
        if t in PARTICLES:
            weights_l.append(_W_PARTICLE)
        else:
            full += 1
            weights_l.append(_W_INITIAL if size == 1 else _W_NAME)
        if size > 1:
            reach = max(reach, size + 3 + size // 4)
    weights = tuple(weights_l)
    toks_t = tuple(toks)
    tokset = frozenset(toks)
    patronymic = not tokset.isdisjoint(_PATRONYMICS)
    spans = []
    n = len(toks)
    for span in (3, 2):
        bits = (1 << span) - 1
        for start in range(n - span + 1):
            joined = "".join(toks[start : start + span])
            spans.append((tuple(range(start, start + span)), joined, len(joined), bits << start))
    # ``_join`` scores a span against a token only when their lengths are close
    # (``reach``, above), and a span never reaches _JOIN_FLOOR against an initial.
    span_min = min((size for _, _, size, _ in spans), default=_NO_SPAN)
    if comma:  # the given-first reading (its tokens in that order) and as written
        letters = frozenset(("".join(toks_t[nf:] + toks_t[:nf]), "".join(toks_t)))
    else:
        letters = frozenset(("".join(toks_t),))
    return _Name(
        toks_t,
        tuple(roles),
        weights,
        orders,
        bool(comma),
        full,
        tokset,
        cut,
        patronymic,
        tuple(spans),
        span_min,
        reach,
        sum(weights),
        all(w == _W_NAME for w in weights),
        letters,
    )


if KERNEL is not None:
    KERNEL.configure_parse(
        _Name,
        _PATRONYMICS,
        MAX_TOKENS,
        MAX_TOKEN_LENGTH,
        _NO_SPAN,
        _W_NAME,
        _W_INITIAL,
        _W_PARTICLE,
    )
    KERNEL.configure(particles=PARTICLES)
# 65,536 parsed names: fewer cost more at p99 (namesake-heavy checks score the
# same listed names again: 200k devdata, 8,192 entries, p99 18 -> 24 ms CPU).
# The pure-Python parse's names (their frozensets) stay tracked by the garbage
# collector, which walks every entry on each full collection (~30-60 ms when
# full); the kernel's are untracked (they can be in no cycle): ~2 ms.
_parse: Cached[str, _Name] = cached(1 << 16)(_parse_py if KERNEL is None else KERNEL.parse)


# an aligned group: score, kind, token positions in x, token positions in y
_Item = tuple[float, int, tuple[int, ...], tuple[int, ...]]
# token scores of x (rows) against y (columns), as ``_token_sim`` gives them
_Rows = Sequence[Sequence[tuple[float, int]]]


_Aligned = tuple[list[_Item], list[int], list[int]]
_Scored = tuple[float, list[_Item], list[int], list[int], int]


def _align_py(x: _Name, y: _Name, rows: _Rows | None) -> _Aligned:
    """Greedy best-first alignment; returns the items and the leftover positions.

    ``rows[i][j]`` is ``_token_sim(x.toks[i], y.toks[j])``, when the caller has them.
    The pure-Python reference of the compiled ``_namekernel.align`` (``_align``).
    """
    items: list[_Item] = []
    left_x = list(range(len(x.toks)))
    left_y = list(range(len(y.toks)))
    xtoks, ytoks = x.toks, y.toks
    if not x.tokset.isdisjoint(y.tokset):  # exact tokens first: they score 1.0
        for i, tok in enumerate(xtoks):
            if tok in y.tokset:
                for j in left_y:
                    if ytoks[j] == tok:
                        items.append((1.0, EXACT, (i,), (j,)))
                        left_x.remove(i)
                        left_y.remove(j)
                        break
    if left_x and left_y:
        cands = []
        if rows is None:
            for i in left_x:
                a = xtoks[i]
                for j in left_y:
                    s, kind = _token_sim_py(a, ytoks[j])
                    if s >= TOKEN_FLOOR:
                        cands.append((-s, i, j, kind))
        else:
            for i in left_x:
                row = rows[i]
                for j in left_y:
                    s, kind = row[j]
                    if s >= TOKEN_FLOOR:
                        cands.append((-s, i, j, kind))
        if cands:
            cands.sort()
            for neg, i, j, kind in cands:
                if i in left_x and j in left_y:
                    items.append((-neg, kind, (i,), (j,)))
                    left_x.remove(i)
                    left_y.remove(j)
        if left_x and left_y and (len(left_x) > 1 or len(left_y) > 1):
            if x.span_min <= y.reach:
                _join(x, y, left_x, left_y, items, flip=False)
            if left_y and y.span_min <= x.reach:
                _join(y, x, left_y, left_x, items, flip=True)
    return items, left_x, left_y


def _join(
    x: _Name, y: _Name, left_x: list[int], left_y: list[int], items: list[_Item], *, flip: bool
) -> None:
    """Align two or three adjacent leftover tokens of *x* with one leftover token of *y*."""
    ytoks = y.toks
    for idx, joined, size, _ in x.spans:
        if not left_y:
            return
        if idx[0] not in left_x or idx[1] not in left_x or idx[-1] not in left_x:
            continue
        best: tuple[float, int] | None = None
        for j in left_y:
            b = ytoks[j]
            if abs(size - len(b)) > 3 + len(b) // 4:  # cannot reach _JOIN_FLOOR
                continue
            s, _ = _token_sim_py(joined, b)
            if s >= _JOIN_FLOOR and (best is None or s > best[0]):
                best = (s, j)
        if best is not None:
            s, j = best
            for i in idx:
                left_x.remove(i)
            left_y.remove(j)
            items.append((s, JOINED, (j,), idx) if flip else (s, JOINED, idx, (j,)))


def _monotone(x: _Name, y: _Name, items: list[_Item]) -> bool:
    ox_all = x.orders if x.comma and not y.comma else x.orders[:1]
    oy_all = y.orders if y.comma and not x.comma else y.orders[:1]
    for ox in ox_all:
        for oy in oy_all:
            pos = sorted([(ox[it[2][0]], oy[it[3][0]]) for it in items])
            if all(pos[k][1] < pos[k + 1][1] for k in range(len(pos) - 1)):
                return True
    return False


def _patronymic_swapped(x: _Name, y: _Name, items: list[_Item]) -> bool:
    """SAID BIN SALEM / SALEM BIN SAID: the same tokens, another father.  A token
    before the patronymic particle on one side is after it on the other, in every
    order the names can be read in (as written; given names first)."""
    for _, kind, lx, ly in items:
        if kind == EXACT and x.toks[lx[0]] in _PATRONYMICS:
            px, py = lx[0], ly[0]
            for ox in x.orders:
                for oy in y.orders:
                    if not any(
                        (ox[it[2][0]] < ox[px]) != (oy[it[3][0]] < oy[py])
                        for it in items
                        if it[2][0] != px
                    ):
                        return False
            return True
    return False


def _spaced(x: _Name, y: _Name) -> bool:
    """The same letters, only the spaces differ (MARTIN DUBOIS / MARTI NDUBOIS,
    PIERRE DUPONT / PIERREDUPONT), in an order each name can be read in."""
    return not x.cut and not y.cut and not x.letters.isdisjoint(y.letters)


def _score_py(x: _Name, y: _Name, rows: _Rows | None = None) -> _Scored:
    """The score, the alignment, the leftovers and flags (1 capped, 2 reordered, 4
    patronymic, 8 spaced).  The pure-Python reference of the compiled
    ``_namekernel.score`` (``_score``)."""
    items, left_x, left_y = _align_py(x, y, rows)
    xw, yw = x.weights, y.weights
    num = matched = 0.0
    strong = loose_only = 0
    for s, kind, lx, ly in items:
        w = 0.0
        for i in lx:
            w += xw[i]
        for j in ly:
            w += yw[j]
        num += s * w
        matched += w
        if w > 2 * _W_PARTICLE:
            strong += 1
            if kind != INITIAL:
                loose_only += 1
    rest = 0.0
    for i in left_x:
        rest += xw[i]
    for j in left_y:
        rest += yw[j]
    # one side fully aligned: the other's leftovers are missing middle names
    den = matched + (rest if left_x and left_y else _MISSING_FACTOR * rest)
    score = num / den if den else 0.0
    flags = 0
    if (strong < 2 or not loose_only) and max(x.full, y.full) >= 2:
        score = min(score, _ONE_TOKEN_CAP)
        flags |= 1
    if len(items) >= 2:
        if not _monotone(x, y, items):
            score -= _ORDER_PENALTY
            flags |= 2
        if x.patronymic and y.patronymic and _patronymic_swapped(x, y, items):
            score = min(score, _ONE_TOKEN_CAP)
            flags |= 4
    if score < SPACED and _spaced(x, y):
        score, flags = SPACED, 8
    return min(1.0, max(0.0, score)), items, left_x, left_y, flags


def _prepare(a: str, b: str) -> tuple[_Name, _Name, bool, bool] | None:
    """Both names parsed, in canonical order; whether they were flipped; whether equal."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return None
    flip = na > nb
    if flip:
        na, nb = nb, na
    return _parse(na), _parse(nb), flip, na == nb


_align: Callable[[_Name, _Name, _Rows | None], _Aligned]
_score: Callable[..., _Scored]  # (x, y, rows=None)
if KERNEL is not None:
    KERNEL.configure(
        join_floor=_JOIN_FLOOR,
        missing_factor=_MISSING_FACTOR,
        one_token_cap=_ONE_TOKEN_CAP,
        order_penalty=_ORDER_PENALTY,
        spaced_score=SPACED,
        w_particle=_W_PARTICLE,
        parse=_parse,
        patronymic_swapped=_patronymic_swapped,
    )
    _align, _score = KERNEL.align, KERNEL.score
else:
    _align, _score = _align_py, _score_py
