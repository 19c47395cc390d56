"""Slow, obviously correct references and strategies for the index tests."""

from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import strategies as st


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook dynamic programme."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def rows_equal(keys: list[str | None], q: str) -> list[int]:
    return [i for i, k in enumerate(keys) if k is not None and k == q]


def rows_within_one(keys: list[str | None], q: str) -> list[int]:
    return [i for i, k in enumerate(keys) if k is not None and osa_distance(k, q) <= 1]


def rows_ending_with(keys: list[str | None], s: str) -> list[int]:
    return [i for i, k in enumerate(keys) if k is not None and k.endswith(s)]


def idf(n_rows: int, df: int) -> float:
    return math.log1p(n_rows / df)


# small alphabets force collisions of prefixes, near-duplicates and repeats
ALPHABETS = ["A", "AB", "AB0", "ABC01", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]


@st.composite
def key_lists(
    draw: st.DrawFn, max_len: int = 7, max_size: int = 40
) -> tuple[str, list[str | None]]:
    alphabet = draw(st.sampled_from(ALPHABETS))
    key = st.text(alphabet=alphabet, min_size=0, max_size=max_len)
    keys = draw(st.lists(st.one_of(st.none(), key, key, key), max_size=max_size))
    return alphabet, keys


def query_for(alphabet: str, keys: list[str | None], max_len: int = 8) -> st.SearchStrategy[str]:
    """Queries: stored keys, edits of them, and random strings."""
    present = [k for k in keys if k is not None]
    free = st.text(alphabet=alphabet + "Z9", min_size=0, max_size=max_len)
    if not present:
        return free
    return st.one_of(free, st.sampled_from(present), _edited(alphabet, present))


@st.composite
def _edited(draw: st.DrawFn, alphabet: str, present: list[str]) -> str:
    k = draw(st.sampled_from(present))
    op = draw(st.sampled_from(["sub", "ins", "del", "swap", "two"]))
    i = draw(st.integers(0, len(k)))
    c = draw(st.sampled_from(alphabet))
    if op == "sub" and i < len(k):
        return k[:i] + c + k[i + 1 :]
    if op == "ins":
        return k[:i] + c + k[i:]
    if op == "del" and i < len(k):
        return k[:i] + k[i + 1 :]
    if op == "swap" and i + 1 < len(k):
        return k[:i] + k[i + 1] + k[i] + k[i + 2 :]
    if op == "two" and len(k) >= 2:
        return k[1:-1]
    return k


def arrow(keys: list[str | None], large: bool = False) -> pa.Array:
    return pa.array(keys, type=pa.large_string() if large else pa.string())
