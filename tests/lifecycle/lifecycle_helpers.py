"""Helpers of the lifecycle tests: a battery of queries, their answers, delta writers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import hotlist
from hotlist.schema import SCHEMAS

# Queries that cover every match level of every dataset, and misses.
BATTERY: tuple[dict[str, str], ...] = (
    {"document": "L898902C3", "country": "UTO"},
    {"document": "L8989O2C3", "country": "UTO"},
    {"document": "L89890C3", "country": "UTO"},
    {"document": "L898902C3", "country": "DEU"},
    {"document": "D23145890"},
    {"document": "X1234567", "country": "FRA"},
    {
        "mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
        "L898902C37UTO7408122F1204159ZE184226B<<<<<10"
    },
    {"vin": "1M8GDM9AXKP042788"},
    {"vin": "KP042788"},
    {"plate": "A8-123-CD", "country": "FRA"},
    {"plate": "AB-123-CD"},
    {"name": "Anna Maria Eriksson", "dob": "1974-12-08"},
    {"name": "ERIKSON, Anna", "nationality": "UTO"},
    {"name": "Nobody Atall"},
)


def answers(hl: hotlist.Hotlist) -> list[dict[str, object]]:
    """The battery's results as plain data."""
    return [hl.check(**q).model_dump() for q in BATTERY]


def write_delta(
    path: Path, rows: pa.Table | None = None, *, deletes: Sequence[str] = (), dataset: str = ""
) -> Path:
    """A Parquet delta: ``rows`` upserted (canonical columns), ``deletes`` deleted."""
    schema = SCHEMAS[dataset or path.name.split(".")[0]]  # type: ignore[index]
    target = pa.schema([_plain(f) for f in schema] + [pa.field("op", pa.string())])
    parts = []
    if rows is not None and rows.num_rows:
        n = rows.num_rows
        columns = {
            f.name: rows.column(f.name).cast(f.type)
            if f.name in rows.column_names
            else pa.nulls(n, f.type)
            for f in target
        }
        columns["op"] = pa.array(["upsert"] * n)
        parts.append(pa.table(columns, schema=target))
    if deletes:
        columns = {f.name: pa.nulls(len(deletes), f.type) for f in target}
        columns["record_id"] = pa.array(list(deletes), pa.string())
        columns["op"] = pa.array(["delete"] * len(deletes))
        parts.append(pa.table(columns, schema=target))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.concat_tables(parts), path)
    return path


def _plain(f: pa.Field) -> pa.Field:
    """Dictionary columns as plain strings, every column nullable (deletes carry nulls)."""
    t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
    return pa.field(f.name, t, nullable=True)
