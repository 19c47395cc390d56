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

The tables and parts are those of each dataset kind (:mod:`hotlist.datasets`):
``<kind>.arrow``, and ``<part>.keys.arrow`` for each of the kind's
``part_names`` (the persons kind has two).  A kind registered at run time adds
its own files and its entry in ``counts``; such a snapshot opens only where the
kind is registered, and a snapshot without it opens with it empty.

Nothing else may be in the folder: a file that the manifest does not list, a
listed path outside the folder, a symbolic link, a manifest with a missing key or
a value of the wrong type all raise :class:`~hotlist.IntegrityError`.

The byte checks before anything is mapped are in :mod:`hotlist._snapshot_verify`,
the atomic writes in :mod:`hotlist._snapshot_save`.

A snapshot holding older data than the one it replaces (an earlier data time,
or a version in the replaced one's chain) is a rollback: :meth:`Hotlist.save`
refuses to write it over the newer one unless ``allow_rollback=True``;
:meth:`Hotlist.reload` serves it with a warning on every result (or refuses it,
with ``rollback="refuse"``).  The manifest records the chain of versions
(``lineage``) so that a return to an earlier version is recognised.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pyarrow import ipc

from hotlist import datasets
from hotlist._errors import IntegrityError, VersionMismatchError
from hotlist._key_rules import key_rules
from hotlist._signing import KeyArg, verify_data
from hotlist._snapshot_verify import (
    MANIFEST,
    SIGNATURE,
    VERIFY_MODES,
    Pinned,
    problems,
    raise_problems,
    verify_mode,
)
from hotlist._sql import SqlBackend
from hotlist._state import State
from hotlist.datasets import Kind
from hotlist.datasets._kind import Parts
from hotlist.extracts import DatasetReport, LoadReport
from hotlist.schema import DATASETS

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "MAX_LINEAGE",
    "SIGNATURE",
    "VERIFY_MODES",
    "check_rollback",
    "fsync_dir",
    "is_snapshot",
    "open_state",
    "parse_time",
    "read_manifest",
    "recover",
    "snapshot_kinds",
    "verify",
]

FORMAT = "hotlist-snapshot"
FORMAT_VERSION = 1
MAX_LINEAGE = 1000  # versions kept in the manifest's chain
_SMALL_FILE = 1 << 16  # .npy files below this are read, not memory-mapped
_INDEX_FILE = re.compile(r"index/(?P<part>[A-Za-z0-9_]+)\.[A-Za-z0-9_.]+\.npy")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_ASIDE = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]+")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def recover(dest: Path) -> None:
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
                        fsync_dir(dest.parent)
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


def parse_time(text: str) -> dt.datetime:
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
        parse_time(value)
    except ValueError:
        raise _fail(mpath, f"{key!r} {value[:40]!r} is not an ISO 8601 time") from None


def snapshot_kinds(counts: Mapping[str, Any], mpath: Path) -> list[Kind]:
    """The kinds a snapshot holds, in the registry's order: every built-in kind (a
    snapshot always has their tables) and every other kind its counts name; a kind
    that is not registered here cannot be opened."""
    unknown = [name for name in counts if name not in datasets.names()]
    if unknown:
        raise _fail(
            mpath,
            f"it holds {', '.join(map(repr, unknown))}, a dataset kind not registered here "
            "(import the module that registers it first)",
        )
    return [k for k in datasets.kinds() if k.name in DATASETS or k.name in counts]


def _allowed_file(rel: str, kinds: list[Kind]) -> bool:
    parts = {part for kind in kinds for part in kind.part_names}
    index = _INDEX_FILE.fullmatch(rel)
    return (
        rel in {f"{kind.name}.arrow" for kind in kinds}
        or rel in {f"{part}.keys.arrow" for part in parts}
        or (index is not None and index["part"] in parts)
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
    kinds = snapshot_kinds(counts, mpath)
    for name in (kind.name for kind in kinds):
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
        if name not in counts or not isinstance(r, dict):
            raise _fail(mpath, f"report entry {name!r} is not a dataset's counts")
        files_ = r.get("files", [])
        if not isinstance(files_, list) or not all(isinstance(f, str) for f in files_):
            raise _fail(mpath, f"report[{name!r}]['files'] is not a list of text")
        for key in ("read", "loaded"):
            if not isinstance(r.get(key, 0), int) or isinstance(r.get(key, 0), bool):
                raise _fail(mpath, f"report[{name!r}][{key!r}] is not a count")
    files = _need(manifest, "files", dict, mpath)
    for rel, meta in files.items():
        if not isinstance(rel, str) or not _allowed_file(rel, kinds):
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
    required = [f"{k.name}.arrow" for k in kinds]
    required += [f"{part}.keys.arrow" for k in kinds for part in k.part_names]
    missing = [rel for rel in required if rel not in files]
    if missing:
        raise _fail(mpath, f"the file list lacks {', '.join(missing)}")
    return manifest


def _manifest_bytes(folder: Path) -> tuple[Path, bytes]:
    if not folder.is_dir():
        recover(folder.absolute())
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


def _signed_manifest(folder: Path, public_key: KeyArg | None) -> dict[str, Any]:
    """The manifest, read once; with ``public_key`` its signature is checked on the
    very bytes that are then parsed (no second read that a swap could change)."""
    mpath, data = _manifest_bytes(folder)
    if public_key is not None:
        verify_data(data, mpath, public_key)
    return _parse_manifest(mpath, data)


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The checked manifest of the snapshot at ``path``; IntegrityError when it is
    not one, or when the manifest is damaged (a missing key, a value of the wrong
    type, a file outside the folder)."""
    return _signed_manifest(Path(path), None)


def verify(path: str | os.PathLike[str], *, public_key: KeyArg | None = None) -> dict[str, Any]:
    """Check every file of a snapshot against its manifest (size and SHA-256), that
    the folder holds nothing else, and with ``public_key`` the manifest's signature
    (``manifest.json.sig``), and that its stored keys were made under this
    hotlist's key rules (else it would refuse to open it).

    Returns the manifest; raises :class:`IntegrityError` naming every bad file.
    """
    folder = Path(path)
    manifest = _signed_manifest(folder, public_key)
    raise_problems(folder, problems(folder, manifest, mode="sha256"))
    _same_key_rules(folder, manifest)
    return manifest


# -- opening --------------------------------------------------------------------


def _read_table(folder: Path, rel: str, pinned: Pinned) -> pa.Table:
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


def _read_npy(folder: Path, rel: str, pinned: Pinned) -> np.ndarray:
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
    path: str | os.PathLike[str],
    *,
    verify: bool | str = "checksum",
    public_key: KeyArg | None = None,
) -> State:
    """The :class:`State` of a snapshot, memory-mapped; see :func:`open`."""
    started = time.perf_counter()
    folder = Path(path)
    mode = verify_mode(verify, public_key)
    manifest = _signed_manifest(folder, public_key)
    _same_key_rules(folder, manifest)
    with Pinned(folder) as pinned:
        raise_problems(folder, problems(folder, manifest, mode=mode, pinned=pinned))
        state = _opened(folder, manifest, pinned, started)
    # where this data version lies: check_many's worker processes open it there
    # (hotlist._batch_workers, which checks that the folder still holds it)
    state.fast["snapshot"] = str(folder.resolve())
    return state


def _same_key_rules(folder: Path, manifest: Mapping[str, Any]) -> None:
    """Refuse a snapshot holding rows of a kind whose stored keys were made under
    other rules than this hotlist's (:mod:`hotlist._key_rules`): a query's keys
    would not meet them, and listed records would be missed without a word."""
    saved = manifest.get("key_rules")
    saved = saved if isinstance(saved, dict) else {}
    counts = manifest.get("counts")
    counts = counts if isinstance(counts, dict) else {}  # a bad one: problems() says so
    now = key_rules()
    other = [kind for kind, digest in now.items() if counts.get(kind) and saved.get(kind) != digest]
    if other:
        said = ", ".join(f"{kind} {saved.get(kind) or 'not recorded'}" for kind in other)
        raise IntegrityError(
            f"saved under other key rules for its {' and '.join(other)} ({said}; this "
            f"hotlist's: {', '.join(now[kind] for kind in other)}): the keys stored for "
            "its listed records would not meet the keys a query makes now, so they "
            "could be missed; load the extracts again and save a new snapshot",
            path=str(folder / MANIFEST),
        )


def _opened(folder: Path, manifest: Mapping[str, Any], pinned: Pinned, started: float) -> State:
    """The state from the checked files (mapped through ``pinned``); a registered kind
    the snapshot does not hold gets an empty table."""
    listed = set(manifest["files"])
    held = snapshot_kinds(manifest["counts"], folder / MANIFEST)
    tables: dict[str, pa.Table] = {}
    indexes: dict[str, Any] = {}
    for kind in datasets.kinds():
        if kind not in held:
            tables[kind.name] = kind.schema.empty_table()
            indexes[kind.name] = kind.build(tables[kind.name])
            continue
        rel = f"{kind.name}.arrow"
        table = _read_table(folder, rel, pinned)
        if not table.schema.equals(kind.schema):
            raise IntegrityError(
                f"the {kind.name} table is not in this hotlist's schema", path=str(folder / rel)
            )
        _counts_agree(folder, rel, table.num_rows, manifest["counts"][kind.name])
        tables[kind.name] = table
        parts: dict[str, Parts] = {}
        for part in kind.part_names:
            rel = f"{part}.keys.arrow"
            keys = _read_table(folder, rel, pinned)
            entries = manifest.get("index_entries", {}).get(part)
            _counts_agree(folder, rel, keys.num_rows, entries)
            prefix = f"index/{part}."
            numpy = {
                rel[len(prefix) : -len(".npy")]: _read_npy(folder, rel, pinned)
                for rel in sorted(listed)
                if rel.startswith(prefix)
            }
            parts[part] = ({c: keys.column(c) for c in keys.column_names}, numpy)
        try:
            indexes[kind.name] = kind.from_parts(table, parts)
        except Exception as exc:  # any failure here means damaged files
            raise IntegrityError(
                f"the {kind.name} index cannot be rebuilt from its files ({exc!r})",
                path=str(folder),
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
    data_time = parse_time(manifest["data_time"])
    chain = [(e["data_version"], e["data_time"]) for e in manifest.get("lineage", [])]
    if chain and chain[-1][0] == manifest["data_version"]:
        chain = chain[:-1]
    return State(
        tables=tables,
        indexes=indexes,
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
