"""How old the data served is allowed to get, and what a result says when it is
older (or when a reload went back to older data): the lifecycle rules behind
``max_age`` / ``stale`` of :func:`hotlist.load` and ``rollback`` of
:meth:`Hotlist.reload`."""

from __future__ import annotations

import datetime as dt

from hotlist._errors import InvalidQuery, StaleDataError, VersionMismatchError
from hotlist._snapshot import check_rollback
from hotlist._state import State

__all__ = [
    "ROLLBACK_MODES",
    "STALE_MODES",
    "duration",
    "max_age_seconds",
    "rollback_note",
    "stale_text",
    "valid_mode",
]

STALE_MODES = ("warn", "refuse")
ROLLBACK_MODES = ("warn", "refuse", "allow")


def valid_mode(name: str, value: str, modes: tuple[str, ...]) -> str:
    """``value`` when it is one of ``modes``; InvalidQuery naming ``name`` otherwise."""
    if value not in modes:
        raise InvalidQuery(f"{name} must be one of {', '.join(modes)}, not {value!r}")
    return value


def max_age_seconds(max_age: dt.timedelta | float | None) -> float | None:
    """``max_age`` (a timedelta or seconds) in seconds; None stays None."""
    if max_age is None:
        return None
    seconds = max_age.total_seconds() if isinstance(max_age, dt.timedelta) else max_age
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise InvalidQuery(f"max_age must be a positive timedelta or seconds, not {max_age!r}")
    return float(seconds)


def duration(seconds: float) -> str:
    """A rough human duration: "3 days", "5 hours", "12 minutes", "40 seconds".

    >>> duration(3 * 86400 + 50), duration(7200), duration(59)
    ('3 days', '2 hours', '59 seconds')
    """
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size, 1)
            n_text = f"{n:g}"
            return f"{n_text} {unit}{'' if n == 1 else 's'}"
    return f"{round(seconds)} seconds"


def stale_text(state: State, age: dt.timedelta, max_age: float | None, mode: str) -> str:
    """The warning a result of stale ``state`` carries; raises StaleDataError in
    ``"refuse"`` mode."""
    text = (
        f"hotlist data is {duration(age.total_seconds())} old "
        f"(max_age {duration(max_age or 0.0)}); "
        f"data version {state.data_version} as of {state.data_time:%Y-%m-%d %H:%M} UTC"
    )
    if mode == "refuse":
        raise StaleDataError(f"{text}; refusing to answer until the data is refreshed")
    return text + "; a hit may be missing or withdrawn: refresh the list"


def rollback_note(current: State, new: State, *, what: str, mode: str) -> str | None:
    """What every result says while ``new`` (older data than ``current``) is served;
    None when it is not a rollback or ``mode`` is ``"allow"``; raises
    VersionMismatchError in ``"refuse"`` mode."""
    valid_mode("rollback", mode, ROLLBACK_MODES)
    if mode == "allow":
        return None
    try:
        check_rollback(
            current.data_version,
            current.data_time,
            current.lineage,
            new.data_version,
            new.data_time,
            what=what,
            new_lineage=new.lineage,
        )
    except VersionMismatchError as exc:
        if mode == "refuse":
            raise
        return str(exc).replace(
            "; pass allow_rollback=True to go back on purpose",
            "; older data is served: a hit listed since may be missing",
        )
    return None
