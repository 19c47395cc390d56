"""The snapshot ``check_many``'s worker processes open (:mod:`hotlist._batch_workers`).

A Hotlist opened from a snapshot whose folder still holds that very data version
(same data version, deltas and row counts) gives that folder; any other data
version (loaded from extracts, built from tables, a delta applied since, or the
folder replaced) is saved once, as a temporary snapshot, whose folder the caller
removes when it is done with it.  :mod:`hotlist.engine` hands this function to
``check_many``: the snapshot modules import the state, which imports check_many.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from hotlist._errors import HotlistError
from hotlist._snapshot import read_manifest
from hotlist._snapshot_save import save_state
from hotlist._snapshot_verify import MANIFEST
from hotlist._state import State

__all__ = ["SNAPSHOT_KEY", "worker_snapshot"]

# State.fast: the folder a snapshot was opened from (set by hotlist._snapshot.open_state)
SNAPSHOT_KEY = "snapshot"


def _digest(folder: str) -> str:
    return hashlib.sha256((Path(folder) / MANIFEST).read_bytes()).hexdigest()


def _opened_from(state: State) -> tuple[str, str] | None:
    """The snapshot folder ``state`` was opened from and its manifest's SHA-256, if
    the folder still holds this very data version; else None."""
    folder = state.fast.get(SNAPSHOT_KEY)
    if not isinstance(folder, str):
        return None
    try:
        digest = _digest(folder)
        manifest = read_manifest(folder)
    except (OSError, HotlistError):
        return None
    counts = manifest.get("counts", {})
    same = (
        manifest.get("data_version") == state.data_version
        and tuple(manifest.get("applied_deltas", ())) == state.applied_deltas
        and all(counts.get(k, 0) == t.num_rows for k, t in state.tables.items())
    )
    return (folder, digest) if same else None


def worker_snapshot(state: State, scratch: list[str]) -> tuple[str, str]:
    """A snapshot folder holding ``state``'s data and its manifest's SHA-256: the
    one it was opened from, else a temporary one written now (its folder appended
    to ``scratch``, for the caller to remove)."""
    where = _opened_from(state)
    if where is not None:
        return where
    folder = tempfile.mkdtemp(prefix="hotlist-workers-")
    scratch.append(folder)
    path = os.path.join(folder, "snapshot")
    save_state(state, path)
    return path, _digest(path)
