"""Shared pieces of the synthetic generator: the fixed "today", random strings
in a shape, dates, and Arrow column helpers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EPOCH = date(1970, 1, 1)


def day(y: int, m: int, d: int) -> int:
    return (date(y, m, d) - EPOCH).days


TODAY = day(2025, 6, 30)  # the synthetic data's "now": fixed, so that a seed gives one table

# -- character classes of the patterns: lower case is a class, anything else literal --
CLASSES = {
    "d": "0123456789",
    "l": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "g": "CFGHJKLMNPRTVWXYZ0123456789",  # German passport numbers: no vowels, no B D O Q S U
    "f": "CFGHJK",
    "n": "ABCDEFGHIJKLMNPQRSTUVWXYZ",  # Dutch: no O
    "m": "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789",
    "c": "BCDFGHJKLMNPRSTVWXYZ",  # Spanish plates: consonants
    "r": "ABEKMHOPCTYX",  # letters Cyrillic and Greek plates share with Latin
    "v": "ABCDEFGHJKLMNPRSTUVWXYZ0123456789",  # VIN: no I O Q
}


# Document-number shapes by issuing country, with a rough share of SLTD-like volume.
def alphabet(cls: str) -> np.ndarray:
    return np.frombuffer(CLASSES[cls].encode(), dtype=np.uint8)


def strings(rng: np.random.Generator, pattern: str, k: int) -> pa.Array:
    """``k`` random strings of one pattern, vectorised (a k x len matrix of bytes)."""
    width = len(pattern.encode())
    mat = np.empty((k, width), dtype=np.uint8)
    pos = 0
    for ch in pattern:
        if ch in CLASSES:
            letters = alphabet(ch)
            mat[:, pos] = letters[rng.integers(0, letters.size, size=k)]
            pos += 1
        else:
            for b in ch.encode():
                mat[:, pos] = b
                pos += 1
    if k == 0:
        return pa.array([], pa.string())
    flat = pa.py_buffer(np.ascontiguousarray(mat).tobytes())
    offsets = pa.py_buffer((np.arange(k + 1, dtype=np.int32) * width).tobytes())
    return pa.Array.from_buffers(pa.string(), k, [None, offsets, flat])


def by_group(rng: np.random.Generator, group: np.ndarray, patterns: Sequence[str]) -> pa.Array:
    """One string per row from the pattern its group names, rows kept in order."""
    n = group.size
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=len(patterns))
    parts = [strings(rng, p, int(c)) for p, c in zip(patterns, counts, strict=True)]
    joined = pa.concat_arrays(parts) if parts else pa.array([], pa.string())
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    return joined.take(pa.array(inverse))


def ids(prefix: str, n: int, width: int) -> pa.Array:
    digits = pc.utf8_lpad(
        pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width=width, padding="0"
    )
    return pc.binary_join_element_wise(prefix, digits, "")


def choice(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(p.size, size=n, p=p / p.sum())


def dictionary(
    indices: np.ndarray,
    values: Sequence[str],
    index_type: pa.DataType,
    mask: np.ndarray | None = None,
) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(index_type.to_pandas_dtype()), type=index_type, mask=mask),
        pa.array(list(values), pa.string()),
    )


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=mask).cast(pa.date32())


def maybe(rng: np.random.Generator, values: pa.Array, p: float) -> pa.Array:
    """``values`` with about ``1 - p`` of them null."""
    keep = rng.random(len(values)) < p
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def take(values: Sequence[str | None], idx: np.ndarray) -> pa.Array:
    return pa.array(list(values), pa.string()).take(pa.array(idx))


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def lists(columns: Sequence[pa.Array], n: int) -> pa.Array:
    """list<string> per row from several string columns, nulls left out."""
    if not columns:
        return pa.ListArray.from_arrays(
            pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string())
        )
    k = len(columns)
    stacked = pa.concat_arrays([c.cast(pa.string()) for c in columns])
    order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()  # row-major
    values = stacked.take(pa.array(order))
    valid = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    counts = valid.reshape(n, k).sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values.filter(pa.array(valid)))
