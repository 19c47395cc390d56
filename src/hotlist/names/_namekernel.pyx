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
    global SPACED_S, W_PARTICLE
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
    # the older half of a full cache, as ``hotlist.names._memo`` drops it
    cdef list keys = list(cache)
    cdef Py_ssize_t k
    for k in range(len(keys) // 2):
        cache.pop(keys[k], None)


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


cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    void PyObject_GC_UnTrack(void *op)


cdef str _undouble_c(str s):
    """``_tokensim._undouble``: each run of one letter A-Z as one letter."""
    cdef Py_ssize_t n = len(s), i, k = 0
    cdef Py_UCS4 c, prev = 0
    if n > MAXLEN:
        return _undouble(s)
    cdef Py_UCS4 buf[MAXLEN + 1]
    for i in range(n):
        c = PyUnicode_READ_CHAR(s, i)
        if i and c == prev and u"A" <= c <= u"Z":
            continue
        buf[k] = c
        k += 1
        prev = c
    if k == n:
        return s
    return <str>PyUnicode_FromKindAndData(4, buf, k)


cdef bint _vowel_poor_c(str s):
    """``_tokensim._vowel_poor``: at least three letters, under a quarter vowels."""
    cdef Py_ssize_t n = len(s), i, v = 0
    cdef Py_UCS4 c
    if n < 3:
        return False
    for i in range(n):
        c = PyUnicode_READ_CHAR(s, i)
        if c == u"A" or c == u"E" or c == u"I" or c == u"O" or c == u"U" or c == u"Y":
            v += 1
    return v * 4 < n


cdef tuple _variant_rules = ()


def configure_variant(rules):
    """The (old, new) rewrites of ``_phonetic.variant``, in its order."""
    global _variant_rules
    _variant_rules = tuple((str(a), str(b)) for a, b in rules)


cdef Py_ssize_t _replace(Py_UCS4* buf, Py_ssize_t n, str old, str new) except -1:
    """``str.replace(old, new)`` in place, for a ``new`` no longer than ``old``."""
    cdef Py_ssize_t lo = len(old), ln = len(new), i = 0, k = 0, m
    cdef Py_UCS4 o0 = PyUnicode_READ_CHAR(old, 0)
    cdef bint hit
    while i < n:
        if buf[i] == o0 and i + lo <= n:
            hit = True
            for m in range(1, lo):
                if buf[i + m] != PyUnicode_READ_CHAR(old, m):
                    hit = False
                    break
            if hit:
                for m in range(ln):
                    buf[k + m] = PyUnicode_READ_CHAR(new, m)
                k += ln
                i += lo
                continue
        buf[k] = buf[i]
        k += 1
        i += 1
    return k


cdef str _variant_c(str s):
    """``_phonetic.variant(s)``: umlaut digraphs folded to a fixed point, the rewrites,
    O as U and E as I, runs of one letter A-Z as one letter."""
    cdef Py_ssize_t n = len(s), i, k, rn
    cdef Py_UCS4 c, d
    cdef bint changed = True
    if n > MAXLEN:
        return _variant(s)
    cdef Py_UCS4 buf[MAXLEN + 1]
    for i in range(n):
        buf[i] = PyUnicode_READ_CHAR(s, i)
    while changed:  # _tokens.fold: (?:AE|OE|UE)(?!E) and AA(?!A), left to right
        changed = False
        i = 0
        k = 0
        while i < n:
            c = buf[i]
            if i + 1 < n:
                d = buf[i + 1]
                if (
                    d == u"E"
                    and (c == u"A" or c == u"O" or c == u"U")
                    and not (i + 2 < n and buf[i + 2] == u"E")
                ) or (c == u"A" and d == u"A" and not (i + 2 < n and buf[i + 2] == u"A")):
                    buf[k] = c
                    k += 1
                    i += 2
                    changed = True
                    continue
            buf[k] = c
            k += 1
            i += 1
        n = k
    for rule in _variant_rules:
        n = _replace(buf, n, <str>(<tuple>rule)[0], <str>(<tuple>rule)[1])
    for i in range(n):
        if buf[i] == u"O":
            buf[i] = u"U"
        elif buf[i] == u"E":
            buf[i] = u"I"
    k = 0
    for i in range(n):  # undouble
        c = buf[i]
        if k and c == buf[k - 1] and u"A" <= c <= u"Z":
            continue
        buf[k] = c
        k += 1
    return <str>PyUnicode_FromKindAndData(4, buf, k)


def variant(str s):
    """``_phonetic.variant`` in C (for the tests)."""
    return _variant_c(s)


# the pinyin / Wade-Giles syllables of ``_tokensim._SYLLABLE``: initials, finals
cdef tuple _INITIALS2 = ("ZH", "CH", "SH", "HS", "TS", "TZ")
cdef str _INITIALS1 = "BPMFDTNLGKHJQXRZCSYW"
cdef tuple _FINALS = (
    "IANG", "IONG", "IUNG", "UANG", "ENG", "ANG", "ONG", "UNG", "ING", "IAN", "IAO", "IEH",
    "UAI", "UAN", "UEH", "AI", "AN", "AO", "EI", "EN", "ER", "IA", "IE", "IN", "IU", "OU",
    "UA", "UE", "UI", "UN", "UO", "A", "E", "I", "O", "U",
)


cdef bint _at(str s, Py_ssize_t pos, str part):
    cdef Py_ssize_t m, lp = len(part)
    if pos + lp > len(s):
        return False
    for m in range(lp):
        if PyUnicode_READ_CHAR(s, pos + m) != PyUnicode_READ_CHAR(part, m):
            return False
    return True


cdef bint _syllables(str s, Py_ssize_t pos, int count) except -1:
    """Whether ``s[pos:]`` is ``3 - count`` or fewer syllables (at least one in all):
    ``_SYLLABLES.fullmatch``, which backtracks through every way to cut it."""
    cdef Py_ssize_t n = len(s), p
    cdef str ini, fin
    cdef Py_UCS4 c
    if pos == n:
        return count >= 1
    if count == 3:
        return False
    for ini in _INITIALS2:
        if _at(s, pos, ini):
            for fin in _FINALS:
                if _at(s, pos + 2, fin) and _syllables(s, pos + 2 + len(fin), count + 1):
                    return True
    c = PyUnicode_READ_CHAR(s, pos)
    if c < 128 and <str>chr(c) in _INITIALS1:
        for fin in _FINALS:
            if _at(s, pos + 1, fin) and _syllables(s, pos + 1 + len(fin), count + 1):
                return True
    for fin in _FINALS:
        if _at(s, pos, fin) and _syllables(s, pos + len(fin), count + 1):
            return True
    return False


def syllables(str s):
    """``_tokensim._SYLLABLES.fullmatch(s) is not None`` in C (for the tests)."""
    return _syllables(s, 0, 0)


def undouble(str s):
    """``_tokensim._undouble`` in C (for the tests)."""
    return _undouble_c(s)


def vowel_poor(str s):
    """``_tokensim._vowel_poor`` in C (for the tests)."""
    return _vowel_poor_c(s)


cdef inline str _undbl(Tok t):
    if t.undbl is None:
        t.undbl = _undouble_c(t.s)
    return <str>t.undbl


cdef inline str _folded(Tok t):
    if t.folded is None:
        t.folded = _fold(t.s)
    return <str>t.folded


cdef inline object _pk(Tok t):
    if t.pkey is None:
        t.pkey = _phonetic_key(t.s)
    return t.pkey


cdef inline object _skel(Tok t):
    if t.skel is None:
        t.skel = _skeleton(t.s)
    return t.skel


cdef inline bint _poor(Tok t) except -1:
    if t.poor < 0:
        t.poor = 1 if _vowel_poor_c(t.s) else 0
    return t.poor == 1


cdef inline object _rom(Tok t):
    if t.roman is _UNSET:
        # ``_tokensim._roman``: None unless the token is one to three syllables
        t.roman = _roman(t.s) if len(t.s) <= 12 and _syllables(t.s, 0, 0) else None
    return t.roman


# ---------------------------------------------------------------- OSA

cdef Py_ssize_t _osa(str a, str b, Py_ssize_t cutoff) except -2:
    """rapidfuzz's ``OSA.distance(a, b, score_cutoff=cutoff)``: the optimal string
    alignment distance (adjacent transpositions cost one edit), ``cutoff + 1``
    when it is over ``cutoff``."""
    cdef Py_ssize_t la = len(a), lb = len(b), i, j, d, v
    cdef Py_UCS4 ca, cb
    cdef Py_UCS4 xa[MAXLEN + 1]
    cdef Py_UCS4 xb[MAXLEN + 1]
    cdef Py_ssize_t r0[MAXLEN + 2]
    cdef Py_ssize_t r1[MAXLEN + 2]
    cdef Py_ssize_t r2[MAXLEN + 2]
    cdef Py_ssize_t *prev2 = r0
    cdef Py_ssize_t *prev = r1
    cdef Py_ssize_t *cur = r2
    cdef Py_ssize_t *tmp
    d = la - lb if la > lb else lb - la
    if d > cutoff:  # at least the length difference
        return cutoff + 1
    if la > MAXLEN or lb > MAXLEN:
        return _OSA.distance(a, b, score_cutoff=cutoff)
    if la == 0 or lb == 0:
        d = la + lb
        return d if d <= cutoff else cutoff + 1
    for i in range(la):
        xa[i] = PyUnicode_READ_CHAR(a, i)
    for j in range(lb):
        xb[j] = PyUnicode_READ_CHAR(b, j)
    for j in range(lb + 1):
        prev[j] = j
    for i in range(1, la + 1):
        ca = xa[i - 1]
        cur[0] = i
        for j in range(1, lb + 1):
            cb = xb[j - 1]
            v = prev[j - 1] + (0 if ca == cb else 1)
            d = prev[j] + 1
            if d < v:
                v = d
            d = cur[j - 1] + 1
            if d < v:
                v = d
            if i > 1 and j > 1 and ca == xb[j - 2] and xa[i - 2] == cb:
                d = prev2[j - 2] + 1
                if d < v:
                    v = d
            cur[j] = v
        tmp = prev2
        prev2 = prev
        prev = cur
        cur = tmp
    d = prev[lb]
    return d if d <= cutoff else cutoff + 1


def osa(str a, str b, Py_ssize_t cutoff):
    """The C OSA distance with a cut-off (as rapidfuzz's; for the tests)."""
    return _osa(a, b, cutoff)


# ---------------------------------------------------------------- token pairs

cdef bint _gendered_t(Tok ta, Tok tb) except -1:
    """``_tokensim._gendered`` on two tokens' forms."""
    cdef str a = ta.s, b = tb.s
    if len(a) == 0 or len(b) == 0:
        raise IndexError("string index out of range")  # as the Python form
    if PyUnicode_READ_CHAR(a, 0) != PyUnicode_READ_CHAR(b, 0):
        return False
    a = _undbl(ta)
    b = _undbl(tb)
    cdef str t
    if len(a) > len(b):
        t = a
        a = b
        b = t
    cdef Py_ssize_t la = len(a), lb = len(b)
    cdef Py_UCS4 ea, eb
    if la < 3:
        return False
    ea = PyUnicode_READ_CHAR(a, la - 1)
    eb = PyUnicode_READ_CHAR(b, lb - 1)
    if la == lb:
        return a[: la - 1] == b[: lb - 1] and (
            (ea == u"A" and eb == u"O") or (ea == u"O" and eb == u"A")
        )
    return (
        lb == la + 1
        and b.startswith(a)
        and (eb == u"A" or eb == u"E")
        and not (ea == u"A" or ea == u"E" or ea == u"I" or ea == u"O" or ea == u"U" or ea == u"Y")
    )


def gendered(str a, str b):
    """``_tokensim._gendered`` (for the tests)."""
    return _gendered_t(_tok(a), _tok(b))


cdef inline bint _article_of(str a, str b, Py_ssize_t la, Py_ssize_t lb):
    # a is an article (AL, EL, UL) attached to b, b at least four letters
    if lb < 4 or la != lb + 2:
        return False
    cdef Py_UCS4 c0 = PyUnicode_READ_CHAR(a, 0)
    if PyUnicode_READ_CHAR(a, 1) != u"L" or not (c0 == u"A" or c0 == u"E" or c0 == u"U"):
        return False
    return a[2:] == b


cdef tuple _sim(str a, str b):
    """``_tokensim._token_sim_py(a, b)``, uncached."""
    if a == b:
        return (1.0, EXACT)
    cdef Py_ssize_t la = len(a), lb = len(b), raw, var, m
    cdef str short, long_
    if la == 1 or lb == 1:
        if la == 1 and lb == 1:
            return (0.0, TYPO)
        if la == 1:
            short, long_ = a, b
        else:
            short, long_ = b, a
        if not len(long_):
            raise IndexError("string index out of range")  # as the Python form
        if long_[0] == short:
            return (INITIAL_S, INITIAL)
        return (0.0, TYPO)
    cdef Tok ta = _tok(a), tb = _tok(b)
    cdef str va = ta.var, vb = tb.var
    if va == vb:
        return (VARIANT_S, VARIANT)
    if _article_of(a, b, la, lb) or _article_of(b, a, lb, la):
        return (ARTICLE_S, ARTICLE)
    if _gendered_t(ta, tb):
        return (GENDERED_S, TYPO)
    cdef double best = 0.0, close, phonetic
    cdef int kind = TYPO
    raw = _osa(a, b, 2)
    var = _osa(va, vb, 3)
    cdef Py_ssize_t lva = len(va), lvb = len(vb)
    if raw <= 2 or var <= 2:
        if raw <= var:
            m = la if la > lb else lb
            best = 1.0 - <double>raw / <double>m - TYPO_PER_EDIT * <double>raw
            kind = TYPO
        else:
            m = lva if lva > lvb else lvb
            best = 1.0 - <double>var / <double>m - TYPO_PER_EDIT * <double>var
            kind = VARIANT
    if var <= 3 and (la if la < lb else lb) >= 5 and _pk(ta) == _pk(tb):
        m = lva if lva > lvb else lvb
        close = 1.0 - <double>var / <double>m
        phonetic = PHONETIC_B + (1.0 - PHONETIC_B) * close
        if close >= PHONETIC_LEAST and phonetic > best:
            best = PHONETIC_CAP if PHONETIC_CAP < phonetic else phonetic
            kind = PHONETIC
    cdef object ra
    if best < TRANSLIT_FROM:
        if (_poor(ta) or _poor(tb)) and len(_skel(ta)) >= 2 and _skel(ta) == _skel(tb):
            best = SKELETON_S
            kind = SKELETON
        ra = _rom(ta)
        if ra is not None and ra == _rom(tb):
            best = ROMAN_S
            kind = ROMAN
    return (best if best > 0.0 else 0.0, kind)


cdef Py_ssize_t _npairs = 0


cdef inline tuple _pair(str a, str b):
    # by first token, then by second: two lookups of a string key, no key tuple
    # to build, hash and compare on every call
    global _npairs
    cdef object row = _pairs.get(a)
    cdef object v
    if row is not None:
        v = (<dict>row).get(b)
        if v is not None:
            return <tuple>v
    cdef tuple r = _sim(a, b)
    if _npairs >= PAIR_MAX:
        _evict_pairs()
        row = _pairs.get(a)
    if row is None:
        row = {}
        _pairs[a] = row
    (<dict>row)[b] = r
    _npairs += 1
    return r


cdef void _evict_pairs():
    """Drop the first tokens met first until at most half the pairs are left."""
    global _npairs
    cdef list keys = list(_pairs)
    cdef object key, row
    for key in keys:
        if _npairs <= PAIR_MAX // 2:
            break
        row = _pairs.pop(key, None)
        if row is not None:
            _npairs -= len(<dict>row)


def token_sim(str a, str b):
    """``_tokensim._token_sim_py(a, b)``, cached by pair."""
    return _pair(a, b)


def token_sim_uncached(str a, str b):
    """``token_sim`` without the pair cache (for the tests)."""
    return _sim(a, b)


# ---------------------------------------------------------------- alignment

cdef struct Item:
    double s
    int kind
    int nx
    int ny
    int x[3]
    int y[3]


cdef struct Cand:
    double s
    int i
    int j
    int kind


cdef inline Py_ssize_t _count(char* left, Py_ssize_t n):
    cdef Py_ssize_t k, c = 0
    for k in range(n):
        c += left[k]
    return c


cdef int _join(tuple x, tuple y, char* lx, char* ly, Item* items, int n, bint flip) except -1:
    """``_align._join``: two or three adjacent leftover tokens of *x* against one of *y*."""
    cdef tuple ytoks = <tuple>y[0]
    cdef Py_ssize_t ny = len(ytoks), j, lb, size, k, best_j, nidx
    cdef double s, best_s
    cdef tuple span, idx
    cdef str joined, b
    cdef bint found
    for span in <tuple>x[9]:
        if not _count(ly, ny):
            return n
        idx = <tuple>span[0]
        nidx = len(idx)
        if not lx[<int>idx[0]] or not lx[<int>idx[1]] or not lx[<int>idx[nidx - 1]]:
            continue
        joined = <str>span[1]
        size = <Py_ssize_t>span[2]
        found = False
        best_s = 0.0
        best_j = -1
        for j in range(ny):
            if not ly[j]:
                continue
            b = <str>ytoks[j]
            lb = len(b)
            if (size - lb if size > lb else lb - size) > 3 + lb // 4:
                continue
            s = <double>(_pair(joined, b)[0])
            if s >= JOIN_FLOOR and (not found or s > best_s):
                found = True
                best_s = s
                best_j = j
        if found:
            for k in range(nidx):
                lx[<int>idx[k]] = 0
            ly[best_j] = 0
            items[n].s = best_s
            items[n].kind = JOINED
            if flip:
                items[n].nx = 1
                items[n].x[0] = <int>best_j
                items[n].ny = <int>nidx
                for k in range(nidx):
                    items[n].y[k] = <int>idx[k]
            else:
                items[n].ny = 1
                items[n].y[0] = <int>best_j
                items[n].nx = <int>nidx
                for k in range(nidx):
                    items[n].x[k] = <int>idx[k]
            n += 1
    return n


cdef int _align_c(tuple x, tuple y, object rows, Item* items, char* lx, char* ly) except -1:
    """``_align._align_py`` into C arrays: the number of items; ``lx`` / ``ly`` mark the
    leftover positions."""
    cdef tuple xtoks = <tuple>x[0], ytoks = <tuple>y[0]
    cdef Py_ssize_t nx = len(xtoks), ny = len(ytoks), i, j, k, nc = 0
    cdef int n = 0
    cdef object ytokset = y[6]
    cdef str tok, a
    cdef tuple r
    cdef object row, cell
    cdef double s
    cdef Cand cands[MAXT * MAXT]
    cdef Cand c
    for i in range(nx):
        lx[i] = 1
    for j in range(ny):
        ly[j] = 1
    if not x[6].isdisjoint(ytokset):  # exact tokens first: they score 1.0
        for i in range(nx):
            tok = <str>xtoks[i]
            if tok in ytokset:
                for j in range(ny):
                    if ly[j] and <str>ytoks[j] == tok:
                        items[n].s = 1.0
                        items[n].kind = EXACT
                        items[n].nx = 1
                        items[n].ny = 1
                        items[n].x[0] = <int>i
                        items[n].y[0] = <int>j
                        n += 1
                        lx[i] = 0
                        ly[j] = 0
                        break
    if _count(lx, nx) and _count(ly, ny):
        for i in range(nx):
            if not lx[i]:
                continue
            if rows is None:
                a = <str>xtoks[i]
                for j in range(ny):
                    if ly[j]:
                        r = _pair(a, <str>ytoks[j])
                        s = <double>r[0]
                        if s >= TOKEN_FLOOR:
                            cands[nc].s = s
                            cands[nc].i = <int>i
                            cands[nc].j = <int>j
                            cands[nc].kind = <int>r[1]
                            nc += 1
            else:
                row = rows[i]
                for j in range(ny):
                    if ly[j]:
                        cell = row[j]
                        s = <double>cell[0]
                        if s >= TOKEN_FLOOR:
                            cands[nc].s = s
                            cands[nc].i = <int>i
                            cands[nc].j = <int>j
                            cands[nc].kind = <int>cell[1]
                            nc += 1
        if nc:
            # the Python form sorts (-s, i, j, kind); the candidates come in (i, j)
            # order, so a stable sort by descending score is the same order
            for k in range(1, nc):
                c = cands[k]
                j = k - 1
                while j >= 0 and cands[j].s < c.s:
                    cands[j + 1] = cands[j]
                    j -= 1
                cands[j + 1] = c
            for k in range(nc):
                c = cands[k]
                if lx[c.i] and ly[c.j]:
                    items[n].s = c.s
                    items[n].kind = c.kind
                    items[n].nx = 1
                    items[n].ny = 1
                    items[n].x[0] = c.i
                    items[n].y[0] = c.j
                    n += 1
                    lx[c.i] = 0
                    ly[c.j] = 0
        i = _count(lx, nx)
        j = _count(ly, ny)
        if i and j and (i > 1 or j > 1):
            if <Py_ssize_t>x[10] <= <Py_ssize_t>y[11]:
                n = _join(x, y, lx, ly, items, n, False)
            if _count(ly, ny) and <Py_ssize_t>y[10] <= <Py_ssize_t>x[11]:
                n = _join(y, x, ly, lx, items, n, True)
    return n


cdef list _items_py(tuple x, tuple y, Item* items, int n):
    cdef list out = []
    cdef int k, m
    cdef Item* it
    cdef tuple span
    for k in range(n):
        it = &items[k]
        if it.nx == 1:
            tx = (it.x[0],)
        elif it.nx == 2:
            tx = (it.x[0], it.x[1])
        else:
            tx = (it.x[0], it.x[1], it.x[2])
        if it.ny == 1:
            ty = (it.y[0],)
        elif it.ny == 2:
            ty = (it.y[0], it.y[1])
        else:
            ty = (it.y[0], it.y[1], it.y[2])
        out.append((it.s, it.kind, tx, ty))
    return out


cdef list _left_py(char* left, Py_ssize_t n):
    cdef list out = []
    cdef Py_ssize_t k
    for k in range(n):
        if left[k]:
            out.append(k)
    return out


cdef inline bint _fits(tuple x, tuple y):
    return len(<tuple>x[0]) <= MAXT and len(<tuple>y[0]) <= MAXT


def align(x, y, rows):
    """``_align._align_py(x, y, rows)``: the items and the leftover positions."""
    cdef Item items[2 * MAXT]
    cdef char lx[MAXT]
    cdef char ly[MAXT]
    if not _fits(<tuple>x, <tuple>y):
        raise ValueError("names of at most 16 tokens")
    n = _align_c(<tuple>x, <tuple>y, rows, items, lx, ly)
    return (
        _items_py(<tuple>x, <tuple>y, items, n),
        _left_py(lx, len(<tuple>x[0])),
        _left_py(ly, len(<tuple>y[0])),
    )


cdef bint _monotone(tuple x, tuple y, Item* items, int n) except -1:
    """``_align._monotone``."""
    cdef tuple ox_all, oy_all, ox, oy
    cdef bint xc = x[4], yc = y[4]
    cdef int k, m, a0, a1
    cdef int pa[2 * MAXT]
    cdef int pb[2 * MAXT]
    cdef bint ok
    ox_all = <tuple>x[3] if (xc and not yc) else (<tuple>x[3])[:1]
    oy_all = <tuple>y[3] if (yc and not xc) else (<tuple>y[3])[:1]
    for ox in ox_all:
        for oy in oy_all:
            for k in range(n):
                a0 = <int>ox[items[k].x[0]]
                a1 = <int>oy[items[k].y[0]]
                m = k - 1
                while m >= 0 and (pa[m] > a0 or (pa[m] == a0 and pb[m] > a1)):
                    pa[m + 1] = pa[m]
                    pb[m + 1] = pb[m]
                    m -= 1
                pa[m + 1] = a0
                pb[m + 1] = a1
            ok = True
            for k in range(n - 1):
                if not pb[k] < pb[k + 1]:
                    ok = False
                    break
            if ok:
                return True
    return False


cdef inline bint _spaced(tuple x, tuple y) except -1:
    return not x[7] and not y[7] and not x[14].isdisjoint(y[14])


cdef double _score_c(
    tuple X, tuple Y, object rows, Item* items, char* lx, char* ly, int* n_out, int* flags_out
) except? -1.0:
    """``_align._score_py``'s score and flags; the items and leftovers in the arrays."""
    if not _fits(X, Y):
        raise ValueError("names of at most 16 tokens")
    cdef int n = _align_c(X, Y, rows, items, lx, ly), k, m
    cdef tuple xw = <tuple>X[2], yw = <tuple>Y[2]
    cdef Py_ssize_t nx = len(<tuple>X[0]), ny = len(<tuple>Y[0]), i
    cdef double num = 0.0, matched = 0.0, w, rest, den, sc
    cdef int strong = 0, loose_only = 0, flags = 0
    for k in range(n):
        w = 0.0
        for m in range(items[k].nx):
            w += <double>xw[items[k].x[m]]
        for m in range(items[k].ny):
            w += <double>yw[items[k].y[m]]
        num += items[k].s * w
        matched += w
        if w > 2 * W_PARTICLE:
            strong += 1
            if items[k].kind != INITIAL:
                loose_only += 1
    rest = 0.0
    for i in range(nx):
        if lx[i]:
            rest += <double>xw[i]
    for i in range(ny):
        if ly[i]:
            rest += <double>yw[i]
    if _count(lx, nx) and _count(ly, ny):
        den = matched + rest
    else:
        den = matched + MISSING_FACTOR * rest
    sc = num / den if den != 0.0 else 0.0
    if (strong < 2 or not loose_only) and (<Py_ssize_t>X[5] >= 2 or <Py_ssize_t>Y[5] >= 2):
        if ONE_TOKEN_CAP < sc:
            sc = ONE_TOKEN_CAP
        flags |= 1
    if n >= 2:
        if not _monotone(X, Y, items, n):
            sc -= ORDER_PENALTY
            flags |= 2
        if X[8] and Y[8] and _patronymic_swapped(X, Y, _items_py(X, Y, items, n)):
            if ONE_TOKEN_CAP < sc:
                sc = ONE_TOKEN_CAP
            flags |= 4
    if sc < SPACED_S and _spaced(X, Y):
        sc = SPACED_S
        flags = 8
    if not sc > 0.0:
        sc = 0.0
    if not sc < 1.0:
        sc = 1.0
    n_out[0] = n
    flags_out[0] = flags
    return sc


def score(x, y, rows=None):
    """``_align._score_py(x, y, rows)``: the score, the items, the leftovers, the flags."""
    cdef Item items[2 * MAXT]
    cdef char lx[MAXT]
    cdef char ly[MAXT]
    cdef int n = 0, flags = 0
    cdef tuple X = <tuple>x, Y = <tuple>y
    cdef double sc = _score_c(X, Y, rows, items, lx, ly, &n, &flags)
    return (
        sc,
        _items_py(X, Y, items, n),
        _left_py(lx, len(<tuple>X[0])),
        _left_py(ly, len(<tuple>Y[0])),
        flags,
    )


cdef object _normalize = None
cdef double CUT_S = 0.99


def configure_similarity(normalize, cut):
    """``_tokens.normalize`` (for a name not already normal) and ``_align._CUT``."""
    global _normalize, CUT_S
    _normalize = normalize
    CUT_S = cut


cdef bint _is_normal(str s):
    """``_tokens._NORMAL.fullmatch(s)``: words of A-Z joined by single spaces, at
    most one of the joins ``", "``."""
    cdef Py_ssize_t n = len(s), i = 0
    cdef Py_UCS4 c
    cdef bint comma = False, letter = False
    if n == 0:
        return False
    while i < n:
        c = PyUnicode_READ_CHAR(s, i)
        if u"A" <= c <= u"Z":
            letter = True
            i += 1
        elif c == u" " and letter and i + 1 < n:
            letter = False
            i += 1
        elif c == u"," and letter and not comma and i + 2 < n and PyUnicode_READ_CHAR(s, i + 1) == u" ":
            comma = True
            letter = False
            i += 2
        else:
            return False
    return letter


def is_normal(str s):
    """``_tokens._NORMAL.fullmatch(s) is not None`` (for the tests)."""
    return _is_normal(s)


def pair_score(str a, str b):
    """``_similarity.similarity(a, b)`` for a pair met once: the names normalised,
    put in canonical order, parsed and scored (``_align._prepare`` and ``_score``)."""
    cdef str na = a if _is_normal(a) else <str>_normalize(a)
    cdef str nb = b if _is_normal(b) else <str>_normalize(b)
    cdef str t
    if not na or not nb:
        return 0.0
    if na > nb:
        t = na
        na = nb
        nb = t
    if na == nb:
        return 1.0
    cdef tuple X = <tuple>_parse(na), Y = <tuple>_parse(nb)
    if <tuple>X[0] == <tuple>Y[0]:
        return CUT_S if (X[7] or Y[7]) else 1.0
    cdef Item items[2 * MAXT]
    cdef char lx[MAXT]
    cdef char ly[MAXT]
    cdef int n = 0, flags = 0
    return _score_c(X, Y, None, items, lx, ly, &n, &flags)


# ---------------------------------------------------------------- comparison levels

cdef inline str _role(tuple c, Py_ssize_t j):
    cdef str r = <str>(<tuple>c[1])[j]
    return "family name" if r == "F" else "given name" if r == "G" else "name"


cdef inline object _level(str level, str tok, str other, str role, bint particle):
    return _tuple_new(_name_level, (level, tok, other, role, particle))


cdef set _middles(tuple c):
    """``_compare._middles``."""
    cdef tuple toks = <tuple>c[0], roles = <tuple>c[1]
    cdef list full = [], given
    cdef Py_ssize_t i
    cdef str t
    for i in range(len(toks)):
        t = <str>toks[i]
        if t not in _particles and len(t) > 1:
            full.append(i)
    if c[4]:
        given = [i for i in full if roles[i] == "G"]
        return set(given[1:])
    return set(full[1 : len(full) - 1]) if len(full) > 2 else set()


def compare(str query, str listed):
    """``_compare._compare_py(query, listed)``: the levels of a normalised query name
    against a normalised listed name."""
    cdef tuple q = <tuple>_parse(query), c = <tuple>_parse(listed)
    cdef tuple qt = <tuple>q[0], ct = <tuple>c[0]
    cdef Py_ssize_t nq = len(qt), nc = len(ct), j, i, k, m, n_differ
    if not nq or not nc:
        return []
    cdef list out = []
    cdef str tok, spaced, other, a, b
    cdef bint particle
    if qt == ct or not q[14].isdisjoint(c[14]):
        spaced = _spaces_differ if sorted(qt) != sorted(ct) else ""
        for j in range(nc):
            tok = <str>ct[j]
            particle = tok in _particles
            out.append(
                _level("agrees" if particle else "exact", tok, spaced or tok, _role(c, j), particle)
            )
        return out
    if nq > MAXT or nc > MAXT:
        raise ValueError("names of at most 16 tokens")
    cdef Item items[2 * MAXT]
    cdef char lq[MAXT]
    cdef char lc[MAXT]
    cdef int n = _align_c(q, c, None, items, lq, lc)
    cdef int order[2 * MAXT]
    cdef int t
    cdef Item* it
    # the items by their first listed position (each listed position is in one item)
    for k in range(n):
        t = <int>k
        m = k - 1
        while m >= 0 and items[order[m]].y[0] > items[t].y[0]:
            order[m + 1] = order[m]
            m -= 1
        order[m + 1] = t
    for k in range(n):
        it = &items[order[k]]
        if it.nx == 1:
            other = <str>qt[it.x[0]]
        else:
            other = " ".join([qt[it.x[m]] for m in range(it.nx)])
        for m in range(it.ny):
            j = it.y[m]
            tok = <str>ct[j]
            if tok in _particles:
                out.append(_level("agrees", tok, other, _role(c, j), True))
            elif it.nx == 1 and (tok == other or _folded(_tok(tok)) == _folded(_tok(other))):
                out.append(_level("exact", tok, other, _role(c, j), False))
            else:
                out.append(_level(<str>_kind_level[it.kind], tok, other, _role(c, j), False))
    if q[8] and c[8] and _patronymic_swapped(q, c, _items_py(q, c, items, n)):
        out.append(_level("patronymic", "", "", "name", False))
    # left-overs: particles, then near pairs (one edit), then differs / dropped / extra
    cdef list rest_c = [], rest_q = []
    for j in range(nc):
        if lc[j]:
            tok = <str>ct[j]
            if tok in _particles:
                out.append(_level("missing", tok, "", _role(c, j), True))
            else:
                rest_c.append(j)
    for i in range(nq):
        if lq[i] and <str>qt[i] not in _particles:
            rest_q.append(i)
    cdef object jo, io
    for jo in list(rest_c):
        b = <str>ct[<Py_ssize_t>jo]
        if len(b) < 2:
            continue
        for io in rest_q:
            a = <str>qt[<Py_ssize_t>io]
            if len(a) >= 2 and _osa(a, b, 1) <= 1 and not _gendered_t(_tok(a), _tok(b)):
                out.append(_level("near", b, a, _role(c, <Py_ssize_t>jo), False))
                rest_c.remove(jo)
                rest_q.remove(io)
                break
    n_differ = min(len(rest_c), len(rest_q))
    cdef object middle = None
    for k in range(len(rest_c)):
        j = <Py_ssize_t>rest_c[k]
        if k < n_differ:
            out.append(
                _level("differs", <str>ct[j], <str>qt[<Py_ssize_t>rest_q[k]], _role(c, j), False)
            )
        else:
            if middle is None:
                middle = _middles(c)
            out.append(
                _level("dropped_middle" if j in middle else "dropped", <str>ct[j], "", _role(c, j), False)
            )
    for k in range(n_differ, len(rest_q)):
        out.append(_level("extra", <str>qt[<Py_ssize_t>rest_q[k]], "", "name", False))
    return out


# ---------------------------------------------------------------- parsing

cdef object _name_class = None, _patronymics = frozenset()
cdef Py_ssize_t MAX_TOKENS = 12, MAX_TOKEN_LENGTH = 40, NO_SPAN = 1 << 30
cdef object W_NAME_O = 1.0, W_INITIAL_O = 0.5, W_PARTICLE_O = 0.25


def configure_parse(name_class, patronymics, max_tokens, max_token_length, no_span, w_name, w_initial, w_particle):
    """The parsed name's class and the numbers of ``_align._parse_py``."""
    global _name_class, _patronymics, MAX_TOKENS, MAX_TOKEN_LENGTH, NO_SPAN
    global W_NAME_O, W_INITIAL_O, W_PARTICLE_O
    _name_class = name_class
    _patronymics = patronymics
    MAX_TOKENS = max_tokens
    MAX_TOKEN_LENGTH = max_token_length
    NO_SPAN = no_span
    W_NAME_O = w_name
    W_INITIAL_O = w_initial
    W_PARTICLE_O = w_particle


cdef dict _shapes = {}


cdef tuple _shape(Py_ssize_t nf, Py_ssize_t ng, bint comma):
    """What a parsed name of ``nf`` family and ``ng`` given tokens (``nf`` tokens and
    no comma) shares with every other of its shape, as ``_parse_py`` builds it:
    roles, orders, and the spans' positions and bit masks (immutable tuples of
    ints and strings, so one object serves every name of the shape)."""
    key = (nf, ng, comma)
    cdef object hit = _shapes.get(key)
    if hit is not None:
        return <tuple>hit
    cdef Py_ssize_t n = nf + ng, span, start
    cdef tuple roles, orders
    cdef list where = []
    if comma:
        roles = tuple(["F"] * nf + ["G"] * ng)
        orders = (tuple(range(ng, ng + nf)) + tuple(range(ng)), tuple(range(n)))
    else:
        roles = tuple(["N"] * n)
        orders = (tuple(range(n)),)
    for span in (3, 2):
        for start in range(n - span + 1):
            where.append((tuple(range(start, start + span)), ((1 << span) - 1) << start))
    cdef tuple out = (roles, orders, tuple(where))
    _shapes[key] = out
    return out


def parse(str norm):
    """``_align._parse_py(norm)`` (uncached)."""
    cdef str family, comma, given, t, joined
    cdef list toks, gtoks, weights_l, spans
    cdef tuple orders, roles, toks_t, shape, w
    cdef Py_ssize_t nf, ng, n, size, full, reach, k, i, span_min, r
    cdef bint cut, plain = True
    family, comma, given = norm.partition(", ")
    if comma:
        toks = family.split()
        gtoks = given.split()
        nf = len(toks)
        ng = len(gtoks)
        toks.extend(gtoks)
    else:
        toks = family.split()
        nf = len(toks)
        ng = 0
    n = len(toks)
    cut = n > MAX_TOKENS
    if not cut:
        for t in toks:
            if len(t) > MAX_TOKEN_LENGTH:
                cut = True
                break
    if cut:  # junk, not a name: bound the work (rare: as _parse_py writes it)
        if comma:
            roles = tuple(["F"] * nf + ["G"] * ng)
            orders = (tuple(range(ng, ng + nf)) + tuple(range(ng)), tuple(range(n)))
        else:
            roles = tuple(["N"] * n)
            orders = (tuple(range(n)),)
        toks = [t[:MAX_TOKEN_LENGTH] for t in toks[:MAX_TOKENS]]
        roles = roles[:MAX_TOKENS]
        orders = tuple(
            tuple([p if p < MAX_TOKENS - 1 else MAX_TOKENS - 1 for p in o[:MAX_TOKENS]])
            for o in orders
        )
        n = len(toks)
        where = []
        for size in (3, 2):
            for k in range(n - size + 1):
                where.append((tuple(range(k, k + size)), ((1 << size) - 1) << k))
        shape = (roles, orders, tuple(where))
    else:
        shape = _shape(nf, ng, bool(comma))
        roles = <tuple>shape[0]
        orders = <tuple>shape[1]
    weights_l = []
    full = 0
    reach = -1
    for t in toks:
        size = len(t)
        if t in _particles:
            weights_l.append(W_PARTICLE_O)
        else:
            full += 1
            weights_l.append(W_INITIAL_O if size == 1 else W_NAME_O)
        if size > 1:
            r = size + 3 + size // 4
            if r > reach:
                reach = r
    weights = tuple(weights_l)
    for wo in weights_l:
        if not wo == W_NAME_O:
            plain = False
            break
    toks_t = tuple(toks)
    tokset = frozenset(toks_t)
    patronymic = not tokset.isdisjoint(_patronymics)
    spans = []
    span_min = NO_SPAN
    for w in <tuple>shape[2]:
        idx = <tuple>w[0]
        k = <Py_ssize_t>idx[0]
        if len(idx) == 3:
            joined = <str>toks_t[k] + <str>toks_t[k + 1] + <str>toks_t[k + 2]
        else:
            joined = <str>toks_t[k] + <str>toks_t[k + 1]
        size = len(joined)
        if size < span_min:
            span_min = size
        spans.append((idx, joined, size, w[1]))
    if len(orders) == 1:
        letters = frozenset(("".join(toks_t),))
    else:
        letters = frozenset(["".join([toks_t[i] for i in o]) for o in orders])
    # A parsed name holds strings, numbers and tuples and frozensets of them: it
    # can be in no reference cycle, so the cyclic garbage collector need not walk
    # it (the parse cache's 65,536 names added ~60 ms to every full collection,
    # paid by whichever check triggered it).  Its tuples of atoms the collector
    # untracks itself; the frozensets and the name it would walk forever.
    PyObject_GC_UnTrack(<void*>tokset)
    PyObject_GC_UnTrack(<void*>letters)
    name = _tuple_new(_name_class, (
        toks_t,
        roles,
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
        plain,
        letters,
    ))
    PyObject_GC_UnTrack(<void*>name)
    return name


# ---------------------------------------------------------------- bits

def name_bits(str query, str listed, tf, model, memo, level_bits):
    """``_compare._name_bits_py``: the summed bits of the name levels and each level
    with its bits (``level_bits(lv, tf, model)`` on a memo miss)."""
    cdef list levels = compare(query, listed), parts = [], bs = []
    cdef object lv, b, key
    if memo is None:
        for lv in levels:
            b = level_bits(lv, tf, model)
            parts.append((lv, b))
            bs.append(b)
    else:
        for lv in levels:
            key = (lv[0], lv[1], lv[4])
            b = memo.get(key)
            if b is None:
                b = level_bits(lv, tf, model)
                memo[key] = b
            parts.append((lv, b))
            bs.append(b)
    return sum(bs), parts
