# Included by _prefilter_kernel.pyx (one module: DocumentMiss calls it with its key
# buffer, no second normalise, hash or pre-filter test).
#
# check()'s document hit, made in C: the search's rows (the compiled one-edit
# search, guided by the same pre-filter blocks the miss check has just read),
# each row's level from its listed number, its score, reasons, severity and
# action from a per-state cache of the row's shape (made by the Python
# ``shape`` callable, the one scoring code: ``hotlist._query._hit_shape``),
# ranked as ``hotlist._ranking.document_hits`` ranks them and made Hits
# (``Hit.make``'s slots, the record left unread) and a CheckResult.  The rows
# come from the compiled search's C entry (``hotlist.index._fast.ROWS_ENTRY``:
# no Python call, no allocation) or, for max_edits=0, the exact probe.  The
# record ids and status are read from each chunk's buffers (a table read from
# Parquet row groups has several); a column with nulls or not a dictionary goes
# through the record reader's getters.  What it does not make here -- a non-ASCII listed
# number, more rows than ``limit`` or :data:`HITS_MAX`, a registered kind
# owning the documents' action -- it leaves to the Python path (None).  tests/engine/test_compiled_hits.py holds the two equal.

from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_IsValid
from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from libc.stdint cimport int8_t, int16_t
from libc.stdlib cimport calloc, free


cdef enum:
    HITS_MAX = 32  # rows a hit made here may have (more: the Python path)


cdef struct Codes:
    # a dictionary column's codes (-1: null) as numpy holds them
    const void *p
    int width  # bytes a code: 1, 2 or 4


cdef inline int _code(Codes c, Py_ssize_t r) noexcept nogil:
    if c.width == 1:
        return (<const int8_t *>c.p)[r]
    if c.width == 2:
        return (<const int16_t *>c.p)[r]
    return (<const int32_t *>c.p)[r]


cdef struct Piece:
    # one chunk of a record id column (offsets, bytes) or of a status column
    # (codes, the values by code: a list the bound context keeps)
    int64_t start  # its first row
    const int32_t *o32
    const int64_t *o64
    const uint8_t *data
    Codes codes
    PyObject *values


ctypedef Py_ssize_t (*RowsWithin)(object, const uint8_t *, Py_ssize_t, const uint32_t *, uint64_t, uint32_t *,
                                   Py_ssize_t) except -2

_ROWS_ENTRY = b"hotlist.index._fast.rows"


cdef inline const Piece *_piece(const Piece *ps, Py_ssize_t n, Py_ssize_t r) noexcept nogil:
    """The chunk of row ``r`` (chunks sorted by first row, the first at 0)."""
    cdef Py_ssize_t lo = 0, hi = n, mid
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if ps[mid].start <= r:
            lo = mid
        else:
            hi = mid
    return &ps[lo]


cdef Piece *_pieces(list chunks, bint strings) except NULL:
    """The chunks (``(offsets, data)`` of a string column, or ``(codes,
    values)`` of a dictionary one), each starting where the one before ends."""
    cdef Piece *ps = <Piece *> calloc(max(1, len(chunks)), sizeof(Piece))
    cdef const uint8_t[::1] d
    cdef int64_t at = 0
    cdef Py_ssize_t i, rows
    if ps == NULL:
        raise MemoryError()
    try:
        for i, (first, second) in enumerate(chunks):
            ps[i].start = at
            if strings:
                rows = column_offsets(first, &ps[i].o32, &ps[i].o64)
                d = second
                ps[i].data = &d[0] if d.shape[0] else <const uint8_t *>b""
            else:
                rows = len(first)
                _codes_of(first, &ps[i].codes)
                ps[i].values = <PyObject *> second
            at += rows
    except BaseException:
        free(ps)
        raise
    return ps


cdef int _codes_of(object array, Codes *out) except -1:
    """Point ``out`` at a numpy int8 / int16 / int32 array (which outlives it)."""
    cdef const int8_t[::1] a
    cdef const int16_t[::1] b
    cdef const int32_t[::1] c
    if array.dtype == np.int8:
        a = array
        out.p = &a[0] if a.shape[0] else NULL
        out.width = 1
    elif array.dtype == np.int16:
        b = array
        out.p = &b[0] if b.shape[0] else NULL
        out.width = 2
    else:
        c = array
        out.p = &c[0] if c.shape[0] else NULL
        out.width = 4
    return 0


# Hit's slots, in the order DocumentHits.hoff holds their offsets
_HIT_SLOTS = ("_reader", "_record", "_row", "action", "dataset", "match", "reasons", "record_id", "score", "severity")
_LEVELS = ("exact", "ocr", "edit")


cdef class DocumentHits:
    """The document hit made in C (see the comment above); configured once
    (:meth:`__init__`), bound to each state's columns (:meth:`bind`)."""

    cdef uint8_t cmap[256]
    cdef uint8_t omap[256]
    cdef uint8_t pdrop[256]  # the printable separators a query's plain number drops
    cdef uint8_t adrop[256]  # every byte compact() deletes (a listed number's)
    cdef object hit_cls, kind_actions, dataset, swaps
    cdef Py_ssize_t hoff[10]
    cdef bint direct
    # bound to one state
    cdef bint bound
    cdef object keep, kernel, reader, shape
    cdef object ids_of, status_of  # getters by row (a column with nulls...), else None
    cdef Piece *ids  # the record id column's chunks (ids_of None)
    cdef Piece *sts  # the status column's chunks (status_of None)
    cdef Piece *nums  # the document number column's chunks (one for a combined column)
    cdef Py_ssize_t nids, nsts, nnums
    cdef RowsWithin within_fn  # the compiled search's C entry
    cdef dict cache
    cdef Codes country, dtype

    def __cinit__(self):
        self.ids = NULL
        self.sts = NULL
        self.nums = NULL

    def __dealloc__(self):
        free(self.ids)
        free(self.sts)
        free(self.nums)

    def __init__(self, bytes compact_map, bytes ocr_map, bytes plain_delete, bytes delete, hit_cls, kind_actions,
                 swaps):
        """``compact_map``, ``ocr_map``, ``plain_delete``: ``docnum.plain_tables()``;
        ``delete``: every byte ``docnum.compact`` deletes; ``hit_cls``: Hit;
        ``kind_actions``: the registered kinds' actions (``documents`` in it: every
        hit to the Python path); ``swaps``: ``ocr_letter_swaps`` (an ocr row's
        look-alike letters, part of its shape)."""
        cdef int i
        if len(compact_map) != 256 or len(ocr_map) != 256:
            raise ValueError("translate tables of 256 bytes")
        for i in range(256):
            self.cmap[i] = compact_map[i]
            self.omap[i] = ocr_map[i]
            self.pdrop[i] = 0
            self.adrop[i] = 0
        for i in range(len(plain_delete)):
            self.pdrop[<uint8_t>plain_delete[i]] = 1
        for i in range(len(delete)):
            self.adrop[<uint8_t>delete[i]] = 1
        self.hit_cls = hit_cls
        self.kind_actions = kind_actions
        self.swaps = swaps
        self.dataset = "documents"
        # Hit.make fills the slots of an object made as object.__new__ makes it:
        # written in place here when they are plain slots of such a class
        self.direct = hit_cls.__new__ is object.__new__
        for i, name in enumerate(_HIT_SLOTS):
            desc = None
            for klass in hit_cls.__mro__:
                if name in klass.__dict__:
                    desc = klass.__dict__[name]
                    break
            self.hoff[i] = hlp_slot_offset(desc)
            self.direct = self.direct and self.hoff[i] >= 0
        self.bound = False

    cdef DocumentHits fresh(self):
        """A new DocumentHits configured as this one, bound to nothing: each
        state gets its own (:class:`Bound`), so that a thread making a hit in
        one state never reads columns another thread has bound since."""
        cdef DocumentHits h = DocumentHits.__new__(DocumentHits)
        memcpy(h.cmap, self.cmap, 256)
        memcpy(h.omap, self.omap, 256)
        memcpy(h.pdrop, self.pdrop, 256)
        memcpy(h.adrop, self.adrop, 256)
        h.hit_cls = self.hit_cls
        h.kind_actions = self.kind_actions
        h.swaps = self.swaps
        h.dataset = self.dataset
        memcpy(h.hoff, self.hoff, sizeof(self.hoff))
        h.direct = self.direct
        h.bound = False
        return h

    def bind(self, ctx):
        """Bind to one state's documents (``ctx``: ``hotlist._query._hit_context``
        -- the key index, the record reader, the number column's offsets and
        bytes (or each chunk's offsets and bytes, and None), the issuer and type codes, the record ids (each chunk's offsets
        and bytes, or a getter by row), the status (each chunk's codes and
        values, or a getter by row), the shape callable); ``None``: no hit is
        made here for this state.  Once, on a fresh one (:meth:`fresh`)."""
        if self.ids != NULL or self.sts != NULL or self.nums != NULL:
            raise ValueError("bound already: a state binds a fresh DocumentHits")
        self.bound = False
        self.keep = ctx
        self.cache = {}
        self.kernel = self.reader = self.shape = self.ids_of = self.status_of = None
        self.within_fn = NULL
        if ctx is None:
            return
        index, self.reader, noff, ndata, country, dtype, ids, status, self.shape = ctx
        numbers = noff if ndata is None else [(noff, ndata)]
        self.nnums = len(numbers)
        self.nums = _pieces(numbers, True)
        _codes_of(country, &self.country)
        _codes_of(dtype, &self.dtype)
        if callable(ids):
            self.ids_of = ids
        else:
            self.nids = len(ids)
            self.ids = _pieces(ids, True)
        if callable(status):
            self.status_of = status
        else:
            self.nsts = len(status)
            self.sts = _pieces(status, False)
        self.kernel = index._kernel if index._kernel is not None else index._make_kernel()
        entry = getattr(self.kernel, "rows_entry", None)
        if entry is None or not PyCapsule_IsValid(entry, _ROWS_ENTRY):
            return  # not the compiled search: the Python path makes the hits
        self.within_fn = <RowsWithin> PyCapsule_GetPointer(entry, _ROWS_ENTRY)
        self.bound = True

    cdef inline bint ready(self):
        """Whether a hit is made here (bound, and no registered kind owns the
        documents' action)."""
        return self.bound and self.dataset not in self.kind_actions

    cdef Py_ssize_t within(self, Probe dp, const uint8_t *key, Py_ssize_t kn, uint32_t *rows) except -2:
        """The rows within one edit of ``key`` (the compiled search, guided by
        ``dp``'s pre-filter) into ``rows`` (room for HITS_MAX), sorted; how many,
        -1 when more."""
        return self.within_fn(self.kernel, key, kn, dp.words, dp.nblocks, rows, HITS_MAX)

    cdef object _status(self, Py_ssize_t r):
        """Row ``r``'s status value (None: null)."""
        cdef const Piece *pc
        cdef int code
        if self.status_of is not None:
            return self.status_of(r)
        pc = _piece(self.sts, self.nsts, r)
        code = _code(pc.codes, r - pc.start)
        return (<list> pc.values)[code] if code >= 0 else None

    cdef object _record_id(self, Py_ssize_t r):
        """Row ``r``'s record id."""
        cdef const Piece *pc
        cdef Py_ssize_t a, e
        if self.ids_of is not None:
            return self.ids_of(r)
        pc = _piece(self.ids, self.nids, r)
        a = offset_at(pc.o32, pc.o64, r - pc.start)
        e = offset_at(pc.o32, pc.o64, r - pc.start + 1)
        return PyUnicode_DecodeUTF8(<const char *>pc.data + a, e - a, NULL)

    cdef inline void _prefetch_row(self, Py_ssize_t r) noexcept:
        """Prefetch what reading row ``r``'s number, codes, status and id touches."""
        cdef const Piece *pc = _piece(self.nums, self.nnums, r)
        HLP_PREFETCH(pc.data + offset_at(pc.o32, pc.o64, r - pc.start))
        HLP_PREFETCH(<const uint8_t *>self.country.p + r * self.country.width)
        HLP_PREFETCH(<const uint8_t *>self.dtype.p + r * self.dtype.width)
        if self.status_of is None:
            pc = _piece(self.sts, self.nsts, r)
            HLP_PREFETCH(<const uint8_t *>pc.codes.p + (r - pc.start) * pc.codes.width)
        if self.ids_of is None:
            pc = _piece(self.ids, self.nids, r)
            HLP_PREFETCH(pc.data + offset_at(pc.o32, pc.o64, r - pc.start))

    cdef int _level(self, Py_ssize_t r, const uint8_t *compact, Py_ssize_t cn, const uint8_t *key, Py_ssize_t kn,
                    uint8_t *lc, Py_ssize_t *lm) noexcept nogil:
        """0 exact, 1 ocr, 2 edit (``DocumentIndex.scored``'s level of row ``r``
        for the query's compact number and key), the listed number compacted into
        ``lc`` (``lm`` bytes; QMAX room) for an ocr row; -1: not told here (a
        listed number with a non-ASCII byte, or longer than a key can be)."""
        cdef const Piece *pc = _piece(self.nums, self.nnums, r)
        cdef Py_ssize_t a = offset_at(pc.o32, pc.o64, r - pc.start)
        cdef Py_ssize_t e = offset_at(pc.o32, pc.o64, r - pc.start + 1)
        cdef const uint8_t *p = pc.data + a
        cdef Py_ssize_t i, m = 0, k = 0
        cdef uint8_t c
        if e - a == cn and memcmp(p, compact, cn) == 0:
            return 0  # the listed number is the compact query itself
        for i in range(e - a):  # docnum.compact: delete, map
            c = p[i]
            if c >= 128:
                return -1
            if self.adrop[c]:
                continue
            if m >= QMAX:
                return -1
            lc[m] = self.cmap[c]
            m += 1
        lm[0] = m
        if m == cn and memcmp(lc, compact, cn) == 0:
            return 0
        for i in range(m):  # docnum.ocr_key of that
            c = lc[i]
            if self.adrop[c]:
                continue
            if k >= kn or self.omap[c] != key[k]:
                return 2
            k += 1
        return 1 if k == kn else 2

    cdef object answer(self, const uint32_t *rows, Py_ssize_t nf, const uint8_t *key, Py_ssize_t kn,
                       object document, object asked, Results results, list warnings, dict query,
                       object version, object searched, Py_ssize_t limit, double min_score):
        """check()'s result for ``document`` (its OCR ``key``; ``asked``: the
        issuer code asked, or None) whose candidate rows are ``rows`` (sorted;
        within one edit, or equal for max_edits=0) when no wanted person lists
        it; None: the Python path makes it.  Call :meth:`ready` first."""
        cdef uint8_t compact[QMAX]
        cdef Py_ssize_t cn = 0, i, j, nh = 0
        cdef const uint8_t *p
        cdef uint8_t c
        cdef int levels[HITS_MAX]
        cdef int order[HITS_MAX]
        cdef double scores[HITS_MAX]
        cdef bint alarms[HITS_MAX]
        cdef list shapes = []
        cdef Py_ssize_t r, lm
        cdef int lv, t
        cdef uint8_t lc[QMAX]
        if nf <= 0 or nf > HITS_MAX:
            return None
        p = HLP_DATA(document)
        for i in range(PyUnicode_GET_LENGTH(document)):  # docnum.plain_keys' compact
            c = p[i]
            if self.pdrop[c]:
                continue
            if cn >= QMAX:
                return None
            compact[cn] = self.cmap[c]
            cn += 1
        for i in range(nf):
            self._prefetch_row(rows[i])
        for i in range(nf):
            r = rows[i]
            lv = self._level(r, compact, cn, key, kn, lc, &lm)
            if lv < 0:
                return None  # a listed number told in Python
            swaps = None
            if lv == 1:  # look-alike letters only: their own reason (ocr_letter_swaps)
                swaps = self.swaps(
                    PyUnicode_DecodeASCII(<const char *>lc, lm, NULL),
                    PyUnicode_DecodeASCII(<const char *>compact, cn, NULL),
                )
            shape_key = (lv, asked, _code(self.country, r), _code(self.dtype, r), self._status(r), swaps)
            shape = self.cache.get(shape_key)
            if shape is None:
                shape = self.shape(_LEVELS[lv], asked, *shape_key[2:])
                self.cache[shape_key] = shape
            # shape: (score, reasons, severity, action), severity "alarm" or "possible"
            levels[i] = lv
            scores[i] = shape[0]
            alarms[i] = shape[2] == "alarm"
            shapes.append(shape)
            if scores[i] >= min_score:
                # insertion by RANKING: alarms first, then score (higher first),
                # level, row (the found rows come sorted: the earlier row first)
                j = nh
                while j > 0:
                    t = order[j - 1]
                    if alarms[t] != alarms[i]:
                        if alarms[t]:
                            break
                    elif scores[t] != scores[i]:
                        if scores[t] > scores[i]:
                            break
                    elif levels[t] <= levels[i]:
                        break
                    order[j] = t
                    j -= 1
                order[j] = i
                nh += 1
        if nh > limit:
            return None  # hits left out by limit: the Python path says so
        hits = []
        for j in range(nh):
            i = order[j]
            r = rows[i]
            hits.append(self._hit(self._record_id(r), _LEVELS[levels[i]], shapes[i], r))
        result = results.miss(warnings, query, version, searched)
        if results.direct:
            hlp_put(result, results.off[0], hits)
        else:
            result.hits = hits
        return result

    cdef object _hit(self, object record_id, object level, tuple shape, Py_ssize_t row):
        """``Hit.make("documents", record_id, level, score, list(reasons), None,
        severity, action, reader, row)``."""
        if not self.direct:
            return self.hit_cls.make(
                self.dataset, record_id, level, shape[0], list(shape[1]), None, shape[2], shape[3],
                self.reader, row,
            )
        h = hlp_alloc(self.hit_cls)
        hlp_put(h, self.hoff[0], self.reader)
        hlp_put(h, self.hoff[1], None)
        hlp_put(h, self.hoff[2], row)
        hlp_put(h, self.hoff[3], shape[3])
        hlp_put(h, self.hoff[4], self.dataset)
        hlp_put(h, self.hoff[5], level)
        hlp_put(h, self.hoff[6], list(shape[1]))
        hlp_put(h, self.hoff[7], record_id)
        hlp_put(h, self.hoff[8], shape[0])
        hlp_put(h, self.hoff[9], shape[2])
        return h
