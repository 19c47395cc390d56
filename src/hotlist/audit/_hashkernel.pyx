# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled hashing of the audit log (optional): the chain and the keyed hashes.

The same bytes and answers as the pure-Python reference in ``_chain.py`` (kept,
and property-tested equal, ``tests/audit/test_kernel.py``):

- ``rows``: the lines of a block of ``check_many`` rows.  Each usual row's line
  is the row template's constant text around the keyed hash of its query value
  (HMAC-SHA256 from the key's precomputed inner and outer states: two SHA-256
  compressions for a short value) and its row number; the other rows come as
  ready text.  Each line gets its ``{"seq":N,"prev":"H",`` prefix, H being the
  SHA-256 of the line before, in one C loop without the GIL.
- ``link_lines``: ``verify``'s check of a block of whole lines: each line must
  start with ``{"seq":N,"prev":"H",`` (N counting up, H the SHA-256 of the line
  before); returns the first line that does not, and where the entries other
  than checks are (read in full by the caller).

SHA-256 is the vendored ``_sha256_impl.c``: portable C, or the x86 SHA
extensions when the CPU has them (chosen at run time; ``sha_ni()``).
Built by ``pip install .`` when Cython and a C compiler are there.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t
from libc.stdlib cimport malloc, realloc, free
from libc.string cimport memcpy, memcmp, memchr


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object o)
    const char *PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)


cdef extern from "_sha256_impl.c" nogil:
    ctypedef struct hl_sha256_ctx:
        uint32_t state[8]
        uint64_t total
        uint8_t buf[64]
        size_t used
    int hl_sha256_select(int want_shani)
    void hl_sha256_init(hl_sha256_ctx *ctx)
    void hl_sha256_update(hl_sha256_ctx *ctx, const uint8_t *data, size_t n)
    void hl_sha256_final(hl_sha256_ctx *ctx, uint8_t out[32])
    void hl_sha256(const uint8_t *data, size_t n, uint8_t out[32])
    void hl_hex(const uint8_t *data, size_t n, char *out)
    void hl_blocks(uint32_t state[8], const uint8_t *data, size_t blocks)
    void hl_block2(uint32_t sa[8], const uint8_t *da, uint32_t sb[8], const uint8_t *db)
    void hl_digest(const uint32_t state[8], uint8_t out[32])
    int hl_pad(const uint8_t *tail, size_t n, uint64_t total, uint8_t *out)
    void hl_sha256_x2(const uint8_t *a, size_t la, uint8_t outa[32],
                      const uint8_t *b, size_t lb, uint8_t outb[32])
    const uint32_t HL_H0[8]


cdef int _shani = hl_sha256_select(1)


def sha_ni(want=None):
    """Whether SHA-256 uses the CPU's SHA extensions; ``want`` False forces the
    portable code (tests), True selects the extensions when the CPU has them."""
    global _shani
    if want is not None:
        _shani = hl_sha256_select(1 if want else 0)
    return bool(_shani)


def sha256_hex(bytes data):
    """``hashlib.sha256(data).hexdigest()``.  The GIL is kept: a line takes well
    under a microsecond, less than handing the GIL over and back would cost."""
    cdef uint8_t digest[32]
    cdef char out[64]
    hl_sha256(<const uint8_t *>PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), digest)
    hl_hex(digest, 32, out)
    return out[:64].decode("ascii")


# -- keyed hashes ------------------------------------------------------------------------

cdef struct Keyed:
    hl_sha256_ctx inner  # after the 64-byte key block xor 0x36 and the field group prefix
    hl_sha256_ctx outer  # after the 64-byte key block xor 0x5c
    uint32_t istate[8]  # the inner state after the key block alone
    uint8_t prefix[56]  # the field group prefix (when shorter than 56 bytes)
    size_t prefix_len


cdef void _key_states(Keyed *k, const uint8_t *block, const uint8_t *prefix, size_t prefix_len) noexcept nogil:
    cdef uint8_t pad[64]
    cdef int i
    for i in range(64):
        pad[i] = block[i] ^ 0x36
    hl_sha256_init(&k.inner)
    hl_sha256_update(&k.inner, pad, 64)
    memcpy(k.istate, k.inner.state, 32)
    k.prefix_len = prefix_len if prefix_len < 56 else 56  # 56: no one-block form
    memcpy(k.prefix, prefix, k.prefix_len)
    hl_sha256_update(&k.inner, prefix, prefix_len)
    for i in range(64):
        pad[i] = block[i] ^ 0x5C
    hl_sha256_init(&k.outer)
    hl_sha256_update(&k.outer, pad, 64)


cdef inline bint _space(uint8_t ch) noexcept nogil:
    # str.isspace() of an ASCII character
    return ch == 32 or (ch >= 9 and ch <= 13) or (ch >= 28 and ch <= 31)


cdef inline void _strip(const uint8_t *text, size_t *first, size_t *last) noexcept nogil:
    """``text[first:last]`` without white space at either end (``str.strip()``)."""
    while first[0] < last[0] and _space(text[first[0]]):
        first[0] += 1
    while last[0] > first[0] and _space(text[last[0] - 1]):
        last[0] -= 1


cdef size_t _normalised(const uint8_t *text, size_t *at, size_t last, int mode,
                        uint8_t *out, size_t cap) noexcept nogil:
    """At most ``cap`` bytes of ``text[at:last]`` normalised by ``mode`` (see
    ``_keyed``) to ``out``; returns how many, ``at`` moved past what was read."""
    cdef size_t m = 0, i = at[0]
    cdef uint8_t ch
    while i < last and m < cap:
        ch = text[i]
        i += 1
        if mode != 2:
            if ch >= 97 and ch <= 122:
                ch -= 32
            elif mode == 0 and not ((ch >= 65 and ch <= 90) or (ch >= 48 and ch <= 57)):
                continue
        out[m] = ch
        m += 1
    at[0] = i
    return m


cdef void _keyed(const Keyed *k, const uint8_t *text, size_t n, int mode, char *out32) noexcept nogil:
    """The keyed hash (32 hex) of ASCII ``text`` normalised by ``mode``: 0 (a
    document number, VIN or plate) its letters upper-cased and its digits,
    everything else dropped; 1 (any other field) stripped of white space at both
    ends and upper-cased; 2 as is."""
    cdef hl_sha256_ctx ctx = k.inner
    cdef uint8_t digest[32]
    cdef uint8_t chunk[256]
    cdef size_t first = 0, last = n
    if mode == 2:
        hl_sha256_update(&ctx, text, n)
    else:
        if mode == 1:
            _strip(text, &first, &last)
        while first < last:
            hl_sha256_update(&ctx, chunk, _normalised(text, &first, last, mode, chunk, 256))
    hl_sha256_final(&ctx, digest)
    ctx = k.outer
    hl_sha256_update(&ctx, digest, 32)
    hl_sha256_final(&ctx, digest)
    hl_hex(digest, 16, out32)


cdef bint _one_block(const Keyed *k, const uint8_t *text, size_t n, int mode, uint8_t *blk) noexcept nogil:
    """The inner hash's last block when the prefix and the normalised ``text``
    (as in ``_keyed``) fit in one padded block: written to ``blk``; False when not."""
    cdef size_t m = k.prefix_len, first = 0, last = n
    cdef uint8_t spare
    if m >= 56:
        return False
    memcpy(blk, k.prefix, m)
    if mode == 1:
        _strip(text, &first, &last)
    m += _normalised(text, &first, last, mode, blk + m, 55 - m)
    if _normalised(text, &first, last, mode, &spare, 1):
        return False  # longer than one block
    hl_pad(blk, m, 64 + m, blk)
    return True


def keyed_hash(bytes block, bytes prefix, bytes text, int mode=2):
    """HMAC-SHA256 with the 64-byte key ``block`` of ``prefix + text`` (``text``
    ASCII, normalised by ``mode``, see ``_keyed``), 32 hex."""
    cdef Keyed k
    cdef char out[32]
    if len(block) != 64:
        raise ValueError("the key block is 64 bytes")
    _key_states(&k, <const uint8_t *>PyBytes_AS_STRING(block),
                <const uint8_t *>PyBytes_AS_STRING(prefix), PyBytes_GET_SIZE(prefix))
    _keyed(&k, <const uint8_t *>PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text), mode, out)
    return out[:32].decode("ascii")


cdef class Keyer:
    """``keyed_hash`` with one key block and one prefix, their states computed once:
    a call costs the two compressions of a short value."""

    cdef Keyed k

    def __init__(self, bytes block, bytes prefix):
        if len(block) != 64:
            raise ValueError("the key block is 64 bytes")
        _key_states(&self.k, <const uint8_t *>PyBytes_AS_STRING(block),
                    <const uint8_t *>PyBytes_AS_STRING(prefix), PyBytes_GET_SIZE(prefix))

    def __call__(self, bytes text):
        cdef char out[32]
        _keyed(&self.k, <const uint8_t *>PyBytes_AS_STRING(text), PyBytes_GET_SIZE(text), 2, out)
        return out[:32].decode("ascii")


# -- the lines of check_many rows ----------------------------------------------------------

cdef inline int _digits(int64_t v) noexcept nogil:
    cdef int d = 1
    while v >= 10:
        v //= 10
        d += 1
    return d


cdef inline char *_put_int(char *p, int64_t v, int d) noexcept nogil:
    cdef int i
    for i in range(d - 1, -1, -1):
        p[i] = <char>(48 + v % 10)
        v //= 10
    return p + d


cdef inline char *_put(char *p, const char *s, Py_ssize_t n) noexcept nogil:
    memcpy(p, s, n)
    return p + n


cdef inline Py_ssize_t _beside(uint32_t *state, const uint8_t *line, Py_ssize_t done,
                               Py_ssize_t full, uint32_t *other, const uint8_t *blk) noexcept nogil:
    """One block ``blk`` of the hash ``other``, the line's next full block beside it
    while it has one; returns how many of the line's blocks are done."""
    if done < full:
        hl_block2(state, line + 64 * done, other, blk)
        return done + 1
    hl_blocks(other, blk, 1)
    return done


cdef Py_ssize_t _row_hashes(const Keyed *keys, Py_ssize_t k, const int *mode, const char **ptr,
                            const Py_ssize_t *lens, char *out, uint32_t *state,
                            const uint8_t *line, Py_ssize_t full) noexcept nogil:
    """The keyed hashes (32 hex each, to ``out``) of a row's k values at ``ptr`` /
    ``lens``.  Beside them, while it has full blocks left, the hash ``state`` of
    ``line`` goes on a block at a time (two independent hashes in step keep the
    SHA unit busy); returns how many of its ``full`` blocks were done."""
    cdef Py_ssize_t j, done = 0
    cdef uint8_t blk[64]
    cdef uint8_t digest[32]
    cdef uint32_t inner[8]
    cdef uint32_t outer[8]
    for j in range(k):
        if not _one_block(&keys[j], <const uint8_t *>ptr[j], lens[j], mode[j], blk):
            _keyed(&keys[j], <const uint8_t *>ptr[j], lens[j], mode[j], out + 32 * j)
            continue
        memcpy(inner, keys[j].istate, 32)
        done = _beside(state, line, done, full, inner, blk)
        hl_digest(inner, digest)
        hl_pad(digest, 32, 96, blk)
        memcpy(outer, keys[j].outer.state, 32)
        done = _beside(state, line, done, full, outer, blk)
        hl_digest(outer, digest)
        hl_hex(digest, 16, out + 32 * j)
    return done


def rows(bytes block, list prefixes, list modes, list columns, list pieces, list special,
         rest_of, Py_ssize_t row0, Py_ssize_t n, int64_t seq, str prev):
    """The lines (each with its newline) of rows ``row0 .. row0 + n - 1`` of a
    batch, chained after entry ``seq`` whose hash is ``prev``; returns ``(lines,
    last seq, last hash)``.

    With k query ``columns`` (their field group prefixes and normalisation modes,
    see ``_keyed``), a usual row's text after its prefix is ``pieces[0] + h0 +
    pieces[1] + h1 + ... + pieces[k] + str(row) + pieces[k + 1]``, hj the keyed
    hash of ``columns[j][row]``.  A row in ``special`` (sorted), a row with a
    value that is not an ASCII str, and every row when there is no column, is
    ``rest_of(row)`` (bytes) instead."""
    cdef Py_ssize_t k = len(columns), i, j, total = 0, rest_len, sp = 0, n_special = len(special)
    cdef Py_ssize_t row, next_special
    cdef Keyed *keys = NULL
    cdef const char **ptr = NULL
    cdef Py_ssize_t *lens = NULL
    cdef const char **piece = NULL
    cdef Py_ssize_t *piece_len = NULL
    cdef int *mode = NULL
    cdef char *out
    cdef char *p
    cdef char *line
    cdef char hexprev[64]
    cdef uint8_t digest[32]
    cdef uint8_t pad[128]
    cdef uint32_t state[8]
    cdef Py_ssize_t full, done
    cdef char *cur = NULL
    cdef char *nxt = NULL
    cdef char *swap
    cdef int64_t s
    cdef bint usual
    cdef bytes prev_b = prev.encode("ascii")
    cdef list keep = []
    if len(block) != 64 or len(prev_b) != 64:
        raise ValueError("the key block is 64 bytes and a chain hash 64 hex")
    if len(prefixes) != k or len(modes) != k or (k and len(pieces) != k + 2):
        raise ValueError("one prefix and mode per column, and k + 2 pieces")
    for column in columns:
        if len(<list>column) < row0 + n:
            raise ValueError("a column is shorter than the rows")
    memcpy(hexprev, PyBytes_AS_STRING(prev_b), 64)
    keys = <Keyed *>malloc(max(k, 1) * sizeof(Keyed))
    ptr = <const char **>malloc(max(n * (k + 1), 1) * sizeof(char *))
    lens = <Py_ssize_t *>malloc(max(n * (k + 1), 1) * sizeof(Py_ssize_t))
    piece = <const char **>malloc((k + 2) * sizeof(char *))
    piece_len = <Py_ssize_t *>malloc((k + 2) * sizeof(Py_ssize_t))
    mode = <int *>malloc(max(k, 1) * sizeof(int))
    cur = <char *>malloc(max(k, 1) * 32)
    nxt = <char *>malloc(max(k, 1) * 32)
    try:
        if not (keys and ptr and lens and piece and piece_len and mode and cur and nxt):
            raise MemoryError()
        for j in range(k + 2 if k else 0):
            piece[j] = <bytes>pieces[j]
            piece_len[j] = len(<bytes>pieces[j])
        for j in range(k):
            mode[j] = modes[j]
            _key_states(&keys[j], <const uint8_t *>PyBytes_AS_STRING(block),
                        <const uint8_t *>PyBytes_AS_STRING(<bytes>prefixes[j]),
                        PyBytes_GET_SIZE(<bytes>prefixes[j]))
        # the sources of every row, and the exact size of the lines (with the GIL):
        # row i's k values at ptr[i * (k + 1) + j], or its ready text at ptr[i * (k + 1)]
        # with a negative length
        next_special = special[0] if n_special else -1
        while 0 <= next_special < row0 and sp < n_special:
            sp += 1
            next_special = special[sp] if sp < n_special else -1
        for i in range(n):
            row = row0 + i
            s = seq + 1 + i
            usual = k > 0 and row != next_special
            if row == next_special:
                sp += 1
                next_special = special[sp] if sp < n_special else -1
            if usual:
                rest_len = piece_len[k] + piece_len[k + 1] + _digits(row)
                for j in range(k):
                    v = (<list>columns[j])[row]
                    if type(v) is not str or not PyUnicode_IS_ASCII(v):
                        usual = False
                        break
                    ptr[i * (k + 1) + j] = PyUnicode_DATA(v)
                    lens[i * (k + 1) + j] = PyUnicode_GET_LENGTH(v)
                    rest_len += piece_len[j] + 32
            if not usual:
                r = rest_of(row)
                keep.append(r)
                ptr[i * (k + 1)] = <bytes>r
                rest_len = len(<bytes>r)
                lens[i * (k + 1)] = -1 - rest_len
            total += 7 + _digits(s) + 9 + 64 + 2 + rest_len + 1
        result = PyBytes_FromStringAndSize(NULL, total)
        out = PyBytes_AS_STRING(result)
        with nogil:
            if n and lens[0] >= 0:
                _row_hashes(keys, k, mode, ptr, lens, cur, NULL, NULL, 0)
            p = out
            for i in range(n):
                line = p
                s = seq + 1 + i
                p = _put(p, b'{"seq":', 7)
                p = _put_int(p, s, _digits(s))
                p = _put(p, b',"prev":"', 9)
                p = _put(p, hexprev, 64)
                p = _put(p, b'",', 2)
                if lens[i * (k + 1)] < 0:
                    p = _put(p, ptr[i * (k + 1)], -1 - lens[i * (k + 1)])
                else:
                    for j in range(k):
                        p = _put(p, piece[j], piece_len[j])
                        p = _put(p, cur + 32 * j, 32)
                    p = _put(p, piece[k], piece_len[k])
                    p = _put_int(p, row0 + i, _digits(row0 + i))
                    p = _put(p, piece[k + 1], piece_len[k + 1])
                # the line's hash, the next row's keyed hashes computed beside it
                memcpy(state, HL_H0, 32)
                full = (p - line) // 64
                done = 0
                if i + 1 < n and lens[(i + 1) * (k + 1)] >= 0:
                    done = _row_hashes(keys, k, mode, ptr + (i + 1) * (k + 1),
                                       lens + (i + 1) * (k + 1), nxt, state,
                                       <const uint8_t *>line, full)
                hl_blocks(state, <const uint8_t *>line + 64 * done, full - done)
                hl_blocks(state, pad, hl_pad(<const uint8_t *>line + 64 * full,
                                             (p - line) % 64, p - line, pad))
                hl_digest(state, digest)
                hl_hex(digest, 32, hexprev)
                p[0] = 10
                p += 1
                swap = cur
                cur = nxt
                nxt = swap
    finally:
        free(keys)
        free(ptr)
        free(lens)
        free(piece)
        free(piece_len)
        free(mode)
        free(cur)
        free(nxt)
    return result, seq + n, hexprev[:64].decode("ascii")


# -- verify ---------------------------------------------------------------------------------

def link_lines(const unsigned char[::1] data, Py_ssize_t end, int64_t first_seq, bytes prev):
    """Check the links of the whole lines in ``data[:end]`` (each ends with a
    newline); returns ``(lines, bad, head, others)``: the number of lines, the
    index of the first line that does not start with ``{"seq":N,"prev":"H",``
    (-1 when all do; then ``head`` is the hash of the last line, else b""), and
    ``(index, start, stop)`` of every line before it that is not a check entry
    (whose first key after the prefix is not ``"alarm":``)."""
    cdef const char *buf = <const char *>&data[0] if data.shape[0] else <const char *>""
    cdef const char *p
    cdef const char *nl
    cdef const char *q
    cdef const char *nl2
    cdef uint8_t digest2[32]
    cdef bint has_next = False
    cdef Py_ssize_t pos = 0, length, count = 0, bad = -1, n_other = 0, cap = 64
    cdef Py_ssize_t *other = <Py_ssize_t *>malloc(cap * 3 * sizeof(Py_ssize_t))
    cdef Py_ssize_t *grown
    cdef char hexprev[64]
    cdef char digits[20]
    cdef uint8_t digest[32]
    cdef int64_t s = first_seq
    cdef int d
    cdef bint failed = False
    if other == NULL:
        raise MemoryError()
    if len(prev) != 64 or end > data.shape[0] or end < 0:
        free(other)
        raise ValueError("prev is 64 hex; end within the data")
    memcpy(hexprev, PyBytes_AS_STRING(prev), 64)
    with nogil:
        while pos < end:
            p = buf + pos
            nl = <const char *>memchr(p, 10, end - pos)
            if nl == NULL:
                bad = count  # not a whole line: the caller passes whole lines only
                break
            length = nl - p
            # this line's hash and the next's together (two hashes in step)
            if has_next:
                memcpy(digest, digest2, 32)
                has_next = False
            else:
                q = nl + 1
                nl2 = <const char *>memchr(q, 10, end - (q - buf)) if q < buf + end else NULL
                if nl2 != NULL:
                    hl_sha256_x2(<const uint8_t *>p, length, digest,
                                 <const uint8_t *>q, nl2 - q, digest2)
                    has_next = True
                else:
                    hl_sha256(<const uint8_t *>p, length, digest)
            d = _digits(s)
            _put_int(digits, s, d)
            if (length < 82 + d or memcmp(p, b'{"seq":', 7) != 0 or memcmp(p + 7, digits, d) != 0
                    or memcmp(p + 7 + d, b',"prev":"', 9) != 0
                    or memcmp(p + 16 + d, hexprev, 64) != 0 or memcmp(p + 80 + d, b'",', 2) != 0):
                bad = count
                break
            if length < 90 + d or memcmp(p + 82 + d, b'"alarm":', 8) != 0:
                if n_other == cap:
                    cap *= 2
                    grown = <Py_ssize_t *>realloc(other, cap * 3 * sizeof(Py_ssize_t))
                    if grown == NULL:
                        failed = True
                        break
                    other = grown
                other[3 * n_other] = count
                other[3 * n_other + 1] = pos
                other[3 * n_other + 2] = pos + length
                n_other += 1
            hl_hex(digest, 32, hexprev)
            count += 1
            s += 1
            pos += length + 1
    try:
        if failed:
            raise MemoryError()
        if bad >= 0:
            return bad, bad, b"", [(other[3 * i], other[3 * i + 1], other[3 * i + 2]) for i in range(n_other)]
        return count, -1, hexprev[:64], [
            (other[3 * i], other[3 * i + 1], other[3 * i + 2]) for i in range(n_other)
        ]
    finally:
        free(other)
