"""Compact key indexes and the name index.

All indexes take *already-normalised* keys as pyarrow string arrays (nulls are
not indexed) and return row numbers into that array as numpy ``int64`` arrays.
They hold no per-record Python objects: only numpy arrays (exposed by
``arrays()`` for saving and memory-mapping, rebuilt by ``from_arrays()``) and a
reference to the Arrow key column.  Hashing is deterministic across processes.

* :class:`KeyIndex` -- exact lookup, vectorised ``lookup_many`` and one-edit
  search, 8-10 bytes per record.
* :class:`SuffixIndex` -- rows whose key ends with a suffix (partial VINs),
  4.25 bytes per record.
* :class:`TokenIndex` -- CSR inverted index of blocking keys with document
  frequencies, ranked candidate generation for person names.
"""

from __future__ import annotations

from hotlist.index._arrow import kept_slices, kept_then, total_nbytes
from hotlist.index._edit import osa_at_most_one
from hotlist.index._hashing import key_hash, members_of
from hotlist.index._keyindex import EMPTY_ROWS, KeyIndex
from hotlist.index._suffix import SuffixIndex
from hotlist.index._tokens import TokenIndex

__all__ = [
    "EMPTY_ROWS",
    "KeyIndex",
    "SuffixIndex",
    "TokenIndex",
    "kept_slices",
    "kept_then",
    "key_hash",
    "members_of",
    "osa_at_most_one",
    "total_nbytes",
]
