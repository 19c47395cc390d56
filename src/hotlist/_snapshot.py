"""Snapshots: a loaded Hotlist saved to a folder that opens in milliseconds.

:meth:`Hotlist.save` writes the canonical Arrow tables, the key columns of every
index and the built index arrays; :func:`open` memory-maps them back, so a
snapshot of 10 M records opens without rebuilding anything and answers at once.

Layout (format 1)::

    SNAPSHOT/
      manifest.json                   format, data version and time, creation time,
                                      sources, counts, and size + SHA-256 of every file
      documents.arrow                 the canonical tables: Arrow IPC file format,
      vehicles.arrow                  uncompressed, one record batch each
      persons.arrow
      documents.keys.arrow            the key columns each index refers to (Arrow IPC)
      vehicles.keys.arrow
      persons.keys.arrow
      person_documents.keys.arrow
      index/<part>.<array>.npy        the built index arrays (numpy .npy), e.g.
                                      index/documents.index.directory.npy

Writes are atomic: everything goes to a hidden sibling folder
(``.NAME.tmp-<pid>-<random>``), each file is fsynced, the manifest is written
last, the folder is fsynced and then renamed to ``NAME``.  A writer killed on
the way leaves only the hidden folder (no manifest, or not at ``NAME``), which
never opens as a snapshot.  Replacing an existing snapshot
(``overwrite=True``) renames the old folder aside first, so processes that have
it memory-mapped keep reading the old files; there is a moment between the two
renames where ``NAME`` does not exist.

Opening checks every file's size against the manifest (a truncated file is
refused at once); ``verify=True`` also checks every SHA-256 (about 1 s per GB).
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
from pyarrow import ipc

from hotlist._documents import DocumentIndex, PersonDocumentIndex
from hotlist._errors import HotlistError, IntegrityError
from hotlist._persons import PersonIndex
from hotlist._sql import SqlBackend
from hotlist._vehicles import VehicleIndex
from hotlist.engine import Hotlist, _State
from hotlist.extracts import DatasetReport, LoadReport
from hotlist.schema import DATASETS, SCHEMAS

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "is_snapshot",
    "open",
    "open_state",
    "read_manifest",
    "save_state",
    "verify",
]

FORMAT = "hotlist-snapshot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INDEX_PARTS = ("documents", "vehicles", "persons", "person_documents")
_SMALL_FILE = 1 << 16  # .npy files below this are read, not memory-mapped


# Tests replace _after_file (in a subprocess) to kill a writer half-way through a save.
def _after_file(name: str) -> None:
    """Called with each file name once it is written and fsynced (a test hook)."""


# -- writing ------------------------------------------------------------------


class _HashingFile:
    """A binary file that hashes what is written to it (so nothing is read back)."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.sha = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self.sha.update(view)
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
    return {"bytes": hf.size, "sha256": hf.sha.hexdigest()}


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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _index_parts(state: _State) -> dict[str, Any]:
    return {
        "documents": state.documents,
        "vehicles": state.vehicles,
        "persons": state.persons,
        "person_documents": state.person_documents,
    }


def save_state(state: _State, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``state`` as a snapshot folder at ``path`` (atomically); see the module doc."""
    dest = Path(path).absolute()
    if dest.exists() and not overwrite:
        raise HotlistError(f"{dest} exists; pass overwrite=True to replace it")
    if dest.exists() and not is_snapshot(dest):
        raise HotlistError(f"{dest} exists and is not a hotlist snapshot; not replacing it")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        (tmp / "index").mkdir()
        files: dict[str, dict[str, Any]] = {}
        for name in DATASETS:
            rel = f"{name}.arrow"
            files[rel] = _write_table(tmp / rel, state.tables[name])
            _after_file(rel)
        entries: dict[str, int] = {}
        for part, index in _index_parts(state).items():
            arrays, numpy = index.parts()
            rel = f"{part}.keys.arrow"
            keys = pa.table({k: v for k, v in arrays.items()})
            entries[part] = keys.num_rows
            files[rel] = _write_table(tmp / rel, keys)
            _after_file(rel)
            for key, array in numpy.items():
                rel = f"index/{part}.{key}.npy"
                files[rel] = _write_npy(tmp / rel, np.asarray(array))
                _after_file(rel)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hotlist_version": _version(),
            "data_version": state.data_version,
            "data_time": state.data_time.isoformat(),
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "sources": list(state.sources),
            "applied_deltas": list(state.applied_deltas),
            "counts": {name: state.tables[name].num_rows for name in DATASETS},
            "index_entries": entries,
            "report": {
                name: {"files": d.files, "read": d.read, "loaded": d.loaded}
                for name, d in state.report.datasets.items()
            },
            "files": files,
        }
        text = json.dumps(manifest, indent=2, sort_keys=False).encode()
        _write(tmp / MANIFEST, lambda f: f.write(text))
        _fsync_dir(tmp / "index")
        _fsync_dir(tmp)
        old: Path | None = None
        if dest.exists():
            old = dest.parent / f".{dest.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(dest, old)
        os.rename(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return dest


def _version() -> str:
    from hotlist import __version__

    return __version__


# -- reading ------------------------------------------------------------------


def is_snapshot(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder with a snapshot manifest."""
    return (Path(path) / MANIFEST).is_file()


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of the snapshot at ``path``; IntegrityError when it is not one."""
    folder = Path(path)
    if not folder.is_dir():
        raise IntegrityError("not a hotlist snapshot: no such folder", path=str(folder))
    mpath = folder / MANIFEST
    if not mpath.is_file():
        raise IntegrityError(
            f"not a hotlist snapshot: no {MANIFEST} (an interrupted save leaves none)",
            path=str(folder),
        )
    try:
        manifest: dict[str, Any] = json.loads(mpath.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"damaged manifest: {exc}", path=str(mpath)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IntegrityError("not a hotlist snapshot manifest", path=str(mpath))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IntegrityError(
            f"snapshot format {version!r}; this hotlist reads format {FORMAT_VERSION}",
            path=str(mpath),
        )
    if not isinstance(manifest.get("files"), dict):
        raise IntegrityError("damaged manifest: no file list", path=str(mpath))
    return manifest


def _sha256(path: Path) -> str:
    with builtins.open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _problems(folder: Path, manifest: Mapping[str, Any], *, hashes: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for rel, meta in manifest["files"].items():
        p = folder / rel
        if not p.is_file():
            out.append((rel, "missing"))
            continue
        size = p.stat().st_size
        if size != meta.get("bytes"):
            out.append((rel, f"{size:,} bytes, the manifest says {meta.get('bytes'):,}"))
        elif hashes and _sha256(p) != meta.get("sha256"):
            out.append((rel, "SHA-256 differs from the manifest (the file was changed)"))
    return out


def _raise(folder: Path, problems: list[tuple[str, str]]) -> None:
    if not problems:
        return
    first = str(folder / problems[0][0])
    text = "; ".join(f"{rel}: {why}" for rel, why in problems)
    raise IntegrityError(f"snapshot {folder} failed its check: {text}", path=first)


def verify(path: str | os.PathLike[str], *, public_key: Any = None) -> dict[str, Any]:
    """Check every file of a snapshot against its manifest (size and SHA-256) and,
    with ``public_key``, the manifest's signature (``manifest.json.sig``).

    Returns the manifest; raises :class:`IntegrityError` naming every bad file.
    """
    folder = Path(path)
    manifest = read_manifest(folder)
    if public_key is not None:
        from hotlist._signing import verify_file

        verify_file(folder / MANIFEST, public_key)
    _raise(folder, _problems(folder, manifest, hashes=True))
    return manifest


def _read_table(folder: Path, rel: str) -> pa.Table:
    try:
        source = pa.memory_map(str(folder / rel))
        return ipc.open_file(source).read_all()
    except (pa.ArrowException, OSError) as exc:
        raise IntegrityError(f"unreadable Arrow file ({exc})", path=str(folder / rel)) from exc


def _read_npy(folder: Path, rel: str) -> np.ndarray:
    p = folder / rel
    try:
        small = p.stat().st_size < _SMALL_FILE
        array: np.ndarray = np.load(p, mmap_mode=None if small else "r", allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise IntegrityError(f"unreadable numpy file ({exc})", path=str(p)) from exc
    return array


def open_state(
    path: str | os.PathLike[str], *, verify: bool = False, public_key: Any = None
) -> _State:
    """The :class:`_State` of a snapshot, memory-mapped; see :func:`open`."""
    started = time.perf_counter()
    folder = Path(path)
    manifest = read_manifest(folder)
    if public_key is not None:
        from hotlist._signing import verify_file

        verify_file(folder / MANIFEST, public_key)
    _raise(folder, _problems(folder, manifest, hashes=verify))
    listed = set(manifest["files"])
    tables: dict[str, pa.Table] = {}
    for name in DATASETS:
        table = _read_table(folder, f"{name}.arrow")
        if not table.schema.equals(SCHEMAS[name]):
            raise IntegrityError(
                f"the {name} table is not in this hotlist's schema",
                path=str(folder / f"{name}.arrow"),
            )
        tables[name] = table
    parts: dict[str, Any] = {}
    classes: dict[str, Any] = {
        "documents": (DocumentIndex, "documents"),
        "vehicles": (VehicleIndex, "vehicles"),
        "persons": (PersonIndex, "persons"),
        "person_documents": (PersonDocumentIndex, "persons"),
    }
    for part, (cls, dataset) in classes.items():
        keys = _read_table(folder, f"{part}.keys.arrow")
        arrays = {c: keys.column(c) for c in keys.column_names}
        prefix = f"index/{part}."
        numpy = {
            rel[len(prefix) : -len(".npy")]: _read_npy(folder, rel)
            for rel in sorted(listed)
            if rel.startswith(prefix)
        }
        try:
            parts[part] = cls.from_parts(tables[dataset], arrays, numpy)
        except (KeyError, ValueError, TypeError, pa.ArrowException) as exc:
            raise IntegrityError(
                f"the {part} index cannot be rebuilt from its files ({exc!r})", path=str(folder)
            ) from exc
    report = LoadReport(
        datasets={
            name: DatasetReport(
                dataset=name,
                files=list(r.get("files", [])),
                read=int(r.get("read", 0)),
                loaded=int(r.get("loaded", 0)),
            )
            for name, r in manifest.get("report", {}).items()
        },
        notes=[f"opened from snapshot {folder}"],
    )
    return _State(
        tables=tables,
        documents=parts["documents"],
        vehicles=parts["vehicles"],
        persons=parts["persons"],
        person_documents=parts["person_documents"],
        data_version=str(manifest["data_version"]),
        data_time=dt.datetime.fromisoformat(manifest["data_time"]),
        loaded_at=dt.datetime.now(dt.UTC),
        report=report,
        sources=tuple(manifest.get("sources", ())),
        sql=SqlBackend(tables),
        build_seconds=time.perf_counter() - started,
        applied_deltas=tuple(manifest.get("applied_deltas", ())),
    )


def open(
    path: str | os.PathLike[str],
    *,
    verify: bool = False,
    public_key: Any = None,
    max_age: dt.timedelta | float | None = None,
    stale: str = "warn",
) -> Hotlist:
    """Open a snapshot written by :meth:`Hotlist.save`: memory-mapped, no index rebuilt.

    ``verify=True`` checks every file's SHA-256 against the manifest first (a
    tampered file raises :class:`hotlist.IntegrityError` naming it; sizes are
    always checked, so a truncated file is refused either way).  ``public_key``
    (Ed25519) checks the manifest's detached signature ``manifest.json.sig``;
    with ``verify=True`` that covers every file.  ``max_age`` and ``stale`` are
    as for :func:`hotlist.load`.
    """
    state = open_state(path, verify=verify, public_key=public_key)
    return Hotlist(state, max_age=max_age, stale=stale)
