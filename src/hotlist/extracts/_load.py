"""read_extract, load_datasets and find_extracts: the entry points of extract loading."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, TypedDict, Unpack, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import datasets
from hotlist._errors import ExtractError, RowProblem
from hotlist.datasets import Kind

from . import _convert as cv
from ._canonical import canonicalise
from ._columns import key, resolve
from ._formats import EXTENSIONS, read_raw
from ._report import DatasetReport, LoadReport

__all__ = [
    "BuiltinFiles",
    "ExtractResult",
    "empty_table",
    "extract_paths",
    "find_extracts",
    "load_datasets",
    "mapping_for",
    "read_extract",
]

PathLike: TypeAlias = str | os.PathLike[str]
Paths: TypeAlias = PathLike | Sequence[PathLike] | None


class BuiltinFiles(TypedDict, total=False):
    """The files of the built-in kinds by keyword (``load(documents=...)``,
    ``apply(vehicles=...)``, ``reload(persons=...)``, ``load_datasets(...)``);
    any registered kind's go in ``extracts={kind: files}``."""

    documents: Paths
    vehicles: Paths
    persons: Paths


def _text_columns(kind: Kind) -> set[str]:
    return {f.name for f in kind.schema if not pa.types.is_list(f.type)}


@dataclass(frozen=True)
class ExtractResult:
    """One file read: the loaded rows in the canonical schema, one problem per
    rejected row, and the problems of rows loaded all the same (``warnings``).

    ``rows`` holds the 1-based data-row number, in the file, of each loaded row;
    ``loaded_with_problems`` counts the loaded rows that have warnings.
    """

    file: str
    dataset: str
    format: str
    table: pa.Table
    read: int
    problems: list[RowProblem]
    rows: np.ndarray
    notes: list[str] = field(default_factory=list)
    # problems of rows that loaded all the same (a value left out), row order
    warnings: list[RowProblem] = field(default_factory=list)
    loaded_with_problems: int = 0

    @property
    def loaded(self) -> int:
        return int(self.table.num_rows)

    @property
    def rejected(self) -> int:
        return self.read - self.loaded


def empty_table(dataset: str) -> pa.Table:
    """A table with no rows in the canonical schema of ``dataset``."""
    return datasets.get(dataset).schema.empty_table()


def _key_columns() -> set[str]:
    """Canonical columns whose undecodable bytes reject the row (it could not be
    searched): every kind's searchable columns."""
    return {c for kind in datasets.kinds() for c in kind.searchable}


def _check_required(
    kind: Kind, sources: Mapping[str, str], names: Sequence[str], file: str
) -> None:
    """A file without any of the columns a record is searched by cannot be used (a
    wrong mapping); every other column may be missing and the rows load without it."""
    if not set(kind.searchable) & set(sources):
        raise ExtractError(
            f"required column(s) missing: {kind.searchable_text}; the file has "
            f"{', '.join(map(repr, names)) or 'no columns'} (use mapping= to rename columns)",
            file=file,
        )


def _missing_columns(kind: Kind, sources: Mapping[str, str], file: str) -> list[str]:
    notes = []
    if "record_id" not in sources:
        notes.append(
            f"{file}: no record_id column: each record's id is made from the file name and row"
        )
    descriptive = [c for c in kind.required if c != "record_id"]
    absent = [c for c in descriptive if c not in sources]
    if absent and len(descriptive) == 1:
        notes.append(f"{file}: column {absent[0]} missing: every row is loaded without it")
    elif absent:
        notes.append(
            f"{file}: column(s) {', '.join(absent)} missing: every row is loaded without them"
        )
    return notes


def _as_text(name: str, arr: pa.Array, issues: cv.Issues) -> pa.Array:
    """A binary column (Parquet BYTE_ARRAY without a UTF-8 annotation) as text; a
    value that is not UTF-8 is left out and reported (the row is rejected when the
    column is one it is searched by)."""
    if not (pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type)):
        return arr
    try:
        return pc.cast(arr, pa.string())
    except pa.ArrowInvalid:
        pass
    values: list[str | None] = []
    bad = np.zeros(len(arr), dtype=bool)
    for i, v in enumerate(arr.to_pylist()):
        if v is None:
            values.append(None)
            continue
        try:
            values.append(v.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(None)
            bad[i] = True
    shown = pa.array([v.hex() if v is not None else None for v in arr.to_pylist()], pa.string())
    why = "bytes that are not UTF-8 text"
    if name in _key_columns():
        issues.add(bad, name, shown, lambda _v: f"malformed value: {why} (shown in hex)")
    else:
        issues.warn(bad, name, shown, lambda _v: f"{why} (shown in hex): loaded without it")
    return pa.array(values, pa.string())


def read_extract(
    path: PathLike,
    dataset: str,
    *,
    mapping: Mapping[str, str] | None = None,
    delimiter: str | None = None,
) -> ExtractResult:
    """Read one extract file of ``dataset`` into the canonical schema.

    Rows that cannot be used are left out and each is described by one
    :class:`~hotlist.RowProblem`; ``read == loaded + rejected``.  A file that
    cannot be read at all raises :class:`~hotlist.ExtractError`.
    """
    if dataset not in datasets.names():
        raise ValueError(
            f"unknown dataset {dataset!r}; expected one of {', '.join(datasets.names())}"
        )
    kind = datasets.get(dataset)
    p = Path(path)
    file = str(path)
    state: dict[str, Any] = {}

    def select(names: Sequence[str]) -> list[str]:
        resolved = resolve(names, dataset, mapping, file=file)
        _check_required(kind, resolved.sources, names, file)
        state["resolved"] = resolved
        return list(resolved.sources.values())

    renames = {key(k): v for k, v in (mapping or {}).items()}
    text_columns = _text_columns(kind)

    def is_text(name: str) -> bool:
        return renames.get(key(name), key(name)) in text_columns

    raw = read_raw(p, select, delimiter=delimiter, is_text=is_text)
    resolved = state["resolved"]
    n = raw.table.num_rows
    issues = cv.Issues(n)
    if raw.malformed:
        mask = np.zeros(n, dtype=bool)
        mask[list(raw.malformed)] = True
        issues.add(mask, None, None, "malformed row")
    arrays: dict[str, pa.Array] = {}
    for canonical, source in resolved.sources.items():
        col = raw.table.column(source)
        arr = col.chunk(0) if col.num_chunks == 1 else pa.concat_arrays(col.chunks)
        arrays[canonical] = _as_text(canonical, arr, issues)
    try:
        table = canonicalise(kind, arrays, n, issues, label=p.name)
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
    if n and not keep.any():
        raise ExtractError(
            f"no row can be searched: all {n:,} rows are rejected (a wrong mapping= or "
            "delimiter?); the first reasons:",
            file=file,
            problems=problems,
        )
    warnings, warning_count = issues.warning_problems(file, keep)
    with_problems = int((issues.warned() & keep).sum())
    rows = np.nonzero(keep)[0] + 1
    if not keep.all():
        table = table.filter(pa.array(keep))
    notes = _missing_columns(kind, resolved.sources, file)
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
    if warning_count > len(warnings):
        notes.append(
            f"{file}: {warning_count:,} problems of loaded rows; the first "
            f"{len(warnings):,} are listed"
        )
    return ExtractResult(
        file,
        dataset,
        raw.format,
        table,
        n,
        problems,
        rows,
        notes,
        warnings=warnings,
        loaded_with_problems=with_problems,
    )


def _suffixes() -> tuple[str, ...]:
    return tuple(s for suffixes in EXTENSIONS.values() for s in suffixes if s != ".txt")


def find_extracts(folder: PathLike) -> dict[str, list[Path]]:
    """The extract files of each dataset in ``folder``: ``documents.csv``,
    ``vehicles.parquet``... and every extract file in a ``documents/`` subfolder
    (a dataset split in parts), sorted by name."""
    root = Path(folder)
    if not root.is_dir():
        raise ExtractError("not a folder", file=str(folder))
    suffixes = _suffixes()
    found: dict[str, list[Path]] = {}
    for dataset in datasets.names():
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


def mapping_for(mapping: Mapping[str, Any] | None, dataset: str) -> Mapping[str, str] | None:
    """``mapping`` is either ``{dataset: {foreign: canonical}}`` or one flat
    ``{foreign: canonical}`` for every dataset."""
    if not mapping:
        return None
    if any(isinstance(v, Mapping) for v in mapping.values()):
        unknown = [k for k in mapping if k not in datasets.names()]
        if unknown:
            raise ExtractError(f"mapping has keys that are not datasets: {', '.join(unknown)}")
        return cast("Mapping[str, str] | None", mapping.get(dataset))
    return cast("Mapping[str, str]", mapping)


def extract_paths(
    extracts: Mapping[str, Paths] | None = None, builtin: BuiltinFiles | None = None
) -> dict[str, list[Path]]:
    """The files named per kind, as lists (every registered kind, empty when none):
    ``extracts`` maps kind names to files, and the built-in keywords
    (``documents=``...) are folded in; a kind named twice, or not registered, is
    refused."""
    given = {
        name: _as_list(cast("Paths", paths))
        for name, paths in (builtin or {}).items()
        if paths is not None
    }
    for name, paths in (extracts or {}).items():
        if name in given:
            raise ExtractError(f"{name}: files named twice (keyword and extracts=)")
        given[name] = _as_list(paths)
    unknown = [name for name in given if name not in datasets.names()]
    if unknown:
        raise ExtractError(
            f"no dataset kind called {', '.join(map(repr, unknown))}; the kinds are "
            + ", ".join(datasets.names())
        )
    return {name: given.get(name, []) for name in datasets.names()}


def load_datasets(
    folder: PathLike | None = None,
    *,
    extracts: Mapping[str, Paths] | None = None,
    mapping: Mapping[str, Any] | None = None,
    strict: bool = False,
    **builtin: Unpack[BuiltinFiles],
) -> tuple[dict[str, pa.Table], LoadReport]:
    """Load every dataset from a folder and/or from files, with a report of every row left out.

    Files are named per built-in kind (``documents=``...) or for any registered
    kind in ``extracts`` (``{"firearms": "stolen_guns.csv"}``); a folder is
    searched for ``<kind>.*`` of every registered kind.  A record_id already
    loaded (from an earlier row or an earlier file of the same dataset) rejects
    the later row.  A dataset with no file gets an empty table.
    ``strict=True`` raises :class:`~hotlist.ExtractError` when any row is rejected.
    """
    given = extract_paths(extracts, builtin)
    report = LoadReport()
    if folder is not None:
        found = find_extracts(folder)
        if not found and not any(given.values()):
            raise ExtractError(
                "no extracts found (looked for "
                + ", ".join(f"{n}.*" for n in datasets.names())
                + " with "
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
            "nothing to load: give a folder or files for " + ", ".join(datasets.names())
        )
    tables: dict[str, pa.Table] = {}
    for dataset in datasets.names():
        files = given[dataset]
        dr = DatasetReport(dataset=dataset)
        parts: list[pa.Table] = []
        seen_ids: list[pa.Array] = []
        seen_at: list[tuple[str, np.ndarray]] = []
        for path in files:
            result = read_extract(path, dataset, mapping=mapping_for(mapping, dataset))
            table, problems = result.table, list(result.problems)
            warnings, with_problems = list(result.warnings), result.loaded_with_problems
            rows = result.rows
            if seen_ids and table.num_rows:
                table, rows, dup_problems, dup_warnings = _cross_file_duplicates(
                    result, parts, seen_ids, seen_at
                )
                problems = sorted([*problems, *dup_problems], key=lambda p: p.row)
                warned_rows = {w.row for w in warnings}
                with_problems += len({w.row for w in dup_warnings} - warned_rows)
                with_problems -= len({p.row for p in dup_problems} & warned_rows)
                warnings = sorted([*warnings, *dup_warnings], key=lambda p: p.row)
                warnings = [w for w in warnings if w.row not in {p.row for p in dup_problems}]
            parts.append(table)
            ids = table.column("record_id")  # the table's own array (no copy) when one chunk
            seen_ids.append(ids.chunk(0) if ids.num_chunks == 1 else ids.combine_chunks())
            seen_at.append((result.file, rows))
            dr.files.append(result.file)
            dr.read += result.read
            dr.loaded += table.num_rows
            dr.loaded_with_problems += with_problems
            dr.problems.extend(problems)
            dr.warnings.extend(warnings)
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


def _cross_file_duplicates(
    result: ExtractResult,
    parts: list[pa.Table],
    seen_ids: list[pa.Array],
    seen_at: list[tuple[str, np.ndarray]],
) -> tuple[pa.Table, np.ndarray, list[RowProblem], list[RowProblem]]:
    """Rows whose record_id an earlier file of the dataset already loaded: dropped when
    searched by the same key as that record (nothing is lost), else loaded under
    ``<id>#<file>:<row>`` and reported."""
    earlier = pa.concat_arrays(seen_ids)
    ids = result.table.column("record_id").combine_chunks()
    where = pc.index_in(ids, value_set=earlier)
    dup = cv.to_numpy_bool(pc.is_valid(where))
    if not dup.any():
        return result.table, result.rows, [], []
    earlier_table = pa.concat_tables(parts)
    positions = np.asarray(where.to_numpy(zero_copy_only=False), dtype=np.float64)
    bounds = np.cumsum([len(rows) for _, rows in seen_at])
    problems: list[RowProblem] = []
    warnings: list[RowProblem] = []
    id_values = ids.to_pylist()
    drop = np.zeros(len(id_values), dtype=bool)
    new_ids = list(id_values)
    name = Path(result.file).name
    for i in np.nonzero(dup)[0].tolist():
        pos = int(positions[i])
        k = int(np.searchsorted(bounds, pos, side="right"))
        file, rows = seen_at[k]
        first = int(rows[pos - (bounds[k - 1] if k else 0)])
        row = int(result.rows[i])
        kind = datasets.get(result.dataset)
        this = kind.row_key(result.table.slice(i, 1).to_pylist()[0])
        that = kind.row_key(earlier_table.slice(pos, 1).to_pylist()[0])
        if this == that:
            drop[i] = True
            problems.append(
                RowProblem(
                    result.file,
                    row,
                    "record_id",
                    id_values[i],
                    f"duplicate record_id: {file} row {first} has it already, searched by the"
                    " same key (the first one is kept)",
                )
            )
        else:
            new_ids[i] = f"{id_values[i]}#{name}:{row}"
            warnings.append(
                RowProblem(
                    result.file,
                    row,
                    "record_id",
                    id_values[i],
                    f"duplicate record_id: {file} row {first} has it already with another key;"
                    f" this record is loaded as {new_ids[i]!r}",
                )
            )
    table = result.table.set_column(
        result.table.schema.get_field_index("record_id"),
        result.table.schema.field("record_id"),
        pa.array(new_ids, pa.string()),
    )
    return table.filter(pa.array(~drop)), result.rows[~drop], problems, warnings
