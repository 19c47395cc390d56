# Part of hotlist.names._namekernel (included by _namekernel.pyx):
# the alignment, the pair score, the similarity of a pair met once.

# ---------------------------------------------------------------- alignment

cdef struct Item:
    double s
    int kind
    int nx
    int ny
    int x[3]
    int y[3]


cdef struct Cand:
    double s
    int i
    int j
    int kind


cdef inline Py_ssize_t _count(char* left, Py_ssize_t n):
    cdef Py_ssize_t k, c = 0
    for k in range(n):
        c += left[k]
    return c


cdef int _join(tuple x, tuple y, char* lx, char* ly, Item* items, int n, bint flip) except -1:
    """``_align._join``: two or three adjacent leftover tokens of *x* against one of *y*."""
    cdef tuple ytoks = <tuple>y[0]
    cdef Py_ssize_t ny = len(ytoks), j, lb, size, k, best_j, nidx
    cdef double s, best_s
    cdef tuple span, idx
    cdef str joined, b
    cdef bint found
    for span in <tuple>x[9]:
        if not _count(ly, ny):
            return n
        idx = <tuple>span[0]
        nidx = len(idx)
        if not lx[<int>idx[0]] or not lx[<int>idx[1]] or not lx[<int>idx[nidx - 1]]:
            continue
        joined = <str>span[1]
        size = <Py_ssize_t>span[2]
        found = False
        best_s = 0.0
        best_j = -1
        for j in range(ny):
            if not ly[j]:
                continue
            b = <str>ytoks[j]
            lb = len(b)
            if (size - lb if size > lb else lb - size) > 3 + lb // 4:
                continue
            s = <double>(_pair(joined, b)[0])
            if s >= JOIN_FLOOR and (not found or s > best_s):
                found = True
                best_s = s
                best_j = j
        if found:
            for k in range(nidx):
                lx[<int>idx[k]] = 0
            ly[best_j] = 0
            items[n].s = best_s
            items[n].kind = JOINED
            if flip:
                items[n].nx = 1
                items[n].x[0] = <int>best_j
                items[n].ny = <int>nidx
                for k in range(nidx):
                    items[n].y[k] = <int>idx[k]
            else:
                items[n].ny = 1
                items[n].y[0] = <int>best_j
                items[n].nx = <int>nidx
                for k in range(nidx):
                    items[n].x[k] = <int>idx[k]
            n += 1
    return n


cdef int _align_c(tuple x, tuple y, object rows, Item* items, char* lx, char* ly) except -1:
    """``_align._align_py`` into C arrays: the number of items; ``lx`` / ``ly`` mark the
    leftover positions."""
    cdef tuple xtoks = <tuple>x[0], ytoks = <tuple>y[0]
    cdef Py_ssize_t nx = len(xtoks), ny = len(ytoks), i, j, k, nc = 0
    cdef int n = 0
    cdef object ytokset = y[6]
    cdef str tok, a
    cdef tuple r
    cdef object row, cell
    cdef double s
    cdef Cand cands[MAXT * MAXT]
    cdef Cand c
    for i in range(nx):
        lx[i] = 1
    for j in range(ny):
        ly[j] = 1
    if not x[6].isdisjoint(ytokset):  # exact tokens first: they score 1.0
        for i in range(nx):
            tok = <str>xtoks[i]
            if tok in ytokset:
                for j in range(ny):
                    if ly[j] and <str>ytoks[j] == tok:
                        items[n].s = 1.0
                        items[n].kind = EXACT
                        items[n].nx = 1
                        items[n].ny = 1
                        items[n].x[0] = <int>i
                        items[n].y[0] = <int>j
                        n += 1
                        lx[i] = 0
                        ly[j] = 0
                        break
    if _count(lx, nx) and _count(ly, ny):
        for i in range(nx):
            if not lx[i]:
                continue
            if rows is None:
                a = <str>xtoks[i]
                for j in range(ny):
                    if ly[j]:
                        r = _pair(a, <str>ytoks[j])
                        s = <double>r[0]
                        if s >= TOKEN_FLOOR:
                            cands[nc].s = s
                            cands[nc].i = <int>i
                            cands[nc].j = <int>j
                            cands[nc].kind = <int>r[1]
                            nc += 1
            else:
                row = rows[i]
                for j in range(ny):
                    if ly[j]:
                        cell = row[j]
                        s = <double>cell[0]
                        if s >= TOKEN_FLOOR:
                            cands[nc].s = s
                            cands[nc].i = <int>i
                            cands[nc].j = <int>j
                            cands[nc].kind = <int>cell[1]
                            nc += 1
        if nc:
            # the Python form sorts (-s, i, j, kind); the candidates come in (i, j)
            # order, so a stable sort by descending score is the same order
            for k in range(1, nc):
                c = cands[k]
                j = k - 1
                while j >= 0 and cands[j].s < c.s:
                    cands[j + 1] = cands[j]
                    j -= 1
                cands[j + 1] = c
            for k in range(nc):
                c = cands[k]
                if lx[c.i] and ly[c.j]:
                    items[n].s = c.s
                    items[n].kind = c.kind
                    items[n].nx = 1
                    items[n].ny = 1
                    items[n].x[0] = c.i
                    items[n].y[0] = c.j
                    n += 1
                    lx[c.i] = 0
                    ly[c.j] = 0
        i = _count(lx, nx)
        j = _count(ly, ny)
        if i and j and (i > 1 or j > 1):
            if <Py_ssize_t>x[10] <= <Py_ssize_t>y[11]:
                n = _join(x, y, lx, ly, items, n, False)
            if _count(ly, ny) and <Py_ssize_t>y[10] <= <Py_ssize_t>x[11]:
                n = _join(y, x, ly, lx, items, n, True)
    return n


cdef list _items_py(tuple x, tuple y, Item* items, int n):
    cdef list out = []
    cdef int k, m
    cdef Item* it
    cdef tuple span
    for k in range(n):
        it = &items[k]
        if it.nx == 1:
            tx = (it.x[0],)
        elif it.nx == 2:
            tx = (it.x[0], it.x[1])
        else:
            tx = (it.x[0], it.x[1], it.x[2])
        if it.ny == 1:
            ty = (it.y[0],)
        elif it.ny == 2:
            ty = (it.y[0], it.y[1])
        else:
            ty = (it.y[0], it.y[1], it.y[2])
        out.append((it.s, it.kind, tx, ty))
    return out


cdef list _left_py(char* left, Py_ssize_t n):
    cdef list out = []
    cdef Py_ssize_t k
    for k in range(n):
        if left[k]:
            out.append(k)
    return out


cdef inline bint _fits(tuple x, tuple y):
    return len(<tuple>x[0]) <= MAXT and len(<tuple>y[0]) <= MAXT


def align(x, y, rows):
    """``_align._align_py(x, y, rows)``: the items and the leftover positions."""
    cdef Item items[2 * MAXT]
    cdef char lx[MAXT]
    cdef char ly[MAXT]
    if not _fits(<tuple>x, <tuple>y):
        raise ValueError("names of at most 16 tokens")
    n = _align_c(<tuple>x, <tuple>y, rows, items, lx, ly)
    return (
        _items_py(<tuple>x, <tuple>y, items, n),
        _left_py(lx, len(<tuple>x[0])),
        _left_py(ly, len(<tuple>y[0])),
    )


cdef bint _monotone(tuple x, tuple y, Item* items, int n) except -1:
    """``_align._monotone``."""
    cdef tuple ox_all, oy_all, ox, oy
    cdef bint xc = x[4], yc = y[4]
    cdef int k, m, a0, a1
    cdef int pa[2 * MAXT]
    cdef int pb[2 * MAXT]
    cdef bint ok
    ox_all = <tuple>x[3] if (xc and not yc) else (<tuple>x[3])[:1]
    oy_all = <tuple>y[3] if (yc and not xc) else (<tuple>y[3])[:1]
    for ox in ox_all:
        for oy in oy_all:
            for k in range(n):
                a0 = <int>ox[items[k].x[0]]
                a1 = <int>oy[items[k].y[0]]
                m = k - 1
                while m >= 0 and (pa[m] > a0 or (pa[m] == a0 and pb[m] > a1)):
                    pa[m + 1] = pa[m]
                    pb[m + 1] = pb[m]
                    m -= 1
                pa[m + 1] = a0
                pb[m + 1] = a1
            ok = True
            for k in range(n - 1):
                if not pb[k] < pb[k + 1]:
                    ok = False
                    break
            if ok:
                return True
    return False


cdef inline bint _spaced(tuple x, tuple y) except -1:
    return not x[7] and not y[7] and not x[14].isdisjoint(y[14])


cdef double _score_c(
    tuple X, tuple Y, object rows, Item* items, char* lx, char* ly, int* n_out, int* flags_out
) except? -1.0:
    """``_align._score_py``'s score and flags; the items and leftovers in the arrays."""
    if not _fits(X, Y):
        raise ValueError("names of at most 16 tokens")
    cdef int n = _align_c(X, Y, rows, items, lx, ly), k, m
    cdef tuple xw = <tuple>X[2], yw = <tuple>Y[2]
    cdef Py_ssize_t nx = len(<tuple>X[0]), ny = len(<tuple>Y[0]), i
    cdef double num = 0.0, matched = 0.0, w, rest, den, sc
    cdef int strong = 0, loose_only = 0, flags = 0
    for k in range(n):
        w = 0.0
        for m in range(items[k].nx):
            w += <double>xw[items[k].x[m]]
        for m in range(items[k].ny):
            w += <double>yw[items[k].y[m]]
        num += items[k].s * w
        matched += w
        if w > 2 * W_PARTICLE:
            strong += 1
            if items[k].kind != INITIAL:
                loose_only += 1
    rest = 0.0
    for i in range(nx):
        if lx[i]:
            rest += <double>xw[i]
    for i in range(ny):
        if ly[i]:
            rest += <double>yw[i]
    if _count(lx, nx) and _count(ly, ny):
        den = matched + rest
    else:
        den = matched + MISSING_FACTOR * rest
    sc = num / den if den != 0.0 else 0.0
    if (strong < 2 or not loose_only) and (<Py_ssize_t>X[5] >= 2 or <Py_ssize_t>Y[5] >= 2):
        if ONE_TOKEN_CAP < sc:
            sc = ONE_TOKEN_CAP
        flags |= 1
    if n >= 2:
        if not _monotone(X, Y, items, n):
            sc -= ORDER_PENALTY
            flags |= 2
        if X[8] and Y[8] and _patronymic_swapped(X, Y, _items_py(X, Y, items, n)):
            if ONE_TOKEN_CAP < sc:
                sc = ONE_TOKEN_CAP
            flags |= 4
    if sc < SPACED_S and _spaced(X, Y):
        sc = SPACED_S
        flags = 8
    if not sc > 0.0:
        sc = 0.0
    if not sc < 1.0:
        sc = 1.0
    n_out[0] = n
    flags_out[0] = flags
    return sc


def score(x, y, rows=None):
    """``_align._score_py(x, y, rows)``: the score, the items, the leftovers, the flags."""
    cdef Item items[2 * MAXT]
    cdef char lx[MAXT]
    cdef char ly[MAXT]
    cdef int n = 0, flags = 0
    cdef tuple X = <tuple>x, Y = <tuple>y
    cdef double sc = _score_c(X, Y, rows, items, lx, ly, &n, &flags)
    return (
        sc,
        _items_py(X, Y, items, n),
        _left_py(lx, len(<tuple>X[0])),
        _left_py(ly, len(<tuple>Y[0])),
        flags,
    )


cdef object _normalize = None
cdef double CUT_S = 0.99


def configure_similarity(normalize, cut):
    """``_tokens.normalize`` (for a name not already normal) and ``_align._CUT``."""
    global _normalize, CUT_S
    _normalize = normalize
    CUT_S = cut


cdef bint _is_normal(str s):
    """``_tokens._NORMAL.fullmatch(s)``: words of A-Z joined by single spaces, at
    most one of the joins ``", "``."""
    cdef Py_ssize_t n = len(s), i = 0
    cdef Py_UCS4 c
    cdef bint comma = False, letter = False
    if n == 0:
        return False
    while i < n:
        c = PyUnicode_READ_CHAR(s, i)
        if u"A" <= c <= u"Z":
            letter = True
            i += 1
        elif c == u" " and letter and i + 1 < n:
            letter = False
            i += 1
        elif c == u"," and letter and not comma and i + 2 < n and PyUnicode_READ_CHAR(s, i + 1) == u" ":
            comma = True
            letter = False
            i += 2
        else:
            return False
    return letter


def is_normal(str s):
    """``_tokens._NORMAL.fullmatch(s) is not None`` (for the tests)."""
    return _is_normal(s)


def pair_score(str a, str b):
    """``_similarity.similarity(a, b)`` for a pair met once: the names normalised,
    put in canonical order, parsed and scored (``_align._prepare`` and ``_score``)."""
    cdef str na = a if _is_normal(a) else <str>_normalize(a)
    cdef str nb = b if _is_normal(b) else <str>_normalize(b)
    cdef str t
    if not na or not nb:
        return 0.0
    if na > nb:
        t = na
        na = nb
        nb = t
    if na == nb:
        return 1.0
    cdef tuple X = <tuple>_parse(na), Y = <tuple>_parse(nb)
    if <tuple>X[0] == <tuple>Y[0]:
        return CUT_S if (X[7] or Y[7]) else 1.0
    cdef Item items[2 * MAXT]
    cdef char lx[MAXT]
    cdef char ly[MAXT]
    cdef int n = 0, flags = 0
    return _score_c(X, Y, None, items, lx, ly, &n, &flags)
