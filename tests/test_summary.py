"""screening_summary against pandas group-bys written separately; Stats and the
load report as notebook HTML."""

from __future__ import annotations

import json
import sys

import pyarrow as pa
import pytest

import hotlist


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.load(hotlist.sample_data_path(), progress=False)


@pytest.fixture(scope="module")
def results(hl: hotlist.Hotlist) -> pa.Table:
    docs = hl.sql("select document_number, issuing_country from documents limit 40").arrow()
    people = hl.sql("select family_name, given_names from persons limit 10").arrow()
    rows = [
        {"passenger_id": f"D{i}", "doc_no": d, "country": c}
        for i, (d, c) in enumerate(
            zip(*(docs.column(k).to_pylist() for k in range(2)), strict=True)
        )
    ]
    rows += [{"passenger_id": f"M{i}", "doc_no": f"ZZ{i:07d}", "country": "FRA"} for i in range(30)]
    rows += [
        {"passenger_id": f"N{i}", "name": f"{g} {f}"}
        for i, (f, g) in enumerate(
            zip(*(people.column(k).to_pylist() for k in range(2)), strict=True)
        )
    ]
    rows.append({"passenger_id": "E0", "doc_no": "X1", "country": "Atlantis"})  # an error row
    return hl.check_many(rows, columns={"doc_no": "document"})


def test_counts_match_a_pandas_reference(results: pa.Table) -> None:
    s = hotlist.screening_summary(results)
    frame = results.to_pandas()
    best = frame.groupby("query_index", sort=True).head(1)  # hits come best first
    hits = best[best["hit"]]
    assert s.queries == frame["query_index"].nunique() == 40 + 30 + 10 + 1
    assert s.with_hit == len(hits) and s.with_hit >= 40
    assert s.hit_rows == int(frame["hit"].sum())
    assert s.by_match == hits["match"].value_counts().to_dict()
    assert s.by_dataset == hits["dataset"].value_counts().to_dict()
    assert s.by_severity == hits["severity"].value_counts().to_dict()
    assert s.by_country == hits["country"].dropna().value_counts().to_dict()
    assert s.errors == int(best["error"].notna().sum()) == 1
    assert s.alarms + s.possible == s.with_hit
    assert sum(s.score_histogram["counts"]) == int(frame.loc[frame["hit"], "score"].notna().sum())
    assert s.slowest == [] and s.time_column is None
    json.dumps(s.to_dict())
    # pandas and polars in give the same summary
    assert hotlist.screening_summary(frame).to_dict() == s.to_dict()
    polars = pytest.importorskip("polars")
    assert hotlist.screening_summary(polars.from_arrow(results)).to_dict() == s.to_dict()


def test_slowest_rows_by_a_time_column(results: pa.Table) -> None:
    n = results.num_rows
    timed = results.append_column("ms", pa.array([float(i % 97) for i in range(n)]))
    s = hotlist.screening_summary(timed, time_column="ms", id_column="passenger_id")
    times = [r["ms"] for r in s.slowest]
    first = timed.to_pandas().groupby("query_index").head(1)
    assert times == sorted(first["ms"], reverse=True)[: len(times)] and len(times) == 10
    assert "passenger_id" in s.slowest[0]


def test_html_and_plot(results: pa.Table, monkeypatch: pytest.MonkeyPatch) -> None:
    s = hotlist.screening_summary(results)
    page = s._repr_html_()
    assert "Screening summary" in page and f"{s.queries:,}" in page
    assert "no per-row time" in page
    for level in s.by_match:
        assert level in page
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    fig = s.plot()
    assert len(fig.axes) == 4
    assert sum(p.get_height() for p in fig.axes[3].patches) == sum(s.score_histogram["counts"])
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"hotlist\[notebook\]"):
        s.plot()


def test_not_a_result_is_a_clear_error() -> None:
    with pytest.raises(hotlist.InvalidQuery, match="check_many"):
        hotlist.screening_summary(pa.table({"a": [1]}))
    with pytest.raises(hotlist.InvalidQuery, match="check_many"):
        hotlist.screening_summary(42)


def test_stats_typed_and_still_a_dict(hl: hotlist.Hotlist) -> None:
    stats = hl.stats()
    assert isinstance(stats, hotlist.Stats) and isinstance(stats, dict)
    assert stats.documents == stats["documents"] > 0
    assert stats.records == stats["documents"] + stats["vehicles"] + stats["persons"]
    assert stats.data_version == hl.data_version
    assert stats.total_bytes == stats["bytes"]["total"] > 0
    plain = stats.to_dict()
    assert type(plain) is dict and plain == stats
    plain["bytes"]["total"] = -1
    assert stats["bytes"]["total"] > 0  # a deep copy
    assert json.loads(json.dumps(stats)) == json.loads(
        json.dumps(plain | {"bytes": stats["bytes"]})
    )
    page = stats._repr_html_()
    assert f"{stats.documents:,}" in page and str(stats.data_version) in page


def test_load_report_html(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "documents.csv").write_text(
        "record_id,document_number,issuing_country,document_type,status\n"
        "1,L898902C3,UTO,passport,stolen\n"
        "2,,UTO,passport,stolen\n"
        "3,<b>X</b>9,UTO,passport,stolen\n"
    )
    report = hotlist.load(folder, progress=False).report
    page = report._repr_html_()
    assert "Load report" in page and "Rejected" in page
    assert "documents.csv" in page
    assert "<b>X</b>" not in page  # values are escaped
    assert (
        f'<td style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:right">{report.read}'
        in page
    )
