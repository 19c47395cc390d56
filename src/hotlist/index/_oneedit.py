"""One-edit search for :class:`hotlist.index.KeyIndex` -- choice and reasons.

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

Guided by the miss pre-filter: once the index's filter is built
(``hotlist.index._prefilter``), the kernel enumerates only the edit places
whose filter test passes and asks the filter for each substitution or
insertion variant's own member before probing -- the same rows (the filter
never says no to a key it holds; ``tests/index/test_guided_search.py``), at
10 M keys 3 µs p50 instead of 10 for a one-edit variant of a listed number,
8 instead of 10 for a listed number itself (its own substitution places all
pass the filter).

Pure path cost: ~13 numpy calls plus ~4n Python steps: ~40-45 µs mean
for a 9-byte number at 1 M and 10 M keys measured alone, p50 ~85-110 µs /
p99 ~300-380 µs on the shared, busy 2-core VM it was measured on (p99 there
is dominated by other jobs: cache and core contention) -- see
``benchmarks/bench_index_micro.py``.  Distances are over UTF-8 bytes,
which equals distance over characters for the ASCII keys the normalisers
produce.
"""

from __future__ import annotations

import sys
import zlib
from bisect import bisect_left as _bisect_left
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance.OSA import distance as _osa

from hotlist.index._arrow import StringColumn
from hotlist.index._hashing import edit_table

__all__ = ["EMPTY_ROWS", "OneEditSearch"]

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

_LITTLE = sys.byteorder == "little"


class OneEditSearch:
    """The pure one-edit search over a :class:`~hotlist.index.KeyIndex`'s arrays
    (the index's base class: it holds the arrays, this the search)."""

    __slots__ = ("_win",)  # the fingerprint window, made on first use (see _windows)

    _alpha: _U8
    _col: StringColumn
    _dir: _U32
    _fp: npt.NDArray[np.uint16]
    _fp_mv: Any
    _fp_sorted: bool
    _maxlen: int
    _plans: dict[int, tuple[_U32, _IP, bool, bool, bool]]
    _posal: _U8 | None
    _rows: _U32
    _rows_mv: Any
    _shift: int
    _win: tuple[npt.NDArray[np.void], int, bool] | None

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
