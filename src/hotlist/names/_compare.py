"""Name comparison levels: which level each part of a listed name falls into.

The alignment is :mod:`hotlist.names._align`'s (order-free, best first,
transliteration-aware token scores, joined / split parts); this module names
the level of every listed part and of every query part left over, and gives
their bits under :data:`hotlist.names._model.MODEL`.

A part that equals its counterpart once the ICAO umlaut digraphs are folded
(``MUELLER`` / ``MULLER``, ``JUERGEN`` / ``JURGEN``: :func:`fold`) is exact.

Left-over parts get a second look the alignment does not give them: a pair of
left-over parts one edit apart (OSA, so an adjacent transposition is one edit;
HASNA / HANSA, JON / JOHN) is ``near``, unless it is the other gender's form of
the name (IVAN / IVANA).  Names whose letters agree and only the spaces differ
(MARTIN DUBOIS / MARTI NDUBOIS, PierreDupont / PIERRE DUPONT) agree exactly.

>>> [(lv.level, lv.token) for lv in compare("KHAN, IMRAN BIN SALEH", "IMRAN BIN SALEH KHAN")]
[('exact', 'IMRAN'), ('agrees', 'BIN'), ('exact', 'SALEH'), ('exact', 'KHAN')]
>>> [(lv.level, lv.token) for lv in compare("IVANOV, SERGEI", "IVANOV, SERGEI PETROVICH")]
[('exact', 'IVANOV'), ('exact', 'SERGEI'), ('dropped_middle', 'PETROVICH')]
>>> [(lv.level, lv.token, lv.other) for lv in compare("JURGEN MULLER", "MUELLER, JUERGEN")]
[('exact', 'MUELLER', 'MULLER'), ('exact', 'JUERGEN', 'JURGEN')]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rapidfuzz.distance import OSA

from hotlist.names import _tokensim as kinds
from hotlist.names._align import _align_py, _Name, _parse, _patronymic_swapped
from hotlist.names._model import MODEL, Level, PersonModel, bits
from hotlist.names._phonetic import KERNEL, variant
from hotlist.names._tokens import PARTICLES, fold
from hotlist.names._tokensim import _gendered
from hotlist.scoring import SCORING, SPACES_DIFFER, Reason, render

__all__ = ["NameLevel", "compare", "describe", "name_bits", "name_reason"]

_KIND_LEVEL = {
    kinds.EXACT: "exact",
    kinds.VARIANT: "variant",
    kinds.PHONETIC: "variant",
    kinds.SKELETON: "variant",
    kinds.ROMAN: "variant",
    kinds.ARTICLE: "variant",
    kinds.TYPO: "near",
    kinds.INITIAL: "initial",
    kinds.JOINED: "joined",
}
_VARIANT_SCORE = SCORING.names.variant  # a VARIANT pair under it may be a loose one
_VOWELS = frozenset("AEIOUYJ")  # J: the glide Y of German, Polish, Serbian (Й, Я, Ю)


def _vowel_edit(a: str, b: str) -> bool:
    """Whether two variant forms are one vowel apart: a vowel inserted, deleted or
    put for another (``PIUTR`` / ``PITR``: PYOTR / PETR, Пётр's YO or E), J counted
    as a vowel (the Y glide German and Polish write J: ANASTASIJA / ANASTASIA,
    SIMJUNUV / SIMIUNUV for SEMJONOW / SEMYONOV, ANDRIJ / ANDRI).

    Transliterations of one name differ mostly in their vowels, so such a pair is a
    spelling variant; a consonant edit (``IVANS`` / ``IVAN``, ``RIKI`` / ``RIFKI``,
    ``BURTUN`` / ``HURTUN``) is not.

    >>> _vowel_edit("PIUTR", "PITR"), _vowel_edit("IVANS", "IVAN"), _vowel_edit("BURTUN", "HURTUN")
    (True, False, False)
    >>> _vowel_edit("ANASTASIJA", "ANASTASIA")
    True
    """
    if len(a) < len(b):
        a, b = b, a
    n = len(b)
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    if len(a) == n:  # one vowel for another, the rest equal
        return i < n and a[i] in _VOWELS and b[i] in _VOWELS and a[i + 1 :] == b[i + 1 :]
    return len(a) == n + 1 and a[i] in _VOWELS and a[i + 1 :] == b[i:]


def _item_level(kind: int, score: float, role: str, tok: str, other: str | None) -> str:
    """The level of a listed part ``tok`` aligned as a token pair of ``kind`` and
    ``score`` to the query token ``other`` (None: to several query tokens).

    Two refinements of the kind, each its own level with its own ``m`` and ``u``
    (``hotlist.names._model``): a spelling variant only after a consonant edit of
    the variant forms (EVANS / IVAN, RICKY / RIFKIYE, BURTON / HORTON) is
    ``loose``, not ``variant`` (the variant forms equal or one vowel apart as
    PYOTR / PETR, a phonetic key, a transliteration rule); an initial standing
    for a family name is ``family_initial`` (initials are a given-name habit)."""
    if kind == kinds.INITIAL and role == "family name":
        return "family_initial"
    if (
        kind == kinds.VARIANT
        and score < _VARIANT_SCORE
        and (other is None or not _vowel_edit(variant(tok), variant(other)))
    ):
        return "loose"
    return _KIND_LEVEL[kind]


class NameLevel(NamedTuple):
    """One part's level: the listed part (or the query part, for ``extra``), its
    counterpart, its role in the listed name ("family name", "given name",
    "name") and the level's key in ``MODEL.name`` / ``MODEL.particle``.

    A named tuple (immutable, as a frozen dataclass, but made about three times
    faster: a person check makes a few thousand)."""

    level: str
    token: str
    other: str
    role: str
    particle: bool = False


def _role(listed: _Name, j: int) -> str:
    r = listed.roles[j]
    return "family name" if r == "F" else "given name" if r == "G" else "name"


def _compare_py(query: str, listed: str) -> list[NameLevel]:
    """The levels of a normalised query name against a normalised listed name
    (the listed name's parts in its own order, then the query's extra parts).
    The pure-Python reference of the compiled ``_namekernel.compare`` (``compare``)."""
    q, c = _parse(query), _parse(listed)
    if not q.toks or not c.toks:
        return []
    out: list[NameLevel] = []
    # the letters without spaces, in each order the names can be read in (_Name.letters)
    if q.toks == c.toks or not q.letters.isdisjoint(c.letters):
        spaced = SPACES_DIFFER if sorted(q.toks) != sorted(c.toks) else ""
        for j, tok in enumerate(c.toks):
            particle = tok in PARTICLES
            out.append(
                NameLevel(
                    "agrees" if particle else "exact", tok, spaced or tok, _role(c, j), particle
                )
            )
        return out
    items, left_q, left_c = _align_py(q, c, None)
    for score, kind, lq, lc in sorted(items, key=lambda it: it[3][0]):
        other = q.toks[lq[0]] if len(lq) == 1 else " ".join([q.toks[i] for i in lq])
        for j in lc:
            tok = c.toks[j]
            if tok in PARTICLES:
                out.append(NameLevel("agrees", tok, other, _role(c, j), True))
            elif len(lq) == 1 and (tok == other or fold(tok) == fold(other)):
                # MUELLER / MULLER: the same name, as the ICAO transliteration of
                # MÜLLER and as it is typed without the umlaut.  Exact, not a
                # spelling variant: a variant's bits cannot carry a name without
                # a date of birth over the threshold, so the listed person was missed.
                out.append(NameLevel("exact", tok, other, _role(c, j)))
            else:
                role = _role(c, j)
                single = other if len(lq) == 1 else None
                out.append(NameLevel(_item_level(kind, score, role, tok, single), tok, other, role))
    if q.patronymic and c.patronymic and _patronymic_swapped(q, c, items):
        out.append(NameLevel("patronymic", "", "", "name"))
    # left-overs: particles, then near pairs (one edit), then differs / dropped / extra
    rest_c = []
    for j in left_c:
        tok = c.toks[j]
        if tok in PARTICLES:
            out.append(NameLevel("missing", tok, "", _role(c, j), True))
        else:
            rest_c.append(j)
    rest_q = [i for i in left_q if q.toks[i] not in PARTICLES]
    for j in list(rest_c):
        b = c.toks[j]
        if len(b) < 2:
            continue
        for i in rest_q:
            a = q.toks[i]
            if len(a) >= 2 and OSA.distance(a, b, score_cutoff=1) <= 1 and not _gendered(a, b):
                out.append(NameLevel("near", b, a, _role(c, j)))
                rest_c.remove(j)
                rest_q.remove(i)
                break
    n_differ = min(len(rest_c), len(rest_q))
    middle: set[int] | None = None
    for k, j in enumerate(rest_c):
        if k < n_differ:
            out.append(NameLevel("differs", c.toks[j], q.toks[rest_q[k]], _role(c, j)))
        else:
            if middle is None:
                middle = _middles(c)
            level = "dropped_middle" if j in middle else "dropped"
            out.append(NameLevel(level, c.toks[j], "", _role(c, j)))
    for i in rest_q[n_differ:]:
        out.append(NameLevel("extra", q.toks[i], "", "name"))
    return out


def _middles(c: _Name) -> set[int]:
    """The positions of the name's middle names and patronymics: the given names
    after the first; without a comma, the parts between the first and the last
    full part."""
    full = [i for i, t in enumerate(c.toks) if t not in PARTICLES and len(t) > 1]
    if c.comma:
        given = [i for i in full if c.roles[i] == "G"]
        return set(given[1:])
    return set(full[1:-1]) if len(full) > 2 else set()


compare: Callable[[str, str], list[NameLevel]]
if KERNEL is not None:
    KERNEL.configure(
        fold=fold,
        particles=PARTICLES,
        name_level=NameLevel,
        kind_level=_KIND_LEVEL,
        loose_below=_VARIANT_SCORE,
        spaces_differ=SPACES_DIFFER,
    )
    compare = KERNEL.compare
else:
    compare = _compare_py


def level_of(lv: NameLevel, model: PersonModel = MODEL) -> Level:
    if lv.particle:
        return model.particle[lv.level]
    if lv.level == "patronymic":
        return model.patronymic_swapped
    return model.name[lv.level]


def level_bits(lv: NameLevel, tf: Callable[[str], float], model: PersonModel = MODEL) -> float:
    """The bits of one level: ``u`` from the part's term frequency where the level
    is term-frequency adjusted."""
    level = level_of(lv, model)
    u = level.u
    if u is None:
        u = tf(lv.token)
        if lv.level == "near":
            u = min(1.0, u + model.near_u_floor)
        elif lv.level == "loose":
            u = min(1.0, u + model.loose_u_floor)
    return bits(level.m, u)


_Memo = dict[tuple[str, str, bool], float]
_Bits = tuple[float, list[tuple[NameLevel, float]]]


def _name_bits_py(
    query: str, listed: str, tf: Callable[[str], float], model: PersonModel, memo: _Memo | None
) -> _Bits:
    """``name_bits`` in Python: the reference of the compiled ``_namekernel.name_bits``."""
    if memo is None:
        parts = [(lv, level_bits(lv, tf, model)) for lv in compare(query, listed)]
    else:
        parts = []
        for lv in compare(query, listed):
            key = (lv.level, lv.token, lv.particle)
            b = memo.get(key)
            if b is None:
                b = memo[key] = level_bits(lv, tf, model)
            parts.append((lv, b))
    return sum(b for _, b in parts), parts


def name_reason(lv: NameLevel, b: float) -> Reason:
    """The structured reason of one name level with its bits (``hotlist.scoring``)."""
    if lv.level == "patronymic":
        return Reason("patronymic order", "differs", b, in_bits=True)
    if lv.particle:
        return Reason("particle", lv.level, b, lv.token, in_bits=True)
    return Reason(lv.role, lv.level, b, lv.token, lv.other, in_bits=True)


def describe(lv: NameLevel, b: float) -> str:
    """A reason a person reads: ``family name exact: KHAN (+9.1)``."""
    return render(name_reason(lv, b))


def name_bits(
    query: str,
    listed: str,
    tf: Callable[[str], float],
    model: PersonModel = MODEL,
    memo: _Memo | None = None,
) -> _Bits:
    """The summed bits of the name levels and each level with its bits.

    ``memo`` (the caller's, for one ``tf`` and ``model``) keeps each level's bits
    by level, part and particle flag: a query scored against many listed names
    meets the same parts at the same levels again and again."""
    if KERNEL is None:
        return _name_bits_py(query, listed, tf, model, memo)
    result: _Bits = KERNEL.name_bits(query, listed, tf, model, memo, level_bits)
    return result
