"""A dataset kind is a module (issue 10, point 1): a fourth kind, stolen firearms by
make and serial number (``firearms_kind.py``, that one module and nothing else),
goes through load, check, check_many, save, open and apply like the built-ins."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

import firearms_kind
import hotlist
from hotlist import datasets, fields
from hotlist._decisions import OTHER_ACTION, set_kind_action, severity_from_reasons, severity_of
from hotlist.schema import DATASETS, REQUIRED_COLUMNS, SCHEMAS

FIREARMS_CSV = """record_id,serial,make,model,reporting_country,stolen_on
F1,AB12345,Glock,17,DEU,2024-03-01
F2,XK-998877,Beretta,92FS,ITA,2024-04-11
F3,,Walther,P99,DEU,2024-05-02
F4,Z9,SIG Sauer,P226,CHE,2024-06-20
F5,CZ0042731,CZ,75,CZE,2024-07-15
"""


@pytest.fixture
def firearms(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The kind registered for one test; the registry and the field table are
    restored afterwards, so no other test sees it."""
    for table in ("_FIELDS", "_LIMITS", "_QUALIFIERS"):
        if hasattr(fields, table):
            monkeypatch.setattr(fields, table, dict(getattr(fields, table)))
    firearms_kind.register()
    try:
        yield
    finally:
        firearms_kind.unregister()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "extract").mkdir()
    (tmp_path / "extract" / "firearms.csv").write_text(FIREARMS_CSV)
    return tmp_path / "extract"


def test_the_kind_implements_the_interface(firearms: None) -> None:
    assert isinstance(firearms_kind.KIND, datasets.Kind)
    assert datasets.names()[:3] == ("documents", "vehicles", "persons")
    assert datasets.names()[3] == "firearms"
    assert {"serial", "make"} <= set(fields.field_names())


def test_load_finds_the_kinds_file_and_reports_the_bad_rows(firearms: None, folder: Path) -> None:
    hl = hotlist.load(folder, progress=False)
    report = hl.report.datasets["firearms"]
    assert (report.read, report.loaded, report.rejected) == (5, 3, 2)
    rejected = {(p.row, p.column) for p in report.problems}
    assert rejected == {(3, "serial"), (4, "serial")}
    assert hl.tables["firearms"].column("record_id").to_pylist() == ["F1", "F2", "F5"]
    assert hl.stats()["firearms"] == 3 and "firearms=3" in repr(hl)
    assert hl.sql("SELECT count(*) AS n FROM firearms").fetchall() == [(3,)]
    # named files instead of a folder: the one keyword for any registered kind
    named = hotlist.load(extracts={"firearms": folder / "firearms.csv"}, progress=False)
    assert named.tables["firearms"].equals(hl.tables["firearms"])


def test_check_finds_a_serial_exact_and_through_ocr_look_alikes(
    firearms: None, folder: Path
) -> None:
    hl = hotlist.load(folder, progress=False)
    exact = hl.check(extra={"serial": "ab 12345", "make": "GLOCK"})
    assert [(h.dataset, h.record_id, h.match) for h in exact.hits] == [("firearms", "F1", "exact")]
    assert exact.alarm
    ocr = hl.check(extra={"serial": "CZOO4273I"})  # O for 0, I for 1
    assert [(h.record_id, h.match) for h in ocr.hits] == [("F5", "ocr")]
    other_make = hl.check(extra={"serial": "XK998877", "make": "Colt"})
    assert other_make.hits[0].record_id == "F2" and not other_make.alarm
    assert not hl.check(extra={"serial": "QQ000000"}, max_edits=0).hit
    # the kind's own action (firearms_kind.Firearms.action), not another kind's text
    assert (
        exact.hits[0].action == "Stolen firearm: seize it, secure the carrier and confirm with DEU"
    )
    assert other_make.hits[0].action.startswith(
        "Possible match: compare the make, model and serial"
    )
    with pytest.raises(hotlist.InvalidQuery):
        hl.check(extra={"make": "Glock"})  # make qualifies a serial


def test_check_many_answers_the_kinds_columns_as_check_does(firearms: None, folder: Path) -> None:
    hl = hotlist.load(folder, progress=False)
    queries = pa.table(
        {
            "serial": ["AB12345", "CZOO4273I", "NOSUCH999"],
            "make": ["Glock", None, None],
        }
    )
    out = hl.check_many(queries, progress=False)
    assert out.column("hit").to_pylist() == [True, True, False]
    for i, row in enumerate(queries.to_pylist()):
        single = hl.check(extra={k: v for k, v in row.items() if v is not None})
        assert out.column("hit")[i].as_py() == single.hit
        if single.hit:
            assert out.column("severity")[i].as_py() == single.hits[0].severity
            assert out.column("action")[i].as_py() == single.hits[0].action


def test_save_and_open_keep_the_kind(firearms: None, folder: Path, tmp_path: Path) -> None:
    hl = hotlist.load(folder, progress=False)
    snap = hl.save(tmp_path / "snap")
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["counts"]["firearms"] == 3
    assert "firearms.arrow" in manifest["files"]
    assert "firearms.keys.arrow" in manifest["files"]
    opened = hotlist.open(snap)
    assert opened.data_version == hl.data_version
    assert opened.tables["firearms"].equals(hl.tables["firearms"])
    assert [h.record_id for h in opened.check(extra={"serial": "AB12345"}).hits] == ["F1"]
    hotlist.open(snap, verify=True)  # every byte against the manifest


def test_a_snapshot_without_the_kind_opens_with_it_empty(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = hotlist.load(hotlist.sample_data_path(), progress=False).save(tmp_path / "old")
    for table in ("_FIELDS", "_LIMITS", "_QUALIFIERS"):
        if hasattr(fields, table):
            monkeypatch.setattr(fields, table, dict(getattr(fields, table)))
    firearms_kind.register()
    try:
        opened = hotlist.open(snap)
        assert opened.tables["firearms"].num_rows == 0
        assert opened.check(document="L898902C3", country="UTO").hit
    finally:
        firearms_kind.unregister()
    with_kind = tmp_path / "with-kind"
    firearms_kind.register()
    try:
        hotlist.load(folder, progress=False).save(with_kind)
    finally:
        firearms_kind.unregister()
    with pytest.raises(hotlist.IntegrityError, match="not registered"):
        hotlist.open(with_kind)  # the kind's module is not imported: said so, not guessed


def test_apply_upserts_and_deletes_records_of_the_kind(
    firearms: None, folder: Path, tmp_path: Path
) -> None:
    hl = hotlist.load(folder, progress=False)
    delta = tmp_path / "delta"
    delta.mkdir()
    (delta / "firearms.csv").write_text(
        "record_id,op,serial,make\nF6,upsert,HK55512,Heckler & Koch\nF2,delete,,\n"
    )
    report = hl.apply(delta)
    change = report.datasets["firearms"]
    assert (change.inserted, change.deleted, change.rejected) == (1, 1, 0)
    assert [h.record_id for h in hl.check(extra={"serial": "HK55512"}).hits] == ["F6"]
    assert not hl.check(extra={"serial": "XK998877"}).hit
    assert hl.stats()["firearms"] == 3
    # the delta's index is the one a full build makes
    rebuilt = firearms_kind.KIND.build(hl.tables["firearms"])
    assert rebuilt.keys.equals(hl._state.indexes["firearms"].keys)


def test_the_builtin_kinds_agree_with_the_public_schema_names() -> None:
    assert tuple(k.name for k in datasets.BUILTIN) == DATASETS == datasets.names()[:3]
    schemas: dict[str, pa.Schema] = {str(k): v for k, v in SCHEMAS.items()}
    required = {str(k): v for k, v in REQUIRED_COLUMNS.items()}
    for kind in datasets.BUILTIN:
        assert isinstance(kind, datasets.Kind)
        assert kind.schema.equals(schemas[kind.name])
        assert kind.required == required[kind.name]


def test_a_kind_without_an_action_gets_a_generic_one_and_severity_by_level(
    firearms: None, folder: Path
) -> None:
    set_kind_action("firearms", None)  # as a kind that declares no action
    hl = hotlist.load(folder, progress=False)
    hit = hl.check(extra={"serial": "AB12345"}).hits[0]
    assert hit.action == OTHER_ACTION
    assert "Listed person" not in hit.action  # not the persons' text
    for level, want in (("exact", "alarm"), ("ocr", "alarm"), ("edit", "possible")):
        assert severity_from_reasons("firearms", level, 0.5, ()) == want
        assert severity_of("firearms", level, 0.5, ()) == want


def test_files_of_any_kind_are_named_in_one_mapping(
    firearms: None, folder: Path, tmp_path: Path
) -> None:
    with pytest.raises(hotlist.ExtractError, match="no dataset kind called 'guns'"):
        hotlist.load(extracts={"guns": folder / "firearms.csv"}, progress=False)
    with pytest.raises(hotlist.InvalidQuery, match="named twice"):
        hotlist.load(documents="a.csv", extracts={"documents": "b.csv"}, progress=False)
    hl = hotlist.load(hotlist.sample_data_path(), progress=False)
    assert hl.stats()["firearms"] == 0
    hl.reload(extracts={"firearms": folder / "firearms.csv"}, rollback="allow")
    assert hl.stats()["firearms"] == 3 and hl.stats()["documents"] == 0
    delta = tmp_path / "guns-delta.csv"
    delta.write_text("record_id,op\nF1,delete\n")
    assert hl.apply(extracts={"firearms": delta}).datasets["firearms"].deleted == 1
    assert not hl.check(extra={"serial": "AB12345"}).hit
