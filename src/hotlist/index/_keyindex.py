"""KeyIndex: exact and one-edit lookup of normalised keys.

Structure (n = indexed, non-null keys; b = directory bits, about log2(n) - 1):

=============  =========  ======================================  ===============
array          dtype      content                                 bytes / record
=============  =========  ======================================  ===============
``rows``       uint32     row numbers, ordered by key hash        4
``fp``         uint16     low 16 bits of each hash, same order    2
``directory``  uint32     ``2**b + 1`` start positions, by the    ~2-4
                          top ``b`` bits of the hash
``position_``  uint8      per key length m <= 64 and position i,  13 KiB in all
``alphabet``              the set of bytes found there (32 bytes)  (keys <= 20 B)
=============  =========  ======================================  ===============

about 8-10 bytes per record in all (measured 8.1 at 1 M keys, 9.4 at 10 M;
``nbytes`` reports it), plus the Arrow key column the caller already holds --
the index keeps a reference to it and verifies every hit against it, so hash
collisions never produce a false hit.  The hash is :func:`key_hash`
(CRC-32).  A scalar lookup reads the two directory entries of its slot (a
miss usually ends there or after one C-level bisect over the slot's sorted
fingerprints) and, for a candidate, compares the bytes: ~0.7 µs for a miss at
1 M and 10 M keys, ~3 µs for a hit (which builds the result array).

One-edit search: :mod:`hotlist.index._oneedit` (the choice of method and its
reasons, the compiled kernel, the pure reference path and their measured costs).
"""

from __future__ import annotations

import os
import threading
import zlib
from bisect import bisect_left as _bisect_left
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from hotlist.index._arrow import StringColumn, as_string_array
from hotlist.index._hashing import (
    crc32_of_column,
    hash_pairs,
    marked_alphabet,
    pack_positions,
    split_entries,
)
from hotlist.index._merge import deleted_rows, grown_positions
from hotlist.index._oneedit import EMPTY_ROWS, OneEditSearch
from hotlist.index._pairs import expand, pairs_equal
from hotlist.index._prefilter import KERNEL as _PREFILTER
from hotlist.index._prefilter import built_filter, grown_filter

__all__ = ["COMPILED", "EMPTY_ROWS", "KeyIndex"]

_OneEdit: Any
_merge_entries: Any
_compiled_lookup: Any
try:  # the compiled exact lookup of a column (optional; numpy form below)
    from hotlist.index._crc_kernel import lookup_pairs as _compiled_lookup
except ImportError:  # pragma: no cover - depends on the build
    _compiled_lookup = None
if os.environ.get("HOTLIST_PURE"):
    _compiled_lookup = None
try:  # the compiled one-edit search (built by ``pip install .``; optional)
    from hotlist.index._fast import OneEdit as _OneEdit
    from hotlist.index._fast import merge_entries as _merge_entries
except ImportError:  # pragma: no cover - depends on the build
    _OneEdit = None
    _merge_entries = None

#: True when the compiled one-edit search is used (``HOTLIST_PURE=1`` turns it off).
COMPILED: bool = (
    _OneEdit is not None and _PREFILTER is not None and not os.environ.get("HOTLIST_PURE")
)

_I64 = npt.NDArray[np.int64]
_U32 = npt.NDArray[np.uint32]
_U8 = npt.NDArray[np.uint8]
_IP = npt.NDArray[np.intp]
_Arrays = dict[str, npt.NDArray[Any]]  # what KeyIndex.arrays() gives and from_arrays() takes


_crc32 = zlib.crc32

#: Longest key length with a per-position alphabet (longer keys: the global one).
_POS_CAP = 64

#: Indexes of more indexed keys than this build their miss pre-filter in a
#: background thread (~0.2 s CPU per million keys: seconds at 10 M), so the first
#: check after a load never waits for it; smaller ones build it at once (< ~40 ms).
BACKGROUND_KEYS = 200_000

_START = threading.Lock()  # guards starting an index's one background build


def _sizes(max_length: int, position_alphabet: _U8) -> _Arrays:
    """The length entries of :meth:`KeyIndex.arrays`: what build and merge add to
    the hash arrays, so that every index is made by :meth:`KeyIndex.from_arrays`."""
    return {
        "max_length": np.array([max_length], dtype=np.int64),
        "position_alphabet": position_alphabet,
    }


def default_dir_bits(n: int) -> int:
    """Directory bits for ``n`` keys: ~1-2 keys per slot, at least 2**8 slots."""
    return min(31, max(8, n.bit_length() - 1))


class KeyIndex(OneEditSearch):
    """Exact and one-edit lookup of already-normalised string keys.

    Row numbers are positions in the Arrow array given to :meth:`build`; null
    keys are not indexed (they never match), an empty string is a key like
    any other.  Every method returns row numbers as an ``int64`` array sorted
    ascending; a miss returns the shared read-only :data:`EMPTY_ROWS`.

    Read-only after construction, so any number of threads may query it.

    >>> import pyarrow as pa
    >>> ix = KeyIndex.build(pa.array(["L898902C3", "X1", None, "L898902C3", "L898920C3"]))
    >>> ix.lookup("L898902C3").tolist()
    [0, 3]
    >>> ix.lookup("NOPE").tolist()
    []
    >>> ix.within_one_edit("L898902C").tolist()
    [0, 3]
    >>> ix.within_one_edit("L898902C3").tolist()
    [0, 3, 4]
    >>> q, r = ix.lookup_many(pa.array(["X1", None, "L898902C3"]))
    >>> q.tolist(), r.tolist()
    ([0, 2, 2], [1, 0, 3])
    """

    __slots__ = (
        "_alpha",
        "_builder",
        "_col",
        "_dir",
        "_dir_mv",
        "_filter",
        "_fp",
        "_fp_mv",
        "_fp_sorted",
        "_kernel",
        "_maxlen",
        "_open_probe",
        "_plans",
        "_posal",
        "_probe",
        "_rows",
        "_rows_mv",
        "_shift",
    )

    def __init__(
        self,
        keys: Any,
        *,
        directory: _U32,
        fp: npt.NDArray[np.uint16],
        rows: _U32,
        alphabet: npt.NDArray[np.uint8],
        max_length: int,
        position_alphabet: _U8 | None = None,
        prefilter: _U32 | None = None,
    ) -> None:
        col = StringColumn.of(keys)
        nslots = len(directory) - 1
        bits = nslots.bit_length() - 1
        if nslots < 1 or (1 << bits) != nslots:
            raise ValueError("directory length must be 2**b + 1")
        if len(fp) != len(rows) or int(directory[-1]) != len(rows):
            raise ValueError("directory, fp and rows do not agree")
        self._col = col
        self._dir = np.ascontiguousarray(directory, dtype=np.uint32)
        self._fp = np.ascontiguousarray(fp, dtype=np.uint16)
        self._rows = np.ascontiguousarray(rows, dtype=np.uint32)
        self._alpha = np.ascontiguousarray(alphabet, dtype=np.uint8)
        self._maxlen = int(max_length)
        self._shift = 32 - bits
        self._fp_sorted = bits >= 16
        self._dir_mv = self._dir.data
        self._fp_mv = self._fp.data
        self._rows_mv = self._rows.data
        self._posal: _U8 | None = None
        if position_alphabet is not None:
            pa_ = np.ascontiguousarray(position_alphabet, dtype=np.uint8)
            cap = min(self._maxlen, _POS_CAP)
            if pa_.shape != (cap + 1, cap + 1, 32):
                raise ValueError("position_alphabet does not match max_length")
            self._posal = pa_
        self._win: tuple[npt.NDArray[np.void], int, bool] | None = None  # see _windows
        self._plans: dict[int, tuple[_U32, _IP, bool, bool, bool]] = {}
        self._kernel: Any = None  # the compiled search, made on first use
        # the miss pre-filter (hotlist.index._prefilter), made on first use or given
        self._filter: _U32 | None = None
        if prefilter is not None and len(prefilter) and len(prefilter) % 8 == 0:
            self._filter = np.ascontiguousarray(prefilter, dtype=np.uint32)
        self._probe: Any = None  # the compiled probe over the arrays and the filter
        self._open_probe: Any = None  # the probe without it, while it is being built
        self._builder: threading.Thread | None = None  # the filter's background build

    # -- construction -------------------------------------------------------

    @classmethod
    def build(cls, keys: Any, *, dir_bits: int | None = None) -> KeyIndex:
        """Index ``keys`` (a pyarrow string array; nulls are not indexed).

        Cost: one CRC pass over the key bytes (compiled, or vectorised numpy)
        and one sort of ``uint64`` (hash, row) pairs (numpy's vectorised sort
        beats placing each entry in its slot: those random writes cost more);
        ~0.7-1.1 s CPU for 10 M keys on a loaded 2-core VM.
        """
        keys = as_string_array(keys)
        col = StringColumn.of(keys)
        n = len(col)
        if n >= 1 << 32:
            raise ValueError("KeyIndex holds at most 2**32 - 1 rows")
        sel: _I64 | None = None if col.valid is None else np.flatnonzero(col.valid)
        lens = col.lengths() if sel is None else col.lengths()[sel]
        max_length = int(lens.max()) if len(lens) else 0
        cap = min(max_length, _POS_CAP)
        marks = np.zeros((cap + 1, (cap + 1) * 256), dtype=bool)
        pairs = hash_pairs(col, sel, marks=marks)
        bits = default_dir_bits(len(pairs)) if dir_bits is None else int(dir_bits)
        if not 1 <= bits <= 31:
            raise ValueError("dir_bits must be between 1 and 31")
        pairs.sort()
        directory, fp, rows = split_entries(pairs, bits)
        del pairs
        alphabet = marked_alphabet(marks, col, sel, lens)
        hashed: _Arrays = {"directory": directory, "fp": fp, "rows": rows, "alphabet": alphabet}
        return cls.from_arrays(keys, hashed | _sizes(max_length, pack_positions(marks)))

    def merged(self, keep: npt.NDArray[np.bool_], keys: Any) -> KeyIndex:
        """The index over ``keys`` = this index's keys where ``keep``, then new
        keys appended (what a delta makes), without re-sorting the kept entries.

        Same answers as ``KeyIndex.build(keys)`` (tested): the kept entries keep
        their (hash, row) order with rows renumbered, the new keys are hashed,
        sorted and merged in, in one compiled pass (``_fast.merge_entries``);
        the per-position alphabets are those of the old and new keys together
        (a superset after deletions, which only costs a few extra probes).
        Falls back to :meth:`build` when the kernel is not built, the directory
        is under 16 bits (small indexes), or the index grew enough to want a
        larger directory.
        """
        keys = as_string_array(keys)
        keep = np.asarray(keep, dtype=bool)
        col = StringColumn.of(keys)
        n_old = len(self)
        n_kept = int(np.count_nonzero(keep))
        bits = 32 - self._shift
        n = len(col)
        if (
            _merge_entries is None
            or len(keep) != n_old
            or bits < 16
            or self._posal is None
            or n < n_kept
            or n >= 1 << 32
        ):
            return KeyIndex.build(keys)
        new = np.arange(n_kept, n, dtype=np.int64)
        if col.valid is not None:
            new = new[col.valid[n_kept:]]
        new_lens = col.offsets[new + 1].astype(np.int64) - col.offsets[new]
        n_entries = len(self._rows) + len(new)  # an upper bound: deleted entries go
        if default_dir_bits(n_entries) > bits + 1:
            return KeyIndex.build(keys)
        max_length = max(self._maxlen, int(new_lens.max()) if len(new_lens) else 0)
        posal = grown_positions(self._posal, min(max_length, _POS_CAP))
        marks = np.zeros((len(posal), len(posal) * 256), dtype=bool)
        pairs = hash_pairs(col, new, marks=marks)
        pairs.sort()
        new_rows = pairs.astype(np.uint32)
        new_hash = (pairs >> np.uint64(32)).astype(np.uint32)
        deleted, blocks = deleted_rows(keep)
        out_dir = np.empty(len(self._dir), dtype=np.uint32)
        out_fp = np.empty(n_entries, dtype=np.uint16)
        out_rows = np.empty(n_entries, dtype=np.uint32)
        m = _merge_entries(
            self._dir,
            self._fp,
            self._rows,
            deleted,
            blocks,
            new_hash,
            new_rows,
            self._shift,
            out_dir,
            out_fp,
            out_rows,
            np.empty(n_old - n_kept, dtype=np.uint32),
        )
        posal |= pack_positions(marks)
        alphabet = np.union1d(self._alpha, marked_alphabet(marks, col, new, new_lens))
        hashed: _Arrays = {"directory": out_dir, "fp": out_fp[:m], "rows": out_rows[:m]}
        hashed["alphabet"] = alphabet.astype(np.uint8)
        # the miss pre-filter with the new keys (None while it is built in the background)
        grown = grown_filter(self._filter, col, new)
        if grown is not None:
            hashed["prefilter"] = grown
        merged = KeyIndex.from_arrays(keys, hashed | _sizes(max_length, posal))
        old = self._kernel
        if old is not None and old.has_key_bits:
            # the compiled search's key and place bits: this index's, grown by
            # the new keys (when they are made, in the background), not remade
            merged._make_kernel().seed_bits(old, new, n_old - n_kept)
        return merged

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The index as plain numpy arrays (for ``np.save`` / memory mapping)."""
        out: dict[str, npt.NDArray[Any]] = {
            "directory": self._dir,
            "fp": self._fp,
            "rows": self._rows,
            "alphabet": self._alpha,
            "max_length": np.array([self._maxlen], dtype=np.int64),
        }
        if self._posal is not None:
            out["position_alphabet"] = self._posal
        builder = self._builder
        if builder is not None:  # a snapshot saved right after a load keeps the filter
            builder.join()
        if COMPILED and self.probe().filtered:
            assert self._filter is not None
            out["prefilter"] = self._filter
        return out

    @classmethod
    def from_arrays(cls, keys: Any, arrays: Mapping[str, npt.NDArray[Any]]) -> KeyIndex:
        """Rebuild from :meth:`arrays` (possibly memory-mapped) and the same keys.

        Arrays saved before ``position_alphabet`` existed still load: one-edit
        search then tries the global alphabet at every position (slower, same
        results).
        """
        return cls(
            keys,
            directory=arrays["directory"],
            fp=arrays["fp"],
            rows=arrays["rows"],
            alphabet=arrays["alphabet"],
            max_length=int(arrays["max_length"][0]),
            position_alphabet=arrays.get("position_alphabet"),
            prefilter=arrays.get("prefilter"),
        )

    # -- facts --------------------------------------------------------------

    @property
    def keys(self) -> Any:
        """The Arrow key array the index refers to."""
        return self._col.array

    def __len__(self) -> int:
        """Number of rows (the length of the key array, nulls included)."""
        return len(self._col)

    @property
    def n_indexed(self) -> int:
        """Number of indexed (non-null) keys."""
        return len(self._rows)

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays (the key column itself not counted)."""
        extra = 0 if self._posal is None else self._posal.nbytes
        extra += 0 if self._filter is None else self._filter.nbytes
        return int(
            self._dir.nbytes + self._fp.nbytes + self._rows.nbytes + self._alpha.nbytes + extra
        )

    @property
    def alphabet(self) -> bytes:
        """The bytes occurring in the indexed keys (what one-edit variants use)."""
        return self._alpha.tobytes()

    def __repr__(self) -> str:
        return (
            f"KeyIndex({self.n_indexed:,} keys of {len(self):,} rows, "
            f"{self.nbytes / max(1, len(self)):.1f} bytes/row)"
        )

    # -- exact lookup ---------------------------------------------------------

    def lookup(self, key: str) -> _I64:
        """Rows whose key equals ``key`` exactly (sorted; empty on a miss)."""
        b = key.encode()
        h = _crc32(b)
        d = self._dir_mv
        t = h >> self._shift
        lo = d[t]
        hi = d[t + 1]
        if lo == hi:
            return EMPTY_ROWS
        fp = self._fp_mv
        f = h & 0xFFFF
        if self._fp_sorted:
            # with >= 16 directory bits the fingerprint finishes the hash, so a
            # slot is sorted by fingerprint: one C-level bisect
            i = _bisect_left(fp, f, lo, hi)
            if i == hi or fp[i] != f:
                return EMPTY_ROWS
            if i + 1 == hi or fp[i + 1] != f:  # the common case: one candidate
                r = self._rows_mv[i]
                if self._col.key_equals(r, b):
                    return np.array([r], dtype=np.int64)
                return EMPTY_ROWS
            lo = i
        rows = self._rows_mv
        col = self._col
        found = []
        for i in range(lo, hi):
            if fp[i] == f and col.key_equals(rows[i], b):
                found.append(rows[i])
        if not found:
            return EMPTY_ROWS
        # equal keys share one hash, so (hash, row) order already sorts them by row
        return np.array(found, dtype=np.int64)

    def contains(self, key: str) -> bool:
        """True when some row has exactly this key."""
        return len(self.lookup(key)) > 0

    def lookup_many(self, keys: Any) -> tuple[_I64, _I64]:
        """Vectorised :meth:`lookup` of many keys.

        Returns ``(query_idx, row_idx)``: one pair per (query, matching row),
        ordered by query then row.  Null queries match nothing.  Compiled
        (``_crc_kernel.lookup_pairs``: hash, probe and compare in one pass,
        several queries' cache misses in flight, ~25 ns a miss at 10 M keys)
        when built, else :meth:`lookup_many_py` (tested equal).
        """
        if _compiled_lookup is None:
            return self.lookup_many_py(keys)
        qcol = StringColumn.of(keys)
        valid = None if qcol.valid is None else qcol.valid.view(np.uint8)
        index = (self._dir, self._fp, self._rows, self._shift, self._col.offsets, self._col.data)
        pairs: tuple[_I64, _I64] = _compiled_lookup(qcol.offsets, qcol.data, valid, *index)
        return pairs

    def lookup_many_py(self, keys: Any) -> tuple[_I64, _I64]:
        """:meth:`lookup_many` in numpy passes (the reference, and the form
        without the compiled kernel)."""
        qcol = StringColumn.of(keys)
        qsel: _I64 | None = None if qcol.valid is None else np.flatnonzero(qcol.valid)
        h = crc32_of_column(qcol, qsel)
        t = h >> np.uint32(self._shift)
        lo = self._dir[t]
        cnt = self._dir[t + 1] - lo
        pos, owner = expand(lo, cnt)
        keep = self._fp[pos] == h.astype(np.uint16)[owner]
        pos = pos[keep]
        owner = owner[keep]
        rows = self._rows[pos].astype(np.int64)
        qidx = owner if qsel is None else qsel[owner]
        ok = pairs_equal(self._col, rows, qcol, qidx)
        return qidx[ok], rows[ok]

    # -- one edit -------------------------------------------------------------

    def within_one_edit(self, key: str) -> _I64:
        """Rows whose key is within one edit of ``key`` (sorted).

        One edit = one substitution, insertion, deletion or adjacent
        transposition (optimal string alignment distance <= 1), exact matches
        included.  Nothing is scanned: see the module docstring.  Uses the
        compiled kernel (``hotlist.index._fast``) when it is built, else
        :meth:`within_one_edit_py`; the two are tested equal.
        """
        if COMPILED:
            b = key.encode()
            p = self._probe
            if p is None:
                p = self.probe()
            if not p.near(b):  # the pre-filter: no key within one edit
                return EMPTY_ROWS
            k = self._kernel
            if k is None:
                k = self._make_kernel()
            found = k.search(b, p)  # p: guides the search when it holds the pre-filter
            if not found:
                return EMPTY_ROWS
            return np.array(found, dtype=np.int64)
        return self.within_one_edit_py(key)

    def near_many(self, keys: Any) -> npt.NDArray[np.bool_]:
        """For each key of a string array, whether some row's key is within one
        edit of it (nulls: False) -- a batch's first pass: only the True ones
        need :meth:`within_one_edit`.  Exact when :data:`COMPILED` (the
        pre-filter and the probes of its passing tests, ~0.3-0.8 µs a key; a
        key over 64 bytes may be a false True; while the filter is built in the
        background, :meth:`within_one_edit` of each key); else every key is True."""
        qcol = StringColumn.of(keys)
        out = np.ones(len(qcol), dtype=bool)
        if COMPILED and len(qcol):
            probe = self.probe()
            if not probe.filtered:  # the filter is being built: the search tells
                texts = qcol.array.to_pylist()
                near = [t is not None and len(self.within_one_edit(t)) > 0 for t in texts]
                return np.array(near, dtype=bool)
            flags = np.empty(len(qcol), dtype=np.uint8)
            probe.near_exact_many(qcol.offsets, qcol.data, flags)
            out = flags.view(np.bool_)
        if qcol.valid is not None:
            out &= qcol.valid
        return out

    def _make_kernel(self) -> Any:
        assert _OneEdit is not None
        col = self._col
        k = _OneEdit(
            self._dir,
            self._fp,
            self._rows,
            col.offsets,
            col.data,
            self._alpha,
            self._posal,
            self._maxlen,
            self._shift,
        )
        self._kernel = k  # one store: a racing thread at worst builds its own
        return k

    def probe(self) -> Any:
        """The compiled miss probe (``_prefilter_kernel.Probe``: the pre-filter and
        the exact probe).  When the pre-filter is not there it is built (once:
        ~0.2 s CPU per million keys): at once for up to :data:`BACKGROUND_KEYS`
        keys, else in a background thread, and until it is ready this gives the
        probe without it (``filtered`` False: its ``near`` says "maybe" to every
        key, so callers search -- the same answers, slower).  When the build
        ends the filtered probe replaces it and ``filters_changed`` tells the
        kernel's ``DocumentMiss`` to bind it.  Only when :data:`COMPILED`."""
        p = self._probe
        if p is not None:
            return p
        words = self._filter
        if words is None:
            if len(self._rows) > BACKGROUND_KEYS:
                if self._builder is None:
                    self._start_build()
                p = self._probe  # the build may have ended already
                return p if p is not None else self._unfiltered()
            words = self._filter = built_filter(self._col)
        p = self._probe = self._make_probe(words)  # one store: a race builds its own
        return p

    def _make_probe(self, words: _U32 | None) -> Any:
        assert _PREFILTER is not None
        col = self._col
        return _PREFILTER.Probe(
            self._dir,
            self._fp,
            self._rows,
            col.offsets,
            col.data,
            words,
            self._shift,
            self._alpha.tobytes(),
        )

    def exact_probe(self) -> Any:
        """The compiled exact probe (``contains``) for an index only ever asked for
        whole keys (the persons' listed document numbers): no pre-filter is built
        for it.  Only when :data:`COMPILED`."""
        return self._unfiltered()

    def _unfiltered(self) -> Any:
        """The probe without the pre-filter (made once, kept apart from ``_probe``)."""
        p = self._open_probe
        if p is None:
            p = self._open_probe = self._make_probe(None)
        return p

    def _start_build(self) -> None:
        """Start the pre-filter's background build, once per index."""
        with _START:
            if self._builder is not None:
                return
            t = threading.Thread(
                target=self._build_in_background, name="hotlist-prefilter", daemon=True
            )
            t.start()  # under the lock: a thread seen in _builder is started (joinable)
            self._builder = t

    def _build_in_background(self) -> None:
        """The background build: the filter (``add_keys`` releases the GIL), then
        the filtered probe, one store each; then ``DocumentMiss`` is told."""
        assert _PREFILTER is not None
        words = built_filter(self._col)
        self._filter = words
        self._probe = self._make_probe(words)
        self._open_probe = None
        _PREFILTER.filters_changed()
