"""Issue 9, points 3-5: a record is rejected only when it cannot be searched, whatever
is loaded is findable by checking its own listed value, and no damaged file crashes
or loses rows without a report.

Each test reproduces one fault found on the code of commit ffb0039.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from damage_child import read_in_child

import hotlist
from hotlist._errors import ExtractError
from hotlist.extracts import load_datasets, read_extract

DOC_HEADER = "record_id,document_number,issuing_country,document_type,status,reported_on"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def found(hl: hotlist.Hotlist, record_id: str, **query: str) -> bool:
    return record_id in {h.record_id for h in hl.check(**query).hits}


# ---------------------------------------------------------------------------
# point 3: rejected only when it cannot be searched; everything else is reported
# ---------------------------------------------------------------------------


def test_document_without_reported_on_loads_with_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path / "documents.csv",
        DOC_HEADER + "\n"
        "D1,L898902C3,UTO,passport,stolen,\n"  # no reported_on
        "D2,X1234567,FRA,passport,stolenn,2024-02-30\n"  # unknown status, impossible date
        "D3,Y7654321,Atlantis,pasport,lost,yesterday\n"  # unknown country and type
        "D4,,FRA,passport,stolen,2024-01-02\n"  # no number: cannot be searched
        "D5,Z1111111,FRA,passport,stolen,2024-01-02\n",
    )
    _, report = load_datasets(documents=path)
    d = report.datasets["documents"]
    assert (d.read, d.loaded, d.rejected, d.loaded_with_problems) == (5, 4, 1, 3)
    assert report.loaded + report.rejected == report.read
    assert [(p.row, p.column) for p in d.problems] == [(4, "document_number")]
    warned = {(w.row, w.column) for w in d.warnings}
    assert {(1, "reported_on"), (2, "status"), (2, "reported_on")} <= warned
    assert {(3, "issuing_country"), (3, "document_type"), (3, "reported_on")} <= warned
    w = next(w for w in d.warnings if (w.row, w.column) == (2, "status"))
    assert w.file == str(path) and w.value == "stolenn" and "unknown code" in w.reason
    assert "loaded with problems" in report.to_text()
    assert report.summary()["total"]["loaded_with_problems"] == 3
    hl = hotlist.load(documents=path)
    assert found(hl, "D1", document="L898902C3", country="UTO")
    assert found(hl, "D2", document="X1234567", country="FRA")
    assert found(hl, "D3", document="Y7654321")
    # loaded without an issuing country: a country-qualified check still finds it,
    # and says why it is not a full-score hit
    (hit,) = hl.check(document="Y7654321", country="FRA").hits
    assert "issuing country not listed" in hit.reasons and hit.score == 0.8


def test_vehicle_and_person_problems_load(tmp_path: Path) -> None:
    vpath = write(
        tmp_path / "vehicles.csv",
        "record_id,vin,plate,registration_country,year,stolen_on\n"
        "V1,,AB-123-CD,Narnia,twenty,31.02.2024\nV2,,,FRA,2020,\n",
    )
    r = read_extract(vpath, "vehicles")
    assert (r.read, r.loaded) == (2, 1)
    assert [p.row for p in r.problems] == [2]
    assert {w.column for w in r.warnings} == {"registration_country", "year", "stolen_on"}
    ppath = write(
        tmp_path / "persons.csv",
        "record_id,name,date_of_birth,nationalities,notice_type,sex\n"
        'P1,"DOE, John",1970-13,FRA;Narnia,orange,Q\nP2,,1970,FRA,red,M\n',
    )
    r = read_extract(ppath, "persons")
    assert (r.read, r.loaded) == (2, 1)
    assert [(p.row, p.column) for p in r.problems] == [(2, "name")]
    assert {w.column for w in r.warnings} == {
        "date_of_birth",
        "nationalities",
        "notice_type",
        "sex",
    }
    assert r.table.column("nationalities").to_pylist() == [["FRA"]]
    hl = hotlist.load(vehicles=vpath, persons=ppath)
    assert found(hl, "V1", plate="AB-123-CD")
    assert found(hl, "P1", name="DOE, John")


def test_strict_still_raises_on_rejected_rows_only(tmp_path: Path) -> None:
    path = write(tmp_path / "documents.csv", DOC_HEADER + "\nD1,L898902C3,UTO,passport,x,\n")
    _, report = load_datasets(documents=path, strict=True)  # warnings only: no raise
    assert report.datasets["documents"].loaded_with_problems == 1
    write(path, DOC_HEADER + "\nD1,,UTO,passport,stolen,2024-01-01\nD2,A1,UTO,passport,,\n")
    with pytest.raises(ExtractError, match="1 of 2 rows rejected"):
        load_datasets(documents=path, strict=True)


def test_no_searchable_row_in_a_non_empty_extract_raises(tmp_path: Path) -> None:
    # A wrong mapping: the document number mapped to a column that is always empty.
    path = write(
        tmp_path / "documents.csv",
        "id,number,spare,country,type,status,date\n"
        "1,L898902C3,,UTO,P,stolen,2024-01-01\n2,X1234567,,FRA,P,lost,2024-01-01\n",
    )
    mapping = {
        "id": "record_id",
        "spare": "document_number",
        "country": "issuing_country",
        "type": "document_type",
        "date": "reported_on",
    }
    with pytest.raises(ExtractError, match="no row can be searched") as info:
        load_datasets(documents=path, mapping=mapping)
    assert str(path) in str(info.value)


def test_missing_descriptive_column_loads_with_a_note(tmp_path: Path) -> None:
    path = write(
        tmp_path / "documents.csv",
        "record_id,document_number,issuing_country\nD1,L898902C3,UTO\n",
    )
    _, report = load_datasets(documents=path)
    assert report.datasets["documents"].loaded == 1
    assert any("reported_on" in n for n in report.datasets["documents"].notes)
    hl = hotlist.load(documents=path)
    assert found(hl, "D1", document="L898902C3")


def test_duplicate_record_id_with_another_number_is_still_searchable(tmp_path: Path) -> None:
    path = write(
        tmp_path / "documents.csv",
        DOC_HEADER + "\nD1,L898902C3,UTO,passport,stolen,2024-01-01\n"
        "D1,X1234567,FRA,passport,stolen,2024-01-01\n"
        "D1,L898902C3,UTO,passport,stolen,2024-01-01\n",
    )
    _, report = load_datasets(documents=path)
    d = report.datasets["documents"]
    assert (d.read, d.loaded, d.rejected) == (3, 2, 1)  # the exact repeat adds nothing
    assert "duplicate record_id" in d.problems[0].reason
    assert any("duplicate record_id" in w.reason for w in d.warnings)
    hl = hotlist.load(documents=path)
    assert hl.check(document="X1234567").hits, "a second record under a reused id is lost"


# ---------------------------------------------------------------------------
# point 4: one normaliser for the index side and the query side
# ---------------------------------------------------------------------------

ODD_NUMBERS = {
    "zwsp": "AB123456\u200b",
    "fullwidth": "\uff21\uff22\uff11\uff12\uff13\uff14\uff15\uff16",
    "nbsp": "AB\u00a0123456",
    "unicode dash": "AB\u2010123456",
    "bom inside": "AB\ufeff123456",
    "ideographic space": "AB\u3000123456",
}


@pytest.mark.parametrize("kind", sorted(ODD_NUMBERS))
def test_odd_document_number_loaded_is_findable(tmp_path: Path, kind: str) -> None:
    number = ODD_NUMBERS[kind]
    path = write(tmp_path / "documents.csv", DOC_HEADER + f"\nD1,{number},FRA,P,stolen,\n")
    hl = hotlist.load(documents=path)
    assert hl.report.loaded == 1
    assert found(hl, "D1", document=number, country="FRA")
    assert found(hl, "D1", document="AB123456")


@pytest.mark.parametrize(
    ("number", "why"),
    [("AB#123", "'#'"), ("AB\x01123", "control character"), ("\u200b", "empty"), ("É123", "'É'")],
)
def test_document_number_check_refuses_is_rejected_with_the_reason(
    tmp_path: Path, number: str, why: str
) -> None:
    path = write(
        tmp_path / "documents.csv",
        DOC_HEADER + f"\nD1,{number},FRA,P,stolen,\nD2,OK1234,FRA,P,stolen,\n",
    )
    r = read_extract(path, "documents")
    assert r.loaded == 1
    (p,) = r.problems
    assert p.column == "document_number" and why in p.reason, p.reason


def test_unusable_vin_with_a_plate_loads_by_the_plate(tmp_path: Path) -> None:
    path = write(
        tmp_path / "vehicles.csv",
        "record_id,vin,plate,registration_country\n"
        "V1,ABC,AB-123-CD,FRA\nV2,ABC,,FRA\nV3,WVWZZZ1JZ3W386752\u200b,,DEU\n"
        "V4,,\uff21\uff22-123-CD,FRA\nV5,,AB#12,FRA\n",
    )
    hl = hotlist.load(vehicles=path)
    d = hl.report.datasets["vehicles"]
    assert (d.read, d.loaded) == (5, 3)
    assert {p.row for p in d.problems} == {2, 5}
    assert any(w.row == 1 and w.column == "vin" for w in d.warnings)
    assert found(hl, "V1", plate="AB-123-CD", country="FRA")
    assert found(hl, "V3", vin="WVWZZZ1JZ3W386752\u200b")
    assert found(hl, "V4", plate="\uff21\uff22-123-CD")


def test_person_name_check_refuses_is_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path / "persons.csv",
        "record_id,name,aliases,notice_type\n"
        'P1,"\u200b\u200b",,red\nP2,"DOE,\u00a0John\u200b",,red\nP3,"...",,red\n'
        'P4,"ROE, Jane","\x01;ROE, J.",red\n',
    )
    hl = hotlist.load(persons=path)
    d = hl.report.datasets["persons"]
    assert (d.read, d.loaded) == (4, 2)
    assert {p.row for p in d.problems} == {1, 3}
    assert found(hl, "P2", name="DOE,\u00a0John\u200b")
    assert found(hl, "P4", name="ROE, Jane")
    assert any(w.row == 4 and w.column == "aliases" for w in d.warnings)


# ---------------------------------------------------------------------------
# point 5: damaged files never crash, never lose rows silently
# ---------------------------------------------------------------------------


def _good_rows(start: int, count: int) -> list[str]:
    return [f"D{i},N{i:07d},FRA,passport,stolen,2024-01-02" for i in range(start, start + count)]


@pytest.mark.parametrize("where", ["document_number", "notes"])
def test_stray_quote_is_one_rejected_row_with_its_line(tmp_path: Path, where: str) -> None:
    header = DOC_HEADER + ",notes"
    rows = [r + ",ok" for r in _good_rows(1, 3)]
    bad = (
        'D9,"N9999999,FRA,passport,stolen,2024-01-02,ok'
        if where == "document_number"
        else 'D9,N9999999,FRA,passport,stolen,2024-01-02,"gestohlen'
    )
    more = [r + ',"a, quoted note"' for r in _good_rows(10, 40)]
    path = write(tmp_path / "documents.csv", "\n".join([header, *rows, bad, *more]) + "\n")
    tables, report = load_datasets(documents=path)
    d = report.datasets["documents"]
    assert d.read == 44, "every physical record is counted"
    assert d.loaded + d.rejected == d.read
    ids = set(tables["documents"].column("record_id").to_pylist())
    assert {f"D{i}" for i in (1, 2, 3, *range(10, 50))} <= ids
    (p,) = d.problems
    assert p.row == 4 and "line 5" in p.reason and "quote" in p.reason
    with pytest.raises(ExtractError, match="rejected"):
        load_datasets(documents=path, strict=True)


def test_quoted_newline_in_a_value_is_one_record(tmp_path: Path) -> None:
    path = write(
        tmp_path / "documents.csv",
        DOC_HEADER + ',notes\nD1,N1,FRA,P,stolen,2024-01-02,"two\nlines"\n'
        "D2,N2,FRA,P,stolen,2024-01-02,x\n",
    )
    r = read_extract(path, "documents")
    assert (r.read, r.loaded) == (2, 2)
    assert r.table.column("notes").to_pylist() == ["two\nlines", "x"]


def test_cr_only_line_ends(tmp_path: Path) -> None:
    rows = [DOC_HEADER, *_good_rows(1, 5)]
    path = tmp_path / "documents.csv"
    path.write_bytes("\r".join(rows).encode() + b"\r")
    r = read_extract(path, "documents")
    assert (r.read, r.loaded) == (5, 5)
    # and in the row-tolerant reader too (one bad row sends the file there)
    path.write_bytes("\r".join([*rows, "D9,N9,FRA"]).encode() + b"\r")
    r = read_extract(path, "documents")
    assert (r.read, r.loaded) == (6, 5)


def test_truncated_gzip_raises_extract_error(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join([DOC_HEADER, *_good_rows(1, 5000)]) + "\n").encode())
    path = tmp_path / "documents.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractError) as info:
        read_extract(path, "documents")
    assert str(path) in str(info.value)


def test_field_over_128_kb(tmp_path: Path) -> None:
    big = "x" * 200_000
    rows = [DOC_HEADER + ",notes", f"D1,N1,FRA,P,stolen,2024-01-02,{big}", "D2,N2,FRA,P,stolen"]
    path = write(tmp_path / "documents.csv", "\n".join(rows) + "\n")
    r = read_extract(path, "documents")
    assert (r.read, r.loaded) == (2, 1)
    assert r.table.column("notes").to_pylist() == [big]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_csv_with_bom(tmp_path: Path, encoding: str) -> None:
    text = "\n".join([DOC_HEADER, "D1,L898902C3,UTO,P,stolen,2024-01-02", "D2,Ü1,UTO"]) + "\n"
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-16-le": b"\xff\xfe"}[encoding]
    path = tmp_path / "documents.csv"
    path.write_bytes(bom + text.encode(encoding))
    r = read_extract(path, "documents")
    assert (r.read, r.loaded) == (2, 1)
    assert r.table.column("document_number").to_pylist() == ["L898902C3"]


def test_utf16_jsonl_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "persons.jsonl"
    line = '{"record_id": "P1", "name": "DOE, John", "notice_type": "red"}\n'
    path.write_bytes(line.encode("utf-16"))
    r = read_extract(path, "persons")
    assert (r.read, r.loaded) == (1, 1)


def test_bad_utf8_in_a_parquet_binary_column(tmp_path: Path) -> None:
    table = pa.table(
        {
            "record_id": pa.array([b"D1", b"D2", b"D3"], pa.binary()),
            "document_number": pa.array([b"N1", b"N\xff2", b"N3"], pa.binary()),
            "notes": pa.array([b"ok", b"ok", b"bad \xc3"], pa.binary()),
        }
    )
    path = tmp_path / "documents.parquet"
    pq.write_table(table, path)
    r = read_extract(path, "documents")
    assert (r.read, r.loaded) == (3, 2)
    assert r.problems[0].row == 2 and "UTF-8" in r.problems[0].reason
    assert any(w.row == 3 and w.column == "notes" for w in r.warnings)


def test_jsonl_broken_line_is_a_rejected_row_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "persons.jsonl",
        '{"record_id": "P1", "name": "A, B", "notice_type": "red"}\n\n'
        '{"record_id": "P2", "name": "C, D", "notice_type": "red"\n'
        '{"record_id": "P3", "name": "E, F", "notice_type": "red"}\n',
    )
    r = read_extract(path, "persons")
    assert (r.read, r.loaded) == (3, 2)
    (p,) = r.problems
    assert p.row == 2 and "line 3" in p.reason


def test_truncated_jsonl_gzip_raises_extract_error(tmp_path: Path) -> None:
    line = '{"record_id": "P%d", "name": "A, B", "notice_type": "red"}\n'
    data = gzip.compress("".join(line % i for i in range(5000)).encode())
    path = tmp_path / "persons.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractError) as info:
        read_extract(path, "persons")
    assert str(path) in str(info.value)


@pytest.mark.parametrize("fmt", ["arrow", "parquet"])
def test_damaged_binary_extracts_never_crash(tmp_path: Path, fmt: str) -> None:
    from hotlist import synth

    table = synth.documents(300, seed=3)
    clean = tmp_path / f"clean.{fmt}"
    if fmt == "arrow":
        from pyarrow import feather

        feather.write_feather(table, clean, compression="uncompressed")
    else:
        pq.write_table(table, clean, compression="none")
    data = clean.read_bytes()
    paths = []
    # same-size damage at spread positions, header and footer included
    step = max(1, len(data) // 60)
    for k, pos in enumerate([*range(0, len(data), step), len(data) - 9, len(data) - 5]):
        bad = bytearray(data)
        bad[pos] ^= 0xFF if k % 2 else 0x41
        path = tmp_path / f"documents_{k}.{fmt}"
        path.write_bytes(bytes(bad))
        paths.append(path)
    outcomes = read_in_child(paths, "documents")
    assert len(outcomes) == len(paths)
    assert set(outcomes) <= {"ExtractError", "loaded"}


def test_duplicate_record_id_across_files(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", DOC_HEADER + "\nD1,L898902C3,UTO,P,stolen,2024-01-01\n")
    b = write(
        tmp_path / "b.csv",
        DOC_HEADER + "\nD1,L898902C3,UTO,P,lost,2024-01-01\nD1,X1234567,FRA,P,lost,2024-01-01\n",
    )
    tables, report = load_datasets(documents=[a, b])
    d = report.datasets["documents"]
    assert (d.read, d.loaded, d.rejected, d.loaded_with_problems) == (3, 2, 1, 1)
    assert [(p.file, p.row) for p in d.problems] == [(str(b), 1)]
    ids = tables["documents"].column("record_id").to_pylist()
    assert ids == ["D1", "D1#b.csv:2"]  # b row 1 repeats a row 1; b row 2 is another key
    assert hotlist.load(documents=[a, b]).check(document="X1234567").hits
