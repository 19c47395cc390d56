# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled miss pre-filter and miss probe (optional; see ``hotlist.index._prefilter``).

The filter is a split-block Bloom filter (blocks of eight 32-bit words, one
bit set per word) over every indexed key and each of its single-deletion
variants, each tagged with the position deleted; a query tests the ``4n + 1``
members a key within one edit would have added, in ``n + 1`` blocks (the
design, and why tags: ``hotlist.index._prefilter``).  A string's hash is
``fmix64(crc32 | len << 32)`` (the CRC of each deletion by the linear
recurrence of ``hotlist.index._oneedit``); the pure reference computes the
same bits from the variant strings and ``zlib.crc32``.

:class:`Probe` answers "maybe near" (the filter), "near" exactly (the filter,
then the exact probes of each passing test) and "contains" (the exact hash
probe) over one :class:`~hotlist.index.KeyIndex`'s arrays, each probe's
cache lines prefetched before any is read; :class:`DocumentMiss`
runs check()'s whole miss test for a document number -- compact + OCR key
(the translate tables of ``hotlist.ids.docnum``), the documents index
(pre-filter or exact probe) and the persons' listed numbers (exact) -- in one
call, so that a miss never builds a Python string; and, when some listed key is
within one edit, :class:`DocumentHits` (``_document_hits.pxi``) makes the hit's
result from the same key: the compiled search, the level, shape, rank and Hit
read from the columns in C.
"""

from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_GET_LENGTH
from cpython.weakref cimport PyWeakref_GetObject
from libc.stdint cimport uint8_t, uint16_t, uint32_t, int32_t, int64_t, uint64_t
from libc.string cimport memcmp, memcpy

from hotlist.index._columns cimport column_offsets, offset_at

import weakref

import numpy as np

from hotlist.index._hashing import CRC_TABLE

cdef enum:
    ECAP = 64  # longest key whose deletion CRCs use the table recurrence (longer: direct)
    PREFETCH = 24  # members add_keys prefetches ahead of the one it sets
    BATCH = 1024  # members whose blocks add_keys prefetches together (> QMAX + 1)
    QMAX = 256  # longest query key the probes take (longer: "maybe", the caller searches)
    AHEAD = 16  # most keys near_exact_many may prefetch ahead of the one it tests
    AHEAD_DEFAULT = 4  # 10 M keys: 1 -> 1.68, 2 -> 1.93, 4 -> 1.86, 8 -> 1.80 M keys/s (load ~12)

cdef uint32_t CRC[256]
cdef uint32_t E[ECAP + 1][256]


cdef void _init() noexcept nogil:
    """E[k][x]: the CRC change of XOR-ing byte x at k bytes from the end (CRC
    is linear; see ``hotlist.index._hashing.edit_table``)."""
    cdef int i, k
    for i in range(256):
        E[0][i] = CRC[i]
    for k in range(1, ECAP + 1):
        for i in range(256):
            E[k][i] = CRC[E[k - 1][i] & 0xFF] ^ (E[k - 1][i] >> 8)
for _i in range(256):  # the one CRC table (hotlist.index._hashing)
    CRC[_i] = CRC_TABLE[_i]
_init()


cdef inline uint32_t _crc_raw(uint32_t c, const uint8_t *p, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        c = CRC[(c ^ p[i]) & 0xFF] ^ (c >> 8)
    return c


cdef inline uint32_t _crc32(const uint8_t *p, Py_ssize_t n) noexcept nogil:
    return _crc_raw(0xFFFFFFFFu, p, n) ^ 0xFFFFFFFFu


# A member's hash, block, pattern and test (_fmix, _block, _pattern, _test) are in
# the .pxd: the compiled one-edit search (hotlist.index._fast) tests the same bits.


cdef inline Py_ssize_t _variants(const uint8_t *b, Py_ssize_t n, uint64_t *out) noexcept nogil:
    """Hashes of ``b`` (``out[0]``) and of ``b`` without ``b[i]`` (``out[i + 1]``)."""
    cdef Py_ssize_t i
    cdef uint32_t dl, pre
    out[0] = _fmix(_crc32(b, n), n)
    if n == 0:
        return 1
    if n <= ECAP + 1:
        dl = _crc32(b + 1, n - 1)  # b without b[0]
        out[1] = _fmix(dl, n - 1)
        for i in range(n - 1):
            # from "b without b[i]" to "b without b[i+1]": position i holds b[i+1]
            # then b[i], n - 2 - i bytes from the end
            dl ^= E[n - 2 - i][b[i] ^ b[i + 1]]
            out[i + 2] = _fmix(dl, n - 1)
        return n + 1
    pre = 0xFFFFFFFFu
    for i in range(n):
        out[i + 1] = _fmix(_crc_raw(pre, b + i + 1, n - i - 1) ^ 0xFFFFFFFFu, n - 1)
        pre = CRC[(pre ^ b[i]) & 0xFF] ^ (pre >> 8)
    return n + 1


cdef inline void _set(uint32_t *w, uint64_t p) noexcept nogil:
    cdef int i
    for i in range(8):
        w[i] |= (<uint32_t>1) << ((p >> (24 + 5 * i)) & 31)


cdef inline void _add(uint32_t *words, uint64_t nblocks, const uint8_t *b, Py_ssize_t n, uint64_t *hs) noexcept nogil:
    """Members of key ``b``: (b, tag 0) and (b without b[i], tag i + 1)."""
    cdef Py_ssize_t i, k = _variants(b, n, hs)
    for i in range(k):
        _set(words + 8 * <uint64_t>_block(hs[i], nblocks), _pattern(hs[i], <uint32_t>i))


cdef inline bint _maybe(const uint32_t *words, uint64_t nblocks, const uint8_t *b, Py_ssize_t n) noexcept nogil:
    """False when no member added can make a key within one edit of ``b``.

    In the block of ``b``: tag 0 (equal) and tags 1 .. n + 1 (a key one longer
    with a byte inserted at j: it without its byte j is ``b``, tag j + 1).  In the
    block of ``b`` without ``b[i]``: tag 0 (a key one shorter), tag i + 1 (a
    substitution at i) and tag i (a transposition at i - 1).
    """
    cdef uint64_t hs[QMAX + 1]
    cdef const uint32_t *w[QMAX + 1]
    cdef Py_ssize_t i, j
    cdef uint32_t found = 0
    if n > QMAX:
        return True
    _variants(b, n, hs)
    for i in range(n + 1):
        w[i] = words + 8 * <uint64_t>_block(hs[i], nblocks)
        HLP_PREFETCH(w[i])
    for j in range(n + 2):
        found |= _test(w[0], _pattern(hs[0], <uint32_t>j))
    for i in range(1, n + 1):
        found |= _test(w[i], _pattern(hs[i], 0)) | _test(w[i], _pattern(hs[i], <uint32_t>i))
        if i > 1:
            found |= _test(w[i], _pattern(hs[i], <uint32_t>(i - 1)))
    return found != 0


def add_keys(uint32_t[::1] words, offsets, const uint8_t[::1] data, rows=None):
    """Set the filter bits (``words``: blocks of 8) of every key of ``rows``
    (all rows when None) of the string column given by ``offsets`` / ``data``."""
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const int64_t[::1] rv
    cdef const int64_t *rp = NULL
    cdef Py_ssize_t nr, j, a, e, k, i, r, nb = 0
    cdef uint32_t blk[BATCH]
    cdef uint64_t pat[BATCH]
    cdef uint64_t nblocks = words.shape[0] // 8
    cdef uint64_t hs[QMAX + 1]
    cdef uint32_t *w = &words[0]
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    if nblocks == 0:
        raise ValueError("empty filter")
    nr = column_offsets(offsets, &o32, &o64)
    if rows is not None:
        rv = rows
        nr = rv.shape[0]
        if nr:
            rp = &rv[0]
    with nogil:
        # members are set a batch at a time, each block prefetched a fixed
        # distance ahead (random writes, one cache miss each)
        for j in range(nr):
            r = rp[j] if rp != NULL else j
            a = offset_at(o32, o64, r)
            e = offset_at(o32, o64, r + 1)
            if e - a > QMAX:
                _add_long(w, nblocks, d + a, e - a)
                continue
            if nb + e - a + 1 > BATCH:
                _flush(w, blk, pat, nb)
                nb = 0
            k = _variants(d + a, e - a, hs)
            for i in range(k):
                blk[nb] = _block(hs[i], nblocks)
                pat[nb] = _pattern(hs[i], <uint32_t>i)
                nb += 1
        _flush(w, blk, pat, nb)


cdef inline void _flush(uint32_t *w, const uint32_t *blk, const uint64_t *pat, Py_ssize_t nb) noexcept nogil:
    """Set a batch of members, each block prefetched PREFETCH members ahead."""
    cdef Py_ssize_t i
    for i in range(min(nb, PREFETCH)):
        HLP_PREFETCH(w + 8 * <uint64_t>blk[i])
    for i in range(nb):
        if i + PREFETCH < nb:
            HLP_PREFETCH(w + 8 * <uint64_t>blk[i + PREFETCH])
        _set(w + 8 * <uint64_t>blk[i], pat[i])


cdef void _add_long(uint32_t *w, uint64_t nblocks, const uint8_t *b, Py_ssize_t n) noexcept nogil:
    """One key longer than QMAX bytes (never probed as such: a query that long
    is always "maybe"); its members all the same, for a filter that is exact
    about what it holds."""
    cdef Py_ssize_t i
    cdef uint32_t pre = 0xFFFFFFFFu
    cdef uint64_t h = _fmix(_crc32(b, n), n)
    _set(w + 8 * <uint64_t>_block(h, nblocks), _pattern(h, 0))
    for i in range(n):
        h = _fmix(_crc_raw(pre, b + i + 1, n - i - 1) ^ 0xFFFFFFFFu, n - 1)
        _set(w + 8 * <uint64_t>_block(h, nblocks), _pattern(h, <uint32_t>(i + 1)))
        pre = CRC[(pre ^ b[i]) & 0xFF] ^ (pre >> 8)


# Bumped by filters_changed() when a KeyIndex's filter, built in the background,
# is in place: DocumentMiss binds a state's probes again when it moved.
cdef unsigned int _generation = 0


def filters_changed():
    """Tell every :class:`DocumentMiss` that some index has a new probe (its
    pre-filter, built in the background, is ready): each binds its state's
    probes again on its next check."""
    global _generation
    _generation += 1


def generation():
    """How many times :func:`filters_changed` was called."""
    return _generation


def maybe_near(const uint32_t[::1] words, bytes key):
    """False when no key in the filter can be within one edit of ``key``."""
    cdef const uint8_t *b = key
    return _maybe(&words[0], words.shape[0] // 8, b, len(key))


def variant_hashes(bytes key):
    """The string hashes of ``key`` and of it without byte i, for each i (for
    the tests: the pure reference computes the same from the strings)."""
    cdef uint64_t hs[QMAX + 1]
    cdef Py_ssize_t k
    cdef const uint8_t *b = key
    if len(key) > QMAX:
        raise ValueError("key too long")
    k = _variants(b, len(key), hs)
    return [hs[i] for i in range(k)]


cdef class Probe:
    """The pre-filter and the exact hash probe over one KeyIndex's arrays."""

    def __init__(self, directory, fp, rows, offsets, data, words, int shift, bytes alphabet=b""):
        cdef const uint32_t[::1] d_ = directory
        cdef const uint16_t[::1] f_ = fp
        cdef const uint32_t[::1] r_ = rows
        cdef const uint8_t[::1] data_ = data
        cdef const uint32_t[::1] w_
        self._keep = (directory, fp, rows, offsets, data, words)
        self.dir = &d_[0]
        self.nrows = r_.shape[0]
        self.fp = &f_[0] if f_.shape[0] else NULL
        self.rows = &r_[0] if r_.shape[0] else NULL
        self.data = &data_[0] if data_.shape[0] else NULL
        column_offsets(offsets, &self.off32, &self.off64)
        self.words = NULL
        self.nblocks = 0
        if words is not None:
            w_ = words
            self.words = &w_[0]
            self.nblocks = w_.shape[0] // 8
        self.shift = shift
        self.nalpha = len(alphabet)
        for i in range(self.nalpha):
            self.alpha[i] = alphabet[i]

    @property
    def filtered(self):
        """True when the pre-filter is there (else :meth:`near` always says maybe)."""
        return self.words != NULL

    cdef bint _near(self, const uint8_t *b, Py_ssize_t n) noexcept nogil:
        if self.words == NULL or self.nrows == 0:
            return self.nrows != 0
        return _maybe(self.words, self.nblocks, b, n)

    cdef bint _contains(self, const uint8_t *b, Py_ssize_t n, uint32_t h) noexcept nogil:
        return self._find(b, n, h, NULL) != 0

    cdef bint _has(self, const uint8_t *b, Py_ssize_t n) noexcept nogil:
        """Whether some row's key is ``b`` (its CRC worked out here)."""
        return self._find(b, n, _crc32(b, n), NULL) != 0

    cdef int _find(self, const uint8_t *b, Py_ssize_t n, uint32_t h, const Issuer *iss) noexcept nogil:
        """The rows whose key is ``b``: 0 none, 1 only weak ones (``iss``: rows of
        another plain issuer), 2 some other row (any row when ``iss`` is NULL)."""
        cdef uint32_t t, lo, hi, f, r
        cdef Py_ssize_t a, e
        cdef int found = 0
        cdef int32_t code
        if self.nrows == 0:
            return 0
        t = h >> self.shift
        lo = self.dir[t]
        hi = self.dir[t + 1]
        f = h & 0xFFFF
        while lo < hi:
            if self.fp[lo] == f:
                r = self.rows[lo]
                a = offset_at(self.off32, self.off64, r)
                e = offset_at(self.off32, self.off64, r + 1)
                if e - a == n and memcmp(self.data + a, b, n) == 0:
                    if iss == NULL:
                        return 2
                    code = iss.codes[r]
                    if code < 0 or not iss.plain[code] or code == iss.asked:
                        return 2
                    found = 1
            lo += 1
        return found

    cdef int _any_at(self, uint8_t *t, Py_ssize_t m, Py_ssize_t pos, uint32_t base, Py_ssize_t k, const Issuer *iss) noexcept nogil:
        """:meth:`_find` of ``t`` (``m`` bytes) with each byte of the alphabet at
        ``pos``, the strongest; ``base``: the CRC of ``t`` with 0 there,
        ``k = m - 1 - pos``."""
        cdef uint32_t hs[256]
        cdef uint32_t lo
        cdef int c, got = 0
        if self.nrows == 0:
            return 0
        # three passes, so that the ~36 probes' cache misses overlap: hash and
        # prefetch each directory entry, then each slot's fingerprints, then look
        for c in range(self.nalpha):
            hs[c] = base ^ E[k][self.alpha[c]]
            HLP_PREFETCH(self.dir + (hs[c] >> self.shift))
        for c in range(self.nalpha):
            lo = self.dir[hs[c] >> self.shift]
            HLP_PREFETCH(self.fp + lo)
        for c in range(self.nalpha):
            t[pos] = self.alpha[c]
            got |= self._find(t, m, hs[c], iss)
            if got & 2:
                return 2
        return got

    cdef bint _near_exact(self, const uint8_t *b, Py_ssize_t n) noexcept nogil:
        """True when some key is within one edit of ``b``: the pre-filter's
        tests, and for each test that passes the exact probes of the keys that
        would have set it (a substitution or insertion at that place: every byte
        of the alphabet; a deletion, a transposition or the key itself: one
        probe) -- so a false "maybe" of the filter is told here, in a few probes.
        Without a filter, or for a key over ECAP bytes: the filter alone."""
        cdef uint64_t hs[ECAP + 2]
        cdef const uint32_t *w[ECAP + 2]
        if not self._exact_ok(n):
            return self._near(b, n)
        self._prefetch(b, n, hs, w)
        return self._tests(b, n, hs, w, NULL) != 0

    cdef bint _exact_ok(self, Py_ssize_t n) noexcept nogil:
        """Whether :meth:`_prefetch` + :meth:`_tests` answer for a key of ``n`` bytes."""
        return self.words != NULL and self.nrows != 0 and n <= ECAP

    cdef void _prefetch(self, const uint8_t *b, Py_ssize_t n, uint64_t *hs, const uint32_t **w) noexcept nogil:
        """The hashes of ``b`` and its deletions, and their blocks, prefetched."""
        cdef Py_ssize_t i
        _variants(b, n, hs)
        for i in range(n + 1):
            w[i] = self.words + 8 * <uint64_t>_block(hs[i], self.nblocks)
            HLP_PREFETCH(w[i])

    cdef int _tests(self, const uint8_t *b, Py_ssize_t n, const uint64_t *hs, const uint32_t **w, const Issuer *iss) noexcept nogil:
        """:meth:`_near_exact` once :meth:`_prefetch` has run: 0 no key within one
        edit, 1 only weak ones (``iss``: keys one edit away -- never ``b`` itself --
        whose rows all have another plain issuer), 2 some other (any, ``iss`` NULL)."""
        cdef uint8_t t[ECAP + 2]
        cdef Py_ssize_t i, j, p
        cdef uint32_t c0 = _crc32(b, n)
        cdef int got = 0
        if _test(w[0], _pattern(hs[0], 0)) and self._find(b, n, c0, NULL):
            return 2  # the key itself: an exact or OCR match, whatever its issuer
        for j in range(n + 1):  # a key one longer, a byte inserted at j
            if _test(w[0], _pattern(hs[0], <uint32_t>(j + 1))):
                memcpy(t, b, j)
                t[j] = 0
                memcpy(t + j + 1, b + j, n - j)
                got |= self._any_at(t, n + 1, j, _crc32(t, n + 1), n - j, iss)
                if got & 2:
                    return 2
        for i in range(1, n + 1):
            p = i - 1  # w[i]: the block of b without byte p
            if _test(w[i], _pattern(hs[i], 0)):  # a key one shorter
                memcpy(t, b, p)
                memcpy(t + p, b + p + 1, n - p - 1)
                got |= self._find(t, n - 1, _crc32(t, n - 1), iss)
            if _test(w[i], _pattern(hs[i], <uint32_t>i)):  # a substitution at p
                memcpy(t, b, n)
                t[p] = 0
                got |= self._any_at(t, n, p, c0 ^ E[n - 1 - p][b[p]], n - 1 - p, iss)
            if i > 1 and _test(w[i], _pattern(hs[i], <uint32_t>(i - 1))):
                # a transposition of bytes p - 1 and p
                memcpy(t, b, n)
                t[p - 1] = b[p]
                t[p] = b[p - 1]
                if b[p] == b[p - 1]:  # equal bytes: the key itself
                    got |= self._find(t, n, c0, NULL)
                else:
                    got |= self._find(t, n, _crc32(t, n), iss)
            if got & 2:
                return 2
        return got

    cdef bint _passes(self, Py_ssize_t n, const uint64_t *hs, const uint32_t **w) noexcept nogil:
        """Whether any of the filter's tests of a key of ``n`` bytes passes, once
        :meth:`_prefetch` has run (:func:`_maybe`'s tests: no probe; False: no
        key within one edit)."""
        cdef Py_ssize_t i, j
        cdef uint32_t found = 0
        for j in range(n + 2):
            found |= _test(w[0], _pattern(hs[0], <uint32_t>j))
        for i in range(1, n + 1):
            found |= _test(w[i], _pattern(hs[i], 0)) | _test(w[i], _pattern(hs[i], <uint32_t>i))
            if i > 1:
                found |= _test(w[i], _pattern(hs[i], <uint32_t>(i - 1)))
        return found != 0

    cdef Py_ssize_t _rows_of(self, const uint8_t *b, Py_ssize_t n, uint32_t h, uint32_t *out, Py_ssize_t cap) noexcept nogil:
        """The rows whose key is ``b`` (CRC ``h``) into ``out``, sorted; how many,
        or -1 when more than ``cap``."""
        cdef uint32_t t, lo, hi, f, r
        cdef Py_ssize_t a, e, m = 0
        if self.nrows == 0:
            return 0
        t = h >> self.shift
        lo = self.dir[t]
        hi = self.dir[t + 1]
        f = h & 0xFFFF
        while lo < hi:
            if self.fp[lo] == f:
                r = self.rows[lo]
                a = offset_at(self.off32, self.off64, r)
                e = offset_at(self.off32, self.off64, r + 1)
                if e - a == n and memcmp(self.data + a, b, n) == 0:
                    if m >= cap:
                        return -1
                    a = m  # kept sorted whatever the entries' order (one row, mostly)
                    while a > 0 and out[a - 1] > r:
                        out[a] = out[a - 1]
                        a -= 1
                    out[a] = r
                    m += 1
            lo += 1
        return m

    def near_exact(self, bytes key):
        """True when some indexed key is within one edit of ``key`` (exact, for a
        key of at most 64 bytes; longer: :meth:`near`)."""
        cdef const uint8_t *b = key
        return self._near_exact(b, len(key))

    def near_exact_many(self, offsets, const uint8_t[::1] data, uint8_t[::1] out, int ahead=AHEAD_DEFAULT):
        """:meth:`near_exact` of every key of a string column (``offsets`` int32
        or int64, ``data``), into ``out`` (1: some key within one edit -- or a
        key over 64 bytes the filter lets through; 0: none).  Nulls are the
        caller's to mask.  ``ahead``: how many keys' filter blocks are hashed
        and prefetched before the key tested (1 to 16)."""
        cdef const int32_t *o32 = NULL
        cdef const int64_t *o64 = NULL
        cdef Py_ssize_t nr, j, a, e, s
        cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
        cdef uint8_t empty = 0
        # software pipeline: the blocks of key j + AHEAD are hashed and prefetched
        # while key j is tested, so the filter's cache misses of several keys
        # overlap (one key alone waits for its n + 1 blocks)
        cdef uint64_t hs[AHEAD][ECAP + 2]
        cdef const uint32_t *w[AHEAD][ECAP + 2]
        nr = column_offsets(offsets, &o32, &o64)
        if out.shape[0] < nr:
            raise ValueError("out is shorter than the column")
        if d == NULL:
            d = &empty
        if not 1 <= ahead <= AHEAD:
            raise ValueError(f"ahead: 1 to {AHEAD}")
        with nogil:
            for j in range(nr + ahead):
                if j >= ahead:  # key s's slot is key j's: tested before it is reused
                    s = j - ahead
                    a = offset_at(o32, o64, s)
                    e = offset_at(o32, o64, s + 1)
                    if self._exact_ok(e - a):
                        out[s] = self._tests(d + a, e - a, hs[s % ahead], w[s % ahead], NULL) != 0
                    else:
                        out[s] = self._near(d + a, e - a)
                if j < nr:
                    a = offset_at(o32, o64, j)
                    e = offset_at(o32, o64, j + 1)
                    if self._exact_ok(e - a):
                        self._prefetch(d + a, e - a, hs[j % ahead], w[j % ahead])

    def near(self, bytes key):
        """False when no indexed key is within one edit of ``key`` (True: maybe)."""
        cdef const uint8_t *b = key
        return self._near(b, len(key))

    def contains(self, bytes key):
        """True when some row has exactly this key."""
        cdef const uint8_t *b = key
        return self._contains(b, len(key), _crc32(b, len(key)))


cdef class Bound:
    """One state's context, as :meth:`DocumentMiss.check` uses it: made whole
    before it is published (one attribute, :attr:`DocumentMiss.cur`) and read
    through a local, so that a thread switch inside a check (a Python call: the
    hit's shape, a record reader) can never leave a check reading another
    state's probes, columns or data version (two Hotlists, or the state a delta
    replaced, checked from several threads)."""

    cdef object state_ref
    cdef PyObject *state_ptr
    cdef unsigned int gen  # the _generation the probes were bound at
    cdef Probe dp, pp
    cdef object searched, notes, version
    cdef object code_of, keep_codes
    cdef const int32_t *codes
    cdef const uint8_t *plain
    cdef DocumentHits hits  # this state's own (None: the caller makes hits)


cdef class DocumentMiss:
    """check()'s miss test for a document number, in one call (see :meth:`miss`)."""

    cdef uint8_t cmap[256]
    cdef uint8_t omap[256]
    cdef uint8_t drop[256]
    cdef Py_ssize_t maxlen
    cdef Py_ssize_t limit
    # check(): what configure() gave, and the context of the last state seen
    cdef object issuers, context
    cdef Results results
    cdef object d_limit, d_min_score, d_edits, d_no_edits
    cdef bint weak
    cdef object unknown
    cdef DocumentHits hits  # configured, bound to nothing: each Bound gets a fresh one
    cdef Bound cur  # the last state's context

    def __init__(self, bytes compact_map, bytes ocr_map, bytes delete, Py_ssize_t max_length, Py_ssize_t limit):
        cdef int i
        if len(compact_map) != 256 or len(ocr_map) != 256 or max_length > QMAX:
            raise ValueError("translate tables of 256 bytes and a key of at most 256 bytes")
        for i in range(256):
            self.cmap[i] = compact_map[i]
            self.omap[i] = ocr_map[i]
            self.drop[i] = 0
        for i in range(len(delete)):
            self.drop[<uint8_t>delete[i]] = 1
        self.maxlen = max_length
        self.limit = limit

    def key(self, document):
        """The OCR key :meth:`miss` probes for ``document`` (None: not a plain number)."""
        cdef uint8_t buf[QMAX]
        cdef Py_ssize_t n = self._key(document, buf)
        if n < 0:
            return None
        return (<char *>buf)[:n].decode("ascii")

    cdef Py_ssize_t _key(self, object document, uint8_t *out):
        """``docnum.plain_keys(document)[1]`` into ``out``; -1 when it is None."""
        cdef const uint8_t *p
        cdef Py_ssize_t n
        if type(document) is not str or not HLP_IS_ASCII(document):
            return -1
        n = PyUnicode_GET_LENGTH(document)
        if n > self.limit:
            return -1
        p = HLP_DATA(document)
        return plain_key(p, 0, n, self.drop, self.cmap, self.omap, self.maxlen, out)

    def miss(self, document, documents, persons, bint tolerant):
        """True when ``document`` is a plain number (``docnum.plain_keys``) whose
        OCR key no listed document is within the tolerance of (one edit when
        ``tolerant``, by the pre-filter; else equal) and no wanted person lists
        (equal); False when that cannot be told here (the caller searches).
        ``documents`` and ``persons``: the two KeyIndexes (the documents' probe
        is made on first use, with its pre-filter; the persons' is exact only)."""
        cdef uint8_t buf[QMAX]
        cdef Py_ssize_t n = self._key(document, buf)
        cdef uint32_t h
        cdef Probe dp, pp
        if n < 0:
            return False
        dp = documents._probe
        if dp is None:
            dp = documents.probe()
        pp = persons.exact_probe()  # whole numbers only: no pre-filter needed
        h = _crc32(buf, n)
        if pp.nrows:
            HLP_PREFETCH(pp.dir + (h >> pp.shift))
        if tolerant:
            if dp._near_exact(buf, n):
                return False
        elif dp._contains(buf, n, h):
            return False
        return not pp._contains(buf, n, h)

    def configure(self, result_cls, dict issuers, context, defaults, bint weak=False, unknown=frozenset(), DocumentHits hits=None):
        """Set up :meth:`check`: the result class (made with ``object.__new__``,
        its six slots set), the dict of country texts already read (a country
        not in it: None, the caller reads it), ``context(state)`` giving
        ``(documents index, persons index, searched, notes, data_version)``
        (asked once per state) and the default ``(limit, min_score, max_edits,
        no_edits)`` objects (compared by identity, as check_options does).
        ``weak``: a one-edit neighbour whose rows all have another issuer, listed
        and not in ``unknown`` (nor the asked one in it), scores below the default
        min_score -- the context then also gives ``(codes, code_of, plain)``: each
        row's issuer code (int32, -1 none), the code of each issuer, and per
        code 1 for a plain issuer (named, not unknown).  ``hits``: a
        :class:`DocumentHits` that makes a hit's result here too (the context's
        ninth item is what it binds to, ``hotlist._query._hit_context``)."""
        self.results = Results(result_cls)
        self.issuers = issuers
        self.context = context
        self.d_limit, self.d_min_score, self.d_edits, self.d_no_edits = defaults
        self.weak = weak
        self.unknown = unknown
        self.hits = hits
        self.cur = None

    cdef Bound _bind(self, object state):
        """The context of ``state`` (made once per state: its probes, the
        coverage and the data version); a weak reference tells a new state, and
        :func:`filters_changed` a probe that gained its filter (made again).
        Made whole in a new :class:`Bound` and published in one assignment: a
        check uses only the one it got."""
        cdef Bound b = self.cur
        if (
            b is not None
            and b.state_ptr == <PyObject *>state
            and b.gen == _generation
            and b.state_ref is not None
            and PyWeakref_GetObject(b.state_ref) == <PyObject *>state
        ):
            return b
        cdef const int32_t[::1] codes
        cdef const uint8_t[::1] plain
        b = Bound.__new__(Bound)
        b.gen = _generation  # read first: a build ending now binds again
        ctx = self.context(state)
        documents, persons, searched, notes, version = ctx[:5]
        if self.weak:
            codes, b.code_of, plain = ctx[5:8]
            b.keep_codes = (ctx[5], ctx[7])
            b.codes = &codes[0] if codes.shape[0] else NULL
            b.plain = &plain[0] if plain.shape[0] else NULL
        b.dp = documents._probe if documents._probe is not None else documents.probe()
        b.pp = persons.exact_probe()  # whole numbers only: no pre-filter needed
        b.searched, b.notes, b.version = searched, list(notes), version
        if self.hits is not None:
            b.hits = self.hits.fresh()
            b.hits.bind(ctx[8] if len(ctx) > 8 else None)
        try:
            # released when the state goes, so that a replaced or dropped state's
            # index arrays (the probes hold them) do not outlive it here
            b.state_ref = weakref.ref(state, self._release)
            b.state_ptr = <PyObject *>state
        except TypeError:  # no weak reference: made every time
            b.state_ref = None
            b.state_ptr = NULL
        self.cur = b
        return b

    def _release(self, ref):
        """The bound state is gone: drop its context (a state bound since has
        its own, and keeps it)."""
        cdef Bound b = self.cur
        if b is not None and b.state_ref is ref:
            self.cur = None

    def check(self, state, document, country, document_type, limit, min_score, max_edits, name_threshold):
        """``document_check``'s answer when it is a miss told here (a plain number,
        the default options or max_edits=0, no document type, a country already
        read, nothing listed within the tolerance): a new result, as check()
        gives it; None when the caller must do the work."""
        cdef uint8_t buf[QMAX]
        cdef Py_ssize_t n
        cdef bint tolerant
        cdef int t
        cdef uint32_t h
        cdef uint64_t hs[ECAP + 2]
        cdef const uint32_t *w[ECAP + 2]
        cdef Probe dp
        cdef Issuer iss
        cdef int got
        cdef Bound b
        cdef bint hits
        cdef uint32_t rows[HITS_MAX]
        cdef Py_ssize_t nf
        if (
            document_type is not None
            or name_threshold is not None
            or limit is not self.d_limit
            or min_score is not self.d_min_score
        ):
            return None
        t = tolerance(max_edits, self.d_edits, self.d_no_edits)
        if t < 0:
            return None
        tolerant = t == 1
        if country is not None and (type(country) is not str or country not in self.issuers):
            return None
        n = self._key(document, buf)
        if n < 0:
            return None
        b = self._bind(state)
        h = _crc32(buf, n)
        if b.pp.nrows:
            HLP_PREFETCH(b.pp.dir + (h >> b.pp.shift))
        dp = b.dp
        hits = b.hits is not None and b.hits.ready()
        if tolerant and dp._exact_ok(n):
            dp._prefetch(buf, n, hs, w)
            # made while the filter's blocks come in (a miss is the commonest answer)
            query = {"document": document} if country is None else {"document": document, "country": country}
            if hits:
                # the hit made here: the search itself tells whether any key is
                # within one edit (the filter's tests first: the commonest miss
                # passes none, and reads nothing more)
                if dp._passes(n, hs, w):
                    nf = b.hits.within(dp, buf, n, rows)
                    if nf < 0:
                        return None  # more rows than a hit made here holds
                    if nf and self._strong(b, rows, nf, buf, n, country):
                        return self._hit(b, rows, nf, buf, n, h, document, country, query)
            else:
                got = dp._tests(buf, n, hs, w, NULL)
                if got:  # some key within one edit (the commonest miss has none)
                    if not self.weak or country is None or b.codes == NULL or b.plain == NULL:
                        return None
                    asked = self.issuers[country]
                    if asked in self.unknown:
                        return None
                    # a one-edit neighbour of another plain issuer scores below the
                    # default min_score: such neighbours alone are still a miss
                    iss.codes = b.codes
                    iss.plain = b.plain
                    iss.asked = b.code_of.get(asked, -2)
                    if dp._tests(buf, n, hs, w, &iss) == 2:
                        return None
        else:
            if tolerant:
                if dp._near(buf, n):
                    return None
            elif hits:
                nf = dp._rows_of(buf, n, h, rows, HITS_MAX)
                if nf < 0:
                    return None
                if nf:  # max_edits=0: the rows of this very key
                    query = {"document": document} if country is None else {"document": document, "country": country}
                    return self._hit(b, rows, nf, buf, n, h, document, country, query)
            elif dp._contains(buf, n, h):
                return None
            query = {"document": document} if country is None else {"document": document, "country": country}
        if b.pp._contains(buf, n, h):
            return None
        return self.results.miss(list(b.notes), query, b.version, b.searched)

    cdef bint _strong(self, Bound b, const uint32_t *rows, Py_ssize_t nf, const uint8_t *buf, Py_ssize_t n,
                      object country):
        """Whether some of the rows within one edit can be a hit at the default
        min_score: not when all are one edit away (not the key itself) and of
        another plain issuer than the one asked (see ``weak`` in
        :meth:`configure`: ``_tests`` with an :class:`Issuer` tells the same)."""
        cdef Py_ssize_t i, a, e
        cdef uint32_t r
        cdef int32_t code, code_asked
        cdef Probe dp = b.dp
        if not self.weak or country is None or b.codes == NULL or b.plain == NULL:
            return True
        asked = self.issuers[country]
        if asked in self.unknown:
            return True
        code_asked = b.code_of.get(asked, -2)
        for i in range(nf):
            r = rows[i]
            a = offset_at(dp.off32, dp.off64, r)
            e = offset_at(dp.off32, dp.off64, r + 1)
            if e - a == n and memcmp(dp.data + a, buf, n) == 0:
                return True  # the key itself: an exact or OCR match, whatever its issuer
            code = b.codes[r]
            if code < 0 or not b.plain[code] or code == code_asked:
                return True
        return False

    cdef object _hit(self, Bound b, const uint32_t *rows, Py_ssize_t nf, const uint8_t *buf, Py_ssize_t n,
                     uint32_t h, object document, object country, dict query):
        """:meth:`check`'s answer when listed keys are within the tolerance (the
        default options, or max_edits=0): the hit made by :class:`DocumentHits`
        from their rows, or None (the caller searches) -- also when a wanted
        person lists the number (both kinds' candidates are ranked together
        there)."""
        if b.pp._contains(buf, n, h):
            return None
        return b.hits.answer(
            rows, nf, buf, n, document, None if country is None else self.issuers[country],
            self.results, list(b.notes), query, b.version, b.searched,
            self.d_limit, self.d_min_score,
        )


cdef class Results:
    """Makes a miss's result: ``cls`` (CheckResult) made as ``object.__new__``
    makes it, its six slots set -- written in place when they are plain
    ``__slots__`` members of a class that defines neither ``__setattr__`` nor
    ``__new__``, else set as attributes."""

    def __init__(self, cls):
        self.cls = cls
        self.new = object.__new__
        names = ("hits", "warnings", "query", "data_version", "searched", "omitted")
        self.direct = cls.__setattr__ is object.__setattr__ and cls.__new__ is object.__new__
        for i, name in enumerate(names):
            self.off[i] = hlp_slot_offset(cls.__dict__.get(name))
            self.direct = self.direct and self.off[i] >= 0

    cdef object miss(self, list warnings, dict query, object version, object searched):
        """A result with no hit: ``warnings``, ``query``, ``version``, ``searched``."""
        if not self.direct:
            r = self.new(self.cls)
            r.hits = []
            r.warnings = warnings
            r.query = query
            r.data_version = version
            r.searched = searched
            r.omitted = 0
            return r
        o = hlp_alloc(self.cls)
        hlp_put(o, self.off[0], [])
        hlp_put(o, self.off[1], warnings)
        hlp_put(o, self.off[2], query)
        hlp_put(o, self.off[3], version)
        hlp_put(o, self.off[4], searched)
        hlp_put(o, self.off[5], 0)
        return o


include "_document_hits.pxi"
