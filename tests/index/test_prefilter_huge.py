"""A pre-filter in huge-page memory (``_prefilter.huge_zeros``, used from
``HUGE_FROM`` bytes on) is the same filter: zeroed, writable, equal bit for bit
to the one in ordinary memory, and its index answers as brute force does."""

from __future__ import annotations

import mmap
import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from _index_refs import arrow, key_lists, query_for, rows_within_one
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist.index import KeyIndex
from hotlist.index import _prefilter as pf
from hotlist.index._keyindex import COMPILED


@pytest.mark.parametrize("size", [0, 1, 8, 1000, 3 << 19])
def test_huge_zeros_are_zeroed_writable_words(size: int) -> None:
    words = pf.huge_zeros(size)
    assert words.dtype == np.uint32
    assert words.shape == (size,)
    assert words.flags.writeable
    assert not words.any()
    words[:] = 7
    assert int(words.sum()) == 7 * size
    again = pickle.loads(pickle.dumps(words))
    assert np.array_equal(again, words)


def _mapping_of(address: int) -> dict[str, str]:
    """The /proc/self/smaps entry holding ``address``: permissions and fields."""
    lines = Path("/proc/self/smaps").read_text().split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
        if m and int(m.group(1), 16) <= address < int(m.group(2), 16):
            fields = {"perms": m.group(3)}
            for row in lines[i + 1 :]:
                if re.match(r"[0-9a-f]+-[0-9a-f]+ ", row):
                    break
                key, _, value = row.partition(":")
                fields[key] = value.strip()
            return fields
    raise AssertionError(f"no mapping holds {address:#x}")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(mmap, "MADV_HUGEPAGE"),
    reason="huge pages are asked for on Linux only (elsewhere huge_zeros is np.zeros)",
)
def test_huge_zeros_memory_can_take_huge_pages() -> None:
    """The mapping is private: a shared anonymous one is shmem, whose huge pages
    follow shmem_enabled (often "never"), so the advice would be ignored."""
    words = pf.huge_zeros((16 << 20) // 4)
    words[:] = 1
    mapping = _mapping_of(words.ctypes.data)
    assert mapping["perms"].endswith("p"), mapping["perms"]
    thp = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if thp.exists() and "[never]" not in thp.read_text() and "THPeligible" in mapping:
        assert mapping["THPeligible"] == "1"


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_huge_filter_is_the_same_filter(data: st.DataObject) -> None:
    if not COMPILED:
        pytest.skip("no compiled pre-filter")
    alphabet, keys = data.draw(key_lists(max_len=9))
    plain = KeyIndex.build(arrow(keys))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pf, "HUGE_FROM", 0)
        huge = KeyIndex.build(arrow(keys))
        huge_filter = huge.arrays()["prefilter"]
    assert np.array_equal(huge_filter, plain.arrays()["prefilter"])
    for q in data.draw(st.lists(query_for(alphabet, keys, max_len=10), min_size=1, max_size=8)):
        assert huge.probe().near_exact(q.encode()) == bool(rows_within_one(keys, q))
