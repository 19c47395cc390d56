"""``AuditLog``: an append-only, hash-chained, checkpoint-signed record of every check.

The folder's layout (segments, ``checkpoints.log``, ``.lock``) is in ``_files``.

Entries (``kind``): ``open`` (a process opened the log), ``check`` (one
audited check, or one row of an audited ``check_many``), ``decision`` (an
officer confirmed a hit or called it a false positive), ``checkpoint`` (the
chain head, signed with Ed25519 when a signing key is given), ``purge`` (old
segments removed by retention), ``recovered`` (a partial last line left by a
crash was set aside on open).

Every segment ends with a checkpoint when it is closed (rotation, ``close()``),
and a checkpoint is also written every ``checkpoint_every`` entries or
``checkpoint_seconds``.  Retention (``purge``) removes whole closed segments
and keeps their closing checkpoints in ``checkpoints.log``, so the first
remaining entry still links to a signed hash: the chain stays verifiable.

Durability is explicit:

- ``sync="entry"``: each entry is written and ``fsync``-ed before the check
  returns (a crash loses nothing; each check waits for the disk);
- ``sync="group"`` (default): entries are queued and a writer thread writes
  and ``fsync``-s them together every ``group_window`` seconds (default
  0.05 s), at most ``group_max`` (4096) a write; when callers queue faster
  than the writer formats, a caller that finds ``group_max`` entries waiting
  writes a share of them itself (back-pressure, at most 256 at a time), so the
  queue stays near ``group_max``.  A crash loses at most the entries queued in
  the last window, about ``group_max`` at worst.  ``flush()`` forces a write.

A crash while writing leaves at most a partial last line; ``verify`` reports
it as a truncated entry, and the next ``AuditLog`` on the folder sets it aside
(``<segment>.partial-<time>``) and records a ``recovered`` entry.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import itertools
import logging
import os
import threading
import time
import uuid
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from hotlist._signing import load_private_key
from hotlist.audit._entries import BatchData, CheckData, batch_blocks, check_line
from hotlist.audit._files import (
    CHECKPOINTS,
    AuditError,
    append_synced,
    checkpoint_seqs,
    fsync_dir,
    last_line,
    segment_name,
    segments,
    take_lock,
    truncate_synced,
)
from hotlist.audit._format import (
    GENESIS,
    KeyedHasher,
    canonical_line,
    entry_hash,
    key_id,
    parse_prefix,
    sign_message,
    utc_text,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from hotlist._signing import KeyArg

__all__ = ["AuditError", "AuditLog", "EntryData", "Pending"]

log = logging.getLogger("hotlist")

SYNC_MODES = ("group", "entry")
_CALLER_SHARE = 256  # entries a caller writes when it finds the queue full

# What an entry is made of until the writer formats it: a check's tuple, a
# check_many's columns, or the body of any other kind.
EntryData = CheckData | BatchData | dict[str, object]


class Pending:
    """One entry (or, for a batch, many) waiting for the writer.  After it is
    written, ``seq`` and ``hash`` say where it sits in the chain.  ``id`` (the
    log's instance prefix and a counter) links decisions and receipts to it."""

    __slots__ = ("data", "hash", "kind", "number", "prefix", "seq", "t_ns", "written")

    def __init__(self, kind: str, data: EntryData, t_ns: int, prefix: str, number: int) -> None:
        self.kind = kind
        self.data = data
        self.t_ns = t_ns
        self.prefix = prefix
        self.number = number
        self.seq = 0
        self.hash = ""
        self.written = False

    @property
    def id(self) -> str:
        return f"{self.prefix}-{self.number}"


class AuditLog:
    """An append-only, hash-chained audit log in a folder; see the module docstring.

    ``secret`` (bytes, at least 16) keys the hashes of query values;
    ``signing_key`` (Ed25519 private key: key object, raw bytes, PEM or a path;
    needs ``hotlist[signing]``) signs checkpoints and receipts.  Attach it with
    ``hotlist.load(..., audit=log)`` or ``hotlist.open(..., audit=log)`` and check
    through ``hl.session(...)``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        secret: bytes | str,
        *,
        signing_key: KeyArg | None = None,
        sync: str = "group",
        group_window: float = 0.05,
        group_max: int = 4096,
        checkpoint_every: int = 100_000,
        checkpoint_seconds: float = 300.0,
        segment_bytes: int = 256 * 2**20,
        segment_seconds: float = 86_400.0,
    ) -> None:
        if sync not in SYNC_MODES:
            raise AuditError(f"sync must be one of {', '.join(SYNC_MODES)}, not {sync!r}")
        if not group_window > 0:
            raise AuditError("group_window must be a positive number of seconds")
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._hasher = KeyedHasher(secret)
        except ValueError as exc:
            raise AuditError(str(exc)) from None
        self._key: Ed25519PrivateKey | None = None
        self.key_id: str | None = None
        if signing_key is not None:
            self._key = load_private_key(signing_key)
            self.key_id = key_id(self._key.public_key())
        self.sync = sync
        self.group_window = float(group_window)
        self.group_max = int(group_max)
        self.checkpoint_every = int(checkpoint_every)
        self.checkpoint_seconds = float(checkpoint_seconds)
        self.segment_bytes = int(segment_bytes)
        self.segment_seconds = float(segment_seconds)
        self._queue: deque[Pending] = deque()
        self._write_lock = threading.RLock()
        self._failure: BaseException | None = None
        self._closed = False
        self._ids = uuid.uuid4().hex[:12]
        self._numbers = itertools.count(1)
        self._lock_fd = take_lock(self.path)
        self._fd = -1
        self._recover_and_open()
        self._enqueue("open", {"pid": os.getpid(), "sync": sync, "window": self.group_window})
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        if sync == "group":
            self._thread = threading.Thread(
                target=self._run, name=f"hotlist-audit-{self.path.name}", daemon=True
            )
            self._thread.start()
        else:
            self.flush()
        # An interpreter that exits normally writes what is queued and a final checkpoint.
        atexit.register(self.close)

    # -- public ---------------------------------------------------------------------
    def keyed_hash(self, field: str, value: object) -> str:
        """The keyed hash under which ``field=value`` is logged (``hotlist audit search``)."""
        return self._hasher(field, value)

    @property
    def hasher(self) -> KeyedHasher:
        return self._hasher

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        """The Ed25519 public key that verifies checkpoints and receipts (None if unsigned)."""
        return None if self._key is None else self._key.public_key()

    def public_key_pem(self) -> bytes | None:
        if self._key is None:
            return None
        from cryptography.hazmat.primitives import (  # noqa: PLC0415 - lazy optional import (cryptography)
            serialization,
        )

        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, message: bytes) -> str | None:
        """Base64 Ed25519 signature of ``message`` (None without a signing key)."""
        if self._key is None:
            return None
        return base64.b64encode(self._key.sign(message)).decode()

    def flush(self) -> None:
        """Write every queued entry and ``fsync`` it."""
        self._drain()

    def checkpoint(self) -> None:
        """Write a (signed) checkpoint of the chain head now."""
        with self._write_lock:
            self._drain()
            self._write_checkpoint()

    def rotate(self) -> None:
        """Close the current segment with a checkpoint; the next entry starts a new one."""
        with self._write_lock:
            self._drain()
            self._rotate()

    def purge(self, older_than: dt.timedelta | float) -> list[str]:
        """Remove closed segments whose last entry is older than ``older_than``
        (a timedelta or seconds), keeping their checkpoints; returns the names
        removed.  A ``purge`` entry records what was removed."""
        seconds = older_than.total_seconds() if isinstance(older_than, dt.timedelta) else older_than
        cutoff = time.time() - float(seconds)
        removed: list[str] = []
        with self._write_lock:
            self._drain()
            checkpoints = checkpoint_seqs(self.path / CHECKPOINTS)
            through = 0
            for number, path in segments(self.path):
                if number >= self._segment:
                    break
                if path.stat().st_mtime >= cutoff:
                    break
                last = last_line(path)
                parsed = parse_prefix(last) if last else None
                if parsed is None or parsed[0] not in checkpoints:
                    break  # not closed by a checkpoint: keep it, and everything after
                path.unlink()
                removed.append(path.name)
                through = parsed[0]
            if removed:
                fsync_dir(self.path)
                self._enqueue("purge", {"through_seq": through, "segments": removed})
                self._drain()
                log.info(
                    "audit log %s: purged %d segment(s) through entry %d",
                    self.path,
                    len(removed),
                    through,
                )
        return removed

    def close(self) -> None:
        """Write everything, close the segment with a checkpoint, stop the writer."""
        if self._closed:
            return
        atexit.unregister(self.close)
        if self._thread is not None:
            self._stop = True
            self._wake.set()
            self._thread.join()
        with self._write_lock:
            self._drain()
            self._write_checkpoint()
            self._closed = True
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
            os.close(self._lock_fd)

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<AuditLog {str(self.path)!r} sync={self.sync!r} next_seq={self._seq + 1}>"

    # -- recording (called by sessions) ------------------------------------------------
    def record(self, kind: str, data: EntryData, *, t_ns: int | None = None) -> Pending:
        """Queue one entry (a ``check``, ``batch`` or ``decision``); returns its handle."""
        if self._failure is not None:
            raise AuditError(
                f"the audit log {self.path} cannot be written ({self._failure}); "
                "checks through a session are refused until it can"
            )
        if self._closed:
            raise AuditError(f"the audit log {self.path} is closed")
        item = Pending(
            kind, data, time.time_ns() if t_ns is None else t_ns, self._ids, next(self._numbers)
        )
        self._queue.append(item)
        if self.sync == "entry":
            self._drain(until=item)
        elif len(self._queue) >= self.group_max:
            # back-pressure: a caller that finds group_max entries waiting writes a few
            # (a bounded share, so no single check pays for the whole backlog)
            with self._write_lock:
                if self._fd >= 0 and self._queue:
                    self._write_some(min(len(self._queue), _CALLER_SHARE))
        return item

    def written(self, item: Pending) -> Pending:
        """``item`` once it is in the file (flushing if it is still queued)."""
        if not item.written:
            self._drain(until=item)
        return item

    # -- internals ---------------------------------------------------------------------
    _stop = False
    _unsynced = False  # written since the last fsync

    def _enqueue(self, kind: str, data: dict[str, object]) -> Pending:
        item = Pending(kind, data, time.time_ns(), self._ids, next(self._numbers))
        self._queue.append(item)
        return item

    def _recover_and_open(self) -> None:
        """Find the chain head; set a partial last line aside; repair the checkpoint copy."""
        cps = self.path / CHECKPOINTS
        if cps.exists():
            data = cps.read_bytes()
            cut = data.rfind(b"\n") + 1
            if cut < len(data):  # a crash while copying a checkpoint: its segment line decides
                truncate_synced(cps, cut)
        found = segments(self.path)
        # an empty last segment (a crash right after it was created) is not a segment
        while found and found[-1][1].stat().st_size == 0:
            found[-1][1].unlink()
            found.pop()
        self._seq = 0
        self._prev = GENESIS
        self._segment = found[-1][0] if found else 1
        self._recovered: tuple[str, int] | None = None
        head = b""
        if found:
            path = found[-1][1]
            data = path.read_bytes()
            cut = data.rfind(b"\n") + 1
            if cut < len(data):
                aside = path.with_name(f"{path.name}.partial-{time.time_ns()}")
                aside.write_bytes(data[cut:])
                truncate_synced(path, cut)
                self._recovered = (path.name, len(data) - cut)
                log.warning(
                    "audit log %s: a partial last entry (%d bytes) was set aside as %s",
                    self.path,
                    len(data) - cut,
                    aside.name,
                )
                data = data[:cut]
            lines = data.rstrip(b"\n").rsplit(b"\n", 1)
            head = lines[-1] if data else b""
            if not head and len(found) > 1:
                head = last_line(found[-2][1])
        if not head and cps.exists():
            head = last_line(cps)
        if head:
            parsed = parse_prefix(head)
            if parsed is None:
                raise AuditError(
                    f"the audit log {self.path} ends with an unreadable entry; "
                    "run hotlist audit verify on it"
                )
            self._seq = parsed[0]
            self._prev = entry_hash(head)
            if b'"kind":"checkpoint"' in head:
                self._repair_checkpoint_copy(head, parsed[0])
            self._restore_lost_checkpoint(found[-1][1] if found else None)
        path = self.path / segment_name(self._segment)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._segment_bytes = os.fstat(self._fd).st_size
        self._segment_started = time.time()
        self._since_checkpoint = 0
        self._last_checkpoint = time.time()
        if self._recovered is not None:
            name, size = self._recovered
            self._enqueue("recovered", {"segment": name, "dropped_bytes": size})

    def _restore_lost_checkpoint(self, segment: Path | None) -> None:
        """A checkpoint whose copy is in checkpoints.log but whose segment line was
        cut (a damaged tail): it links to the head and is signed, so write it back."""
        cps = self.path / CHECKPOINTS
        if segment is None or not cps.exists():
            return
        line = last_line(cps)
        parsed = parse_prefix(line) if line else None
        if parsed is None or parsed[0] != self._seq + 1 or parsed[1] != self._prev:
            return
        append_synced(segment, line + b"\n")
        self._seq, self._prev = parsed[0], entry_hash(line)
        log.warning(
            "audit log %s: checkpoint %d restored from %s", self.path, parsed[0], CHECKPOINTS
        )

    def _repair_checkpoint_copy(self, line: bytes, seq: int) -> None:
        """A crash between writing a checkpoint to its segment and to checkpoints.log."""
        if seq in checkpoint_seqs(self.path / CHECKPOINTS):
            return
        append_synced(self.path / CHECKPOINTS, line + b"\n")

    def _run(self) -> None:
        while not self._stop:
            self._wake.wait(self.group_window)
            self._wake.clear()
            try:
                self._drain()
            except BaseException as exc:
                self._failure = exc
                log.error("audit log %s cannot be written: %s", self.path, exc)
                return

    def _drain(self, until: Pending | None = None) -> None:
        """Write what is queued now (or up to ``until``), ``group_max`` entries a write."""
        with self._write_lock:
            queue = self._queue
            if until is None and queue:
                until = queue[-1]
            while queue and self._fd >= 0 and (until is None or not until.written):
                self._write_some(min(len(queue), self.group_max))

    def _write_some(self, n: int) -> None:
        """Format, write and fsync the next ``n`` queued entries (bounded, so a producer
        faster than the writer cannot keep entries from reaching the disk)."""
        chunks: list[bytes] = []
        done: list[Pending] = []
        queue = self._queue
        for _ in range(n):
            item = queue.popleft()
            self._format(item, chunks)
            done.append(item)
        self._write(chunks)
        for item in done:
            item.written = True
        if (
            self._since_checkpoint >= self.checkpoint_every
            or time.time() - self._last_checkpoint >= self.checkpoint_seconds
        ):
            self._write_checkpoint()
        if (
            self._segment_bytes >= self.segment_bytes
            or time.time() - self._segment_started >= self.segment_seconds
        ):
            self._rotate()

    def _write(self, chunks: list[bytes]) -> None:
        """Write ``chunks`` and ``fsync`` (also what :meth:`_write_unsynced` wrote)."""
        if chunks:
            self._write_unsynced(chunks)
        if self._unsynced:
            os.fsync(self._fd)
            self._unsynced = False

    def _write_unsynced(self, chunks: list[bytes]) -> None:
        data = b"".join(chunks)
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        self._segment_bytes += len(data)
        self._unsynced = True

    def _append(self, chunks: list[bytes], body: dict[str, object]) -> tuple[int, str]:
        self._seq += 1
        line = canonical_line(self._seq, self._prev, body)
        self._prev = entry_hash(line)
        chunks.append(line + b"\n")
        self._since_checkpoint += 1
        return self._seq, self._prev

    def _format(self, item: Pending, chunks: list[bytes]) -> None:
        t = utc_text(item.t_ns)
        data = item.data
        if isinstance(data, tuple):  # a check
            self._seq += 1
            line = check_line(self._hasher, data, t, item.id, self._seq, self._prev).encode()
            self._prev = entry_hash(line)
            chunks.append(line + b"\n")
            self._since_checkpoint += 1
            item.seq, item.hash = self._seq, self._prev
        elif isinstance(data, BatchData):  # the rows of a check_many
            first = self._seq + 1
            blocks = batch_blocks(self._hasher, data, t, item.id, self._seq, self._prev)
            for lines, seq, prev in blocks:
                # written block by block while in the CPU's cache (fsync-ed with the rest)
                chunks.append(lines)
                self._write_unsynced(chunks)
                chunks.clear()
                self._seq, self._prev = seq, prev
            self._since_checkpoint += data.rows
            item.seq, item.hash = first, self._prev
        else:
            item.seq, item.hash = self._append(
                chunks, {"kind": item.kind, "t": t, "id": item.id, **data}
            )

    def _write_checkpoint(self) -> None:
        if self._fd < 0:
            return
        body: dict[str, object] = {
            "kind": "checkpoint",
            "t": utc_text(time.time_ns()),
            "segment": segment_name(self._segment),
            "key": self.key_id,
        }
        seq = self._seq + 1
        unsigned = canonical_line(seq, self._prev, body)
        body["sig"] = self.sign(sign_message(unsigned))
        chunks: list[bytes] = []
        self._append(chunks, body)
        self._write(chunks)
        append_synced(self.path / CHECKPOINTS, chunks[0])
        self._since_checkpoint = 0
        self._last_checkpoint = time.time()

    def _rotate(self) -> None:
        if self._segment_bytes == 0:
            return
        self._write_checkpoint()
        os.close(self._fd)
        self._segment += 1
        path = self.path / segment_name(self._segment)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fsync_dir(self.path)
        self._segment_bytes = 0
        self._segment_started = time.time()
