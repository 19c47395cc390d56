"""read_extract, load_datasets and find_extracts: the entry points of extract loading."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._errors import ExtractError, RowProblem
from hotlist.schema import DATASETS, REQUIRED_COLUMNS, SCHEMAS, Dataset

from . import _convert as cv
from ._canonical import canonicalise
from ._columns import key, resolve
from ._formats import EXTENSIONS, read_raw
from ._report import DatasetReport, LoadReport

__all__ = ["ExtractResult", "empty_table", "find_extracts", "load_datasets", "read_extract"]

PathLike: TypeAlias = str | os.PathLike[str]
Paths: TypeAlias = PathLike | Sequence[PathLike] | None

_TEXT_COLUMNS = {
    ds: {f.name for f in SCHEMAS[ds] if not pa.types.is_list(f.type)} for ds in DATASETS
}


@dataclass(frozen=True)
class ExtractResult:
    """One file read: the loaded rows in the canonical schema and one problem per rejected row.

    ``rows`` holds the 1-based data-row number, in the file, of each loaded row.
    """

    file: str
    dataset: Dataset
    format: str
    table: pa.Table
    read: int
    problems: list[RowProblem]
    rows: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return int(self.table.num_rows)

    @property
    def rejected(self) -> int:
        return self.read - self.loaded


def empty_table(dataset: Dataset) -> pa.Table:
    """A table with no rows in the canonical schema of ``dataset``."""
    return SCHEMAS[dataset].empty_table()


def _dob_lenient() -> Callable[[str], tuple[int | None, int | None, int | None] | None] | None:
    """``hotlist.names.parse_dob_lenient`` when the names package has it (for DOBs in
    shapes the vectorised parser does not know, e.g. ``12 Aug 1974``)."""
    try:
        from hotlist import names
    except ImportError:
        return None
    parse = getattr(names, "parse_dob_lenient", None)
    if parse is None:
        return None

    def lenient(text: str) -> tuple[int | None, int | None, int | None] | None:
        try:
            found = parse(text)
        except ValueError:
            return None
        if found is None:
            return None
        return (
            getattr(found, "year", None),
            getattr(found, "month", None),
            getattr(found, "day", None),
        )

    return lenient


def _check_required(
    dataset: Dataset, sources: Mapping[str, str], names: Sequence[str], file: str
) -> None:
    missing = [c for c in REQUIRED_COLUMNS[dataset] if c not in sources]
    if dataset == "vehicles" and "vin" not in sources and "plate" not in sources:
        missing.append("vin or plate")
    if dataset == "persons" and not ({"name", "family_name", "given_names"} & set(sources)):
        missing.append("name (or family_name and given_names)")
    if missing:
        raise ExtractError(
            f"required column(s) missing: {', '.join(missing)}; the file has "
            f"{', '.join(map(repr, names)) or 'no columns'} (use mapping= to rename columns)",
            file=file,
        )


def read_extract(
    path: PathLike,
    dataset: Dataset,
    *,
    mapping: Mapping[str, str] | None = None,
    delimiter: str | None = None,
) -> ExtractResult:
    """Read one extract file of ``dataset`` into the canonical schema.

    Rows that cannot be used are left out and each is described by one
    :class:`~hotlist.RowProblem`; ``read == loaded + rejected``.  A file that
    cannot be read at all raises :class:`~hotlist.ExtractError`.
    """
    if dataset not in SCHEMAS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")
    p = Path(path)
    file = str(path)
    state: dict[str, Any] = {}

    def select(names: Sequence[str]) -> list[str]:
        resolved = resolve(names, dataset, mapping, file=file)
        _check_required(dataset, resolved.sources, names, file)
        state["resolved"] = resolved
        return list(resolved.sources.values())

    renames = {key(k): v for k, v in (mapping or {}).items()}

    def is_text(name: str) -> bool:
        return renames.get(key(name), key(name)) in _TEXT_COLUMNS[dataset]

    raw = read_raw(p, select, delimiter=delimiter, is_text=is_text)
    resolved = state["resolved"]
    n = raw.table.num_rows
    arrays: dict[str, pa.Array] = {}
    for canonical, source in resolved.sources.items():
        col = raw.table.column(source)
        arrays[canonical] = col.chunk(0) if col.num_chunks == 1 else pa.concat_arrays(col.chunks)
    issues = cv.Issues(n)
    if raw.malformed:
        mask = np.zeros(n, dtype=bool)
        mask[list(raw.malformed)] = True
        issues.add(mask, None, None, "malformed row")
    try:
        table = canonicalise(
            dataset, arrays, n, issues, dob_lenient=_dob_lenient() if dataset == "persons" else None
        )
    except TypeError as e:
        raise ExtractError(f"a column cannot be used: {e}", file=file) from e
    problems = issues.problems(file)
    if raw.malformed:
        problems = [
            RowProblem(p.file, p.row, None, None, raw.malformed[p.row - 1])
            if p.reason.startswith("malformed row") and p.column is None
            else p
            for p in problems
        ]
    keep = ~issues.rejected()
    rows = np.nonzero(keep)[0] + 1
    if not keep.all():
        table = table.filter(pa.array(keep))
    notes = []
    if resolved.ignored:
        notes.append(
            f"{file}: columns ignored (not in the {dataset} schema): {', '.join(resolved.ignored)}"
        )
    if resolved.unused_mapping:
        notes.append(
            f"{file}: mapping names columns the file does not have: "
            + ", ".join(resolved.unused_mapping)
        )
    if raw.delimiter and delimiter is None and raw.delimiter != ",":
        notes.append(f"{file}: delimiter {raw.delimiter!r} (sniffed)")
    return ExtractResult(file, dataset, raw.format, table, n, problems, rows, notes)


def _suffixes() -> tuple[str, ...]:
    return tuple(s for suffixes in EXTENSIONS.values() for s in suffixes if s != ".txt")


def find_extracts(folder: PathLike) -> dict[Dataset, list[Path]]:
    """The extract files of each dataset in ``folder``: ``documents.csv``,
    ``vehicles.parquet``... and every extract file in a ``documents/`` subfolder
    (a dataset split in parts), sorted by name."""
    root = Path(folder)
    if not root.is_dir():
        raise ExtractError("not a folder", file=str(folder))
    suffixes = _suffixes()
    found: dict[Dataset, list[Path]] = {}
    for dataset in DATASETS:
        files = [
            p
            for p in sorted(root.iterdir())
            if p.is_file()
            and p.name.lower().startswith(dataset + ".")
            and p.name.lower().endswith(suffixes)
        ]
        part_dir = root / dataset
        if part_dir.is_dir():
            files += [
                p
                for p in sorted(part_dir.iterdir())
                if p.is_file() and p.name.lower().endswith(suffixes)
            ]
        if files:
            found[dataset] = files
    return found


def _as_list(paths: Paths) -> list[Path]:
    if paths is None:
        return []
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _mapping_for(mapping: Mapping[str, Any] | None, dataset: Dataset) -> Mapping[str, str] | None:
    """``mapping`` is either ``{dataset: {foreign: canonical}}`` or one flat
    ``{foreign: canonical}`` for every dataset."""
    if not mapping:
        return None
    if any(isinstance(v, Mapping) for v in mapping.values()):
        unknown = [k for k in mapping if k not in DATASETS]
        if unknown:
            raise ExtractError(f"mapping has keys that are not datasets: {', '.join(unknown)}")
        return cast("Mapping[str, str] | None", mapping.get(dataset))
    return cast("Mapping[str, str]", mapping)


def load_datasets(
    folder: PathLike | None = None,
    *,
    documents: Paths = None,
    vehicles: Paths = None,
    persons: Paths = None,
    mapping: Mapping[str, Any] | None = None,
    strict: bool = False,
) -> tuple[dict[str, pa.Table], LoadReport]:
    """Load every dataset from a folder and/or from files, with a report of every row left out.

    A record_id already loaded (from an earlier row or an earlier file of the
    same dataset) rejects the later row.  A dataset with no file gets an empty
    table.  ``strict=True`` raises :class:`~hotlist.ExtractError` when any row
    is rejected.
    """
    given: dict[Dataset, list[Path]] = {
        "documents": _as_list(documents),
        "vehicles": _as_list(vehicles),
        "persons": _as_list(persons),
    }
    report = LoadReport()
    if folder is not None:
        found = find_extracts(folder)
        if not found and not any(given.values()):
            raise ExtractError(
                "no extracts found (looked for documents.*, vehicles.*, persons.* with "
                f"extensions {', '.join(_suffixes())})",
                file=str(folder),
            )
        for dataset, files in found.items():
            if not given[dataset]:
                given[dataset] = files
            else:
                report.notes.append(f"{dataset}: files given; {folder} was not searched for them")
    elif not any(given.values()):
        raise ExtractError(
            "nothing to load: give a folder or files for documents, vehicles or persons"
        )
    tables: dict[str, pa.Table] = {}
    for dataset in DATASETS:
        files = given[dataset]
        dr = DatasetReport(dataset=dataset)
        parts: list[pa.Table] = []
        seen_ids: list[pa.Array] = []
        seen_at: list[tuple[str, np.ndarray]] = []
        for path in files:
            result = read_extract(path, dataset, mapping=_mapping_for(mapping, dataset))
            table, problems = result.table, list(result.problems)
            if seen_ids and table.num_rows:
                table, problems = _cross_file_duplicates(result, seen_ids, seen_at)
            parts.append(table)
            seen_ids.append(table.column("record_id").combine_chunks())
            seen_at.append(
                (result.file, result.rows if table is result.table else _kept_rows(result, table))
            )
            dr.files.append(result.file)
            dr.read += result.read
            dr.loaded += table.num_rows
            dr.problems.extend(problems)
            dr.notes.extend(result.notes)
        tables[dataset] = (
            pa.concat_tables(parts)
            if len(parts) > 1
            else parts[0]
            if parts
            else empty_table(dataset)
        )
        report.datasets[dataset] = dr
    if strict and report.rejected:
        raise ExtractError(
            f"{report.rejected:,} of {report.read:,} rows rejected (strict load)",
            problems=report.problems,
        )
    return tables, report


def _kept_rows(result: ExtractResult, table: pa.Table) -> np.ndarray:
    ids = table.column("record_id").combine_chunks()
    keep = cv.to_numpy_bool(pc.is_in(result.table.column("record_id"), value_set=ids))
    rows: np.ndarray = result.rows[keep]
    return rows


def _cross_file_duplicates(
    result: ExtractResult, seen_ids: list[pa.Array], seen_at: list[tuple[str, np.ndarray]]
) -> tuple[pa.Table, list[RowProblem]]:
    """Drop rows whose record_id an earlier file of the dataset already loaded."""
    earlier = pa.concat_arrays(seen_ids)
    ids = result.table.column("record_id").combine_chunks()
    where = pc.index_in(ids, value_set=earlier)
    dup = cv.to_numpy_bool(pc.is_valid(where))
    if not dup.any():
        return result.table, list(result.problems)
    positions = np.asarray(where.to_numpy(zero_copy_only=False), dtype=np.float64)
    bounds = np.cumsum([len(rows) for _, rows in seen_at])
    problems = list(result.problems)
    id_values = ids.to_pylist()
    for i in np.nonzero(dup)[0].tolist():
        pos = int(positions[i])
        k = int(np.searchsorted(bounds, pos, side="right"))
        file, rows = seen_at[k]
        first = int(rows[pos - (bounds[k - 1] if k else 0)])
        problems.append(
            RowProblem(
                result.file,
                int(result.rows[i]),
                "record_id",
                id_values[i],
                f"duplicate record_id: {file} row {first} has it already (the first one is kept)",
            )
        )
    problems.sort(key=lambda p: p.row)
    return result.table.filter(pa.array(~dup)), problems
