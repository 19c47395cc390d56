# cython: language_level=3
"""Arrow string columns as the compiled kernels read them: the offsets array of
a ``string`` (int32) or ``large_string`` (int64) column, one key's byte span,
and a cache-line prefetch.  Inline only (no module of its own): each kernel that
cimports it compiles its own copy."""

from libc.stdint cimport int32_t, int64_t, uint8_t

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define HLC_PREFETCH(p) __builtin_prefetch((const void *)(p))
    #else
    #define HLC_PREFETCH(p) ((void)0)
    #endif
    """
    void HLC_PREFETCH(const void *p) nogil


cdef inline Py_ssize_t column_offsets(
    object offsets, const int32_t **o32, const int64_t **o64
) except -1:
    """Point ``o32`` or ``o64`` (the other NULL) at a string column's offsets (an
    int32 or int64 numpy array, which outlives the call); the number of rows."""
    cdef const int32_t[::1] a
    cdef const int64_t[::1] b
    o32[0] = NULL
    o64[0] = NULL
    if offsets.dtype.itemsize == 4:
        a = offsets
        o32[0] = &a[0]
        return a.shape[0] - 1
    b = offsets
    o64[0] = &b[0]
    return b.shape[0] - 1


cdef inline Py_ssize_t offset_at(const int32_t *o32, const int64_t *o64, Py_ssize_t r) noexcept nogil:
    """Offset ``r`` of the column (``o32`` when it is set, else ``o64``)."""
    return o32[r] if o32 != NULL else <Py_ssize_t>o64[r]


cdef inline int row_flags(object flags, Py_ssize_t n, const uint8_t **out) except -1:
    """Point ``out`` at a uint8 array of at least ``n`` per-row flags (which
    outlives the call), or NULL when ``flags`` is None (every row set)."""
    cdef const uint8_t[::1] v
    out[0] = NULL
    if flags is None:
        return 0
    v = flags
    if v.shape[0] < n:
        raise ValueError("one flag per row needed")
    if n:
        out[0] = &v[0]
    return 0
