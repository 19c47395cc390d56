"""Delta updates: upserts and deletes keyed by record_id, applied without a full reload.

A delta is a set of extract files, one or more per dataset, in any format the
readers take, with the dataset's columns plus ``op``:

- ``upsert`` (also ``insert``, ``update``): the row replaces the record with
  that ``record_id``, or adds it;
- ``delete`` (also ``remove``): the record goes; only ``record_id`` is needed.

Name the files per dataset (``hl.apply(documents="docs-delta.csv")``) or give a
folder holding ``documents.*``, ``vehicles.*``, ``persons.*`` like a full
extract folder, and optionally ``delta.json``::

    {"base_version": "1f0c...", "data_time": "2024-05-02T06:00:00+00:00"}

``base_version`` (or ``apply(..., base_version=...)``) is the data version the
delta was made from: applying it to another version raises
:class:`~hotlist.VersionMismatchError`.  ``data_time`` is when the data was
current (default: the newest delta file's modification time).

The new data version is derived from the base version and the delta's content
(SHA-256 of its files and mapping), and the Hotlist remembers the content
digests it has applied: the same delta applied again is recognised and changes
nothing, even when it names the version it was first applied to.

A record_id on more than one row of a delta is refused (each such row is
reported): the order of two operations on one record is not something to guess.

Every registered kind (:mod:`hotlist.datasets`) takes deltas the same way: its
files are ``<kind>.*`` in the folder, or ``apply(extracts={kind: files})``, and
the kind's ``updated`` makes its new index.

Cost: the listed rows a delta touches are found in one compiled pass over the
record ids (:func:`hotlist.index.members_of`); the kept rows and the new ones
make the new table in one copy (:func:`hotlist.index.kept_then`: the old
table's kept runs as slices, or one ``take``), so the table side is O(records),
not O(delta): 2 k changes on 10 M documents ~0.25-0.5 s CPU, ~1-1.4 s for a
process's first apply (the new table's memory is faulted in).  Keeping the kept
rows as slices instead (:func:`hotlist.index.kept_slices`, ``_SLICED``) is
built and tested but off: see ``_SLICED`` for why.  Documents and vehicles
reuse the stored keys of kept rows and compute keys only for new rows, and
their key indexes are merged, not rebuilt
(:meth:`hotlist.index.KeyIndex.merged`: one compiled pass renumbers the kept
entries and merges the new ones in; a full build where the kernel is missing).
The VIN suffix index is still rebuilt.  Persons are re-indexed in full (name keys are
computed per name in Python).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import datasets
from hotlist._datatime import data_time_of, parse_time
from hotlist._documents import _string_array
from hotlist._errors import ExtractError, HotlistError, RowProblem, VersionMismatchError
from hotlist._loading import restore_error_names
from hotlist._signing import KeyArg, VerifiedCopies, restore_names, verify_file
from hotlist._sql import SqlBackend
from hotlist._state import State
from hotlist.extracts import DatasetReport, LoadReport, find_extracts, read_extract
from hotlist.extracts._columns import key as column_key
from hotlist.extracts._columns import resolve
from hotlist.extracts._formats import read_raw
from hotlist.extracts._load import Paths, extract_paths, mapping_for
from hotlist.index import kept_slices, kept_then, members_of

__all__ = ["DELTA_MANIFEST", "DatasetDelta", "DeltaReport", "apply_delta"]

DELTA_MANIFEST = "delta.json"
UPSERT = frozenset({"upsert", "insert", "update"})
DELETE = frozenset({"delete", "remove"})


@dataclass
class DatasetDelta:
    """What a delta did to one dataset."""

    dataset: str
    files: list[str] = field(default_factory=list)
    read: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    missing: int = 0  # deletes of a record_id that is not listed
    problems: list[RowProblem] = field(default_factory=list)
    # problems of upserted rows that were applied all the same ("loaded with problems")
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Rows not applied (each has one entry in ``problems``)."""
        return len(self.problems)


@dataclass
class DeltaReport:
    """The outcome of :meth:`Hotlist.apply`.

    ``applied`` is False when the delta was recognised as already applied (the
    data version is then unchanged).
    """

    base_version: str
    data_version: str
    applied: bool
    digest: str
    datasets: dict[str, DatasetDelta] = field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""

    @property
    def problems(self) -> list[RowProblem]:
        return [p for d in self.datasets.values() for p in d.problems]

    def summary(self) -> dict[str, Any]:
        """Counts per dataset and the versions, as plain data (for JSON)."""
        return {
            "base_version": self.base_version,
            "data_version": self.data_version,
            "applied": self.applied,
            "note": self.note,
            "seconds": round(self.seconds, 3),
            "datasets": {
                name: {
                    "files": d.files,
                    "read": d.read,
                    "inserted": d.inserted,
                    "updated": d.updated,
                    "deleted": d.deleted,
                    "missing": d.missing,
                    "rejected": d.rejected,
                    "loaded_with_problems": len({(w.file, w.row) for w in d.warnings}),
                }
                for name, d in self.datasets.items()
            },
            "problems": [str(p) for p in self.problems[:100]],
            "warnings": [str(w) for d in self.datasets.values() for w in d.warnings][:100],
        }


@dataclass
class _Changes:
    upserts: pa.Table
    deletes: pa.Array


@dataclass(frozen=True)
class _Read:
    """The delta as it is parsed: its files per kind (with a public key, the
    verified private copies), the file each stands for (for names and modification
    times), the bytes and path of its ``delta.json``, and how a sidecar
    ``extract.json`` is read (None: plainly; else checked against its signature)."""

    files: dict[str, list[Path]]
    original: Mapping[str, str]
    meta_bytes: bytes | None
    meta_path: Path | None
    read_sidecar: Callable[[Path], bytes] | None = None


def _files(
    folder: str | os.PathLike[str] | None, given: Mapping[str, Paths]
) -> tuple[dict[str, list[Path]], Path | None]:
    """The delta files per dataset, and the delta's ``delta.json`` if it has one."""
    files = extract_paths(given)
    meta: Path | None = None
    if folder is not None:
        root = Path(folder)
        if root.is_file():
            raise ExtractError(
                "a delta file needs its dataset: apply(documents=...), vehicles=..., persons=... "
                "or extracts={kind: files}",
                file=str(root),
            )
        for ds, found in find_extracts(root).items():
            if not files[ds]:
                files[ds] = found
        mpath = root / DELTA_MANIFEST
        if mpath.is_file():
            meta = mpath
    if not any(files.values()):
        raise ExtractError(
            "empty delta: no " + ", ".join(f"{n}.*" for n in datasets.names()) + " files",
            file=None if folder is None else str(folder),
        )
    return files, meta


def _meta(data: bytes | None, path: Path | None) -> dict[str, Any]:
    if data is None:
        return {}
    try:
        meta = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExtractError(f"unreadable delta manifest: {exc}", file=str(path)) from exc
    if not isinstance(meta, dict):
        raise ExtractError("the delta manifest is not a JSON object", file=str(path))
    return meta


def _digest(
    files: Mapping[str, list[Path]], mapping: Mapping[str, Any] | None, meta: bytes | None
) -> str:
    h = hashlib.sha256()
    h.update(json.dumps(mapping or {}, sort_keys=True).encode())
    if meta is not None:  # the delta's identity covers its delta.json (base, data time)
        h.update(b"delta.json\0" + hashlib.sha256(meta).digest())
    for ds in datasets.names():
        for p in files.get(ds, []):
            with p.open("rb") as f:
                h.update(ds.encode() + b"\0" + hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()


def _text(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    arr = _string_array(arr)
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return pc.utf8_trim_whitespace(arr)


def _read_file(
    path: Path, dataset: str, mapping: Mapping[str, str] | None, seen: set[str]
) -> tuple[pa.Table, list[str], int, list[RowProblem], list[RowProblem]]:
    """One delta file: (upsert rows in the canonical schema, ids to delete, rows read,
    problems, warnings of rows applied with problems).  ``seen`` holds the
    record_ids of earlier files of the dataset."""
    file = str(path)
    picked: dict[str, str] = {}

    def select(names: Sequence[str]) -> list[str]:
        resolved = resolve(names, dataset, mapping, file=file)
        if "record_id" not in resolved.sources:
            raise ExtractError("a delta needs a record_id column", file=file)
        op = next((n for n in names if column_key(n) == "op"), None)
        if op is None:
            raise ExtractError(
                "a delta needs an op column: upsert or delete for each row", file=file
            )
        picked.update(record_id=resolved.sources["record_id"], op=op)
        return [picked["record_id"], op]

    raw = read_raw(path, select)
    n = raw.table.num_rows
    ids = _text(raw.table.column(picked["record_id"])).to_pylist()
    ops = pc.utf8_lower(_text(raw.table.column(picked["op"]))).to_pylist()
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    bad: set[int] = set()
    for i, (rid, op) in enumerate(zip(ids, ops, strict=True)):
        if i in raw.malformed:
            problems.append(RowProblem(file, i + 1, None, None, raw.malformed[i]))
            bad.add(i)
        elif not rid:
            problems.append(RowProblem(file, i + 1, "record_id", None, "missing record_id"))
            bad.add(i)
        elif op not in UPSERT and op not in DELETE:
            problems.append(
                RowProblem(file, i + 1, "op", op, "unknown op; expected upsert or delete")
            )
            bad.add(i)
        elif rid in seen:
            problems.append(
                RowProblem(
                    file, i + 1, "record_id", rid, "record_id already in an earlier delta file"
                )
            )
            bad.add(i)
        elif rid in first_row:
            j = first_row[rid]
            problems.append(
                RowProblem(
                    file,
                    i + 1,
                    "record_id",
                    rid,
                    f"record_id also on row {j + 1}; a delta lists each record once",
                )
            )
            if j not in bad:
                problems.append(
                    RowProblem(
                        file,
                        j + 1,
                        "record_id",
                        rid,
                        f"record_id also on row {i + 1}; a delta lists each record once",
                    )
                )
            bad.update((i, j))
        else:
            first_row[rid] = i
    seen.update(first_row)
    upsert_rows = [i for i, op in enumerate(ops) if op in UPSERT and i not in bad]
    deletes = [ids[i] for i, op in enumerate(ops) if op in DELETE and i not in bad]
    upserts = datasets.get(dataset).schema.empty_table()
    warnings: list[RowProblem] = []
    if upsert_rows:
        result = read_extract(path, dataset, mapping=mapping)
        wanted = np.zeros(n + 1, dtype=bool)
        wanted[np.asarray(upsert_rows, dtype=np.int64) + 1] = True  # 1-based rows
        upserts = result.table.filter(pa.array(wanted[result.rows]))
        loaded = set(result.rows[wanted[result.rows]].tolist())
        problems += [p for p in result.problems if wanted[p.row] and p.row not in loaded]
        warnings = [w for w in getattr(result, "warnings", []) if w.row in loaded]
    problems.sort(key=lambda p: p.row)
    return upserts, deletes, n, problems, warnings


def _changes(
    files: list[Path], dataset: str, mapping: Mapping[str, str] | None, out: DatasetDelta
) -> _Changes:
    seen: set[str] = set()
    parts: list[pa.Table] = []
    deletes: list[str] = []
    for path in files:
        upserts, dels, read, problems, warnings = _read_file(path, dataset, mapping, seen)
        out.files.append(str(path))
        out.read += read
        out.problems += problems
        out.warnings += warnings
        parts.append(upserts)
        deletes += dels
    table = pa.concat_tables(parts) if parts else datasets.get(dataset).schema.empty_table()
    return _Changes(table, pa.array(deletes, pa.string()))


#: Kinds whose new table keeps the old one's rows as zero-copy slices
#: (:func:`hotlist.index.kept_slices`) instead of copying them; their indexes
#: read a table of many chunks.  EMPTY (off) for now: measured at 10 M documents,
#: 2 k changes a delta (benchmarks/bench_apply.py --sliced), an apply that slices
#: costs ~0.2 s CPU against ~0.5, the first after a load ~0.2 s against ~1.0-1.3,
#: and RSS ~1.55 GB against ~2.1; but every ~3rd apply compacts past
#: MAX_CHUNKS (the copy, in fresh memory: ~1.4 s), so the mean over 12 applies was
#: 651 ms against 531, and the first check after an apply paid ~38 ms against
#: ~6 (per-chunk setup of the compiled hit).  A dead-row bitmap (tombstones) that
#: keeps row numbers would not cut the table at all: not done.  Persons' tables
#: are always copied (their index is rebuilt in full).
_SLICED: frozenset[str] = frozenset()


def _apply_dataset(
    old: pa.Table, changes: _Changes, out: DatasetDelta, *, sliced: bool = False
) -> tuple[pa.Table, np.ndarray, pa.Table] | None:
    """(new table, keep mask over the old rows, the appended rows); None: no change.

    One hash pass over the old ids against the (small) set of touched ids tells
    both which old rows go and which touched ids were listed
    (:func:`hotlist.index.members_of`: compiled, 0.15 s -> ~0.03 s over 10 M ids).
    ``sliced``: the kept rows are slices of ``old``'s chunks, not copied.
    """
    ids = old.column("record_id")  # in chunks: read in place, not combined
    up = changes.upserts
    up_ids = _string_array(up.column("record_id")).cast(pa.string())
    touched = pa.concat_arrays([up_ids, changes.deletes])
    # (distinct: a delta lists each record once, _read_file refuses the rest)
    rows, where = members_of(ids, touched)
    hit = np.zeros(len(ids), dtype=bool)
    hit[rows] = True
    found = np.zeros(len(touched), dtype=bool)
    found[where] = True
    n_up = len(up_ids)
    out.updated = int(found[:n_up].sum())
    out.inserted = n_up - out.updated
    out.deleted = int(found[n_up:].sum())
    out.missing = len(changes.deletes) - out.deleted
    if not n_up and not out.deleted:
        return None
    keep = ~hit
    # Cast by type only: a record loaded with problems may hold a null in a column
    # the schema marks required (an unknown status), as a full load keeps it.
    appended = pa.Table.from_arrays(
        [up.column(f.name).cast(f.type) for f in old.schema], schema=old.schema
    )
    table = kept_slices(old, keep, appended) if sliced else kept_then(old, keep, appended)
    return table, keep, appended


def _data_time(
    state: State,
    pairs: list[tuple[Path, Path]],
    meta: Mapping[str, Any],
    read: _Read,
) -> tuple[dt.datetime, str, str | None]:
    """(data time, where it came from, a note) of the state after the delta: the
    delta's own data time (delta.json, else the files' metadata, else their
    modification times, said so), never earlier than the base's."""
    given = meta.get("data_time")
    if given is not None:
        when, source = parse_time(given, str(read.meta_path)), DELTA_MANIFEST
    else:
        when, source = data_time_of(pairs, read_sidecar=read.read_sidecar)
    if when < state.data_time:
        return (
            state.data_time,
            state.data_time_source,
            f"the delta's data time {when.isoformat()} ({source}) is older than the base's; "
            "the base's is kept",
        )
    return when, source, None


def _files_of(report: LoadReport | DeltaReport, dataset: str) -> list[str]:
    found = report.datasets.get(dataset)
    return list(found.files) if found is not None else []


def apply_delta(
    state: State,
    folder: str | os.PathLike[str] | None = None,
    *,
    extracts: Mapping[str, Paths] | None = None,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    base_version: str | None = None,
    public_key: KeyArg | None = None,
) -> tuple[State, DeltaReport]:
    """A new :class:`State` with the delta applied (``state`` itself when the delta
    was already applied), and the report.  ``state`` is not changed.  ``extracts``
    names the delta files per kind; a kind not named is looked for in ``folder``."""
    started = time.perf_counter()
    files, meta_path = _files(folder, extracts or {})
    if public_key is None:
        meta_bytes = None if meta_path is None else _read(meta_path)
        original = {str(p): str(p) for ps in files.values() for p in ps}
        read = _Read(files, original, meta_bytes, meta_path)
        return _apply(state, read, mapping=mapping, base_version=base_version, started=started)
    # Every file, delta.json included, is read once and its signature checked on
    # those bytes; the delta is parsed from private copies of exactly those bytes.
    with VerifiedCopies() as copies:
        copied = {ds: [copies.add(p, public_key) for p in paths] for ds, paths in files.items()}
        meta_bytes = None if meta_path is None else verify_file(meta_path, public_key)
        read = _Read(
            copied, copies.original, meta_bytes, meta_path, lambda p: verify_file(p, public_key)
        )
        try:
            new_state, report = _apply(
                state, read, mapping=mapping, base_version=base_version, started=started
            )
        except HotlistError as exc:
            restore_error_names(exc, copies)
            raise
        report.datasets = restore_names(report.datasets, copies)
        new_state = replace(new_state, report=restore_names(new_state.report, copies))
        return new_state, report


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"unreadable delta manifest ({exc})", file=str(path)) from exc


def _apply(
    state: State,
    read: _Read,
    /,
    *,
    mapping: Mapping[str, Mapping[str, str]] | None,
    base_version: str | None,
    started: float,
) -> tuple[State, DeltaReport]:
    """apply_delta on files that can be read safely (see :class:`_Read`)."""
    meta = _meta(read.meta_bytes, read.meta_path)
    files, original = read.files, read.original
    all_files = [p for ds in datasets.names() for p in files[ds]]
    digest = _digest(files, mapping, read.meta_bytes)
    named = base_version or meta.get("base_version")
    if digest in state.applied_deltas:
        return state, DeltaReport(
            base_version=state.data_version,
            data_version=state.data_version,
            applied=False,
            digest=digest,
            seconds=time.perf_counter() - started,
            note="this delta was already applied; nothing changed",
        )
    if named is not None and str(named) != state.data_version:
        raise VersionMismatchError(
            f"the delta was made for data version {named}, but this hotlist holds "
            f"{state.data_version}; apply the deltas in between first, or reload a full extract"
        )
    report = DeltaReport(
        base_version=state.data_version, data_version="", applied=True, digest=digest
    )
    tables = dict(state.tables)
    indexes = dict(state.indexes)
    for kind in datasets.kinds():
        ds = kind.name
        if not files[ds]:
            continue
        out = report.datasets[ds] = DatasetDelta(dataset=ds)
        changes = _changes(files[ds], ds, mapping_for(mapping, ds), out)
        old = tables.get(ds, kind.schema.empty_table())
        done = _apply_dataset(old, changes, out, sliced=ds in _SLICED)
        if done is None:
            continue
        table, keep, new = done
        # keys for the new rows only, the rest of the index reused where the kind can
        indexes[ds] = (
            kind.updated(indexes[ds], table, keep, new) if ds in indexes else kind.build(table)
        )
        tables[ds] = table
    version = hashlib.sha256(f"{state.data_version}:{digest}".encode()).hexdigest()[:16]
    report.data_version = version
    sources = (*state.sources, *(original[str(p)] for p in all_files))
    pairs = [(p, Path(original[str(p)])) for p in all_files]
    when, when_source, when_note = _data_time(state, pairs, meta, read)
    load_report = LoadReport(
        datasets={
            ds: DatasetReport(
                dataset=ds,
                files=[*_files_of(state.report, ds), *_files_of(report, ds)],
                read=tables[ds].num_rows,
                loaded=tables[ds].num_rows,
            )
            for ds in tables
        },
        notes=[
            *state.report.notes,
            f"delta {digest[:16]} applied to {state.data_version}: now {version}",
            *([when_note] if when_note else []),
        ],
    )
    new_state = replace(
        state,
        tables=tables,
        indexes=indexes,
        data_version=version,
        data_time=when,
        data_time_source=when_source,
        lineage=(*state.lineage, (state.data_version, state.data_time.isoformat()))[-1000:],
        rollback_note=None,
        loaded_at=dt.datetime.now(dt.UTC),
        report=load_report,
        sources=sources,
        sql=SqlBackend(tables),
        applied_deltas=(*state.applied_deltas, digest),
        fast={},  # what fast paths worked out for the old version holds for it alone
    )
    report.seconds = time.perf_counter() - started
    if report.problems and not any(
        d.inserted or d.updated or d.deleted for d in report.datasets.values()
    ):
        raise HotlistError(
            f"no row of the delta could be applied ({len(report.problems)} rejected): "
            + "; ".join(str(p) for p in report.problems[:5])
        )
    return new_state, report
