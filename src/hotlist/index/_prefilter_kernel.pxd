# cython: language_level=3
"""The shared declarations of the compiled pre-filter and miss probe
(``_prefilter_kernel.pyx``): :class:`Probe`, and the result writer the compiled
miss checks share (this one's ``DocumentMiss``, ``hotlist._vehicle_kernel``)."""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, int32_t, int64_t, uint64_t

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define HLP_PREFETCH(p) __builtin_prefetch((const void *)(p))
    #else
    #define HLP_PREFETCH(p) ((void)0)
    #endif
    #define HLP_IS_ASCII(o) PyUnicode_IS_ASCII(o)
    #define HLP_DATA(o) ((const unsigned char *)PyUnicode_DATA(o))
    #include "structmember.h"
    /* The offset of a __slots__ member (a member descriptor of an object
       slot), or -1 when ``desc`` is anything else. */
    static inline Py_ssize_t hlp_slot_offset(PyObject *desc) {
        PyMemberDef *m;
        if (!PyObject_TypeCheck(desc, &PyMemberDescr_Type)) return -1;
        m = ((PyMemberDescrObject *)desc)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return -1;
        return m->offset;
    }
    /* A new instance of ``cls`` (as object.__new__ makes it), or NULL. */
    static inline PyObject *hlp_alloc(PyObject *cls) {
        return ((PyTypeObject *)cls)->tp_alloc((PyTypeObject *)cls, 0);
    }
    /* Store a new reference to ``v`` in the slot at ``off`` (empty before). */
    static inline void hlp_put(PyObject *o, Py_ssize_t off, PyObject *v) {
        PyObject **p = (PyObject **)((char *)o + off);
        Py_INCREF(v);
        Py_XSETREF(*p, v);
    }
    """
    Py_ssize_t hlp_slot_offset(object desc)
    object hlp_alloc(object cls)
    void hlp_put(object o, Py_ssize_t off, object v)
    void HLP_PREFETCH(const void *p) nogil
    bint HLP_IS_ASCII(object o)
    const uint8_t *HLP_DATA(object o)


cdef struct Issuer:
    # what makes a one-edit neighbour too weak to be a hit (see DocumentMiss.check):
    # its row's issuer code (codes[row], -1: none) is a plain listed country
    # (plain[code]) other than the one asked (asked; -2: not listed at all)
    const int32_t *codes
    const uint8_t *plain
    int32_t asked


cdef class Probe:
    cdef object _keep
    cdef const uint32_t *dir
    cdef const uint16_t *fp
    cdef const uint32_t *rows
    cdef const int32_t *off32
    cdef const int64_t *off64
    cdef const uint8_t *data
    cdef const uint32_t *words
    cdef uint64_t nblocks
    cdef int shift
    cdef Py_ssize_t nrows
    cdef uint8_t alpha[256]
    cdef int nalpha

    cdef bint _near(self, const uint8_t *b, Py_ssize_t n) noexcept nogil
    cdef bint _contains(self, const uint8_t *b, Py_ssize_t n, uint32_t h) noexcept nogil
    cdef bint _has(self, const uint8_t *b, Py_ssize_t n) noexcept nogil
    cdef int _find(self, const uint8_t *b, Py_ssize_t n, uint32_t h, const Issuer *iss) noexcept nogil
    cdef int _any_at(self, uint8_t *t, Py_ssize_t m, Py_ssize_t pos, uint32_t base, Py_ssize_t k, const Issuer *iss) noexcept nogil
    cdef bint _near_exact(self, const uint8_t *b, Py_ssize_t n) noexcept nogil
    cdef bint _exact_ok(self, Py_ssize_t n) noexcept nogil
    cdef void _prefetch(self, const uint8_t *b, Py_ssize_t n, uint64_t *hs, const uint32_t **w) noexcept nogil
    cdef int _tests(self, const uint8_t *b, Py_ssize_t n, const uint64_t *hs, const uint32_t **w, const Issuer *iss) noexcept nogil
    cdef bint _passes(self, Py_ssize_t n, const uint64_t *hs, const uint32_t **w) noexcept nogil
    cdef Py_ssize_t _rows_of(self, const uint8_t *b, Py_ssize_t n, uint32_t h, uint32_t *out, Py_ssize_t cap) noexcept nogil


cdef class Results:
    # a miss's CheckResult: its six slots written in place when they are plain
    # __slots__ members of a class with object's __new__ and __setattr__
    cdef object cls, new
    cdef Py_ssize_t off[6]  # hits, warnings, query, data_version, searched, omitted
    cdef bint direct

    cdef object miss(self, list warnings, dict query, object version, object searched)


cdef inline Py_ssize_t plain_key(
    const uint8_t *p, Py_ssize_t a, Py_ssize_t e, const uint8_t *drop, const uint8_t *cmap,
    const uint8_t *omap, Py_ssize_t maxlen, uint8_t *out,
) noexcept nogil:
    """The key of ``p[a:e]`` into ``out``: separators (``drop``) deleted, each other
    byte compacted (``cmap``) -- it must then be an ASCII letter or digit -- and
    mapped to its OCR byte (``omap``), at most ``maxlen`` of them; -1 when a byte
    is refused, the key is too long or empty."""
    cdef Py_ssize_t i, k = 0
    cdef uint8_t c
    for i in range(a, e):
        c = p[i]
        if drop[c]:
            continue
        c = cmap[c]
        if not ((c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122)):
            return -1
        if k >= maxlen:
            return -1
        out[k] = omap[c]
        k += 1
    return k if k > 0 else -1


cdef inline int tolerance(object max_edits, object edits, object no_edits) noexcept:
    """1 when ``max_edits`` is the default object ``edits``, 0 when it is
    ``no_edits`` (max_edits=0), -1 for anything else (compared by identity, as
    check_options does)."""
    if max_edits is edits:
        return 1
    if max_edits is no_edits:
        return 0
    return -1


# A filter member's string hash, block, bit pattern and test: declared here so that
# the compiled one-edit search (``hotlist.index._fast``) tests the same bits.

cdef inline uint64_t _fmix(uint32_t crc, Py_ssize_t n) noexcept nogil:
    cdef uint64_t x = <uint64_t>crc | (<uint64_t>n << 32)
    x ^= x >> 33
    x *= 0xff51afd7ed558ccdULL
    x ^= x >> 33
    x *= 0xc4ceb9fe1a85ec53ULL
    x ^= x >> 33
    return x


cdef inline uint32_t _block(uint64_t h, uint64_t nblocks) noexcept nogil:
    return <uint32_t>(((h >> 32) * nblocks) >> 32)


cdef inline uint64_t _pattern(uint64_t h, uint32_t tag) noexcept nogil:
    """The bit pattern of member (string hash ``h``, ``tag``): bits 24 + 5 i ..
    28 + 5 i say which bit of word i of the block is set."""
    cdef uint32_t x = <uint32_t>h + (tag + 1) * 0x9E3779B9u
    return <uint64_t>x * 0x9E3779B97F4A7C15ULL


cdef inline uint32_t _test(const uint32_t *w, uint64_t p) noexcept nogil:
    """1 when every bit of pattern ``p`` is set in block ``w`` (branch-free: a
    miss runs ~40 of these, and early exits would mispredict)."""
    return (
        (w[0] >> ((p >> 24) & 31)) & (w[1] >> ((p >> 29) & 31))
        & (w[2] >> ((p >> 34) & 31)) & (w[3] >> ((p >> 39) & 31))
        & (w[4] >> ((p >> 44) & 31)) & (w[5] >> ((p >> 49) & 31))
        & (w[6] >> ((p >> 54) & 31)) & (w[7] >> ((p >> 59) & 31))
    ) & 1
