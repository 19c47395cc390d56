"""The worker side of Spark and Dask: the snapshot a worker process opens once, and
the one task object both engines ship.

Spark and Dask workers open a snapshot once per Python process through
:func:`worker_hotlist`: memory-mapped, cached by the folder's real path and the
SHA-256 of its ``manifest.json``, verified (``verify=`` / ``public_key=``) on
that first open only.  The Hotlist itself never travels: a :class:`WorkerTask`
carries the path, the manifest digest the driver saw, the column mapping and
the options (a few hundred bytes), pickled by reference to its class.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from hotlist._errors import IntegrityError, InvalidQuery
from hotlist._signing import KeyArg
from hotlist._snapshot import MANIFEST
from hotlist._stream import schema_after_check, validate_columns
from hotlist.engine import Hotlist
from hotlist.engine import open as open_snapshot

__all__ = [
    "OPEN_LOG_ENV",
    "PARTITION_SHIFT",
    "WorkerTask",
    "empty_hotlist",
    "log_event",
    "manifest_digest",
    "result_schema",
    "worker_hotlist",
]

# When set to a file path, every snapshot open and every partition a worker
# checks appends one line there ("open PID DIGEST" / "part PID ROWS"): how the
# tests count opens per worker.  Off (and free) otherwise.
OPEN_LOG_ENV = "HOTLIST_OPEN_LOG"
# query_index of a partition's row: as monotonically_increasing_id(), partition << 33 | row
PARTITION_SHIFT = 33

_CACHE: dict[tuple[str, str], Hotlist] = {}
_CACHE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def empty_hotlist() -> Hotlist:
    """A Hotlist with no data: what the driver checks schemas and options against."""
    return Hotlist.from_tables(data_version="schema-only", progress=False)


def result_schema(
    schema: pa.Schema,
    columns: Mapping[str, str | None] | None = None,
    options: Mapping[str, Any] | None = None,
) -> pa.Schema:
    """The schema a check returns for input of ``schema``, with no data at hand (what
    Spark and Dask need before any worker runs); see
    :func:`hotlist._stream.schema_after_check`."""
    return schema_after_check(empty_hotlist(), schema, columns, options)


def manifest_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a snapshot's ``manifest.json``: which data version sits at ``path``
    (the manifest lists every file's size and SHA-256, so it names the whole
    snapshot)."""
    mpath = Path(path) / MANIFEST
    try:
        return hashlib.sha256(mpath.read_bytes()).hexdigest()
    except OSError as exc:
        raise IntegrityError(
            f"no hotlist snapshot at {path} on this machine ({exc.strerror}); every worker "
            "needs the snapshot folder at this path (see the README, 'Screening large "
            "manifests')",
            path=str(mpath),
        ) from None


def log_event(event: str, detail: object) -> None:
    """One line to the file named by ``HOTLIST_OPEN_LOG``, when it is set."""
    target = os.environ.get(OPEN_LOG_ENV)
    if target:
        line = f"{event} {os.getpid()} {detail}\n".encode()
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def worker_hotlist(
    path: str,
    *,
    expected_digest: str | None = None,
    verify: bool = False,
    public_key: KeyArg | None = None,
) -> Hotlist:
    """The snapshot at ``path``, opened (memory-mapped) once per process.

    Cached by the folder's real path and its manifest's SHA-256, so a snapshot
    replaced in place is opened anew (and the old one let go), while every
    later task in this process reuses the open one.  ``verify`` (SHA-256 of every
    file) and ``public_key`` (the manifest's signature) are checked on that
    first open only.  ``expected_digest`` is the manifest the driver saw: a worker
    that finds another version at the path raises :class:`hotlist.IntegrityError`
    rather than mix two data versions in one result.
    """
    folder = os.path.realpath(path)
    digest = manifest_digest(folder)
    if expected_digest is not None and digest != expected_digest:
        raise IntegrityError(
            f"the snapshot at {path} on this worker is not the one the job was started with "
            f"(manifest SHA-256 {digest[:16]}, expected {expected_digest[:16]}); copy the same "
            "snapshot to every node, or start the job again",
            path=folder,
        )
    key = (folder, digest)
    hl = _CACHE.get(key)
    if hl is None:
        with _CACHE_LOCK:
            hl = _CACHE.get(key)
            if hl is None:
                hl = open_snapshot(folder, verify=verify, public_key=public_key)
                for old in [k for k in _CACHE if k[0] == folder]:
                    del _CACHE[old]
                _CACHE[key] = hl
                log_event("open", digest[:16])
    return hl


@dataclass(frozen=True)
class WorkerTask:
    """What one Spark or Dask task carries: no Hotlist inside, only where the
    snapshot is, which version the driver saw, the mapping and the options.
    Each engine's task class adds its own fields and ``__call__``."""

    path: str
    digest: str | None
    columns: dict[str, str | None]
    options: dict[str, Any]
    verify: bool
    public_key: KeyArg | None

    @staticmethod
    def fields_for(
        snapshot: str | os.PathLike[str],
        columns: Mapping[str, str | None] | None,
        options: Mapping[str, Any],
        *,
        verify: bool,
        public_key: KeyArg | None,
    ) -> dict[str, Any]:
        """The common fields, checked on the driver before any task runs: the
        mapping (:class:`hotlist.InvalidQuery` if it names no check() keyword; also
        for ``workers`` > 1, which would start processes inside each task) and
        the digest of the snapshot the driver sees (None where it cannot see the
        path, e.g. a Spark Connect client: workers then use what they find)."""
        path = os.fspath(snapshot)
        if options.get("workers", 1) not in (None, 1):
            raise InvalidQuery(
                f"workers={options['workers']!r}: check_many's processes on one machine; "
                "on Spark and Dask the engine's own workers share the rows (give it more cores)"
            )
        return {
            "path": path,
            "digest": manifest_digest(path) if os.path.isdir(path) else None,
            "columns": validate_columns(columns),
            "options": dict(options),
            "verify": verify,
            "public_key": public_key,
        }

    def hotlist(self) -> Hotlist:
        """The worker's snapshot (opened on this process's first task)."""
        return worker_hotlist(
            self.path, expected_digest=self.digest, verify=self.verify, public_key=self.public_key
        )
