# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled :func:`hotlist._person_keys.index_keys` (optional).

The keys of every listed name in one C pass: for each distinct normalised name
its name keys (:func:`hotlist._person_keys.name_keys`: the blocking keys, the
letters run together, the composite part/initial keys) and its part keys, then
for each entry those name keys and the DOB-aware keys of its owner's date of
birth (:func:`hotlist._person_keys.dob_keys`), written as one flat string
column with the entries' list offsets.  ``phonetic_key`` here is
:func:`hotlist.names.phonetic_key` for A-Z tokens (its spelling-variant pass,
its own Metaphone -- ``jellyfish.metaphone``'s rules, reimplemented -- and its
fixes of the first letters); :func:`configure` hands it the rewrite rules, the
particles and the articles from the Python modules, so that those stay the one
source.  The Python functions are the reference (property-tested equal in
tests/engine/test_person_keykernel.py); ``_person_keys`` uses them when this
module is not built.
"""

from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t
from libc.stdlib cimport calloc, malloc, realloc, free
from libc.string cimport memcpy, memcmp

import numpy as np

cdef enum:
    MAXRULES = 64
    MAXPART = 128

cdef int n_rules = 0
cdef list _rule_store = []
cdef const uint8_t *rule_old[MAXRULES]
cdef const uint8_t *rule_new[MAXRULES]
cdef Py_ssize_t rule_lo[MAXRULES]
cdef Py_ssize_t rule_ln[MAXRULES]
cdef uint32_t rule_first[MAXRULES]  # bit of the rule's first letter
cdef uint32_t rule_letters[MAXRULES]  # bits of the letters it writes
cdef int n_part = 0
cdef const uint8_t *part_s[MAXPART]
cdef Py_ssize_t part_n[MAXPART]
cdef int n_art = 0
cdef const uint8_t *art_s[8]
cdef Py_ssize_t art_n[8]
cdef Py_ssize_t max_keys = 8
cdef bint configured = False


def configure(rules, particles, articles, Py_ssize_t keys):
    """The variant rewrites ``(old, new)`` in order (``_phonetic._RULES``), the
    particles (``_tokens.PARTICLES``), the attached articles (``_phonetic._ARTICLES``)
    and the number of blocking keys kept (``MAX_KEYS``)."""
    global n_rules, n_part, n_art, max_keys, configured, _rule_store
    rules = [(a.encode("ascii"), b.encode("ascii")) for a, b in rules]
    particles = [p.encode("ascii") for p in particles]
    articles = [a.encode("ascii") for a in articles]
    if len(rules) > MAXRULES or len(particles) > MAXPART or len(articles) > 8:
        raise ValueError("too many rules, particles or articles")
    for a, b in rules:
        if not a or len(b) > len(a):
            raise ValueError("a rewrite must not lengthen the text")
    _rule_store = [rules, particles, articles]  # keeps the bytes alive
    n_rules = len(rules)
    for i, (a, b) in enumerate(rules):
        rule_old[i] = <const uint8_t *>(<bytes>a)
        rule_lo[i] = len(a)
        rule_new[i] = <const uint8_t *>(<bytes>b)
        rule_ln[i] = len(b)
        rule_first[i] = (<uint32_t>1) << (a[0] & 31)
        rule_letters[i] = 0
        for c in b:
            rule_letters[i] |= (<uint32_t>1) << (c & 31)
    n_part = len(particles)
    for i, p in enumerate(particles):
        part_s[i] = <const uint8_t *>(<bytes>p)
        part_n[i] = len(p)
    n_art = len(articles)
    for i, a in enumerate(articles):
        art_s[i] = <const uint8_t *>(<bytes>a)
        art_n[i] = len(a)
    max_keys = keys
    configured = True


# -- one token's phonetic key --------------------------------------------------

cdef inline bint _vowel(uint8_t c) noexcept nogil:
    return c == 65 or c == 69 or c == 73 or c == 79 or c == 85  # AEIOU


cdef inline bint _iey(uint8_t c) noexcept nogil:
    return c == 73 or c == 69 or c == 89


cdef inline bint _oa(uint8_t c) noexcept nogil:
    return c == 79 or c == 65


cdef bint _particle(const uint8_t *s, Py_ssize_t n) noexcept nogil:
    cdef int i
    cdef Py_ssize_t j
    cdef bint same
    for i in range(n_part):
        if part_n[i] == n and part_s[i][0] == s[0]:
            same = True
            for j in range(1, n):
                if part_s[i][j] != s[j]:
                    same = False
                    break
            if same:
                return True
    return False


cdef Py_ssize_t _fold(const uint8_t *s, Py_ssize_t n, uint8_t *out) noexcept nogil:
    """``_tokens.fold``: (?:AE|OE|UE)(?!E) and AA(?!A) to one letter, to a fixed point."""
    cdef Py_ssize_t i, k
    cdef uint8_t c, d
    cdef bint changed = True
    if out != s:
        memcpy(out, s, n)
    while changed:
        changed = False
        i = 0
        k = 0
        while i < n:
            c = out[i]
            if i + 1 < n:
                d = out[i + 1]
                if (d == 69 and (c == 65 or c == 79 or c == 85) and not (i + 2 < n and out[i + 2] == 69)) or (
                    c == 65 and d == 65 and not (i + 2 < n and out[i + 2] == 65)
                ):
                    out[k] = c
                    k += 1
                    i += 2
                    changed = True
                    continue
            out[k] = c
            k += 1
            i += 1
        n = k
    return n


cdef Py_ssize_t _replace(uint8_t *buf, Py_ssize_t n, int r) noexcept nogil:
    """``str.replace(old, new)`` of rule ``r`` in place (``new`` no longer than ``old``)."""
    cdef Py_ssize_t lo = rule_lo[r], ln = rule_ln[r], i = 0, k = 0, m
    cdef const uint8_t *old = rule_old[r]
    cdef bint hit
    while i < n:
        if buf[i] == old[0] and i + lo <= n:
            hit = True
            for m in range(1, lo):
                if buf[i + m] != old[m]:
                    hit = False
                    break
            if hit:
                for m in range(ln):
                    buf[k + m] = rule_new[r][m]
                k += ln
                i += lo
                continue
        buf[k] = buf[i]
        k += 1
        i += 1
    return k


cdef Py_ssize_t _undouble(uint8_t *buf, Py_ssize_t n) noexcept nogil:
    """Each run of one letter A-Z as one letter, in place."""
    cdef Py_ssize_t i, k = 0
    cdef uint8_t c
    for i in range(n):
        c = buf[i]
        if k and c == buf[k - 1] and 65 <= c <= 90:
            continue
        buf[k] = c
        k += 1
    return k


cdef Py_ssize_t _variant(uint8_t *buf, Py_ssize_t n) noexcept nogil:
    """``_phonetic._variant_py`` in place."""
    cdef Py_ssize_t i
    cdef int r
    cdef uint32_t letters = 0  # the letters present (a superset once rules ran)
    n = _fold(buf, n, buf)
    for i in range(n):
        letters |= (<uint32_t>1) << (buf[i] & 31)
    for r in range(n_rules):
        if letters & rule_first[r]:
            n = _replace(buf, n, r)
            letters |= rule_letters[r]
    for i in range(n):
        if buf[i] == 79:
            buf[i] = 85
        elif buf[i] == 69:
            buf[i] = 73
    return _undouble(buf, n)


cdef Py_ssize_t _metaphone(const uint8_t *s, Py_ssize_t n, uint8_t *r) noexcept nogil:
    """``jellyfish.metaphone`` of an A-Z text (upper case out; ``r`` holds 2n)."""
    cdef Py_ssize_t i = 0, k = 0
    cdef uint8_t c, nx, nn
    if n >= 2 and (
        (s[1] == 78 and (s[0] == 75 or s[0] == 71 or s[0] == 80))  # KN GN PN
        or (s[0] == 87 and s[1] == 82)  # WR
        or (s[0] == 65 and s[1] == 69)  # AE
    ):
        s += 1
        n -= 1
    while i < n:
        c = s[i]
        nx = s[i + 1] if i + 1 < n else 0
        nn = s[i + 2] if i + 2 < n else 0
        if c == nx and c != 67:  # doubles, except CC
            i += 1
            continue
        if _vowel(c):
            if i == 0:
                r[k] = c; k += 1
        elif c == 66:  # B
            if not (i != 0 and s[i - 1] == 77) or nx:
                r[k] = 66; k += 1
        elif c == 67:  # C
            if (nx == 73 and nn == 65) or nx == 72:
                r[k] = 88; k += 1; i += 1
            elif _iey(nx):
                r[k] = 83; k += 1; i += 1
            else:
                r[k] = 75; k += 1
        elif c == 68:  # D
            if nx == 71 and _iey(nn):
                r[k] = 74; k += 1; i += 2
            else:
                r[k] = 84; k += 1
        elif c == 70 or c == 74 or c == 76 or c == 77 or c == 78 or c == 82:  # FJLMNR
            r[k] = c; k += 1
        elif c == 71:  # G
            if _iey(nx):
                r[k] = 74; k += 1
            elif nx == 72 and not _vowel(nn):
                i += 1
            elif nx == 78 and nn == 0:
                i += 1
            else:
                r[k] = 75; k += 1
        elif c == 72:  # H
            if i == 0 or _vowel(nx) or not _vowel(s[i - 1]):
                r[k] = 72; k += 1
        elif c == 75:  # K
            if i == 0 or s[i - 1] != 67:
                r[k] = 75; k += 1
        elif c == 80:  # P
            if nx == 72:
                r[k] = 70; k += 1; i += 1
            else:
                r[k] = 80; k += 1
        elif c == 81:  # Q
            r[k] = 75; k += 1
        elif c == 83:  # S
            if nx == 72:
                r[k] = 88; k += 1; i += 1
            elif nx == 73 and _oa(nn):
                r[k] = 88; k += 1; i += 2
            else:
                r[k] = 83; k += 1
        elif c == 84:  # T
            if nx == 73 and _oa(nn):
                r[k] = 88; k += 1
            elif nx == 72:
                r[k] = 48; k += 1; i += 1  # '0'
            elif nx != 67 or nn != 72:
                r[k] = 84; k += 1
        elif c == 86:  # V
            r[k] = 70; k += 1
        elif c == 87:  # W
            if i == 0 and nx == 72:
                i += 1
                r[k] = 87; k += 1
            elif _vowel(nx):
                r[k] = 87; k += 1
        elif c == 88:  # X
            if i == 0:
                if nx == 72 or (nx == 73 and _oa(nn)):
                    r[k] = 88; k += 1
                else:
                    r[k] = 83; k += 1
            else:
                r[k] = 75; r[k + 1] = 83; k += 2
        elif c == 89:  # Y
            if _vowel(nx):
                r[k] = 89; k += 1
        elif c == 90:  # Z
            r[k] = 83; k += 1
        i += 1
    return k


cdef inline void memmove_right(uint8_t *buf, Py_ssize_t k) noexcept nogil:
    """Shift ``buf[0:k]`` one byte to the right."""
    cdef Py_ssize_t i = k
    while i > 0:
        buf[i] = buf[i - 1]
        i -= 1


cdef Py_ssize_t _pkey(const uint8_t *s, Py_ssize_t n, uint8_t *out, uint8_t *form) noexcept nogil:
    """``names.phonetic_key`` of an A-Z token into ``out`` (2n + 4 bytes); ``form``
    is scratch of n bytes."""
    cdef Py_ssize_t m, k, i
    cdef uint8_t c
    if n == 0:
        return 0
    if n >= 2 and s[1] == 69 and (s[0] == 89 or s[0] == 74 or s[0] == 73):  # YE JE IE -> E
        form[0] = 69
        memcpy(form + 1, s + 2, n - 2)
        m = n - 1
    else:
        memcpy(form, s, n)
        m = n
    m = _variant(form, m)
    if m >= 2 and form[0] == 73 and (form[1] == 65 or form[1] == 69 or form[1] == 79 or form[1] == 85):
        form[0] = 89  # leading I before a vowel: Y
    k = _undouble(out, _metaphone(form, m, out))
    if k == 0:
        if m:
            out[0] = form[0]
        return 1 if m else 0
    c = out[0]
    if _vowel(c):
        out[0] = 65
    elif c == 74 or c == 89:
        out[0] = 89
    if out[0] == 88:  # metaphone's X: SH after S, SH or CH, else KS
        memmove_right(out, k)
        if form[0] == 83 or (m >= 2 and form[0] == 67 and form[1] == 72):
            out[0] = 83
            out[1] = 72
        else:
            out[0] = 75
            out[1] = 83
        k += 1
    if k < 2:
        for i in range(1, m):
            c = form[i]
            if _vowel(c) or c == 89:
                out[k] = c
                k += 1
                break
    return k


def phonetic_key(bytes token):
    """``names.phonetic_key`` of one A-Z token (for the tests)."""
    cdef Py_ssize_t n = len(token)
    cdef bytearray out = bytearray(2 * n + 8), form = bytearray(n + 8)
    if not configured:
        raise RuntimeError("configure() first")
    cdef Py_ssize_t k = _pkey(<const uint8_t *>token, n, <uint8_t *>(<char *>out), <uint8_t *>(<char *>form))
    return bytes(out[:k])


# -- the keys of a name, and of every entry -------------------------------------

cdef struct Grow:
    uint8_t *p
    Py_ssize_t n
    Py_ssize_t cap


cdef int _reserve(Grow *g, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap
    cdef uint8_t *p
    if g.n + extra <= g.cap:
        return 0
    cap = max(2 * g.cap, g.n + extra, 256)
    p = <uint8_t *>realloc(g.p, cap)
    if p == NULL:
        raise MemoryError()
    g.p = p
    g.cap = cap
    return 0


cdef int _put(Grow *g, const void *src, Py_ssize_t n) except -1:
    _reserve(g, n)
    memcpy(g.p + g.n, src, n)
    g.n += n
    return 0


cdef struct Tok:
    Py_ssize_t t0, tn  # the token, in the name
    Py_ssize_t f0, fn  # its folded form (arena)
    Py_ssize_t p0, pn  # phonetic key of the folded form
    Py_ssize_t a0, an  # ... of it without an attached article (an = 0: none)
    Py_ssize_t k0, kn  # ... of the token as written (kn = 0: an initial)
    bint full  # folded form not an initial nor a particle
    bint notpart  # token as written not a particle


cdef Py_ssize_t _token(const uint8_t *s, Py_ssize_t tn, Tok *t, uint8_t *buf, uint8_t *form) noexcept nogil:
    """What a name's keys need of one token (``_person_keys._token_info``): its
    folded form, phonetic keys and flags, the strings written to ``buf`` (the
    offsets in ``t`` relative to it); the bytes written."""
    cdef Py_ssize_t a = 0, j
    cdef bint art = False
    t.tn = tn
    t.f0 = 0
    t.fn = _fold(s, tn, buf)
    a = t.fn
    t.full = t.fn > 1 and not _particle(buf, t.fn)
    t.p0 = a
    t.pn = _pkey(buf, t.fn, buf + a, form)
    a += t.pn
    t.a0 = a
    t.an = 0
    if t.fn >= 6:
        for j in range(n_art):
            if art_n[j] <= t.fn and memcmp(buf, art_s[j], art_n[j]) == 0:
                art = True
        if art:
            t.an = _pkey(buf + 2, t.fn - 2, buf + a, form)
            a += t.an
    t.notpart = not _particle(s, tn)
    t.k0 = a
    t.kn = 0
    if tn > 1:
        if t.fn == tn:  # nothing folded: the same key
            t.k0 = t.p0
            t.kn = t.pn
        else:
            t.kn = _pkey(s, tn, buf + a, form)
            a += t.kn
    return a


cdef class _Cache:
    """Each distinct token's :func:`_token` (an open-addressing hash table)."""

    cdef Grow store  # per token: its bytes, then what _token wrote
    cdef Tok *info  # per token; t0: where its bytes are in store
    cdef int64_t *blk  # per token: where _token's bytes are in store
    cdef int64_t *slots  # token number + 1, 0: empty
    cdef Py_ssize_t count, cap, mask

    def __dealloc__(self):
        free(self.store.p)
        free(self.info)
        free(self.blk)
        free(self.slots)


cdef inline uint64_t _hash(const uint8_t *s, Py_ssize_t n) noexcept nogil:
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ s[i]) * 1099511628211ULL
    return h ^ (h >> 29)


cdef int _grow_cache(_Cache c) except -1:
    cdef Py_ssize_t cap = max(2 * c.cap, 4096), i, slot
    cdef Tok *info = <Tok *>realloc(c.info, cap * sizeof(Tok))
    if info == NULL:
        raise MemoryError()
    c.info = info
    cdef int64_t *blk = <int64_t *>realloc(c.blk, cap * sizeof(int64_t))
    if blk == NULL:
        raise MemoryError()
    c.blk = blk
    cdef int64_t *slots = <int64_t *>calloc(2 * cap, sizeof(int64_t))
    if slots == NULL:
        raise MemoryError()
    free(c.slots)
    c.slots = slots
    c.cap = cap
    c.mask = 2 * cap - 1
    for i in range(c.count):  # rehash
        slot = _hash(c.store.p + c.info[i].t0, c.info[i].tn) & c.mask
        while c.slots[slot]:
            slot = (slot + 1) & c.mask
        c.slots[slot] = i + 1
    return 0


cdef Py_ssize_t _cached_token(
    _Cache c, const uint8_t *s, Py_ssize_t tn, Tok *t, uint8_t *buf, Py_ssize_t at, uint8_t *form
) except -1:
    """:func:`_token` of ``s[:tn]`` written at ``buf`` (``at`` in the name's arena),
    from the cache when the token was seen before; the bytes written."""
    cdef Py_ssize_t slot, e, n
    cdef Tok *hit
    if c.count >= c.cap:
        _grow_cache(c)
    slot = _hash(s, tn) & c.mask
    while c.slots[slot]:
        e = c.slots[slot] - 1
        hit = &c.info[e]
        if hit.tn == tn and memcmp(c.store.p + hit.t0, s, tn) == 0:
            break
        slot = (slot + 1) & c.mask
    else:
        e = c.count
        n = _token(s, tn, t, buf, form)
        _reserve(&c.store, tn + n)
        memcpy(c.store.p + c.store.n, s, tn)
        memcpy(c.store.p + c.store.n + tn, buf, n)
        c.info[e] = t[0]
        c.info[e].t0 = c.store.n
        c.blk[e] = c.store.n + tn
        c.store.n += tn + n
        c.slots[slot] = e + 1
        c.count += 1
        hit = &c.info[e]
    n = max(hit.fn, hit.p0 + hit.pn, hit.a0 + hit.an, hit.k0 + hit.kn)
    memcpy(buf, c.store.p + c.blk[e], n)
    t.tn = tn
    t.fn = hit.fn
    t.full = hit.full
    t.notpart = hit.notpart
    t.f0 = at + hit.f0
    t.p0 = at + hit.p0
    t.pn = hit.pn
    t.a0 = at + hit.a0
    t.an = hit.an
    t.k0 = at + hit.k0
    t.kn = hit.kn
    return n


cdef struct Ref:
    Py_ssize_t at, n


cdef Py_ssize_t _dedupe(Ref *r, Py_ssize_t n, const uint8_t *arena, Py_ssize_t keep) noexcept nogil:
    """``list(dict.fromkeys(...))`` of the keys ``r[:n]`` (empty ones dropped), at most ``keep``."""
    cdef Py_ssize_t i, j, k = 0
    cdef bint seen
    for i in range(n):
        if r[i].n == 0:
            continue
        seen = False
        for j in range(k):
            if r[j].n == r[i].n and memcmp(arena + r[j].at, arena + r[i].at, r[i].n) == 0:
                seen = True
                break
        if not seen:
            if k >= keep:
                break
            r[k] = r[i]
            k += 1
    return k


cdef bint _less(const uint8_t *arena, Ref a, Ref b) noexcept nogil:
    cdef Py_ssize_t m = a.n if a.n < b.n else b.n
    cdef int c = memcmp(arena + a.at, arena + b.at, m)
    return c < 0 or (c == 0 and a.n < b.n)


cdef bint _valid(const uint8_t *s, Py_ssize_t n) noexcept nogil:
    """A normalised name: A-Z, spaces, at most one comma, followed by a space."""
    cdef Py_ssize_t i, commas = 0
    cdef uint8_t c
    for i in range(n):
        c = s[i]
        if c == 44:
            commas += 1
            if commas > 1 or i + 1 >= n or s[i + 1] != 32:
                return False
        elif c != 32 and not (65 <= c <= 90):
            return False
    return True


cdef class _Names:
    """The name keys, part keys and part-key signature of each distinct name."""

    cdef Grow nk, pk, sig
    cdef int64_t *nk_end  # end of each name key in nk
    cdef int64_t *nk_list  # first name key of each name (len D + 1)
    cdef int64_t *pk_end
    cdef int64_t *pk_list
    cdef int64_t *sig_off
    cdef Py_ssize_t nk_count, nk_cap, pk_count, pk_cap

    def __dealloc__(self):
        free(self.nk.p)
        free(self.pk.p)
        free(self.sig.p)
        free(self.nk_end)
        free(self.nk_list)
        free(self.pk_end)
        free(self.pk_list)
        free(self.sig_off)


cdef int _ends(int64_t **ends, Py_ssize_t *cap, Py_ssize_t count, Py_ssize_t extra) except -1:
    cdef Py_ssize_t c
    cdef int64_t *p
    if count + extra <= cap[0]:
        return 0
    c = max(2 * cap[0], count + extra, 1024)
    p = <int64_t *>realloc(ends[0], c * sizeof(int64_t))
    if p == NULL:
        raise MemoryError()
    ends[0] = p
    cap[0] = c
    return 0


cdef int _name(
    _Names out, _Cache cache, const uint8_t *s, Py_ssize_t L, Tok *tok, Ref *refs, Ref *pairs,
    uint8_t *arena, uint8_t *form, uint8_t *joined
) except -1:
    """:func:`hotlist._person_keys.entry_keys` of one normalised name, appended to ``out``."""
    cdef Py_ssize_t T = 0, i = 0, j, a = 0, nref = 0, npair = 0, nout, npk, x, y, fam, prev
    cdef Py_ssize_t parts[4]
    cdef Py_ssize_t nparts = 0
    cdef bint has_full = False
    cdef Ref pk[4]
    cdef Ref r
    cdef Tok *t
    cdef Tok *p
    while i < L:  # tokens: runs of letters (commas removed, split on spaces)
        if s[i] == 32 or s[i] == 44:
            i += 1
            continue
        j = i
        while j < L and s[j] != 32 and s[j] != 44:
            j += 1
        tok[T].t0 = i
        tok[T].tn = j - i
        T += 1
        i = j
    for x in range(T):
        a += _cached_token(cache, s + tok[x].t0, tok[x].tn, &tok[x], arena + a, a, form)
    # names.blocking_keys: full parts' keys (and without an article), joined pairs
    prev = -1
    for x in range(T):
        t = &tok[x]
        if t.full:
            has_full = True
            refs[nref].at = t.p0
            refs[nref].n = t.pn
            nref += 1
            if t.an:
                refs[nref].at = t.a0
                refs[nref].n = t.an
                nref += 1
            if prev >= 0 and tok[prev].fn > 1:
                p = &tok[prev]
                memcpy(joined, arena + p.f0, p.fn)
                memcpy(joined + p.fn, arena + t.f0, t.fn)
                pairs[npair].at = a
                pairs[npair].n = _pkey(joined, p.fn + t.fn, arena + a, form)
                a += pairs[npair].n
                npair += 1
        prev = x
    for x in range(npair):
        refs[nref] = pairs[x]
        nref += 1
    if not has_full:
        for x in range(T):
            refs[nref].at = tok[x].p0
            refs[nref].n = tok[x].pn
            nref += 1
    nout = _dedupe(refs, nref, arena, max_keys)
    # letter keys: the letters run together, and given names first
    if T:
        refs[nout].at = a
        arena[a] = 35  # '#'
        a += 1
        for x in range(T):
            memcpy(arena + a, s + tok[x].t0, tok[x].tn)
            a += tok[x].tn
        refs[nout].n = a - refs[nout].at
        nout += 1
        fam = -1
        for i in range(L):
            if s[i] == 44:
                fam = i
                break
        if fam >= 0:  # "FAMILY, GIVEN": the given names' letters, then the family's
            r.at = a
            arena[a] = 35
            a += 1
            for i in range(fam + 2, L):
                if s[i] != 32:
                    arena[a] = s[i]
                    a += 1
            for i in range(fam):
                if s[i] != 32:
                    arena[a] = s[i]
                    a += 1
            r.n = a - r.at
            if r.n > 1 and not (
                r.n == refs[nout - 1].n and memcmp(arena + r.at, arena + refs[nout - 1].at, r.n) == 0
            ):
                refs[nout] = r
                nout += 1
    # composite keys: each part's key with each other part's initial; the part keys
    for x in range(T):
        if tok[x].notpart and nparts < 4:
            parts[nparts] = x
            nparts += 1
    npk = 0
    for x in range(nparts):
        t = &tok[parts[x]]
        if t.kn == 0:
            continue
        pk[npk].at = t.k0
        pk[npk].n = t.kn
        npk += 1
        for y in range(nparts):
            if y == x:
                continue
            refs[nout].at = a
            memcpy(arena + a, arena + t.k0, t.kn)
            a += t.kn
            arena[a] = 47  # '/'
            arena[a + 1] = s[tok[parts[y]].t0]
            a += 2
            refs[nout].n = t.kn + 2
            nout += 1
    nout = _dedupe(refs, nout, arena, nout)
    _ends(&out.nk_end, &out.nk_cap, out.nk_count, nout)
    for x in range(nout):
        _put(&out.nk, arena + refs[x].at, refs[x].n)
        out.nk_end[out.nk_count] = out.nk.n
        out.nk_count += 1
    npk = _dedupe(pk, npk, arena, 4)
    _ends(&out.pk_end, &out.pk_cap, out.pk_count, npk)
    for x in range(npk):
        _put(&out.pk, arena + pk[x].at, pk[x].n)
        out.pk_end[out.pk_count] = out.pk.n
        out.pk_count += 1
    # signature: the distinct part keys, sorted, joined with "+"
    for x in range(1, npk):
        r = pk[x]
        y = x
        while y > 0 and _less(arena, r, pk[y - 1]):
            pk[y] = pk[y - 1]
            y -= 1
        pk[y] = r
    for x in range(npk):
        if x:
            _put(&out.sig, b"+", 1)
        _put(&out.sig, arena + pk[x].at, pk[x].n)
    return 0


cdef _Names _names_of(const uint8_t *data, const int64_t *off, Py_ssize_t D):
    """The keys of each of the ``D`` names; None when one is not normalised."""
    cdef _Names out = _Names()
    cdef _Cache cache = _Cache()
    cdef Py_ssize_t d, L, longest = 0
    cdef Tok *tok = NULL
    cdef Ref *refs = NULL
    cdef Ref *pairs = NULL
    cdef uint8_t *arena = NULL
    cdef uint8_t *form = NULL
    cdef uint8_t *joined = NULL
    for d in range(D):
        L = off[d + 1] - off[d]
        if not _valid(data + off[d], L):
            return None
        longest = max(longest, L)
    out.nk_list = <int64_t *>malloc((D + 1) * sizeof(int64_t))
    out.pk_list = <int64_t *>malloc((D + 1) * sizeof(int64_t))
    out.sig_off = <int64_t *>malloc((D + 1) * sizeof(int64_t))
    tok = <Tok *>malloc((longest + 2) * sizeof(Tok))
    refs = <Ref *>malloc((4 * longest + 64) * sizeof(Ref))
    pairs = <Ref *>malloc((longest + 2) * sizeof(Ref))
    arena = <uint8_t *>malloc(64 * longest + 512)
    form = <uint8_t *>malloc(longest + 16)
    joined = <uint8_t *>malloc(longest + 16)
    try:
        if (
            out.nk_list == NULL or out.pk_list == NULL or out.sig_off == NULL or tok == NULL
            or refs == NULL or pairs == NULL or arena == NULL or form == NULL or joined == NULL
        ):
            raise MemoryError()
        for d in range(D):
            out.nk_list[d] = out.nk_count
            out.pk_list[d] = out.pk_count
            out.sig_off[d] = out.sig.n
            _name(out, cache, data + off[d], off[d + 1] - off[d], tok, refs, pairs, arena, form, joined)
        out.nk_list[D] = out.nk_count
        out.pk_list[D] = out.pk_count
        out.sig_off[D] = out.sig.n
    finally:
        free(tok)
        free(refs)
        free(pairs)
        free(arena)
        free(form)
        free(joined)
    return out


cdef inline Py_ssize_t _digits(int64_t v) noexcept nogil:
    cdef Py_ssize_t k = 1
    while v >= 10:
        v //= 10
        k += 1
    return k


cdef inline void _write_int(uint8_t *p, int64_t v, Py_ssize_t width) noexcept nogil:
    """``v`` in decimal, left-padded with zeros to ``width`` digits."""
    cdef Py_ssize_t i
    for i in range(width - 1, -1, -1):
        p[i] = 48 + v % 10
        v //= 10


def entry_keys(
    const uint8_t[::1] data,
    const int64_t[::1] offsets,
    const int64_t[::1] which,
    const int64_t[::1] years,
    const int64_t[::1] months,
    const int64_t[::1] days,
):
    """The keys of each entry (``which[i]``: its distinct name, whose bytes are
    ``data[offsets[d]:offsets[d + 1]]``; ``years`` ... its owner's date of birth, 0:
    none): ``(key bytes uint8, key offsets int64, list offsets int64)``, or None
    when a name is not in the normalised form (A-Z, spaces, one ", ")."""
    cdef Py_ssize_t D = offsets.shape[0] - 1, n = which.shape[0], e, d, k, np_, w, ylen
    cdef int64_t nbytes = 0, nkeys = 0, year, ymd, a, b
    cdef bint dated, full
    if not configured:
        raise RuntimeError("configure() first")
    if years.shape[0] != n or months.shape[0] != n or days.shape[0] != n:
        raise ValueError("one date of birth per entry")
    for e in range(n):
        if which[e] < 0 or which[e] >= D:
            raise ValueError("entry names out of range")
    cdef _Names nm = _names_of(&data[0] if data.shape[0] else <const uint8_t *>b"", &offsets[0], D)
    if nm is None:
        return None
    # sizes
    for e in range(n):
        d = which[e]
        nkeys += nm.nk_list[d + 1] - nm.nk_list[d]
        a = nm.nk_end[nm.nk_list[d] - 1] if nm.nk_list[d] else 0
        b = nm.nk_end[nm.nk_list[d + 1] - 1] if nm.nk_list[d + 1] else 0
        nbytes += b - a
        np_ = nm.pk_list[d + 1] - nm.pk_list[d]
        if np_ == 0:
            continue
        year = years[e]
        if year > 0:
            ylen = _digits(year)
            a = nm.pk_end[nm.pk_list[d] - 1] if nm.pk_list[d] else 0
            b = nm.pk_end[nm.pk_list[d + 1] - 1]
            nkeys += np_
            nbytes += (b - a) + np_ * (1 + ylen)
            if months[e] > 0 and days[e] > 0:
                ymd = year * 10000 + months[e] * 100 + days[e]
                w = max(8, _digits(ymd))
                nkeys += 2
                nbytes += (nm.sig_off[d + 1] - nm.sig_off[d]) + 2 * (1 + w)
        else:
            nkeys += 1
            nbytes += (nm.sig_off[d + 1] - nm.sig_off[d]) + 2
    out_data = np.empty(nbytes, dtype=np.uint8)
    out_koff = np.empty(nkeys + 1, dtype=np.int64)
    out_loff = np.empty(n + 1, dtype=np.int64)
    cdef uint8_t[::1] od = out_data
    cdef int64_t[::1] ok = out_koff, ol = out_loff
    cdef uint8_t *p = &od[0] if nbytes else NULL
    cdef int64_t at = 0, kk = 0, s0, s1
    ok[0] = 0
    for e in range(n):
        ol[e] = kk
        d = which[e]
        for k in range(nm.nk_list[d], nm.nk_list[d + 1]):
            a = nm.nk_end[k - 1] if k else 0
            b = nm.nk_end[k]
            memcpy(p + at, nm.nk.p + a, b - a)
            at += b - a
            kk += 1
            ok[kk] = at
        np_ = nm.pk_list[d + 1] - nm.pk_list[d]
        if np_ == 0:
            continue
        s0 = nm.sig_off[d]
        s1 = nm.sig_off[d + 1]
        year = years[e]
        if year > 0:
            ylen = _digits(year)
            for k in range(nm.pk_list[d], nm.pk_list[d + 1]):
                a = nm.pk_end[k - 1] if k else 0
                b = nm.pk_end[k]
                memcpy(p + at, nm.pk.p + a, b - a)
                at += b - a
                p[at] = 64  # '@'
                _write_int(p + at + 1, year, ylen)
                at += 1 + ylen
                kk += 1
                ok[kk] = at
            if months[e] > 0 and days[e] > 0:
                ymd = year * 10000 + months[e] * 100 + days[e]
                w = max(8, _digits(ymd))
                memcpy(p + at, nm.sig.p + s0, s1 - s0)
                at += s1 - s0
                p[at] = 64
                _write_int(p + at + 1, ymd, w)
                at += 1 + w
                kk += 1
                ok[kk] = at
                p[at] = 64
                _write_int(p + at + 1, ymd, w)
                at += 1 + w
                kk += 1
                ok[kk] = at
        else:
            memcpy(p + at, nm.sig.p + s0, s1 - s0)
            at += s1 - s0
            p[at] = 64
            p[at + 1] = 45  # '-'
            at += 2
            kk += 1
            ok[kk] = at
    ol[n] = kk
    return out_data, out_koff, out_loff


def normalize_ascii(const uint8_t[::1] data, const int64_t[::1] offsets):
    """``names.normalize`` of each ASCII string ``data[offsets[i]:offsets[i + 1]]``:
    ``(bytes uint8, offsets int64, ascii bool)``; a string with a byte over 127 is
    left empty and marked False (``normalize`` transliterates it: Python's work)."""
    cdef Py_ssize_t n = offsets.shape[0] - 1, i, j, k, start, fam_end
    cdef int64_t total = offsets[n] - offsets[0] if n >= 0 else 0
    out_data = np.empty(total + n + 1, dtype=np.uint8)  # the comma's space: one more byte
    out_off = np.empty(n + 1, dtype=np.int64)
    ascii = np.ones(n, dtype=np.bool_)
    cdef uint8_t[::1] od = out_data
    cdef int64_t[::1] oo = out_off
    cdef uint8_t[::1] ok = ascii.view(np.uint8)
    cdef uint8_t *o = &od[0]
    cdef const uint8_t *s
    cdef uint8_t c
    cdef int64_t at = 0
    cdef bint comma, sep, tokens_after
    oo[0] = 0
    for i in range(n):
        s = &data[0] + offsets[i] if offsets[i + 1] > offsets[i] else NULL
        k = offsets[i + 1] - offsets[i]
        start = at
        comma = False
        sep = False  # a separator seen since the last letter written
        fam_end = -1  # where the family part's letters end (comma seen)
        tokens_after = False
        for j in range(k):
            c = s[j]
            if c >= 128:
                ok[i] = 0
                break
            if 97 <= c <= 122:
                c -= 32
            if 65 <= c <= 90:
                if at > start and sep:
                    o[at] = 32
                    at += 1
                o[at] = c
                at += 1
                sep = False
                if comma:
                    tokens_after = True
            elif c == 39 or c == 96:  # apostrophes join
                continue
            elif c == 44 and not comma:  # the first comma: family part ends
                comma = True
                fam_end = at
                sep = True
            else:
                sep = True
        if not ok[i]:
            at = start
        elif comma and fam_end > start and tokens_after:
            j = at
            while j > fam_end:  # the comma goes before the space written there
                o[j] = o[j - 1]
                j -= 1
            o[fam_end] = 44
            at += 1
        oo[i + 1] = at
    return out_data[:at], out_off, ascii
