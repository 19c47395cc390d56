"""hotlist._records: a record read from the table's buffers is exactly Arrow's
``table.slice(row, 1).to_pylist()[0]``, for every kind's schema (the three
built-in ones and the test-only firearms kind), with nulls, several chunks and
sliced arrays."""

from __future__ import annotations

import datetime as dt
import gc

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firearms_kind import SCHEMA as FIREARMS_SCHEMA
from hotlist import synth
from hotlist._records import _READERS, RecordReader, record_reader
from hotlist.schema import DOCUMENTS_SCHEMA, PERSONS_SCHEMA, VEHICLES_SCHEMA

SCHEMAS = {
    "documents": DOCUMENTS_SCHEMA,
    "vehicles": VEHICLES_SCHEMA,
    "persons": PERSONS_SCHEMA,
    "firearms": FIREARMS_SCHEMA,
}

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
CODES = st.sampled_from(["DEU", "UTO", "passport", "stolen", "M", "red", "", "é"])


def _values(kind: pa.DataType) -> st.SearchStrategy[object]:
    if pa.types.is_dictionary(kind):
        return CODES
    if pa.types.is_string(kind):
        return TEXT
    if pa.types.is_date32(kind):
        return st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    if pa.types.is_list(kind):
        return st.lists(st.none() | TEXT, max_size=3)
    if pa.types.is_integer(kind):
        bits = kind.bit_width - 1
        return st.integers(-(2**bits), 2**bits - 1)
    raise AssertionError(f"no strategy for {kind}")


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    schema = draw(st.sampled_from(list(SCHEMAS.values())))
    n = draw(st.integers(1, 12))
    columns = {}
    for f in schema:
        values = st.none() | _values(f.type) if f.nullable else _values(f.type)
        columns[f.name] = draw(st.lists(values, min_size=n, max_size=n))
    table = pa.table(columns, schema=schema)
    # several chunks (some empty), and arrays that are slices of larger ones
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    parts = [table.slice(a, b - a) for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
    if draw(st.booleans()):
        parts = [pa.concat_tables([p, p]).slice(len(p), len(p)) for p in parts]
    table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    if draw(st.booleans()):  # one column chunked otherwise (empty chunks too)
        j = draw(st.integers(0, table.num_columns - 1))
        own = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
        whole = table.column(j).combine_chunks()
        chunks = [whole.slice(a, b - a) for a, b in zip([0, *own], [*own, n], strict=True)]
        table = table.set_column(j, table.field(j), pa.chunked_array(chunks, whole.type))
    return table


@settings(max_examples=300, deadline=None)
@given(tables())
def test_a_record_is_arrows_row(table: pa.Table) -> None:
    read = RecordReader(table)
    for row in range(table.num_rows):
        assert read(row) == table.slice(row, 1).to_pylist()[0]


@pytest.mark.parametrize(
    "table",
    [synth.documents(500, seed=3), synth.documents(500, seed=4).combine_chunks()],
    ids=["documents", "combined"],
)
def test_synthetic_documents(table: pa.Table) -> None:
    read = record_reader(table)
    for row in range(table.num_rows):
        record = read(row)
        assert record == table.slice(row, 1).to_pylist()[0]
        assert all(type(v) is dt.date for k, v in record.items() if k.endswith("_on") and v)


def test_out_of_range_row() -> None:
    read = RecordReader(synth.documents(3, seed=1))
    with pytest.raises(IndexError):
        read(3)
    with pytest.raises(IndexError):
        read(-1)


def test_reader_cached_per_table_and_dropped_with_it() -> None:
    table = synth.documents(10, seed=2)
    assert record_reader(table) is record_reader(table)
    key = id(table)
    del table
    gc.collect()
    assert key not in _READERS


@settings(max_examples=150, deadline=None)
@given(tables(), st.data())
def test_prefetch_is_a_hint_for_any_table(table: pa.Table, data: st.DataObject) -> None:
    """RecordReader.prefetcher: for any column subset of any kind's table (chunked,
    sliced, nulls, every column type), a call with any rows -- out of range,
    negative, more than it prefetches -- returns None and changes no record."""
    read = RecordReader(table)
    names = tuple(data.draw(st.lists(st.sampled_from([*table.column_names, "nope"]))))
    rows = data.draw(st.lists(st.integers(-3, table.num_rows + 3), max_size=20))
    prefetch = read.prefetcher(names)
    assert read.prefetcher(names) is prefetch  # made once per column set
    assert prefetch(rows) is None
    for row in range(table.num_rows):
        assert read(row) == table.slice(row, 1).to_pylist()[0]


def test_prefetch_compiled_sees_single_chunk_columns() -> None:
    fast = pytest.importorskip("hotlist.index._fast", reason="compiled kernel not built")
    table = synth.documents(50, seed=2).combine_chunks()
    prefetch = RecordReader(table).prefetcher(("document_number", "issuing_country", "status"))
    assert isinstance(prefetch, fast.RowPrefetch)
    prefetch(list(range(50)))
    with pytest.raises(ValueError, match="1-D contiguous"):
        fast.RowPrefetch([np.zeros((2, 2))], [])
    with pytest.raises(ValueError, match="offsets"):
        fast.RowPrefetch([], [(np.zeros(3, np.float64), np.zeros(1, np.uint8))])
