# Part of hotlist.names._namekernel (included by _namekernel.pyx):
# the comparison levels, the parse, the name bits.

# ---------------------------------------------------------------- comparison levels

cdef inline str _role(tuple c, Py_ssize_t j):
    cdef str r = <str>(<tuple>c[1])[j]
    return "family name" if r == "F" else "given name" if r == "G" else "name"


cdef inline object _level(str level, str tok, str other, str role, bint particle):
    return _tuple_new(_name_level, (level, tok, other, role, particle))


cdef set _middles(tuple c):
    """``_compare._middles``."""
    cdef tuple toks = <tuple>c[0], roles = <tuple>c[1]
    cdef list full = [], given
    cdef Py_ssize_t i
    cdef str t
    for i in range(len(toks)):
        t = <str>toks[i]
        if t not in _particles and len(t) > 1:
            full.append(i)
    if c[4]:
        given = [i for i in full if roles[i] == "G"]
        return set(given[1:])
    return set(full[1 : len(full) - 1]) if len(full) > 2 else set()


cdef bint _vowel_edit(str a, str b):
    """``_compare._vowel_edit``: two variant forms one vowel (or J) apart."""
    if len(a) < len(b):
        a, b = b, a
    cdef Py_ssize_t n = len(b), i = 0
    while i < n and a[i] == b[i]:
        i += 1
    if len(a) == n:
        return i < n and a[i] in "AEIOUYJ" and b[i] in "AEIOUYJ" and a[i + 1 :] == b[i + 1 :]
    return len(a) == n + 1 and a[i] in "AEIOUYJ" and a[i + 1 :] == b[i:]


def compare(str query, str listed):
    """``_compare._compare_py(query, listed)``: the levels of a normalised query name
    against a normalised listed name."""
    cdef tuple q = <tuple>_parse(query), c = <tuple>_parse(listed)
    cdef tuple qt = <tuple>q[0], ct = <tuple>c[0]
    cdef Py_ssize_t nq = len(qt), nc = len(ct), j, i, k, m, n_differ
    if not nq or not nc:
        return []
    cdef list out = []
    cdef str tok, spaced, other, a, b, role, level
    cdef bint particle
    if qt == ct or not q[14].isdisjoint(c[14]):
        spaced = _spaces_differ if sorted(qt) != sorted(ct) else ""
        for j in range(nc):
            tok = <str>ct[j]
            particle = tok in _particles
            out.append(
                _level("agrees" if particle else "exact", tok, spaced or tok, _role(c, j), particle)
            )
        return out
    if nq > MAXT or nc > MAXT:
        raise ValueError("names of at most 16 tokens")
    cdef Item items[2 * MAXT]
    cdef char lq[MAXT]
    cdef char lc[MAXT]
    cdef int n = _align_c(q, c, None, items, lq, lc)
    cdef int order[2 * MAXT]
    cdef int t
    cdef Item* it
    # the items by their first listed position (each listed position is in one item)
    for k in range(n):
        t = <int>k
        m = k - 1
        while m >= 0 and items[order[m]].y[0] > items[t].y[0]:
            order[m + 1] = order[m]
            m -= 1
        order[m + 1] = t
    for k in range(n):
        it = &items[order[k]]
        if it.nx == 1:
            other = <str>qt[it.x[0]]
        else:
            other = " ".join([qt[it.x[m]] for m in range(it.nx)])
        for m in range(it.ny):
            j = it.y[m]
            tok = <str>ct[j]
            if tok in _particles:
                out.append(_level("agrees", tok, other, _role(c, j), True))
            elif it.nx == 1 and (tok == other or _folded(_tok(tok)) == _folded(_tok(other))):
                out.append(_level("exact", tok, other, _role(c, j), False))
            else:
                # _compare._item_level
                role = _role(c, j)
                if it.kind == INITIAL and role == "family name":
                    level = "family_initial"
                elif it.kind == VARIANT and it.s < LOOSE_BELOW and (
                    it.nx != 1 or not _vowel_edit(_tok(tok).var, _tok(other).var)
                ):
                    level = "loose"
                else:
                    level = <str>_kind_level[it.kind]
                out.append(_level(level, tok, other, role, False))
    if q[8] and c[8] and _patronymic_swapped(q, c, _items_py(q, c, items, n)):
        out.append(_level("patronymic", "", "", "name", False))
    # left-overs: particles, then near pairs (one edit), then differs / dropped / extra
    cdef list rest_c = [], rest_q = []
    for j in range(nc):
        if lc[j]:
            tok = <str>ct[j]
            if tok in _particles:
                out.append(_level("missing", tok, "", _role(c, j), True))
            else:
                rest_c.append(j)
    for i in range(nq):
        if lq[i] and <str>qt[i] not in _particles:
            rest_q.append(i)
    cdef object jo, io
    for jo in list(rest_c):
        b = <str>ct[<Py_ssize_t>jo]
        if len(b) < 2:
            continue
        for io in rest_q:
            a = <str>qt[<Py_ssize_t>io]
            if len(a) >= 2 and _osa(a, b, 1) <= 1 and not _gendered_t(_tok(a), _tok(b)):
                out.append(_level("near", b, a, _role(c, <Py_ssize_t>jo), False))
                rest_c.remove(jo)
                rest_q.remove(io)
                break
    n_differ = min(len(rest_c), len(rest_q))
    cdef object middle = None
    for k in range(len(rest_c)):
        j = <Py_ssize_t>rest_c[k]
        if k < n_differ:
            out.append(
                _level("differs", <str>ct[j], <str>qt[<Py_ssize_t>rest_q[k]], _role(c, j), False)
            )
        else:
            if middle is None:
                middle = _middles(c)
            out.append(
                _level("dropped_middle" if j in middle else "dropped", <str>ct[j], "", _role(c, j), False)
            )
    for k in range(n_differ, len(rest_q)):
        out.append(_level("extra", <str>qt[<Py_ssize_t>rest_q[k]], "", "name", False))
    return out


# ---------------------------------------------------------------- parsing

cdef object _name_class = None, _patronymics = frozenset()
cdef Py_ssize_t MAX_TOKENS = 12, MAX_TOKEN_LENGTH = 40, NO_SPAN = 1 << 30
cdef object W_NAME_O = 1.0, W_INITIAL_O = 0.5, W_PARTICLE_O = 0.25


def configure_parse(name_class, patronymics, max_tokens, max_token_length, no_span, w_name, w_initial, w_particle):
    """The parsed name's class and the numbers of ``_align._parse_py``."""
    global _name_class, _patronymics, MAX_TOKENS, MAX_TOKEN_LENGTH, NO_SPAN
    global W_NAME_O, W_INITIAL_O, W_PARTICLE_O
    _name_class = name_class
    _patronymics = patronymics
    MAX_TOKENS = max_tokens
    MAX_TOKEN_LENGTH = max_token_length
    NO_SPAN = no_span
    W_NAME_O = w_name
    W_INITIAL_O = w_initial
    W_PARTICLE_O = w_particle


cdef dict _shapes = {}


cdef tuple _shape(Py_ssize_t nf, Py_ssize_t ng, bint comma):
    """What a parsed name of ``nf`` family and ``ng`` given tokens (``nf`` tokens and
    no comma) shares with every other of its shape, as ``_parse_py`` builds it:
    roles, orders, and the spans' positions and bit masks (immutable tuples of
    ints and strings, so one object serves every name of the shape)."""
    key = (nf, ng, comma)
    cdef object hit = _shapes.get(key)
    if hit is not None:
        return <tuple>hit
    cdef Py_ssize_t n = nf + ng, span, start
    cdef tuple roles, orders
    cdef list where = []
    if comma:
        roles = tuple(["F"] * nf + ["G"] * ng)
        orders = (tuple(range(ng, ng + nf)) + tuple(range(ng)), tuple(range(n)))
    else:
        roles = tuple(["N"] * n)
        orders = (tuple(range(n)),)
    for span in (3, 2):
        for start in range(n - span + 1):
            where.append((tuple(range(start, start + span)), ((1 << span) - 1) << start))
    cdef tuple out = (roles, orders, tuple(where))
    _shapes[key] = out
    return out


def parse(str norm):
    """``_align._parse_py(norm)`` (uncached)."""
    cdef str family, comma, given, t, joined
    cdef list toks, gtoks, weights_l, spans
    cdef tuple orders, roles, toks_t, shape, w
    cdef Py_ssize_t nf, ng, n, size, full, reach, k, i, span_min, r
    cdef bint cut, plain = True
    family, comma, given = norm.partition(", ")
    if comma:
        toks = family.split()
        gtoks = given.split()
        nf = len(toks)
        ng = len(gtoks)
        toks.extend(gtoks)
    else:
        toks = family.split()
        nf = len(toks)
        ng = 0
    n = len(toks)
    cut = n > MAX_TOKENS
    if not cut:
        for t in toks:
            if len(t) > MAX_TOKEN_LENGTH:
                cut = True
                break
    if cut:  # junk, not a name: bound the work (rare: as _parse_py writes it)
        if comma:
            roles = tuple(["F"] * nf + ["G"] * ng)
            orders = (tuple(range(ng, ng + nf)) + tuple(range(ng)), tuple(range(n)))
        else:
            roles = tuple(["N"] * n)
            orders = (tuple(range(n)),)
        toks = [t[:MAX_TOKEN_LENGTH] for t in toks[:MAX_TOKENS]]
        roles = roles[:MAX_TOKENS]
        orders = tuple(
            tuple([p if p < MAX_TOKENS - 1 else MAX_TOKENS - 1 for p in o[:MAX_TOKENS]])
            for o in orders
        )
        n = len(toks)
        where = []
        for size in (3, 2):
            for k in range(n - size + 1):
                where.append((tuple(range(k, k + size)), ((1 << size) - 1) << k))
        shape = (roles, orders, tuple(where))
    else:
        shape = _shape(nf, ng, bool(comma))
        roles = <tuple>shape[0]
        orders = <tuple>shape[1]
    weights_l = []
    full = 0
    reach = -1
    for t in toks:
        size = len(t)
        if t in _particles:
            weights_l.append(W_PARTICLE_O)
        else:
            full += 1
            weights_l.append(W_INITIAL_O if size == 1 else W_NAME_O)
        if size > 1:
            r = size + 3 + size // 4
            if r > reach:
                reach = r
    weights = tuple(weights_l)
    for wo in weights_l:
        if not wo == W_NAME_O:
            plain = False
            break
    toks_t = tuple(toks)
    tokset = frozenset(toks_t)
    patronymic = not tokset.isdisjoint(_patronymics)
    spans = []
    span_min = NO_SPAN
    for w in <tuple>shape[2]:
        idx = <tuple>w[0]
        k = <Py_ssize_t>idx[0]
        if len(idx) == 3:
            joined = <str>toks_t[k] + <str>toks_t[k + 1] + <str>toks_t[k + 2]
        else:
            joined = <str>toks_t[k] + <str>toks_t[k + 1]
        size = len(joined)
        if size < span_min:
            span_min = size
        spans.append((idx, joined, size, w[1]))
    if comma:  # the given-first reading (its tokens in that order) and as written
        letters = frozenset(("".join(toks_t[nf:] + toks_t[:nf]), "".join(toks_t)))
    else:
        letters = frozenset(("".join(toks_t),))
    # A parsed name holds strings, numbers and tuples and frozensets of them: it
    # can be in no reference cycle, so the cyclic garbage collector need not walk
    # it (the parse cache's 65,536 names added ~60 ms to every full collection,
    # paid by whichever check triggered it).  Its tuples of atoms the collector
    # untracks itself; the frozensets and the name it would walk forever.
    PyObject_GC_UnTrack(<void*>tokset)
    PyObject_GC_UnTrack(<void*>letters)
    name = _tuple_new(_name_class, (
        toks_t,
        roles,
        weights,
        orders,
        bool(comma),
        full,
        tokset,
        cut,
        patronymic,
        tuple(spans),
        span_min,
        reach,
        sum(weights),
        plain,
        letters,
    ))
    PyObject_GC_UnTrack(<void*>name)
    return name


# ---------------------------------------------------------------- bits

def name_bits(str query, str listed, tf, model, memo, level_bits):
    """``_compare._name_bits_py``: the summed bits of the name levels and each level
    with its bits (``level_bits(lv, tf, model)`` on a memo miss)."""
    cdef list levels = compare(query, listed), parts = [], bs = []
    cdef object lv, b, key
    if memo is None:
        for lv in levels:
            b = level_bits(lv, tf, model)
            parts.append((lv, b))
            bs.append(b)
    else:
        for lv in levels:
            key = (lv[0], lv[1], lv[4])
            b = memo.get(key)
            if b is None:
                b = level_bits(lv, tf, model)
                memo[key] = b
            parts.append((lv, b))
            bs.append(b)
    return sum(bs), parts
