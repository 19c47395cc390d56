"""``Hotlist.stats()``: a small typed object that still reads like the dict it was."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hotlist import datasets
from hotlist._html import html_table, number
from hotlist._state import State

__all__ = ["Stats", "stats_of"]


class Stats(dict[str, Any]):
    """Counts, data version and age, load summary and bytes held by one :class:`Hotlist`.

    Typed attributes for the everyday figures (``stats.documents``,
    ``stats.data_version``, ``stats.stale``, ``stats.total_bytes``); ``stats["..."]``
    and ``json.dumps(stats)`` work as on the plain dict it used to be, and
    ``to_dict()`` gives that dict.  Shows as a table in a notebook and in rich.

    >>> s = Stats({"documents": 3, "vehicles": 0, "persons": 1, "data_version": "v1"})
    >>> s.documents, s["persons"], s.records
    (3, 1, 4)
    """

    @property
    def documents(self) -> int:
        return int(self.get("documents", 0))

    @property
    def vehicles(self) -> int:
        return int(self.get("vehicles", 0))

    @property
    def persons(self) -> int:
        return int(self.get("persons", 0))

    @property
    def records(self) -> int:
        """Records held, of every dataset kind (documents, vehicles, persons...)."""
        return sum(int(self.get(name, 0)) for name in datasets.names())

    @property
    def data_version(self) -> str | None:
        value = self.get("data_version")
        return None if value is None else str(value)

    @property
    def data_time(self) -> str | None:
        value = self.get("data_time")
        return None if value is None else str(value)

    @property
    def data_age_seconds(self) -> float | None:
        value = self.get("data_age_seconds")
        return None if value is None else float(value)

    @property
    def stale(self) -> bool:
        return bool(self.get("stale", False))

    @property
    def total_bytes(self) -> int:
        """Data and index bytes held in memory (or mapped)."""
        return int(self.get("bytes", {}).get("total", 0))

    def to_dict(self) -> dict[str, Any]:
        """A plain (deep) copy, for JSON and for callers that want a dict."""
        return copy.deepcopy(dict(self))

    def rows(self) -> list[tuple[str, str]]:
        """(what, value) pairs a person reads, in the order shown."""
        out: list[tuple[str, str]] = []
        for name in datasets.names():
            if name in self:
                per = (self.get("bytes_per_record") or {}).get(name)
                extra = f"  ({per:,.0f} B/record)" if per else ""
                out.append((name, f"{number(self[name])}{extra}"))
        for key, label in (
            ("data_version", "data version"),
            ("data_time", "data time"),
            ("data_time_source", "data time from"),
        ):
            if self.get(key) is not None:
                out.append((label, str(self[key])))
        if self.data_age_seconds is not None:
            age = _age(self.data_age_seconds)
            limit = self.get("max_age_seconds")
            if limit is not None:
                age += f" (max {_age(float(limit))}{', STALE' if self.stale else ''})"
            out.append(("data age", age))
        if self.get("rollback"):
            out.append(("rollback", str(self["rollback"])))
        if self.get("applied_deltas"):
            out.append(("deltas applied", number(self["applied_deltas"])))
        if self.get("index_build_seconds") is not None:
            out.append(("index build", f"{self['index_build_seconds']:.2f} s"))
        total = (self.get("report") or {}).get("total")
        if total:
            out.append(
                (
                    "load report",
                    f"{number(total.get('read'))} read, {number(total.get('loaded'))} loaded, "
                    f"{number(total.get('rejected'))} rejected, "
                    f"{number(total.get('loaded_with_problems'))} with problems",
                )
            )
        if "bytes" in self:
            out.append(("memory", _bytes(self.total_bytes)))
        sources = self.get("sources") or []
        if sources:
            out.append(("sources", ", ".join(map(str, sources))))
        return out

    def _repr_html_(self) -> str:
        return html_table(("hotlist", ""), self.rows(), numeric=(False, False))

    def __rich__(self) -> Any:
        from rich.table import Table  # noqa: PLC0415 - lazy optional import (rich)

        table = Table(title="hotlist stats", show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column()
        for what, value in self.rows():
            table.add_row(what, value)
        return table

    def __repr__(self) -> str:
        return (
            f"Stats(documents={self.documents:,}, vehicles={self.vehicles:,}, "
            f"persons={self.persons:,}, data_version={self.data_version!r}, stale={self.stale})"
        )


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def stats_of(state: State, *, max_age: float | None, stale_mode: str) -> Stats:
    """The :class:`Stats` of one data version, served with ``max_age`` (seconds)."""
    now = dt.datetime.now(dt.UTC)
    indexes = state.nbytes()
    data = {n: int(t.nbytes) for n, t in state.tables.items()}
    per_record = {
        n: round((data[n] + indexes.get(n, 0)) / t.num_rows, 1) if t.num_rows else None
        for n, t in state.tables.items()
    }
    age = (now - state.data_time).total_seconds()
    return Stats(
        {
            **{n: t.num_rows for n, t in state.tables.items()},
            "data_version": state.data_version,
            "data_time": state.data_time.isoformat(),
            "data_time_source": state.data_time_source,
            "data_age_seconds": round(age, 1),
            "max_age_seconds": max_age,
            "stale": max_age is not None and age > max_age,
            "rollback": state.rollback_note,
            "stale_mode": stale_mode,
            "applied_deltas": len(state.applied_deltas),
            "loaded_at": state.loaded_at.isoformat(),
            "index_build_seconds": round(state.build_seconds, 3),
            "report": state.report.summary(),
            "bytes": {
                "data": data,
                "indexes": indexes,
                "total": sum(data.values()) + sum(indexes.values()),
            },
            "bytes_per_record": per_record,
            "sources": list(state.sources),
        }
    )
