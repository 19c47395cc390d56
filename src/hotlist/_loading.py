"""Extracts to a built :class:`~hotlist._state.State`: the reading half of
:func:`hotlist.load` and :meth:`Hotlist.reload`.

The files are named per kind (one mapping, ``{"documents": [...], "firearms":
[...]}``) or found in a folder (``<kind>.*`` for every registered kind).  With a
public key every file is read once, its signature checked on those bytes, and
the readers parse a private copy of exactly those bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import cast

import pyarrow as pa

from hotlist._datatime import data_time_of
from hotlist._errors import HotlistError, InvalidQuery
from hotlist._progress import Steps
from hotlist._signing import (
    KeyArg,
    VerifiedCopies,
    extract_files_by_dataset,
    restore_names,
    verify_file,
)
from hotlist._state import State
from hotlist.extracts import LoadReport, load_datasets
from hotlist.extracts._load import BuiltinFiles, Paths

__all__ = [
    "BuiltinFiles",
    "Paths",
    "file_digest",
    "load_state",
    "named_extracts",
    "restore_error_names",
]


def file_digest(paths: Iterable[str]) -> tuple[str, dt.datetime]:
    """A data version from the bytes of the source files, and the newest file time."""
    h = hashlib.sha256()
    newest = 0.0
    for p in sorted(paths):
        path = Path(p)
        with path.open("rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
        newest = max(newest, path.stat().st_mtime)
    when = dt.datetime.fromtimestamp(newest, dt.UTC) if newest else dt.datetime.now(dt.UTC)
    return h.hexdigest()[:16], when


def named_extracts(extracts: Mapping[str, Paths] | None, builtin: BuiltinFiles) -> dict[str, Paths]:
    """The files named per kind: the built-in keywords (``documents=``...) and
    ``extracts`` as one mapping."""
    named: dict[str, Paths] = {n: cast("Paths", p) for n, p in builtin.items() if p is not None}
    for name, paths in (extracts or {}).items():
        if name in named:
            raise InvalidQuery(f"{name}: files named twice (as {name}= and in extracts=)")
        named[name] = paths
    return named


def restore_error_names(exc: HotlistError, copies: VerifiedCopies) -> None:
    """``exc`` naming the original files rather than their verified copies."""
    exc.args = tuple(restore_names(list(exc.args), copies))
    for attr in ("file", "path"):
        if isinstance(getattr(exc, attr, None), str):
            setattr(exc, attr, copies.restore(getattr(exc, attr)))


def _built(
    tables: dict[str, pa.Table],
    report: LoadReport,
    read: list[str],
    sources: list[str],
    when: tuple[dt.datetime, str],
    *,
    progress: bool | None,
) -> State:
    """The state over loaded ``tables``: its version is the digest of the files
    ``read`` (the bytes parsed), its sources the files as the caller named them."""
    version, _ = file_digest(read)
    return State.build(
        tables,
        report,
        data_version=version,
        data_time=when[0],
        sources=sources,
        progress=progress,
    ).with_data_time_source(when[1])


def load_state(
    folder: str | Path | None,
    *,
    extracts: Mapping[str, Paths],
    mapping: Mapping[str, Mapping[str, str]] | None,
    strict: bool,
    public_key: KeyArg | None,
    progress: bool | None,
    data_time: dt.datetime | dt.date | str | None = None,
) -> State:
    """Extracts to a built :class:`State`.

    ``extracts`` names the files per kind (a kind left out, or given no files, is
    searched for in ``folder``).  With a public key every file is read once, its
    signature checked on those bytes, and the readers parse a private copy of
    exactly those bytes (a file swapped after the check cannot load unsigned
    content); the report names the original files.  The data time comes from
    ``data_time``, the extracts' own metadata, or (said so) the files'
    modification times: see :mod:`hotlist._datatime`.
    """
    if public_key is None:
        with (
            Steps(1, enabled=progress, title="hotlist: reading extracts") as bar,
            bar.step("reading"),
        ):
            tables, report = load_datasets(
                folder, extracts=extracts, mapping=mapping, strict=strict
            )
        sources = [str(f) for f in report.files]
        when = data_time_of(((Path(f), Path(f)) for f in sources), given=data_time)
        return _built(tables, report, sources, sources, when, progress=progress)

    with VerifiedCopies() as copies:
        per_dataset = {
            ds: [copies.add(f, public_key) for f in files]
            for ds, files in extract_files_by_dataset(folder, extracts).items()
        }
        try:
            tables, report = load_datasets(
                None,
                extracts={ds: files for ds, files in per_dataset.items() if files},
                mapping=mapping,
                strict=strict,
            )
        except HotlistError as exc:
            restore_error_names(exc, copies)
            raise
        read = [str(f) for f in report.files]
        dated = data_time_of(
            ((Path(f), Path(copies.original[f])) for f in read),
            given=data_time,
            read_sidecar=lambda p: verify_file(p, public_key),
        )
        report = restore_names(report, copies)
        sources = [copies.original[f] for f in read]
        return _built(tables, report, read, sources, dated, progress=progress)
