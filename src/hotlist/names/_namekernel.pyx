# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -ffp-contract=off
"""Compiled name-pair scoring (optional): the token-pair score, the alignment,
the pair score and the comparison levels of :mod:`hotlist.names`.

The same functions as the pure-Python ones they replace, written again over C
arrays: ``token_sim`` is ``_tokensim._token_sim_py``, ``align`` is
``_align._align_py``, ``score`` is ``_align._score_py``, ``compare`` is
``_compare._compare_py``.  Every float is computed in the same order with the
same operations (``-ffp-contract=off``: no fused multiply-add), so the results
are identical; ``tests/names/test_namekernel.py`` property-tests that.

What makes it fast: a token's derived forms (spelling variant, phonetic key,
consonant skeleton, pinyin form, undoubled form, folded form) are computed
once per token (by the Python functions, cached here per token) instead of
once per pair through several cached calls; OSA is a small C dynamic
programme; the alignment works on C arrays and builds Python tuples only for
its answer.  The module is configured by ``configure`` (called by
``hotlist.names._tokensim`` and ``_compare`` at import) with the Python
functions and the weights, so it imports nothing of ``hotlist`` itself.
"""

cimport cython
from cpython.unicode cimport PyUnicode_READ_CHAR

from rapidfuzz.distance import OSA as _OSA

DEF MAXT = 16     # tokens of a parsed name (``_align.MAX_TOKENS`` is 12)
DEF MAXLEN = 255  # letters of a string the C OSA takes (longer: rapidfuzz)

# token-pair kinds (``_tokensim``)
DEF EXACT = 0
DEF VARIANT = 1
DEF PHONETIC = 2
DEF SKELETON = 3
DEF ARTICLE = 4
DEF INITIAL = 5
DEF TYPO = 6
DEF JOINED = 7
DEF ROMAN = 8

# the weights (``configure``)
cdef double TOKEN_FLOOR, VARIANT_S, ARTICLE_S, INITIAL_S, GENDERED_S, SKELETON_S
cdef double ROMAN_S, TYPO_PER_EDIT, PHONETIC_B, PHONETIC_LEAST, PHONETIC_CAP
cdef double TRANSLIT_FROM, JOIN_FLOOR, MISSING_FACTOR, ONE_TOKEN_CAP, ORDER_PENALTY
cdef double SPACED_S, W_PARTICLE
cdef double LOOSE_BELOW = 0.95

# the Python functions (``configure``)
cdef object _variant = None, _phonetic_key = None, _roman = None, _skeleton = None
cdef object _vowel_poor = None, _undouble = None, _fold = None, _parse = None
cdef object _patronymic_swapped = None, _name_level = None
cdef object _particles = frozenset()
cdef object _kind_level = None
cdef str _spaces_differ = ""
cdef object _tuple_new = tuple.__new__

cdef Py_ssize_t TOK_MAX = 1 << 17
cdef Py_ssize_t PAIR_MAX = 1 << 17
cdef dict _toks = {}
cdef dict _pairs = {}
cdef object _UNSET = object()


def configure(**kw):
    """Set the weights and the Python functions the kernel calls (see the module doc)."""
    global TOKEN_FLOOR, VARIANT_S, ARTICLE_S, INITIAL_S, GENDERED_S, SKELETON_S
    global ROMAN_S, TYPO_PER_EDIT, PHONETIC_B, PHONETIC_LEAST, PHONETIC_CAP
    global TRANSLIT_FROM, JOIN_FLOOR, MISSING_FACTOR, ONE_TOKEN_CAP, ORDER_PENALTY
    global SPACED_S, W_PARTICLE, LOOSE_BELOW
    global _variant, _phonetic_key, _roman, _skeleton, _vowel_poor, _undouble, _fold
    global _parse, _patronymic_swapped, _name_level, _particles, _kind_level, _spaces_differ
    g = globals()
    for key, value in kw.items():
        if key == "token_floor": TOKEN_FLOOR = value
        elif key == "variant_score": VARIANT_S = value
        elif key == "article_score": ARTICLE_S = value
        elif key == "initial_score": INITIAL_S = value
        elif key == "gendered_score": GENDERED_S = value
        elif key == "skeleton_score": SKELETON_S = value
        elif key == "roman_score": ROMAN_S = value
        elif key == "typo_per_edit": TYPO_PER_EDIT = value
        elif key == "phonetic_base": PHONETIC_B = value
        elif key == "phonetic_least": PHONETIC_LEAST = value
        elif key == "phonetic_cap": PHONETIC_CAP = value
        elif key == "translit_from": TRANSLIT_FROM = value
        elif key == "join_floor": JOIN_FLOOR = value
        elif key == "missing_factor": MISSING_FACTOR = value
        elif key == "one_token_cap": ONE_TOKEN_CAP = value
        elif key == "order_penalty": ORDER_PENALTY = value
        elif key == "spaced_score": SPACED_S = value
        elif key == "w_particle": W_PARTICLE = value
        elif key == "variant": _variant = value
        elif key == "phonetic_key": _phonetic_key = value
        elif key == "roman": _roman = value
        elif key == "skeleton": _skeleton = value
        elif key == "vowel_poor": _vowel_poor = value
        elif key == "undouble": _undouble = value
        elif key == "fold": _fold = value
        elif key == "parse": _parse = value
        elif key == "patronymic_swapped": _patronymic_swapped = value
        elif key == "name_level": _name_level = value
        elif key == "particles": _particles = value
        elif key == "kind_level": _kind_level = value
        elif key == "loose_below": LOOSE_BELOW = value
        elif key == "spaces_differ": _spaces_differ = value
        else:
            raise TypeError(f"configure: unknown setting {key!r}")


def limits(Py_ssize_t tokens, Py_ssize_t pairs):
    """Set the sizes of the token and the token-pair caches (at least 2); the old
    sizes.  (The tests make them small, to run the eviction.)"""
    global TOK_MAX, PAIR_MAX
    old = (TOK_MAX, PAIR_MAX)
    TOK_MAX = max(tokens, 2)
    PAIR_MAX = max(pairs, 2)
    return old


def cache_clear():
    """Forget every token's forms and every token pair's score."""
    global _npairs
    _toks.clear()
    _pairs.clear()
    _npairs = 0


cdef inline void _evict(dict cache):
    # the oldest eighth of a full cache, as ``hotlist.names._memo`` drops it (half
    # at once was a pause of several ms in the check that filled it)
    cdef Py_ssize_t k = 0, n = len(cache) // 8 + 1
    cdef list keys = []
    cdef object key
    for key in cache:
        if k >= n:
            break
        keys.append(key)
        k += 1
    for key in keys:
        cache.pop(key, None)


@cython.no_gc  # strings only: no cycles, and a full collection need not walk them
cdef class Tok:
    """A token's derived forms, each computed on first use."""
    cdef str s
    cdef str var
    cdef object pkey, skel, roman, undbl, folded
    cdef int poor  # -1: not known yet


cdef Tok _tok(str s):
    cdef object t = _toks.get(s)
    if t is not None:
        return <Tok>t
    cdef Tok n = Tok.__new__(Tok)
    n.s = s
    n.var = _variant_c(s)
    n.pkey = None
    n.skel = None
    n.roman = _UNSET
    n.undbl = None
    n.folded = None
    n.poor = -1
    if len(_toks) >= TOK_MAX:
        _evict(_toks)
    _toks[s] = n
    return n


# the rest, in three files of one module (Cython ``include``: one extension, one namespace)
include "_namekernel_forms.pxi"
include "_namekernel_align.pxi"
include "_namekernel_levels.pxi"
