"""The miss pre-filter of :class:`~hotlist.index.KeyIndex`: most misses skip the one-edit search.

Claim: if ``OSA(q, k) <= 1`` then ``D(q)`` and ``D(k)`` meet, where ``D(s)`` is
``s`` with each of its single-byte deletions.  Per edit kind: equal strings
share themselves; a substitution at ``i`` -- both deleted at ``i``; ``k`` one
longer (an insertion) -- ``k`` without the inserted byte is ``q``; one shorter
-- symmetric; an adjacent transposition ``..ab..`` / ``..ba..`` -- deleting
``a`` from one and the (moved) ``a`` from the other leaves ``..b..`` in both.
That is exactly the one edit of the matcher (optimal string alignment
distance <= 1 over the key bytes: ``KeyIndex.within_one_edit``), and it holds
for the OCR keys the documents kind indexes because the query goes through
the same OCR folding before the search (``hotlist.ids.docnum.ocr_key``).

Untagged, that is too coarse on dense number formats: two strings that share
a deletion at *different* positions (a shift, distance 2) pass too -- 15.6 %
of the benchmark mix's misses at 1 M listed numbers with a perfect filter.
So each member carries its position: a key ``k`` adds ``(k, tag 0)`` and
``(k without byte i, tag i + 1)``, and a query ``q`` of ``n`` bytes tests only
what a key one edit away would have added:

* in the block of ``q``: tag 0 (equal) and tags ``j + 1`` for j in 0 .. n (a
  key one longer, a byte inserted at ``j``);
* in the block of ``q`` without byte ``i``: tag 0 (a key one shorter), tag
  ``i + 1`` (a substitution at ``i``), tag ``i`` (a transposition at ``i - 1``).

A member's block is chosen by its string alone and its bits by (string,
tag), so the ``4n + 1`` tests read ``n + 1`` blocks, prefetched together.
Layout: split-block Bloom filter, 256-bit blocks (8 words, one bit per
word, the 8 bit positions from one 64-bit multiply), so a block is half a
cache line.  A string's hash is ``fmix64(crc32(v) | len(v) << 32)``.  A
Bloom filter has no false negatives, so "no test passes" means no key within
one edit.  The kernel then checks each passing test by the exact probes of
the keys that could have set it (a substitution or insertion there: every
byte of the index's alphabet; otherwise one probe): the compiled answer is
exact, and a false "maybe" costs a few probes instead of the search.

Sizing: :data:`BITS_PER_ITEM` bits per member, ``len(k) + 1`` members per
key: 14.7 bytes per key on the benchmark's document numbers.  Deltas add
their new keys' bits in place (sound for every index sharing the array:
bits are only ever added, so an older index's "no" stays true); deleted
keys leave stale bits, which only cost a needless probe now and then.

The compiled kernel (``hotlist.index._prefilter_kernel``) builds and probes
it; this module holds the pure reference (the same bits from the variant
strings and ``zlib.crc32``), which the tests hold the kernel equal to.
Without the kernel no filter is built and every search runs.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from hotlist.index._arrow import StringColumn

__all__ = [
    "BITS_PER_ITEM",
    "KERNEL",
    "add_keys_py",
    "built_filter",
    "deletion_variants",
    "document_hits_kernel",
    "document_miss",
    "filter_size",
    "filter_words",
    "grown_filter",
    "huge_zeros",
    "maybe_near_py",
    "variant_hash",
]

KERNEL: Any = None
try:  # the compiled filter (built by ``pip install .``; optional)
    import hotlist.index._prefilter_kernel as _prefilter_kernel  # noqa: PLR0402 - no cycle via the package

    KERNEL = _prefilter_kernel
except ImportError:  # pragma: no cover - depends on the build
    pass

#: Filter bits per member.  With 8 bits set per member in a 256-bit block, 12
#: bits give ~0.5 % false "maybe" per test: a 9-byte query's 37 tests let ~18 %
#: of the benchmark's misses through to the exact probes (~0.5 µs each) at 1 M
#: keys; 16 bits: ~6 % for a third more memory.
BITS_PER_ITEM = 12

_M64 = (1 << 64) - 1
_M32 = (1 << 32) - 1


def filter_size(items: int, bits_per_item: int = BITS_PER_ITEM) -> int:
    """Words (32-bit, a multiple of 8) of the filter for ``items`` members."""
    return 8 * max(1, -(-items * bits_per_item // 256))


def filter_words(items: int, bits_per_item: int = BITS_PER_ITEM) -> npt.NDArray[np.uint32]:
    """A zeroed filter for ``items`` members; from :data:`HUGE_FROM` bytes on, in
    memory backed by huge pages where the system offers them (:func:`huge_zeros`)."""
    size = filter_size(items, bits_per_item)
    if size * 4 >= HUGE_FROM:
        return huge_zeros(size)
    return np.zeros(size, dtype=np.uint32)


#: Filters of at least this many bytes ask for huge pages (:func:`huge_zeros`).
HUGE_FROM = 8 << 20
_HUGE_PAGE = 2 << 20


def huge_zeros(size: int) -> npt.NDArray[np.uint32]:
    """``size`` zeroed 32-bit words, aligned to 2 MiB in an anonymous mapping the
    kernel is asked to back with huge pages (Linux transparent huge pages, which
    are often only given on request: ``madvise``) before any is written.  Every
    probe reads ``n + 1`` blocks at random places of a filter of ~150 MB at 10 M
    documents, each a TLB miss with 4 KiB pages: 10 M documents' default miss
    p50 1.77 -> 1.57 us.  Elsewhere (no ``MADV_HUGEPAGE``): plain zeroed memory.
    The mapping lives as long as the array (its base)."""
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if advice is None or size == 0:
        return np.zeros(size, dtype=np.uint32)
    nbytes = size * 4
    # private: a shared anonymous mapping is shmem, whose huge pages follow
    # shmem_enabled (often "never"), so the advice would be ignored
    buf = mmap.mmap(-1, nbytes + _HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    with contextlib.suppress(OSError):  # refused: 4 KiB pages, the same answers
        buf.madvise(advice)
    raw = np.frombuffer(buf, dtype=np.uint8)
    start = -raw.ctypes.data % _HUGE_PAGE
    words: npt.NDArray[np.uint32] = raw[start : start + nbytes].view(np.uint32)
    return words


def built_filter(col: StringColumn) -> npt.NDArray[np.uint32]:
    """The filter (the kernel's) over the non-null keys of ``col``, sized by
    :func:`filter_words`."""
    sel = None if col.valid is None else np.flatnonzero(col.valid)
    lens = col.lengths() if sel is None else col.lengths()[sel]
    words = filter_words(int(lens.sum()) + len(lens))
    assert KERNEL is not None
    KERNEL.add_keys(words, col.offsets, col.data, sel)
    return words


def grown_filter(
    words: npt.NDArray[np.uint32] | None, col: StringColumn, new: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint32] | None:
    """A delta's filter: ``words`` (the old index's), with the ``new`` rows' keys
    of ``col`` added -- in place (bits are only ever added, so the old index's
    answers stay right), or in a copy when it is read-only (memory-mapped).
    None (built again on first use) when there is none -- also while it is
    being built in the background -- or the keys outgrew it."""
    if words is None or KERNEL is None:
        return None
    items = int(col.offsets[-1]) - int(col.offsets[0]) + len(col)  # an upper bound
    if len(words) < filter_size(items) * 3 // 4:
        return None
    if not words.flags.writeable:
        words = words.copy()
    KERNEL.add_keys(words, col.offsets, col.data, new)
    return words


def deletion_variants(key: bytes) -> list[bytes]:
    """The key, then the key without byte ``i`` for each ``i`` (repeats kept:
    a member's tag is its position in this list).

    >>> deletion_variants(b"AAB")
    [b'AAB', b'AB', b'AB', b'AA']
    """
    return [key] + [key[:i] + key[i + 1 :] for i in range(len(key))]


def variant_hash(v: bytes) -> int:
    """The 64-bit hash of one string: ``fmix64(crc32(v) | len(v) << 32)``."""
    x = zlib.crc32(v) | (len(v) << 32)
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & _M64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & _M64
    x ^= x >> 33
    return x


def _place(words: npt.NDArray[np.uint32], h: int, tag: int) -> tuple[int, list[int]]:
    """Where member (string hash ``h``, ``tag``) lives: its block's first word
    (by the string alone) and its bit in each of the block's 8 words."""
    nblocks = len(words) // 8
    block = ((h >> 32) * nblocks) >> 32
    x = ((h & _M32) + (tag + 1) * 0x9E3779B9) & _M32
    p = (x * 0x9E3779B97F4A7C15) & _M64
    return block * 8, [(p >> (24 + 5 * i)) & 31 for i in range(8)]


def _has(words: npt.NDArray[np.uint32], h: int, tag: int) -> bool:
    at, bits = _place(words, h, tag)
    return all((int(words[at + i]) >> b) & 1 for i, b in enumerate(bits))


def add_keys_py(words: npt.NDArray[np.uint32], keys: Iterable[bytes]) -> None:
    """Add every key's members: (key, tag 0) and (key without byte i, tag i + 1)
    (the reference of the kernel's ``add_keys``)."""
    for key in keys:
        for tag, v in enumerate(deletion_variants(key)):
            at, bits = _place(words, variant_hash(v), tag)
            for i, b in enumerate(bits):
                words[at + i] |= np.uint32(1 << b)


def maybe_near_py(words: npt.NDArray[np.uint32], key: bytes) -> bool:
    """False when no key added to ``words`` can be within one edit of ``key``:
    none of the members a key within one edit would have added is there.

    * a key equal to ``key``: (key, 0);
    * one longer, byte inserted at ``j``: (key, j + 1) for j in 0 .. n;
    * one shorter, ``key`` without byte ``i``: (that, 0);
    * a substitution at ``i``: (key without byte i, i + 1);
    * a transposition at ``i - 1``: (key without byte i, i).
    """
    hs = [variant_hash(v) for v in deletion_variants(key)]
    n = len(key)
    if any(_has(words, hs[0], j) for j in range(n + 2)):
        return True
    for i in range(1, n + 1):
        tags = (0, i, i - 1) if i > 1 else (0, i)
        if any(_has(words, hs[i], t) for t in tags):
            return True
    return False


def document_miss(tables: tuple[bytes, bytes, bytes], max_length: int, limit: int) -> Any:
    """check()'s compiled miss test for a document number (the kernel's
    ``DocumentMiss``; ``tables``: :func:`hotlist.ids.docnum.plain_tables`, a key
    of at most ``max_length`` letters and digits, ``limit`` characters of text):
    ``miss(document, documents_index, persons_index, max_edits)`` is True when
    ``document`` is a plain number that no listed document is within
    ``max_edits`` of (by the pre-filter) and no wanted person lists, False when
    the caller must search; ``check(...)``, once configured, answers
    ``document_check`` itself for such a miss.  None without the kernel (or
    with ``HOTLIST_PURE=1``)."""
    if KERNEL is None or os.environ.get("HOTLIST_PURE"):
        return None
    return KERNEL.DocumentMiss(*tables, max_length, limit)


def document_hits_kernel(
    tables: tuple[bytes, bytes, bytes], delete: bytes, hit_cls: type, kind_actions: Any, swaps: Any
) -> Any:
    """The compiled document hit that :func:`document_miss`'s ``check`` makes when
    some listed key is within one edit (the kernel's ``DocumentHits``; ``tables``:
    :func:`hotlist.ids.docnum.plain_tables`, ``delete``: the ASCII bytes
    ``docnum.compact`` deletes, ``hit_cls``: :class:`hotlist.Hit`,
    ``kind_actions``: the registered kinds' actions, ``swaps``:
    ``hotlist._decisions.ocr_letter_swaps``).  None without the kernel (or with
    ``HOTLIST_PURE=1``)."""
    if KERNEL is None or os.environ.get("HOTLIST_PURE"):
        return None
    return KERNEL.DocumentHits(*tables, delete, hit_cls, kind_actions, swaps)
