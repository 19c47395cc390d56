"""hotlist.names._memo: bounded dict caches, safe when threads evict at once."""

from __future__ import annotations

import threading

from hotlist.names import _memo


class _Racing(dict[int, int]):
    """A dict in which, whenever a key is dropped, "another thread" drops the
    next key too: what two threads evicting the same oldest keys look like."""

    def _other(self, key: int) -> None:
        dict.pop(self, key + 1, None)

    def __delitem__(self, key: int) -> None:
        dict.__delitem__(self, key)
        self._other(key)

    def pop(self, key: int, *default: int | None) -> int | None:  # type: ignore[override]
        value = dict.pop(self, key, *default)
        self._other(key)
        return value


def test_evict_tolerates_keys_dropped_by_another_thread() -> None:
    cache = _Racing({i: i for i in range(10)})
    _memo._evict(cache)  # KeyError when it deletes what the other one dropped
    assert set(cache) == set(range(3, 10))  # the oldest eighth (0, 1), and 2 by "the other"


def test_threads_share_a_full_cache() -> None:
    """Four threads through a cache of 4 entries: it evicts all the time, while
    the others add to it (iterating the dict across bytecodes raised "dictionary
    changed size during iteration"; dropping a dropped key, KeyError)."""
    calls = 0

    @_memo.cached(4)
    def double(x: int) -> int:
        nonlocal calls
        calls += 1
        return 2 * x

    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(20_000):
                value = (seed * 7 + i) % 23
                assert double(value) == 2 * value
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert calls > 4  # the cache is bounded: values were computed again
