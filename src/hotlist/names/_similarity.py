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
order before scoring.  Token scores and parsed names are cached (bounded LRU),
so a scorer that meets the same query tokens again pays for them once.
``score_cutoff`` only filters the result today: there is no sound bound that
is cheaper than the alignment itself for names of two or three tokens.

>>> similarity("ERIKSSON, Anna Maria", "Anna ERIKSSON") >= MATCH_THRESHOLD
True
>>> similarity("SMITH, JOHN", "SMITH, PETER") < MATCH_THRESHOLD
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from hotlist.names._phonetic import phonetic_key, variant
from hotlist.names._tokens import PARTICLES, normalize

__all__ = ["MATCH_THRESHOLD", "TOKEN_FLOOR", "explain", "similarity"]

MATCH_THRESHOLD = 0.85
"""Default cut-off that ``check()`` uses: a pair scoring at least this is a hit.

At 0.85 a name matches through one typo or one transliteration variant, a
missing middle name, an initial, reordered or joined / split parts, but not
through a different given name with the same family name (about 0.5) or one
shared token (at most 0.6).  Measured with ``benchmarks/names_quality.py``:
precision 0.995 / recall 0.982 on ``tests/names/data/pairs.tsv`` (299 pairs,
tuned on) and 0.94 / 0.96 on ``holdout.tsv`` (78 pairs, never tuned on).
"""

MAX_TOKENS = 12
"""Tokens of a name the scorer looks at (the rest is junk, not a longer name)."""

MAX_TOKEN_LENGTH = 40
"""Letters of a token the scorer looks at."""

TOKEN_FLOOR = 0.72
"""Token pairs scoring under this are not aligned at all."""

_W_NAME, _W_INITIAL, _W_PARTICLE = 1.0, 0.5, 0.25
_MISSING_FACTOR = 0.3
_ONE_TOKEN_CAP = 0.6
_ORDER_PENALTY = 0.02
_JOIN_FLOOR = 0.85
_ARTICLES = ("AL", "EL", "UL")
_PATRONYMICS = frozenset({"BIN", "BEN", "IBN", "BN", "BINT", "OULD"})
_VOWELS = frozenset("AEIOUY")
_DOUBLE = re.compile(r"([A-Z])\1+")

# token-pair kinds
EXACT, VARIANT, PHONETIC, SKELETON, ARTICLE, INITIAL, TYPO, JOINED, ROMAN = range(9)

# Chinese (pinyin, Wade-Giles) and Korean syllables, and a coarse key that
# maps the Wade-Giles spellings onto pinyin: HSIAO PING / XIAOPING, TSE TUNG /
# ZEDONG, CHOU / ZHOU, and Korean K/G, P/B, T/D.
_SYLLABLE = (
    "(?:ZH|CH|SH|HS|TS|TZ|[BPMFDTNLGKHJQXRZCSYW])?"
    "(?:IANG|IONG|IUNG|UANG|ENG|ANG|ONG|UNG|ING|IAN|IAO|IEH|UAI|UAN|UEH|"
    "AI|AN|AO|EI|EN|ER|IA|IE|IN|IU|OU|UA|UE|UI|UN|UO|A|E|I|O|U)"
)
_SYLLABLES = re.compile(f"(?:{_SYLLABLE}){{1,3}}")
_ROMAN_RULES = (
    ("HS", "X"), ("TZ", "Z"), ("TS", "Z"), ("CH", "J"), ("ZH", "J"), ("Q", "J"),
    ("C", "Z"), ("K", "G"), ("P", "B"), ("T", "D"), ("UNG", "ONG"), ("IEH", "IE"),
    ("EH", "E"),
)  # fmt: skip


def _roman(token: str) -> str | None:
    if len(token) > 12 or not _SYLLABLES.fullmatch(token):
        return None
    for old, new in _ROMAN_RULES:
        token = token.replace(old, new)
    return token


def _gendered(a: str, b: str) -> bool:
    """IVAN / IVANA, MARIO / MARIA, PETROV / PETROVA, DANIEL / DANIELLE."""
    a, b = _DOUBLE.sub(r"\1", a), _DOUBLE.sub(r"\1", b)
    if len(a) > len(b):
        a, b = b, a
    if len(a) < 3:
        return False
    if len(a) == len(b):
        return a[:-1] == b[:-1] and {a[-1], b[-1]} == {"A", "O"}
    return len(b) == len(a) + 1 and b.startswith(a) and b[-1] in "AE" and a[-1] not in _VOWELS


def _skeleton(token: str) -> str:
    out = [c for c in variant(token) if c not in _VOWELS]
    if out and out[-1] == "H":
        out.pop()
    return "".join(out)


def _vowel_poor(token: str) -> bool:
    """Vowel-less forms, as Arabic script gives them (MHMD, AMR, KHALD)."""
    return len(token) >= 3 and sum(c in _VOWELS for c in token) * 4 < len(token)


@lru_cache(maxsize=1 << 17)
def _token_sim(a: str, b: str) -> tuple[float, int]:
    """Score of two normalised tokens, and which kind of match it is."""
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
    if (a.startswith(_ARTICLES) and a[2:] == b and lb >= 4) or (
        b.startswith(_ARTICLES) and b[2:] == a and la >= 4
    ):
        return 0.9, ARTICLE
    if _gendered(a, b):
        # IVAN / IVANA, MARIO / MARIA, PETROV / PETROVA, DANIEL / DANIELLE:
        # another (often the other gender's) form of the name, not a typo.
        return 0.5, TYPO
    best, kind = 0.0, TYPO
    raw = OSA.distance(a, b, score_cutoff=2)
    var = OSA.distance(va, vb, score_cutoff=3)
    if raw <= 2 or var <= 2:
        # one edit costs 1/len plus a flat 0.04: typos in long tokens cost
        # less, and four-letter names one letter apart (JOHN / JOAN) stay apart.
        if raw <= var:
            best, kind = 1.0 - raw / max(la, lb) - 0.04 * raw, TYPO
        else:
            best, kind = 1.0 - var / max(len(va), len(vb)) - 0.04 * var, VARIANT
    if var <= 3 and min(la, lb) >= 5 and phonetic_key(a) == phonetic_key(b):
        close = 1.0 - var / max(len(va), len(vb))
        if close >= 0.7 and 0.5 + 0.5 * close > best:
            best, kind = min(0.5 + 0.5 * close, 0.93), PHONETIC
    if best < 0.85:
        poor = _vowel_poor(a) or _vowel_poor(b)
        if poor and len(_skeleton(a)) >= 2 and _skeleton(a) == _skeleton(b):
            best, kind = 0.85, SKELETON
        ra = _roman(a)
        if ra is not None and ra == _roman(b):
            best, kind = 0.85, ROMAN
    return max(best, 0.0), kind


@dataclass(frozen=True, slots=True)
class _Name:
    toks: tuple[str, ...]
    roles: tuple[str, ...]  # "F" family, "G" given, "N" unknown
    weights: tuple[float, ...]
    orders: tuple[tuple[int, ...], ...]  # token positions, given-first (and as written)
    comma: bool
    full: int  # number of non-particle tokens
    tokset: frozenset[str]
    cut: bool  # tokens were cut at MAX_TOKENS / MAX_TOKEN_LENGTH
    patronymic: bool  # has BIN, BEN, IBN...


@lru_cache(maxsize=1 << 16)
def _parse(norm: str) -> _Name:
    family, comma, given = norm.partition(", ")
    if comma:
        ftoks, gtoks = family.split(), given.split()
        toks = ftoks + gtoks
        roles = ["F"] * len(ftoks) + ["G"] * len(gtoks)
        given_first = tuple([len(gtoks) + i for i in range(len(ftoks))] + list(range(len(gtoks))))
        orders: tuple[tuple[int, ...], ...] = (given_first, tuple(range(len(toks))))
    else:
        toks = family.split()
        roles = ["N"] * len(toks)
        orders = (tuple(range(len(toks))),)
    cut = len(toks) > MAX_TOKENS or any(len(t) > MAX_TOKEN_LENGTH for t in toks)
    if cut:  # junk, not a name: bound the work
        toks = [t[:MAX_TOKEN_LENGTH] for t in toks[:MAX_TOKENS]]
        roles = roles[:MAX_TOKENS]
        orders = tuple(tuple(min(p, MAX_TOKENS - 1) for p in o[:MAX_TOKENS]) for o in orders)
    weights = tuple(
        _W_PARTICLE if t in PARTICLES else _W_INITIAL if len(t) == 1 else _W_NAME for t in toks
    )
    full = sum(1 for t in toks if t not in PARTICLES)
    toks_t = tuple(toks)
    tokset = frozenset(toks)
    patronymic = not tokset.isdisjoint(_PATRONYMICS)
    return _Name(toks_t, tuple(roles), weights, orders, bool(comma), full, tokset, cut, patronymic)


# an aligned group: score, kind, token positions in x, token positions in y
_Item = tuple[float, int, tuple[int, ...], tuple[int, ...]]


def _align(x: _Name, y: _Name) -> tuple[list[_Item], list[int], list[int]]:
    """Greedy best-first alignment; returns the items and the leftover positions."""
    items: list[_Item] = []
    left_x = list(range(len(x.toks)))
    left_y = list(range(len(y.toks)))
    if not x.tokset.isdisjoint(y.tokset):  # exact tokens first: they score 1.0
        for i, tok in enumerate(x.toks):
            if tok in y.tokset:
                for j in left_y:
                    if y.toks[j] == tok:
                        items.append((1.0, EXACT, (i,), (j,)))
                        left_x.remove(i)
                        left_y.remove(j)
                        break
    if left_x and left_y:
        cands = []
        for i in left_x:
            a = x.toks[i]
            for j in left_y:
                s, kind = _token_sim(a, y.toks[j])
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
            _join(x, y, left_x, left_y, items, flip=False)
            _join(y, x, left_y, left_x, items, flip=True)
    return items, left_x, left_y


def _join(
    x: _Name, y: _Name, left_x: list[int], left_y: list[int], items: list[_Item], *, flip: bool
) -> None:
    """Align two or three adjacent leftover tokens of *x* with one leftover token of *y*."""
    for span in (3, 2):
        for start in range(len(x.toks) - span + 1):
            idx = tuple(range(start, start + span))
            if not left_y or any(i not in left_x for i in idx):
                continue
            joined = "".join(x.toks[i] for i in idx)
            size = len(joined)
            best: tuple[float, int] | None = None
            for j in left_y:
                b = y.toks[j]
                if abs(size - len(b)) > 3 + len(b) // 4:  # cannot reach _JOIN_FLOOR
                    continue
                s, _ = _token_sim(joined, b)
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
    """SAID BIN SALEM / SALEM BIN SAID: the same tokens, another father."""
    for _, kind, lx, ly in items:
        if kind == EXACT and x.toks[lx[0]] in _PATRONYMICS:
            px, py = lx[0], ly[0]
            return any((it[2][0] < px) != (it[3][0] < py) for it in items if it[2][0] != px)
    return False


def _score(x: _Name, y: _Name) -> tuple[float, list[_Item], list[int], list[int], int]:
    """The score, the alignment, the leftovers and flags (1 capped, 2 reordered, 4 patronymic)."""
    items, left_x, left_y = _align(x, y)
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
    prepared = _prepare(a, b)
    if prepared is None:
        return 0.0
    x, y, _, same = prepared
    if same:
        return 1.0
    if x.toks == y.toks:
        return 0.99 if x.cut or y.cut else 1.0
    score = _score(x, y)[0]
    if score_cutoff is not None and score < score_cutoff:
        return 0.0
    return score


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
            (0.99, ["name too long, compared in part"]) if x.cut or y.cut else (1.0, ["name exact"])
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
    return score, reasons
