"""check_many on the frames people actually have (issue 9.6) and with their own
columns (issue 16.1): pass-through columns, ``columns=`` mapping, every input kind.

A messy value with one obvious meaning is coerced (NaN / None / NaT missing, a
whole number its digits, a datetime a date of birth); anything else is an error on
its own row, never a failed batch.  The property test compares every row with
``check()`` on the value a separately written reference coercion gives.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from engine_tables import PERSONS, documents_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotlist

DOCS = [
    ("D1", "L898902C3", "UTO", "passport", "stolen"),
    ("D2", "12345678", "DEU", "id_card", "lost"),
    ("D3", "00012345", "FRA", "passport", "stolen"),
]


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(documents=documents_table(DOCS), persons=PERSONS)


def _by_query(table: pa.Table) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in table.to_pylist():
        out.setdefault(r["query_index"], []).append(r)
    return out


def _hits(rows: list[dict[str, Any]]) -> list[tuple[str, float]]:
    return [(r["record_id"], r["score"]) for r in rows if r["hit"]]


def _expected(hl: hotlist.Hotlist, query: dict[str, Any]) -> list[tuple[str, float]]:
    return [(h.record_id, h.score) for h in hl.check(**query).hits]


# -- issue 16.1: pass-through columns and columns= -----------------------------------


MANIFEST = {
    "passenger_id": [101, 102, 103],
    "flight": ["LX318", "LX318", "AF1234"],
    "doc_no": ["L898902C3", "ZZ0000001", "12345678"],
    "issuer": ["UTO", "UTO", "DEU"],
}
COLUMNS = {"doc_no": "document", "issuer": "country"}


def test_extra_columns_pass_through_to_every_output_row(hl: hotlist.Hotlist) -> None:
    table = hl.check_many(pa.table(MANIFEST), columns=COLUMNS)
    assert isinstance(table, pa.Table)
    names = table.column_names
    assert names[:5] == ["query_index", "passenger_id", "flight", "doc_no", "issuer"]
    assert table.schema.field("passenger_id").type == pa.int64()
    by_query = _by_query(table)
    assert len(by_query[0]) == 2  # the document and the wanted person listing it
    for i, rows in by_query.items():
        for r in rows:
            assert (r["passenger_id"], r["flight"]) == (
                MANIFEST["passenger_id"][i],
                MANIFEST["flight"][i],
            )
    assert _hits(by_query[0]) == _expected(hl, {"document": "L898902C3", "country": "UTO"})
    assert _hits(by_query[1]) == []
    assert _hits(by_query[2]) == [("D2", 1.0)]


def test_every_input_kind_gives_the_same_rows(hl: hotlist.Hotlist) -> None:
    import duckdb

    arrow = pa.table(MANIFEST)
    expected = hl.check_many(arrow, columns=COLUMNS).to_pylist()
    frame = arrow.to_pandas()
    con = duckdb.connect()
    relation = con.from_arrow(arrow)
    for given_input in (
        frame,
        pl.from_arrow(arrow),
        arrow.to_batches()[0],
        frame.to_dict("records"),
        relation,
    ):
        got = hl.check_many(given_input, columns=COLUMNS)
        assert isinstance(got, pa.Table)
        assert got.to_pylist() == expected, type(given_input)


def test_columns_mapping_errors_are_clear(hl: hotlist.Hotlist) -> None:
    with pytest.raises(hotlist.InvalidQuery, match="not a column"):
        hl.check_many(pa.table(MANIFEST), columns={"passport": "document"})
    with pytest.raises(hotlist.InvalidQuery, match="not a check"):
        hl.check_many(pa.table(MANIFEST), columns={"doc_no": "passport"})
    with pytest.raises(hotlist.InvalidQuery, match="result column"):
        hl.check_many([{"document": "L898902C3", "score": 3}])


def test_a_keyword_column_mapped_to_none_only_passes_through(hl: hotlist.Hotlist) -> None:
    rows = [{"document": "L898902C3", "country": "UTO", "name": "Someone Else"}]
    plain = hl.check_many(rows, columns={"name": None}).to_pylist()
    assert {r["name"] for r in plain} == {"Someone Else"}
    assert _hits(plain) == _expected(hl, {"document": "L898902C3", "country": "UTO"})


# -- issue 9.6: messy frames ---------------------------------------------------------


def test_pandas_object_column_mixing_text_and_numbers(hl: hotlist.Hotlist) -> None:
    frame = pd.DataFrame(
        {
            "document": ["L898902C3", 12345678, None, np.nan, 12345678.0, 1.5, True],
            "seat": ["1A", 2, "3C", None, 5, "6F", 7],  # passes through as text
        }
    )
    by_query = _by_query(hl.check_many(frame))
    assert _hits(by_query[0])[0][0] == "D1"
    assert _hits(by_query[1]) == [("D2", pytest.approx(0.95))]
    assert _hits(by_query[4]) == _hits(by_query[1])
    for i in (2, 3):  # missing: an empty query, said so
        assert "empty query" in by_query[i][0]["error"]
    assert "1.5" in by_query[5][0]["error"]
    assert "true/false" in by_query[6][0]["error"]
    assert [rows[0]["seat"] for rows in by_query.values()] == [
        "1A",
        "2",
        "3C",
        None,
        "5",
        "6F",
        "7",
    ]


def test_records_with_nan_for_missing_values(hl: hotlist.Hotlist) -> None:
    frame = pd.DataFrame(
        {
            "document": ["L898902C3", None, "12345678"],
            "country": ["UTO", None, np.nan],
            "name": [np.nan, "ERIKSSON, Anna Maria", None],
        }
    )
    for given_input in (frame.to_dict("records"), frame):
        by_query = _by_query(hl.check_many(given_input))
        assert all(rows[0]["error"] is None for rows in by_query.values())
        assert _hits(by_query[0]) == _expected(hl, {"document": "L898902C3", "country": "UTO"})
        assert _hits(by_query[1]) == _expected(hl, {"name": "ERIKSSON, Anna Maria"})
        assert _hits(by_query[2]) == _expected(hl, {"document": "12345678"})


@pytest.mark.parametrize(
    "dob",
    [
        pd.Series([pd.Timestamp("1974-08-12"), pd.NaT]),  # datetime64[ns]
        pd.Series([pd.Timestamp("1974-08-12", tz="UTC"), pd.NaT]),
        pd.Series([dt.date(1974, 8, 12), None], dtype=object),
        pd.Series([dt.datetime(1974, 8, 12, 0, 0), None], dtype=object),
        pd.Series(["1974-08-12", np.nan], dtype=object),
    ],
)
def test_dates_of_birth_as_dates_and_timestamps(hl: hotlist.Hotlist, dob: pd.Series) -> None:
    frame = pd.DataFrame({"name": ["ERIKSSON, Anna Maria", "SMITH, John"], "dob": dob})
    expected = [
        _expected(hl, {"name": "ERIKSSON, Anna Maria", "dob": "1974-08-12"}),
        _expected(hl, {"name": "SMITH, John"}),
    ]
    for given_input in (frame, frame.to_dict("records"), pa.Table.from_pandas(frame)):
        by_query = _by_query(hl.check_many(given_input))
        assert [rows[0]["error"] for rows in by_query.values()] == [None, None]
        assert [_hits(rows) for rows in by_query.values()] == expected


def test_int_document_columns_are_their_digits(hl: hotlist.Hotlist) -> None:
    for column in (
        pa.array([12345678, 12345, None], pa.int64()),
        pa.array([12345678, 12345, None], pa.int32()),
    ):
        by_query = _by_query(hl.check_many(pa.table({"document": column})))
        assert _hits(by_query[0]) == _expected(hl, {"document": "12345678"})
        # found, but a number cannot carry leading zeros: said on every such row
        for i in (0, 1):
            assert any("given as a number" in w for w in by_query[i][0]["warnings"])
        # the leading zeros of 00012345 are gone from an int: found one edit... or not,
        # but never an error
        assert by_query[1][0]["error"] is None
        assert "empty query" in by_query[2][0]["error"]


def test_duplicate_column_names(hl: hotlist.Hotlist) -> None:
    frame = pd.DataFrame(
        [["L898902C3", "L898902C3", "A"], ["12345678", None, "B"], ["12345678", "L898902C3", "C"]],
        columns=["document", "document", "ref"],
    )
    table = hl.check_many(frame)
    assert table.column_names[:4] == ["query_index", "document", "document.1", "ref"]
    by_query = _by_query(table)
    assert _hits(by_query[0]) == _expected(hl, {"document": "L898902C3"})
    assert _hits(by_query[1]) == _expected(hl, {"document": "12345678"})
    assert "disagree" in by_query[2][0]["error"]
    assert not by_query[2][0]["hit"]


def test_surrogates_are_a_row_error_not_a_failed_batch(hl: hotlist.Hotlist) -> None:
    bad = b"L898902C3\xff".decode("utf-8", "surrogateescape")
    rows = [
        {"document": bad, "note": bad},
        {"document": "L898902C3", "note": "fine"},
    ]
    # (pandas' own string dtype cannot hold a surrogate: such data comes as objects)
    for given_input in (rows, pd.DataFrame(rows, dtype=object)):
        by_query = _by_query(hl.check_many(given_input))
        assert "U+DCFF" in by_query[0][0]["error"]
        assert by_query[0][0]["note"] == "L898902C3\ufffd"
        assert _hits(by_query[1]) == _expected(hl, {"document": "L898902C3"})


# -- the property: check_many == check() per row, on messy values --------------------


def _reference(keyword: str, value: Any) -> tuple[str, Any]:
    """The value check() is asked with, written apart from the library's coercion:
    ("missing", None), ("value", text) or ("error", None)."""
    if isinstance(value, np.generic):  # what a pandas row holds
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ("missing", None)
    if isinstance(value, bool):
        return ("error", None)
    if isinstance(value, int):
        return ("value", str(value))
    if isinstance(value, float):
        return ("value", str(int(value))) if value == int(value) else ("error", None)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return ("value", value.strftime("%Y-%m-%d")) if keyword == "dob" else ("error", None)
    if isinstance(value, dt.date):
        return ("value", value.strftime("%Y-%m-%d")) if keyword == "dob" else ("error", None)
    assert isinstance(value, str)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ("error", None)
    return ("value", value)


DOCUMENT_VALUES = st.one_of(
    st.sampled_from(["L898902C3", "12345678", "l898-902c3", "1234567B", "ZZ1", "", "A#1"]),
    st.sampled_from([12345678, 1234567, 12345, 0, -5, 12345678.0, 1.5, math.nan, True]),
    st.sampled_from([None, "L898902C3\udc80", dt.date(2020, 1, 1)]),
)
DOB_VALUES = st.sampled_from(
    [
        None,
        math.nan,
        "1974-08-12",
        "1974",
        dt.date(1974, 8, 12),
        dt.datetime(1974, 8, 12, 13, 30),
        pd.Timestamp("1974-08-12"),
        pd.NaT,
        1974,
        "1974-13-45",
        2.5,
    ]
)
NAME_VALUES = st.sampled_from([None, math.nan, "ERIKSSON, Anna Maria", "SMITH, John", 42])
ROWS = st.fixed_dictionaries(
    {"document": DOCUMENT_VALUES},
    optional={
        "country": st.sampled_from([None, "UTO", "DEU", math.nan, 276]),
        "dob": DOB_VALUES,
        "name": NAME_VALUES,
        "passenger": st.one_of(st.integers(), st.text(max_size=3), st.none()),
    },
)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    try:
        return pd.DataFrame(rows)
    except UnicodeEncodeError:  # pandas' string dtype cannot hold a surrogate
        return pd.DataFrame(rows, dtype=object)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROWS, min_size=1, max_size=12), st.sampled_from(["records", "pandas"]))
def test_check_many_equals_check_per_row_on_messy_values(
    hl: hotlist.Hotlist, rows: list[dict[str, Any]], kind: str
) -> None:
    given_input: Any = rows if kind == "records" else _frame(rows)
    by_query = _by_query(hl.check_many(given_input))
    assert sorted(by_query) == list(range(len(rows)))
    for i, given_row in enumerate(rows):
        # a pandas row holds what pandas made of the values (numpy scalars, Timestamps)
        row = dict(given_input.iloc[i].items()) if kind == "pandas" else given_row
        query: dict[str, Any] = {}
        coercible = True
        numbered = False  # a document number given as a number: said in a warning
        for k, v in row.items():
            if k == "passenger":
                continue
            how, text = _reference(k, v)
            if how == "error":
                coercible = False
            elif how == "value":
                query[k] = text
                value = v.item() if isinstance(v, np.generic) else v
                numbered |= k == "document" and type(value) in (int, float)
        got = by_query[i]
        if not coercible:
            assert got[0]["error"] is not None and not got[0]["hit"], (row, got)
            continue
        try:
            expected = hl.check(**query)
        except hotlist.InvalidQuery as exc:
            assert got[0]["error"] == str(exc), (row, query)
            continue
        assert got[0]["error"] is None, (row, query, got[0]["error"])
        assert _hits(got) == [(h.record_id, h.score) for h in expected.hits], (row, query)
        notes = (
            [f"document was given as a number and checked as {query['document']!r}"]
            if numbered
            else []
        )
        assert [w.split(":")[0] for w in got[0]["warnings"]] == [
            w.split(":")[0] for w in notes + expected.warnings
        ], (row, got[0]["warnings"])


def test_a_mixed_object_column_is_read_value_by_value(hl: hotlist.Hotlist) -> None:
    # Arrow would make one type of [date, 1974, 2.5] and read 1974 and 2.5 as dates
    # in January 1970; each value keeps its own meaning instead.
    frame = pd.DataFrame(
        {
            "document": ["L898902C3"] * 3,
            "dob": pd.Series([pd.Timestamp("1974-08-12"), 1974, 2.5], dtype=object),
        }
    )
    for given_input in (frame, frame.to_dict("records")):
        table = hl.check_many(given_input)
        by_query = _by_query(table)
        assert [rows[0]["dob"] for rows in by_query.values()][:2] == ["1974-08-12", "1974"]
        assert _hits(by_query[1]) == _expected(hl, {"document": "L898902C3", "dob": "1974"})
        assert "2.5" in by_query[2][0]["error"]
