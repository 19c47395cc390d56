"""Checking large batches without paying the kernel for every temporary array
(:func:`malloc_for_batches`): used by ``check_batches`` and by the Spark and Dask
workers."""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

__all__ = ["malloc_for_batches"]

# glibc's mallopt() parameters, and the values a batch is checked under: 32 MiB is
# glibc's own ceiling for its dynamic mmap threshold on 64-bit, the trim threshold
# twice that, as glibc's dynamic rule keeps it.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 << 20
_TRIM_THRESHOLD = 64 << 20
_GLIBC_MMAP_DEFAULT = 128 << 10
_MALLOC_LOCK = threading.Lock()
_malloc_depth = 0


@lru_cache(maxsize=1)
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (mallopt, malloc_trim), else None."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (ValueError, OSError, AttributeError):  # not glibc, or no such symbol
        return None
    return libc


def _env_bytes(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    return int(text) if text.isdigit() else default


@contextmanager
def malloc_for_batches() -> Iterator[None]:
    """Check batches without paying the kernel for every temporary array.

    ``check_many`` makes a few hundred bytes of temporary arrays per row; glibc
    hands each one over 128 KiB out as a fresh ``mmap`` that the kernel zero-fills
    page by page (a page fault every 4 KiB) and unmaps on free.  glibc normally
    raises that threshold itself after the first large free, but not in a process
    that sets ``MALLOC_TRIM_THRESHOLD_``: Dask's nanny starts every worker so
    (65536, to hand memory back to the OS), and there a 500 k-row partition
    spent as much CPU in the kernel as in Python (0.80 against 0.37 us/row with
    this, ``benchmarks/bench_scale.py``).

    Inside this block glibc keeps arrays up to 32 MiB on its heap and up to 64
    MiB of it free for reuse: the values its own dynamic rule reaches.  On leaving
    the last block (threads nest), a process that set ``MALLOC_TRIM_THRESHOLD_``
    gets its values back and its free heap returned to the OS (``malloc_trim``);
    any other process keeps the raised values, as glibc would have raised them.
    No effect where the C library is not glibc.
    """
    global _malloc_depth  # noqa: PLW0603 - one process-wide setting, counted
    libc = _glibc()
    if libc is None:
        yield
        return
    with _MALLOC_LOCK:
        if _malloc_depth == 0:
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
            libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
        _malloc_depth += 1
    try:
        yield
    finally:
        with _MALLOC_LOCK:
            _malloc_depth -= 1
            if _malloc_depth == 0 and "MALLOC_TRIM_THRESHOLD_" in os.environ:
                trim = _env_bytes("MALLOC_TRIM_THRESHOLD_", _TRIM_THRESHOLD)
                mmap = _env_bytes("MALLOC_MMAP_THRESHOLD_", _GLIBC_MMAP_DEFAULT)
                libc.mallopt(_M_TRIM_THRESHOLD, trim)
                libc.mallopt(_M_MMAP_THRESHOLD, mmap)
                libc.malloc_trim(0)
