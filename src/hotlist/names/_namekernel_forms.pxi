# Part of hotlist.names._namekernel (included by _namekernel.pyx):
# a token's derived forms in C, OSA, the token-pair score.

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
cdef Py_ssize_t _lead_ye_from = 0


def configure_variant(rules, Py_ssize_t lead_ye_from):
    """The (old, new) rewrites of ``_phonetic.variant``, in its order, and the
    shortest token whose leading YE / JE / IE is E."""
    global _variant_rules, _lead_ye_from
    _variant_rules = tuple((str(a), str(b)) for a, b in rules)
    _lead_ye_from = lead_ye_from


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


cdef inline void _drop_second(Py_UCS4* buf, Py_ssize_t n):
    """YE... / JE... / IE... as E...: the first letter E, the second dropped."""
    cdef Py_ssize_t i
    buf[0] = u"E"
    for i in range(1, n - 1):
        buf[i] = buf[i + 1]


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
    if n >= 2 and buf[1] == u"E" and (buf[0] == u"Y" or buf[0] == u"J" or buf[0] == u"I"):
        rn = 1  # the letters, a run of one letter A-Z counted once (JENNA as JENA)
        for i in range(1, n):
            if not (buf[i] == buf[i - 1] and u"A" <= buf[i] <= u"Z"):
                rn += 1
        if rn >= _lead_ye_from:  # YELENA / JELENA / ELENA
            _drop_second(buf, n)
            n -= 1
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


cdef bint _glide(str va, str vb):
    """``_tokensim._glide``: two variant forms apart only by a glide J."""
    if len(va) < len(vb):
        va, vb = vb, va
    cdef Py_ssize_t n = len(vb), la = len(va), i = 0
    if la < 5:  # _tokensim._GLIDE_FROM
        return False
    while i < n and va[i] == vb[i]:
        i += 1
    if i == 0 or i == la:
        return False
    cdef Py_UCS4 x, y
    if la == n:
        x = va[i]
        y = vb[i]
        return (
            ((x == u"I" and y == u"J") or (x == u"J" and y == u"I"))
            and (i + 1 == n or (va[i + 1] in "AEIOUY" and va[i - 1] not in "AEOU"))
            and va[i + 1 :] == vb[i + 1 :]
        )
    return la == n + 1 and va[i] == u"J" and va[i - 1] == u"I" and va[i + 1 :] == vb[i:]


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
        if raw < var or (raw == var and not (raw == 1 and _glide(va, vb))):
            m = la if la > lb else lb
            best = 1.0 - <double>raw / <double>m - TYPO_PER_EDIT * <double>raw
            kind = TYPO
        elif raw == var:  # a glide J (TATJANA / TATIANA): a spelling variant
            m = la if la > lb else lb
            best = 1.0 - <double>raw / <double>m - TYPO_PER_EDIT * <double>raw
            kind = VARIANT
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
    """Drop the first tokens met first until at most seven eighths of the pairs
    are left (a small step: dropping half at once paused a check for ms)."""
    global _npairs
    cdef Py_ssize_t goal = PAIR_MAX - PAIR_MAX // 8, left = _npairs
    cdef list keys = []
    cdef object key, row
    for key, row in _pairs.items():
        if left <= goal:
            break
        keys.append(key)
        left -= len(<dict>row)
    for key in keys:
        row = _pairs.pop(key, None)
        if row is not None:
            _npairs -= len(<dict>row)


def token_sim(str a, str b):
    """``_tokensim._token_sim_py(a, b)``, cached by pair."""
    return _pair(a, b)


def token_sim_uncached(str a, str b):
    """``token_sim`` without the pair cache (for the tests)."""
    return _sim(a, b)
