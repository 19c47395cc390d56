# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled :func:`hotlist.index._hashing.crc32_of_column` and
:func:`hotlist.index._hashing.split_entries` (optional).

The same CRC-32 (zlib's) of every key of an Arrow string column, and the same
position marks, in one pass over the key bytes instead of numpy passes per byte
position: ~10 ns per 9-byte key where the numpy form costs ~100 ns.  The pass
can write ``(hash << 32) | row`` pairs straight away (what a KeyIndex build
sorts), and :func:`split_entries` turns the sorted pairs into the index's rows,
fingerprints and directory in one sequential pass.  Built by ``pip install .``
when Cython and a C compiler are there; ``_hashing`` falls back to its numpy
forms when the extension is missing (tested equal).
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t, int32_t, int64_t

import numpy as np

from hotlist.index._hashing import CRC_TABLE

cdef uint32_t CRC[256]
cdef Py_ssize_t _i
for _i in range(256):  # zlib's table, as the numpy form uses it
    CRC[_i] = CRC_TABLE[_i]


cdef Py_ssize_t _offsets_of(offsets, const int32_t **o32, const int64_t **o64) except -1:
    """Point ``o32`` or ``o64`` at an Arrow offsets array (int32 or int64; the
    caller keeps it alive) and return the number of rows."""
    cdef const int32_t[::1] v32
    cdef const int64_t[::1] v64
    if offsets.dtype == np.int32:
        v32 = offsets
        o32[0] = &v32[0]
        return v32.shape[0] - 1
    v64 = offsets
    o64[0] = &v64[0]
    return v64.shape[0] - 1


cdef inline void _span(
    const int32_t *o32, const int64_t *o64, Py_ssize_t r, Py_ssize_t *a, Py_ssize_t *e
) noexcept nogil:
    if o32 != NULL:
        a[0] = o32[r]
        e[0] = o32[r + 1]
    else:
        a[0] = o64[r]
        e[0] = o64[r + 1]


cdef void _crc_pass(
    const int32_t *o32,
    const int64_t *o64,
    const uint8_t *d,
    const int64_t *rp,
    Py_ssize_t n,
    uint32_t *out32,
    uint64_t *out64,
    uint8_t *mk,
    Py_ssize_t cap,
    Py_ssize_t stride,
) noexcept nogil:
    """The CRC of each key into ``out32[i]``, or ``(crc << 32) | row`` into
    ``out64[i]``; position marks into ``mk`` when given."""
    cdef Py_ssize_t i, r, a, e, j, m
    cdef uint32_t c
    for i in range(n):
        r = rp[i] if rp != NULL else i
        _span(o32, o64, r, &a, &e)
        c = 0xFFFFFFFFu
        m = e - a
        if mk != NULL and m <= cap:
            mk[m * stride + m * 256] = 1
            for j in range(m):
                mk[j * stride + m * 256 + d[a + j]] = 1
                c = CRC[(c ^ d[a + j]) & 0xFF] ^ (c >> 8)
        else:
            for j in range(a, e):
                c = CRC[(c ^ d[j]) & 0xFF] ^ (c >> 8)
        c ^= 0xFFFFFFFFu
        if out64 != NULL:
            out64[i] = ((<uint64_t>c) << 32) | <uint64_t>r
        else:
            out32[i] = c


def crc32_rows(offsets, const uint8_t[::1] data, rows, out, marks=None):
    """``out[i]`` = CRC-32 of the key of row ``rows[i]`` (row ``i`` when ``rows``
    is None) of the column ``offsets`` (int32 or int64) / ``data``; a ``uint64``
    ``out`` gets ``(crc << 32) | row`` instead (rows below 2**32).  With
    ``marks`` (a C-contiguous bool array of shape ``(cap + 1, (cap + 1) * 256)``)
    also ``marks[j, m * 256 + x]`` for byte ``x`` at position ``j`` of a key of
    length ``m <= cap``, and ``marks[m, m * 256]`` for each such length."""
    cdef const int64_t[::1] rv
    cdef uint32_t[::1] out32v
    cdef uint64_t[::1] out64v
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const int64_t *rp = NULL
    cdef uint32_t *p32 = NULL
    cdef uint64_t *p64 = NULL
    cdef uint8_t[:, ::1] mv
    cdef uint8_t *mk = NULL
    cdef Py_ssize_t cap = -1, stride = 0, n, size
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    n = _offsets_of(offsets, &o32, &o64)
    if rows is not None:
        rv = rows
        n = rv.shape[0]
        if n:
            rp = &rv[0]
    if out.dtype == np.uint64:
        out64v = out
        size = out64v.shape[0]
        if size:
            p64 = &out64v[0]
    else:
        out32v = out
        size = out32v.shape[0]
        if size:
            p32 = &out32v[0]
    if size < n:
        raise ValueError("out is too short")
    if marks is not None:
        mv = marks.view(np.uint8)
        cap = mv.shape[0] - 1
        stride = mv.shape[1]
        if stride != (cap + 1) * 256:
            raise ValueError("marks must have shape (cap + 1, (cap + 1) * 256)")
        mk = &mv[0, 0]
    with nogil:
        _crc_pass(o32, o64, d, rp, n, p32, p64, mk, cap, stride)


def split_entries(
    const uint64_t[::1] pairs,
    int shift,
    uint32_t[::1] rows,
    uint16_t[::1] fp,
    uint32_t[::1] directory,
):
    """Sorted ``(hash << 32) | row`` pairs into a KeyIndex's arrays: ``rows`` (the
    low 32 bits), ``fp`` (the hash's low 16 bits) and ``directory`` (``2**b + 1``
    entries, ``b = 32 - shift``: ``directory[t]`` = the first entry whose hash's
    top ``b`` bits are ``>= t``), in one pass."""
    cdef Py_ssize_t n = pairs.shape[0], i
    cdef Py_ssize_t slots = directory.shape[0] - 1
    cdef Py_ssize_t t, last = -1
    cdef uint64_t p
    cdef uint32_t h
    if rows.shape[0] < n or fp.shape[0] < n:
        raise ValueError("rows and fp must hold every pair")
    if slots < 1 or (<Py_ssize_t>1 << (32 - shift)) != slots:
        raise ValueError("directory length must be 2**(32 - shift) + 1")
    with nogil:
        for i in range(n):
            p = pairs[i]
            h = <uint32_t>(p >> 32)
            rows[i] = <uint32_t>p
            fp[i] = <uint16_t>h
            t = h >> shift
            while last < t:
                last += 1
                directory[last] = <uint32_t>i
        while last < slots:
            last += 1
            directory[last] = <uint32_t>n


def class_rows(
    offsets,
    const uint8_t[::1] data,
    const uint8_t[::1] allowed,
    Py_ssize_t shortest,
    Py_ssize_t longest,
    uint8_t[::1] out,
):
    """``out[i]`` = 1 when row ``i`` is ``shortest`` to ``longest`` bytes long and
    every byte ``x`` of it has ``allowed[x]`` (a 256-entry table), else 0;
    validity is the caller's."""
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    cdef Py_ssize_t n, i, j, a, e
    cdef uint8_t ok
    n = _offsets_of(offsets, &o32, &o64)
    if allowed.shape[0] != 256 or out.shape[0] < n:
        raise ValueError("allowed needs 256 entries and out one per row")
    with nogil:
        for i in range(n):
            _span(o32, o64, i, &a, &e)
            ok = shortest <= e - a <= longest
            j = a
            while ok and j < e:
                ok = allowed[d[j]]
                j += 1
            out[i] = ok


def edge_rows(offsets, const uint8_t[::1] data, const uint8_t[::1] allowed, valid):
    """The first row (among the ``valid`` ones, a uint8 array, or every row when
    None) that is empty or whose first or last byte ``x`` lacks ``allowed[x]``;
    -1 when there is none."""
    cdef const uint8_t[::1] vv
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const uint8_t *vp = NULL
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    cdef Py_ssize_t n, i, a, e, found = -1
    n = _offsets_of(offsets, &o32, &o64)
    if allowed.shape[0] != 256:
        raise ValueError("allowed needs 256 entries")
    if valid is not None:
        vv = valid
        if vv.shape[0] < n:
            raise ValueError("valid needs one entry per row")
        if n:
            vp = &vv[0]
    with nogil:
        for i in range(n):
            if vp != NULL and not vp[i]:
                continue
            _span(o32, o64, i, &a, &e)
            if e <= a or not allowed[d[a]] or not allowed[d[e - 1]]:
                found = i
                break
    return found
