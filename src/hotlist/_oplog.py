"""Operational events on ``logging.getLogger("hotlist")``: loads, swaps, staleness,
integrity failures, rejected rows -- never a query value.

The library configures no handler (the application decides where logs go);
records carry ``extra`` fields (``event``, ``data_version``...) for structured
handlers.  Messages name data versions, counts, files and reasons: nothing a
traveller was checked with.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = ["installed", "integrity_failure", "logger", "stale"]

logger = logging.getLogger("hotlist")
# A library configures no output of its own (the logging HOWTO): without this, an
# application that set up no logging would get warnings on stderr from Python's
# last-resort handler.  Handlers the application adds (or caplog) still see every event.
logger.addHandler(logging.NullHandler())
_lock = threading.Lock()
_stale_seen: dict[str, None] = {}


def installed(previous: State | None, state: State) -> None:
    """A data version was put in service: at load / open, or by a reload or delta."""
    if previous is not None and previous.data_version == state.data_version:
        return
    counts = {name: t.num_rows for name, t in state.tables.items()}
    what = "loaded" if previous is None else "swapped in"
    logger.info(
        "hotlist data version %s %s: %s%s",
        state.data_version,
        what,
        " ".join(f"{name}={n}" for name, n in counts.items()),
        "" if previous is None else f" (replacing {previous.data_version})",
        extra={
            "event": "load" if previous is None else "reload",
            "data_version": state.data_version,
            "counts": counts,
        },
    )
    try:
        datasets = state.report.datasets
    except AttributeError:  # pragma: no cover - a state without a report
        return
    for name, d in datasets.items():
        rejected = getattr(d, "rejected", 0)
        if rejected:
            logger.warning(
                "hotlist %s: %d of %d rows rejected (not searchable); see hl.report",
                name,
                rejected,
                getattr(d, "read", 0),
                extra={"event": "rejected_rows", "dataset": name, "rejected": rejected},
            )


def stale(state: State, text: str) -> None:
    """The data in service is older than ``max_age``: warned once per data version."""
    with _lock:
        if state.data_version in _stale_seen:
            return
        _stale_seen[state.data_version] = None
        while len(_stale_seen) > 1000:
            _stale_seen.pop(next(iter(_stale_seen)))
    logger.warning(text, extra={"event": "stale", "data_version": state.data_version})


def integrity_failure(message: str, path: str | None) -> None:
    """A snapshot file, extract or signature failed its check."""
    logger.error(
        "hotlist integrity failure: %s", message, extra={"event": "integrity", "path": path}
    )


def audit_event(message: str, *args: Any) -> None:
    logger.info(message, *args, extra={"event": "audit"})
