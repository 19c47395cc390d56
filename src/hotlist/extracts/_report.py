"""The load report: what was read, what was loaded, and why every other row was not."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from hotlist._errors import RowProblem

__all__ = ["DatasetReport", "LoadReport"]


def _kind(reason: str) -> str:
    return reason.split(":", 1)[0].split(" (", 1)[0]


class DatasetReport(BaseModel):
    """One dataset: the files it came from, counts, and one problem per rejected row."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    dataset: str
    files: list[str] = Field(default_factory=list)
    read: int = 0
    loaded: int = 0
    problems: list[RowProblem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejected(self) -> int:
        """Rows read but not loaded (each has exactly one entry in ``problems``)."""
        return self.read - self.loaded


class LoadReport(BaseModel):
    """Every dataset of one load; ``read == loaded + rejected`` per dataset and in total.

    >>> r = LoadReport(datasets={"documents": DatasetReport(dataset="documents", read=3, loaded=3)})
    >>> r.summary()["total"]
    {'read': 3, 'loaded': 3, 'rejected': 0}
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
    def ok(self) -> bool:
        return self.rejected == 0

    def summary(self) -> dict[str, Any]:
        """Counts per dataset and in total, problems counted by kind, and the notes."""
        per = {
            name: {
                "files": list(d.files),
                "read": d.read,
                "loaded": d.loaded,
                "rejected": d.rejected,
                "problems_by_kind": dict(Counter(_kind(p.reason) for p in d.problems)),
            }
            for name, d in self.datasets.items()
        }
        return {
            "datasets": per,
            "total": {"read": self.read, "loaded": self.loaded, "rejected": self.rejected},
            "notes": [*self.notes, *(n for d in self.datasets.values() for n in d.notes)],
        }

    def to_text(self, *, limit: int = 20) -> str:
        """A few lines a person reads: counts per dataset, then the first problems."""
        lines = [f"{'dataset':<10} {'read':>10} {'loaded':>10} {'rejected':>10}  files"]
        for name, d in self.datasets.items():
            files = ", ".join(d.files) or "-"
            lines.append(f"{name:<10} {d.read:>10,} {d.loaded:>10,} {d.rejected:>10,}  {files}")
        lines.append(f"{'total':<10} {self.read:>10,} {self.loaded:>10,} {self.rejected:>10,}")
        notes = [
            *self.notes,
            *(f"{d.dataset}: {n}" for d in self.datasets.values() for n in d.notes),
        ]
        if notes:
            lines += ["", "notes:", *(f"  - {n}" for n in notes)]
        problems = self.problems
        if problems:
            lines += ["", f"problems ({len(problems):,}):", *(f"  - {p}" for p in problems[:limit])]
            if len(problems) > limit:
                lines.append(f"  ... and {len(problems) - limit:,} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()
