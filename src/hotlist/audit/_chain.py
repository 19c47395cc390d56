"""The hash chain in bulk: the compiled kernel when it is built, and the pure reference.

``COMPILED`` is True when ``hotlist.audit._hashkernel`` (Cython, built by ``pip
install .`` with a C compiler; see its docstring) is importable and
``HOTLIST_PURE`` is not set.  Then the rows of a ``check_many`` are formatted
and chained (``_entries.batch_lines``) and ``verify`` checks the links
(:func:`links`) in C; otherwise the pure-Python code does it: the reference,
with the same bytes and answers (``tests/audit/test_kernel.py``).
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["BUILT", "COMPILED", "Keyer", "links", "rows", "sha256_hex", "sha_ni"]

try:  # the compiled kernel (optional; depends on the build)
    from hotlist.audit._hashkernel import Keyer, link_lines, rows, sha256_hex, sha_ni

    BUILT = True
except ImportError:  # pragma: no cover - depends on the build
    BUILT = False

#: True when the compiled kernel is used (``HOTLIST_PURE=1`` turns it off).
COMPILED: bool = BUILT and not os.environ.get("HOTLIST_PURE")

_CHUNK = 1 << 16  # lines whose links are checked together (bounds the memory used)
_SEQ = np.frombuffer(b'{"seq":', dtype=np.uint8)
_PREV = np.frombuffer(b',"prev":"', dtype=np.uint8)
_END = np.frombuffer(b'",', dtype=np.uint8)
_ALARM = np.frombuffer(b'"alarm":', dtype=np.uint8)  # the first key of every check entry
_POWERS = 10 ** np.arange(1, 19, dtype=np.int64)


def _chain_links(
    data: bytes, lines: list[bytes], first_seq: int, prev: bytes
) -> tuple[int | None, bytes, list[int]]:
    """Whether each line of a segment starts with ``{"seq":N,"prev":"H",`` where N
    counts up from ``first_seq`` and H is the SHA-256 of the line before (``prev``
    for the first).  Returns the index of the first line that does not (None when
    all do), the hash of the last line, and the indexes of the lines that are not
    check entries (whose first key is not ``alarm``), to be read in full.

    One SHA-256 a line in a tight loop; the prefixes of all lines are compared
    at once (numpy) instead of formatting the expected prefix line by line."""
    sha256 = hashlib.sha256
    buf = np.frombuffer(data, dtype=np.uint8)
    lens = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    starts = np.zeros(len(lines), dtype=np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    others: list[int] = []
    for a in range(0, len(lines), _CHUNK):
        chunk = lines[a : a + _CHUNK]
        digests = [sha256(line).hexdigest() for line in chunk]
        hexes = np.frombuffer((prev.decode() + "".join(digests)).encode(), dtype=np.uint8)
        ok, checks = _prefixes(
            buf,
            starts[a : a + len(chunk)],
            lens[a : a + len(chunk)],
            np.arange(first_seq + a, first_seq + a + len(chunk), dtype=np.int64),
            hexes.reshape(len(chunk) + 1, 64)[:-1],
        )
        if not ok.all():
            return a + int(np.argmin(ok)), b"", []
        others.extend((a + np.flatnonzero(~checks)).tolist())
        prev = digests[-1].encode()
    return None, prev, others


def _prefixes(
    buf: np.ndarray, starts: np.ndarray, lens: np.ndarray, seqs: np.ndarray, prevs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per line: does it start with its expected prefix; is its first key ``alarm``."""
    ok = np.zeros(len(starts), dtype=bool)
    checks = np.zeros(len(starts), dtype=bool)
    digits = 1 + np.searchsorted(_POWERS, seqs, side="right")
    for d in np.unique(digits).tolist():
        rows = np.flatnonzero((digits == d) & (lens >= 82 + d))
        if not len(rows):
            continue
        got = sliding_window_view(buf, 82 + d)[starts[rows]]
        want = np.empty_like(got)
        want[:, :7] = _SEQ
        powers = 10 ** np.arange(d - 1, -1, -1, dtype=np.int64)
        want[:, 7 : 7 + d] = (seqs[rows, None] // powers) % 10 + 48
        want[:, 7 + d : 16 + d] = _PREV
        want[:, 16 + d : 80 + d] = prevs[rows]
        want[:, 80 + d :] = _END
        ok[rows] = (got == want).all(axis=1)
        long = rows[lens[rows] >= 82 + d + len(_ALARM)]
        first_key = sliding_window_view(buf, len(_ALARM))[starts[long] + 82 + d]
        checks[long] = (first_key == _ALARM).all(axis=1)
    return ok, checks


def links(
    block: bytes, end: int, first_seq: int, prev: bytes
) -> tuple[int, int | None, bytes, list[tuple[int, bytes]]]:
    """:func:`_chain_links` of the whole lines in ``block[:end]``: the number of
    lines, the first bad one (None), the hash of the last, and the entries other
    than checks as (index, line).  In C when the kernel is built (the same answers,
    tested), else split and hashed here."""
    if COMPILED:
        count, bad, head, spans = link_lines(block, end, first_seq, prev)
        others = [(i, block[a:b]) for i, a, b in spans]
        return count, (None if bad < 0 else bad), head, others
    lines = (block if end == len(block) else block[:end]).split(b"\n")[:-1]
    first_bad, head, indexes = _chain_links(block, lines, first_seq, prev)
    return len(lines), first_bad, head, [(i, lines[i]) for i in indexes]
