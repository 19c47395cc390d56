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

One-edit search (:meth:`KeyIndex.within_one_edit`) -- choice and reasons
-----------------------------------------------------------------------
Three structures were weighed, for memory at 100 M records:

* deletion neighbourhoods: index every key with each byte deleted -- about
  L + 1 entries per record (~60-100 bytes / record for 9-17 byte keys);
* pigeonhole partitions (prefix and suffix halves): two more entries per
  record (~12-20 bytes / record), and on structured document numbers the
  halves are low-entropy (``"P12"``, serial blocks), so a query pulls long
  candidate lists to verify;
* query-side variant generation: every substitution, insertion, deletion and
  adjacent transposition of the *query* over the alphabet of the indexed
  keys, each looked up in the existing hash table -- **zero extra bytes per
  record**.

The third is chosen.  Because CRC-32 is linear, the CRC of a substitution,
insertion or transposition variant is the CRC of the query (or of the query
with a zero byte inserted) XOR one entry of a 256-column table
(:func:`edit_table`), so the variants are hashed by XOR recurrences over the
query's 2n + 1 positions and one gather + XOR with a block cached per query
length, with three ``zlib.crc32`` calls in all.

Which variants: a key one edit away from the query can only have
substituted or inserted, at position i, a byte that occurs at position i of
some indexed key *of the variant's length* (``position_alphabet``, filled in
by the build's CRC pass), and no variant of a length that no key has is
tried.  That keeps the search complete while cutting the variants of a
9-byte document number from ~700 (global alphabet, all lengths) to ~110 on
fixed-format numbers and ~260-370 on the mixed national formats of
``hotlist.synth`` (OCR keys).  Keys longer than 64 bytes, and arrays saved
before ``position_alphabet`` existed, use the global alphabet.

Probing: one gather of the directory start of each variant's slot, then one
gather of the first ``w`` fingerprints of each slot as a single ``2w``-byte
item (a strided view of ``fp``; ``w`` = the most entries any slot holds, at
most 16 -- 10-12 at 1-10 M keys), compared with the variants' fingerprints
in one broadcast.  A window entry past its slot's end that happens to share
the fingerprint is verified away like any hash collision; slots longer than
the window (a key repeated > 16 times) are finished by a scalar scan.
Candidates are verified with RapidFuzz's OSA distance (cutoff 1) against the
stored key.

Compiled kernel: when ``hotlist.index._fast`` is built (Cython, by ``pip
install .``), :meth:`KeyIndex.within_one_edit` runs the same search in C --
the same variants, hashed by the same recurrences, every directory entry and
fingerprint block prefetched before it is read so the ~100-400 random reads
overlap -- and verifies candidates with a C OSA <= 1 test: ~5 µs p50 per miss
at 1 M synth keys against ~42 µs for the pure path (busy 2-core VM,
``benchmarks/bench_index_micro.py --doc-keys synth``).  The pure path below
stays as :meth:`KeyIndex.within_one_edit_py`, the reference the kernel is
property-tested against (``tests/index/test_fast.py``), and is used when the
extension is missing or ``HOTLIST_PURE=1`` is set.

Pure path cost: ~13 numpy calls plus ~4n Python steps: ~40-45 µs mean
for a 9-byte number at 1 M and 10 M keys measured alone, p50 ~85-110 µs /
p99 ~300-380 µs on the shared, busy 2-core VM it was measured on (p99 there
is dominated by other jobs: cache and core contention) -- see
``benchmarks/bench_index_micro.py``.  Distances are over UTF-8 bytes,
which equals distance over characters for the ASCII keys the normalisers
produce.
"""

from __future__ import annotations

import os
import sys
import zlib
from bisect import bisect_left as _bisect_left
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance.OSA import distance as _osa

from hotlist.index._arrow import StringColumn, as_string_array
from hotlist.index._hashing import crc32_of_column, edit_table

__all__ = ["COMPILED", "EMPTY_ROWS", "KeyIndex"]

_OneEdit: Any
_merge_entries: Any
try:  # the compiled one-edit search (built by ``pip install .``; optional)
    from hotlist.index._fast import OneEdit as _OneEdit
    from hotlist.index._fast import merge_entries as _merge_entries
except ImportError:  # pragma: no cover - depends on the build
    _OneEdit = None
    _merge_entries = None

#: True when the compiled one-edit search is used (``HOTLIST_PURE=1`` turns it off).
COMPILED: bool = _OneEdit is not None and not os.environ.get("HOTLIST_PURE")

_I64 = npt.NDArray[np.int64]
_U32 = npt.NDArray[np.uint32]
_U8 = npt.NDArray[np.uint8]
_IP = npt.NDArray[np.intp]

#: The shared, read-only result for "no row".
EMPTY_ROWS: _I64 = np.zeros(0, dtype=np.int64)
EMPTY_ROWS.flags.writeable = False

_crc32 = zlib.crc32

# the CRC edit table E, and E and F[k] = E[k] ^ E[k-1] as Python ints; grown on
# demand by one atomic store, so concurrent readers see a consistent triple


_edit_cache: list[tuple[_U32, list[list[int]], list[list[int]]]] = []


def _edit_rows(need: int) -> tuple[_U32, list[list[int]], list[list[int]]]:
    """The CRC edit table with at least ``need`` rows, and E and F as Python ints."""
    cur = _edit_cache[-1] if _edit_cache else None
    if cur is None or len(cur[0]) < need:
        e = edit_table(max(need, 32, 2 * len(cur[0]) if cur else 0) - 1)
        f = e.copy()
        f[1:] ^= e[:-1]
        cur = (e, e.tolist(), f.tolist())
        _edit_cache[:] = [cur]  # one atomic store: readers see a consistent triple
    return cur


#: Fingerprints compared per probed slot in one vectorised step; slots holding
#: more entries (about 1 in 10**6 at the default directory size, or a key
#: repeated more often) are finished by a scalar scan.
_WINDOW = 16

#: Longest key length with a per-position alphabet (longer keys: the global one).
_POS_CAP = 64

_LITTLE = sys.byteorder == "little"


def _pack_positions(marks: npt.NDArray[np.bool_]) -> _U8:
    """The ``position_alphabet`` array from the ``marks`` that
    :func:`crc32_of_column` fills in: ``P[m, i]`` is the set of bytes at
    position ``i`` of the keys of length ``m`` (256 bits, packed little-endian
    into 32 bytes), for ``i < m <= cap``; ``P[m, m]`` holds bit 0 when some key
    has length ``m`` (the key "ends" there).  Shape ``(cap + 1, cap + 1, 32)``,
    ``cap = min(max_length, _POS_CAP)``: 13 KiB for keys up to 20 bytes.
    """
    cap = len(marks) - 1
    bits = marks.reshape(cap + 1, cap + 1, 256).transpose(1, 0, 2)  # [length, position]
    out: _U8 = np.packbits(bits, axis=2, bitorder="little")
    return out


def default_dir_bits(n: int) -> int:
    """Directory bits for ``n`` keys: ~1-2 keys per slot, at least 2**8 slots."""
    return min(31, max(8, n.bit_length() - 1))


def _expand(lo: _U32, cnt: _U32) -> tuple[_I64, _I64]:
    """Positions ``lo[i] .. lo[i] + cnt[i] - 1`` for every i, and their i."""
    cnt64 = cnt.astype(np.int64)
    owner = np.repeat(np.arange(len(cnt64)), cnt64)
    csum = np.cumsum(cnt64)
    pos = np.arange(int(csum[-1]) if len(csum) else 0, dtype=np.int64) + np.repeat(
        lo.astype(np.int64) - (csum - cnt64), cnt64
    )
    return pos, owner


class KeyIndex:
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
        "_col",
        "_dir",
        "_dir_mv",
        "_fp",
        "_fp_mv",
        "_fp_sorted",
        "_kernel",
        "_maxlen",
        "_plans",
        "_posal",
        "_rows",
        "_rows_mv",
        "_shift",
        "_win",
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

    # -- construction -------------------------------------------------------

    @classmethod
    def build(cls, keys: Any, *, dir_bits: int | None = None) -> KeyIndex:
        """Index ``keys`` (a pyarrow string array; nulls are not indexed).

        Cost: one vectorised CRC pass over the key bytes and one sort of
        ``uint64`` (hash, row) pairs; ~2 s for 10 M keys on a 2-core VM.
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
        h = crc32_of_column(col, sel, marks=marks)
        m = len(h)
        bits = default_dir_bits(m) if dir_bits is None else int(dir_bits)
        if not 1 <= bits <= 31:
            raise ValueError("dir_bits must be between 1 and 31")
        pairs = h.astype(np.uint64) << np.uint64(32)
        pairs |= np.arange(n, dtype=np.uint64) if sel is None else sel.astype(np.uint64)
        pairs.sort()
        rows = pairs.astype(np.uint32)  # low 32 bits
        hs = (pairs >> np.uint64(32)).astype(np.uint32)
        del pairs
        fp = hs.astype(np.uint16)  # low 16 bits
        counts = np.bincount(hs >> np.uint32(32 - bits), minlength=1 << bits)
        directory = np.zeros((1 << bits) + 1, dtype=np.uint32)
        np.cumsum(counts, out=directory[1:])
        lo, hi = int(col.offsets[0]), int(col.offsets[-1])
        present = np.bincount(col.data[lo:hi], minlength=256)
        alphabet = np.flatnonzero(present).astype(np.uint8)
        return cls(
            keys,
            directory=directory,
            fp=fp,
            rows=rows,
            alphabet=alphabet,
            max_length=max_length,
            position_alphabet=_pack_positions(marks),
        )

    def merged(self, keep: npt.NDArray[np.bool_], keys: Any) -> KeyIndex:
        """The index over ``keys`` = this index's keys where ``keep``, then new
        keys appended (what a delta makes), without re-sorting the kept entries.

        Same answers as ``KeyIndex.build(keys)`` (tested): the kept entries keep
        their (hash, row) order with rows renumbered, the new keys are hashed,
        sorted and merged in, in one compiled pass (``_fast.merge_entries``);
        the per-position alphabets are those of the old and new keys together
        (a superset after deletions, which only costs a few extra probes).
        Falls back to :meth:`build` when the kernel is not built, the directory
        is under 16 bits (small indexes), a new key is longer than any old one,
        or the index grew enough to want a larger directory.
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
        if (len(new_lens) and int(new_lens.max()) > self._maxlen) or default_dir_bits(
            n_entries
        ) > bits + 1:
            return KeyIndex.build(keys)
        cap = min(self._maxlen, _POS_CAP)
        marks = np.zeros((cap + 1, (cap + 1) * 256), dtype=bool)
        h = crc32_of_column(col, new, marks=marks)
        pairs = h.astype(np.uint64) << np.uint64(32)
        pairs |= new.astype(np.uint64)
        pairs.sort()
        new_rows = pairs.astype(np.uint32)
        new_hash = (pairs >> np.uint64(32)).astype(np.uint32)
        words = (n_old + 63) // 64 + 1
        bitmap = np.zeros(words, dtype=np.uint64)
        packed = np.packbits(~keep, bitorder="little")
        bitmap.view(np.uint8)[: len(packed)] = packed
        # per 64 rows: the bitmap word, then the deleted rows before it
        pairs2 = np.zeros((words, 2), dtype=np.uint64)
        pairs2[:, 0] = bitmap
        np.cumsum(np.bitwise_count(bitmap[:-1]), out=pairs2[1:, 1])
        deleted = pairs2.reshape(-1)
        out_dir = np.empty(len(self._dir), dtype=np.uint32)
        out_fp = np.empty(n_entries, dtype=np.uint16)
        out_rows = np.empty(n_entries, dtype=np.uint32)
        m = _merge_entries(
            self._dir,
            self._fp,
            self._rows,
            deleted,
            new_hash,
            new_rows,
            self._shift,
            out_dir,
            out_fp,
            out_rows,
        )
        posal = self._posal | _pack_positions(marks)
        lo, hi = int(col.offsets[n_kept]), int(col.offsets[-1])
        present = np.bincount(col.data[lo:hi], minlength=256)
        present[self._alpha] += 1
        return KeyIndex(
            keys,
            directory=out_dir,
            fp=out_fp[:m],
            rows=out_rows[:m],
            alphabet=np.flatnonzero(present).astype(np.uint8),
            max_length=self._maxlen,
            position_alphabet=posal,
        )

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
        ordered by query then row.  Null queries match nothing.
        """
        qcol = StringColumn.of(keys)
        qsel: _I64 | None = None if qcol.valid is None else np.flatnonzero(qcol.valid)
        h = crc32_of_column(qcol, qsel)
        t = h >> np.uint32(self._shift)
        lo = self._dir[t]
        cnt = self._dir[t + 1] - lo
        pos, owner = _expand(lo, cnt)
        keep = self._fp[pos] == h.astype(np.uint16)[owner]
        pos = pos[keep]
        owner = owner[keep]
        rows = self._rows[pos].astype(np.int64)
        qidx = owner if qsel is None else qsel[owner]
        ok = _pairs_equal(self._col, rows, qcol, qidx)
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
            k = self._kernel
            if k is None:
                k = self._make_kernel()
            found = k.search(key.encode())
            if not found:
                return EMPTY_ROWS
            return np.array(found, dtype=np.int64)
        return self.within_one_edit_py(key)

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

    def within_one_edit_py(self, key: str) -> _I64:
        """:meth:`within_one_edit` in pure Python and numpy (the reference the
        compiled kernel is tested against, and the path when it is not built)."""
        b = key.encode()
        if len(b) > self._maxlen + 1 or not len(self._rows):
            return EMPTY_ROWS
        h = self._variant_crcs(b)
        if not len(h):
            return EMPTY_ROWS
        t: _U32 = h >> np.uint32(self._shift)
        lo = self._dir.take(t)
        # the first w fingerprints from each slot's start as one w x 2-byte
        # item (w: the most entries a slot holds, at most _WINDOW); near the
        # end of the array the window is moved back, still covering the whole
        # slot.  Entries outside the slot that share a fingerprint are
        # verified away below like any hash collision.
        win, w, long_slots = self._windows()
        last = len(win) - 1
        np.minimum(lo, last, out=lo)
        h16 = h.view(np.uint16)[::2] if _LITTLE else h.astype(np.uint16)
        hit = np.flatnonzero(win[lo].view(np.uint16).reshape(-1, w) == h16[:, None]).tolist()
        rows = self._rows_mv
        cand = {rows[int(lo[j // w]) + j % w] for j in hit}
        if long_slots:
            self._scan_long_slots(h, t, w, cand)
        if not cand:
            return EMPTY_ROWS
        key_bytes = self._col.key_bytes
        found = sorted(r for r in cand if _osa(b, key_bytes(r), score_cutoff=1) <= 1)
        if not found:
            return EMPTY_ROWS
        return np.array(found, dtype=np.int64)

    def _windows(self) -> tuple[npt.NDArray[np.void], int, bool]:
        """``(win, w, long)``: ``win[i]`` views ``fp[i : i + w]`` as one item
        (no copy), ``w`` = min(most entries in a slot, ``_WINDOW``), ``long``
        when some slot holds more than ``w`` entries.  Made on first use (one
        pass over the directory)."""
        got = self._win
        if got is None:
            most = int(np.diff(self._dir).max())
            w = max(1, min(most, _WINDOW, len(self._fp)))
            fp = self._fp
            win = np.ndarray(
                shape=(len(fp) - w + 1,), dtype=np.dtype(f"V{2 * w}"), buffer=fp, strides=(2,)
            )
            win.flags.writeable = False
            got = (win, w, most > w)
            self._win = got  # one store of an immutable tuple: thread-safe
        return got

    def _scan_long_slots(self, h: _U32, t: _U32, w: int, cand: set[int]) -> None:
        """Add what :meth:`within_one_edit`'s window missed: the entries past
        the first ``w`` of a slot (scalar; only slots that long)."""
        d = self._dir
        lo = d.take(t)
        hi = d.take(t + 1)
        fp = self._fp_mv
        rows = self._rows_mv
        seen = set()
        for v in np.flatnonzero(hi - lo > w).tolist():
            f = int(h[v])
            if f in seen:
                continue
            seen.add(f)
            f &= 0xFFFF
            a = int(lo[v]) + w
            e = int(hi[v])
            if self._fp_sorted:
                a = _bisect_left(fp, f, a, e)
            for i in range(a, e):
                if fp[i] == f:
                    cand.add(rows[i])
                elif self._fp_sorted:
                    break

    def _length_alphabet(self, m: int, i: int) -> _U8:
        """Bytes found at position ``i`` of keys of length ``m`` (a superset)."""
        pa_ = self._posal
        if pa_ is None or m >= len(pa_):
            return self._alpha
        return np.flatnonzero(np.unpackbits(pa_[m, i], bitorder="little")).astype(np.uint8)

    def _has_length(self, m: int) -> bool:
        """False when no indexed key has length ``m``."""
        pa_ = self._posal
        if m < 0 or m > self._maxlen:
            return False
        return pa_ is None or m >= len(pa_) or bool(pa_[m, m, 0] & 1)

    def _plan(self, n: int) -> tuple[_U32, _IP, bool, bool, bool]:
        """For queries of length ``n``: ``(block, seg, subs, ins, dels)``.

        ``block`` holds ``E[n-1-i, a]`` for every position ``i`` and byte ``a``
        at that position in keys of length ``n`` (substitutions), then
        ``E[n-i, a]`` for every byte ``a`` at position ``i`` of keys of length
        ``n + 1`` (insertions), then zeros (the variants hashed whole: the
        query, deletions, transpositions); ``seg[j]`` is the per-query CRC that
        entry ``j`` is XOR-ed with.  The flags say which edit kinds can reach a
        key length that exists.  Cached per length (at most max_length + 2).
        """
        got = self._plans.get(n)
        if got is not None:
            return got
        e = _edit_rows(n + 1)[0]
        subs = self._has_length(n)
        ins = self._has_length(n + 1)
        dels = n > 0 and self._has_length(n - 1)
        parts: list[_U32] = []
        segs: list[_IP] = []
        j = 0
        if subs:
            for i in range(n):
                a = self._length_alphabet(n, i)
                parts.append(e[n - 1 - i, a])
                segs.append(np.full(len(a), j + i, dtype=np.intp))
            j += n
        if ins:
            for i in range(n + 1):
                a = self._length_alphabet(n + 1, i)
                parts.append(e[n - i, a])
                segs.append(np.full(len(a), j + i, dtype=np.intp))
            j += n + 1
        whole = (1 + max(0, n - 1) if subs else 0) + (n if dels else 0)
        parts.append(np.zeros(whole, dtype=np.uint32))
        segs.append(np.arange(j, j + whole, dtype=np.intp))
        block = np.concatenate(parts).astype(np.uint32)
        seg = np.concatenate(segs)
        block.flags.writeable = False
        seg.flags.writeable = False
        got = (block, seg, subs, ins, dels)
        self._plans[n] = got  # one store of an immutable tuple: thread-safe
        return got

    def _variant_crcs(self, b: bytes) -> _U32:
        """CRC-32 of ``b`` and of its one-edit variants that can be indexed keys.

        E[k, x] is the CRC change of XOR-ing byte x at k bytes from the end
        (CRC is linear), F[k, x] = E[k, x] ^ E[k - 1, x] that of XOR-ing x at
        two neighbouring positions.  With n = len(b) and w_i = b[:i] + 0 + b[i:]:

        * insertion of a at i:   crc(w_i) ^ E[n - i, a], where
          crc(w_0) = crc(0 + b) and crc(w_i+1) = crc(w_i) ^ F[n - i, b[i]];
        * substitution of b[i]:  crc(b) ^ E[n-1-i, b[i]] ^ E[n-1-i, a];
        * deletion of b[i]:      crc(b[1:]) for i = 0, then each next one
          ^ E[n-2-i, b[i] ^ b[i+1]];
        * transposition at i:    crc(b) ^ F[n-1-i, b[i] ^ b[i+1]].

        Only the bytes ``a`` found at that position in keys of the variant's
        length are tried (:meth:`_plan`), and no edit kind that leads to a
        length no key has.  Python computes the 2n + 1 per-position CRCs and
        the 2n whole-variant CRCs; one numpy gather and XOR with the cached
        block does the rest.
        """
        n = len(b)
        block, seg, subs, ins, dels = self._plan(n)
        _, ei, fi = _edit_rows(n + 1)
        c0 = _crc32(b)
        col: list[int] = []
        if subs:
            col = [c0 ^ r[x] for r, x in zip(ei[n - 1 :: -1], b, strict=False)]
        if ins:
            w = _crc32(b"\0" + b)
            col.append(w)
            for r, x in zip(fi[n:0:-1], b, strict=True):
                w ^= r[x]
                col.append(w)
        if subs:
            col.append(c0)
            for i in range(n - 1):
                col.append(c0 ^ fi[n - 1 - i][b[i] ^ b[i + 1]])
        if dels:
            dl = _crc32(b[1:])
            col.append(dl)
            for i in range(n - 1):
                dl ^= ei[n - 2 - i][b[i] ^ b[i + 1]]
                col.append(dl)
        out: _U32 = block ^ np.array(col, dtype=np.uint32).take(seg)
        return out


def _pairs_equal(col: StringColumn, rows: _I64, qcol: StringColumn, qidx: _I64) -> Any:
    """Vectorised ``key(rows[i]) == query(qidx[i])`` over the raw buffers."""
    ok = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return ok
    a0 = col.offsets[rows].astype(np.int64)
    la = col.offsets[rows + 1].astype(np.int64) - a0
    b0 = qcol.offsets[qidx].astype(np.int64)
    lb = qcol.offsets[qidx + 1].astype(np.int64) - b0
    same = np.flatnonzero(la == lb)
    if not len(same):
        return ok
    a0 = a0[same]
    b0 = b0[same]
    ln = la[same]
    good = np.ones(len(same), dtype=bool)
    for j in range(int(ln.max())):
        act = np.flatnonzero(ln > j)
        if not len(act):
            break
        good[act] &= col.data[a0[act] + j] == qcol.data[b0[act] + j]
    ok[same] = good
    return ok
