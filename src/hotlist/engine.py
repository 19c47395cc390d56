"""The Hotlist: loaded datasets, their indexes, and the checks that run on them.

A :class:`Hotlist` holds one immutable :class:`State` (tables, indexes, data
version).  Every ``check()`` reads ``self._state`` once and answers from that
state alone, so many threads may check at once and a later reload can swap in a
new state with one assignment.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import _oplog
from hotlist._batch_input import QueryInput
from hotlist._batch_snapshot import worker_snapshot
from hotlist._check_entry import compiled_entry
from hotlist._delta import DeltaReport, apply_delta
from hotlist._loading import BuiltinFiles, Paths, load_state, named_extracts
from hotlist._options import CheckOptions
from hotlist._progress import checked_in_parts
from hotlist._query import (
    CHECK_FIELDS,
    DEFAULT_LIMIT,
    DEFAULT_MAX_EDITS,
    DEFAULT_MIN_SCORE,
    check_query,
    document_check,
)
from hotlist._signing import KeyArg
from hotlist._snapshot import is_snapshot, open_state
from hotlist._snapshot_save import save_state
from hotlist._sql import SqlResult
from hotlist._staleness import (
    STALE_MODES,
    max_age_seconds,
    rollback_note,
    stale_text,
    valid_mode,
)
from hotlist._state import State
from hotlist._stats import Stats, stats_of
from hotlist._stream import DEFAULT_BATCH_SIZE, BatchSource, BatchStream, check_batches
from hotlist._vehicle_fast import vehicle_miss
from hotlist.audit import AuditLog, Session, SessionWho
from hotlist.extracts import LoadReport
from hotlist.schema import CheckResult

__all__ = [
    "CHECK_FIELDS",
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_EDITS",
    "DEFAULT_MIN_SCORE",
    "Hotlist",
    "load",
    "open",
]


class Hotlist:
    """Loaded hotlists and their indexes.  Create with :func:`hotlist.load`."""

    def __init__(
        self,
        state: State,
        *,
        max_age: dt.timedelta | float | None = None,
        stale: str = "warn",
        audit: AuditLog | None = None,
    ) -> None:
        self._lock = threading.Lock()  # serialises writers (apply, reload); checks never take it
        # The hotlist.AuditLog that sessions write to (None: sessions are not logged).
        self.audit = audit
        self._max_age = max_age_seconds(max_age)
        self._stale_mode = valid_mode("stale", stale, STALE_MODES)
        self._install(state)

    @classmethod
    def from_tables(
        cls,
        *,
        documents: pa.Table | None = None,
        vehicles: pa.Table | None = None,
        persons: pa.Table | None = None,
        tables: Mapping[str, pa.Table] | None = None,
        data_version: str | None = None,
        progress: bool | None = False,
    ) -> Hotlist:
        """A Hotlist over tables already in the canonical schemas (``hotlist.schema``,
        or a registered kind's ``schema``): the built-in kinds by keyword, any
        registered kind in ``tables`` (``{"firearms": table}``).

        For data that is already clean (from a database, or from
        :mod:`hotlist.synth`); extracts from outside go through :func:`load`,
        which validates and reports every row.
        """
        given = {"documents": documents, "vehicles": vehicles, "persons": persons}
        given |= dict(tables or {})
        canonical = {n: t for n, t in given.items() if t is not None}
        return cls(State.of_tables(canonical, data_version=data_version, progress=progress))

    # -- properties --------------------------------------------------------------
    @property
    def data_version(self) -> str:
        return self._state.data_version

    @property
    def report(self) -> LoadReport:
        """The load report: rows read, loaded and rejected, with every problem."""
        return self._state.report

    @property
    def tables(self) -> dict[str, pa.Table]:
        """The canonical Arrow tables (read-only views; do not mutate)."""
        return dict(self._state.tables)

    def __repr__(self) -> str:
        s = self._state
        counts = ", ".join(f"{n}={t.num_rows:,}" for n, t in s.tables.items())
        return f"<Hotlist {counts} data_version={s.data_version!r}>"

    # -- check -------------------------------------------------------------------
    # BEGIN generated: query fields (python -m hotlist._codegen; edit hotlist/fields.py, not this)
    @compiled_entry
    def check(
        self,
        *,
        document: str | None = None,
        country: str | None = None,
        document_type: str | None = None,
        mrz: str | None = None,
        vin: str | None = None,
        plate: str | None = None,
        name: str | None = None,
        family_name: str | None = None,
        given_names: str | None = None,
        dob: str | dt.date | None = None,
        nationality: str | None = None,
        sex: str | None = None,
        extra: Mapping[str, str] | None = None,
        limit: int = DEFAULT_LIMIT,
        min_score: float = DEFAULT_MIN_SCORE,
        max_edits: int = DEFAULT_MAX_EDITS,
        name_threshold: float | None = None,
    ) -> CheckResult:
        """Check one traveller, document, vehicle or person against every list.

        Keyword arguments only; combine as many as the situation gives:

        - ``document``: a travel or identity document number.
        - ``country``: the issuing state of the document, or where the plate is registered (ISO
          3166, name or MRZ code); qualifies ``document`` or ``plate``.
        - ``document_type``: passport, id_card, visa, residence_permit, travel_document or other;
          qualifies ``document``.
        - ``mrz``: the machine-readable zone (TD1, TD2, TD3, MRV-A, MRV-B); checks the document and
          its holder.
        - ``vin``: a full VIN, a shorter chassis number, or the last 6-8 characters of a VIN.
        - ``plate``: a licence plate.
        - ``name``: a person's name: "FAMILY, Given Names" or "Given Family".
        - ``family_name``: the family name (surname).
        - ``given_names``: the given names.
        - ``dob``: date of birth, ISO 8601, partial allowed (1974, 1974-08).
        - ``nationality``: a nationality (ISO 3166, name or MRZ code).
        - ``sex``: M, F or X.
        - ``extra``: the fields of a dataset kind registered at run time, by name
          (``extra={"serial": "..."}``; see :func:`hotlist.fields.register_field`).

        Options: ``limit`` (default 10) hits at most, best first; ``min_score``
        (default 0.5) drops weaker hits; ``max_edits`` (default 1; 0 for exact
        and OCR-equivalent keys only) is the edit tolerance for document
        numbers and VINs; ``name_threshold`` (default
        ``hotlist.names.MATCH_THRESHOLD``) is the least person score reported.

        Raises :class:`hotlist.InvalidQuery` for a value that cannot be used.
        """
        state = self._state
        stale = self._stale_note(state) if state.stale_after < time.time() else None
        if (
            stale is None
            and extra is None
            and document is not None
            and mrz is None
            and vin is None
            and plate is None
            and name is None
            and family_name is None
            and given_names is None
            and dob is None
            and nationality is None
            and sex is None
        ):
            # the border's commonest call, a document number alone
            return document_check(
                state, document, country, document_type, limit, min_score, max_edits, name_threshold
            )
        if (
            stale is None
            and extra is None
            and document is None
            and document_type is None
            and mrz is None
            and name is None
            and family_name is None
            and given_names is None
            and dob is None
            and nationality is None
            and sex is None
        ):
            # a VIN alone, or a plate (with its country): a miss answered at once
            missed = vehicle_miss(
                state, vin, plate, country, limit, min_score, max_edits, name_threshold
            )
            if missed is not None:
                return missed
        given = {
            "document": document,
            "country": country,
            "document_type": document_type,
            "mrz": mrz,
            "vin": vin,
            "plate": plate,
            "name": name,
            "family_name": family_name,
            "given_names": given_names,
            "dob": dob,
            "nationality": nationality,
            "sex": sex,
        }
        # END generated
        return check_query(
            state,
            given,
            extra,
            stale,
            limit=limit,
            min_score=min_score,
            max_edits=max_edits,
            name_threshold=name_threshold,
        )

    def check_many(
        self,
        queries: QueryInput,
        *,
        columns: Mapping[str, str | None] | None = None,
        progress: bool | None = None,
        **options: Unpack[CheckOptions],
    ) -> pa.Table:
        """Check many queries at once: one ``check()`` per row, answered in bulk.

        ``queries``: an Arrow table or record batch, a pandas or polars DataFrame, a
        DuckDB relation, anything with ``__arrow_c_stream__``, or a list of dicts.
        Columns named like a query field (``check()``'s keywords, and the fields of
        registered kinds) are the query; ``columns`` maps your column names to them
        (``{"doc_no": "document"}``), every other column passes through.  Arrow
        table out; see :func:`hotlist._batch.check_many` for its columns.  The
        options are ``check()``'s, plus ``workers`` (default 1): processes that check
        the name, MRZ, VIN and plate rows, this one included, each opening the data
        memory-mapped (:mod:`hotlist._batch_workers`; started with ``spawn``, so a
        script needs the ``if __name__ == "__main__":`` guard).  ``progress`` shows a progress
        bar (None: in a terminal or notebook, once the batch has run a second;
        False: never)."""
        state = self._state
        stale = self._stale_note(state) if state.stale_after < time.time() else None
        table = checked_in_parts(
            state,
            queries,
            columns=columns,
            progress=progress,
            snapshot=worker_snapshot,  # what workers=N > 1 opens (hotlist._batch_workers)
            **options,
        )
        return table if stale is None else _with_warning(table, stale)

    def check_batches(
        self,
        source: BatchSource,
        *,
        columns: Mapping[str, str | None] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: bool | None = False,
        **options: Unpack[CheckOptions],
    ) -> BatchStream:
        """Stream a manifest of any size: ``check_many``'s rows, a batch at a time.

        ``source``: a Parquet, CSV, JSON Lines or Arrow file or folder (read with
        ``pyarrow.dataset``; CSV columns as text), an Arrow table or record batch
        reader, or any iterable of record batches.  ``columns`` and the options are
        ``check_many``'s, plus ``batch_size`` (default 100,000 rows) and ``progress``.
        Returns a :class:`hotlist._stream.BatchStream`: iterate it for the result
        batches (``query_index`` counts rows over the whole stream); its totals and
        ``bad_rows`` (unreadable CSV rows, with file and line) grow as it goes."""
        return check_batches(
            self,
            source,
            columns=columns,
            batch_size=batch_size,
            progress=progress,
            **options,
        )

    def session(self, **who: Unpack[SessionWho]) -> Session:
        """A :class:`hotlist.audit.Session`: the same ``check`` / ``check_many``,
        stamped with who (``operator``, ``role``), where (``post``) and why
        (``purpose``, required), written to the audit log given at ``load`` /
        ``open`` (``audit=``), hits limited to the fields the role may see.
        ``roles``: a TOML file or mapping of roles (default: the packaged
        ``hotlist/audit/roles.toml``, or the file ``HOTLIST_ROLES`` names)."""
        return Session(self, **who)

    # -- analysts ----------------------------------------------------------------
    def sql(self, query: str, params: Any = None) -> SqlResult:
        """Run one read-only SQL statement (SELECT, WITH, DESCRIBE, SUMMARIZE,
        EXPLAIN; ``?`` placeholders filled from ``params``) over one view per
        dataset kind: ``documents``, ``vehicles``, ``persons``... (DuckDB, no
        file access).

        Returns a :class:`hotlist._sql.SqlResult`: ``.arrow()`` (a pyarrow Table,
        whatever the DuckDB version), ``.df()``, ``.pl()``, ``.fetchall()``,
        ``.show()``.  Nothing a call does changes what later calls see; anything
        else raises :class:`hotlist.InvalidQuery`.
        """
        return self._state.sql.sql(query, params)

    def stats(self) -> Stats:
        """Counts, data version and age, the load summary and the bytes held: a
        ``Stats`` (a dict with typed attributes, ``to_dict()`` and a
        notebook table)."""
        return stats_of(self._state, max_age=self._max_age, stale_mode=self._stale_mode)

    # -- lifecycle: snapshots, deltas, hot swap, staleness ------------------------
    def _install(self, state: State) -> None:
        """Make ``state`` the one every later check reads: one assignment."""
        deadline = state.data_time.timestamp() + self._max_age if self._max_age else math.inf
        if state.rollback_note is not None:
            deadline = -math.inf  # every check then asks _stale_note, which says so
        _oplog.installed(getattr(self, "_state", None), state)
        self._state = replace(state, stale_after=deadline)

    @property
    def max_age(self) -> dt.timedelta | None:
        """The age after which results carry a staleness warning (or are refused)."""
        return None if self._max_age is None else dt.timedelta(seconds=self._max_age)

    def set_max_age(self, max_age: dt.timedelta | float | None, *, stale: str = "warn") -> None:
        """Change ``max_age`` (a timedelta or seconds; None: never stale) and the
        ``stale`` mode: ``"warn"`` (a warning on every result) or ``"refuse"``
        (check() raises :class:`hotlist.StaleDataError`)."""
        valid_mode("stale", stale, STALE_MODES)
        with self._lock:
            self._max_age = max_age_seconds(max_age)
            self._stale_mode = stale
            self._install(self._state)

    @property
    def data_time(self) -> dt.datetime:
        """When the data was current: see ``stats()["data_time_source"]`` for where it came from."""
        return self._state.data_time

    @property
    def data_age(self) -> dt.timedelta:
        """How old the data is now."""
        return dt.datetime.now(dt.UTC) - self._state.data_time

    def _stale_note(self, state: State) -> str:
        """The staleness (and rollback) warning for ``state``; raises in refuse mode."""
        age = dt.datetime.now(dt.UTC) - state.data_time
        if state.rollback_note is not None:
            limit = self._max_age
            if limit is None or age.total_seconds() <= limit:
                return state.rollback_note
            return f"{state.rollback_note}; {self._stale_text(state, age)}"
        text = self._stale_text(state, age)
        _oplog.stale(state, text)
        return text

    def _stale_text(self, state: State, age: dt.timedelta) -> str:
        return stale_text(state, age, self._max_age, self._stale_mode)

    def save(
        self,
        path: str | Path,
        *,
        overwrite: bool = False,
        private_key: KeyArg | None = None,
        allow_rollback: bool = False,
        progress: bool | None = None,
    ) -> Path:
        """Write this data version as a snapshot folder that :func:`hotlist.open`
        memory-maps back in milliseconds.  Atomic: written to a hidden sibling
        folder, fsynced, then swapped in; ``overwrite=True`` replaces an existing
        snapshot (the path holds the old or the new one at every moment).
        ``private_key`` (Ed25519) signs the manifest.  Replacing a snapshot of
        newer data (a rollback) raises :class:`hotlist.VersionMismatchError`
        unless ``allow_rollback=True``.  ``progress`` shows a bar over the files
        written (None: in a terminal or notebook, once it has taken a second).
        Returns the folder."""
        return save_state(
            self._state,
            path,
            overwrite=overwrite,
            private_key=private_key,
            allow_rollback=allow_rollback,
            progress=progress,
        )

    def apply(
        self,
        delta: str | Path | None = None,
        /,
        *,
        extracts: Mapping[str, Paths] | None = None,
        mapping: Mapping[str, Mapping[str, str]] | None = None,
        base_version: str | None = None,
        public_key: KeyArg | None = None,
        **files: Unpack[BuiltinFiles],
    ) -> DeltaReport:
        """Apply a delta and swap the new data version in; see :mod:`hotlist._delta`.

        ``delta`` is a folder of ``documents.*``, ``vehicles.*``, ``persons.*``
        (``<kind>.*`` of every registered kind) delta extracts, and optionally
        ``delta.json`` naming its ``base_version``; or name the files per
        dataset (``documents=``..., or ``extracts={"<kind>": files}``).  Each
        file has the dataset's columns plus ``op``: ``upsert`` or ``delete``,
        keyed by ``record_id``.  A delta made for another data version raises
        :class:`hotlist.VersionMismatchError`; one already applied changes
        nothing.  Checks keep answering from the old version until the new one
        is swapped in.  Returns a :class:`hotlist.DeltaReport`.
        """
        named = named_extracts(extracts, files)
        with self._lock:
            state, report = apply_delta(
                self._state,
                delta,
                extracts=named,
                mapping=mapping,
                base_version=base_version,
                public_key=public_key,
            )
            if state is not self._state:
                self._install(state)
        return report

    def reload(
        self,
        source: str | Path | None = None,
        /,
        *,
        extracts: Mapping[str, Paths] | None = None,
        mapping: Mapping[str, Mapping[str, str]] | None = None,
        strict: bool = False,
        verify: bool | str = "checksum",
        public_key: KeyArg | None = None,
        data_time: dt.datetime | str | None = None,
        rollback: str = "warn",
        **files: Unpack[BuiltinFiles],
    ) -> str:
        """Replace the data with a snapshot folder or with full extracts, hot.

        The new version is built off to the side while checks keep answering
        from the current one, then swapped in with one assignment.  If anything
        fails (an unreadable extract, a snapshot that fails ``verify``, a bad
        signature) the error is raised and the current version keeps serving.
        Data older than the version served (an earlier data time, or a version
        the current one grew from) is a rollback: with ``rollback="warn"`` (the
        default) it is served and every result carries a warning saying so until
        newer data is installed; ``"refuse"`` raises
        :class:`hotlist.VersionMismatchError` and keeps the current version;
        ``"allow"`` goes back without a word (a deliberate return to known data).
        ``verify`` is as for :func:`hotlist.open`, ``data_time`` and
        ``extracts`` as for :func:`hotlist.load`.  Returns the new data version.
        """
        named = named_extracts(extracts, files)
        with self._lock:
            if source is not None and is_snapshot(source):
                state = open_state(source, verify=verify, public_key=public_key)
            else:
                state = load_state(
                    source,
                    extracts=named,
                    mapping=mapping,
                    strict=strict,
                    public_key=public_key,
                    progress=False,
                    data_time=data_time,
                )
            what = "the new data" if source is None else f"{source}"
            note = rollback_note(self._state, state, what=what, mode=rollback)
            state = replace(state, rollback_note=note)
            self._install(state)
        return state.data_version


def _with_warning(table: pa.Table, warning: str) -> pa.Table:
    """``table`` (a check_many result) with ``warning`` added to every row's warnings."""
    i = table.schema.get_field_index("warnings")
    if i < 0:
        return table
    lists = table.column(i).combine_chunks()
    if lists.null_count:
        lists = lists.fill_null(pa.scalar([], lists.type))
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    old = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths + 1, out=offsets[1:])
    # Each row gains one entry at its end: row r's old entries shift by r places.
    take = np.full(int(offsets[-1]), len(old), dtype=np.int64)
    take[np.arange(len(old)) + parents] = np.arange(len(old))
    values = pa.concat_arrays([old.cast(pa.string()), pa.array([warning], pa.string())])
    column = pa.ListArray.from_arrays(pa.array(offsets), values.take(pa.array(take)))
    return table.set_column(i, table.schema.field(i), column.cast(table.schema.field(i).type))


def load(
    folder: str | Path | None = None,
    /,
    *,
    extracts: Mapping[str, Paths] | None = None,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    strict: bool = False,
    progress: bool | None = None,
    public_key: KeyArg | None = None,
    max_age: dt.timedelta | float | None = None,
    stale: str = "warn",
    data_time: dt.datetime | dt.date | str | None = None,
    audit: AuditLog | None = None,
    **files: Unpack[BuiltinFiles],
) -> Hotlist:
    """Load extracts and build the indexes.

    ``folder`` is searched for ``documents.*``, ``vehicles.*`` and ``persons.*``
    (and ``<kind>.*`` of every kind registered with :mod:`hotlist.datasets`;
    CSV, Parquet, JSON Lines, Arrow IPC); or name the files per dataset
    (``documents=``..., or ``extracts={"<kind>": files}`` for any kind).
    ``mapping`` renames foreign columns per dataset, e.g.
    ``{"documents": {"DIN": "document_number"}}``.  Bad rows are left out and
    reported in ``hl.report``; ``strict=True`` raises :class:`hotlist.ExtractError`
    instead.  ``progress`` shows a progress bar (default: when on a terminal).

    ``public_key`` (Ed25519: a key, raw bytes, PEM or a key file) makes every
    extract file need a valid detached signature ``<file>.sig``; one missing or
    failing raises :class:`hotlist.IntegrityError` before anything is read.
    ``max_age`` (a timedelta or seconds) marks data older than that as stale:
    every result then carries a warning, or with ``stale="refuse"`` check()
    raises :class:`hotlist.StaleDataError`.  The data's age is measured from
    ``data_time`` (when the list was current: a datetime or ISO 8601 text), else
    from a ``data_time`` in the extracts' own metadata (Parquet / Arrow schema
    metadata, or a sidecar ``extract.json``), else from the files' modification
    times, which ``stats()["data_time_source"]`` then says.
    """
    state = load_state(
        folder,
        extracts=named_extracts(extracts, files),
        mapping=mapping,
        strict=strict,
        public_key=public_key,
        progress=progress,
        data_time=data_time,
    )
    return Hotlist(state, max_age=max_age, stale=stale, audit=audit)


def open(
    path: str | os.PathLike[str],
    *,
    verify: bool | str = "checksum",
    public_key: KeyArg | None = None,
    max_age: dt.timedelta | float | None = None,
    stale: str = "warn",
    audit: AuditLog | None = None,
) -> Hotlist:
    """Open a snapshot written by :meth:`Hotlist.save`: memory-mapped, no index rebuilt.

    Every byte is checked against the manifest before anything is mapped, so a
    damaged file raises :class:`hotlist.IntegrityError` naming it and never
    reaches native code.  ``verify``: ``"checksum"`` (the default; CRC-32,
    about 1.5 GB/s per core, detects any damage), ``True`` or ``"sha256"``
    (SHA-256, about 0.5 GB/s per core, detects deliberate changes too),
    ``False`` (the same as the default), ``"size"`` (sizes only, for storage
    that checks its own bytes: a damaged file may then crash the process or
    answer wrongly; the only way to skip the check).  A
    ``public_key`` (Ed25519) checks the manifest's signature
    ``manifest.json.sig`` and forces SHA-256, so the signature covers every
    file.  ``max_age`` and ``stale`` are as for :func:`hotlist.load`.
    """
    state = open_state(path, verify=verify, public_key=public_key)
    return Hotlist(state, max_age=max_age, stale=stale, audit=audit)
