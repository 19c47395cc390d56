"""Snapshots: a loaded Hotlist saved to a folder that opens in milliseconds.

:meth:`Hotlist.save` writes the canonical Arrow tables, the key columns of every
index and the built index arrays; :func:`open` memory-maps them back, so a
snapshot of 10 M records opens without rebuilding anything and answers at once.

Layout (format 1)::

    SNAPSHOT/
      manifest.json                   format, data version and time (and where that
                                      time came from), the chain of versions, creation
                                      time, sources, counts, and the size, CRC-32 and
                                      SHA-256 of every file
      manifest.json.sig               optional: Ed25519 signature of manifest.json
      documents.arrow                 the canonical tables: Arrow IPC file format,
      vehicles.arrow                  uncompressed, one record batch each
      persons.arrow
      documents.keys.arrow            the key columns each index refers to (Arrow IPC)
      vehicles.keys.arrow
      persons.keys.arrow
      person_documents.keys.arrow
      index/<part>.<array>.npy        the built index arrays (numpy .npy), e.g.
                                      index/documents.index.directory.npy

Nothing else may be in the folder: a file that the manifest does not list, a
listed path outside the folder, a symbolic link, a manifest with a missing key or
a value of the wrong type all raise :class:`~hotlist.IntegrityError`.

**Damaged bytes never reach native code.**  Arrow and numpy trust the offsets
and lengths in the files they map; one changed offset can make the first check
read out of bounds and kill the process.  So :func:`open` checks every byte
against the manifest before anything is mapped, by default with CRC-32
(``verify="checksum"``): it detects every change of up to four consecutive bytes
for certain and any other damage with probability 1 - 2**-32, at about
1.5 GB/s per core (zlib; files are checked in parallel threads).  Measured
with ``benchmarks/bench_snapshot_verify.py`` on the shared 2-core VM: a
snapshot of 1 M documents (103 MB) opened in 0.17 s with the checksum, 0.31 s
with SHA-256 and 0.06 s with ``verify="size"``; at 10 M documents (1.04 GB) in
2.6 s, 3.1 s and 0.06 s (the VM was busy: zlib alone does ~1.5 GB/s per core
when idle).  So the default open is no longer "< 1 s at any size": it costs
one read of every byte, the price of never mapping damaged ones.
``verify=True`` (or ``"sha256"``) checks SHA-256 instead, which also
detects a deliberate change; it is forced when a ``public_key`` is given (the
signature covers the manifest, the manifest's SHA-256 values cover the files).
``verify=False`` means "no SHA-256", not "no check": the checksum still runs,
so callers that pass False keep the protection.  Only ``verify="size"``
checks sizes alone: use it only on storage that checks its own
bytes (a damaged file may then crash the process or answer wrongly).  A
structural check alone (Arrow ``validate(full=True)`` and index ranges) was
measured too and rejected: it costs about as much as the CRC (0.13 s at 1 M
documents, 1.6 s at 10 M, for the tables alone, indexes not counted) and a
changed byte that keeps the structure valid (a digit of a document number, a
row number in range) gives a wrong answer without a word.
The check covers the bytes at open: a file changed later, while mapped, is not
seen (never write into a snapshot folder; save a new one).

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

A snapshot holding older data than the one it replaces (an earlier data time,
or a version in the replaced one's chain) is a rollback: :meth:`Hotlist.save`
refuses to write it over the newer one unless ``allow_rollback=True``;
:meth:`Hotlist.reload` serves it with a warning on every result (or refuses it,
with ``rollback="refuse"``).  The manifest records the chain of versions
(``lineage``) so that a return to an earlier version is recognised.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
import time
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
from pyarrow import ipc

from hotlist._documents import DocumentIndex, PersonDocumentIndex
from hotlist._errors import HotlistError, IntegrityError, VersionMismatchError
from hotlist._persons import PersonIndex
from hotlist._progress import Steps
from hotlist._sql import SqlBackend
from hotlist._vehicles import VehicleIndex
from hotlist.engine import Hotlist, _State
from hotlist.extracts import DatasetReport, LoadReport
from hotlist.schema import DATASETS, SCHEMAS

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "VERIFY_MODES",
    "check_rollback",
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
SIGNATURE = MANIFEST + ".sig"
INDEX_PARTS = ("documents", "vehicles", "persons", "person_documents")
VERIFY_MODES = ("checksum", "sha256", "size")
MAX_LINEAGE = 1000  # versions kept in the manifest's chain
_SMALL_FILE = 1 << 16  # .npy files below this are read, not memory-mapped
_CHUNK = 1 << 22
_INDEX_FILE = re.compile(
    r"index/(documents|vehicles|persons|person_documents)\.[A-Za-z0-9_.]+\.npy"
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ASIDE = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]+")


# Tests replace these (in a subprocess) to kill a writer half-way through a save.
def _after_file(name: str) -> None:
    """Called with each file name once it is written and fsynced (a test hook)."""


def _between_renames() -> None:
    """Called between the two renames of a replace without an atomic exchange (a test hook)."""


# -- writing ------------------------------------------------------------------


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


def _lineage(state: _State) -> list[dict[str, str]]:
    chain = [*state.lineage, (state.data_version, state.data_time.isoformat())]
    return [{"data_version": v, "data_time": t} for v, t in chain[-MAX_LINEAGE:]]


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one atomic step; False where the OS or
    the file system cannot (the caller then renames twice)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

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


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _asides(dest: Path) -> list[tuple[Path, str, int]]:
    """Hidden sibling folders a save of ``dest`` made: (folder, "tmp" or "old", pid)."""
    out: list[tuple[Path, str, int]] = []
    if not dest.parent.is_dir():
        return out
    for p in dest.parent.iterdir():
        m = _ASIDE.fullmatch(p.name)
        if m and m["name"] == dest.name and p.is_dir() and not p.is_symlink():
            out.append((p, m["kind"], int(m["pid"])))
    return out


def _recover(dest: Path) -> None:
    """Put a snapshot back at ``dest`` when a save died between its two renames, and
    remove the folders that dead writers left behind."""
    asides = [(p, kind) for p, kind, pid in _asides(dest) if not _alive(pid)]
    if not dest.exists():
        # A complete new one (its manifest is written last) or else the old one.
        for want in ("tmp", "old"):
            for p, kind in asides:
                if kind == want and is_snapshot(p):
                    try:
                        read_manifest(p)
                        os.rename(p, dest)
                    except (IntegrityError, OSError):
                        continue
                    with contextlib.suppress(OSError):
                        _fsync_dir(dest.parent)
                    break
            if dest.exists():
                break
    if dest.exists():
        for p, _kind in asides:
            if p.exists():
                shutil.rmtree(p, ignore_errors=True)


def check_rollback(
    current_version: str,
    current_time: dt.datetime,
    current_lineage: Any,
    new_version: str,
    new_time: dt.datetime,
    *,
    what: str,
    new_lineage: Any = (),
) -> None:
    """Raise :class:`VersionMismatchError` when going from the current version to the
    new one is a rollback: older data, or a version the current one grew from."""
    if new_version == current_version or current_version in {v for v, _ in new_lineage}:
        return  # the same version, or one grown from the current one
    ancestors = {v for v, _ in current_lineage}
    if new_time < current_time or new_version in ancestors:
        why = (
            "it is an earlier version of the data served"
            if new_version in ancestors
            else f"its data time {new_time.isoformat()} is older than {current_time.isoformat()}"
        )
        raise VersionMismatchError(
            f"{what} holds data version {new_version}, a rollback from {current_version}: "
            f"{why}; pass allow_rollback=True to go back on purpose"
        )


def save_state(
    state: _State,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    private_key: Any = None,
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
    _recover(dest)
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
                _time(current["data_time"]),
                [(e["data_version"], e["data_time"]) for e in current.get("lineage", [])],
                state.data_version,
                state.data_time,
                what=f"the snapshot to write over {dest}",
                new_lineage=state.lineage,
            )
    signer = None
    if private_key is not None:
        from hotlist._signing import load_private_key

        signer = load_private_key(private_key)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    old: Path | None = None
    parts = {part: index.parts() for part, index in _index_parts(state).items()}
    total = len(DATASETS) + sum(1 + len(numpy) for _, numpy in parts.values())
    bar = Steps(total, enabled=progress, title="hotlist: saving snapshot", unit="files")
    try:
        (tmp / "index").mkdir()
        files: dict[str, dict[str, Any]] = {}
        for name in DATASETS:
            rel = f"{name}.arrow"
            files[rel] = _write_table(tmp / rel, state.tables[name])
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
            "hotlist_version": _version(),
            "data_version": state.data_version,
            "data_time": state.data_time.isoformat(),
            "data_time_source": state.data_time_source,
            "lineage": _lineage(state),
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
        if signer is not None:
            signature = signer.sign(text)
            _write(tmp / SIGNATURE, lambda f: f.write(signature))
        _write(tmp / MANIFEST, lambda f: f.write(text))
        _fsync_dir(tmp / "index")
        _fsync_dir(tmp)
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
        _fsync_dir(dest.parent)
    except BaseException:
        if tmp != dest:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        bar.close()
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return dest


def _version() -> str:
    from hotlist import __version__

    return __version__


def _time(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


# -- reading the manifest -------------------------------------------------------------


def is_snapshot(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder with a snapshot manifest."""
    return (Path(path) / MANIFEST).is_file()


def _fail(mpath: Path, why: str) -> IntegrityError:
    return IntegrityError(f"damaged manifest: {why}", path=str(mpath))


def _need(manifest: Mapping[str, Any], key: str, kind: Any, mpath: Path) -> Any:
    if key not in manifest:
        raise _fail(mpath, f"no {key!r}")
    value = manifest[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _fail(mpath, f"{key!r} is {type(value).__name__}, not {_kind_name(kind)}")
    return value


def _kind_name(kind: Any) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return str(kind.__name__)


def _check_time(value: Any, key: str, mpath: Path) -> None:
    if not isinstance(value, str):
        raise _fail(mpath, f"{key!r} is not text")
    try:
        _time(value)
    except ValueError:
        raise _fail(mpath, f"{key!r} {value[:40]!r} is not an ISO 8601 time") from None


def _allowed_file(rel: str) -> bool:
    return (
        rel in {f"{name}.arrow" for name in DATASETS}
        or rel in {f"{part}.keys.arrow" for part in INDEX_PARTS}
        or _INDEX_FILE.fullmatch(rel) is not None
    )


def _check_manifest(manifest: Any, mpath: Path) -> dict[str, Any]:
    """``manifest`` with every key :func:`open_state` reads present and of its type,
    and a file list that names exactly the files of a snapshot, inside its folder."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IntegrityError("not a hotlist snapshot manifest", path=str(mpath))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise IntegrityError(
            f"snapshot format {version!r}; this hotlist reads format {FORMAT_VERSION}",
            path=str(mpath),
        )
    _need(manifest, "data_version", str, mpath)
    _check_time(_need(manifest, "data_time", str, mpath), "data_time", mpath)
    for key in ("sources", "applied_deltas"):
        values = manifest.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _fail(mpath, f"{key!r} is not a list of text")
    if not isinstance(manifest.get("data_time_source", ""), str):
        raise _fail(mpath, "'data_time_source' is not text")
    lineage = manifest.get("lineage", [])
    if not isinstance(lineage, list):
        raise _fail(mpath, "'lineage' is not a list")
    for entry in lineage:
        if not isinstance(entry, dict) or not isinstance(entry.get("data_version"), str):
            raise _fail(mpath, "a 'lineage' entry has no data_version")
        _check_time(entry.get("data_time"), "lineage data_time", mpath)
    counts = _need(manifest, "counts", dict, mpath)
    for name in DATASETS:
        n = counts.get(name)
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise _fail(mpath, f"counts[{name!r}] is {n!r}, not a count")
    entries = manifest.get("index_entries", {})
    if not isinstance(entries, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in entries.values()
    ):
        raise _fail(mpath, "'index_entries' is not a map of counts")
    report = manifest.get("report", {})
    if not isinstance(report, dict):
        raise _fail(mpath, "'report' is not a map")
    for name, r in report.items():
        if name not in DATASETS or not isinstance(r, dict):
            raise _fail(mpath, f"report entry {name!r} is not a dataset's counts")
        files_ = r.get("files", [])
        if not isinstance(files_, list) or not all(isinstance(f, str) for f in files_):
            raise _fail(mpath, f"report[{name!r}]['files'] is not a list of text")
        for key in ("read", "loaded"):
            if not isinstance(r.get(key, 0), int) or isinstance(r.get(key, 0), bool):
                raise _fail(mpath, f"report[{name!r}][{key!r}] is not a count")
    files = _need(manifest, "files", dict, mpath)
    for rel, meta in files.items():
        if not isinstance(rel, str) or not _allowed_file(rel):
            raise _fail(mpath, f"file {rel!r} is not a file of a snapshot (or lies outside it)")
        if not isinstance(meta, dict):
            raise _fail(mpath, f"files[{rel!r}] is not a map")
        size = meta.get("bytes")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _fail(mpath, f"files[{rel!r}]['bytes'] is {size!r}, not a size")
        sha = meta.get("sha256")
        if not isinstance(sha, str) or not _HEX64.fullmatch(sha):
            raise _fail(mpath, f"files[{rel!r}]['sha256'] is not a SHA-256 in hex")
        crc = meta.get("crc32")
        if crc is not None and (
            not isinstance(crc, int) or isinstance(crc, bool) or not 0 <= crc < 1 << 32
        ):
            raise _fail(mpath, f"files[{rel!r}]['crc32'] is not a CRC-32")
    required = [f"{n}.arrow" for n in DATASETS] + [f"{p}.keys.arrow" for p in INDEX_PARTS]
    missing = [rel for rel in required if rel not in files]
    if missing:
        raise _fail(mpath, f"the file list lacks {', '.join(missing)}")
    return manifest


def _manifest_bytes(folder: Path) -> tuple[Path, bytes]:
    if not folder.is_dir():
        _recover(folder.absolute())
    if not folder.is_dir():
        raise IntegrityError("not a hotlist snapshot: no such folder", path=str(folder))
    mpath = folder / MANIFEST
    if mpath.is_symlink() or not mpath.is_file():
        raise IntegrityError(
            f"not a hotlist snapshot: no {MANIFEST} (an interrupted save leaves none)",
            path=str(folder),
        )
    try:
        return mpath, mpath.read_bytes()
    except OSError as exc:
        raise IntegrityError(f"unreadable manifest ({exc})", path=str(mpath)) from exc


def _parse_manifest(mpath: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise IntegrityError(f"damaged manifest: {exc}", path=str(mpath)) from exc
    return _check_manifest(manifest, mpath)


def _signed_manifest(folder: Path, public_key: Any) -> dict[str, Any]:
    """The manifest, read once; with ``public_key`` its signature is checked on the
    very bytes that are then parsed (no second read that a swap could change)."""
    mpath, data = _manifest_bytes(folder)
    if public_key is not None:
        from hotlist._signing import verify_data

        verify_data(data, mpath, public_key)
    return _parse_manifest(mpath, data)


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The checked manifest of the snapshot at ``path``; IntegrityError when it is
    not one, or when the manifest is damaged (a missing key, a value of the wrong
    type, a file outside the folder)."""
    return _signed_manifest(Path(path), None)


# -- checking the files ---------------------------------------------------------------


def _crc32(path: Path) -> int:
    """CRC-32 of a file, read in chunks (a mapping would be ~25 % faster, but a file
    truncated while it is checked would then kill the process with SIGBUS)."""
    crc = 0
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with builtins.open(path, "rb") as f:
        while n := f.readinto(buf):
            crc = zlib.crc32(view[:n], crc)
    return crc


def _sha256(path: Path) -> str:
    with builtins.open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _listing(folder: Path, manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Files in the folder that the manifest does not list, and links."""
    out: list[tuple[str, str]] = []
    allowed = set(manifest["files"]) | {MANIFEST, SIGNATURE}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out.append((rel, "a symbolic link; a snapshot holds plain files only"))
        elif p.is_dir():
            if rel != "index":
                out.append((rel, "a folder the snapshot format does not have"))
        elif rel not in allowed:
            out.append((rel, "present but not listed in the manifest"))
    return out


class _Pinned:
    """The snapshot's files, each opened once: what is checked and what is then
    mapped are the same files, even if a path is swapped in between (Linux: the
    files are read and mapped through ``/proc/self/fd``).  A file changed in
    place after the check is not seen: never write into a snapshot folder."""

    _PROC = Path("/proc/self/fd")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fds: dict[str, int] = {}
        self._proc = self._PROC.is_dir()

    def open(self, rel: str) -> os.stat_result | None:
        """Open ``rel`` (never through a link); its stat, or None when it is missing."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.folder / rel, flags)
        except FileNotFoundError:
            return None
        st = os.fstat(fd)
        self.fds[rel] = fd
        return st

    def path(self, rel: str) -> Path:
        """Where to read ``rel`` from: the pinned file where the OS allows."""
        fd = self.fds.get(rel)
        if fd is not None and self._proc:
            return self._PROC / str(fd)
        return self.folder / rel

    def close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()

    def __enter__(self) -> _Pinned:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _problems(
    folder: Path, manifest: Mapping[str, Any], *, mode: str, pinned: _Pinned | None = None
) -> list[tuple[str, str]]:
    out = _listing(folder, manifest)
    pin = pinned if pinned is not None else _Pinned(folder)
    todo: list[tuple[str, Path, Mapping[str, Any]]] = []
    for rel, meta in manifest["files"].items():
        p = folder / rel
        if p.is_symlink():
            continue  # reported by _listing
        try:
            st = pin.open(rel)
        except OSError as exc:
            out.append((rel, f"cannot be opened ({exc.strerror})"))
            continue
        if st is None:
            out.append((rel, "missing"))
            continue
        if not stat.S_ISREG(st.st_mode):
            out.append((rel, "not a plain file"))
            continue
        size = st.st_size
        if size != meta["bytes"]:
            out.append((rel, f"{size:,} bytes, the manifest says {meta['bytes']:,}"))
        elif mode != "size":
            todo.append((rel, pin.path(rel), meta))
    if not todo:
        if pinned is None:
            pin.close()
        return out
    use_sha = mode == "sha256" or any(meta.get("crc32") is None for _, _, meta in todo)

    def check(item: tuple[str, Path, Mapping[str, Any]]) -> tuple[str, str] | None:
        rel, p, meta = item
        try:
            if use_sha:
                if _sha256(p) != meta["sha256"]:
                    return rel, "SHA-256 differs from the manifest (the file was changed)"
            elif _crc32(p) != meta["crc32"]:
                return rel, "CRC-32 differs from the manifest (the file is damaged)"
        except OSError as exc:
            return rel, f"unreadable ({exc})"
        return None

    todo.sort(key=lambda t: -int(t[2]["bytes"]))
    workers = max(1, min(4, os.cpu_count() or 1, len(todo)))
    with ThreadPoolExecutor(workers) as pool:
        out += [r for r in pool.map(check, todo) if r is not None]
    if pinned is None:
        pin.close()
    return out


def _raise(folder: Path, problems: list[tuple[str, str]]) -> None:
    if not problems:
        return
    first = str(folder / problems[0][0])
    text = "; ".join(f"{rel}: {why}" for rel, why in problems)
    raise IntegrityError(f"snapshot {folder} failed its check: {text}", path=first)


def verify(path: str | os.PathLike[str], *, public_key: Any = None) -> dict[str, Any]:
    """Check every file of a snapshot against its manifest (size and SHA-256), that
    the folder holds nothing else, and with ``public_key`` the manifest's signature
    (``manifest.json.sig``).

    Returns the manifest; raises :class:`IntegrityError` naming every bad file.
    """
    folder = Path(path)
    manifest = _signed_manifest(folder, public_key)
    _raise(folder, _problems(folder, manifest, mode="sha256"))
    return manifest


def _verify_mode(verify: bool | str, public_key: Any) -> str:
    if verify is True:
        mode = "sha256"
    elif verify is False:
        mode = "checksum"  # False: no SHA-256; the damage check is opted out by "size" only
    elif verify in VERIFY_MODES:
        mode = str(verify)
    else:
        raise HotlistError(
            f"verify must be True, False or one of {', '.join(VERIFY_MODES)}, not {verify!r}"
        )
    return "sha256" if public_key is not None else mode


# -- opening --------------------------------------------------------------------


def _read_table(folder: Path, rel: str, pinned: _Pinned) -> pa.Table:
    try:
        source = pa.memory_map(str(pinned.path(rel)))
        table = ipc.open_file(source).read_all()
        table.validate()
    except (pa.ArrowException, OSError) as exc:
        raise IntegrityError(f"unreadable Arrow file ({exc})", path=str(folder / rel)) from exc
    if any(c.num_chunks == 0 for c in table.columns):
        # A file of no rows has no record batch: give every column its one empty
        # chunk, as a built table has (code that combines chunks expects one).
        table = table.schema.empty_table()
    return table


def _read_npy(folder: Path, rel: str, pinned: _Pinned) -> np.ndarray:
    p = folder / rel
    try:
        source = pinned.path(rel)
        small = source.stat().st_size < _SMALL_FILE
        array: np.ndarray = np.load(source, mmap_mode=None if small else "r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise IntegrityError(f"unreadable numpy file ({exc})", path=str(p)) from exc
    if array.dtype.kind not in "biuf" or array.dtype.byteorder == ">":
        raise IntegrityError(f"unexpected array type {array.dtype}", path=str(p))
    return array


def _counts_agree(folder: Path, name: str, n: int, expected: Any) -> None:
    if expected is not None and n != expected:
        raise IntegrityError(f"{n:,} rows; the manifest says {expected:,}", path=str(folder / name))


def open_state(
    path: str | os.PathLike[str], *, verify: bool | str = "checksum", public_key: Any = None
) -> _State:
    """The :class:`_State` of a snapshot, memory-mapped; see :func:`open`."""
    started = time.perf_counter()
    folder = Path(path)
    mode = _verify_mode(verify, public_key)
    manifest = _signed_manifest(folder, public_key)
    with _Pinned(folder) as pinned:
        _raise(folder, _problems(folder, manifest, mode=mode, pinned=pinned))
        return _opened(folder, manifest, pinned, started)


def _opened(folder: Path, manifest: Mapping[str, Any], pinned: _Pinned, started: float) -> _State:
    """The state from the checked files (mapped through ``pinned``)."""
    listed = set(manifest["files"])
    tables: dict[str, pa.Table] = {}
    for name in DATASETS:
        rel = f"{name}.arrow"
        table = _read_table(folder, rel, pinned)
        if not table.schema.equals(SCHEMAS[name]):
            raise IntegrityError(
                f"the {name} table is not in this hotlist's schema", path=str(folder / rel)
            )
        _counts_agree(folder, rel, table.num_rows, manifest["counts"][name])
        tables[name] = table
    parts: dict[str, Any] = {}
    classes: dict[str, Any] = {
        "documents": (DocumentIndex, "documents"),
        "vehicles": (VehicleIndex, "vehicles"),
        "persons": (PersonIndex, "persons"),
        "person_documents": (PersonDocumentIndex, "persons"),
    }
    for part, (cls, dataset) in classes.items():
        rel = f"{part}.keys.arrow"
        keys = _read_table(folder, rel, pinned)
        _counts_agree(folder, rel, keys.num_rows, manifest.get("index_entries", {}).get(part))
        arrays = {c: keys.column(c) for c in keys.column_names}
        prefix = f"index/{part}."
        numpy = {
            rel[len(prefix) : -len(".npy")]: _read_npy(folder, rel, pinned)
            for rel in sorted(listed)
            if rel.startswith(prefix)
        }
        try:
            parts[part] = cls.from_parts(tables[dataset], arrays, numpy)
        except Exception as exc:  # any failure here means damaged files
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
    data_time = _time(manifest["data_time"])
    chain = [(e["data_version"], e["data_time"]) for e in manifest.get("lineage", [])]
    if chain and chain[-1][0] == manifest["data_version"]:
        chain = chain[:-1]
    return _State(
        tables=tables,
        documents=parts["documents"],
        vehicles=parts["vehicles"],
        persons=parts["persons"],
        person_documents=parts["person_documents"],
        data_version=manifest["data_version"],
        data_time=data_time,
        loaded_at=dt.datetime.now(dt.UTC),
        report=report,
        sources=tuple(manifest.get("sources", ())),
        sql=SqlBackend(tables),
        build_seconds=time.perf_counter() - started,
        applied_deltas=tuple(manifest.get("applied_deltas", ())),
        data_time_source=manifest.get("data_time_source") or "snapshot manifest",
        lineage=tuple(chain),
    )


def open(
    path: str | os.PathLike[str],
    *,
    verify: bool | str = "checksum",
    public_key: Any = None,
    max_age: dt.timedelta | float | None = None,
    stale: str = "warn",
    audit: Any = None,
) -> Hotlist:
    """Open a snapshot written by :meth:`Hotlist.save`: memory-mapped, no index rebuilt.

    Every byte is checked against the manifest before anything is mapped, so a
    damaged file raises :class:`hotlist.IntegrityError` naming it and never
    reaches native code.  ``verify``: ``"checksum"`` (the default; CRC-32,
    about 1.5 GB/s per core, detects any damage), ``True`` or ``"sha256"``
    (SHA-256, about 0.5 GB/s per core, detects deliberate changes too),
    ``False`` (the same as the default), ``"size"`` (sizes only, for storage
    that checks its own bytes: a damaged file may then crash the process or
    answer wrongly; the only way to skip the check).  A
    ``public_key`` (Ed25519) checks the manifest's signature
    ``manifest.json.sig`` and forces SHA-256, so the signature covers every
    file.  ``max_age`` and ``stale`` are as for :func:`hotlist.load`.
    """
    state = open_state(path, verify=verify, public_key=public_key)
    return Hotlist(state, max_age=max_age, stale=stale, audit=audit)
