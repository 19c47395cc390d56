"""malloc_for_batches: glibc's thresholds raised while a batch is checked, nested
blocks counted, a process's own MALLOC_TRIM_THRESHOLD_ (Dask's workers) restored."""

from __future__ import annotations

import threading

import pytest

from hotlist import _malloc
from hotlist._malloc import malloc_for_batches


class FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad, 0))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> FakeLibc:
    fake = FakeLibc()
    monkeypatch.setattr(_malloc, "_glibc", lambda: fake)
    return fake


RAISED = [
    ("mallopt", _malloc._M_MMAP_THRESHOLD, 32 << 20),
    ("mallopt", _malloc._M_TRIM_THRESHOLD, 64 << 20),
]


def test_raised_once_for_nested_blocks_and_kept(
    libc: FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with malloc_for_batches(), malloc_for_batches():
        assert libc.calls == RAISED
    # no setting of the process's own: the raised values stay, as glibc's dynamic rule would
    assert libc.calls == RAISED


def test_a_process_trim_setting_is_restored_and_memory_handed_back(
    libc: FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as Dask's nanny starts workers
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with malloc_for_batches():
        with malloc_for_batches():
            pass
        assert libc.calls == RAISED  # the outer block still holds
    assert libc.calls == [
        *RAISED,
        ("mallopt", _malloc._M_TRIM_THRESHOLD, 65536),
        ("mallopt", _malloc._M_MMAP_THRESHOLD, 128 << 10),
        ("malloc_trim", 0, 0),
    ]


def test_threads_share_one_count(libc: FakeLibc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    inside = threading.Barrier(4)

    def work() -> None:
        with malloc_for_batches():
            inside.wait()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert libc.calls.count(RAISED[0]) == 1
    assert libc.calls[-3:] == [
        ("mallopt", _malloc._M_TRIM_THRESHOLD, 131072),
        ("mallopt", _malloc._M_MMAP_THRESHOLD, 128 << 10),
        ("malloc_trim", 0, 0),
    ]


def test_the_real_library_or_nothing() -> None:
    """On glibc the real calls run (and a check inside gives the same rows); elsewhere a no-op."""
    import hotlist

    hl = hotlist.load(hotlist.sample_data_path(), progress=False)
    plain = hl.check_many([{"document": "L898902C3", "country": "UTO"}])
    with malloc_for_batches():
        inside = hl.check_many([{"document": "L898902C3", "country": "UTO"}])
    assert inside.equals(plain)
