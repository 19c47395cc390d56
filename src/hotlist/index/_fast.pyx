# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled one-edit search over a :class:`~hotlist.index.KeyIndex` (optional).

The same search as ``KeyIndex._within_one_edit_py`` (the pure reference, kept
and property-tested equal): hash every one-edit variant of the query that can
be an indexed key with the CRC-32 edit recurrences, probe the hash directory,
verify each fingerprint match against the stored key (OSA distance <= 1).
Here the variants are never materialised as Python objects: three passes over
a C buffer (hash + prefetch the directory entry, read the slot bounds +
prefetch the fingerprints, scan), so the ~100-400 random memory reads of a
search overlap instead of queueing one after another.

Guided by the miss pre-filter (``hotlist.index._prefilter``) when the index's
probe holds it: a key within one edit of the query set, in the filter, a member
the query tests (the pre-filter's proof), so only the edit places whose test
passes are enumerated -- an insertion or substitution at a place, a deletion, a
transposition, the query itself -- and each substitution or insertion variant is
asked the filter once more (its own member ``(key, tag 0)``: one cache line)
before its directory entry and fingerprints are read.  A listed number (a hit)
passes only its own substitution places, so ~280 directory probes become ~210
single filter reads and a handful of probes; the rows are the same (no key
within one edit is ever skipped: the filter has no false "no").

Built by ``pip install .`` when Cython and a C compiler are there; when the
extension is missing ``hotlist.index`` falls back to the pure-Python search
(same answers, ~20x slower).
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, int32_t, int64_t, uint64_t
from libc.stdlib cimport malloc, free
from libc.string cimport memcmp, memcpy, memmove
from cpython.pycapsule cimport PyCapsule_New

from hotlist.index._columns cimport offset_at
from hotlist.index._prefilter_kernel cimport Probe, _block, _fmix, _pattern, _test

from threading import Thread

import numpy as np

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define HL_PREFETCH(p) __builtin_prefetch((const void *)(p))
    #define HL_CTZ64(x) __builtin_ctzll(x)
    #else
    #define HL_PREFETCH(p) ((void)0)
    static int HL_CTZ64(unsigned long long x) { int n = 0; while (!(x & 1ULL)) { x >>= 1; n++; } return n; }
    #endif
    """
    void HL_PREFETCH(const void *p) nogil


cdef extern from *:
    """
    #include <stdlib.h>
    #include <string.h>
    #if defined(__linux__)
    #include <sys/mman.h>
    #endif
    /* n zeroed bytes (free() them); from 8 MiB on, 2 MiB aligned and advised
       huge pages where Linux offers them (random reads: one TLB entry per 2 MiB) */
    static void *hl_zeroed(size_t n) {
    #if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (n >= ((size_t)8 << 20)) {
            void *p = NULL;
            if (posix_memalign(&p, (size_t)2 << 20, n) == 0) {
                madvise(p, n, MADV_HUGEPAGE);  /* refused: 4 KiB pages, the same bits */
                memset(p, 0, n);
                return p;
            }
        }
    #endif
        return calloc(n, 1);
    }
    """
    void *hl_zeroed(size_t n) nogil
    int HL_CTZ64(uint64_t x) nogil
    int __builtin_popcountll(unsigned long long x) nogil


cdef enum:
    GUIDED_MAX = 64  # longest query the guided search takes (longer: every variant)
    STACK_V = 2048  # variants a search's scratch holds on the stack (more: malloc)
    ROWS_STACK = 64  # rows search() collects in C before a Python list

# Indexes of at least this many keys get the key bits (OneEdit._key_bits); a
# smaller index's pre-filter is small enough to stay cached.
KEY_BITS_FROM = 1 << 16


cdef uint32_t CRC[256]
cdef void _init_crc() noexcept nogil:
    cdef uint32_t c
    cdef int i, k
    for i in range(256):
        c = <uint32_t>i
        for k in range(8):
            if c & 1:
                c = (c >> 1) ^ 0xEDB88320u
            else:
                c = c >> 1
        CRC[i] = c
_init_crc()


cdef inline uint32_t _crc32(const uint8_t *p, Py_ssize_t n) noexcept nogil:
    cdef uint32_t c = 0xFFFFFFFFu
    cdef Py_ssize_t i
    for i in range(n):
        c = CRC[(c ^ p[i]) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFFu


cdef inline bint _osa1(const uint8_t *a, Py_ssize_t la, const uint8_t *b, Py_ssize_t lb) noexcept nogil:
    """OSA distance <= 1."""
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t d = la - lb
    if d == 0:
        while i < la and a[i] == b[i]:
            i += 1
        if i >= la - 1:
            return True
        if memcmp(a + i + 1, b + i + 1, la - i - 1) == 0:
            return True  # substitution
        return a[i] == b[i + 1] and a[i + 1] == b[i] and (
            la - i - 2 <= 0 or memcmp(a + i + 2, b + i + 2, la - i - 2) == 0
        )
    if d == 1 or d == -1:
        if d == -1:
            a, b = b, a
            la, lb = lb, la
        # a is one longer: skip one byte of a
        while i < lb and a[i] == b[i]:
            i += 1
        return memcmp(a + i + 1, b + i, lb - i) == 0
    return False


cdef inline uint64_t _kb_bits(uint64_t g) noexcept nogil:
    """The three bits of a key's word in the key bits (from its mixed CRC ``g``)."""
    return ((<uint64_t>1) << (g & 63)) | ((<uint64_t>1) << ((g >> 6) & 63)) | ((<uint64_t>1) << ((g >> 12) & 63))


cdef inline uint64_t _kb_word(uint64_t g, uint64_t mask) noexcept nogil:
    return (g >> 32) & mask


cdef enum:
    KB_BATCH = 64  # key bits set per batch (their words prefetched first)


cdef inline void _kb_flush(uint64_t *kb, uint64_t mask, const uint64_t *gs, Py_ssize_t nb) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(nb):
        kb[_kb_word(gs[i], mask)] |= _kb_bits(gs[i])


cdef inline Py_ssize_t _kb_push(uint64_t *kb, uint64_t mask, uint64_t *gs, Py_ssize_t nb, uint64_t g) noexcept nogil:
    """Queue key ``g`` (its word prefetched); a full batch is set at once: the
    batch's new length."""
    HL_PREFETCH(kb + _kb_word(g, mask))
    gs[nb] = g
    nb += 1
    if nb == KB_BATCH:
        _kb_flush(kb, mask, gs, nb)
        return 0
    return nb


# The place bits: for each key k, each place p, member (k with byte p zeroed, its
# length, p) -> byte k[p]: a line of 512 bits chosen by the member, two bits in it
# by the byte.  A query's substitutions at p all share that line (one cache line
# for ~20 variants, instead of ~20 random words of the key bits).
PLACE_BITS = 6  # bits a member (~8 % false "maybe" per byte tested)


cdef inline uint64_t _pb_hash(uint32_t masked, Py_ssize_t n, Py_ssize_t p) noexcept nogil:
    """The hash of member (the key's CRC with byte ``p`` zeroed, length ``n``, ``p``)."""
    return _fmix(masked, (n << 8) | p)


cdef inline uint64_t _pb_line(uint64_t g, uint64_t nlines) noexcept nogil:
    return ((g >> 32) * nlines) >> 32


cdef inline uint64_t _pb_mix(uint64_t g, uint8_t c) noexcept nogil:
    """Two bit places (9 bits each, bits 55-63 and 46-54) of byte ``c`` in member ``g``'s line."""
    return ((g & 0xFFFFFFFFu) ^ ((<uint64_t>c + 1) * 0x9E3779B97F4A7C15ULL)) * 0xff51afd7ed558ccdULL


cdef inline bint _pb_test(const uint64_t *line, uint64_t g, uint8_t c) noexcept nogil:
    cdef uint64_t h = _pb_mix(g, c)
    cdef uint64_t a = h >> 55, b = (h >> 46) & 511
    return ((line[a >> 6] >> (a & 63)) & (line[b >> 6] >> (b & 63)) & 1) != 0


cdef inline void _pb_set(uint64_t *line, uint64_t g, uint8_t c) noexcept nogil:
    cdef uint64_t h = _pb_mix(g, c)
    cdef uint64_t a = h >> 55, b = (h >> 46) & 511
    line[a >> 6] |= (<uint64_t>1) << (a & 63)
    line[b >> 6] |= (<uint64_t>1) << (b & 63)


cdef inline void _pb_flush(uint64_t *pb, uint64_t nl, const uint64_t *gs, const uint8_t *cs, Py_ssize_t nb) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(nb):
        _pb_set(pb + 8 * _pb_line(gs[i], nl), gs[i], cs[i])


cdef class OneEdit:
    """The compiled search, bound to one KeyIndex's arrays (kept alive here)."""

    cdef object _keep
    cdef const uint32_t *dir
    cdef const uint16_t *fp
    cdef const uint32_t *rows
    cdef const int32_t *off32
    cdef const int64_t *off64
    cdef const uint8_t *data
    cdef const uint8_t *posal
    cdef Py_ssize_t cap
    cdef Py_ssize_t maxlen
    cdef int shift
    cdef Py_ssize_t nrows
    cdef uint8_t alpha[256]
    cdef int nalpha
    cdef Py_ssize_t widest  # the most bytes _bytes_at can give for one place
    cdef uint32_t *E  # (maxlen + 3) x 256
    # the key bits (see _key_bits): kb NULL until made (or not made: kb_tried)
    cdef uint64_t *kb
    cdef uint64_t kmask
    cdef bint kb_tried
    cdef uint64_t *pb  # the place bits (made with the key bits; NULL: none)
    cdef uint64_t nlines
    cdef Py_ssize_t ncol  # the key column's rows (indexed or not)
    cdef object _seed  # (the index a delta merged this one from, new rows, deleted): see seed_bits
    cdef Py_ssize_t stale  # keys deleted since the bits were last made whole (their bits stay)

    def __cinit__(self):
        self.E = NULL
        self.kb = NULL
        self.pb = NULL

    def __init__(self, directory, fp, rows, offsets, data, alphabet, position_alphabet,
                 Py_ssize_t max_length, int shift):
        cdef const uint32_t[::1] d_ = directory
        cdef const uint16_t[::1] f_ = fp
        cdef const uint32_t[::1] r_ = rows
        cdef const uint8_t[::1] data_
        cdef const uint8_t[::1] a_ = alphabet
        cdef const int32_t[::1] o32
        cdef const int64_t[::1] o64
        cdef const uint8_t[:, :, ::1] p_
        cdef Py_ssize_t k, x
        self._keep = (directory, fp, rows, offsets, data, alphabet, position_alphabet)
        self.dir = &d_[0]
        self.fp = &f_[0] if f_.shape[0] else NULL
        self.rows = &r_[0] if r_.shape[0] else NULL
        self.nrows = r_.shape[0]
        self.ncol = len(offsets) - 1
        if len(data):
            data_ = data
            self.data = &data_[0]
        else:
            self.data = NULL
        self.off32 = NULL
        self.off64 = NULL
        if offsets.dtype == np.int32:
            o32 = offsets
            self.off32 = &o32[0]
        else:
            o64 = offsets
            self.off64 = &o64[0]
        self.nalpha = a_.shape[0]
        for k in range(self.nalpha):
            self.alpha[k] = a_[k]
        self.posal = NULL
        self.cap = -1
        if position_alphabet is not None:
            p_ = position_alphabet
            self.posal = &p_[0, 0, 0]
            self.cap = p_.shape[0] - 1
        self.maxlen = max_length
        self.shift = shift
        self.widest = max(self.nalpha, self._widest_place())
        self.E = <uint32_t *> malloc((max_length + 3) * 256 * sizeof(uint32_t))
        if self.E == NULL:
            raise MemoryError()
        for x in range(256):
            self.E[x] = CRC[x]
        for k in range(1, max_length + 3):
            for x in range(256):
                self.E[k * 256 + x] = CRC[self.E[(k - 1) * 256 + x] & 0xFF] ^ (self.E[(k - 1) * 256 + x] >> 8)

    def __dealloc__(self):
        if self.E != NULL:
            free(self.E)
        if self.kb != NULL:
            free(self.kb)
        if self.pb != NULL:
            free(self.pb)

    cdef Py_ssize_t _widest_place(self) noexcept nogil:
        """The most bytes the position alphabet holds for one (length, place)."""
        cdef Py_ssize_t x, j, c, most = 0
        cdef const uint8_t *bits
        if self.posal == NULL:
            return 0
        for x in range((self.cap + 1) * (self.cap + 1)):
            bits = self.posal + x * 32
            c = 0
            for j in range(32):
                c += __builtin_popcountll(bits[j])
            most = max(most, c)
        return most

    cdef inline bint _has_length(self, Py_ssize_t m) noexcept nogil:
        if m < 0 or m > self.maxlen:
            return False
        if self.posal == NULL or m > self.cap:
            return True
        return (self.posal[(m * (self.cap + 1) + m) * 32] & 1) != 0

    cdef inline int _bytes_at(self, Py_ssize_t m, Py_ssize_t i, uint8_t *out) noexcept nogil:
        """Bytes found at position i of keys of length m (the global alphabet past cap)."""
        cdef const uint8_t *bits
        cdef uint64_t w
        cdef int j, k = 0
        if self.posal == NULL or m > self.cap:
            for j in range(self.nalpha):
                out[j] = self.alpha[j]
            return self.nalpha
        bits = self.posal + (m * (self.cap + 1) + i) * 32
        for j in range(4):
            w = (
                <uint64_t>bits[8 * j] | (<uint64_t>bits[8 * j + 1] << 8)
                | (<uint64_t>bits[8 * j + 2] << 16) | (<uint64_t>bits[8 * j + 3] << 24)
                | (<uint64_t>bits[8 * j + 4] << 32) | (<uint64_t>bits[8 * j + 5] << 40)
                | (<uint64_t>bits[8 * j + 6] << 48) | (<uint64_t>bits[8 * j + 7] << 56))
            while w:
                out[k] = <uint8_t>(64 * j + HL_CTZ64(w))
                k += 1
                w &= w - 1
        return k

    cdef int _key_bits(self) except -1:
        """Make the key bits: a blocked Bloom filter of every indexed key's CRC-32
        (three bits of one 64-bit word, from ``_fmix`` of the CRC; 8 to 16 bits
        a key), from the index's own arrays -- the directory slot and the
        fingerprint are the whole CRC when the directory has at least 2**16
        slots, else each key is hashed.  The guided search asks it whether a
        substitution or insertion variant can be a key, instead of the
        pre-filter's member of the variant: 16 MB at 10 M keys (mostly cached)
        against a line of the ~150 MB filter (a cache miss), ~210 times for a
        listed number.  A Bloom filter has no false "no": the same rows."""
        cdef uint64_t nw = 8, mask, g
        cdef Py_ssize_t t, nslots, ln, nb = 0
        cdef uint32_t lo, hi, low
        cdef uint64_t *kb
        cdef const uint8_t *kp
        cdef uint64_t gs[KB_BATCH]
        cdef uint64_t *pb
        cdef uint64_t nlines = 0
        cdef OneEdit old = None
        cdef const int64_t[::1] added
        cdef const int64_t *add = NULL
        cdef Py_ssize_t nadd = 0, j
        seed, self._seed = self._seed, None
        self.kb_tried = True
        if self.nrows == 0:
            return 0
        while nw * 8 < <uint64_t>self.nrows:
            nw *= 2
        if seed is not None:
            old, added, deleted = seed
            if (
                old.kb != NULL and old.pb != NULL and old.kmask + 1 == nw
                and (old.stale + deleted) * 8 <= self.nrows
            ):
                self.stale = old.stale + deleted
                nadd = added.shape[0]
                add = &added[0] if nadd else NULL
            else:
                old = None  # bits of another size, or too many deleted keys': made whole
        kb = <uint64_t *> hl_zeroed(nw * sizeof(uint64_t))
        if kb == NULL:
            raise MemoryError()
        mask = nw - 1
        with nogil:
            # each batch's words prefetched before any is set (random writes)
            if old is not None:
                # the old index's bits (its deleted keys' too: only a "maybe"
                # more) and the keys the delta added
                memcpy(kb, old.kb, nw * sizeof(uint64_t))
                for j in range(nadd):
                    kp = self._key(<uint32_t>add[j], &ln)
                    nb = _kb_push(kb, mask, gs, nb, _fmix(_crc32(kp, ln), 0))
            elif self.shift <= 16:
                low = ((<uint32_t>1) << self.shift) - 1
                nslots = (<Py_ssize_t>1) << (32 - self.shift)
                for t in range(nslots):
                    lo = self.dir[t]
                    hi = self.dir[t + 1]
                    while lo < hi:
                        g = _fmix((<uint32_t>t << self.shift) | (self.fp[lo] & low), 0)
                        nb = _kb_push(kb, mask, gs, nb, g)
                        lo += 1
            else:
                for t in range(self.nrows):
                    kp = self._key(self.rows[t], &ln)
                    nb = _kb_push(kb, mask, gs, nb, _fmix(_crc32(kp, ln), 0))
            _kb_flush(kb, mask, gs, nb)
        if old is not None:
            pb = self._place_bits(&nlines, old.pb, old.nlines, add, nadd)
        else:
            pb = self._place_bits(&nlines, NULL, 0, NULL, 0)
        # published under the GIL, which every search holds while it reads them
        if self.kb != NULL:  # made meanwhile by another thread: theirs stays
            free(kb)
            free(pb)
            return 0
        self.nlines = nlines
        self.pb = pb
        self.kmask = mask
        self.kb = kb
        return 0

    cdef uint64_t *_place_bits(self, uint64_t *nlines, const uint64_t *old, uint64_t old_lines,
                               const int64_t *add, Py_ssize_t nadd) except? NULL:
        """Make the place bits (see PLACE_BITS) of every key of the column, in one
        pass over it (a null's bytes, if any, add members: only more "maybe"s);
        NULL when there is no key to add (or none the guided search takes).
        ``old``: the bits of the index a delta merged this one from
        (``old_lines`` lines), copied, and then only the rows ``add`` added."""
        cdef Py_ssize_t r, j, p, ln, nb = 0, nr = self.ncol
        cdef const uint8_t *kp
        cdef uint64_t total, nl, g
        cdef uint32_t c0
        cdef uint64_t *pb
        cdef uint64_t gs[KB_BATCH]
        cdef uint8_t cs[KB_BATCH]
        cdef const uint32_t *E = self.E
        if self.ncol <= 0:
            return NULL
        if old != NULL:
            nl = old_lines
            nr = nadd
        else:
            total = <uint64_t>(offset_at(self.off32, self.off64, self.ncol) - offset_at(self.off32, self.off64, 0))
            nl = (total * PLACE_BITS + 511) // 512
        if nl == 0:
            return NULL
        pb = <uint64_t *> hl_zeroed(nl * 64)
        if pb == NULL:
            raise MemoryError()
        with nogil:
            if old != NULL:
                memcpy(pb, old, nl * 64)
            for j in range(nr):
                r = add[j] if old != NULL else j
                kp = self._key(<uint32_t>r, &ln)
                if ln == 0 or ln > GUIDED_MAX or ln > self.maxlen:
                    continue
                c0 = _crc32(kp, ln)
                for p in range(ln):
                    g = _pb_hash(c0 ^ E[(ln - 1 - p) * 256 + kp[p]], ln, p)
                    HL_PREFETCH(pb + 8 * _pb_line(g, nl))
                    gs[nb] = g
                    cs[nb] = kp[p]
                    nb += 1
                    if nb == KB_BATCH:
                        _pb_flush(pb, nl, gs, cs, nb)
                        nb = 0
            _pb_flush(pb, nl, gs, cs, nb)
        nlines[0] = nl
        return pb

    def _key_bits_now(self):
        self._key_bits()

    def seed_bits(self, OneEdit old, added, Py_ssize_t deleted, bint background=True):
        """This index is ``old``'s merged by a delta (``added``: the rows of the
        keys it added; ``deleted``: how many keys it deleted): its key and place
        bits are made now (in a background thread, the GIL let go) from
        ``old``'s -- copied, the added keys set -- instead of from every key on
        its first search, when ``old`` has them, of the same size, and the keys
        deleted since they were last made whole stay under an eighth (a deleted
        key's bits only make a "maybe" more: the same rows).  ``old`` is kept
        only until then."""
        if self.kb_tried or old.kb == NULL:
            return
        self._seed = (old, np.ascontiguousarray(added, dtype=np.int64), deleted)
        self.kb_tried = True
        if background:
            Thread(target=self._key_bits_now, name="hotlist-keybits", daemon=True).start()
        else:
            self._key_bits()

    def make_key_bits(self):
        """Make the key bits now, whatever the index's size (the search makes them
        itself, on its first guided search, for :data:`KEY_BITS_FROM` keys or more)."""
        if self.kb == NULL:
            self._key_bits()

    @property
    def rows_entry(self):
        """:data:`ROWS_ENTRY`: the search as a C function (a capsule)."""
        return ROWS_ENTRY

    @property
    def stale_keys(self):
        """Keys deleted by deltas whose bits stay set (see :meth:`seed_bits`)."""
        return self.stale

    @property
    def has_key_bits(self):
        """Whether the key bits are made (see :meth:`make_key_bits`)."""
        return self.kb != NULL

    cdef inline const uint8_t *_key(self, uint32_t r, Py_ssize_t *length) noexcept nogil:
        cdef int64_t a, e
        if self.off32 != NULL:
            a = self.off32[r]
            e = self.off32[r + 1]
        else:
            a = self.off64[r]
            e = self.off64[r + 1]
        length[0] = e - a
        return self.data + a

    def search(self, bytes key, Probe probe=None):
        """Rows within one edit of ``key`` (a sorted list; empty on a miss).
        ``probe``: this index's miss probe (``KeyIndex.probe()``); when it holds
        the pre-filter, only the variants whose filter bits are set are probed
        (the same rows, fewer memory reads: see the module docstring)."""
        cdef uint32_t out[ROWS_STACK]
        cdef list spill = []
        cdef Py_ssize_t nf, i
        if probe is not None and probe.words != NULL:
            nf = self._rows(key, len(key), probe.words, probe.nblocks, out, ROWS_STACK, spill)
        else:
            nf = self._rows(key, len(key), NULL, 0, out, ROWS_STACK, spill)
        found = [out[i] for i in range(min(nf, ROWS_STACK))]
        if spill:
            found.extend(spill)
        if len(found) > 1:
            found = sorted(set(found))
        return found

    cdef Py_ssize_t _rows(self, const uint8_t *b, Py_ssize_t n, const uint32_t *words, uint64_t nblocks,
                          uint32_t *out, Py_ssize_t cap, list spill) except -2:
        """The search (guided when ``words``, the pre-filter, is given): the rows
        found, in ``out`` (room for ``cap``) and then in ``spill`` (None: not
        kept); the number found, a row counted once per variant that finds it
        (one edit found two ways: a transposition of equal bytes is the key).
        Its scratch on the stack for the common query (a hit's call allocates
        nothing); under the GIL, which starts the key bits' build."""
        cdef Py_ssize_t cap_v
        cdef uint64_t stack[STACK_V * 3]  # hs, los, his, sec (uint32) and h64 (uint64)
        cdef uint32_t *hs
        cdef bint subs, ins, dels, guided
        cdef Py_ssize_t nv, total
        if n > self.maxlen + 1 or self.nrows == 0:
            return 0
        subs = self._has_length(n)
        ins = self._has_length(n + 1)
        dels = n > 0 and self._has_length(n - 1)
        guided = words != NULL and 0 < n <= GUIDED_MAX
        # every byte of a place at most once (_bytes_at gives at most ``widest``)
        cap_v = (n * self.widest if subs else 0) + ((n + 1) * self.widest if ins else 0) + 2 * n + 2
        if cap_v <= STACK_V:
            hs = <uint32_t *> stack
        else:
            hs = <uint32_t *> malloc(cap_v * (4 * sizeof(uint32_t) + sizeof(uint64_t)))
            if hs == NULL:
                raise MemoryError()
        if guided and not self.kb_tried and self.nrows >= KEY_BITS_FROM:
            # made once, in the background (~0.1 s CPU at 10 M keys, the GIL let
            # go): until then the pre-filter's members answer (the same rows)
            self.kb_tried = True
            Thread(target=self._key_bits_now, name="hotlist-keybits", daemon=True).start()
        if guided:
            nv = self._guided(b, n, words, nblocks, subs, ins, dels, hs, hs + 3 * cap_v,
                              <uint64_t *> (hs + 4 * cap_v))
        else:
            nv = self._variants(b, n, subs, ins, dels, hs)
        total = self._probe_all(hs, nv, b, n, hs + cap_v, hs + 2 * cap_v, out, cap, spill)
        if hs != <uint32_t *> stack:
            free(hs)
        return total

    cdef Py_ssize_t _probe_all(self, const uint32_t *hs, Py_ssize_t nv, const uint8_t *b, Py_ssize_t n,
                               uint32_t *los, uint32_t *his, uint32_t *out, Py_ssize_t cap,
                               list spill) except -2:
        """Probe each variant CRC of ``hs``: rows within one edit of ``b`` into
        ``out`` (``cap``), the rest to ``spill`` (None: counted only); how many."""
        cdef Py_ssize_t j, total = 0, ln
        cdef uint32_t h, lo, hi, f16, r
        cdef const uint8_t *kb
        # pass 1: prefetch the directory entries
        for j in range(nv):
            HL_PREFETCH(self.dir + (hs[j] >> self.shift))
        # pass 2: slot bounds, prefetch the fingerprints
        for j in range(nv):
            h = hs[j] >> self.shift
            lo = self.dir[h]
            hi = self.dir[h + 1]
            los[j] = lo
            his[j] = hi
            if lo != hi:
                HL_PREFETCH(self.fp + lo)
        # pass 3: scan and verify
        for j in range(nv):
            lo = los[j]
            hi = his[j]
            f16 = hs[j] & 0xFFFF
            while lo < hi:
                if self.fp[lo] == f16:
                    r = self.rows[lo]
                    kb = self._key(r, &ln)
                    if _osa1(b, n, kb, ln):
                        if total < cap:
                            out[total] = r
                        elif spill is not None:
                            spill.append(r)
                        total += 1
                lo += 1
        return total

    cdef Py_ssize_t _variants(self, const uint8_t *b, Py_ssize_t n, bint subs, bint ins, bint dels,
                              uint32_t *hs) noexcept nogil:
        """The CRC of every one-edit variant of ``b`` that can be a key, into ``hs``."""
        cdef Py_ssize_t i, j, cnt, nv = 0
        cdef uint32_t c0, w, dl
        cdef uint8_t buf[256]
        cdef const uint32_t *E = self.E
        c0 = _crc32(b, n)
        if subs:
            hs[nv] = c0
            nv += 1
            for i in range(n):
                cnt = self._bytes_at(n, i, buf)
                for j in range(cnt):
                    if buf[j] != b[i]:
                        hs[nv] = c0 ^ E[(n - 1 - i) * 256 + (buf[j] ^ b[i])]
                        nv += 1
            for i in range(n - 1):
                if b[i] != b[i + 1]:
                    hs[nv] = c0 ^ E[(n - 1 - i) * 256 + (b[i] ^ b[i + 1])] ^ E[(n - 2 - i) * 256 + (b[i] ^ b[i + 1])]
                    nv += 1
        if ins:
            w = self._inserted(b, n)
            for i in range(n + 1):
                if i > 0:
                    w = self._moved(w, b, n, i)
                cnt = self._bytes_at(n + 1, i, buf)
                for j in range(cnt):
                    hs[nv] = w ^ E[(n - i) * 256 + buf[j]]
                    nv += 1
        if dels:
            dl = _crc32(b + 1, n - 1)
            hs[nv] = dl
            nv += 1
            for i in range(n - 1):
                dl ^= E[(n - 2 - i) * 256 + (b[i] ^ b[i + 1])]
                if b[i] != b[i + 1]:
                    hs[nv] = dl
                    nv += 1
        return nv

    cdef inline uint32_t _moved(self, uint32_t w, const uint8_t *b, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
        """From the CRC of ``b`` with a zero byte at ``i - 1`` to that with it at
        ``i``: XOR ``b[i-1]`` at n-i+1 and n-i bytes from the end."""
        return w ^ self.E[(n - i + 1) * 256 + b[i - 1]] ^ self.E[(n - i) * 256 + b[i - 1]]

    cdef inline uint32_t _inserted(self, const uint8_t *b, Py_ssize_t n) noexcept nogil:
        """The CRC of ``b`` with a zero byte before it."""
        cdef uint32_t w = CRC[(0xFFFFFFFFu ^ 0) & 0xFF] ^ (0xFFFFFFFFu >> 8)
        cdef Py_ssize_t j
        for j in range(n):
            w = CRC[(w ^ b[j]) & 0xFF] ^ (w >> 8)
        return w ^ 0xFFFFFFFFu

    cdef Py_ssize_t _guided(self, const uint8_t *b, Py_ssize_t n, const uint32_t *words,
                            uint64_t nblocks, bint subs, bint ins, bint dels, uint32_t *hs,
                            uint32_t *sec, uint64_t *h64) noexcept nogil:
        """:meth:`_variants`, but only those the pre-filter (``words``) lets through.

        The filter's tests of a query (``hotlist.index._prefilter``): in the block
        of ``b``, tag 0 (``b`` itself) and tag j + 1 (a key with a byte inserted
        at j); in the block of ``b`` without ``b[p]``, tag 0 (that deletion),
        tag p + 1 (a substitution at p) and tag p (a transposition of p - 1 and
        p).  A passing deletion, transposition or ``b`` is one variant; a
        passing insertion or substitution place is every byte found there, each
        then tested as a member ``(variant, tag 0)`` of its own block (prefetched
        together) before it is probed.  ``0 < n <= GUIDED_MAX``."""
        cdef const uint32_t *E = self.E
        cdef uint64_t hb[GUIDED_MAX + 1]
        cdef const uint32_t *wb[GUIDED_MAX + 1]
        cdef uint32_t dl[GUIDED_MAX]
        cdef uint8_t buf[256]
        cdef uint32_t c0 = _crc32(b, n), w, d, x
        cdef uint64_t x64
        cdef uint64_t pg[GUIDED_MAX]
        cdef const uint64_t *pl[GUIDED_MAX]
        cdef bint places = subs and self.pb != NULL
        cdef Py_ssize_t i, j, k, p, cnt, nv = 0, ns = 0, nsi
        # b without each of its bytes, and the n + 1 blocks (the miss check before
        # the search has just read them: cached)
        d = _crc32(b + 1, n - 1)
        dl[0] = d
        for i in range(n - 1):
            d ^= E[(n - 2 - i) * 256 + (b[i] ^ b[i + 1])]
            dl[i + 1] = d
        hb[0] = _fmix(c0, n)
        for i in range(n):
            hb[i + 1] = _fmix(dl[i], n - 1)
        for i in range(n + 1):
            wb[i] = words + 8 * <uint64_t>_block(hb[i], nblocks)
            HL_PREFETCH(wb[i])
        if places:
            # the place bits' line of each place whose substitution test passes
            # (a listed number: its own place and the filter's few false ones;
            # each line a cache miss in a table of ~7 bytes a key)
            for p in range(n):
                if _test(wb[p + 1], _pattern(hb[p + 1], <uint32_t>(p + 1))):
                    pg[p] = _pb_hash(c0 ^ E[(n - 1 - p) * 256 + b[p]], n, p)
                    pl[p] = self.pb + 8 * _pb_line(pg[p], self.nlines)
                    HL_PREFETCH(pl[p])
        if subs and _test(wb[0], _pattern(hb[0], 0)):
            hs[nv] = c0
            nv += 1
        if ins:
            w = self._inserted(b, n)
            for j in range(n + 1):
                if j > 0:
                    w = self._moved(w, b, n, j)
                if _test(wb[0], _pattern(hb[0], <uint32_t>(j + 1))):
                    cnt = self._bytes_at(n + 1, j, buf)
                    for k in range(cnt):
                        sec[ns] = w ^ E[(n - j) * 256 + buf[k]]
                        ns += 1
        nsi = ns  # sec[:nsi] are n + 1 bytes long, the rest n
        for i in range(1, n + 1):
            p = i - 1
            if dels and _test(wb[i], _pattern(hb[i], 0)):
                hs[nv] = dl[p]
                nv += 1
            if not subs:
                continue
            if _test(wb[i], _pattern(hb[i], <uint32_t>i)):
                cnt = self._bytes_at(n, p, buf)
                for k in range(cnt):
                    if buf[k] != b[p] and (not places or _pb_test(pl[p], pg[p], buf[k])):
                        sec[ns] = c0 ^ E[(n - 1 - p) * 256 + (buf[k] ^ b[p])]
                        ns += 1
            if i > 1 and b[p - 1] != b[p] and _test(wb[i], _pattern(hb[i], <uint32_t>(i - 1))):
                x = b[p - 1] ^ b[p]
                hs[nv] = c0 ^ E[(n - p) * 256 + x] ^ E[(n - 1 - p) * 256 + x]
                nv += 1
        if self.kb != NULL:
            # each substitution or insertion variant: its word of the key bits
            # (all prefetched first), then the test
            for k in range(ns):
                h64[k] = _fmix(sec[k], 0)
                HL_PREFETCH(self.kb + _kb_word(h64[k], self.kmask))
            for k in range(ns):
                x64 = _kb_bits(h64[k])
                if (self.kb[_kb_word(h64[k], self.kmask)] & x64) == x64:
                    hs[nv] = sec[k]
                    nv += 1
            return nv
        # else each substitution or insertion variant: its own member, all blocks prefetched first
        for k in range(ns):
            h64[k] = _fmix(sec[k], n + 1 if k < nsi else n)
            HL_PREFETCH(words + 8 * <uint64_t>_block(h64[k], nblocks))
        for k in range(ns):
            if _test(words + 8 * <uint64_t>_block(h64[k], nblocks), _pattern(h64[k], 0)):
                hs[nv] = sec[k]
                nv += 1
        return nv


cdef Py_ssize_t _rows_entry(object kernel, const uint8_t *b, Py_ssize_t n, const uint32_t *words,
                            uint64_t nblocks, uint32_t *out, Py_ssize_t cap) except -2:
    """:meth:`OneEdit.search` from C (``hotlist.index._prefilter_kernel``'s
    document hit, through :data:`ROWS_ENTRY`): the rows within one edit of
    ``b`` into ``out``, sorted, each once; their number, or -1 when more than
    ``cap`` were found (the caller searches in Python)."""
    cdef Py_ssize_t nf = (<OneEdit>kernel)._rows(b, n, words, nblocks, out, cap, None)
    cdef Py_ssize_t i, j, m = 0
    cdef uint32_t r
    if nf > cap:
        return -1
    for i in range(nf):  # insertion sort, duplicates dropped (a few rows)
        r = out[i]
        j = m
        while j > 0 and out[j - 1] > r:
            j -= 1
        if j > 0 and out[j - 1] == r:
            continue
        memmove(out + j + 1, out + j, (m - j) * sizeof(uint32_t))
        out[j] = r
        m += 1
    return m


# the C entry above, for the module that cannot cimport this one (it is cimported here)
ROWS_ENTRY = PyCapsule_New(<void *> _rows_entry, b"hotlist.index._fast.rows", NULL)


def merge_entries(
    const uint32_t[::1] directory,
    const uint16_t[::1] fp,
    const uint32_t[::1] rows,
    const uint64_t[::1] deleted,
    const uint64_t[::1] blocks,
    const uint32_t[::1] new_hash,
    const uint32_t[::1] new_rows,
    int shift,
    uint32_t[::1] out_dir,
    uint16_t[::1] out_fp,
    uint32_t[::1] out_rows,
    uint32_t[::1] dropped,
):
    """One pass of a delta over a KeyIndex's (hash, row)-ordered entries.

    Old entries whose row is marked in the ``deleted`` bitmap are dropped, the
    others get their row renumbered (``row - deleted rows before it``).
    ``blocks`` holds, per 1024 rows, the deleted rows before the block, with
    bit 63 set when the block itself has a deleted row: a row of a clean block
    (most of them, for a small delta) is renumbered from this small,
    cache-resident table; only a row of a marked block reads ``deleted``, which
    holds per 64 rows two words side by side -- the bitmap word and the count
    of deleted rows before it -- so that renumbering reads one cache line (the
    entries are in hash order: these reads are random).

    The new entries (``new_hash`` / ``new_rows`` sorted by hash then row; their
    rows come after every kept row) go in at their place: each one's position
    among the old entries is found in its slot (after the old entries of equal
    fingerprint), and the old entries between two such positions are copied in
    one flat loop (no per-slot loop: its unpredictable trip counts cost more
    than the copy).  The positions of the dropped entries are written to
    ``dropped`` (room for every deleted row), and a last pass over the slots
    shifts the directory by the entries dropped and added before each slot.
    Needs a directory of >= 16 bits, so that slot and fingerprint together are
    the whole hash.  Returns the number of entries written.
    """
    cdef Py_ssize_t nslots = directory.shape[0] - 1
    cdef Py_ssize_t n_old = rows.shape[0], nn = new_hash.shape[0]
    cdef Py_ssize_t s, i = 0, p, e, j = 0, k, nd = 0, dp = 0
    cdef uint32_t r, w, f = 0, nh, x
    cdef uint64_t word, blk
    cdef uint64_t FLAG = (<uint64_t>1) << 63
    with nogil:
        for k in range(nn + 1):
            if k < nn:
                nh = new_hash[k]
                f = nh & 0xFFFF
                s = nh >> shift
                p = directory[s]
                e = directory[s + 1]
                while p < e and fp[p] <= f:
                    p += 1
            else:
                p = n_old
            while i < p:
                r = rows[i]
                blk = blocks[r >> 10]
                if blk & FLAG:
                    w = (r >> 6) << 1
                    word = deleted[w]
                    if (word >> (r & 63)) & 1:
                        dropped[nd] = <uint32_t>i
                        nd += 1
                        i += 1
                        continue
                    r = r - <uint32_t>deleted[w + 1] - <uint32_t>__builtin_popcountll(word & ((<uint64_t>1 << (r & 63)) - 1))
                else:
                    r = r - <uint32_t>blk
                out_fp[j] = fp[i]
                out_rows[j] = r
                j += 1
                i += 1
            if k < nn:
                out_fp[j] = <uint16_t>f
                out_rows[j] = new_rows[k]
                j += 1
        k = 0
        for s in range(nslots + 1):
            x = directory[s]
            while dp < nd and dropped[dp] < x:
                dp += 1
            while k < nn and <Py_ssize_t>(new_hash[k] >> shift) < s:
                k += 1
            out_dir[s] = <uint32_t>(x - dp + k)
    return j


cdef enum:
    PF_COLUMNS = 16  # most columns a RowPrefetch takes
    PF_ROWS = 16  # most rows of a call it prefetches (a hit has one or a few)


cdef class RowPrefetch:
    """Prefetches the cache lines that reading some rows of a few columns will
    touch: a fixed-width entry (a value, a dictionary code), a string's two
    offsets, then (once the offsets are read) the string's first bytes -- all
    rows' and columns' lines requested together, so that their cache misses
    overlap instead of each waiting its turn when Python reads the values one
    by one.  A hint only: it reads nothing for the caller and changes nothing."""

    cdef object _keep
    cdef int nfixed, nstr
    cdef const uint8_t *fixed[PF_COLUMNS]
    cdef Py_ssize_t fsize[PF_COLUMNS]
    cdef Py_ssize_t flen[PF_COLUMNS]
    cdef const uint8_t *offs[PF_COLUMNS]
    cdef bint wide[PF_COLUMNS]
    cdef Py_ssize_t slen[PF_COLUMNS]
    cdef const uint8_t *sdata[PF_COLUMNS]

    def __init__(self, fixed, strings):
        """``fixed``: 1-D contiguous numpy arrays, row ``r``'s entry at ``r``;
        ``strings``: ``(offsets, data)`` numpy pairs (offsets int32 or int64, row
        ``r`` from ``offsets[r]`` to ``offsets[r + 1]``); at most 16 of each."""
        cdef const uint8_t[::1] v
        cdef int k
        if len(fixed) > PF_COLUMNS or len(strings) > PF_COLUMNS:
            raise ValueError("at most 16 columns of each kind")
        self._keep = (tuple(fixed), tuple(strings))
        self.nfixed = 0
        for a in fixed:
            if a.ndim != 1 or not a.flags.c_contiguous or len(a) == 0:
                raise ValueError("a fixed column is a non-empty 1-D contiguous array")
            k = self.nfixed
            v = a.view(np.uint8)
            self.fixed[k] = &v[0]
            self.fsize[k] = a.itemsize
            self.flen[k] = len(a)
            self.nfixed += 1
        self.nstr = 0
        for o, d in strings:
            if o.dtype not in (np.int32, np.int64) or o.ndim != 1 or not o.flags.c_contiguous or len(o) < 2:
                raise ValueError("offsets are a 1-D contiguous int32 or int64 array of >= 2")
            k = self.nstr
            v = o.view(np.uint8)
            self.offs[k] = &v[0]
            self.wide[k] = o.dtype == np.int64
            self.slen[k] = len(o) - 1
            self.sdata[k] = NULL
            if len(d):
                v = d.view(np.uint8)
                self.sdata[k] = &v[0]
            self.nstr += 1

    def __call__(self, list rows):
        """Prefetch what reading ``rows`` (row numbers; the first 16) will touch."""
        cdef Py_ssize_t n = min(len(rows), PF_ROWS), i, r
        cdef Py_ssize_t rs[PF_ROWS]
        cdef int k
        cdef int64_t a
        for i in range(n):
            rs[i] = rows[i]
        for i in range(n):
            r = rs[i]
            for k in range(self.nfixed):
                if 0 <= r < self.flen[k]:
                    HL_PREFETCH(self.fixed[k] + r * self.fsize[k])
            for k in range(self.nstr):
                if 0 <= r < self.slen[k]:
                    HL_PREFETCH(self.offs[k] + r * (8 if self.wide[k] else 4))
        for i in range(n):
            r = rs[i]
            for k in range(self.nstr):
                if 0 <= r < self.slen[k] and self.sdata[k] != NULL:
                    if self.wide[k]:
                        a = (<const int64_t *>self.offs[k])[r]
                    else:
                        a = (<const int32_t *>self.offs[k])[r]
                    HL_PREFETCH(self.sdata[k] + a)
