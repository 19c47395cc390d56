"""The data a service answers from, and how it is refreshed while serving.

:class:`DataHolder` keeps one :class:`hotlist.Hotlist` per data version.  A
reload opens the new version off to the side (``hotlist.open`` for a snapshot,
``hotlist.load`` for extracts) while requests keep answering from the current
one, then swaps it in with one assignment.  A request takes the current
Hotlist once, at its start, and answers from it alone: a check-many streamed
in chunks never mixes two versions, and a reload never fails a request.  A
failed reload (unreadable files, a bad signature...) keeps the old version,
and is reported by :attr:`last` (``/readyz``, ``/v1/status``, metrics).

Reloads come from ``SIGHUP``, ``POST /v1/reload`` or a watched folder: with
``watch``, the newest snapshot in that folder (the greatest manifest
``data_time``, then name) is served, and polled for every few seconds.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import hotlist
from hotlist._errors import IntegrityError
from hotlist._signing import KeyArg
from hotlist._snapshot import MANIFEST, is_snapshot
from hotlist.audit import AuditLog
from hotlist.engine import Hotlist

__all__ = ["DataHolder", "ReloadOutcome", "newest_snapshot", "settle_heap"]

log = logging.getLogger("hotlist.serve")


@dataclass(frozen=True)
class ReloadOutcome:
    """What the last load or reload did."""

    ok: bool
    at: str
    source: str
    reason: str
    data_version: str | None = None
    error: str | None = None
    integrity: bool = False  # the failure was a checksum or signature
    seconds: float = 0.0


def settle_heap() -> None:
    """Move the loaded data's Python objects out of the collector's way.

    A loaded Hotlist holds millions of long-lived objects (name caches, key
    tables); every full collection walks them all, which at 1 M persons stalled
    a check now and then by 30-80 ms (about 9 in 1,700 checks).  After a swap,
    the previous version's garbage is collected once (``unfreeze`` first, so a
    version frozen by the last swap can go), then the heap is frozen: later
    collections skip it.  The service owns its process, so it may do this; an
    application embedding hotlist can make the same three calls after a load.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def newest_snapshot(folder: Path) -> Path | None:
    """The snapshot in ``folder`` with the latest data time (then the greatest name)."""
    best: tuple[str, str] | None = None
    found: Path | None = None
    try:
        entries = list(folder.iterdir())
    except OSError:
        return None
    for sub in entries:
        if sub.name.startswith(".") or not (sub / MANIFEST).is_file():
            continue
        try:
            manifest = json.loads((sub / MANIFEST).read_text(encoding="utf-8"))
            when = str(manifest.get("data_time", ""))
        except (OSError, ValueError):
            when = ""
        key = (when, sub.name)
        if best is None or key > best:
            best, found = key, sub
    return found


def _stamp(path: Path) -> tuple[str, int, int]:
    """What identifies a snapshot on disk: its path and the change times of its
    manifest and the manifest's signature (signing a refused snapshot retries it)."""
    times = []
    for name in (MANIFEST, MANIFEST + ".sig"):
        try:
            times.append((path / name).stat().st_mtime_ns)
        except OSError:
            times.append(0)
    return str(path), times[0], times[1]


class DataHolder:
    """The Hotlist being served; reloads swap it atomically."""

    def __init__(
        self,
        source: str | Path | None,
        *,
        watch: str | Path | None = None,
        audit: AuditLog | None = None,
        max_age: float | None = None,
        public_key: KeyArg | None = None,
    ) -> None:
        if source is None and watch is None:
            raise ValueError("give a data folder or a folder to watch")
        self.source = Path(source) if source is not None else None
        self.watch = Path(watch) if watch is not None else None
        self.audit = audit
        self.max_age = max_age
        self.public_key = public_key
        self.hl: Hotlist | None = None  # read once per request; replaced by one assignment
        self.generation = 0  # bumped at every swap
        self.last: ReloadOutcome | None = None
        self.served_from: Path | None = None
        self._lock = threading.Lock()  # one reload at a time
        self._failed_stamp: tuple[str, int, int] | None = None
        self._loaded_stamp: tuple[str, int, int] | None = None
        self.listeners: list[
            Callable[[Hotlist], None]
        ] = []  # called with the new Hotlist after each swap

    # -- what to load --------------------------------------------------------------
    def target(self) -> Path | None:
        """The folder a reload would open now."""
        if self.watch is not None:
            newest = newest_snapshot(self.watch)
            if newest is not None:
                return newest
        return self.source

    def _open(self, path: Path) -> Hotlist:
        if is_snapshot(path):
            return hotlist.open(
                path,
                verify=self.public_key is not None,
                public_key=self.public_key,
                max_age=self.max_age,
                audit=self.audit,
            )
        return hotlist.load(
            path, public_key=self.public_key, max_age=self.max_age, progress=False, audit=self.audit
        )

    # -- reload --------------------------------------------------------------------
    def reload(self, reason: str = "request") -> ReloadOutcome:
        """Open the target and swap it in; on any failure keep serving what is served."""
        with self._lock:
            started = time.perf_counter()
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            path = self.target()
            if path is None:
                outcome = ReloadOutcome(
                    ok=False, at=now, source="", reason=reason, error="no snapshot to load yet"
                )
                self.last = outcome
                return outcome
            stamp = _stamp(path)
            try:
                new = self._open(path)
            except Exception as exc:  # any failure keeps the old version serving
                self._failed_stamp = stamp
                error: str | None = f"{type(exc).__name__}: {exc}"
                integrity = isinstance(exc, IntegrityError)
                log.error("reload from %s failed (%s); still serving %s", path, exc, self.version)
            else:
                self.hl = new
                self.generation += 1
                self.served_from = path
                self._loaded_stamp = stamp
                self._failed_stamp = None
                error, integrity = None, False
                log.info("serving data version %s from %s (%s)", new.data_version, path, reason)
            outcome = ReloadOutcome(
                ok=error is None,
                at=now,
                source=str(path),
                reason=reason,
                data_version=None if error else self.version,
                error=error,
                integrity=integrity,
                seconds=round(time.perf_counter() - started, 3),
            )
            if error is None and self.hl is not None:
                for listener in self.listeners:
                    listener(self.hl)
                settle_heap()
            self.last = outcome
            return outcome

    def poll(self) -> ReloadOutcome | None:
        """Reload when the watched folder's newest snapshot changed (and did not fail before)."""
        if self.watch is None:
            return None
        newest = newest_snapshot(self.watch)
        if newest is None:
            return None
        stamp = _stamp(newest)
        if stamp in (self._loaded_stamp, self._failed_stamp):
            return None
        return self.reload("new snapshot in the watched folder")

    @property
    def version(self) -> str | None:
        hl = self.hl
        return None if hl is None else hl.data_version

    # -- readiness -----------------------------------------------------------------
    def not_ready(self) -> list[str]:
        """Why the service should not take traffic (empty: ready)."""
        reasons = []
        hl = self.hl
        if hl is None:
            reasons.append("no data loaded")
        else:
            max_age = hl.max_age
            if max_age is not None and hl.data_age > max_age:
                reasons.append(
                    f"data version {hl.data_version} is older than max_age "
                    f"({int(hl.data_age.total_seconds())} s > {int(max_age.total_seconds())} s)"
                )
        last = self.last
        if last is not None and not last.ok and last.integrity:
            reasons.append(f"the newest data failed its integrity check: {last.error}")
        return reasons
