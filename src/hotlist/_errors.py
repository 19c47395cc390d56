"""The errors hotlist raises, under one root.

::

    ValueError
     └── HotlistError            anything hotlist refuses, with a message a person can act on
          ├── InvalidQuery       a check() / parse / validate input that cannot be used
          ├── ExtractError       an extract file that cannot be read, or (strict) has bad rows
          ├── IntegrityError     a snapshot or extract that fails its checksum or signature
          ├── VersionMismatchError  a delta made for another data version than the one loaded
          └── StaleDataError     check() refused: the data is older than max_age (stale="refuse")

``HotlistError`` subclasses ``ValueError`` so that callers who already catch
``ValueError`` around input handling keep working.  Each class carries a default
message, so ``raise InvalidQuery()`` still says something useful.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hotlist._oplog import integrity_failure

__all__ = [
    "ExtractError",
    "HotlistError",
    "IntegrityError",
    "InvalidQuery",
    "RowProblem",
    "StaleDataError",
    "VersionMismatchError",
]


class HotlistError(ValueError):
    """Root of every error hotlist raises on purpose."""

    default_message = "hotlist could not do what was asked"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class InvalidQuery(HotlistError):  # noqa: N818 - the public name is fixed by the API contract
    """A query value that cannot be used as given (empty, malformed, unknown code...)."""

    default_message = "the query cannot be used as given"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One rejected (or, with ``column`` only, questionable) row of an extract.

    ``row`` is 1-based and counts data rows, not the header line.
    """

    file: str
    row: int
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {self.value[:60]!r})"
        return f"{where}: {self.reason}{shown}"


class ExtractError(HotlistError):
    """An extract file that cannot be read at all, or a strict load that met bad rows."""

    default_message = "the extract cannot be loaded"

    def __init__(
        self,
        message: str | None = None,
        *,
        file: str | None = None,
        problems: Sequence[RowProblem] = (),
    ) -> None:
        self.file = file
        self.problems = list(problems)
        text = message or self.default_message
        if file and file not in text:
            text = f"{file}: {text}"
        if self.problems:
            shown = "\n".join(f"  - {p}" for p in self.problems[:10])
            more = len(self.problems) - 10
            text += f"\n{shown}" + (f"\n  ... and {more} more" if more > 0 else "")
        super().__init__(text)


class IntegrityError(HotlistError):
    """A snapshot file or a signed extract that does not match what it claims to be."""

    default_message = "integrity check failed"

    def __init__(self, message: str | None = None, *, path: str | None = None) -> None:
        self.path = path
        text = message or self.default_message
        if path and path not in text:
            text = f"{path}: {text}"
        super().__init__(text)
        integrity_failure(text, path)


class VersionMismatchError(HotlistError):
    """A delta that names a base data version other than the one it is applied to."""

    default_message = "the delta was made for another data version"


class StaleDataError(HotlistError):
    """The hotlist data is older than its ``max_age`` and the Hotlist refuses stale answers."""

    default_message = "the hotlist data is older than max_age; refresh it before checking"
