# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled person keys (optional): :func:`hotlist._person_keys.token_index`
and :func:`hotlist._person_keys.normalize_column`.

The keys of every listed name in one C pass: each distinct normalised name's
name keys (:func:`hotlist._person_keys.name_keys`: the blocking keys, the
letters run together, the composite part/initial keys) and part keys, each
distinct token's phonetic keys made once (``_person_keykernel_names.pxi``);
then, entry by entry, those name keys and the DOB-aware keys of the owner's
date of birth (:func:`hotlist._person_keys.dob_keys`), each numbered in the
order first met -- the numbering Arrow's dictionary encoding of the flat key
column gives -- so that the token index is built from ``(key, entry)`` pairs
without a list array of strings.  ``phonetic_key`` is
:func:`hotlist.names.phonetic_key` for A-Z tokens (its spelling-variant pass,
``jellyfish.metaphone``'s rules reimplemented, its fixes of the first letters;
``_person_keykernel_phonetic.pxi``); :func:`configure` hands it the rewrite
rules, the particles and the articles from the Python modules, which stay the
one source.  The Python functions are the reference (property-tested equal in
tests/engine/test_person_keykernel.py); ``_person_keys`` uses them when this
module is not built.
"""

from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t
from libc.stdlib cimport calloc, malloc, realloc, free
from libc.string cimport memcpy, memcmp

import numpy as np

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define HPK_PREFETCH(p) __builtin_prefetch((const void *)(p))
    #else
    #define HPK_PREFETCH(p) ((void)0)
    #endif
    """
    void HPK_PREFETCH(const void *p) nogil

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
cdef bint rule_spelled[MAXRULES]  # left out of the spelled key (_phonetic._SPELLED)
cdef int n_part = 0
cdef const uint8_t *part_s[MAXPART]
cdef Py_ssize_t part_n[MAXPART]
cdef int n_art = 0
cdef const uint8_t *art_s[8]
cdef Py_ssize_t art_n[8]
cdef Py_ssize_t max_keys = 8
cdef bint configured = False


def configure(rules, particles, articles, Py_ssize_t keys, spelled=()):
    """The variant rewrites ``(old, new)`` in order (``_phonetic._RULES``), the
    particles (``_tokens.PARTICLES``), the attached articles (``_phonetic._ARTICLES``),
    the number of blocking keys kept (``MAX_KEYS``) and the rewrites the spelled
    key leaves out (``_phonetic._SPELLED``)."""
    global n_rules, n_part, n_art, max_keys, configured, _rule_store
    skip = [(a, b) in set(spelled) for a, b in rules]
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
        rule_spelled[i] = skip[i]
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


include "_person_keykernel_phonetic.pxi"
include "_person_keykernel_names.pxi"


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


# -- the keys as numbers: the token index's vocabulary and (key, entry) pairs ----

cdef class _Vocab:
    """Distinct keys numbered in the order first seen (what ``dictionary_encode``
    of the flat key column numbers them by)."""

    cdef Grow data
    cdef int64_t *ends
    cdef uint64_t *slots  # (hash >> 32) << 32 | (key number + 1); 0: empty
    cdef Py_ssize_t count, cap, mask

    def __dealloc__(self):
        free(self.data.p)
        free(self.ends)
        free(self.slots)


cdef int _vocab_grow(_Vocab v) except -1:
    cdef Py_ssize_t size = max(2 * (v.mask + 1), 1 << 16), i, slot
    cdef uint64_t *slots = <uint64_t *>calloc(size, sizeof(uint64_t))
    cdef uint64_t h
    cdef int64_t a
    if slots == NULL:
        raise MemoryError()
    for i in range(v.count):
        a = v.ends[i - 1] if i else 0
        h = _hash(v.data.p + a, v.ends[i] - a)
        slot = h & (size - 1)
        while slots[slot]:
            slot = (slot + 1) & (size - 1)
        slots[slot] = ((h >> 32) << 32) | <uint64_t>(i + 1)
    free(v.slots)
    v.slots = slots
    v.mask = size - 1
    return 0


cdef inline bint _same(const uint8_t *a, const uint8_t *b, Py_ssize_t n) noexcept nogil:
    """``a[:n] == b[:n]`` for short keys (no call into libc)."""
    cdef Py_ssize_t i
    for i in range(n):
        if a[i] != b[i]:
            return False
    return True


cdef int64_t _key_id(_Vocab v, const uint8_t *s, Py_ssize_t n, uint64_t h) except -1:
    """The number of key ``s[:n]`` (hash ``h``), a new one when first seen (the
    table has room: see :func:`_room`)."""
    cdef uint64_t tag = h >> 32, e
    cdef Py_ssize_t slot = h & v.mask
    cdef int64_t k, a
    while True:
        e = v.slots[slot]
        if e == 0:
            break
        if (e >> 32) == tag:
            k = <int64_t>(e & 0xFFFFFFFF) - 1
            a = v.ends[k - 1] if k else 0
            if v.ends[k] - a == n and _same(v.data.p + a, s, n):
                return k
        slot = (slot + 1) & v.mask
    k = v.count
    if k >= 0xFFFFFFFE:
        raise OverflowError("more than 2**32 - 2 distinct keys")
    _ends(&v.ends, &v.cap, v.count, 1)
    _put(&v.data, s, n)
    v.ends[k] = v.data.n
    v.count += 1
    v.slots[slot] = (tag << 32) | <uint64_t>(k + 1)
    return k


cdef inline int _room(_Vocab v, Py_ssize_t more) except -1:
    """Grow the table so that ``more`` new keys keep it at most half full."""
    while 2 * (v.count + more) > v.mask + 1:
        _vocab_grow(v)
    return 0


cdef int _number(_Vocab v, const uint8_t **ks, Py_ssize_t *kn, int64_t *ids, Py_ssize_t m) except -1:
    """The numbers of the ``m`` keys ``ks[i][:kn[i]]`` (in order), their table
    slots fetched ahead so that the cache misses overlap."""
    cdef uint64_t hs[64]
    cdef uint64_t e
    cdef Py_ssize_t i
    cdef int64_t k
    _room(v, m)
    for i in range(m):
        hs[i] = _hash(ks[i], kn[i])
        HPK_PREFETCH(v.slots + (hs[i] & v.mask))
    for i in range(m):
        e = v.slots[hs[i] & v.mask]
        if e and (e >> 32) == (hs[i] >> 32):
            k = <int64_t>(e & 0xFFFFFFFF) - 1
            HPK_PREFETCH(v.ends + k - 1)
    for i in range(m):
        ids[i] = _key_id(v, ks[i], kn[i], hs[i])
    return 0


def entry_key_pairs(
    const uint8_t[::1] data,
    const int64_t[::1] offsets,
    const int64_t[::1] which,
    const int64_t[::1] years,
    const int64_t[::1] months,
    const int64_t[::1] days,
):
    """:func:`entry_keys` as a token index wants them: ``(vocabulary bytes uint8,
    vocabulary offsets int64, pairs uint64)``, the distinct keys in the order
    first seen and ``(key number << 32) | entry`` for each key of each entry, in
    order; None when a name is not in the normalised form."""
    cdef Py_ssize_t D = offsets.shape[0] - 1, n = which.shape[0], e, d, k
    cdef int64_t nkeys = 0
    if not configured:
        raise RuntimeError("configure() first")
    if years.shape[0] != n or months.shape[0] != n or days.shape[0] != n:
        raise ValueError("one date of birth per entry")
    if n >= 0xFFFFFFFF:
        raise OverflowError("more than 2**32 - 1 entries")
    for e in range(n):
        if which[e] < 0 or which[e] >= D:
            raise ValueError("entry names out of range")
    cdef _Names nm = _names_of(&data[0] if data.shape[0] else <const uint8_t *>b"", &offsets[0], D)
    if nm is None:
        return None
    cdef _Vocab vocab = _Vocab()
    # each distinct name's name keys, numbered when the name is first met
    cdef int64_t *nk_id = <int64_t *>malloc((nm.nk_count + 1) * sizeof(int64_t))
    cdef uint8_t *buf = NULL
    cdef Py_ssize_t longest = 64
    if nk_id == NULL:
        raise MemoryError()
    try:
        for k in range(nm.nk_count):
            nk_id[k] = -1
        for d in range(D):  # room for one entry's DOB keys
            longest = max(
                longest,
                2 * (nm.sig_off[d + 1] - nm.sig_off[d]) + (nm.pk_end[nm.pk_list[d + 1] - 1] if nm.pk_list[d + 1] else 0)
                - (nm.pk_end[nm.pk_list[d] - 1] if nm.pk_list[d] else 0) + 128,
            )
            if nm.nk_list[d + 1] - nm.nk_list[d] + nm.pk_list[d + 1] - nm.pk_list[d] + 2 > 64:
                raise ValueError("more than 64 keys for one entry")
        buf = <uint8_t *>malloc(longest)
        if buf == NULL:
            raise MemoryError()
        for e in range(n):
            d = which[e]
            nkeys += nm.nk_list[d + 1] - nm.nk_list[d]
            k = nm.pk_list[d + 1] - nm.pk_list[d]
            if k:
                if years[e] > 0:
                    nkeys += k + (2 if months[e] > 0 and days[e] > 0 else 0)
                else:
                    nkeys += 1
        pairs = np.empty(nkeys, dtype=np.uint64)
        _room(vocab, nkeys // 5)  # about one key in five is new (1 M persons: 3.4 M of 17.5 M)
        _pairs(pairs, nm, vocab, nk_id, buf, which, years, months, days)
    finally:
        free(nk_id)
        free(buf)
    vocab_data = np.empty(vocab.data.n, dtype=np.uint8)
    cdef uint8_t[::1] vd = vocab_data
    if vocab.data.n:
        memcpy(&vd[0], vocab.data.p, vocab.data.n)
    vocab_off = np.zeros(vocab.count + 1, dtype=np.int64)
    cdef int64_t[::1] vo = vocab_off
    for k in range(vocab.count):
        vo[k + 1] = vocab.ends[k]
    return vocab_data, vocab_off, pairs


cdef int _pairs(
    uint64_t[::1] pairs, _Names nm, _Vocab vocab, int64_t *nk_id, uint8_t *buf,
    const int64_t[::1] which, const int64_t[::1] years, const int64_t[::1] months,
    const int64_t[::1] days,
) except -1:
    """The pairs of :func:`entry_key_pairs`, entry by entry (keys numbered as met;
    ``buf`` holds one entry's DOB keys).  A key seen before is numbered without a
    look-up when it is a token's (its phonetic keys, its key with an initial: by
    the token's number) or a date alone."""
    cdef Py_ssize_t n = which.shape[0], e, d, k, m, ylen, w, at, j, q, first
    cdef int64_t a, b, year, ymd, s0, s1, kk = 0, src, day_at
    cdef uint64_t entry
    cdef const uint8_t *ks[64]
    cdef Py_ssize_t kn[64]
    cdef int64_t ids[64]
    cdef int64_t want[64]  # per key of the entry: its number, or -1: look it up
    cdef uint32_t *slot[64]  # where a looked-up number is remembered (NULL: nowhere)
    cdef const uint8_t *qs[64]
    cdef Py_ssize_t qn[64]
    cdef Py_ssize_t qi[64]
    cdef uint32_t *tid = <uint32_t *>calloc(max(nm.cache.count, 1) * 32, sizeof(uint32_t))
    cdef uint32_t *days_ = <uint32_t *>calloc(4096 * 384, sizeof(uint32_t))
    try:
        if tid == NULL or days_ == NULL:
            raise MemoryError()
        for e in range(n):
            entry = <uint64_t>e
            d = which[e]
            m = 0
            first = nm.nk_list[d + 1] > nm.nk_list[d] and nk_id[nm.nk_list[d]] < 0
            if first:  # the name first met: its keys' numbers
                for k in range(nm.nk_list[d], nm.nk_list[d + 1]):
                    a = nm.nk_end[k - 1] if k else 0
                    ks[m] = nm.nk.p + a
                    kn[m] = nm.nk_end[k] - a
                    src = nm.nk_src[k]
                    slot[m] = tid + src if src >= 0 else NULL
                    want[m] = <int64_t>slot[m][0] - 1 if src >= 0 else -1
                    m += 1
            j = m  # the DOB keys from here
            if nm.pk_list[d + 1] > nm.pk_list[d]:
                s0 = nm.sig_off[d]
                s1 = nm.sig_off[d + 1]
                year = years[e]
                at = 0
                if year > 0:
                    ylen = _digits(year)
                    for k in range(nm.pk_list[d], nm.pk_list[d + 1]):
                        a = nm.pk_end[k - 1] if k else 0
                        b = nm.pk_end[k]
                        ks[m] = buf + at
                        memcpy(buf + at, nm.pk.p + a, b - a)
                        at += b - a
                        buf[at] = 64  # '@'
                        _write_int(buf + at + 1, year, ylen)
                        at += 1 + ylen
                        kn[m] = buf + at - ks[m]
                        slot[m] = NULL
                        want[m] = -1
                        m += 1
                    if months[e] > 0 and days[e] > 0:
                        ymd = year * 10000 + months[e] * 100 + days[e]
                        w = max(8, _digits(ymd))
                        ks[m] = buf + at
                        memcpy(buf + at, nm.sig.p + s0, s1 - s0)
                        at += s1 - s0
                        ks[m + 1] = buf + at  # "@date" alone: the tail of "sig@date"
                        buf[at] = 64
                        _write_int(buf + at + 1, ymd, w)
                        at += 1 + w
                        kn[m] = buf + at - ks[m]
                        kn[m + 1] = buf + at - ks[m + 1]
                        slot[m] = NULL
                        want[m] = -1
                        slot[m + 1] = NULL
                        want[m + 1] = -1
                        if year < 4096 and months[e] < 12 + 1 and days[e] < 32:
                            day_at = year * 384 + months[e] * 32 + days[e]
                            slot[m + 1] = days_ + day_at
                            want[m + 1] = <int64_t>days_[day_at] - 1
                        m += 2
                else:
                    ks[m] = buf + at
                    memcpy(buf + at, nm.sig.p + s0, s1 - s0)
                    at += s1 - s0
                    buf[at] = 64
                    buf[at + 1] = 45  # '-'
                    at += 2
                    kn[m] = buf + at - ks[m]
                    slot[m] = NULL
                    want[m] = -1
                    m += 1
            q = 0  # the keys to look up, in order
            for k in range(m):
                if want[k] < 0:
                    qs[q] = ks[k]
                    qn[q] = kn[k]
                    qi[q] = k
                    q += 1
            _number(vocab, qs, qn, ids, q)
            for k in range(q):
                want[qi[k]] = ids[k]
                if slot[qi[k]] != NULL:
                    slot[qi[k]][0] = <uint32_t>(ids[k] + 1)
            if first:
                for k in range(j):
                    nk_id[nm.nk_list[d] + k] = want[k]
            for k in range(nm.nk_list[d], nm.nk_list[d + 1]):
                pairs[kk] = (<uint64_t>nk_id[k] << 32) | entry
                kk += 1
            for k in range(j, m):
                pairs[kk] = (<uint64_t>want[k] << 32) | entry
                kk += 1
    finally:
        free(tid)
        free(days_)
    return 0
