from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import hotlist


def test_sql_views_over_the_same_data(hl: hotlist.Hotlist) -> None:
    rows = hl.sql(
        "select issuing_country, count(*) as n from documents group by 1 order by 1"
    ).fetchall()
    assert rows == [("AUT", 1), ("DEU", 1), ("FRA", 1), ("UTO", 1), ("XXA", 1)]
    assert hl.sql("select count(*) from vehicles").fetchall() == [(4,)]
    assert hl.sql("select record_id from persons where caution is not null").fetchall() == [("P1",)]
    assert hl.sql("select count(*) from documents where status = ?", ["stolen"]).fetchall() == [
        (1,)
    ]


def test_bad_sql_is_invalid_query(hl: hotlist.Hotlist) -> None:
    import pytest

    with pytest.raises(hotlist.InvalidQuery, match="SQL"):
        hl.sql("select * from nowhere")


def test_stats(hl: hotlist.Hotlist) -> None:
    s = hl.stats()
    assert (s["documents"], s["vehicles"], s["persons"]) == (5, 4, 4)
    assert s["data_version"] == hl.data_version
    assert s["bytes"]["total"] > 0
    assert s["bytes_per_record"]["documents"] > 0
    assert s["report"]["total"]["loaded"] == 13


def test_many_threads_check_at_once(hl: hotlist.Hotlist) -> None:
    queries = [
        ({"document": "L898902C3", "country": "UTO"}, "D1"),
        ({"vin": "1M8GDM9AXKP042788"}, "V1"),
        ({"plate": "AB-123-CD", "country": "FRA"}, "V3"),
        ({"name": "Anna Maria Eriksson"}, "P1"),
        ({"document": "ZZ9999999"}, None),
    ]
    barrier = threading.Barrier(8)

    def worker(k: int) -> int:
        barrier.wait()
        wrong = 0
        for i in range(200):
            query, expected = queries[(i + k) % len(queries)]
            r = hl.check(**query)
            got = r.hits[0].record_id if r.hits else None
            wrong += got != expected
        return wrong

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(worker, range(8))) == 0


def test_results_print_as_a_table_and_render_html(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="L898902C3", country="UTO")
    text = str(r)
    assert "HIT" in text and "L898902C3" in text and "document number exact" in text
    assert "CAUTION: armed and dangerous" in text  # the wanted holder, listed with the number
    html = r._repr_html_()
    assert html.startswith("<div>") and "<table>" in html and "D1" in html
    miss = hl.check(document="ZZ9999999")
    assert "NO HIT" in str(miss) and "<table>" not in miss._repr_html_()
    assert r.model_dump()["hit"] is True
    assert '"record_id":"D1"' in r.model_dump_json()
