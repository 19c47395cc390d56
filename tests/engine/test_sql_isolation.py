"""hl.sql(): one call never changes what another sees, and the result type does not
depend on the DuckDB version installed (issue 9.11)."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import hotlist
from hotlist._sql import SqlResult

COUNT = "select count(*) from documents"


@pytest.mark.parametrize(
    ("statement", "later"),
    [
        ("create macro docs_of(x) as x", "select docs_of(1)"),
        ("create or replace temp table documents as select 1 as x", None),
        ("create temp table scratch as select 1 as x", "select * from scratch"),
        ("create view persons as select 1 as x", None),
        ("set threads = 1", None),
        ("set variable y = 1", "select getvariable('y') is not null"),
        ("attach ':memory:' as other", "select * from other.information_schema.tables"),
        ("pragma enable_profiling", None),
        ("select 1; create macro m2(x) as x", "select m2(1)"),
    ],
)
def test_a_call_cannot_change_what_later_calls_see(
    hl: hotlist.Hotlist, statement: str, later: str | None
) -> None:
    before = hl.sql(COUNT).fetchall()
    threads = hl.sql("select current_setting('threads')").fetchall()
    with pytest.raises(hotlist.InvalidQuery):
        hl.sql(statement)
    if later is not None:
        with pytest.raises(hotlist.InvalidQuery):
            result = hl.sql(later).fetchall()
            assert result != [(True,)]  # a variable read back as null is fine too
            raise hotlist.InvalidQuery("read back nothing")
    assert hl.sql(COUNT).fetchall() == before
    assert hl.sql("select current_setting('threads')").fetchall() == threads


def test_sql_cannot_touch_files(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(hotlist.InvalidQuery):
        hl.sql(f"copy documents to '{target}'")
    with pytest.raises(hotlist.InvalidQuery):
        hl.sql(f"select * from read_csv('{Path(__file__)}')")
    assert not target.exists()


def test_the_result_type_is_ours_whatever_duckdb_returns(hl: hotlist.Hotlist) -> None:
    result = hl.sql("select record_id, status from documents order by record_id")
    assert isinstance(result, SqlResult)
    table = result.arrow()
    assert isinstance(table, pa.Table)  # DuckDB >= 1.4 gives a RecordBatchReader here
    assert table.column_names == ["record_id", "status"] == result.columns
    assert isinstance(result.df(), pd.DataFrame)
    assert isinstance(result.pl(), pl.DataFrame)
    rows = result.fetchall()
    assert rows[0] == result.fetchone() == ("D1", "stolen")
    assert len(result) == len(rows) == 5
    assert pa.table(result).equals(table)  # the Arrow C stream protocol
    assert "D1" in repr(result) and "<table" in result._repr_html_()
    empty = hl.sql("select * from documents where false")
    assert empty.fetchone() is None and empty.fetchall() == []
    assert hl.sql("select count(*) from documents where status = ?", ["stolen"]).fetchall() == [
        (1,)
    ]


def test_read_only_forms_are_accepted(hl: hotlist.Hotlist) -> None:
    for query in (
        "with s as (select status from documents) select count(*) from s",
        "from documents select count(*)",
        "describe documents",
        "summarize documents",
        "explain select * from documents",
        "values (1), (2)",
        COUNT + ";",
    ):
        assert len(hl.sql(query)) >= 1, query


def test_calls_from_many_threads(hl: hotlist.Hotlist) -> None:
    expected = hl.sql("select status, count(*) from documents group by 1 order by 1").fetchall()
    got: list[object] = []

    def work() -> None:
        for _ in range(5):
            got.append(
                hl.sql("select status, count(*) from documents group by 1 order by 1").fetchall()
            )

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [expected] * 20


def test_short_lived_threads_leave_nothing_behind(hl: hotlist.Hotlist) -> None:
    import gc
    import weakref

    refs: list[weakref.ref[object]] = []

    def work() -> None:
        assert hl.sql(COUNT).fetchall() == [(5,)]
        refs.append(weakref.ref(hl._state.sql._local.cursor))

    for _ in range(5):
        t = threading.Thread(target=work)
        t.start()
        t.join()
    gc.collect()
    assert all(r() is None for r in refs)  # each thread's cursor went with it
