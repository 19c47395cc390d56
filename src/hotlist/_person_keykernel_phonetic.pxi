# Part of hotlist._person_keykernel (included by _person_keykernel.pyx): one
# A-Z token's phonetic key, as hotlist.names.phonetic_key makes it.

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


cdef Py_ssize_t _replace(uint8_t *buf, Py_ssize_t n, int r, bint *hits) noexcept nogil:
    """``str.replace(old, new)`` of rule ``r`` in place (``new`` no longer than
    ``old``); ``hits[0]`` set when it replaced something."""
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
                hits[0] = True
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


cdef Py_ssize_t _variant(uint8_t *buf, Py_ssize_t n, bint spelled, bint *fired) noexcept nogil:
    """``_phonetic._variant_py`` in place (``spelled``: without the rules of
    ``_phonetic._SPELLED``); ``fired[0]`` set when one of those rules replaced
    something (if none did, the spelled form is this one)."""
    cdef Py_ssize_t i
    cdef int r
    cdef bint hits
    cdef uint32_t letters = 0  # the letters present (a superset once rules ran)
    n = _fold(buf, n, buf)
    for i in range(n):
        letters |= (<uint32_t>1) << (buf[i] & 31)
    for r in range(n_rules):
        if letters & rule_first[r] and not (spelled and rule_spelled[r]):
            hits = False
            n = _replace(buf, n, r, &hits)
            letters |= rule_letters[r]
            if hits and rule_spelled[r]:
                fired[0] = True
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


cdef Py_ssize_t _pkey(
    const uint8_t *s, Py_ssize_t n, uint8_t *out, uint8_t *form, bint spelled=False,
    bint *fired=NULL
) noexcept nogil:
    """``names.phonetic_key`` of an A-Z token into ``out`` (2n + 4 bytes); ``form``
    is scratch of n bytes; ``spelled``: ``_phonetic.spelled_key``; ``fired[0]``
    set when a rule the spelled key leaves out was used (not: it is this key)."""
    cdef Py_ssize_t m, k, i
    cdef uint8_t c
    cdef bint any_ = False
    if n == 0:
        return 0
    if n >= 2 and s[1] == 69 and (s[0] == 89 or s[0] == 74 or s[0] == 73):  # YE JE IE -> E
        form[0] = 69
        memcpy(form + 1, s + 2, n - 2)
        m = n - 1
    else:
        memcpy(form, s, n)
        m = n
    m = _variant(form, m, spelled, &any_)
    if fired != NULL and any_:
        fired[0] = True
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


def phonetic_key(bytes token, bint spelled=False):
    """``names.phonetic_key`` (``spelled``: ``spelled_key``) of one A-Z token (for the tests)."""
    cdef Py_ssize_t n = len(token)
    cdef bytearray out = bytearray(2 * n + 8), form = bytearray(n + 8)
    if not configured:
        raise RuntimeError("configure() first")
    cdef Py_ssize_t k = _pkey(
        <const uint8_t *>token, n, <uint8_t *>(<char *>out), <uint8_t *>(<char *>form), spelled
    )
    return bytes(out[:k])
