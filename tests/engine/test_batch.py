from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

import hotlist

QUERIES: list[dict[str, Any]] = [
    {"document": "L898902C3", "country": "UTO"},
    {"document": "L8989O2C3", "country": "UTO"},
    {"document": "L89890C3", "country": "UTO"},
    {"document": "C01X00T47"},
    {"document": "C01X00T47", "country": "AUT", "document_type": "passport"},
    {"document": "ZZ9999999", "country": "FRA"},
    {"document": "L898902C3", "country": "Atlantis"},
    {"vin": "KP042788"},
    {"plate": "A8-123-CD", "country": "FRA"},
    {"name": "Anna Maria Eriksson", "dob": "1974-08-12"},
    {"name": "IVANOV, Sergei"},
    {},
]


def _as_rows(table: pa.Table) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = {}
    for row in table.to_pylist():
        if row["hit"]:
            out.setdefault(row["query_index"], []).append(
                (
                    row["dataset"],
                    row["record_id"],
                    row["match"],
                    row["score"],
                    tuple(row["reasons"]),
                    row["severity"],
                    row["action"],
                )
            )
    return out


def _from_check(hl: hotlist.Hotlist, query: dict[str, Any]) -> list[tuple[Any, ...]]:
    r = hl.check(**query)
    return [
        (h.dataset, h.record_id, h.match, h.score, tuple(h.reasons), h.severity, h.action)
        for h in r.hits
    ]


def test_check_many_agrees_with_check(hl: hotlist.Hotlist) -> None:
    table = hl.check_many(QUERIES)
    got = _as_rows(table)
    for i, query in enumerate(QUERIES):
        try:
            expected = _from_check(hl, query)
        except hotlist.InvalidQuery as exc:
            errors = [r["error"] for r in table.to_pylist() if r["query_index"] == i]
            assert errors == [str(exc)]
            continue
        assert got.get(i, []) == expected, (i, query)


def test_every_query_appears_and_misses_have_nulls(hl: hotlist.Hotlist) -> None:
    table = hl.check_many(QUERIES)
    assert set(table.column("query_index").to_pylist()) == set(range(len(QUERIES)))
    miss = [r for r in table.to_pylist() if r["query_index"] == 5]
    assert miss == [
        {
            "query_index": 5,
            "document": "ZZ9999999",
            "country": "FRA",
            "document_type": None,
            "vin": None,
            "plate": None,
            "name": None,
            "dob": None,
            "hit": False,
            "dataset": None,
            "record_id": None,
            "match": None,
            "score": None,
            "reasons": None,
            "severity": None,
            "action": None,
            "warnings": [],
            "searched": ["documents", "persons"],
            "error": None,
        }
    ]


def test_inputs_pandas_polars_arrow_agree(hl: hotlist.Hotlist) -> None:
    import pandas as pd
    import polars as pl

    rows = [q for q in QUERIES if q]
    keys = list(dict.fromkeys(k for q in rows for k in q))
    arrow = pa.table({k: [q.get(k) for q in rows] for k in keys})
    expected = hl.check_many(rows)
    for given in (arrow, arrow.to_pandas(), pl.from_arrow(arrow), pd.DataFrame(rows)):
        assert hl.check_many(given).equals(expected)
    assert isinstance(expected.to_pandas(), pd.DataFrame)
    assert isinstance(pl.from_arrow(expected), pl.DataFrame)


def test_exact_only_batch(hl: hotlist.Hotlist) -> None:
    t = hl.check_many([{"document": "L89890C3", "country": "UTO"}], max_edits=0)
    assert t.column("hit").to_pylist() == [False]


def test_other_columns_pass_through_and_non_tables_are_refused(hl: hotlist.Hotlist) -> None:
    # issue 16.1: a column that is not a check() keyword passes through (it was refused)
    out = hl.check_many([{"passport": "L898902C3", "document": "L898902C3"}]).to_pylist()
    assert {r["passport"] for r in out} == {"L898902C3"}
    with pytest.raises(hotlist.InvalidQuery):
        hl.check_many("L898902C3")
