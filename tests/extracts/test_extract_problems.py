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
# each bad row: (template, column, reason prefix, rejected?)  A row is rejected only
# when it cannot be searched; every other problem loads it with a warning.
BAD = {
    "missing": (
        "{id},,FRA,passport,stolen,2024-01-02",
        "document_number",
        "no document number",
        True,
    ),
    "refused": ("{id},N#{id},FRA,passport,stolen,2024-01-02", "document_number", "document", True),
    "code": ("{id},N{id},FRA,passport,stolenn,2024-01-02", "status", "unknown code", False),
    "country": (
        "{id},N{id},Atlantis,passport,lost,2024-01-02",
        "issuing_country",
        "unknown code",
        False,
    ),
    "date": ("{id},N{id},FRA,passport,lost,2023-02-29", "reported_on", "impossible date", False),
    "type": ("{id},N{id},FRA,passport,lost,yesterday", "reported_on", "wrong type", False),
    "nodate": ("{id},N{id},FRA,passport,lost,", "reported_on", "missing value", False),
    "fields": ("{id},N{id},FRA,passport", None, "malformed row", True),
    "dup": ("DUP,NDUP,FRA,passport,lost,2024-01-02", "record_id", "duplicate record_id", True),
    "dupkey": (
        "DUPK,N{id},FRA,passport,lost,2024-01-02",
        "record_id",
        "duplicate record_id",
        False,
    ),
}


def test_messy_sample_extract() -> None:
    tables, report = load_datasets(
        documents=SAMPLE / "bad" / "documents_messy.csv", mapping={"documents": MESSY_MAPPING}
    )
    d = report.datasets["documents"]
    # rejected: M-0004 (no document number), M-0012 (too many fields); every other
    # problem (unknown codes, impossible or missing dates, a reused record_id with
    # another number) loads the record and is reported
    assert (d.read, d.loaded, d.rejected) == (14, 12, 2)
    assert d.loaded_with_problems == 6
    kinds = report.summary()["datasets"]["documents"]
    assert set(kinds["problems_by_kind"]) == {"no document number", "malformed row"}
    assert set(kinds["warnings_by_kind"]) == {
        "unknown code",
        "impossible date",
        "duplicate record_id",
        "wrong type",
        "missing value",
    }
    assert [p.row for p in report.problems] == [4, 12]
    assert sorted({w.row for w in report.warnings}) == [5, 6, 7, 8, 9, 10]
    rows = tables["documents"].to_pylist()
    assert rows[0]["notes"] == "gestohlen; Berlin"
    assert {r["document_type"] for r in rows} == {"passport", "id_card", "visa"}
    assert "stolen_blank" in {r["status"] for r in rows}
    assert "M-0002#documents_messy.csv:8" in {r["record_id"] for r in rows}
    assert "Sachbearbeiter" in str(report)
    assert "loaded with problems (6 rows)" in str(report)


def test_strict_raises_with_first_problems() -> None:
    with pytest.raises(ExtractError, match="2 of 14 rows rejected") as info:
        load_datasets(
            documents=SAMPLE / "bad" / "documents_messy.csv",
            mapping={"documents": MESSY_MAPPING},
            strict=True,
        )
    assert len(info.value.problems) == 2
    assert "row 4" in str(info.value)


def test_vehicle_without_vin_or_plate_and_bad_year(tmp_path: Path) -> None:
    path = tmp_path / "vehicles.csv"
    path.write_text(
        "record_id,vin,plate,registration_country,year\n"
        "V1,1M8GDM9AXKP042788,,USA,2019\nV2,,,FRA,2020\nV3,,AB-123-CD,FRA,twenty\n"
        "V4,,XY-1,FRA,1750\nV5,,Z-9,Narnia,2001\n"
    )
    r = read_extract(path, "vehicles")
    assert r.loaded == 4 and r.loaded_with_problems == 3
    assert [(p.row, p.column, p.reason.split(":")[0]) for p in r.problems] == [
        (2, "vin", "no vin or plate"),
    ]
    assert [(w.row, w.column, w.reason.split(":")[0]) for w in r.warnings] == [
        (3, "year", "wrong type"),
        (4, "year", "wrong type"),
        (5, "registration_country", "unknown code"),
    ]
    assert r.table.column("year").to_pylist() == [2019, None, None, 2001]
    assert r.table.column("registration_country").to_pylist() == ["USA", "FRA", "FRA", None]


def test_person_without_name_bad_dob_unknown_nationality(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        "record_id,name,family_name,date_of_birth,nationalities,notice_type,sex\n"
        'P1,,,1970,FRA,red,M\nP2,"DOE, J",,1970-13,FRA,red,M\nP3,X,,,FRA;Narnia,red,M\n'
        "P4,Y,,,,orange,M\nP5,Z,,,,red,Q\nP6,,SMITH,1970-02-28,,red,\n"
    )
    r = read_extract(path, "persons")
    assert [(p.row, p.column) for p in r.problems] == [(1, "name")]
    assert [(w.row, w.column) for w in r.warnings] == [
        (2, "date_of_birth"),
        (3, "nationalities"),
        (4, "notice_type"),
        (5, "sex"),
    ]
    assert r.table.column("name").to_pylist() == ["DOE, J", "X", "Y", "Z", "SMITH"]
    assert r.table.column("nationalities").to_pylist()[1] == ["FRA"]
    assert r.table.column("notice_type").to_pylist()[2] is None
    # "orange" is near no notice type: the reason lists the accepted ones, suggests none
    notice = r.warnings[2].reason
    assert "expected one of red, blue, yellow, diffusion, warrant, other" in notice
    assert "did you mean" not in notice
    near = tmp_path / "near.csv"
    near.write_text("record_id,name,notice_type\nP1,X,redd\n")
    assert read_extract(near, "persons").warnings[0].reason.endswith("did you mean 'red'?")


def test_unknown_code_suggests_the_closest() -> None:
    from hotlist.extracts._vocab import closest

    assert closest("status", "stolenn") == "stolen"
    assert closest("document_type", "pasport") == "passport"


def test_one_problem_per_rejected_row_and_every_warning(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "\nA,,Atlantis,passport,stolenn,2024-02-30\nB,N1,Atlantis,P,x,\n")
    r = read_extract(path, "documents")
    (p,) = r.problems
    assert (p.row, p.column) == (1, "document_number")
    assert [(w.row, w.column) for w in r.warnings] == [
        (2, "issuing_country"),
        (2, "status"),
        (2, "reported_on"),
    ]


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
@given(kinds=st.lists(st.sampled_from(["good", *BAD]), min_size=1, max_size=40))
def test_read_equals_loaded_plus_rejected(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[str]
) -> None:
    lines = [HEADER]
    rejected: dict[int, tuple[str | None, str]] = {}
    warned: dict[int, tuple[str | None, str]] = {}
    first_seen: set[str] = set()
    for i, kind in enumerate(kinds, start=1):
        if kind == "good":
            lines.append(GOOD.format(id=f"G{i}"))
            continue
        template, column, reason, reject = BAD[kind]
        lines.append(template.format(id=f"B{i}"))
        if kind in ("dup", "dupkey") and kind not in first_seen:
            first_seen.add(kind)  # the first one is good and loaded
            continue
        (rejected if reject else warned)[i] = (column, reason)
    path = tmp_path_factory.mktemp("prop") / "documents.csv"
    path.write_text("\n".join(lines) + "\n")
    if len(rejected) == len(kinds):
        with pytest.raises(ExtractError, match="no row can be searched"):
            load_datasets(documents=path)
        return
    tables, report = load_datasets(documents=path)
    assert isinstance(report, LoadReport)
    assert report.read == len(kinds)
    assert report.read == report.loaded + report.rejected
    assert report.rejected == len(report.problems)
    got = {p.row: (p.column, p.reason) for p in report.problems}
    assert len(got) == len(report.problems)  # each bad row reported once
    assert set(got) == set(rejected)
    for row, (column, reason) in rejected.items():
        assert got[row][0] == column
        assert got[row][1].startswith(reason), got[row][1]
    warnings = {(w.row, w.column): w.reason for w in report.warnings}
    assert {r for r, _ in warnings} == set(warned)
    assert report.loaded_with_problems == len(warned)
    for row, (column, reason) in warned.items():
        assert warnings[(row, column)].startswith(reason), warnings[(row, column)]
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
