"""check_many() == check() per row, on random document queries over a small random list.

The list's numbers come from a tiny alphabet full of OCR look-alikes, so exact, OCR
and one-edit hits, the same number under several issuers and numbers listed on
wanted persons all happen often; the queries mix valid rows with every kind of
row check() refuses, duplicates, nulls and a few non-document queries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from engine_tables import PERSONS, documents_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotlist
from hotlist import synth

NUMBER = st.text("AB08OIL1", min_size=2, max_size=5)
LISTED = st.tuples(
    NUMBER,
    st.sampled_from(["UTO", "DEU", "FRA", "XXA"]),
    st.sampled_from(["passport", "id_card", "visa"]),
    st.sampled_from(["stolen", "lost"]),
)


def _spelled(number: str, how: int) -> str:
    """A way a checker might type ``number``: as is, lower case, with separators..."""
    return [number, number.lower(), f" {number[:1]}-{number[1:]} ", f"{number}<<", number[::-1]][
        how % 5
    ]


ODD_DOCUMENTS = [
    "",
    "   ",
    "-/.",
    "AB\t08",
    "ÄB08",
    "AB\u00a008",
    "A" * 21,
    "A" * 20,
    "-" * 60 + "AB08",
    "-" * 65 + "A",
    "AB#08",
    "ab08",
]
COUNTRIES = [None, "UTO", "uto", " DEU ", "Germany", "FRA", "XXA", "Atlantis", "", "U\tTO"]
TYPES = [None, "passport", "PASSPORT", "id_card", "visa", "bogus", ""]
OTHER = [
    {"vin": "KP042788"},
    {"name": "IVANOV, Sergei"},
    {"plate": "AB-123-CD", "country": "FRA"},
    {"country": "UTO"},
    {"document_type": "passport"},
    {},
]


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[tuple[str, str, str, str, str]], list[dict[str, Any]]]:
    listed = draw(st.lists(LISTED, min_size=0, max_size=12))
    rows = [(f"R{i}", *r) for i, r in enumerate(listed)]
    numbers = [r[1] for r in rows] or ["AB08"]
    document = st.one_of(
        st.builds(_spelled, st.sampled_from(numbers), st.integers(0, 4)),
        NUMBER,
        st.sampled_from(ODD_DOCUMENTS),
        st.sampled_from(["L898902C3", "L8989O2C3"]),  # listed on a wanted person
        st.none(),
    )
    query = st.fixed_dictionaries(
        {"document": document},
        optional={"country": st.sampled_from(COUNTRIES), "document_type": st.sampled_from(TYPES)},
    )
    queries = draw(st.lists(st.one_of(query, query, query, st.sampled_from(OTHER)), max_size=25))
    if queries and draw(st.booleans()):
        queries += draw(st.lists(st.sampled_from(queries), max_size=5))  # duplicates
    return rows, queries


def _expected(hl: hotlist.Hotlist, query: dict[str, Any], options: dict[str, Any]) -> Any:
    given = {k: v for k, v in query.items() if v is not None}
    try:
        r = hl.check(**given, **options)
    except hotlist.InvalidQuery as exc:
        return ("error", str(exc))
    hits = [(h.dataset, h.record_id, h.match, h.score, list(h.reasons)) for h in r.hits]
    return ("ok", hits, list(r.warnings))


def _got(rows: list[dict[str, Any]]) -> Any:
    if rows[0]["error"] is not None:
        assert len(rows) == 1
        assert not rows[0]["hit"]
        return ("error", rows[0]["error"])
    if not rows[0]["hit"]:
        assert len(rows) == 1
        assert [rows[0][k] for k in ("dataset", "record_id", "match", "score", "reasons")] == [
            None
        ] * 5
        return ("ok", [], rows[0]["warnings"])
    assert all(r["hit"] for r in rows)
    hits = [(r["dataset"], r["record_id"], r["match"], r["score"], r["reasons"]) for r in rows]
    return ("ok", hits, rows[0]["warnings"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batches(),
    st.sampled_from([None, 1, 2, 3]),
    st.sampled_from([None, 0.0, 0.5, 0.6, 0.9]),
    st.sampled_from([None, 0, 1]),
)
def test_check_many_equals_check_per_row(
    batch: tuple[list[tuple[str, str, str, str, str]], list[dict[str, Any]]],
    limit: int | None,
    min_score: float | None,
    max_edits: int | None,
) -> None:
    rows, queries = batch
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows), persons=PERSONS)
    options = {
        k: v
        for k, v in {"limit": limit, "min_score": min_score, "max_edits": max_edits}.items()
        if v is not None
    }
    table = hl.check_many(queries, **options)
    out = table.to_pylist()
    keys = list(dict.fromkeys(k for q in queries for k in q))
    if not keys:
        assert table.num_rows == 0
        return
    assert table.column_names[0] == "query_index"
    assert table.column_names[1 : 1 + len(keys)] == keys
    assert [r["query_index"] for r in out] == sorted(r["query_index"] for r in out)
    by_query: dict[int, list[dict[str, Any]]] = {}
    for r in out:
        by_query.setdefault(r["query_index"], []).append(r)
    assert sorted(by_query) == list(range(len(queries)))
    for i, query in enumerate(queries):
        echoed = {k: by_query[i][0][k] for k in keys}
        assert echoed == {k: query.get(k) for k in keys}
        got, expected = _got(by_query[i]), _expected(hl, query, options)
        assert got == expected, (i, query)


def test_arrow_input_with_nulls_and_dictionary_columns() -> None:
    rows = [("R0", "AB08", "UTO", "passport", "stolen"), ("R1", "AB08", "DEU", "visa", "lost")]
    hl = hotlist.Hotlist.from_tables(documents=documents_table(rows))
    plain = pa.table(
        {
            "document": ["AB08", None, "ab-o8", "XX", "AB08"],
            "country": ["DEU", "UTO", None, "UTO", "Atlantis"],
        }
    )
    coded = pa.table(
        {
            "document": plain.column("document").dictionary_encode(),
            "country": plain.column("country").cast(pa.large_string()),
        }
    )
    sliced = pa.concat_tables([plain.slice(0, 2), plain.slice(2)])
    expected = hl.check_many(plain, max_edits=0)
    assert expected.column("hit").to_pylist() == [True, True, False, True, True, False, False]
    for given_table in (coded, sliced):
        got = hl.check_many(given_table, max_edits=0)
        assert got.drop_columns(["document", "country"]).equals(
            expected.drop_columns(["document", "country"])
        )


def test_a_100k_query_batch_runs() -> None:
    docs = synth.documents(20_000, 5)
    hl = hotlist.Hotlist.from_tables(documents=docs)
    rng = np.random.default_rng(5)
    alphabet = np.frombuffer(b"ABCDEFGHJKMNPRTUVWXY0123456789", dtype=np.uint8)
    numbers = np.array(
        [bytes(r).decode() for r in alphabet[rng.integers(0, len(alphabet), size=(100_000, 9))]],
        dtype=object,
    )
    listed = docs.column("document_number").to_pylist()
    countries = docs.column("issuing_country").to_pylist()
    hits = rng.choice(len(numbers), size=200, replace=False)
    country = np.array([None] * len(numbers), dtype=object)
    for k, h in enumerate(hits.tolist()):
        numbers[h] = listed[k]
        country[h] = countries[k]
    queries = pa.table({"document": numbers, "country": pa.array(country, pa.string())})
    table = hl.check_many(queries, max_edits=0)
    assert table.num_rows >= len(numbers)
    assert np.array_equal(np.unique(table.column("query_index").to_numpy()), np.arange(100_000))
    hit_queries = set(np.asarray(table.filter(table.column("hit")).column("query_index")).tolist())
    assert set(hits.tolist()) <= hit_queries
    for i in [*hits[:20].tolist(), 0, 1, 99_999]:
        got = table.filter(pa.compute.equal(table.column("query_index"), i)).to_pylist()
        query = {"document": numbers[i], "country": country[i]}
        assert _got(got) == _expected(hl, query, {"max_edits": 0})
