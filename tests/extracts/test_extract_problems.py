"""Every kind of bad row, strict mode, and read == loaded + rejected (hypothesis)."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotlist import synth
from hotlist._errors import ExtractError
from hotlist.extracts import LoadReport, load_datasets, read_extract

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "hotlist" / "sample_data"
MESSY_MAPPING = {
    "Lfd-Nr": "record_id",
    "DIN": "document_number",
    "Ausstellerstaat": "issuing_country",
    "Dokumentart": "document_type",
    "Meldedatum": "reported_on",
    "Meldeland": "reporting_country",
    "Bemerkung": "notes",
}

HEADER = "record_id,document_number,issuing_country,document_type,status,reported_on"
GOOD = "{id},X{id}Y,FRA,passport,stolen,2024-01-02"
# each bad row: (template, column, reason prefix)
BAD = {
    "missing": (
        "{id},,FRA,passport,stolen,2024-01-02",
        "document_number",
        "missing required value",
    ),
    "code": ("{id},N{id},FRA,passport,stolenn,2024-01-02", "status", "unknown code"),
    "country": ("{id},N{id},Atlantis,passport,lost,2024-01-02", "issuing_country", "unknown code"),
    "date": ("{id},N{id},FRA,passport,lost,2023-02-29", "reported_on", "impossible date"),
    "type": ("{id},N{id},FRA,passport,lost,yesterday", "reported_on", "wrong type"),
    "fields": ("{id},N{id},FRA,passport", None, "malformed row"),
    "dup": ("DUP,N{id},FRA,passport,lost,2024-01-02", "record_id", "duplicate record_id"),
}


def test_messy_sample_extract() -> None:
    tables, report = load_datasets(
        documents=SAMPLE / "bad" / "documents_messy.csv", mapping={"documents": MESSY_MAPPING}
    )
    d = report.datasets["documents"]
    assert (d.read, d.loaded, d.rejected) == (14, 6, 8)
    kinds = report.summary()["datasets"]["documents"]["problems_by_kind"]
    assert set(kinds) == {
        "missing required value",
        "unknown code",
        "impossible date",
        "duplicate record_id",
        "wrong type",
        "malformed row",
    }
    assert [p.row for p in report.problems] == [4, 5, 6, 7, 8, 9, 10, 12]
    rows = tables["documents"].to_pylist()
    assert rows[0]["notes"] == "gestohlen; Berlin"
    assert {r["document_type"] for r in rows} == {"passport", "id_card", "visa"}
    assert "stolen_blank" in {r["status"] for r in rows}
    assert "Sachbearbeiter" in str(report)


def test_strict_raises_with_first_problems() -> None:
    with pytest.raises(ExtractError, match="8 of 14 rows rejected") as info:
        load_datasets(
            documents=SAMPLE / "bad" / "documents_messy.csv",
            mapping={"documents": MESSY_MAPPING},
            strict=True,
        )
    assert len(info.value.problems) == 8
    assert "row 4" in str(info.value)


def test_vehicle_without_vin_or_plate_and_bad_year(tmp_path: Path) -> None:
    path = tmp_path / "vehicles.csv"
    path.write_text(
        "record_id,vin,plate,registration_country,year\n"
        "V1,1M8GDM9AXKP042788,,USA,2019\nV2,,,FRA,2020\nV3,,AB-123-CD,FRA,twenty\n"
        "V4,,XY-1,FRA,1750\nV5,,Z-9,Narnia,2001\n"
    )
    r = read_extract(path, "vehicles")
    assert r.loaded == 1
    assert [(p.row, p.column, p.reason.split(":")[0]) for p in r.problems] == [
        (2, "vin", "no vin or plate"),
        (3, "year", "wrong type"),
        (4, "year", "wrong type"),
        (5, "registration_country", "unknown code"),
    ]


def test_person_without_name_bad_dob_unknown_nationality(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        "record_id,name,family_name,date_of_birth,nationalities,notice_type,sex\n"
        'P1,,,1970,FRA,red,M\nP2,"DOE, J",,1970-13,FRA,red,M\nP3,X,,,FRA;Narnia,red,M\n'
        "P4,Y,,,,orange,M\nP5,Z,,,,red,Q\nP6,,SMITH,1970-02-28,,red,\n"
    )
    r = read_extract(path, "persons")
    assert [(p.row, p.column) for p in r.problems] == [
        (1, "name"),
        (2, "date_of_birth"),
        (3, "nationalities"),
        (4, "notice_type"),
        (5, "sex"),
    ]
    assert r.table.column("name").to_pylist() == ["SMITH"]
    # "orange" is near no notice type: the reason lists the accepted ones, suggests none
    assert "expected one of red, blue, yellow, diffusion, warrant, other" in r.problems[3].reason
    assert "did you mean" not in r.problems[3].reason
    near = tmp_path / "near.csv"
    near.write_text("record_id,name,notice_type\nP1,X,redd\n")
    assert read_extract(near, "persons").problems[0].reason.endswith("did you mean 'red'?")


def test_unknown_code_suggests_the_closest() -> None:
    from hotlist.extracts._vocab import closest

    assert closest("status", "stolenn") == "stolen"
    assert closest("document_type", "pasport") == "passport"


def test_one_problem_per_row_names_the_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "\nA,,Atlantis,passport,stolenn,2024-02-30\n")
    (p,) = read_extract(path, "documents").problems
    assert p.column == "document_number"
    assert "issuing_country" in p.reason and "status" in p.reason and "reported_on" in p.reason


def test_invalid_utf8_row_is_rejected_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(
        (HEADER + "\nA,N1,FRA,passport,lost,2024-01-02\n").encode()
        + b"B,N\xe92,FRA,passport,lost,2024-01-02\n"
    )
    r = read_extract(path, "documents")
    assert r.loaded == 1 and r.problems[0].row == 2 and "UTF-8" in r.problems[0].reason


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kinds=st.lists(st.sampled_from(["good", *BAD]), min_size=0, max_size=40))
def test_read_equals_loaded_plus_rejected(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[str]
) -> None:
    lines = [HEADER]
    expected: dict[int, tuple[str | None, str]] = {}
    dup_seen = False
    for i, kind in enumerate(kinds, start=1):
        if kind == "good":
            lines.append(GOOD.format(id=f"G{i}"))
            continue
        template, column, reason = BAD[kind]
        lines.append(template.format(id=f"B{i}"))
        if kind == "dup" and not dup_seen:
            dup_seen = True  # the first DUP is good and loaded
            continue
        expected[i] = (column, reason)
    path = tmp_path_factory.mktemp("prop") / "documents.csv"
    path.write_text("\n".join(lines) + "\n")
    tables, report = load_datasets(documents=path)
    assert isinstance(report, LoadReport)
    assert report.read == len(kinds)
    assert report.read == report.loaded + report.rejected
    assert report.rejected == len(report.problems)
    got = {p.row: (p.column, p.reason) for p in report.problems}
    assert len(got) == len(report.problems)  # each bad row reported once
    assert set(got) == set(expected)
    for row, (column, reason) in expected.items():
        assert got[row][0] == column
        assert got[row][1].startswith(reason)
    assert tables["documents"].num_rows == report.loaded


def test_speed_smoke_100k(tmp_path: Path) -> None:
    """Completes; the timing is printed, not asserted (numbers belong in benchmarks/)."""
    table = synth.documents(100_000, seed=5)
    pq.write_table(table, tmp_path / "documents.parquet")
    synth.write_table(table, tmp_path / "documents.csv", "csv")
    for name in ("documents.parquet", "documents.csv"):
        start = time.perf_counter()
        r = read_extract(tmp_path / name, "documents")
        print(f"{name}: {r.read / (time.perf_counter() - start):,.0f} records/s")
        assert r.loaded == 100_000 and r.problems == []
