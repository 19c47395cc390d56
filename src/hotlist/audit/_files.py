"""Where the audit log lies on disk: segment files, the checkpoint copies, the lock.

Layout of the folder::

    audit/
      audit-000001.log     segment files: one canonical JSON entry a line (_format)
      audit-000002.log     ... a new segment when the current one passes
                           ``segment_bytes`` or ``segment_seconds``
      checkpoints.log      a copy of every checkpoint entry, kept by purge()
      .lock                held while a process writes the log
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from hotlist._errors import HotlistError
from hotlist.audit._format import parse_prefix

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock between processes
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CHECKPOINTS",
    "AuditError",
    "append_synced",
    "checkpoint_seqs",
    "fsync_dir",
    "last_line",
    "segment_name",
    "segments",
    "take_lock",
    "truncate_synced",
]

CHECKPOINTS = "checkpoints.log"
_SEGMENT_PREFIX = "audit-"
_SEGMENT_SUFFIX = ".log"


class AuditError(HotlistError):
    """The audit log cannot be written or read as asked."""


def segment_name(number: int) -> str:
    return f"{_SEGMENT_PREFIX}{number:06d}{_SEGMENT_SUFFIX}"


def segments(folder: Path) -> list[tuple[int, Path]]:
    """The segment files of ``folder``, oldest first."""
    out = []
    for p in folder.glob(f"{_SEGMENT_PREFIX}*{_SEGMENT_SUFFIX}"):
        digits = p.name[len(_SEGMENT_PREFIX) : -len(_SEGMENT_SUFFIX)]
        if digits.isdigit():
            out.append((int(digits), p))
    return sorted(out)


def take_lock(folder: Path) -> int:
    """Open and lock ``folder/.lock`` (one writing process); returns its descriptor."""
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    if fcntl is None:  # pragma: no cover - not POSIX
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise AuditError(
                f"the audit log {folder} is open for writing in another process"
            ) from None
        raise
    return fd


def last_line(path: Path) -> bytes:
    """The last complete line of a file (without its newline); b"" if none."""
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        block = 4096
        data = b""
        while True:
            start = max(0, size - block)
            f.seek(start)
            data = f.read(size - start)
            body = data[: data.rfind(b"\n")] if b"\n" in data else b""
            if b"\n" in body or start == 0:
                return body.rsplit(b"\n", 1)[-1]
            block *= 4


def checkpoint_seqs(path: Path) -> set[int]:
    """The sequence numbers of the checkpoint copies in ``path`` (checkpoints.log)."""
    if not path.exists():
        return set()
    out = set()
    for line in path.read_bytes().split(b"\n"):
        parsed = parse_prefix(line)
        if parsed is not None:
            out.add(parsed[0])
    return out


def append_synced(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` and ``fsync`` it."""
    with path.open("ab") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def truncate_synced(path: Path, size: int) -> None:
    """Cut ``path`` to ``size`` bytes and ``fsync`` it."""
    with path.open("r+b") as f:
        f.truncate(size)
        os.fsync(f.fileno())


def fsync_dir(folder: Path) -> None:
    """``fsync`` a folder, so that a file created or removed in it stays so."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
