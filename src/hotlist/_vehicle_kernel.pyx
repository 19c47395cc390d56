# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Compiled vehicle miss (optional; the reference is ``hotlist._vehicle_fast``).

:class:`VehicleMiss` answers ``check(vin=...)`` and ``check(plate=...,
country=...)`` when the answer is a plain miss, in one call: the key of a plain
VIN (``vin.plain_key``: compacted by the module's byte table, VIN characters,
the North-American check digit by per-position weight tables) or plate
(``plate.plain_keys``), the VIN index's pre-filter and its exact probes (one
edit) or the exact probe (``max_edits=0``, plates), and the result -- with no
Python string made.  Whatever it cannot tell the same way as the Python fast
path (a partial VIN, a plate that may start with a distinguishing sign, a
country text not read yet, a VIN index whose pre-filter is still built, a state
whose context is not worked out, ...) goes to that fast path, which answers or
gives None (the general pipeline); a hit gives None at once.
"""

from libc.stdint cimport uint8_t, int32_t
from cpython.unicode cimport PyUnicode_GET_LENGTH

from hotlist.index._prefilter_kernel cimport HLP_DATA, HLP_IS_ASCII, Probe, Results, plain_key, tolerance

cdef enum:
    VIN_LEN = 17  # a full VIN
    KEY_CAP = 64  # longest key made here (a VIN has 17, a plate 12)
    SIGN_CODES = 27 * 27 * 27  # 1-3 letters, each 1-26 (0: none)


cdef inline Py_ssize_t _sign(const uint8_t *p, Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    """The code of the 1-3 ASCII letters ``p[i:j]``, case folded (index of ``sign``)."""
    cdef Py_ssize_t code = 0
    while i < j:
        code = code * 27 + ((p[i] | 0x20) - 96)
        i += 1
    return code


cdef class VehicleMiss:
    """``check()``'s vehicle miss in one call (see :meth:`check`)."""

    cdef uint8_t vmap[256]  # VIN: the compacting byte map
    cdef uint8_t vdrop[256]  # VIN: separators (dropped)
    cdef uint8_t vchar[256]  # VIN characters
    cdef uint8_t north[256]  # first characters whose VINs carry a check digit
    cdef int32_t weigh[VIN_LEN][256]  # transliteration x the position's weight
    cdef uint8_t digits[11]
    cdef uint8_t pmap[256]  # plate: the compacting byte map
    cdef uint8_t pdrop[256]
    cdef uint8_t omap[256]  # plate: the OCR key's byte map
    cdef uint8_t psep[256]  # plate: the separators of the sign rule's pattern
    cdef uint8_t sign[SIGN_CODES]  # plate: distinguishing signs (1-3 letters, see _sign)
    cdef Py_ssize_t vin_min, vin_limit, vin_text, partial_max, plate_max, plate_limit, plate_text
    cdef object fallback, ctx_cls, kinds, countries
    cdef object d_limit, d_min_score, d_edits, d_no_edits
    cdef Results results

    def __init__(self, dict vin, dict plate):
        """``vin``: ``byte_map``, ``delete`` (bytes), ``chars``, ``north`` (str),
        ``weighed`` (17 dicts char -> value x weight), ``digits`` (11 chars),
        ``min``, ``partial_max``, ``text`` (longest text plain_key takes),
        ``limit`` (the field's); ``plate``: ``byte_map``, ``delete``,
        ``ocr_map``, ``separators``, ``signs`` (distinguishing signs),
        ``max_length``, ``text``, ``limit``."""
        cdef int i, j
        if len(vin["byte_map"]) != 256 or len(plate["byte_map"]) != 256 or len(plate["ocr_map"]) != 256:
            raise ValueError("translate tables of 256 bytes")
        if len(vin["weighed"]) != VIN_LEN or len(vin["digits"]) != 11 or plate["max_length"] > KEY_CAP:
            raise ValueError("17 weights, 11 check digits and plates of at most 64")
        for i in range(256):
            self.vmap[i] = vin["byte_map"][i]
            self.pmap[i] = plate["byte_map"][i]
            self.omap[i] = plate["ocr_map"][i]
            self.vdrop[i] = self.vchar[i] = self.north[i] = self.pdrop[i] = self.psep[i] = 0
            for j in range(VIN_LEN):
                self.weigh[j][i] = -1
        for b in vin["delete"]:
            self.vdrop[b] = 1
        for c in vin["chars"]:
            self.vchar[ord(c)] = 1
        for c in vin["north"]:
            self.north[ord(c)] = 1
        for j, table in enumerate(vin["weighed"]):
            for c, v in table.items():
                self.weigh[j][ord(c)] = v
        for i, c in enumerate(vin["digits"]):
            self.digits[i] = ord(c)
        for b in plate["delete"]:
            self.pdrop[b] = 1
        for i in range(SIGN_CODES):
            self.sign[i] = 0
        for code in plate["signs"]:
            b = code.encode("ascii")
            if not 1 <= len(b) <= 3 or not b.isalpha() or not b.isupper():
                raise ValueError(f"a distinguishing sign of 1-3 letters: {code!r}")
            self.sign[_sign(b, 0, len(b))] = 1
        for c in plate["separators"]:
            if ord(c) < 128:
                self.psep[ord(c)] = 1
        self.vin_min = vin["min"]
        self.partial_max = vin["partial_max"]
        self.vin_text = vin["text"]
        self.vin_limit = vin["limit"]
        self.plate_max = plate["max_length"]
        self.plate_text = plate["text"]
        self.plate_limit = plate["limit"]

    def configure(self, result_cls, ctx_cls, kinds, dict countries, defaults, fallback):
        """Set up :meth:`check`: the result class, the fast path's per-state
        context class (``state.fast["vehicles"]``; its ``compiled`` is None or
        ``(kinds, vin index, vin exact probe, plate exact probe, (searched,
        notes) of a VIN, of a plate, of a plate with its country, data
        version)``), ``datasets.kinds``, the dict of country texts already read,
        the default ``(limit, min_score, max_edits, no_edits)`` (compared by
        identity, as check_options does) and the Python fast path asked for
        whatever is not told here."""
        self.results = Results(result_cls)
        self.ctx_cls = ctx_cls
        self.kinds = kinds
        self.countries = countries
        self.d_limit, self.d_min_score, self.d_edits, self.d_no_edits = defaults
        self.fallback = fallback

    def vin_key(self, vin):
        """The key :meth:`check` probes for ``vin`` (None: asked of the Python fast path)."""
        cdef uint8_t buf[KEY_CAP]
        cdef Py_ssize_t n = self._vin_key(vin, buf)
        return None if n < 0 else (<char *>buf)[:n].decode("ascii")

    def plate_key(self, plate):
        """The OCR key :meth:`check` probes for ``plate`` (None: asked of the Python fast path)."""
        cdef uint8_t buf[KEY_CAP]
        cdef Py_ssize_t n = self._plate_key(plate, buf)
        return None if n < 0 else (<char *>buf)[:n].decode("ascii")

    cdef Py_ssize_t _vin_key(self, object vin, uint8_t *out):
        """``vin.plain_key(vin)`` of a full VIN (printable ASCII within the field's
        limit) into ``out``; -1 for anything else (a partial VIN too)."""
        cdef const uint8_t *p
        cdef Py_ssize_t n, i, k = 0
        cdef uint8_t c
        cdef int32_t s = 0
        if type(vin) is not str or not HLP_IS_ASCII(vin):
            return -1
        n = PyUnicode_GET_LENGTH(vin)
        if n > self.vin_limit or n > self.vin_text:
            return -1
        p = HLP_DATA(vin)
        for i in range(n):
            c = p[i]
            if c < 0x20 or c > 0x7E:  # not printable: clean() refuses it
                return -1
            if self.vdrop[c]:
                continue
            c = self.vmap[c]
            if not self.vchar[c] or k >= VIN_LEN:
                return -1
            out[k] = c
            k += 1
        if k < self.vin_min or k <= self.partial_max:
            return -1
        if k == VIN_LEN and self.north[out[0]]:
            for i in range(VIN_LEN):
                s += self.weigh[i][out[i]]
            if self.digits[s % 11] != out[8]:
                return -1  # a wrong check digit: the pipeline warns
        return k

    cdef Py_ssize_t _plate_key(self, object plate, uint8_t *out):
        """``plate.plain_keys(plate.strip())[1]`` into ``out`` for printable ASCII
        within the field's limit that cannot start with a distinguishing sign;
        -1 for anything else."""
        cdef const uint8_t *p
        cdef Py_ssize_t n, i, j, a, e
        if type(plate) is not str or not HLP_IS_ASCII(plate):
            return -1
        n = PyUnicode_GET_LENGTH(plate)
        if n > self.plate_limit or n > self.plate_text:
            return -1
        p = HLP_DATA(plate)
        for i in range(n):
            if p[i] < 0x20 or p[i] > 0x7E:
                return -1
        a, e = 0, n
        while a < e and p[a] == 0x20:  # str.strip(): printable ASCII whitespace is a space
            a += 1
        while e > a and p[e - 1] == 0x20:
            e -= 1
        # the module rule's candidate sign, [separators]*([A-Za-z]{1,3})[separators],
        # when it is a distinguishing sign: the Python fast path takes such a plate
        i = a
        while i < e and self.psep[p[i]]:
            i += 1
        j = i
        while j < e and ((p[j] | 0x20) >= 97 and (p[j] | 0x20) <= 122):
            j += 1
        if 1 <= j - i <= 3 and j < e and self.psep[p[j]] and self.sign[_sign(p, i, j)]:
            return -1  # a distinguishing sign (the module rule may drop it)
        return plain_key(p, a, e, self.pdrop, self.pmap, self.omap, self.plate_max, out)

    def check(self, state, vin, plate, country, limit, min_score, max_edits, name_threshold):
        """``vehicle_miss``'s answer: a new result for a plain miss, None for
        anything the general pipeline must answer; what is not told here is
        asked of the Python fast path (the same arguments)."""
        cdef uint8_t buf[KEY_CAP]
        cdef Py_ssize_t n
        cdef bint tolerant
        cdef int t
        cdef Probe probe
        cdef tuple c
        if limit is not self.d_limit or min_score is not self.d_min_score or name_threshold is not None:
            return None  # other options: the general pipeline (as the fast path says)
        t = tolerance(max_edits, self.d_edits, self.d_no_edits)
        if t < 0:
            return None
        tolerant = t == 1
        fast = state.fast
        ctx = (<dict>fast).get("vehicles") if type(fast) is dict else None
        if type(ctx) is not self.ctx_cls or ctx.compiled is None:
            return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
        c = ctx.compiled
        if c[0] != self.kinds():  # a kind registered since: worked out again there
            return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
        if plate is None:
            if vin is None or country is not None:
                return None
            n = self._vin_key(vin, buf)
            if n < 0:
                return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
            if tolerant:
                p = c[1]._probe
                if p is None:
                    return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
                probe = <Probe?>p
                if not probe._exact_ok(n):  # the filter is still built in the background
                    return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
                if probe._near_exact(buf, n):
                    return None
            else:
                probe = <Probe?>c[2]
                if probe._has(buf, n):
                    return None
            searched, notes = c[4]
            return self.results.miss(list(notes), {"vin": vin}, c[7], searched)
        if vin is not None:
            return None
        if country is not None and (type(country) is not str or country not in self.countries):
            return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
        n = self._plate_key(plate, buf)
        if n < 0:
            return self.fallback(state, vin, plate, country, limit, min_score, max_edits, name_threshold)
        probe = <Probe?>c[3]
        if probe._has(buf, n):
            return None
        if country is None:
            searched, notes = c[5]
            return self.results.miss(list(notes), {"plate": plate}, c[7], searched)
        searched, notes = c[6]
        return self.results.miss(list(notes), {"country": country, "plate": plate}, c[7], searched)
