"""Token-pair scores of the name similarity (:mod:`hotlist.names._similarity`):
how two normalised name parts compare, and which kind of match it is.

Every number comes from ``hotlist.scoring.SCORING.names``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz.distance import OSA

from hotlist.names._memo import cached, cached2
from hotlist.names._phonetic import _RUN_LETTER, KERNEL, _variant_py, phonetic_key, variant
from hotlist.scoring import SCORING

__all__ = [
    "ARTICLE",
    "EXACT",
    "INITIAL",
    "JOINED",
    "PHONETIC",
    "ROMAN",
    "SKELETON",
    "TOKEN_FLOOR",
    "TYPO",
    "VARIANT",
]

_W = SCORING.names
TOKEN_FLOOR = _W.token_floor
"""Token pairs scoring under this are not aligned at all."""

_VARIANT, _ARTICLE_SCORE, _INITIAL_SCORE = _W.variant, _W.article, _W.initial
_GENDERED = _W.gendered
_SKELETON_SCORE, _ROMAN_SCORE, _TYPO_PER_EDIT = _W.skeleton, _W.roman, _W.typo_per_edit
_PHONETIC, _PHONETIC_LEAST, _PHONETIC_CAP = (
    _W.phonetic_base,
    _W.phonetic_least_closeness,
    _W.phonetic_cap,
)
_TRANSLIT_FROM = max(_SKELETON_SCORE, _ROMAN_SCORE)  # under this, a skeleton or pinyin may do

_ARTICLES = ("AL", "EL", "UL")
_VOWELS = frozenset("AEIOUY")
_NON_I_VOWELS = frozenset("AEOU")
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


def _syllabic_py(token: str) -> bool:
    """Whether the token is one to three pinyin / Wade-Giles / Korean syllables."""
    return _SYLLABLES.fullmatch(token) is not None


# the kernel's backtracking search is the regex's fullmatch (property-tested)
_syllabic: Callable[[str], bool] = _syllabic_py if KERNEL is None else KERNEL.syllables


@cached(1 << 16)
def _roman(token: str) -> str | None:
    if len(token) > 12 or not _syllabic(token):
        return None
    for old, new in _ROMAN_RULES:
        token = token.replace(old, new)
    return token


@cached(1 << 16)
def _undouble(token: str) -> str:
    return _DOUBLE.sub(_RUN_LETTER, token)


def _gendered(a: str, b: str) -> bool:
    """IVAN / IVANA, MARIO / MARIA, PETROV / PETROVA, DANIEL / DANIELLE."""
    if a[0] != b[0]:  # both forms keep the first letter (undoubling does too)
        return False
    a, b = _undouble(a), _undouble(b)
    if len(a) > len(b):
        a, b = b, a
    if len(a) < 3:
        return False
    if len(a) == len(b):
        return a[:-1] == b[:-1] and {a[-1], b[-1]} == {"A", "O"}
    return len(b) == len(a) + 1 and b.startswith(a) and b[-1] in "AE" and a[-1] not in _VOWELS


_GLIDE_FROM = 5
"""The shortest variant form (the longer of the pair) whose J / I edit is a glide:
RAJ / RAI, SAJ / SAI are other names."""


def _glide(va: str, vb: str) -> bool:
    """Whether two variant forms differ only in the Y glide German, Polish and
    Serbo-Croatian write J (Й, Я, Ю): a J for an I before a vowel or at the end
    (TATJANA / TATIANA, LJUDMILA / LIUDMILA, NIKOLAJ / NIKOLAI), or a J after an I
    (ANASTASIJA / ANASTASIA, ALEKSEJ / ALEKSEI, DMITRIJ / DMITRII; Dutch IJ as
    well: KUIJPERS / KUIPERS), never the first letter (JAN / IAN) nor a J after
    another vowel before a vowel (SAJID / SAID, RAJAN / RAYAN, AJALA / AYALA:
    the Arabic, Indian or Yoruba J).

    >>> _glide("TATJANA", "TATIANA"), _glide("ALIXIJ", "ALIXI"), _glide("SAJID", "SAID")
    (True, True, False)
    """
    if len(va) < len(vb):
        va, vb = vb, va
    n = len(vb)
    if len(va) < _GLIDE_FROM:
        return False
    i = 0
    while i < n and va[i] == vb[i]:
        i += 1
    if i == 0 or i == len(va):
        return False
    if len(va) == n:
        return (
            {va[i], vb[i]} == {"I", "J"}
            and (i + 1 == n or (va[i + 1] in _VOWELS and va[i - 1] not in _NON_I_VOWELS))
            and va[i + 1 :] == vb[i + 1 :]
        )
    return len(va) == n + 1 and va[i] == "J" and va[i - 1] == "I" and va[i + 1 :] == vb[i:]


@cached(1 << 16)
def _skeleton(token: str) -> str:
    out = [c for c in variant(token) if c not in _VOWELS]
    if out and out[-1] == "H":
        out.pop()
    return "".join(out)


@cached(1 << 16)
def _vowel_poor(token: str) -> bool:
    """Vowel-less forms, as Arabic script gives them (MHMD, AMR, KHALD)."""
    return len(token) >= 3 and sum(c in _VOWELS for c in token) * 4 < len(token)


@cached2(1 << 17)
def _token_sim_py(a: str, b: str) -> tuple[float, int]:
    """Score of two normalised tokens, and which kind of match it is (the pure-Python
    reference of the compiled ``_namekernel.token_sim``)."""
    if a == b:
        return 1.0, EXACT
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        if la == 1 and lb == 1:
            return 0.0, TYPO
        short, long = (a, b) if la == 1 else (b, a)
        return (_INITIAL_SCORE, INITIAL) if long[0] == short else (0.0, TYPO)
    va, vb = variant(a), variant(b)
    if va == vb:
        return _VARIANT, VARIANT
    if (a.startswith(_ARTICLES) and a[2:] == b and lb >= 4) or (
        b.startswith(_ARTICLES) and b[2:] == a and la >= 4
    ):
        return _ARTICLE_SCORE, ARTICLE
    if _gendered(a, b):
        # IVAN / IVANA, MARIO / MARIA, PETROV / PETROVA, DANIEL / DANIELLE:
        # another (often the other gender's) form of the name, not a typo.
        return _GENDERED, TYPO
    best, kind = 0.0, TYPO
    raw = OSA.distance(a, b, score_cutoff=2)
    var = OSA.distance(va, vb, score_cutoff=3)
    if raw <= 2 or var <= 2:
        # one edit costs 1/len plus a flat 0.04: typos in long tokens cost
        # less, and four-letter names one letter apart (JOHN / JOAN) stay apart.
        if raw < var or (raw == var and not (raw == 1 and _glide(va, vb))):
            best, kind = 1.0 - raw / max(la, lb) - _TYPO_PER_EDIT * raw, TYPO
        elif raw == var:  # a glide J (TATJANA / TATIANA): a spelling variant
            best, kind = 1.0 - raw / max(la, lb) - _TYPO_PER_EDIT * raw, VARIANT
        else:
            best, kind = 1.0 - var / max(len(va), len(vb)) - _TYPO_PER_EDIT * var, VARIANT
    if var <= 3 and min(la, lb) >= 5 and phonetic_key(a) == phonetic_key(b):
        close = 1.0 - var / max(len(va), len(vb))
        phonetic = _PHONETIC + (1.0 - _PHONETIC) * close
        if close >= _PHONETIC_LEAST and phonetic > best:
            best, kind = min(phonetic, _PHONETIC_CAP), PHONETIC
    if best < _TRANSLIT_FROM:
        poor = _vowel_poor(a) or _vowel_poor(b)
        if poor and len(_skeleton(a)) >= 2 and _skeleton(a) == _skeleton(b):
            best, kind = _SKELETON_SCORE, SKELETON
        ra = _roman(a)
        if ra is not None and ra == _roman(b):
            best, kind = _ROMAN_SCORE, ROMAN
    return max(best, 0.0), kind


_token_sim: Callable[[str, str], tuple[float, int]]
if KERNEL is not None:
    KERNEL.configure(
        token_floor=TOKEN_FLOOR,
        variant_score=_VARIANT,
        article_score=_ARTICLE_SCORE,
        initial_score=_INITIAL_SCORE,
        gendered_score=_GENDERED,
        skeleton_score=_SKELETON_SCORE,
        roman_score=_ROMAN_SCORE,
        typo_per_edit=_TYPO_PER_EDIT,
        phonetic_base=_PHONETIC,
        phonetic_least=_PHONETIC_LEAST,
        phonetic_cap=_PHONETIC_CAP,
        translit_from=_TRANSLIT_FROM,
        variant=_variant_py,  # strings over 255 letters
        phonetic_key=phonetic_key,
        roman=_roman,
        skeleton=_skeleton,
        vowel_poor=_vowel_poor,
        undouble=_undouble,
    )
    _token_sim = KERNEL.token_sim
    _token_sim.cache_clear = KERNEL.cache_clear  # type: ignore[attr-defined]
else:
    _token_sim = _token_sim_py
