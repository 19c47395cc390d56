"""TokenIndex: the inverted index of person blocking keys.

Each record (row) carries a few blocking keys computed by ``hotlist.names``
(phonetic tokens, token n-grams, initials...).  The index is CSR:

==============  ======  =============================================  ==========
array           dtype   content                                        bytes
==============  ======  =============================================  ==========
vocabulary      Arrow   the distinct keys (UTF-8), with a KeyIndex     per key
postings        uint32  row numbers, grouped by key, ascending         4 / (row, key)
offsets         int64   start of each key's postings (len V + 1)       8 / key
==============  ======  =============================================  ==========

so about 4 bytes per distinct (row, key) pair -- ~25 bytes per person with 6
keys -- plus ~25 bytes per distinct key.  A key's document frequency (df) is
the length of its posting list.

Cost of :meth:`TokenIndex.candidates`: about six numpy passes over the
postings of the keys it uses.  At 1 M persons with 6 keys each (the commonest
key on ~3 % of them) a 6-key query touches ~40,000 postings: ~1.5-2 ms with
the default cap on common keys (5 %), ~0.4-0.5 ms with ``max_df`` at 0.5 % of
the rows (2-core VM, shared).  Build: ~12-20 s for 1 M persons x 6 keys
(dictionary encoding and one sort of 6 M pairs).

Aliases: pass one entry per name variant (primary name, alias 1, ...) and
``row_of`` mapping each entry to its record; postings hold records, counted
once per key however many of its names carry it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.index._arrow import StringColumn, total_nbytes
from hotlist.index._keyindex import EMPTY_ROWS, KeyIndex

__all__ = ["Searched", "TokenIndex", "top"]

_I64 = npt.NDArray[np.int64]
_F32 = npt.NDArray[np.float32]


class Searched(NamedTuple):
    """The postings of the keys a search uses (:meth:`TokenIndex.searched`)."""

    postings: npt.NDArray[np.uint32]  # the whole index's postings
    starts: npt.NDArray[np.int64]  # where each used key's rows start in them
    counts: npt.NDArray[np.int64]  # how many rows each has (its df)
    weights: npt.NDArray[np.float32]  # each key's IDF, log(1 + N / df)
    scratch: npt.NDArray[np.float32]  # zeros, one a row, this thread's (leave it zeroed)
    skipped: int  # the df of the largest key too common to search (0: none)


class TokenIndex:
    """Ranked candidate generation from shared blocking keys.

    ``candidates(keys)`` returns the rows sharing the most distinctive keys
    with the query: each shared key adds its IDF weight ``log(1 + N / df)``
    (N = number of rows), and rows are ranked by the sum, best first, ties by
    row number.  Keys with ``df > max_df`` (default: 5 % of the rows, but never
    below 1,000) are skipped as too common -- unless no other query key is in
    the index, in which case the common ones are used.

    >>> keys = pa.array([["ANNA", "ERIKSSON"], ["ANNA", "SMITH"], ["JOHN", "SMITH"], None])
    >>> ix = TokenIndex.build(keys)
    >>> ix.candidates(["ANNA", "ERIKSSON"]).tolist()
    [0, 1]
    >>> ix.df("SMITH"), ix.df("NOBODY")
    (2, 0)
    """

    __slots__ = ("_local", "_n_rows", "_offsets", "_postings", "_vocab")

    def __init__(
        self,
        vocab: KeyIndex,
        offsets: npt.NDArray[np.int64],
        postings: npt.NDArray[np.uint32],
        n_rows: int,
    ) -> None:
        if len(offsets) != len(vocab) + 1 or int(offsets[-1]) != len(postings):
            raise ValueError("offsets, postings and vocabulary do not agree")
        self._vocab = vocab
        self._offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        self._postings = np.ascontiguousarray(postings, dtype=np.uint32)
        self._n_rows = int(n_rows)
        self._local = threading.local()

    @classmethod
    def build(
        cls,
        keys_per_row: Any,
        *,
        row_of: npt.ArrayLike | None = None,
        n_rows: int | None = None,
    ) -> TokenIndex:
        """Index a list array of keys: entry ``i`` holds the keys of row ``row_of[i]``.

        ``keys_per_row`` is a pyarrow ``list<string>`` (or large list) array;
        null lists and null keys are ignored.  ``row_of`` defaults to the entry
        number; ``n_rows`` defaults to ``max(row_of) + 1`` (or the number of
        entries).
        """
        if isinstance(keys_per_row, pa.ChunkedArray):
            keys_per_row = keys_per_row.combine_chunks()
        if not (pa.types.is_list(keys_per_row.type) or pa.types.is_large_list(keys_per_row.type)):
            raise TypeError(f"expected a pyarrow list<string> array, got {keys_per_row.type}")
        n_entries = len(keys_per_row)
        flat = keys_per_row.flatten()
        parent = keys_per_row.value_parent_indices().to_numpy().astype(np.int64)
        if row_of is None:
            owner = parent
            total = n_entries if n_rows is None else int(n_rows)
        else:
            ro = np.asarray(row_of, dtype=np.int64)
            if len(ro) != n_entries:
                raise ValueError("row_of must have one entry per list")
            owner = ro[parent]
            total = (int(ro.max()) + 1 if len(ro) else 0) if n_rows is None else int(n_rows)
        if len(owner) and (owner.min() < 0 or owner.max() >= total):
            raise ValueError("row numbers must lie in [0, n_rows)")
        if total >= 1 << 32:
            raise ValueError("TokenIndex holds at most 2**32 - 1 rows")
        if flat.null_count:
            ok = flat.is_valid()
            owner = owner[ok.to_numpy(zero_copy_only=False)]
            flat = flat.filter(ok)
        enc = pc.dictionary_encode(flat)
        vocab_keys = enc.dictionary
        if not isinstance(enc, pa.DictionaryArray):  # pragma: no cover - defensive
            raise TypeError("dictionary encoding failed")
        idx = enc.indices.to_numpy().astype(np.uint64)
        return cls.from_pairs(vocab_keys, (idx << np.uint64(32)) | owner.astype(np.uint64), total)

    @classmethod
    def from_pairs(
        cls, vocab_keys: pa.Array, pairs: npt.NDArray[np.uint64], n_rows: int
    ) -> TokenIndex:
        """The index of ``(key number << 32) | row`` pairs (any order, repeats
        allowed; sorted in place), key numbers into ``vocab_keys`` (distinct):
        what :meth:`build` makes of its list array, for a caller that numbered
        the keys itself."""
        # sorted and deduplicated (np.unique's hash path in numpy >= 2.3 is ~50x slower)
        pairs.sort()
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))] if len(pairs) else pairs
        postings = pairs.astype(np.uint32)
        counts = np.bincount((pairs >> np.uint64(32)).astype(np.int64), minlength=len(vocab_keys))
        offsets = np.zeros(len(vocab_keys) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(KeyIndex.build(vocab_keys), offsets, postings, n_rows)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The index as plain numpy arrays (for ``np.save`` / memory mapping)."""
        col = StringColumn.of(self._vocab.keys)
        out: dict[str, npt.NDArray[Any]] = {
            "vocab_offsets": np.asarray(col.offsets, dtype=np.int64) - int(col.offsets[0]),
            "vocab_data": col.data[int(col.offsets[0]) : int(col.offsets[-1])],
            "offsets": self._offsets,
            "postings": self._postings,
            "n_rows": np.array([self._n_rows], dtype=np.int64),
        }
        for k, v in self._vocab.arrays().items():
            out["vocab_index." + k] = v
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]]) -> TokenIndex:
        """Rebuild from :meth:`arrays` (the vocabulary is rebuilt zero-copy)."""
        vo = np.ascontiguousarray(arrays["vocab_offsets"], dtype=np.int64)
        vd = np.ascontiguousarray(arrays["vocab_data"], dtype=np.uint8)
        vocab_keys = pa.LargeStringArray.from_buffers(
            len(vo) - 1, pa.py_buffer(vo), pa.py_buffer(vd)
        )
        pre = "vocab_index."
        sub = {k[len(pre) :]: v for k, v in arrays.items() if k.startswith(pre)}
        return cls(
            KeyIndex.from_arrays(vocab_keys, sub),
            arrays["offsets"],
            arrays["postings"],
            int(arrays["n_rows"][0]),
        )

    # -- facts --------------------------------------------------------------

    @property
    def n_rows(self) -> int:
        """Number of rows (records) the row numbers refer to."""
        return self._n_rows

    @property
    def n_keys(self) -> int:
        """Number of distinct keys."""
        return len(self._vocab)

    @property
    def nbytes(self) -> int:
        """Bytes held: postings, offsets, vocabulary strings and their KeyIndex."""
        return total_nbytes(self._postings, self._offsets, self._vocab, self._vocab.keys)

    def __repr__(self) -> str:
        return (
            f"TokenIndex({self._n_rows:,} rows, {self.n_keys:,} keys, "
            f"{len(self._postings):,} postings, {self.nbytes:,} bytes)"
        )

    def _key_id(self, key: str) -> int:
        hit = self._vocab.lookup(key)
        return int(hit[0]) if len(hit) else -1

    def df(self, key: str) -> int:
        """Document frequency: the number of rows carrying ``key`` (0 if none)."""
        k = self._key_id(key)
        return 0 if k < 0 else int(self._offsets[k + 1] - self._offsets[k])

    def postings(self, key: str) -> npt.NDArray[np.uint32]:
        """The rows carrying ``key``, ascending (a read-only view)."""
        k = self._key_id(key)
        if k < 0:
            return EMPTY_ROWS.astype(np.uint32)
        v = self._postings[self._offsets[k] : self._offsets[k + 1]]
        v.flags.writeable = False
        return v

    # -- candidates -----------------------------------------------------------

    def candidates(
        self, keys: Sequence[str], *, limit: int = 500, max_df: int | None = None
    ) -> _I64:
        """Up to ``limit`` rows sharing the most / rarest keys, best first."""
        return self.scored_candidates(keys, limit=limit, max_df=max_df)[0]

    def scored_candidates(
        self, keys: Sequence[str], *, limit: int = 500, max_df: int | None = None
    ) -> tuple[_I64, _F32]:
        """:meth:`candidates` with each row's score (sum of IDF weights)."""
        if limit <= 0:
            return EMPTY_ROWS, np.zeros(0, dtype=np.float32)
        rows, scores = self.pool(keys, max_df=max_df)
        return top(rows, scores, limit)

    def pool(self, keys: Sequence[str], *, max_df: int | None = None) -> tuple[_I64, _F32]:
        """Every row sharing a key with ``keys`` (the common ones skipped as in
        :meth:`candidates`) and its score, in no particular order: for a caller
        that ranks them by more than the keys before a cap (:func:`top`).

        >>> ix = TokenIndex.build(pa.array([["ANNA", "ERIKSSON"], ["ANNA"], ["JOHN"]]))
        >>> rows, scores = ix.pool(["ANNA", "ERIKSSON"])
        >>> sorted(rows.tolist()), int(ix.pool(["NOBODY"])[0].size)
        ([0, 1], 0)
        """
        n = self._n_rows
        cap = max(1000, int(0.05 * n)) if max_df is None else int(max_df)
        found = self._found(keys)
        if not found:
            return EMPTY_ROWS, np.zeros(0, dtype=np.float32)
        return self._gather([f for f in found if f[0] <= cap] or found)

    def pool_within(
        self, keys: Sequence[str], *, max_df: int, limit: int
    ) -> tuple[_I64, _F32, int]:
        """:meth:`pool`, with the common keys it skips taken back (the rarest
        first) while every posting fits in ``limit`` rows, and how many rows
        share a key with ``keys`` at least: the pool's size, or a skipped key's
        postings when that is more.  A caller that scores ``limit`` rows can say
        its search was cut whenever that count is more than it scored, skipped
        keys included (a row sharing only a common key was never looked at).

        >>> ix = TokenIndex.build(pa.array([["ANNA", "ERIKSSON"], ["ANNA"], ["ANNA"], ["JOHN"]]))
        >>> rows, _, shared = ix.pool_within(["ANNA", "ERIKSSON"], max_df=1, limit=4)
        >>> sorted(rows.tolist()), shared
        ([0, 1, 2], 3)
        >>> rows, _, shared = ix.pool_within(["ANNA", "ERIKSSON"], max_df=1, limit=2)
        >>> sorted(rows.tolist()), shared
        ([0], 3)
        """
        use, skipped = self._within(keys, max_df=max_df, limit=limit)
        if not use:
            return EMPTY_ROWS, np.zeros(0, dtype=np.float32), 0
        rows, scores = self._gather(use)
        return rows, scores, max(len(rows), skipped)

    def searched(self, keys: Sequence[str], *, max_df: int, limit: int) -> Searched:
        """The postings :meth:`pool_within` gathers, for a caller that gathers
        and ranks them itself (a compiled kernel): where each searched key's
        rows start in :attr:`Searched.postings`, how many, the key's IDF weight
        (as :meth:`pool` adds it), a zeroed per-thread scratch of one float32
        a row (to be left zeroed), and the largest skipped key's df (0: none).

        >>> ix = TokenIndex.build(pa.array([["ANNA", "ERIKSSON"], ["ANNA"], ["ANNA"], ["JOHN"]]))
        >>> s = ix.searched(["ANNA", "ERIKSSON"], max_df=1, limit=2)
        >>> s.starts.tolist(), s.counts.tolist(), s.skipped
        ([3], [1], 3)
        """
        use, skipped = self._within(keys, max_df=max_df, limit=limit)
        n = self._n_rows
        return Searched(
            self._postings,
            np.array([a for _, _, a in use], dtype=np.int64),
            np.array([df for df, _, _ in use], dtype=np.int64),
            np.array([math.log1p(n / df) for df, _, _ in use], dtype=np.float32),
            self._scratch(),
            skipped,
        )

    def _within(
        self, keys: Sequence[str], *, max_df: int, limit: int
    ) -> tuple[list[tuple[int, int, int]], int]:
        """The keys :meth:`pool_within` gathers ((df, key id, start), by df) and
        the df of the largest common key it skips (0: none)."""
        found = self._found(keys)
        if not found:
            return [], 0
        use = [f for f in found if f[0] <= max_df] or found
        rows_at_most = sum(f[0] for f in use)
        skipped = 0
        for f in found[len(use) :]:  # the common keys (found is sorted by df)
            if rows_at_most + f[0] <= limit:
                use.append(f)
                rows_at_most += f[0]
            else:
                skipped = max(skipped, f[0])
        return use, skipped

    def _found(self, keys: Sequence[str]) -> list[tuple[int, int, int]]:
        """(df, key id, start) of each distinct key of ``keys`` the index holds, by df."""
        offs = self._offsets
        found: list[tuple[int, int, int]] = []
        for k in sorted(set(keys)):
            kid = self._key_id(k)
            if kid >= 0:
                a = int(offs[kid])
                found.append((int(offs[kid + 1]) - a, kid, a))
        found.sort()
        return found

    def _gather(self, use: list[tuple[int, int, int]]) -> tuple[_I64, _F32]:
        """The rows of the postings ``use`` and their summed IDF."""
        n = self._n_rows
        scratch = self._scratch()
        post = self._postings
        fresh: list[npt.NDArray[np.uint32]] = []
        for df, _kid, a in use:
            p = post[a : a + df]
            sp = scratch[p]
            new = p[sp == 0]  # rows not yet touched by an earlier key
            if len(new):
                fresh.append(new)
            sp += np.float32(math.log1p(n / df))
            scratch[p] = sp  # rows are unique within a posting list
        rows = fresh[0] if len(fresh) == 1 else np.concatenate(fresh)
        scores = scratch[rows]
        scratch[rows] = 0  # leave the scratch clean for the next call
        return rows.astype(np.int64), scores

    def _scratch(self) -> _F32:
        """A per-thread zeroed float32 array of n_rows scores (reused)."""
        s: _F32 | None = getattr(self._local, "scores", None)
        if s is None:
            s = np.zeros(self._n_rows, dtype=np.float32)
            self._local.scores = s
        return s


def top(rows: _I64, scores: npt.NDArray[Any], limit: int) -> tuple[_I64, npt.NDArray[Any]]:
    """The ``limit`` rows of highest score, best first, ties by row number
    (without sorting the rows past the cut).

    >>> rows, scores = top(np.array([4, 2, 9, 7]), np.array([1.0, 3.0, 1.0, 2.0]), 3)
    >>> rows.tolist(), scores.tolist()
    ([2, 7, 4], [3.0, 2.0, 1.0])
    """
    if len(rows) > limit:
        kth = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        above = scores > kth
        tie = np.flatnonzero(scores == kth)
        need = limit - int(above.sum())
        ties = tie[np.argsort(rows[tie], kind="stable")[:need]]
        sel = np.concatenate([np.flatnonzero(above), ties])
        rows = rows[sel]
        scores = scores[sel]
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]
