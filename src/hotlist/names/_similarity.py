"""Name similarity: token alignment with transliteration-aware token scores.

How a pair is scored
--------------------
1. Both names are normalised (a cheap no-op when they already are) and cut
   into tokens, umlaut digraphs folded (MUELLER = MÜLLER = MULLER).  Each
   token has a weight: 1 for a name, 0.5 for an initial, 0.25 for a particle
   (AL, BIN, VAN, DE...).  A comma marks the family part.
2. Every token of one name is scored against every token of the other
   (``_token_sim``), the best of: exact 1.0; same spelling-variant form 0.95
   (HASSAN / HASAN, ALEKSANDR / ALEXANDR, IURII / YURI); same phonetic key
   with a close spelling, ``0.5 + 0.5 * closeness`` (MOHAMMED / MUHAMMAD
   0.86, HUSAIN / HUSSEIN 0.92); vowel-less form from Arabic script with the
   same consonant skeleton 0.85 (MHMD / MOHAMMED); an attached article 0.9
   (ALHASSAN / HASSAN); an initial 0.8 (J / JOHN); else an edit-distance
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
order before scoring.

>>> similarity("ERIKSSON, Anna Maria", "Anna ERIKSSON") >= MATCH_THRESHOLD
True
>>> similarity("SMITH, JOHN", "SMITH, PETER") < MATCH_THRESHOLD
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from hotlist.names._phonetic import phonetic_key, variant
from hotlist.names._tokens import PARTICLES, fold, normalize

__all__ = ["MATCH_THRESHOLD", "TOKEN_FLOOR", "explain", "similarity"]

MATCH_THRESHOLD = 0.85
"""Default cut-off that ``check()`` uses: a pair scoring at least this is a hit.

At 0.85 a name matches through one typo or one transliteration variant, a
missing middle name, an initial, reordered or joined / split parts, but not
through a different given name with the same family name (about 0.5) or one
shared token (at most 0.6).  Measured on ``tests/names/data/pairs.tsv``
with ``benchmarks/names_quality.py``.
"""

TOKEN_FLOOR = 0.7
"""Token pairs scoring under this are not aligned at all."""

_W_NAME, _W_INITIAL, _W_PARTICLE = 1.0, 0.5, 0.25
_MISSING_FACTOR = 0.3
_ONE_TOKEN_CAP = 0.6
_ORDER_PENALTY = 0.02
_ARTICLES = ("AL", "EL", "UL")
_VOWELS = frozenset("AEIOUY")

# token-pair kinds
EXACT, VARIANT, PHONETIC, SKELETON, ARTICLE, INITIAL, TYPO, JOINED = range(8)


def _skeleton(token: str) -> str:
    out = [c for c in variant(token) if c not in _VOWELS]
    if out and out[-1] == "H":
        out.pop()
    return "".join(out)


def _vowel_poor(token: str) -> bool:
    return len(token) >= 3 and sum(c in _VOWELS for c in token) * 5 <= len(token)


@lru_cache(maxsize=1 << 17)
def _token_sim(a: str, b: str) -> tuple[float, int]:
    """Score of two folded tokens, and which kind of match it is."""
    if a == b:
        return 1.0, EXACT
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        if la == 1 and lb == 1:
            return 0.0, TYPO
        short, long = (a, b) if la == 1 else (b, a)
        return (0.8, INITIAL) if long[0] == short else (0.0, TYPO)
    va, vb = variant(a), variant(b)
    if va == vb:
        return 0.95, VARIANT
    best, kind = 0.0, TYPO
    if (a.startswith(_ARTICLES) and a[2:] == b and lb >= 4) or (
        b.startswith(_ARTICLES) and b[2:] == a and la >= 4
    ):
        return 0.9, ARTICLE
    raw = OSA.distance(a, b)
    var = OSA.distance(va, vb)
    if raw <= 2 or var <= 2:
        # length-aware closeness: one edit costs 1/len, plus a flat 0.05 so
        # that JOHN / JOAN (0.70) is weaker than MUSTAFA / MUSTAPHA.
        dist = min(raw, var)
        size = max(la, lb) if raw <= var else max(len(va), len(vb))
        best = max(0.0, 1.0 - dist / size - 0.05 * dist)
        kind = TYPO if raw <= var else VARIANT
    if phonetic_key(a) == phonetic_key(b):
        close = 1.0 - var / max(len(va), len(vb))
        if close >= 0.6 and 0.5 + 0.5 * close > best:
            best, kind = min(0.5 + 0.5 * close, 0.93), PHONETIC
    if best < 0.85 and (_vowel_poor(a) or _vowel_poor(b)):
        sa, sb = _skeleton(a), _skeleton(b)
        if len(sa) >= 2 and sa == sb:
            best, kind = 0.85, SKELETON
    return best, kind


@dataclass(frozen=True, slots=True)
class _Name:
    toks: tuple[str, ...]
    roles: tuple[str, ...]  # "F" family, "G" given, "N" unknown
    weights: tuple[float, ...]
    order: tuple[int, ...]  # position in given-first order
    full: int  # number of non-particle tokens


@lru_cache(maxsize=1 << 16)
def _parse(norm: str) -> _Name:
    family, comma, given = norm.partition(", ")
    if comma:
        ftoks, gtoks = family.split(), given.split()
        toks = ftoks + gtoks
        roles = ["F"] * len(ftoks) + ["G"] * len(gtoks)
        order = [len(gtoks) + i for i in range(len(ftoks))] + list(range(len(gtoks)))
    else:
        toks = family.split()
        roles = ["N"] * len(toks)
        order = list(range(len(toks)))
    folded = tuple(fold(t) for t in toks)
    weights = tuple(
        _W_PARTICLE if t in PARTICLES else _W_INITIAL if len(t) == 1 else _W_NAME for t in folded
    )
    full = sum(1 for t in folded if t not in PARTICLES)
    return _Name(folded, tuple(roles), weights, tuple(order), full)


@dataclass(slots=True)
class _Item:
    score: float
    kind: int
    left: tuple[int, ...]
    right: tuple[int, ...]


def _align(x: _Name, y: _Name) -> list[_Item]:
    cands: list[tuple[float, int, int, int]] = []
    for i, a in enumerate(x.toks):
        for j, b in enumerate(y.toks):
            s, kind = _token_sim(a, b)
            if s >= TOKEN_FLOOR:
                cands.append((s, i, j, kind))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_x: set[int] = set()
    used_y: set[int] = set()
    items: list[_Item] = []
    for s, i, j, kind in cands:
        if i not in used_x and j not in used_y:
            used_x.add(i)
            used_y.add(j)
            items.append(_Item(s, kind, (i,), (j,)))
    if len(used_x) < len(x.toks) and len(used_y) < len(y.toks):
        _join(x, y, used_x, used_y, items, flip=False)
        _join(y, x, used_y, used_x, items, flip=True)
    return items


def _join(
    x: _Name, y: _Name, used_x: set[int], used_y: set[int], items: list[_Item], *, flip: bool
) -> None:
    """Align two adjacent leftover tokens of *x* with one leftover token of *y*."""
    for i in range(len(x.toks) - 1):
        if i in used_x or i + 1 in used_x:
            continue
        joined = x.toks[i] + x.toks[i + 1]
        best: tuple[float, int] | None = None
        for j, b in enumerate(y.toks):
            if j in used_y:
                continue
            s, _ = _token_sim(joined, b)
            if s >= 0.85 and (best is None or s > best[0]):
                best = (s, j)
        if best is not None:
            s, j = best
            used_x.update((i, i + 1))
            used_y.add(j)
            pair = ((i, i + 1), (j,))
            items.append(_Item(s, JOINED, pair[1], pair[0]) if flip else _Item(s, JOINED, *pair))


def _score(x: _Name, y: _Name, items: list[_Item]) -> tuple[float, dict[str, object]]:
    num = 0.0
    matched_w = 0.0
    strong = 0
    used_x: set[int] = set()
    used_y: set[int] = set()
    for it in items:
        w = sum(x.weights[i] for i in it.left) + sum(y.weights[j] for j in it.right)
        num += it.score * w
        matched_w += w
        used_x.update(it.left)
        used_y.update(it.right)
        if it.kind != INITIAL and any(x.toks[i] not in PARTICLES for i in it.left):
            strong += 1
    left_x = [i for i in range(len(x.toks)) if i not in used_x]
    left_y = [j for j in range(len(y.toks)) if j not in used_y]
    names_x = [i for i in left_x if x.weights[i] != _W_PARTICLE]
    names_y = [j for j in left_y if y.weights[j] != _W_PARTICLE]
    covered = not names_x or not names_y
    factor = _MISSING_FACTOR if covered else 1.0
    rest = sum(x.weights[i] for i in left_x) + sum(y.weights[j] for j in left_y)
    den = matched_w + factor * rest
    score = num / den if den else 0.0
    capped = strong < 2 and max(x.full, y.full) >= 2
    if capped:
        score = min(score, _ONE_TOKEN_CAP)
    reordered = False
    if len(items) >= 2:
        seq = sorted(items, key=lambda it: min(x.order[i] for i in it.left))
        pos = [min(y.order[j] for j in it.right) for it in seq]
        reordered = pos != sorted(pos)
        if reordered:
            score -= _ORDER_PENALTY
    score = min(1.0, max(0.0, score))
    info: dict[str, object] = {
        "left_x": left_x,
        "left_y": left_y,
        "covered": covered,
        "capped": capped,
        "reordered": reordered,
    }
    return score, info


def _prepare(a: str, b: str) -> tuple[_Name, _Name, bool] | None:
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return None
    flip = na > nb
    if flip:
        na, nb = nb, na
    return _parse(na), _parse(nb), flip


def similarity(a: str, b: str, *, score_cutoff: float | None = None) -> float:
    """How likely two names are the same person's, in [0, 1].

    Symmetric; 1.0 for the same name (after normalisation); 0.0 when either
    is empty.  With *score_cutoff*, a score below it is returned as 0.0.

    >>> similarity("Mohammed Abdul Rahman", "MUHAMMAD ABDULRAHMAN") > 0.85
    True
    >>> similarity("Mohammed Ali", "Mahmud Ali") < 0.85
    True
    >>> similarity("J. Smith", "John Smith") < similarity("John Smith", "JOHN SMITH") == 1.0
    True
    >>> similarity("Smith", "John Smith", score_cutoff=0.85)
    0.0
    """
    if a == b and a:
        return 1.0
    prepared = _prepare(a, b)
    if prepared is None:
        return 0.0
    x, y, _ = prepared
    if x.toks == y.toks and x.order == y.order:
        return 1.0
    score, _info = _score(x, y, _align(x, y))
    if score_cutoff is not None and score < score_cutoff:
        return 0.0
    return score


_KIND_TEXT = {
    VARIANT: "spelling variant",
    PHONETIC: "transliteration variant",
    SKELETON: "transliteration variant",
    TYPO: "typo",
}


def _role(x: _Name, y: _Name, it: _Item) -> str:
    roles = {x.roles[i] for i in it.left} | {y.roles[j] for j in it.right}
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
    x, y, flip = prepared
    items = _align(x, y)
    score, info = _score(x, y, items)
    if x.toks == y.toks and x.order == y.order:
        return 1.0, ["name exact"]

    def show(it: _Item) -> str:
        left = " ".join(x.toks[i] for i in it.left)
        right = " ".join(y.toks[j] for j in it.right)
        return f"{right} / {left}" if flip else f"{left} / {right}"

    reasons: list[str] = []
    for it in sorted(items, key=lambda it: (x.roles[it.left[0]] != "F", it.left[0])):
        role = _role(x, y, it)
        if it.kind == EXACT:
            text = f"{role} exact" if role != "name" else f"name part exact: {show(it)}"
        elif it.kind == INITIAL:
            text = f"initial matches: {show(it)}"
        elif it.kind == ARTICLE:
            text = f"particle attached: {show(it)}"
        elif it.kind == JOINED:
            text = f"joined / split name: {show(it)}"
        else:
            where = f" in {role}" if role != "name" else ""
            text = f"{_KIND_TEXT[it.kind]}{where}: {show(it)}"
        if text not in reasons:
            reasons.append(text)
    left_x: list[int] = info["left_x"]  # type: ignore[assignment]
    left_y: list[int] = info["left_y"]  # type: ignore[assignment]
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
    if info["reordered"]:
        reasons.append("name order differs")
    if info["capped"]:
        reasons.append("only one name part matches")
    return score, reasons
