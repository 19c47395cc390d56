# Part of hotlist._person_keykernel (included by _person_keykernel.pyx): the
# keys of each distinct normalised name (hotlist._person_keys.entry_keys).

# -- the keys of a name, and of every entry -------------------------------------

cdef struct Grow:
    uint8_t *p
    Py_ssize_t n
    Py_ssize_t cap


cdef int _reserve(Grow *g, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap
    cdef uint8_t *p
    if g.n + extra <= g.cap:
        return 0
    cap = max(2 * g.cap, g.n + extra, 256)
    p = <uint8_t *>realloc(g.p, cap)
    if p == NULL:
        raise MemoryError()
    g.p = p
    g.cap = cap
    return 0


cdef int _put(Grow *g, const void *src, Py_ssize_t n) except -1:
    _reserve(g, n)
    memcpy(g.p + g.n, src, n)
    g.n += n
    return 0


cdef struct Tok:
    Py_ssize_t t0, tn  # the token, in the name
    Py_ssize_t f0, fn  # its folded form (arena)
    Py_ssize_t p0, pn  # phonetic key of the folded form
    Py_ssize_t a0, an  # ... of it without an attached article (an = 0: none)
    Py_ssize_t k0, kn  # ... of the token as written (kn = 0: an initial)
    Py_ssize_t s0, sn  # the spelled key of the folded form
    bint full  # folded form not an initial nor a particle
    bint notpart  # token as written not a particle
    int64_t src  # the token's number in the cache


cdef Py_ssize_t _token(const uint8_t *s, Py_ssize_t tn, Tok *t, uint8_t *buf, uint8_t *form) noexcept nogil:
    """What a name's keys need of one token (``_person_keys._token_info``): its
    folded form, phonetic keys and flags, the strings written to ``buf`` (the
    offsets in ``t`` relative to it); the bytes written."""
    cdef Py_ssize_t a = 0, j
    cdef bint art = False, fired = False
    t.tn = tn
    t.f0 = 0
    t.fn = _fold(s, tn, buf)
    a = t.fn
    t.full = t.fn > 1 and not _particle(buf, t.fn)
    t.p0 = a
    t.pn = _pkey(buf, t.fn, buf + a, form, False, &fired)
    a += t.pn
    t.a0 = a
    t.an = 0
    if t.fn >= 6:
        for j in range(n_art):
            if art_n[j] <= t.fn and memcmp(buf, art_s[j], art_n[j]) == 0:
                art = True
        if art:
            t.an = _pkey(buf + 2, t.fn - 2, buf + a, form)
            a += t.an
    t.s0 = t.p0  # the spelled key: the same unless a rule it leaves out was used
    t.sn = t.pn
    if fired:
        t.s0 = a
        t.sn = _pkey(buf, t.fn, buf + a, form, True)
        a += t.sn
    t.notpart = not _particle(s, tn)
    t.k0 = a
    t.kn = 0
    if tn > 1:
        if t.fn == tn:  # nothing folded: the same key
            t.k0 = t.p0
            t.kn = t.pn
        else:
            t.kn = _pkey(s, tn, buf + a, form)
            a += t.kn
    return a


cdef class _Cache:
    """Each distinct token's :func:`_token` (an open-addressing hash table)."""

    cdef Grow store  # per token: its bytes, then what _token wrote
    cdef Tok *info  # per token; t0: where its bytes are in store
    cdef int64_t *blk  # per token: where _token's bytes are in store
    cdef int64_t *slots  # token number + 1, 0: empty
    cdef Py_ssize_t count, cap, mask

    def __dealloc__(self):
        free(self.store.p)
        free(self.info)
        free(self.blk)
        free(self.slots)


cdef inline uint64_t _hash(const uint8_t *s, Py_ssize_t n) noexcept nogil:
    """A 64-bit hash of ``s[:n]``, eight bytes at a time, MurmurHash3's finaliser."""
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>n, w
    cdef Py_ssize_t i = 0
    while i + 8 <= n:
        memcpy(&w, s + i, 8)
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
        h ^= h >> 32
        i += 8
    if i < n:
        w = 0
        memcpy(&w, s + i, n - i)
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 33
    return h


cdef int _grow_cache(_Cache c) except -1:
    cdef Py_ssize_t cap = max(2 * c.cap, 4096), i, slot
    cdef Tok *info = <Tok *>realloc(c.info, cap * sizeof(Tok))
    if info == NULL:
        raise MemoryError()
    c.info = info
    cdef int64_t *blk = <int64_t *>realloc(c.blk, cap * sizeof(int64_t))
    if blk == NULL:
        raise MemoryError()
    c.blk = blk
    cdef int64_t *slots = <int64_t *>calloc(2 * cap, sizeof(int64_t))
    if slots == NULL:
        raise MemoryError()
    free(c.slots)
    c.slots = slots
    c.cap = cap
    c.mask = 2 * cap - 1
    for i in range(c.count):  # rehash
        slot = _hash(c.store.p + c.info[i].t0, c.info[i].tn) & c.mask
        while c.slots[slot]:
            slot = (slot + 1) & c.mask
        c.slots[slot] = i + 1
    return 0


cdef Py_ssize_t _cached_token(
    _Cache c, const uint8_t *s, Py_ssize_t tn, Tok *t, uint8_t *buf, Py_ssize_t at, uint8_t *form
) except -1:
    """:func:`_token` of ``s[:tn]`` written at ``buf`` (``at`` in the name's arena),
    from the cache when the token was seen before; the bytes written."""
    cdef Py_ssize_t slot, e, n
    cdef Tok *hit
    if c.count >= c.cap:
        _grow_cache(c)
    slot = _hash(s, tn) & c.mask
    while c.slots[slot]:
        e = c.slots[slot] - 1
        hit = &c.info[e]
        if hit.tn == tn and memcmp(c.store.p + hit.t0, s, tn) == 0:
            break
        slot = (slot + 1) & c.mask
    else:
        e = c.count
        n = _token(s, tn, t, buf, form)
        _reserve(&c.store, tn + n)
        memcpy(c.store.p + c.store.n, s, tn)
        memcpy(c.store.p + c.store.n + tn, buf, n)
        c.info[e] = t[0]
        c.info[e].t0 = c.store.n
        c.blk[e] = c.store.n + tn
        c.store.n += tn + n
        c.slots[slot] = e + 1
        c.count += 1
        hit = &c.info[e]
    n = max(hit.fn, hit.p0 + hit.pn, hit.a0 + hit.an, hit.k0 + hit.kn, hit.s0 + hit.sn)
    memcpy(buf, c.store.p + c.blk[e], n)
    t.tn = tn
    t.fn = hit.fn
    t.full = hit.full
    t.notpart = hit.notpart
    t.f0 = at + hit.f0
    t.p0 = at + hit.p0
    t.pn = hit.pn
    t.a0 = at + hit.a0
    t.an = hit.an
    t.k0 = at + hit.k0
    t.kn = hit.kn
    t.s0 = at + hit.s0
    t.sn = hit.sn
    t.src = e
    return n


cdef struct Ref:
    Py_ssize_t at, n
    int64_t src  # a token's key: token * 32 + what (see _SRC_*), -1: the name's own


cdef Py_ssize_t _dedupe(Ref *r, Py_ssize_t n, const uint8_t *arena, Py_ssize_t keep) noexcept nogil:
    """``list(dict.fromkeys(...))`` of the keys ``r[:n]`` (empty ones dropped), at most ``keep``."""
    cdef Py_ssize_t i, j, k = 0
    cdef bint seen
    for i in range(n):
        if r[i].n == 0:
            continue
        seen = False
        for j in range(k):
            if r[j].n == r[i].n and memcmp(arena + r[j].at, arena + r[i].at, r[i].n) == 0:
                seen = True
                break
        if not seen:
            if k >= keep:
                break
            r[k] = r[i]
            k += 1
    return k


cdef bint _less(const uint8_t *arena, Ref a, Ref b) noexcept nogil:
    cdef Py_ssize_t m = a.n if a.n < b.n else b.n
    cdef int c = memcmp(arena + a.at, arena + b.at, m)
    return c < 0 or (c == 0 and a.n < b.n)


cdef bint _valid(const uint8_t *s, Py_ssize_t n) noexcept nogil:
    """A normalised name: A-Z, spaces, at most one comma, followed by a space."""
    cdef Py_ssize_t i, commas = 0
    cdef uint8_t c
    for i in range(n):
        c = s[i]
        if c == 44:
            commas += 1
            if commas > 1 or i + 1 >= n or s[i + 1] != 32:
                return False
        elif c != 32 and not (65 <= c <= 90):
            return False
    return True


cdef class _Names:
    """The name keys, part keys and part-key signature of each distinct name."""

    cdef Grow nk, pk, sig
    cdef int64_t *nk_end  # end of each name key in nk
    cdef int64_t *nk_src  # where each name key comes from (Ref.src)
    cdef Py_ssize_t src_cap
    cdef _Cache cache
    cdef int64_t *nk_list  # first name key of each name (len D + 1)
    cdef int64_t *pk_end
    cdef int64_t *pk_list
    cdef int64_t *sig_off
    cdef Py_ssize_t nk_count, nk_cap, pk_count, pk_cap

    def __dealloc__(self):
        free(self.nk.p)
        free(self.pk.p)
        free(self.sig.p)
        free(self.nk_end)
        free(self.nk_src)
        free(self.nk_list)
        free(self.pk_end)
        free(self.pk_list)
        free(self.sig_off)


cdef int _ends(int64_t **ends, Py_ssize_t *cap, Py_ssize_t count, Py_ssize_t extra) except -1:
    cdef Py_ssize_t c
    cdef int64_t *p
    if count + extra <= cap[0]:
        return 0
    c = max(2 * cap[0], count + extra, 1024)
    p = <int64_t *>realloc(ends[0], c * sizeof(int64_t))
    if p == NULL:
        raise MemoryError()
    ends[0] = p
    cap[0] = c
    return 0


cdef int _name(
    _Names out, _Cache cache, const uint8_t *s, Py_ssize_t L, Tok *tok, Ref *refs, Ref *pairs,
    uint8_t *arena, uint8_t *form, uint8_t *joined
) except -1:
    """:func:`hotlist._person_keys.entry_keys` of one normalised name, appended to ``out``."""
    cdef Py_ssize_t T = 0, i = 0, j, a = 0, nref = 0, npair = 0, nout, npk, x, y, fam, prev
    cdef Ref *spairs = pairs + L + 2  # the joined pairs' spelled keys
    cdef bint fired
    cdef Py_ssize_t parts[4]
    cdef Py_ssize_t nparts = 0
    cdef bint has_full = False
    cdef Ref pk[4]
    cdef Ref r
    cdef Tok *t
    cdef Tok *p
    while i < L:  # tokens: runs of letters (commas removed, split on spaces)
        if s[i] == 32 or s[i] == 44:
            i += 1
            continue
        j = i
        while j < L and s[j] != 32 and s[j] != 44:
            j += 1
        tok[T].t0 = i
        tok[T].tn = j - i
        T += 1
        i = j
    for x in range(T):
        a += _cached_token(cache, s + tok[x].t0, tok[x].tn, &tok[x], arena + a, a, form)
    # names.blocking_keys: full parts' keys (and without an article), joined pairs
    prev = -1
    for x in range(T):
        t = &tok[x]
        if t.full:
            has_full = True
            refs[nref].at = t.p0
            refs[nref].n = t.pn
            refs[nref].src = t.src * 32
            nref += 1
            if t.an:
                refs[nref].at = t.a0
                refs[nref].n = t.an
                refs[nref].src = t.src * 32 + 1
                nref += 1
            if prev >= 0 and tok[prev].fn > 1:
                p = &tok[prev]
                memcpy(joined, arena + p.f0, p.fn)
                memcpy(joined + p.fn, arena + t.f0, t.fn)
                pairs[npair].at = a
                pairs[npair].src = -1
                fired = False
                pairs[npair].n = _pkey(joined, p.fn + t.fn, arena + a, form, False, &fired)
                a += pairs[npair].n
                spairs[npair] = pairs[npair]
                if fired:
                    spairs[npair].at = a
                    spairs[npair].n = _pkey(joined, p.fn + t.fn, arena + a, form, True)
                    a += spairs[npair].n
                npair += 1
        prev = x
    for x in range(npair):
        refs[nref] = pairs[x]
        nref += 1
    # the spelled keys (where they differ, _dedupe drops the others)
    for x in range(T):
        t = &tok[x]
        if t.full:
            refs[nref].at = t.s0
            refs[nref].n = t.sn
            refs[nref].src = t.src * 32 + 28
            nref += 1
    for x in range(npair):
        refs[nref] = spairs[x]
        nref += 1
    if not has_full:
        for x in range(T):
            refs[nref].at = tok[x].p0
            refs[nref].n = tok[x].pn
            refs[nref].src = tok[x].src * 32
            nref += 1
    nout = _dedupe(refs, nref, arena, max_keys)
    # letter keys: the letters run together, and given names first
    if T:
        refs[nout].at = a
        refs[nout].src = -1
        arena[a] = 35  # '#'
        a += 1
        for x in range(T):
            memcpy(arena + a, s + tok[x].t0, tok[x].tn)
            a += tok[x].tn
        refs[nout].n = a - refs[nout].at
        nout += 1
        fam = -1
        for i in range(L):
            if s[i] == 44:
                fam = i
                break
        if fam >= 0:  # "FAMILY, GIVEN": the given names' letters, then the family's
            r.at = a
            r.src = -1
            arena[a] = 35
            a += 1
            for i in range(fam + 2, L):
                if s[i] != 32:
                    arena[a] = s[i]
                    a += 1
            for i in range(fam):
                if s[i] != 32:
                    arena[a] = s[i]
                    a += 1
            r.n = a - r.at
            if r.n > 1 and not (
                r.n == refs[nout - 1].n and memcmp(arena + r.at, arena + refs[nout - 1].at, r.n) == 0
            ):
                refs[nout] = r
                nout += 1
    # composite keys: each part's key with each other part's initial; the part keys
    for x in range(T):
        if tok[x].notpart and nparts < 4:
            parts[nparts] = x
            nparts += 1
    npk = 0
    for x in range(nparts):
        t = &tok[parts[x]]
        if t.kn == 0:
            continue
        pk[npk].at = t.k0
        pk[npk].n = t.kn
        npk += 1
        for y in range(nparts):
            if y == x:
                continue
            refs[nout].at = a
            memcpy(arena + a, arena + t.k0, t.kn)
            a += t.kn
            arena[a] = 47  # '/'
            arena[a + 1] = s[tok[parts[y]].t0]
            a += 2
            refs[nout].n = t.kn + 2
            refs[nout].src = t.src * 32 + 2 + (s[tok[parts[y]].t0] - 65)
            nout += 1
    nout = _dedupe(refs, nout, arena, nout)
    _ends(&out.nk_end, &out.nk_cap, out.nk_count, nout)
    _ends(&out.nk_src, &out.src_cap, out.nk_count, nout)
    for x in range(nout):
        _put(&out.nk, arena + refs[x].at, refs[x].n)
        out.nk_end[out.nk_count] = out.nk.n
        out.nk_src[out.nk_count] = refs[x].src
        out.nk_count += 1
    npk = _dedupe(pk, npk, arena, 4)
    _ends(&out.pk_end, &out.pk_cap, out.pk_count, npk)
    for x in range(npk):
        _put(&out.pk, arena + pk[x].at, pk[x].n)
        out.pk_end[out.pk_count] = out.pk.n
        out.pk_count += 1
    # signature: the distinct part keys, sorted, joined with "+"
    for x in range(1, npk):
        r = pk[x]
        y = x
        while y > 0 and _less(arena, r, pk[y - 1]):
            pk[y] = pk[y - 1]
            y -= 1
        pk[y] = r
    for x in range(npk):
        if x:
            _put(&out.sig, b"+", 1)
        _put(&out.sig, arena + pk[x].at, pk[x].n)
    return 0


cdef _Names _names_of(const uint8_t *data, const int64_t *off, Py_ssize_t D):
    """The keys of each of the ``D`` names; None when one is not normalised."""
    cdef _Names out = _Names()
    cdef _Cache cache = _Cache()
    out.cache = cache
    cdef Py_ssize_t d, L, longest = 0
    cdef Tok *tok = NULL
    cdef Ref *refs = NULL
    cdef Ref *pairs = NULL
    cdef uint8_t *arena = NULL
    cdef uint8_t *form = NULL
    cdef uint8_t *joined = NULL
    for d in range(D):
        L = off[d + 1] - off[d]
        if not _valid(data + off[d], L):
            return None
        longest = max(longest, L)
    out.nk_list = <int64_t *>malloc((D + 1) * sizeof(int64_t))
    out.pk_list = <int64_t *>malloc((D + 1) * sizeof(int64_t))
    out.sig_off = <int64_t *>malloc((D + 1) * sizeof(int64_t))
    tok = <Tok *>malloc((longest + 2) * sizeof(Tok))
    refs = <Ref *>malloc((4 * longest + 64) * sizeof(Ref))
    pairs = <Ref *>malloc(2 * (longest + 2) * sizeof(Ref))  # and their spelled keys
    arena = <uint8_t *>malloc(64 * longest + 512)
    form = <uint8_t *>malloc(longest + 16)
    joined = <uint8_t *>malloc(longest + 16)
    try:
        if (
            out.nk_list == NULL or out.pk_list == NULL or out.sig_off == NULL or tok == NULL
            or refs == NULL or pairs == NULL or arena == NULL or form == NULL or joined == NULL
        ):
            raise MemoryError()
        for d in range(D):
            out.nk_list[d] = out.nk_count
            out.pk_list[d] = out.pk_count
            out.sig_off[d] = out.sig.n
            _name(out, cache, data + off[d], off[d + 1] - off[d], tok, refs, pairs, arena, form, joined)
        out.nk_list[D] = out.nk_count
        out.pk_list[D] = out.pk_count
        out.sig_off[D] = out.sig.n
    finally:
        free(tok)
        free(refs)
        free(pairs)
        free(arena)
        free(form)
        free(joined)
    return out


cdef inline Py_ssize_t _digits(int64_t v) noexcept nogil:
    cdef Py_ssize_t k = 1
    while v >= 10:
        v //= 10
        k += 1
    return k


cdef inline void _write_int(uint8_t *p, int64_t v, Py_ssize_t width) noexcept nogil:
    """``v`` in decimal, left-padded with zeros to ``width`` digits."""
    cdef Py_ssize_t i
    for i in range(width - 1, -1, -1):
        p[i] = 48 + v % 10
        v //= 10
