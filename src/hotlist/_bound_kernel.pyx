# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -ffp-contract=off
"""Compiled person bound (optional): the per-query loops of
:mod:`hotlist._person_bounds` over the candidates and their distinct parts, in
one pass each instead of some fifty numpy calls.

The same answers as the numpy reference (``PersonBounds._bounds_py`` and the
functions it calls): every test is the same predicate (OSA distances are exact
integers, the letter test is integer arithmetic), every float is computed with
the same operations in the same order (``-ffp-contract=off``), so the bounds
are identical; ``tests/engine/test_person_bound_kernel.py`` property-tests
that.  The partial ratio (rapidfuzz) and the pinyin forms stay in Python, on
the few parts the tests here leave open.
"""

cimport cython
from cpython.unicode cimport PyUnicode_READ_CHAR
from libc.math cimport INFINITY
from libc.stdint cimport uint64_t
from libc.string cimport memset

import numpy as np

from rapidfuzz.distance import OSA as _OSA

DEF MAXLEN = 255  # letters of a string the C OSA takes (longer: rapidfuzz)
DEF BUCKETS = 27  # ``_person_bounds._BUCKETS``
DEF MAXQ = 64  # query targets handled here (more: the caller uses numpy)


cdef Py_ssize_t _osa(str a, str b, Py_ssize_t cutoff) except -2:
    """rapidfuzz's ``OSA.distance(a, b, score_cutoff=cutoff)`` (as
    ``hotlist.names._namekernel``'s)."""
    cdef Py_ssize_t la = len(a), lb = len(b), i, j, d, v
    cdef Py_UCS4 ca, cb
    cdef Py_UCS4 xa[MAXLEN + 1]
    cdef Py_UCS4 xb[MAXLEN + 1]
    cdef Py_ssize_t r0[MAXLEN + 2]
    cdef Py_ssize_t r1[MAXLEN + 2]
    cdef Py_ssize_t r2[MAXLEN + 2]
    cdef Py_ssize_t *prev2 = r0
    cdef Py_ssize_t *prev = r1
    cdef Py_ssize_t *cur = r2
    cdef Py_ssize_t *tmp
    d = la - lb if la > lb else lb - la
    if d > cutoff:
        return cutoff + 1
    if la > MAXLEN or lb > MAXLEN:
        return _OSA.distance(a, b, score_cutoff=cutoff)
    if la == 0 or lb == 0:
        d = la + lb
        return d if d <= cutoff else cutoff + 1
    for i in range(la):
        xa[i] = PyUnicode_READ_CHAR(a, i)
    for j in range(lb):
        xb[j] = PyUnicode_READ_CHAR(b, j)
    for j in range(lb + 1):
        prev[j] = j
    for i in range(1, la + 1):
        ca = xa[i - 1]
        cur[0] = i
        for j in range(1, lb + 1):
            cb = xb[j - 1]
            v = prev[j - 1] + (0 if ca == cb else 1)
            d = prev[j] + 1
            if d < v:
                v = d
            d = cur[j - 1] + 1
            if d < v:
                v = d
            if i > 1 and j > 1 and ca == xb[j - 2] and xa[i - 2] == cb:
                d = prev2[j - 2] + 1
                if d < v:
                    v = d
            cur[j] = v
        tmp = prev2
        prev2 = prev
        prev = cur
        cur = tmp
    d = prev[lb]
    return d if d <= cutoff else cutoff + 1


def osa(str a, str b, Py_ssize_t cutoff):
    """The C OSA distance with a cut-off (as rapidfuzz's; for the tests)."""
    return _osa(a, b, cutoff)


cdef struct Pattern:
    # a query target for the bit-parallel OSA (Hyyro 2003): one bit per letter
    Py_ssize_t m
    uint64_t ascii[256]  # the letters' bits, for code points under 256
    Py_UCS4 chars[64]


cdef void _pattern(Pattern *p, str s):
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    p.m = len(s)
    memset(p.ascii, 0, sizeof(p.ascii))
    if p.m > 64:
        return
    for i in range(p.m):
        c = PyUnicode_READ_CHAR(s, i)
        p.chars[i] = c
        if c < 256:
            p.ascii[c] |= (<uint64_t>1) << i


cdef inline uint64_t _bits(const Pattern *p, Py_UCS4 c) noexcept:
    cdef uint64_t out = 0
    cdef Py_ssize_t i
    if c < 256:
        return p.ascii[c]
    for i in range(p.m):
        if p.chars[i] == c:
            out |= (<uint64_t>1) << i
    return out


cdef Py_ssize_t _osa_near(const Pattern *p, str pat, str s, Py_ssize_t cutoff) except -2:
    """``_osa(pat, s, cutoff)`` with ``pat`` compiled in ``p``: the bit-parallel
    OSA distance (Hyyro 2003, as rapidfuzz computes it) for a pattern of 1 to
    64 letters, the dynamic programme otherwise."""
    cdef Py_ssize_t ls = len(s), d, i
    cdef uint64_t vp = ~(<uint64_t>0), vn = 0, d0 = 0, pm_old = 0, pm, tr, hp, hn, mask
    d = p.m - ls if p.m > ls else ls - p.m
    if d > cutoff:
        return cutoff + 1
    if p.m == 0 or p.m > 64:
        return _osa(pat, s, cutoff)
    d = p.m
    mask = (<uint64_t>1) << (p.m - 1)
    for i in range(ls):
        pm = _bits(p, PyUnicode_READ_CHAR(s, i))
        tr = (((~d0) & pm) << 1) & pm_old
        d0 = (((pm & vp) + vp) ^ vp) | pm | vn
        d0 = d0 | tr
        hp = vn | ~(d0 | vp)
        hn = d0 & vp
        if hp & mask:
            d += 1
        if hn & mask:
            d -= 1
        hp = (hp << 1) | 1
        hn = hn << 1
        vp = hn | ~(d0 | hp)
        vn = hp & d0
        pm_old = pm
    return d if d <= cutoff else cutoff + 1


def osa_near(str a, str b, Py_ssize_t cutoff):
    """The bit-parallel OSA distance of ``a`` (the pattern) and ``b`` (for the tests)."""
    cdef Pattern p
    _pattern(&p, a)
    return _osa_near(&p, a, b, cutoff)


def gather(
    const long long[::1] offsets,
    const int[::1] part_ids,
    const long long[::1] entries,
    int[::1] slot,
):
    """``PersonBounds._gather_parts``: each part's candidate, its index among the
    distinct parts (in the order of their last occurrence), those parts' ids and
    each candidate's number of parts.  ``slot``: one int per distinct part
    (scratch, any content)."""
    cdef Py_ssize_t n = entries.shape[0], i, k, total = 0, m = 0
    cdef long long e, start, c
    count_a = np.empty(n, dtype=np.int64)
    cdef long long[::1] count = count_a
    for i in range(n):
        e = entries[i]
        c = offsets[e + 1] - offsets[e]
        count[i] = c
        total += c
    parent_a = np.empty(total, dtype=np.int64)
    ids_a = np.empty(total, dtype=np.int32)
    indices_a = np.empty(total, dtype=np.int32)
    uniq_a = np.empty(total, dtype=np.int32)
    cdef long long[::1] parent = parent_a
    cdef int[::1] ids = ids_a
    cdef int[::1] indices = indices_a
    cdef int[::1] uniq = uniq_a
    with nogil:
        k = 0
        for i in range(n):
            start = offsets[entries[i]]
            for c in range(count[i]):
                parent[k] = i
                ids[k] = part_ids[start + c]
                k += 1
        for k in range(total):
            slot[ids[k]] = <int>k
        for k in range(total):
            if slot[ids[k]] == k:
                uniq[m] = ids[k]
                m += 1
        for k in range(m):
            slot[uniq[k]] = <int>k
        for k in range(total):
            indices[k] = slot[ids[k]]
    return parent_a, indices_a, uniq_a[:m], count_a


cdef inline bint _in(int value, const int[::1] wanted) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(wanted.shape[0]):
        if wanted[j] == value:
            return True
    return False


cdef extern from *:
    int __builtin_popcountll(unsigned long long) nogil


cdef bint _windows_reach(const Pattern *p, str text, double cutoff) noexcept:
    """Whether some window of ``text`` of at most ``p.m`` letters (the needle's
    length) has an Indel ratio with the needle of at least ``cutoff``:
    ``200 * L >= cutoff * (m + w)``, ``L`` the longest common subsequence of the
    needle and the window (bit-parallel, Hyyro), ``w`` its length.  The windows
    ``fuzz.partial_ratio`` scores are among these, so where this is False its
    score is under ``cutoff``."""
    cdef Py_ssize_t n = len(text), a, b, m = p.m
    cdef uint64_t mask = ((<uint64_t>1) << m) - 1 if m < 64 else ~(<uint64_t>0)
    cdef uint64_t sv, u, pm
    cdef long long lcs
    for a in range(n):
        sv = ~(<uint64_t>0)
        for b in range(a, n if n < a + m else a + m):
            pm = _bits(p, PyUnicode_READ_CHAR(text, b))
            u = sv & pm
            sv = (sv + u) | (sv - u)
            lcs = m - __builtin_popcountll(sv & mask)
            if 200.0 * lcs >= cutoff * (m + b - a + 1):
                return True
    return False


cdef bint _partial_reaches(str a, str b, object partial, double cutoff) except -1:
    """``partial(a, b, score_cutoff=cutoff) >= cutoff`` (rapidfuzz's partial
    ratio), asked only where the windows allow it (``_windows_reach``); never
    with no ``partial`` (None)."""
    cdef Py_ssize_t la = len(a), lb = len(b)
    cdef Pattern p
    cdef bint may = False
    if partial is None:
        return False
    if 0 < la <= 64 and 0 < lb <= 64:
        if la <= lb:
            _pattern(&p, a)
            may = _windows_reach(&p, b, cutoff)
        if lb <= la and not (la == lb and may):
            _pattern(&p, b)
            may = _windows_reach(&p, a, cutoff)
        if not may:
            return False
    return partial(a, b, score_cutoff=cutoff) >= cutoff


def long_parts(
    list toks,
    object[::1] variants,
    object[::1] romans,
    const int[::1] ids,
    const long long[::1] sizes,
    const unsigned char[:, ::1] letters,
    const int[:, ::1] codes,
    const int[::1] qfold,
    const int[::1] qkeys,
    const int[::1] qskel,
    list targets,
    list tvariants,
    const unsigned char[:, ::1] tletters,
    Py_ssize_t n_long,
    const int[::1] qroman_codes,
    list qroman,
    object partial,
    double cutoff,
):
    """The tests of ``PersonBounds._part_bounds`` / ``_alignable`` on the long
    parts (texts ``toks``, ids ``ids`` into the per-part arrays ``variants``,
    ``romans``, ``sizes``, ``letters`` and ``codes``) against the query's
    ``targets`` (its long parts first, ``n_long`` of them, then the others):
    which parts equal a query part once folded (``same``), and how each can be
    aligned with one (``possible``: 0 not at all; 1 as a token pair: the same
    phonetic key, skeleton or pinyin form as one of ``qroman`` (codes
    ``qroman_codes``), an OSA of at most two as written or in variant form; 2
    only in a join: a partial ratio (``partial``, rapidfuzz's; None: none is
    asked, none passes) of at least ``cutoff`` where the letters and lengths
    allow a join, or of the pinyin forms; ``_person_targets.TOKEN`` /
    ``JOIN_ONLY``)."""
    cdef Py_ssize_t n = len(toks), nt = len(targets), k, t, b, shared, m, size, tl, j
    same_a = np.zeros(n, dtype=np.uint8)
    possible_a = np.zeros(n, dtype=np.uint8)
    cdef unsigned char[::1] same = same_a
    cdef unsigned char[::1] possible = possible_a
    cdef long long tsize[MAXQ]
    cdef unsigned char near[MAXQ]
    cdef Pattern *pats
    cdef Pattern *vpats
    cdef bint any_near
    cdef str tok, var
    cdef object r
    cdef int pid
    if nt > MAXQ:
        raise ValueError("too many query targets for the kernel")
    pats_a = np.empty(2 * max(nt, 1) * sizeof(Pattern), dtype=np.uint8)
    cdef unsigned char[::1] pats_mem = pats_a
    pats = <Pattern *>&pats_mem[0]
    vpats = pats + nt
    for t in range(nt):
        tsize[t] = len(<str>targets[t])
        _pattern(&pats[t], <str>targets[t])
        _pattern(&vpats[t], <str>tvariants[t])
    for k in range(n):
        pid = ids[k]
        same[k] = _in(codes[pid, 3], qfold)
        if nt == 0:
            continue
        # the same phonetic key, skeleton or pinyin form (HSIU YING / XIUYING)
        if (
            _in(codes[pid, 0], qkeys)
            or _in(codes[pid, 1], qskel)
            or (codes[pid, 2] >= 0 and _in(codes[pid, 2], qroman_codes))
        ):
            possible[k] = 1
            continue
        if not same[k]:
            possible[k] = _aligned(
                k, pid, <str>toks[k], variants, sizes, letters, targets, tvariants,
                tletters, tsize, pats, vpats, nt, n_long, partial, cutoff,
            )
        if possible[k] or qroman_codes.shape[0] == 0:
            continue
        # a part joined in a pinyin form
        r = romans[pid]
        if codes[pid, 2] >= 0 and r:
            for j in range(len(qroman)):
                if _partial_reaches(<str>r, <str>qroman[j], partial, cutoff):
                    possible[k] = 2
                    break
    return same_a, possible_a


cdef int _aligned(
    Py_ssize_t k,
    int pid,
    str tok,
    object[::1] variants,
    const long long[::1] sizes,
    const unsigned char[:, ::1] letters,
    list targets,
    list tvariants,
    const unsigned char[:, ::1] tletters,
    long long *tsize,
    Pattern *pats,
    Pattern *vpats,
    Py_ssize_t nt,
    Py_ssize_t n_long,
    object partial,
    double cutoff,
) except -1:
    """``long_parts``' edit-distance tests of one part: OSA as written, OSA of
    the variant forms (1), then the partial ratio where ``_shared_enough`` and
    the join lengths allow it (2); 0 when none passes."""
    cdef Py_ssize_t t, b, shared, m, size, tl
    cdef str var
    for t in range(nt):
        if _osa_near(&pats[t], <str>targets[t], tok, 2) <= 2:
            return 1
    var = <str>variants[pid]
    for t in range(nt):
        if _osa_near(&vpats[t], <str>tvariants[t], var, 2) <= 2:
            return 1
    if partial is None:  # no partial ratio asked: nothing passes it
        return 0
    size = sizes[pid]
    for t in range(nt):
        shared = 0
        for b in range(BUCKETS):
            shared += letters[pid, b] if letters[pid, b] < tletters[t, b] else tletters[t, b]
        tl = tsize[t]
        m = size if size < tl else tl
        if 7 * shared >= 3 * m and (t < n_long or size <= tl + 3 + size // 4):
            if _partial_reaches(tok, <str>targets[t], partial, cutoff):
                return 2
    return 0


def long_values(
    const unsigned char[::1] same,
    const unsigned char[::1] possible,
    const int[::1] ids,
    const int[::1] first,
    const double[::1] log_tf,
    const int[::1] one_letter,
    double exact_bits,
    double aligned_bits,
    double joined_bits,
    double initial_bits,
    double left_over,
):
    """The bound of each long part (``PersonBounds._part_bounds``'s ``np.where``
    chain: exact, aligned (``possible`` 1) or joined (2) bits at the part's term
    frequency, from the per-part arrays ``first`` and ``log_tf`` at ``ids``, or
    the initial level's where it starts with a one-letter query part; under 0
    only when no query part can take it)."""
    cdef Py_ssize_t n = same.shape[0], k
    cdef double value
    cdef int pid
    cdef bint has_one = one_letter.shape[0] > 0
    cdef bint initial
    out_a = np.empty(n, dtype=np.float64)
    cdef double[::1] out = out_a
    with nogil:
        for k in range(n):
            pid = ids[k]
            if same[k]:
                value = exact_bits - log_tf[pid]
            elif possible[k] == 2:
                value = joined_bits - log_tf[pid]
            elif possible[k]:
                value = aligned_bits - log_tf[pid]
            else:
                value = initial_bits
            initial = has_one and _in(first[pid], one_letter)
            if initial:
                value = value if value >= initial_bits else initial_bits
            if same[k] or possible[k] or initial:
                out[k] = value if value >= 0.0 else 0.0
            else:
                out[k] = left_over
    return out_a


def name_sums(
    const long long[::1] parent,
    const int[::1] indices,
    const double[::1] part,
    const unsigned char[::1] agrees,
    const long long[::1] size,
    const long long[::1] count,
    const long long[::1] spans,
    double asked,
    double unmatched,
    long long max_tokens,
    long long max_length,
    bint same_too,
    const signed char[::1] family,
    const unsigned char[::1] particle,
    double gain,
    const unsigned char[::1] demote,
    const long long[::1] qsizes,
    double left_over,
):
    """``PersonBounds._bounds``' sums over each candidate's parts: the name bound
    (the parts' bounds, ``gain`` added to a left-over part's (under 0) where it
    cannot be a middle name (``_person_leftover.not_middle``, from each
    candidate's ``family`` part count and the distinct parts' ``particle``
    flags), less ``unmatched`` per query part none of them can take, infinite
    past ``max_tokens`` parts or ``max_length`` letters) and, with
    ``same_too``, whether every part agrees (else an empty array).  A part to
    ``demote`` (only a span of its own name can join it) is ``left_over`` and
    takes no query part where no span of two or three adjacent parts of its
    name holding it is a length a join scores against a query part
    (``qsizes``; ``_person_leftover.listed_joins``)."""
    cdef Py_ssize_t n = count.shape[0], np_ = part.shape[0], total = parent.shape[0]
    cdef Py_ssize_t k, i, j, s
    cdef long long sz
    cdef double left
    ub_a = np.zeros(n, dtype=np.float64)
    cdef double[::1] ub = ub_a
    same_a = np.zeros(n if same_too else 0, dtype=np.bool_)
    cdef unsigned char[::1] same_v
    takers_a = np.empty(np_, dtype=np.float64)
    cdef double[::1] takers = takers_a
    taken_a = np.zeros(n, dtype=np.float64)
    cdef double[::1] taken = taken_a
    others_a = np.zeros(n, dtype=np.int64)
    cdef long long[::1] others = others_a
    long_a = np.zeros(n, dtype=np.uint8)
    cdef unsigned char[::1] long_ = long_a
    cdef bint joinable
    w_a = np.empty(total, dtype=np.float64)
    cdef double[::1] w = w_a
    down_a = np.zeros(total, dtype=np.uint8)
    cdef unsigned char[::1] down = down_a
    cdef long long c, fam, first, last, at, idx, m, o, length, q
    cdef bint full, fits
    cdef Py_ssize_t nq = qsizes.shape[0]
    with nogil:
        for k in range(total):
            w[k] = part[indices[k]]
        k = 0
        for i in range(n):
            c = count[i]
            fam = family[i]
            if fam != -2:
                for at in range(c):
                    if not demote[indices[k + at]]:
                        continue
                    fits = False
                    for m in range(2, 4):
                        for o in range(m):
                            if fits or at < o or c - at < m - o:
                                continue
                            length = 0
                            for j in range(k + at - o, k + at - o + m):
                                length += size[indices[j]]
                            for q in range(nq):
                                if (length - qsizes[q] if length >= qsizes[q] else qsizes[q] - length) <= 3 + qsizes[q] // 4:
                                    fits = True
                                    break
                    if not fits:
                        down[k + at] = 1
                        w[k + at] = left_over
            k += c
        if gain < 0.0:
            k = 0
            for i in range(n):
                c = count[i]
                fam = family[i]
                if fam != -2:
                    # the full parts among the given names (all, without a comma)
                    first = -1
                    last = -1
                    for at in range(c):
                        idx = indices[k + at]
                        if size[idx] > 1 and not particle[idx] and (fam < 0 or at >= fam):
                            if first < 0:
                                first = at
                            last = at
                    for at in range(c):
                        idx = indices[k + at]
                        if w[k + at] < 0.0:
                            full = size[idx] > 1 and not particle[idx] and (fam < 0 or at >= fam)
                            if not (full and at != first and (fam >= 0 or at != last)):
                                w[k + at] = w[k + at] + gain
                k += c
        for k in range(total):
            ub[parent[k]] += w[k]
        if same_too:
            for k in range(total):
                if not agrees[indices[k]]:
                    others[parent[k]] += 1
        if np_:
            for j in range(np_):
                if part[j] < 0.0:
                    takers[j] = 0.0
                    continue
                sz = size[j]
                joinable = False
                for s in range(spans.shape[0]):
                    if (spans[s] - sz if spans[s] >= sz else sz - spans[s]) <= 3 + sz // 4:
                        joinable = True
                        break
                takers[j] = 3.0 if joinable else 1.0
            for k in range(total):
                if not down[k]:
                    taken[parent[k]] += takers[indices[k]]
                if size[indices[k]] > max_length:
                    long_[parent[k]] = 1
            for i in range(n):
                left = asked - taken[i]
                if count[i] <= 0:
                    left = 0.0
                elif left < 0.0:
                    left = 0.0
                ub[i] = ub[i] - unmatched * left
                if count[i] > max_tokens or long_[i]:
                    ub[i] = INFINITY
    if same_too:
        same_v = same_a.view(np.uint8)
        for i in range(n):
            same_v[i] = others[i] == 0
    return ub_a, same_a


cdef inline long long _slips(long long a, long long b, int places) noexcept nogil:
    # how many of the last ``places`` decimal digits of a and b differ (both > 0)
    cdef long long out = 0
    cdef int p
    for p in range(places):
        if a % 10 != b % 10:
            out += 1
        a = a // 10
        b = b // 10
    return out


def dob_bound(
    const short[::1] year,
    const short[::1] month,
    const short[::1] day,
    const int[::1] owner,
    long long qy,
    long long qm,
    long long qd,
    double same_year,
    double near,
    double differs,
    double two_years,
    double one_year,
    double one_digit,
    double swapped,
    double exact,
):
    """``PersonBounds._dob_bound``: the DOB bits of each candidate (``owner``:
    its person), exactly the level when both dates are full, else the best the
    years allow (the levels' bits given)."""
    cdef Py_ssize_t n = owner.shape[0], i, p, o
    cdef long long y, m, d, gap, ymd, q, a, b, slips, digits
    cdef double out_v, level
    cdef bint full_q = qm != 0 and qd != 0 and not (qm == 1 and qd == 1)
    cdef bint same_rest, one
    out_a = np.empty(n, dtype=np.float64)
    cdef double[::1] out = out_a
    q = qy * 10000 + qm * 100 + qd
    with nogil:
        for i in range(n):
            o = owner[i]
            y = year[o]
            if y <= 0:
                out[i] = 0.0
                continue
            m = month[o]
            d = day[o]
            gap = y - qy if y >= qy else qy - y
            digits = _slips(y, qy, 4)
            if y == qy:
                out_v = same_year
            elif gap <= 2 or digits == 1:
                out_v = near
            else:
                out_v = differs
            if full_q and m > 0 and d > 0 and (m != 1 or d != 1):
                ymd = y * 10000 + m * 100 + d
                slips = _slips(ymd, q, 8)
                same_rest = m == qm and d == qd
                level = differs
                if same_rest and gap == 2:
                    level = two_years
                if same_rest and gap == 1:
                    level = one_year
                one = slips == 1 and not (same_rest and gap == 1)
                if one:
                    level = one_digit
                if y == qy and m == qd and d == qm:
                    level = swapped
                if ymd == q:
                    level = exact
                out_v = level
            out[i] = out_v
    return out_a


def partial_reaches(str a, str b, object partial, double cutoff):
    """``partial(a, b, score_cutoff=cutoff) >= cutoff``, asked only where the
    windows allow it (for the tests)."""
    return _partial_reaches(a, b, partial, cutoff)


def listed_joins_exact(
    const long long[::1] parent,
    const int[::1] indices,
    const long long[::1] count,
    const unsigned char[::1] asked,
    list parts,
    const long long[::1] sizes,
    tuple query_toks,
    object token_sim,
    double floor,
):
    """``_person_leftover.listed_joins_exact`` (the reference, same answers):
    per part of the candidates, for the parts ``asked``, whether a span of two
    or three adjacent parts of its name that holds it, joined, is one the
    scorer joins with a query part (a length within ``3 + len // 4`` of the
    query part's and ``token_sim(joined, q)[0] >= floor``).  The spans are
    walked here and each distinct span (its parts) is joined and scored once
    (a memo for the call); a part stops at its first span that joins.
    ``parts`` must be fewer than 2**20 (the memo's key)."""
    cdef Py_ssize_t total = parent.shape[0], n = count.shape[0], nq = len(query_toks)
    cdef Py_ssize_t k, i, m, o, j, q, s
    cdef long long at, c, length, qs, width = len(parts) + 1, key
    out_a = np.zeros(total, dtype=np.bool_)
    if total == 0 or nq == 0:
        return out_a
    if width > (1 << 20):
        raise ValueError("too many distinct parts for the span memo")
    cdef unsigned char[::1] out = out_a.view(np.uint8)
    qlen_a = np.array([len(t) for t in query_toks], dtype=np.int64)
    cdef long long[::1] qlen = qlen_a
    first_a = np.empty(n, dtype=np.int64)
    cdef long long[::1] first = first_a
    cdef long long run = 0
    for i in range(n):
        first[i] = run
        run += count[i]
    cdef dict memo = {}
    cdef object hit, score
    cdef str joined
    cdef bint fits, joins
    for k in range(total):
        if not asked[k]:
            continue
        i = parent[k]
        at = k - first[i]
        c = count[i]
        for m in range(2, 4):
            if out[k]:
                break
            for o in range(m):
                if at < o or c - at < m - o:
                    continue
                s = k - o
                length = 0
                for j in range(s, s + m):
                    length += sizes[indices[j]]
                fits = False
                for q in range(nq):
                    qs = qlen[q]
                    if (length - qs if length >= qs else qs - length) <= 3 + qs // 4:
                        fits = True
                        break
                if not fits:
                    continue
                key = (indices[s] + 1) * width + indices[s + 1] + 1
                key = key * width + (indices[s + 2] + 1 if m == 3 else 0)
                hit = memo.get(key)
                if hit is None:
                    joined = <str>parts[indices[s]] + <str>parts[indices[s + 1]]
                    if m == 3:
                        joined = joined + <str>parts[indices[s + 2]]
                    length = len(joined)
                    joins = False
                    for q in range(nq):
                        qs = qlen[q]
                        if (length - qs if length >= qs else qs - length) > 3 + qs // 4:
                            continue
                        score = token_sim(joined, query_toks[q])[0]
                        if score >= floor:
                            joins = True
                            break
                    hit = joins
                    memo[key] = hit
                if hit:
                    out[k] = 1
                    break
    return out_a


def span_joins(
    list toks,
    const long long[::1] sizes,
    const unsigned char[::1] asked,
    tuple span_texts,
    const long long[::1] span_sizes,
    object token_sim,
    double floor,
):
    """``_person_leftover.span_joins`` (the reference, same answers) for the
    listed parts ``asked``: whether a span of two or three adjacent query parts
    joined (``span_texts``, their lengths ``span_sizes``) is a length the
    scorer's ``_join`` scores against the part (within ``3 + len // 4`` of
    its) with ``token_sim(span, part)[0] >= floor``."""
    cdef Py_ssize_t n = sizes.shape[0], ns = span_sizes.shape[0], k, j
    cdef long long sz, d
    out_a = np.zeros(n, dtype=np.bool_)
    cdef unsigned char[::1] out = out_a.view(np.uint8)
    cdef object tok
    for k in range(n):
        if not asked[k]:
            continue
        sz = sizes[k]
        tok = toks[k]
        for j in range(ns):
            d = span_sizes[j] - sz if span_sizes[j] >= sz else sz - span_sizes[j]
            if d > 3 + sz // 4:
                continue
            if token_sim(span_texts[j], tok)[0] >= floor:
                out[k] = 1
                break
    return out_a
