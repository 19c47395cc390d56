"""Deltas: upserts and deletes, idempotence, base versions, and equality with a full load."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from lifecycle_helpers import write_delta

import hotlist


@pytest.fixture
def hl(snapshot: Path) -> hotlist.Hotlist:
    return hotlist.open(snapshot)


def _doc_rows(hl: hotlist.Hotlist, ids: list[str]) -> pa.Table:
    t = hl.tables["documents"]
    return t.filter(pc.is_in(t.column("record_id"), value_set=pa.array(ids)))


def _new_documents() -> pa.Table:
    return pa.table(
        {
            "record_id": ["NEW-1", "NEW-2"],
            "document_number": ["ZX9911223", "ZX9911224"],
            "issuing_country": ["FRA", "DEU"],
            "document_type": ["passport", "id_card"],
            "status": ["stolen", "lost"],
            "reported_on": pa.array([19800, 19801], pa.date32()),
        }
    )


def test_upsert_insert_and_delete(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    base = hl.data_version
    n = hl.tables["documents"].num_rows
    changed = _doc_rows(hl, ["DEMO-D-0002"])
    changed = changed.set_column(1, "document_number", pa.array(["QQ1234567"]))
    delta = tmp_path / "d" / "documents.parquet"
    write_delta(tmp_path / "d" / "upd" / "documents.parquet", changed)
    write_delta(tmp_path / "d" / "documents" / "new.parquet", _new_documents(), dataset="documents")
    write_delta(delta, deletes=["DEMO-D-0001", "NOPE"], dataset="documents")
    (tmp_path / "d" / "upd" / "documents.parquet").rename(
        tmp_path / "d" / "documents" / "upd.parquet"
    )
    assert hl.check(document="L898902C3", country="UTO").hit
    report = hl.apply(tmp_path / "d")
    s = report.summary()["datasets"]["documents"]
    assert (s["inserted"], s["updated"], s["deleted"], s["missing"]) == (2, 1, 1, 1)
    assert report.applied and report.base_version == base and hl.data_version != base
    assert report.data_version == hl.data_version
    assert hl.tables["documents"].num_rows == n + 1
    assert not any(h.dataset == "documents" for h in hl.check(document="L898902C3").hits)
    assert hl.check(document="ZX9911223", country="FRA").hits[0].record_id == "NEW-1"
    assert hl.check(document="QQ1234567").hits[0].record_id == "DEMO-D-0002"
    assert not any(
        h.record_id == "DEMO-D-0002" for h in hl.check(document="D23145890", max_edits=0).hits
    )
    assert hl.sql("select count(*) from documents").fetchall() == [(n + 1,)]
    assert str(delta) in hl.stats()["sources"]


def test_same_delta_twice_changes_nothing(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    write_delta(tmp_path / "d" / "documents.parquet", _new_documents(), deletes=["DEMO-D-0003"])
    first = hl.apply(tmp_path / "d")
    state = hl._state
    second = hl.apply(documents=tmp_path / "d" / "documents.parquet")
    assert not second.applied and "already applied" in second.note
    assert hl._state is state and hl.data_version == first.data_version


def test_version_is_derived_from_base_and_content(snapshot: Path, tmp_path: Path) -> None:
    write_delta(tmp_path / "a" / "documents.parquet", _new_documents())
    write_delta(tmp_path / "b" / "documents.parquet", _new_documents())  # same bytes elsewhere
    one, two = hotlist.open(snapshot), hotlist.open(snapshot)
    assert one.apply(tmp_path / "a").data_version == two.apply(tmp_path / "b").data_version
    # and the version survives a save and open: the delta is still recognised
    again = hotlist.open(one.save(tmp_path / "after"))
    assert again.data_version == one.data_version
    assert not again.apply(tmp_path / "b").applied


def test_base_version_mismatch_is_refused(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    write_delta(folder / "documents.parquet", _new_documents())
    (folder / "delta.json").write_text(json.dumps({"base_version": "0123456789abcdef"}))
    before = hl.data_version
    with pytest.raises(hotlist.VersionMismatchError, match="0123456789abcdef"):
        hl.apply(folder)
    assert hl.data_version == before
    with pytest.raises(hotlist.VersionMismatchError):
        hl.apply(documents=folder / "documents.parquet", base_version="ffff")
    (folder / "delta.json").write_text(json.dumps({"base_version": before}))
    report = hl.apply(folder)
    assert report.applied
    # applying it again names a base that is no longer current: recognised, not refused
    assert not hl.apply(folder).applied


def test_bad_rows_are_reported_not_applied(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    path = tmp_path / "documents.csv"
    path.write_text(
        "record_id,op,document_number,issuing_country,document_type,status,reported_on\n"
        "A-1,upsert,AA1111111,FRA,passport,stolen,2024-01-01\n"
        "A-2,frobnicate,AA2222222,FRA,passport,stolen,2024-01-01\n"
        "A-3,upsert,AA3333333,FRA,passport,no-such-status,2024-01-01\n"
        "A-4,upsert,AA4444444,FRA,passport,stolen,2024-01-01\n"
        "A-4,delete,,,,,\n"
        ",delete,,,,,\n"
    )
    report = hl.apply(documents=path)
    d = report.datasets["documents"]
    # an unknown status can still be searched: loaded, with a warning (DESIGN.md)
    assert d.read == 6 and d.inserted == 2 and d.rejected == 4
    assert sorted(p.row for p in report.problems) == [2, 4, 5, 6]
    assert [(w.row, w.column) for w in d.warnings] == [(3, "status")]
    assert hl.check(document="AA1111111", country="FRA").hit
    assert hl.check(document="AA3333333", country="FRA", max_edits=0).hit
    assert not hl.check(document="AA4444444", country="FRA", max_edits=0).hit


def test_a_delta_needs_op_and_record_id(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    path = tmp_path / "documents.csv"
    path.write_text("record_id,document_number\nA-1,AA1111111\n")
    with pytest.raises(hotlist.ExtractError, match="op column"):
        hl.apply(documents=path)
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    before = hl.data_version
    with pytest.raises(hotlist.ExtractError, match="empty delta"):
        hl.apply(empty)
    assert hl.data_version == before


def test_vehicles_and_persons_deltas(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    vehicles = pa.table(
        {
            "record_id": ["NEW-V"],
            "vin": ["WVWZZZ1JZXW000001"],
            "plate": ["ZZ-999-ZZ"],
            "registration_country": ["FRA"],
        }
    )
    persons = pa.table(
        {
            "record_id": ["NEW-P"],
            "name": ["QUATERMAIN, Allan"],
            "notice_type": ["red"],
            "date_of_birth": ["1950-01-02"],
            "document_numbers": [["PQ7654321"]],
        }
    )
    write_delta(tmp_path / "d" / "vehicles.parquet", vehicles, deletes=["DEMO-V-0001"])
    write_delta(tmp_path / "d" / "persons.parquet", persons, deletes=["DEMO-P-0001"])
    report = hl.apply(tmp_path / "d")
    assert set(report.datasets) == {"vehicles", "persons"}
    assert hl.check(vin="WVWZZZ1JZXW000001").hits[0].record_id == "NEW-V"
    assert hl.check(vin="XW000001").hit  # partial VIN through the rebuilt suffix index
    assert hl.check(plate="ZZ-999-ZZ", country="FRA").hit
    assert not hl.check(vin="1M8GDM9AXKP042788", max_edits=0).hit
    assert hl.check(name="Allan Quatermain").hits[0].record_id == "NEW-P"
    assert any(h.record_id == "NEW-P" for h in hl.check(document="PQ7654321").hits)
    assert not any(h.record_id == "DEMO-P-0001" for h in hl.check(name="Anna Maria Eriksson").hits)


def test_delta_equals_a_full_load_of_the_same_data(hl: hotlist.Hotlist, tmp_path: Path) -> None:
    docs = hl.tables["documents"]
    ids = docs.column("record_id").to_pylist()
    deleted, updated = ids[10:60], ids[100:150]
    upd = _doc_rows(hl, updated)
    upd = upd.set_column(1, "document_number", pc.binary_join_element_wise(upd.column(1), "9", ""))
    write_delta(tmp_path / "d" / "documents.parquet", upd, deletes=deleted)
    hl.apply(tmp_path / "d")
    gone = set(deleted) | set(updated)
    kept = docs.filter(pc.invert(pc.is_in(docs.column("record_id"), value_set=pa.array(gone))))
    expected = hotlist.Hotlist.from_tables(
        documents=pa.concat_tables([kept, upd.cast(kept.schema)])
    )
    numbers = docs.column("document_number").to_pylist()[:300] + upd.column(1).to_pylist()
    for number in numbers:

        def key(r: hotlist.CheckResult) -> set[tuple[str, str, float]]:
            return {(h.record_id, h.match, h.score) for h in r.hits if h.dataset == "documents"}

        assert key(hl.check(document=number)) == key(expected.check(document=number)), number
