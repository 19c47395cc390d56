"""Slow, obviously correct references and strategies for the index tests."""

from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import strategies as st

from references import osa_distance


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
