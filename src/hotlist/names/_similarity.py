"""Name similarity: token alignment with transliteration-aware token scores.

How a pair is scored
--------------------
1. Both names are normalised (a cheap no-op when they already are) and cut
   into tokens (MÜLLER is MUELLER; MULLER is its spelling variant).  Each
   token has a weight: 1 for a name, 0.5 for an initial, 0.25 for a particle
   (AL, BIN, VAN, DE...).  A comma marks the family part.
2. Every token of one name is scored against every token of the other
   (``_token_sim``), the best of: exact 1.0; same spelling-variant form 0.95
   (MUELLER / MULLER, HASSAN / HASAN, ALEKSANDR / ALEXANDR, IURII / YURI,
   OMAR / UMAR); the other gender's form 0.5 (IVAN / IVANA, PETROV /
   PETROVA, MARIO / MARIA: different people); same phonetic key
   with a close spelling, ``0.5 + 0.5 * closeness`` (MOHAMMED / MUHAMMAD
   0.86, HUSAIN / HUSSEIN 0.92); vowel-less form from Arabic script with the
   same consonant skeleton 0.85 (MHMD / MOHAMMED); an attached article 0.9
   (ALHASSAN / HASSAN); an initial 0.8 (J / JOHN); the same Chinese or Korean
   syllables in Wade-Giles and pinyin 0.85 (TSETUNG / ZEDONG); else an edit-distance
   closeness with a length-aware penalty (typos in long tokens cost less).
   Token scores under ``TOKEN_FLOOR`` count as no match.
3. Pairs are aligned greedily, best first, each token used once; order does
   not matter.  Tokens left over on both sides may then be *joined*: two
   adjacent tokens against one (ABDUL RAHMAN / ABDULRAHMAN, TSE TUNG).
4. The score is the weighted mean of the aligned token scores over all token
   weight.  When every name token of one side is aligned, the other side's
   leftovers count at 0.3 of their weight (a missing middle name costs a
   little); otherwise leftovers count in full (JOHN SMITH / PETER SMITH is
   0.5).  A name whose only aligned full token is one token, out of several,
   is capped at 0.6: one shared common token is not a match.  A different
   token order costs 0.02.

``similarity`` is symmetric by construction: the pair is put in a canonical
order before scoring.  Token scores and parsed names are cached (bounded),
so a scorer that meets the same query tokens again pays for them once.  With
the compiled scorer (:mod:`hotlist.names._namekernel`) each pair is scored in
one call (~2.5 us warm); without it the last few queries remember, per token
of the names they met, its scores against their own tokens (``_Query``), so
that many candidates of one query cost a dict lookup per token.

With ``score_cutoff``, a pair is first bounded (``_under``): from which tokens
can be aligned at all (a token pair at ``TOKEN_FLOOR`` or more, or a span that
``_join`` could join) the weighted mean and the one-token cap give an upper
bound of the score, and a pair whose bound is under the cut-off is not aligned.
Most candidates of a blocking index share one token and nothing else, and are
told apart this way; a score at or above the cut-off is exactly the score
without it.

>>> similarity("ERIKSSON, Anna Maria", "Anna ERIKSSON") >= MATCH_THRESHOLD
True
>>> similarity("SMITH, JOHN", "SMITH, PETER") < MATCH_THRESHOLD
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from hotlist.names._align import (
    _CUT,
    _JOIN_FLOOR,
    _MISSING_FACTOR,
    _ONE_TOKEN_CAP,
    _W_INITIAL,
    _W_NAME,
    _W_PARTICLE,
    _Item,
    _Name,
    _parse,
    _prepare,
    _score,
    _score_py,
    _spaced,
)
from hotlist.names._phonetic import KERNEL
from hotlist.names._tokens import PARTICLES, normalize
from hotlist.names._tokensim import (
    ARTICLE,
    EXACT,
    INITIAL,
    JOINED,
    PHONETIC,
    ROMAN,
    SKELETON,
    TOKEN_FLOOR,
    TYPO,
    VARIANT,
    _token_sim,
)
from hotlist.scoring import SCORING

__all__ = ["MATCH_THRESHOLD", "TOKEN_FLOOR", "explain", "similarity", "similarity_many"]

MATCH_THRESHOLD = SCORING.names.match_threshold
"""The name-pair cut-off: a pair of names scoring at least this is the same name.
``check()`` uses the same number as its default ``name_threshold``, the least
*match probability* of a person hit under the person model
(:mod:`hotlist.names._model`, ``POSSIBLE``), which weighs the name levels with
the date of birth, nationality and sex.

At 0.85 a name matches through one typo or one transliteration variant, a
missing middle name, an initial, reordered or joined / split parts, but not
through a different given name with the same family name (about 0.5) or one
shared token (at most 0.6).  Measured with ``benchmarks/names_quality.py``:
precision 0.995 / recall 0.982 on ``tests/names/data/pairs.tsv`` (299 pairs,
tuned on) and 0.94 / 0.96 on ``holdout.tsv`` (78 pairs, never tuned on).
"""


def _held(x: _Name, mask: int) -> float:
    """The weight of the tokens of *x* in the bit mask."""
    if x.plain:
        return float(mask.bit_count())
    held = 0.0
    for i, w in enumerate(x.weights):
        if mask >> i & 1:
            held += w
    return held


def _under(  # noqa: PLR0917 - private, on the hot path: no tuple of masks to build
    x: _Name, y: _Name, ax: int, ay: int, sx: int, sy: int, cutoff: float
) -> bool:
    """Whether ``_score(x, y)[0]`` (either order) is certainly under *cutoff* when
    only the tokens in the bit masks *ax* / *ay* can be in an aligned item at all,
    and only those in *sx* / *sy* in a strong one (weighing over ``2 *
    _W_PARTICLE``).

    The bound: ``W`` is the total weight, ``R`` the weight of the tokens outside
    the masks, certainly left over.  Every item scores at most 1, so ``num <=
    matched``, and ``matched + rest = W``:

    * tokens certainly left over on both sides: ``den = W``, so the score is at
      most ``(W - R) / W``;
    * otherwise at worst one side is fully aligned, ``den = matched + 0.3 *
      rest``, and ``matched / den`` is largest when nothing else is left over:
      ``(W - R) / (W - 0.7 * R)``;
    * a strong item takes tokens of its own on both sides, so there are at most
      as many strong items as the smaller strong mask has tokens; fewer than
      two, and a side with two full tokens, cap the score at ``_ONE_TOKEN_CAP``.

    The order penalty and the patronymic cap only lower the score further.
    """
    if (
        cutoff > _ONE_TOKEN_CAP
        and (sx.bit_count() < 2 or sy.bit_count() < 2)
        and (x.full >= 2 or y.full >= 2)
    ):
        return True
    rx = x.total - _held(x, ax)
    ry = y.total - _held(y, ay)
    total = x.total + y.total
    rest = rx + ry
    if rx > 0.0 and ry > 0.0:
        return (total - rest) / total < cutoff
    return (total - rest) / (total - (1.0 - _MISSING_FACTOR) * rest) < cutoff


_EPS = 1e-9  # the bound and the score add up floats in different orders
_MEMO_MAX = 1 << 11  # tokens remembered per query (then forgotten all at once)

# What a token of the other name gives with the query: its token scores against
# the query's tokens, and bit masks of the query tokens it may be aligned with
# (in any item, in a strong item).
_Entry = tuple[tuple[tuple[float, int], ...], int, int]


_V = TypeVar("_V")


def _remember(memo: dict[str, _V], key: str, value: _V) -> _V:
    """``value``, remembered under ``key`` (the memo forgotten all at once when full)."""
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value
    return value


class _Query:
    """A normalised name compared with many others: what it meets is remembered.

    The person index scores one query against up to 500 listed names that share
    a blocking key, so the same listed tokens come back again and again; a dict
    lookup per token replaces the token scoring of every pair.
    """

    __slots__ = ("as_x", "as_y", "joins", "name", "norm", "spans", "targets")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.name = _parse(norm)
        # the query tokens a span of another name can be joined with, as bit, token and
        # the span lengths ``_join`` lets through (a span never reaches _JOIN_FLOOR
        # against an initial)
        self.targets = tuple(
            (1 << i, t, len(t) - 3 - len(t) // 4, len(t) + 3 + len(t) // 4)
            for i, t in enumerate(self.name.toks)
            if len(t) > 1
        )
        self.as_x: dict[str, _Entry] = {}  # the query sorts first: _token_sim(query token, token)
        self.as_y: dict[str, _Entry] = {}  # the query sorts last: _token_sim(token, query token)
        self.joins: dict[str, int] = {}  # a token: the query tokens in spans joinable with it
        self.spans: dict[str, int] = {}  # a joined span of the other name: query tokens it joins

    def entry(self, b: str, first: bool) -> _Entry:
        q = self.name
        if first:
            sims = tuple([_token_sim(a, b) for a in q.toks])
        else:
            sims = tuple([_token_sim(b, a) for a in q.toks])
        wb = _W_PARTICLE if b in PARTICLES else _W_INITIAL if len(b) == 1 else _W_NAME
        qa = qs = 0
        for i, (s, _) in enumerate(sims):
            if s >= TOKEN_FLOOR:
                qa |= 1 << i
                if q.weights[i] + wb > 2 * _W_PARTICLE:
                    qs |= 1 << i
        return _remember(self.as_x if first else self.as_y, b, (sims, qa, qs))

    def join(self, b: str) -> int:
        """The query tokens in a query span that ``_join`` could align with token *b*."""
        m = 0
        lb = len(b)
        if lb > 1:
            lo, hi = lb - 3 - lb // 4, lb + 3 + lb // 4
            for _, joined, size, mask in self.name.spans:
                if lo <= size <= hi and _token_sim(joined, b)[0] >= _JOIN_FLOOR:
                    m |= mask
        return _remember(self.joins, b, m)

    def span(self, joined: str, size: int) -> int:
        """The query tokens that ``_join`` could align with a span *joined* of another name."""
        m = 0
        for bit, t, lo, hi in self.targets:
            if lo <= size <= hi and _token_sim(joined, t)[0] >= _JOIN_FLOOR:
                m |= bit
        return _remember(self.spans, joined, m)

    def score(self, other: str, cutoff: float | None) -> float:
        """``similarity(self.norm, other, score_cutoff=cutoff)``, *other* normalised."""
        if not other:
            return 0.0
        if other == self.norm:
            score = 1.0
        else:
            q, c = self.name, _parse(other)
            if q.toks == c.toks:
                score = _CUT if q.cut or c.cut else 1.0
            else:
                first = self.norm < other  # the canonical order of ``_prepare``
                memo = self.as_x if first else self.as_y
                entries = [memo.get(b) or self.entry(b, first) for b in c.toks]
                if (
                    cutoff is not None
                    and not _spaced(q, c)
                    and self._below(c, entries, cutoff - _EPS)
                ):
                    return 0.0
                if first:
                    score = _score(q, c, list(zip(*[e[0] for e in entries], strict=True)))[0]
                else:
                    score = _score(c, q, [e[0] for e in entries])[0]
        if cutoff is not None and score < cutoff:
            return 0.0
        return score

    def _below(self, c: _Name, entries: list[_Entry], cutoff: float) -> bool:
        """Whether the score with *c* is certainly under *cutoff* (``_under``): the
        masks of what may be aligned, from the token pairs, then (joins only
        raise the bound) the query's spans against *c*'s tokens and *c*'s spans
        against the query's tokens."""
        q = self.name
        qa = qs = ca = cs = 0
        bit = 1
        for _, ea, es in entries:
            if ea:
                ca |= bit
                qa |= ea
            if es:
                cs |= bit
                qs |= es
            bit <<= 1
        if not _under(q, c, qa, ca, qs, cs, cutoff):
            return False
        joined = False  # a joined item always weighs over two particles: strong
        if q.span_min <= c.reach:
            joins = self.joins
            bit = 1
            for b in c.toks:
                m = joins.get(b)
                if m is None:
                    m = self.join(b)
                if m:
                    ca |= bit
                    cs |= bit
                    qa |= m
                    qs |= m
                    joined = True
                bit <<= 1
        if c.span_min <= q.reach:
            spans = self.spans
            for _, text, size, mask in c.spans:
                m = spans.get(text)
                if m is None:
                    m = self.span(text, size)
                if m:
                    ca |= mask
                    cs |= mask
                    qa |= m
                    qs |= m
                    joined = True
        return not joined or _under(q, c, qa, ca, qs, cs, cutoff)


@lru_cache(maxsize=32)  # with _MEMO_MAX: a few MB, at most about 40 MB
def _query(norm: str) -> _Query:
    return _Query(norm)


@lru_cache(maxsize=32)
def _query_of(name: str) -> _Query | None:
    """The query of a name as written (spares normalising it again on every call)."""
    norm = normalize(name)
    return _query(norm) if norm else None


def similarity(a: str, b: str, *, score_cutoff: float | None = None) -> float:
    """How likely two names are the same person's, in [0, 1].

    Symmetric; 1.0 for the same name (after normalisation); 0.0 when either
    is empty.  With *score_cutoff*, a score below it is returned as 0.0, and
    most such pairs are told apart by a cheap bound (``_under``) without
    being aligned: a score at or above the cut-off is exactly the score
    without it.  Call it with the query first: without the compiled scorer, in
    a run of calls with the same query what it meets is remembered (see
    ``similarity_many``).

    >>> similarity("Mohammed Abdul Rahman", "MUHAMMAD ABDULRAHMAN") > 0.85
    True
    >>> similarity("Mohammed Ali", "Mahmud Ali") < 0.85
    True
    >>> similarity("J. Smith", "John Smith") < similarity("John Smith", "JOHN SMITH") == 1.0
    True
    >>> similarity("Smith", "John Smith", score_cutoff=0.85)
    0.0
    """
    if a == _last[0] and KERNEL is None:  # the same query as before: its memo pays off
        q = _query_of(a)
        return 0.0 if q is None else q.score(normalize(b), score_cutoff)
    _last[0] = a
    # A query met once (as in a list of arbitrary pairs) would only pay for a memo.
    score = _pair_score(a, b)
    if score_cutoff is not None and score < score_cutoff:
        return 0.0
    return score


def _pair_score_py(a: str, b: str) -> float:
    """The score of a pair met once; the pure-Python reference of the compiled
    ``_namekernel.pair_score`` (``_pair_score``)."""
    prepared = _prepare(a, b)
    if prepared is None:
        return 0.0
    x, y, _, same = prepared
    if same:
        return 1.0
    if x.toks == y.toks:
        return _CUT if x.cut or y.cut else 1.0
    return _score_py(x, y)[0]


_pair_score: Callable[[str, str], float]
if KERNEL is not None:
    KERNEL.configure_similarity(normalize, _CUT)
    _pair_score = KERNEL.pair_score
else:
    _pair_score = _pair_score_py


_last = [""]  # the first argument of the call before (a race only costs the memo)


def similarity_many(
    query: str, candidates: Sequence[str], *, score_cutoff: float | None = None
) -> list[float]:
    """``[similarity(query, c, score_cutoff=score_cutoff) for c in candidates]``, faster.

    The query is normalised and parsed once, and each token of a candidate is
    scored against the query's tokens once for all candidates.

    >>> similarity_many("ERIKSSON, Anna", ["Anna Eriksson", "SMITH, Anna", ""], score_cutoff=0.85)
    [1.0, 0.0, 0.0]
    """
    nq = normalize(query)
    if not nq:
        return [0.0] * len(candidates)
    if KERNEL is not None:  # a compiled pair costs less than the memo's Python (~2.5 vs ~9 us)
        score = KERNEL.pair_score
        if score_cutoff is None:
            return [score(nq, c) for c in candidates]
        return [s if s >= score_cutoff else 0.0 for s in [score(nq, c) for c in candidates]]
    q = _query(nq)
    return [q.score(normalize(c), score_cutoff) for c in candidates]


_KIND_TEXT = {
    VARIANT: "spelling variant",
    PHONETIC: "transliteration variant",
    SKELETON: "transliteration variant",
    TYPO: "typo",
    ROMAN: "romanisation variant",
}


def _role(x: _Name, y: _Name, it: _Item) -> str:
    roles = {x.roles[i] for i in it[2]} | {y.roles[j] for j in it[3]}
    if "F" in roles and "G" not in roles:
        return "family name"
    if "G" in roles and "F" not in roles:
        return "given name"
    return "name"


def explain(a: str, b: str) -> tuple[float, list[str]]:
    """The similarity of two names and short reasons a person reads.

    >>> explain("ERIKSSON, Anna Maria", "ERIKSSON, Anna")
    (0.9..., ['family name exact', 'given name exact', 'middle name missing: MARIA'])
    >>> explain("Smith, John", "Smith, Peter")[1]
    ['family name exact', 'names differ: JOHN / PETER', 'only one name part matches']
    """
    prepared = _prepare(a, b)
    if prepared is None:
        return 0.0, ["name missing"]
    x, y, flip, same = prepared
    if same:
        return 1.0, ["name exact"]
    if x.toks == y.toks:
        return (
            (_CUT, ["name too long, compared in part"]) if x.cut or y.cut else (1.0, ["name exact"])
        )
    score, items, left_x, left_y, flags = _score(x, y)

    def show(it: _Item) -> str:
        left = " ".join(x.toks[i] for i in it[2])
        right = " ".join(y.toks[j] for j in it[3])
        return f"{right} / {left}" if flip else f"{left} / {right}"

    reasons: list[str] = []
    for it in sorted(items, key=lambda it: (x.roles[it[2][0]] != "F", it[2][0])):
        role = _role(x, y, it)
        kind = it[1]
        if kind == EXACT:
            if x.toks[it[2][0]] in PARTICLES:
                continue
            text = f"{role} exact" if role != "name" else f"name part exact: {x.toks[it[2][0]]}"
        elif kind == INITIAL:
            text = f"initial matches: {show(it)}"
        elif kind == ARTICLE:
            text = f"particle attached: {show(it)}"
        elif kind == JOINED:
            text = f"joined / split name: {show(it)}"
        else:
            where = f" in {role}" if role != "name" else ""
            text = f"{_KIND_TEXT[kind]}{where}: {show(it)}"
        if text not in reasons:
            reasons.append(text)
    miss_x = [x.toks[i] for i in left_x]
    miss_y = [y.toks[j] for j in left_y]
    if flip:
        miss_x, miss_y = miss_y, miss_x
    particles = [t for t in miss_x + miss_y if t in PARTICLES]
    names_x = [t for t in miss_x if t not in PARTICLES]
    names_y = [t for t in miss_y if t not in PARTICLES]
    if names_x and names_y:
        reasons.append(f"names differ: {' '.join(names_x)} / {' '.join(names_y)}")
    elif names_x or names_y:
        reasons.append(f"middle name missing: {' '.join(names_x or names_y)}")
    if particles:
        reasons.append(f"particle missing: {' '.join(particles)}")
    if flags & 2:
        reasons.append("name order differs")
    if flags & 4:
        reasons.append("patronymic order differs")
    if flags & 1:
        reasons.append("only one name part matches")
    if flags & 8:
        reasons = ["the same letters, spaces differ"]
    return score, reasons
