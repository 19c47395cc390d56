"""After a swap the service freezes the loaded heap, and the previous version
still goes: full collections stop walking the data, and reloads do not pile
versions up."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from hotlist.serve._data import DataHolder


def test_a_reload_freezes_the_new_version_and_lets_the_old_one_go(sample_snapshot: Path) -> None:
    gc.unfreeze()
    holder = DataHolder(sample_snapshot)
    assert holder.reload("first").ok
    assert gc.get_freeze_count() > 0  # the served data is out of the collector's walk
    first = holder.hl
    assert first is not None
    gone = weakref.ref(first)
    # a reference cycle through the old version: only the collector can free it,
    # and it cannot while the version sits in the frozen generation
    first.__dict__["_cycle"] = first
    del first
    assert holder.reload("second").ok
    assert holder.hl is not None
    assert gone() is None, "the replaced version stayed alive in the frozen heap"
    assert holder.hl.check(document="L898902C3", country="UTO").hit
