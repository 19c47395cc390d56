"""Writing a snapshot (:meth:`Hotlist.save`); the format is described in
:mod:`hotlist._snapshot`.

Writes are atomic: everything goes to a hidden sibling folder
(``.NAME.tmp-<pid>-<random>``), each file is fsynced, the manifest is written
last, the folder is fsynced and then renamed to ``NAME``.  A writer killed on
the way leaves only the hidden folder (no manifest, or not at ``NAME``), which
never opens as a snapshot and is removed by the next save once its writer is
gone.  Replacing an existing snapshot (``overwrite=True``) exchanges the two
folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``), so ``NAME`` always
holds the old or the new snapshot; where that is not available the old folder
is renamed aside first, and :func:`open` (and the next save) puts the aside
copy back if a crash left ``NAME`` missing.  Processes that have the old
snapshot memory-mapped keep reading the old files.

"""

from __future__ import annotations

import builtins
import ctypes
import datetime as dt
import errno
import hashlib
import json
import os
import secrets
import shutil
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
from pyarrow import ipc

from hotlist import datasets
from hotlist._errors import HotlistError, IntegrityError
from hotlist._key_rules import key_rules
from hotlist._progress import Steps
from hotlist._signing import KeyArg, load_private_key
from hotlist._snapshot import (
    FORMAT,
    FORMAT_VERSION,
    MAX_LINEAGE,
    check_rollback,
    fsync_dir,
    is_snapshot,
    parse_time,
    read_manifest,
    recover,
)
from hotlist._snapshot_verify import MANIFEST, SIGNATURE
from hotlist._state import State
from hotlist._version import __version__

__all__ = ["save_state"]


# Tests replace these (in a subprocess) to kill a writer half-way through a save.
def _after_file(name: str) -> None:
    """Called with each file name once it is written and fsynced (a test hook)."""


def _between_renames() -> None:
    """Called between the two renames of a replace without an atomic exchange (a test hook)."""


class _HashingFile:
    """A binary file that hashes what is written to it (so nothing is read back)."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.sha = hashlib.sha256()
        self.crc = 0
        self.size = 0
        self.closed = False

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.sha.update(view)
        self.crc = zlib.crc32(view, self.crc)
        self.size += len(view)
        return self._f.write(view)

    def flush(self) -> None:
        self._f.flush()

    def tell(self) -> int:
        return self.size

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True


def _write(path: Path, fill: Callable[[_HashingFile], object]) -> dict[str, Any]:
    with builtins.open(path, "xb") as f:
        hf = _HashingFile(f)
        fill(hf)
        f.flush()
        os.fsync(f.fileno())
    return {"bytes": hf.size, "sha256": hf.sha.hexdigest(), "crc32": hf.crc}


def _one_chunk(table: pa.Table) -> pa.Table:
    """The table as one record batch with one dictionary per column (what the IPC
    file format and a zero-copy open want)."""
    if all(c.num_chunks <= 1 for c in table.columns):
        return table
    return table.unify_dictionaries().combine_chunks()


def _write_table(path: Path, table: pa.Table) -> dict[str, Any]:
    table = _one_chunk(table)

    def fill(f: _HashingFile) -> None:
        sink = pa.PythonFile(f, mode="w")
        with ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=max(1, table.num_rows))

    return _write(path, fill)


def _write_npy(path: Path, array: np.ndarray) -> dict[str, Any]:
    return _write(path, lambda f: np.save(f, np.ascontiguousarray(array), allow_pickle=False))


def _lineage(state: State) -> list[dict[str, str]]:
    chain = [*state.lineage, (state.data_version, state.data_time.isoformat())]
    return [{"data_version": v, "data_time": t} for v, t in chain[-MAX_LINEAGE:]]


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one atomic step; False where the OS or
    the file system cannot (the caller then renames twice)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def save_state(
    state: State,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    private_key: KeyArg | None = None,
    allow_rollback: bool = False,
    progress: bool | None = False,
) -> Path:
    """Write ``state`` as a snapshot folder at ``path`` (atomically); see the module doc.

    ``progress`` shows a bar over the files written (None: when a person watches).

    ``private_key`` (Ed25519) signs the manifest (``manifest.json.sig``, written
    with the rest, before the folder appears).  Replacing a snapshot that holds
    newer data raises :class:`VersionMismatchError` unless ``allow_rollback``.
    """
    dest = Path(path).absolute()
    recover(dest)
    if dest.exists() and not overwrite:
        raise HotlistError(f"{dest} exists; pass overwrite=True to replace it")
    if dest.exists() and not is_snapshot(dest):
        raise HotlistError(f"{dest} exists and is not a hotlist snapshot; not replacing it")
    if dest.exists() and not allow_rollback:
        try:
            current = read_manifest(dest)
        except IntegrityError:
            current = None  # a damaged snapshot may be replaced by anything
        if current is not None:
            check_rollback(
                current["data_version"],
                parse_time(current["data_time"]),
                [(e["data_version"], e["data_time"]) for e in current.get("lineage", [])],
                state.data_version,
                state.data_time,
                what=f"the snapshot to write over {dest}",
                new_lineage=state.lineage,
            )
    signer = None if private_key is None else load_private_key(private_key)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    old: Path | None = None
    kinds = [kind for kind in datasets.kinds() if kind.name in state.tables]
    parts = {
        part: arrays
        for kind in kinds
        for part, arrays in kind.parts(state.indexes[kind.name]).items()
    }
    total = len(kinds) + sum(1 + len(numpy) for _, numpy in parts.values())
    bar = Steps(total, enabled=progress, title="hotlist: saving snapshot", unit="files")
    try:
        (tmp / "index").mkdir()
        files: dict[str, dict[str, Any]] = {}
        for kind in kinds:
            rel = f"{kind.name}.arrow"
            files[rel] = _write_table(tmp / rel, state.tables[kind.name])
            _after_file(rel)
            bar.advance(description=rel)
        entries: dict[str, int] = {}
        for part, (arrays, numpy) in parts.items():
            rel = f"{part}.keys.arrow"
            keys = pa.table({k: v for k, v in arrays.items()})
            entries[part] = keys.num_rows
            files[rel] = _write_table(tmp / rel, keys)
            _after_file(rel)
            bar.advance(description=rel)
            for key, array in numpy.items():
                rel = f"index/{part}.{key}.npy"
                files[rel] = _write_npy(tmp / rel, np.asarray(array))
                _after_file(rel)
                bar.advance(description=rel)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hotlist_version": __version__,
            "data_version": state.data_version,
            "data_time": state.data_time.isoformat(),
            "data_time_source": state.data_time_source,
            "lineage": _lineage(state),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "sources": list(state.sources),
            "applied_deltas": list(state.applied_deltas),
            "counts": {kind.name: state.tables[kind.name].num_rows for kind in kinds},
            "index_entries": entries,
            "key_rules": key_rules(),  # what each kind's stored keys were made with
            "report": {
                name: {"files": d.files, "read": d.read, "loaded": d.loaded}
                for name, d in state.report.datasets.items()
            },
            "files": files,
        }
        text = json.dumps(manifest, indent=2, sort_keys=False).encode()
        if signer is not None:
            signature = signer.sign(text)
            _write(tmp / SIGNATURE, lambda f: f.write(signature))
        _write(tmp / MANIFEST, lambda f: f.write(text))
        fsync_dir(tmp / "index")
        fsync_dir(tmp)
        if dest.exists():
            if _exchange(tmp, dest):
                old, tmp = tmp, dest  # tmp now holds the old snapshot
            else:
                old = dest.parent / f".{dest.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
                os.rename(dest, old)
                _between_renames()
                os.rename(tmp, dest)
        else:
            os.rename(tmp, dest)
        fsync_dir(dest.parent)
    except BaseException:
        if tmp != dest:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        bar.close()
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return dest
