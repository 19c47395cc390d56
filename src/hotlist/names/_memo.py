"""Bounded caches for the pure functions of name matching, as plain dicts.

``functools.lru_cache`` keeps a linked list of its entries, which Python's
cyclic garbage collector walks on every full collection: with the name caches
full (a few hundred thousand entries) a full collection took ~0.2 s, and the
person check that happened to trigger it took that long.  A dict whose keys and
values are strings, numbers, ``None`` or tuples of them is not tracked by the
collector at all.  These caches are such dicts; when one reaches its size the
oldest eighth of it is dropped (the functions are pure: a miss only costs the
call again).

>>> @cached(2)
... def twice(x: str) -> str:
...     return x + x
>>> twice("A"), twice("A"), twice("B"), twice("C")
('AA', 'AA', 'BB', 'CC')
>>> twice.cache_clear()
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar, cast

__all__ = ["Cached", "Cached2", "cached", "cached2"]

A = TypeVar("A", bound=Hashable)
B = TypeVar("B", bound=Hashable)
R = TypeVar("R")
A_contra = TypeVar("A_contra", bound=Hashable, contravariant=True)
B_contra = TypeVar("B_contra", bound=Hashable, contravariant=True)
R_co = TypeVar("R_co", covariant=True)


class Cached(Protocol[A_contra, R_co]):
    """A :func:`cached` function."""

    def __call__(self, arg: A_contra, /) -> R_co: ...

    def cache_clear(self) -> None: ...


class Cached2(Protocol[A_contra, B_contra, R_co]):
    """A :func:`cached2` function."""

    def __call__(self, a: A_contra, b: B_contra, /) -> R_co: ...

    def cache_clear(self) -> None: ...


def cached(maxsize: int) -> Callable[[Callable[[A], R]], Cached[A, R]]:
    """Cache a pure function of one hashable argument in a dict of at most ``maxsize``
    (at least 2)."""

    def decorate(fn: Callable[[A], R]) -> Cached[A, R]:
        cache: dict[A, R] = {}

        # A hit is one subscript in a try block (free in Python 3.11), about 80 ns
        # where ``cache.get`` with a sentinel and ``typing.cast`` took about 240:
        # a person check makes a few hundred of these calls.
        def wrapper(arg: A, /) -> R:
            try:
                return cache[arg]
            except KeyError:
                pass
            if len(cache) >= maxsize:
                _evict(cache)
            value = cache[arg] = fn(arg)
            return value

        return cast("Cached[A, R]", _finish(wrapper, fn, cache))

    return decorate


def cached2(maxsize: int) -> Callable[[Callable[[A, B], R]], Cached2[A, B, R]]:
    """Cache a pure function of two hashable arguments in a dict of at most ``maxsize``."""

    def decorate(fn: Callable[[A, B], R]) -> Cached2[A, B, R]:
        cache: dict[tuple[A, B], R] = {}

        def wrapper(a: A, b: B, /) -> R:
            key = (a, b)
            try:
                return cache[key]
            except KeyError:
                pass
            if len(cache) >= maxsize:
                _evict(cache)
            value = cache[key] = fn(a, b)
            return value

        return cast("Cached2[A, B, R]", _finish(wrapper, fn, cache))

    return decorate


def _evict(cache: dict[A, R]) -> None:
    """Drop the oldest eighth of a full cache (a dict keeps the order of
    insertion): emptying it would make the next checks recompute everything at
    once, and dropping half at once paused the check that filled it for
    several ms (tens of ms with the parse cache).

    check() is thread-safe, so other threads may add to the cache or evict from
    it meanwhile: the keys are copied in one step (``list(cache)`` runs without
    letting another thread in; iterating the dict across bytecodes would not),
    and a key another thread dropped already is no error."""
    keys = list(cache)
    for key in keys[: len(keys) // 8 + 1]:
        cache.pop(key, None)


def _finish(wrapper: Callable[..., R], fn: Callable[..., R], cache: dict[A, R]) -> object:
    """``wrapper`` dressed as ``fn`` (name, docstring, ``__wrapped__``) with ``cache_clear``."""
    functools.update_wrapper(wrapper, fn)
    wrapper.__dict__["cache_clear"] = cache.clear
    return wrapper
