"""The load report: what was read, what was loaded, and why every other row was not."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from hotlist._errors import RowProblem
from hotlist._html import html_table

__all__ = ["DatasetReport", "LoadReport"]


def _kind(reason: str) -> str:
    return reason.split(":", 1)[0].split(" (", 1)[0]


class DatasetReport(BaseModel):
    """One dataset: the files it came from, counts, one problem per rejected row
    (``problems``) and the problems of rows loaded all the same (``warnings``).

    A row is rejected only when it cannot be searched; ``loaded_with_problems``
    counts the loaded rows that have at least one warning.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    dataset: str
    files: list[str] = Field(default_factory=list)
    read: int = 0
    loaded: int = 0
    loaded_with_problems: int = 0
    problems: list[RowProblem] = Field(default_factory=list)
    warnings: list[RowProblem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejected(self) -> int:
        """Rows read but not loaded (each has exactly one entry in ``problems``)."""
        return self.read - self.loaded


_COUNTS = ("read", "loaded", "loaded_with_problems", "rejected")


def _counts(report: DatasetReport | LoadReport) -> dict[str, int]:
    """The row counts of a dataset's report or of the whole load, by name."""
    return {name: int(getattr(report, name)) for name in _COUNTS}


class LoadReport(BaseModel):
    """Every dataset of one load; ``read == loaded + rejected`` per dataset and in total,
    and ``loaded_with_problems`` of the loaded rows have warnings.

    >>> r = LoadReport(datasets={"documents": DatasetReport(dataset="documents", read=3, loaded=3)})
    >>> r.summary()["total"]
    {'read': 3, 'loaded': 3, 'loaded_with_problems': 0, 'rejected': 0}
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    datasets: dict[str, DatasetReport] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def read(self) -> int:
        return sum(d.read for d in self.datasets.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def loaded(self) -> int:
        return sum(d.loaded for d in self.datasets.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def loaded_with_problems(self) -> int:
        return sum(d.loaded_with_problems for d in self.datasets.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejected(self) -> int:
        return sum(d.rejected for d in self.datasets.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def files(self) -> list[str]:
        return [f for d in self.datasets.values() for f in d.files]

    @property
    def problems(self) -> list[RowProblem]:
        """Every rejected row of every dataset, dataset by dataset, in row order."""
        return [p for d in self.datasets.values() for p in d.problems]

    @property
    def warnings(self) -> list[RowProblem]:
        """The problems of loaded rows (a value left out), dataset by dataset, row order."""
        return [w for d in self.datasets.values() for w in d.warnings]

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def summary(self) -> dict[str, Any]:
        """Counts per dataset and in total, problems counted by kind, and the notes."""
        per = {
            name: {
                "files": list(d.files),
                **_counts(d),
                "problems_by_kind": dict(Counter(_kind(p.reason) for p in d.problems)),
                "warnings_by_kind": dict(Counter(_kind(w.reason) for w in d.warnings)),
            }
            for name, d in self.datasets.items()
        }
        return {
            "datasets": per,
            "total": _counts(self),
            "notes": [*self.notes, *(n for d in self.datasets.values() for n in d.notes)],
        }

    def to_text(self, *, limit: int = 20) -> str:
        """A few lines a person reads: counts per dataset, then the first problems
        (rows rejected) and the first warnings (rows loaded with problems)."""
        head = f"{'read':>10} {'loaded':>10} {'w/problems':>10} {'rejected':>10}"
        lines = [f"{'dataset':<10} {head}  files"]
        for name, d in self.datasets.items():
            files = ", ".join(d.files) or "-"
            lines.append(
                f"{name:<10} {d.read:>10,} {d.loaded:>10,} {d.loaded_with_problems:>10,}"
                f" {d.rejected:>10,}  {files}"
            )
        lines.append(
            f"{'total':<10} {self.read:>10,} {self.loaded:>10,} {self.loaded_with_problems:>10,}"
            f" {self.rejected:>10,}"
        )
        notes = [
            *self.notes,
            *(f"{d.dataset}: {n}" for d in self.datasets.values() for n in d.notes),
        ]
        if notes:
            lines += ["", "notes:", *(f"  - {n}" for n in notes)]
        problems = self.problems
        if problems:
            lines += [
                "",
                f"rejected ({len(problems):,}, not searchable):",
                *(f"  - {p}" for p in problems[:limit]),
            ]
            if len(problems) > limit:
                lines.append(f"  ... and {len(problems) - limit:,} more")
        warnings = self.warnings
        if warnings:
            lines += [
                "",
                f"loaded with problems ({self.loaded_with_problems:,} rows):",
                *(f"  - {w}" for w in warnings[:limit]),
            ]
            if len(warnings) > limit:
                lines.append(f"  ... and {len(warnings) - limit:,} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """The report as a notebook shows it: counts per dataset, then the first
        rejected rows and the first rows loaded with problems."""
        limit = 20
        rows: list[tuple[Any, ...]] = [
            (name, d.read, d.loaded, d.loaded_with_problems, d.rejected, ", ".join(d.files) or "-")
            for name, d in self.datasets.items()
        ]
        rows.append(("total", self.read, self.loaded, self.loaded_with_problems, self.rejected, ""))
        headers = ("dataset", "read", "loaded", "with problems", "rejected", "files")
        parts = [html_table(headers, rows, caption="Load report")]
        notes = [
            *self.notes,
            *(f"{d.dataset}: {n}" for d in self.datasets.values() for n in d.notes),
        ]
        if notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
            parts.append(f"<p><b>Notes</b></p><ul>{items}</ul>")
        for title, found, count in (
            ("Rejected (not searchable)", self.problems, self.rejected),
            ("Loaded with problems", self.warnings, self.loaded_with_problems),
        ):
            if not found:
                continue
            more = f" (first {limit} of {len(found):,})" if len(found) > limit else ""
            parts.append(
                html_table(
                    ("file", "row", "column", "reason"),
                    [(p.file, p.row, p.column or "", p.reason) for p in found[:limit]],
                    caption=f"{title}: {count:,} rows{more}",
                )
            )
        return "".join(parts)
