# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -ffp-contract=off
"""Compiled person candidates (optional): the pool of entries sharing a
searched key with the query, each with its keys' summed IDF and (for an
over-full pool with a query date) the DOB ranking term, and the ``limit``
best of them, best first, in one pass instead of some twenty numpy calls.

The same answers as the numpy reference (``TokenIndex.pool_within``,
``hotlist._person_dobrank.dob_rank`` and ``hotlist.index._tokens.top``, as
``PersonIndex._ranked_py`` chains them): each row's IDF is summed in float32
in the order of the keys, the DOB term is the same table look-up, the score
is ``idf + weight * term`` in float32 (``-ffp-contract=off``: no fused
multiply-add), and the order is (score descending, row ascending), so the
candidates are identical; ``tests/engine/test_candidate_kernel.py``
property-tests that.
"""

from libc.stdint cimport int32_t, int64_t, uint32_t
from libc.stdlib cimport free, malloc

import numpy as np

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define HOTLIST_PREFETCH(p) __builtin_prefetch(p)
    #else
    #define HOTLIST_PREFETCH(p) ((void)0)
    #endif
    """
    void HOTLIST_PREFETCH(const void *p) noexcept nogil

DEF AHEAD = 16  # rows whose date is asked for before it is read

cdef uint32_t NO_DATE = 0xFFFFFFFF


cdef inline bint _worse(float sa, uint32_t ra, float sb, uint32_t rb) noexcept nogil:
    """Whether (sa, ra) ranks after (sb, rb): a lower score, or the same and a higher row."""
    return sa < sb or (sa == sb and ra > rb)


cdef void _sift_down(float *hs, uint32_t *hr, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """Restore the heap (the worst at the root) below ``i``."""
    cdef Py_ssize_t c
    cdef float s = hs[i]
    cdef uint32_t r = hr[i]
    while True:
        c = 2 * i + 1
        if c >= n:
            break
        if c + 1 < n and _worse(hs[c + 1], hr[c + 1], hs[c], hr[c]):
            c += 1
        if not _worse(hs[c], hr[c], s, r):
            break
        hs[i] = hs[c]
        hr[i] = hr[c]
        i = c
    hs[i] = s
    hr[i] = r


cdef inline int _nibbles_differ(uint32_t x) noexcept nogil:
    """How many of the eight BCD digits of ``x`` (an XOR of two dates) are not 0."""
    cdef uint32_t m = (x | (x >> 1) | (x >> 2) | (x >> 3)) & 0x11111111
    # the nibbles' low bits summed into the top nibble (at most 8: no carry)
    return <int>((m * <uint32_t>0x11111111) >> 28)


cdef inline int64_t _decimal(uint32_t b) noexcept nogil:
    """The yyyymmdd number of a BCD date."""
    cdef int64_t out = 0
    cdef int shift
    for shift in range(28, -4, -4):
        out = out * 10 + ((b >> shift) & 0xF)
    return out


cdef inline float _by_year(
    uint32_t b, int64_t qyear, const int64_t *near, float same, float differs
) noexcept nogil:
    """``_person_dobrank._by_year`` of one BCD date."""
    cdef int64_t year
    cdef int k
    if b == NO_DATE:
        return 0.0
    year = b >> 16
    if year == qyear:
        return same
    for k in range(4):
        if near[k] == year:
            return 0.0
    return differs


def ranked(
    const uint32_t[::1] postings,
    const int64_t[::1] starts,
    const int64_t[::1] counts,
    const float[::1] weights,
    float[::1] scratch,
    const uint32_t[::1] entry_dob,
    int mode,
    uint32_t qb,
    uint32_t swapped,
    int64_t qyear,
    const int64_t[::1] near_years,
    float same_year,
    float differs,
    const int32_t[::1] values,
    const float[::1] level_bits,
    float weight,
    Py_ssize_t limit,
):
    """The ``limit`` best rows of the pool of the postings ``starts`` /
    ``counts`` (each key's rows, ``weights`` its IDF), best first, and the
    pool's size.  ``scratch``: zeros, one per row (left zeroed).  ``mode``:
    0 no DOB term, 1 the term by the years alone, 2 of a full query date
    (``qb`` its BCD, ``swapped`` day and month swapped or all ones, ``values``
    / ``level_bits`` the near dates' table); the term is added only when the
    pool holds more than ``limit`` rows."""
    cdef Py_ssize_t n_keys = starts.shape[0], total = 0, k, j, i, n = 0, m = 0
    cdef int64_t a, c
    cdef float w, s, term
    cdef uint32_t r, b, x
    cdef int64_t ymd
    cdef Py_ssize_t lo, hi, mid, nv = values.shape[0]
    cdef int64_t near[4]
    cdef uint32_t *fresh
    cdef float *score
    cdef float *hs
    cdef uint32_t *hr
    for k in range(4):
        near[k] = near_years[k] if k < near_years.shape[0] else -1
    for k in range(n_keys):
        total += counts[k]
    if limit < 0:
        limit = 0
    fresh = <uint32_t *>malloc((total + 1) * sizeof(uint32_t))
    score = <float *>malloc((total + 1) * sizeof(float))
    hs = <float *>malloc((limit + 1) * sizeof(float))
    hr = <uint32_t *>malloc((limit + 1) * sizeof(uint32_t))
    if fresh == NULL or score == NULL or hs == NULL or hr == NULL:
        free(fresh)
        free(score)
        free(hs)
        free(hr)
        raise MemoryError()
    out = np.empty(0, dtype=np.int64)
    try:
        with nogil:
            # the pool: each row once, its keys' IDF summed in the keys' order
            for k in range(n_keys):
                a = starts[k]
                c = counts[k]
                w = weights[k]
                for j in range(c):
                    r = postings[a + j]
                    if scratch[r] == 0:
                        fresh[n] = r
                        n += 1
                    scratch[r] = scratch[r] + w
            for i in range(n):
                r = fresh[i]
                score[i] = scratch[r]
                scratch[r] = 0
            if n > limit and mode != 0:
                for i in range(n):
                    if i + AHEAD < n:  # the pool's rows are scattered: ask early
                        HOTLIST_PREFETCH(&entry_dob[fresh[i + AHEAD]])
                    b = entry_dob[fresh[i]]
                    if mode == 1 or (b & 0xFFFF) == 0xFFFF:
                        term = _by_year(b, qyear, near, same_year, differs)
                    else:
                        term = differs
                        x = b ^ qb
                        if _nibbles_differ(x) <= 1 or (x & 0xFFFF) == 0 or b == swapped:
                            ymd = _decimal(b)
                            lo = 0
                            hi = nv
                            while lo < hi:
                                mid = (lo + hi) // 2
                                if values[mid] < ymd:
                                    lo = mid + 1
                                else:
                                    hi = mid
                            if lo < nv and values[lo] == ymd:
                                term = level_bits[lo]
                    term = weight * term
                    score[i] = score[i] + term
            # the best ``limit``: a heap with the worst kept at its root
            for i in range(n):
                s = score[i]
                r = fresh[i]
                if m < limit:
                    hs[m] = s
                    hr[m] = r
                    m += 1
                    j = m - 1
                    while j > 0 and _worse(hs[j], hr[j], hs[(j - 1) // 2], hr[(j - 1) // 2]):
                        hs[j], hs[(j - 1) // 2] = hs[(j - 1) // 2], hs[j]
                        hr[j], hr[(j - 1) // 2] = hr[(j - 1) // 2], hr[j]
                        j = (j - 1) // 2
                elif m and _worse(hs[0], hr[0], s, r):
                    hs[0] = s
                    hr[0] = r
                    _sift_down(hs, hr, m, 0)
        out = np.empty(m, dtype=np.int64)
        _drain(hs, hr, m, out)
    finally:
        free(fresh)
        free(score)
        free(hs)
        free(hr)
    return out, n


cdef void _drain(float *hs, uint32_t *hr, Py_ssize_t m, int64_t[::1] out) noexcept:
    """The heap's rows into ``out``, best first (the worst is taken off the root)."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(m - 1, -1, -1):
            out[i] = hr[0]
            hs[0] = hs[i]
            hr[0] = hr[i]
            _sift_down(hs, hr, i, 0)
