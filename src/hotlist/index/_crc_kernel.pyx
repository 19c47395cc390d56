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
from libc.string cimport memcmp, memcpy

from hotlist.index._columns cimport HLC_PREFETCH, column_offsets, offset_at, row_flags

import numpy as np

from hotlist.index._hashing import CRC_TABLE

cdef uint32_t CRC[256]
cdef Py_ssize_t _i
for _i in range(256):  # zlib's table, as the numpy form uses it
    CRC[_i] = CRC_TABLE[_i]


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
        a = offset_at(o32, o64, r)
        e = offset_at(o32, o64, r + 1)
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
    n = column_offsets(offsets, &o32, &o64)
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
    n = column_offsets(offsets, &o32, &o64)
    if allowed.shape[0] != 256 or out.shape[0] < n:
        raise ValueError("allowed needs 256 entries and out one per row")
    with nogil:
        for i in range(n):
            a = offset_at(o32, o64, i)
            e = offset_at(o32, o64, i + 1)
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
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const uint8_t *vp = NULL
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    cdef Py_ssize_t n, i, a, e, found = -1
    n = column_offsets(offsets, &o32, &o64)
    if allowed.shape[0] != 256:
        raise ValueError("allowed needs 256 entries")
    row_flags(valid, n, &vp)
    with nogil:
        for i in range(n):
            if vp != NULL and not vp[i]:
                continue
            a = offset_at(o32, o64, i)
            e = offset_at(o32, o64, i + 1)
            if e <= a or not allowed[d[a]] or not allowed[d[e - 1]]:
                found = i
                break
    return found


cdef enum:
    RING = 32  # keys in flight in lookup_pairs' software pipeline
    STEP = 16  # keys between a slot's directory prefetch and its entries' prefetch


cdef struct Slot:
    Py_ssize_t q  # the query row (-1: null, nothing to find)
    uint32_t h
    uint32_t lo
    uint32_t hi


cdef Py_ssize_t _lookup_pass(
    const int32_t *qo32,
    const int64_t *qo64,
    const uint8_t *qd,
    const uint8_t *qvalid,
    Py_ssize_t start,
    Py_ssize_t n,
    const uint32_t *dirp,
    const uint16_t *fp,
    const uint32_t *rows,
    int shift,
    const int32_t *ko32,
    const int64_t *ko64,
    const uint8_t *kd,
    int64_t *oq,
    int64_t *orow,
    Py_ssize_t cap,
    Py_ssize_t *count,
) noexcept nogil:
    """Queries ``start`` ..: hash, probe, compare, appending the matching
    (query, row) pairs to ``oq`` / ``orow`` from ``count[0]`` on; returns the
    first query not done (``n`` when all are; earlier when ``cap`` pairs would
    be passed).  A pipeline: query j is hashed and its directory entry
    prefetched, query j - STEP's slot entries prefetched, query j - RING
    compared, so the cache misses of several queries overlap."""
    cdef Slot ring[RING]
    cdef Slot *s
    cdef Py_ssize_t j, i, a, e, ka, p, r, c = count[0]
    cdef uint32_t h, f
    for j in range(start, n + RING):
        i = j - RING
        if i >= start:  # compare query i (its entries were prefetched)
            s = &ring[i % RING]
            if s.q >= 0 and s.lo < s.hi:
                if c + <Py_ssize_t>(s.hi - s.lo) > cap:
                    count[0] = c
                    return i
                a = offset_at(qo32, qo64, i)
                e = offset_at(qo32, qo64, i + 1)
                f = s.h & 0xFFFF
                for p in range(s.lo, s.hi):
                    if fp[p] != f:
                        continue
                    r = rows[p]
                    ka = offset_at(ko32, ko64, r)
                    if (
                        offset_at(ko32, ko64, r + 1) - ka == e - a
                        and memcmp(kd + ka, qd + a, e - a) == 0
                    ):
                        oq[c] = i
                        orow[c] = r
                        c += 1
        i = j - STEP
        if start <= i < n:  # query i's slot: its directory entry is in cache by now
            s = &ring[i % RING]
            if s.q >= 0:
                h = s.h >> shift
                s.lo = dirp[h]
                s.hi = dirp[h + 1]
                if s.lo < s.hi:
                    HLC_PREFETCH(fp + s.lo)
        if j < n:  # hash query j, prefetch its directory entry
            s = &ring[j % RING]
            if qvalid != NULL and not qvalid[j]:
                s.q = -1
                continue
            a = offset_at(qo32, qo64, j)
            e = offset_at(qo32, qo64, j + 1)
            h = 0xFFFFFFFFu
            for p in range(a, e):
                h = CRC[(h ^ qd[p]) & 0xFF] ^ (h >> 8)
            s.q = j
            s.h = h ^ 0xFFFFFFFFu
            HLC_PREFETCH(dirp + (s.h >> shift))
    count[0] = c
    return n


def lookup_pairs(
    offsets,
    const uint8_t[::1] data,
    valid,
    const uint32_t[::1] directory,
    const uint16_t[::1] fp,
    const uint32_t[::1] rows,
    int shift,
    key_offsets,
    const uint8_t[::1] key_data,
):
    """The (query, row) pairs of a KeyIndex's exact lookup of every key of a
    string column (``offsets`` int32 or int64, ``data``, ``valid`` a uint8 array
    or None for no nulls): the index's ``directory`` / ``fp`` / ``rows`` and the
    column its keys come from (``key_offsets``, ``key_data``); every candidate
    whose 16-bit fingerprint agrees is compared byte for byte.  Two int64
    arrays, ordered by query then row (the index's entries of one key are
    ordered by row)."""
    cdef const int32_t *qo32 = NULL
    cdef const int64_t *qo64 = NULL
    cdef const int32_t *ko32 = NULL
    cdef const int64_t *ko64 = NULL
    cdef const uint8_t *vp = NULL
    cdef const uint8_t *qd = &data[0] if data.shape[0] else NULL
    cdef const uint8_t *kd = &key_data[0] if key_data.shape[0] else NULL
    cdef int64_t[::1] oq, orow
    cdef const uint16_t *fpp = &fp[0] if fp.shape[0] else NULL
    cdef const uint32_t *rp = &rows[0] if rows.shape[0] else NULL
    cdef Py_ssize_t n, start = 0, count = 0, cap
    n = column_offsets(offsets, &qo32, &qo64)
    column_offsets(key_offsets, &ko32, &ko64)
    row_flags(valid, n, &vp)
    if directory.shape[0] < 2 or (<Py_ssize_t>1 << (32 - shift)) != directory.shape[0] - 1:
        raise ValueError("directory length must be 2**(32 - shift) + 1")
    if fp.shape[0] != rows.shape[0] or directory[directory.shape[0] - 1] != rows.shape[0]:
        raise ValueError("directory, fp and rows do not agree")
    cap = max(n // 8, 64)
    q_out = np.empty(cap, dtype=np.int64)
    r_out = np.empty(cap, dtype=np.int64)
    while True:
        oq = q_out
        orow = r_out
        with nogil:
            start = _lookup_pass(
                qo32, qo64, qd, vp, start, n, &directory[0], fpp, rp, shift, ko32, ko64, kd,
                &oq[0], &orow[0], cap, &count,
            )
        if start >= n:
            return q_out[:count], r_out[:count]
        cap = 2 * cap + <Py_ssize_t>(directory[directory.shape[0] - 1])  # a slot's entries fit
        q_out = np.resize(q_out, cap)
        r_out = np.resize(r_out, cap)


def map_keys(
    offsets,
    const uint8_t[::1] data,
    const uint8_t[::1] kind,
    const uint8_t[::1] first,
    const uint8_t[::1] second,
    Py_ssize_t shortest,
    Py_ssize_t longest,
    Py_ssize_t raw_longest,
    int32_t[::1] out_offsets,
    uint8_t[::1] out_first,
    uint8_t[::1] out_second,
    uint8_t[::1] ok,
):
    """Two byte translations of every key of a string column at once, dropping
    the bytes ``x`` with ``kind[x] == 1``: ``out_first`` / ``out_second`` get
    ``first[x]`` / ``second[x]`` of every other byte, ``out_offsets`` (one more
    than the rows, from 0) their keys' offsets; ``ok[i]`` = 1 when key ``i`` has
    no byte of kind 2, ``shortest`` to ``longest`` bytes kept and at most
    ``raw_longest`` bytes in all (validity is the caller's).  The translations
    of ``bytes.translate(first, deleted)`` over the whole data, in one pass."""
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    cdef Py_ssize_t n, i, p, a, e, w = 0, kept
    cdef uint8_t x, k, bad
    n = column_offsets(offsets, &o32, &o64)
    if kind.shape[0] != 256 or first.shape[0] != 256 or second.shape[0] != 256:
        raise ValueError("kind, first and second need 256 entries")
    if out_offsets.shape[0] < n + 1 or ok.shape[0] < n:
        raise ValueError("out_offsets needs n + 1 entries, ok n")
    if n and (
        out_first.shape[0] < offset_at(o32, o64, n) - offset_at(o32, o64, 0)
        or out_second.shape[0] < out_first.shape[0]
    ):
        raise ValueError("out_first and out_second need room for every byte")
    if n and offset_at(o32, o64, n) - offset_at(o32, o64, 0) > 0x7FFFFFFF:
        raise ValueError("over 2 GiB of keys: int32 offsets cannot hold them")
    with nogil:
        out_offsets[0] = 0
        for i in range(n):
            a = offset_at(o32, o64, i)
            e = offset_at(o32, o64, i + 1)
            bad = 0
            kept = w
            for p in range(a, e):
                x = d[p]
                k = kind[x]
                if k == 1:
                    continue
                bad |= k
                out_first[w] = first[x]
                out_second[w] = second[x]
                w += 1
            kept = w - kept
            out_offsets[i + 1] = <int32_t>w
            ok[i] = bad == 0 and shortest <= kept <= longest and e - a <= raw_longest
    return w


cdef enum:
    CODE_SLOTS = 8192  # short_codes' hash table (at most half full)
    CODE_MAX = 4096  # the most distinct values short_codes takes


def short_codes(offsets, const uint8_t[::1] data, valid, int32_t[::1] out):
    """Dictionary codes of a column of short strings (at most 7 bytes, as
    country and document type texts are): ``out[i]`` = the number of row i's
    value among the distinct values in order of first appearance (-1 for a
    null row), and that list of values (bytes) -- what
    ``Array.dictionary_encode`` gives, in one pass with a small hash table.
    None (``out`` unspecified) when a value is longer or there are more than
    4096 distinct values: the caller encodes with Arrow instead."""
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const uint8_t *vp = NULL
    cdef const uint8_t *d = &data[0] if data.shape[0] else NULL
    cdef uint64_t keys[CODE_SLOTS]
    cdef int32_t ids[CODE_SLOTS]
    cdef int64_t firsts[CODE_MAX]
    cdef Py_ssize_t n, i, j, a, e, m, distinct = 0, failed = 0
    cdef uint64_t k, slot
    n = column_offsets(offsets, &o32, &o64)
    if out.shape[0] < n:
        raise ValueError("out needs one entry per row")
    row_flags(valid, n, &vp)
    with nogil:
        for j in range(CODE_SLOTS):
            ids[j] = -1
        for i in range(n):
            if vp != NULL and not vp[i]:
                out[i] = -1
                continue
            a = offset_at(o32, o64, i)
            e = offset_at(o32, o64, i + 1)
            m = e - a
            if m > 7:
                failed = 1
                break
            k = (<uint64_t>m) << 56
            for j in range(m):
                k |= (<uint64_t>d[a + j]) << (8 * j)
            slot = (k * 0x9E3779B97F4A7C15ULL) >> 51  # 13 bits
            while ids[slot] >= 0 and keys[slot] != k:
                slot = (slot + 1) & (CODE_SLOTS - 1)
            if ids[slot] < 0:
                if distinct == CODE_MAX:
                    failed = 1
                    break
                keys[slot] = k
                ids[slot] = <int32_t>distinct
                firsts[distinct] = i
                distinct += 1
            out[i] = ids[slot]
    if failed:
        return None
    values = []
    for j in range(distinct):
        a = offset_at(o32, o64, firsts[j])
        e = offset_at(o32, o64, firsts[j] + 1)
        values.append(bytes(data[a:e]))
    return values


cdef inline uint64_t _load8(const uint8_t *p, Py_ssize_t m) noexcept nogil:
    """Up to 8 bytes at ``p`` (``m`` of them when fewer), little-endian."""
    cdef uint64_t w = 0
    if m >= 8:
        memcpy(&w, p, 8)
    else:
        memcpy(&w, p, m)
    return w


cdef inline uint64_t _key_hash(const uint8_t *p, Py_ssize_t m) noexcept nogil:
    """A 64-bit hash of ``m`` bytes from their first and last 8 (and the length;
    the bytes between, past 16, are left to the byte comparison that follows
    every agreeing hash): members_of's probe, a few ns a key."""
    cdef uint64_t h = _load8(p, m) * 0x9E3779B97F4A7C15ULL
    if m > 8:
        h ^= _load8(p + m - 8, 8) * 0xC2B2AE3D27D4EB4FULL
    h ^= <uint64_t>m
    h ^= h >> 29
    h *= 0xBF58476D1CE4E5B9ULL
    h ^= h >> 32
    return h


def members_of(offsets, const uint8_t[::1] data, valid, set_offsets, const uint8_t[::1] set_data):
    """The rows of a string column (``offsets`` int32 or int64, ``data``, ``valid``
    a uint8 array or None for no nulls) whose value is one of a small value set
    (``set_offsets`` / ``set_data``, nulls there never match), and for each the
    position of its value in the set (the first where the set repeats a value):
    two int64 arrays ordered by row -- ``pc.index_in(column, value_set)`` where it
    is valid, in one pass over the column's bytes with the set's hashes in an
    open-addressing table (every hash that agrees is compared byte for byte)."""
    return members_of_chunks([(offsets, data, valid)], set_offsets, set_data)


def members_of_chunks(list chunks, set_offsets, const uint8_t[::1] set_data):
    """:func:`members_of` of a column in chunks (each ``(offsets, data, valid)``;
    rows numbered across them, the first chunk's first row 0): the set is
    hashed once, each chunk read in place (a delta's table in slices)."""
    cdef const uint8_t[::1] data
    cdef Py_ssize_t base = 0, k
    cdef const int32_t *o32 = NULL
    cdef const int64_t *o64 = NULL
    cdef const int32_t *s32 = NULL
    cdef const int64_t *s64 = NULL
    cdef const uint8_t *vp = NULL
    cdef const uint8_t *d = NULL
    cdef const uint8_t *sd = &set_data[0] if set_data.shape[0] else NULL
    cdef Py_ssize_t n, m, i, j, a, e, sa, se, size = 16, count = 0
    cdef uint64_t h, mask, b
    cdef int shift = 48
    cdef int64_t[::1] slots
    cdef uint64_t[::1] hashes
    cdef uint8_t[::1] seen
    cdef int64_t[::1] out_rows, out_pos
    m = column_offsets(set_offsets, &s32, &s64)
    while size < 4 * m:
        size *= 2
    mask = <uint64_t>(size - 1)
    slots = np.full(size, -1, dtype=np.int64)
    hashes = np.zeros(size, dtype=np.uint64)
    # one bit per 2**(64 - shift) hashes, >= 64 bits a set value (at most 2**24 bits):
    # almost every row is told by its bit, without the probe's unpredictable loop
    while shift > 40 and (<Py_ssize_t>1 << (64 - shift)) < 64 * m:
        shift -= 1
    seen = np.zeros((<Py_ssize_t>1 << (64 - shift)) // 8, dtype=np.uint8)
    for j in range(m):  # the set's values, the first of a repeated one kept
        sa = offset_at(s32, s64, j)
        se = offset_at(s32, s64, j + 1)
        h = _key_hash(sd + sa, se - sa)
        i = <Py_ssize_t>(h & mask)
        while slots[i] >= 0:
            a = offset_at(s32, s64, slots[i])
            e = offset_at(s32, s64, slots[i] + 1)
            if hashes[i] == h and e - a == se - sa and memcmp(sd + a, sd + sa, se - sa) == 0:
                break
            i = (i + 1) & <Py_ssize_t>mask
        if slots[i] < 0:
            slots[i] = j
            hashes[i] = h
            b = h >> shift
            seen[b >> 3] |= <uint8_t>(1 << (b & 7))
    rows = np.empty(max(m, 1), dtype=np.int64)
    pos = np.empty(max(m, 1), dtype=np.int64)
    out_rows = rows
    out_pos = pos
    for k in range(len(chunks)):
        offsets, data, valid = chunks[k]
        n = column_offsets(offsets, &o32, &o64)
        d = &data[0] if data.shape[0] else NULL
        vp = NULL
        row_flags(valid, n, &vp)
        with nogil:
            for j in range(n):
                if vp != NULL and not vp[j]:
                    continue
                a = offset_at(o32, o64, j)
                e = offset_at(o32, o64, j + 1)
                h = _key_hash(d + a, e - a)
                b = h >> shift
                if not (seen[b >> 3] >> (b & 7)) & 1:
                    continue
                i = <Py_ssize_t>(h & mask)
                while slots[i] >= 0:
                    if hashes[i] == h:
                        sa = offset_at(s32, s64, slots[i])
                        se = offset_at(s32, s64, slots[i] + 1)
                        if se - sa == e - a and memcmp(sd + sa, d + a, e - a) == 0:
                            if count == out_rows.shape[0]:
                                with gil:
                                    rows = np.resize(rows, 2 * count)
                                    pos = np.resize(pos, 2 * count)
                                    out_rows = rows
                                    out_pos = pos
                            out_rows[count] = base + j
                            out_pos[count] = slots[i]
                            count += 1
                            break
                    i = (i + 1) & <Py_ssize_t>mask
        base += n
    return rows[:count], pos[:count]
