"""One data version: the canonical tables, an index per dataset kind, and where
the data came from.

A :class:`State` is immutable: a check reads one and answers from it alone, and a
reload or delta builds a new one off to the side (:mod:`hotlist._loading`,
:mod:`hotlist._delta`, :mod:`hotlist._snapshot`) that the Hotlist swaps in with
one assignment.  Tables and indexes are keyed by kind name
(:mod:`hotlist.datasets`); every registered kind has both, empty when no extract
of it was loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pyarrow as pa

from hotlist import datasets
from hotlist._coverage import Coverage
from hotlist._documents import DocumentIndex, PersonDocumentIndex
from hotlist._errors import InvalidQuery
from hotlist._persons import PersonIndex
from hotlist._progress import Steps
from hotlist._sql import SqlBackend
from hotlist._vehicles import VehicleIndex
from hotlist.extracts import DatasetReport, LoadReport

__all__ = ["State", "full_tables"]


def full_tables(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """``tables`` with an empty table for every registered kind not among them, in
    the registry's order."""
    return {
        kind.name: tables[kind.name] if kind.name in tables else kind.schema.empty_table()
        for kind in datasets.kinds()
    }


@dataclass(frozen=True)
class State:
    """One data version: tables, indexes and the SQL views over them."""

    tables: Mapping[str, pa.Table]
    # The index of each kind, by kind name (hotlist.datasets: Kind.build).
    indexes: Mapping[str, Any]
    data_version: str
    data_time: dt.datetime
    loaded_at: dt.datetime
    report: LoadReport
    sources: tuple[str, ...]
    sql: SqlBackend = field(repr=False)
    build_seconds: float = 0.0
    # Content digests of the deltas applied since the full load (hotlist._delta).
    applied_deltas: tuple[str, ...] = ()
    # time.time() after which check() calls this data stale (the Hotlist's max_age).
    stale_after: float = math.inf
    # Where data_time came from: "argument", "extract metadata", "delta.json",
    # "file modification time" (a copy makes old data look fresh), ...
    data_time_source: str = "file modification time"
    # The versions this one grew from, oldest first: (data_version, data_time ISO).
    lineage: tuple[tuple[str, str], ...] = ()
    # Set when a reload went back to older data: every result then says so.
    rollback_note: str | None = None
    # What a fast path works out once per state (hotlist._vehicle_fast), kept here
    # so that it lives exactly as long as the state (a module-level cache would
    # keep a replaced state's indexes alive).  Not part of the data.
    fast: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    # The built-in kinds' indexes as attributes: the check path reads them on every
    # call, so each is looked up once per state (then a plain attribute read).
    @cached_property
    def documents(self) -> DocumentIndex:
        index: DocumentIndex = self.indexes["documents"]
        return index

    @cached_property
    def vehicles(self) -> VehicleIndex:
        index: VehicleIndex = self.indexes["vehicles"]
        return index

    @cached_property
    def persons(self) -> PersonIndex:
        """The wanted persons' name index."""
        index: PersonIndex = self.indexes["persons"].names
        return index

    @cached_property
    def person_documents(self) -> PersonDocumentIndex:
        """The document numbers listed on wanted persons."""
        index: PersonDocumentIndex = self.indexes["persons"].documents
        return index

    @cached_property
    def coverage(self) -> Coverage:
        """Which lists a query searches, and a warning for a field whose list is
        empty or not loaded (:mod:`hotlist._coverage`); worked out once per version."""
        return Coverage({name: t.num_rows for name, t in self.tables.items()})

    def with_data_time_source(self, source: str) -> State:
        """This state, saying where its data time came from."""
        return replace(self, data_time_source=source)

    def nbytes(self) -> dict[str, int]:
        """Bytes each kind's index holds."""
        return {
            kind.name: kind.nbytes(self.indexes[kind.name])
            for kind in datasets.kinds()
            if kind.name in self.indexes
        }

    @classmethod
    def build(
        cls,
        tables: Mapping[str, pa.Table],
        report: LoadReport,
        *,
        data_version: str,
        data_time: dt.datetime,
        sources: Sequence[str] = (),
        progress: bool | None = None,
    ) -> State:
        """The state over canonical ``tables`` (a missing kind: empty), every index built."""
        started = time.perf_counter()
        full = full_tables(tables)
        kinds = datasets.kinds()
        steps = Steps(len(kinds), enabled=progress, title="hotlist: building indexes", unit="steps")
        indexes: dict[str, Any] = {}
        try:
            for kind in kinds:
                with steps.step(f"indexing {kind.name}"):
                    indexes[kind.name] = kind.build(full[kind.name])
        finally:
            steps.close()
        # The builds free large temporaries (hashes, sort permutations, key copies);
        # hand them back to the OS rather than keep them in the allocator's pools.
        pa.default_memory_pool().release_unused()
        return cls(
            tables=full,
            indexes=indexes,
            data_version=data_version,
            data_time=data_time,
            loaded_at=dt.datetime.now(dt.UTC),
            report=report,
            sources=tuple(sources),
            sql=SqlBackend(full),
            build_seconds=time.perf_counter() - started,
        )

    @classmethod
    def of_tables(
        cls,
        tables: Mapping[str, pa.Table],
        *,
        data_version: str | None = None,
        progress: bool | None = False,
    ) -> State:
        """The state over tables already in their kinds' canonical schemas (cast to
        them; InvalidQuery when one is not), dated now; ``data_version`` defaults
        to a digest of the tables' bytes."""
        canonical: dict[str, pa.Table] = {}
        for name, table in tables.items():
            try:
                schema = datasets.get(name).schema
                canonical[name] = table.select(schema.names).cast(schema)
            except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InvalidQuery(f"{name}: not in the canonical schema: {exc}") from exc
        report = LoadReport(
            datasets={
                n: DatasetReport(dataset=n, read=t.num_rows, loaded=t.num_rows)
                for n, t in canonical.items()
            }
        )
        if data_version is None:
            h = hashlib.sha256()
            for name in sorted(canonical):
                for batch in canonical[name].to_batches():
                    for col in batch.columns:
                        for buf in col.buffers():
                            if buf is not None:
                                h.update(buf)
            data_version = h.hexdigest()[:16]
        now = dt.datetime.now(dt.UTC)
        return cls.build(
            canonical, report, data_version=data_version, data_time=now, progress=progress
        )
