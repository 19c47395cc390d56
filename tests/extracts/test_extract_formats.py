"""Each format, BOM, sniffed delimiters, list columns, mapping, unreadable files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyarrow import feather

from hotlist import synth
from hotlist._errors import ExtractError
from hotlist.extracts import find_extracts, load_datasets, read_extract, sniff_delimiter
from hotlist.schema import DOCUMENTS_SCHEMA, PERSONS_SCHEMA, VEHICLES_SCHEMA

DOC_HEADER = "record_id,document_number,issuing_country,document_type,status,reported_on"
DOC_ROWS = [
    "D1,L898902C3,UTO,passport,stolen,2024-03-01",
    "D2,12AB34567,France,ID card,LOST,15.01.2024",
    "D3, C01X00T47 ,D,P,stolen blank,03/02/2024",
]


def write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def docs_csv(tmp_path: Path, delimiter: str = ",", *, bom: bool = False) -> Path:
    lines = [DOC_HEADER, *DOC_ROWS]
    text = "\n".join(line.replace(",", delimiter) for line in lines) + "\n"
    return write(tmp_path / "documents.csv", text, bom=bom)


def check_docs(table: pa.Table) -> None:
    assert table.schema.equals(DOCUMENTS_SCHEMA)
    rows = table.to_pylist()
    assert [r["issuing_country"] for r in rows] == ["UTO", "FRA", "DEU"]
    assert [r["document_type"] for r in rows] == ["passport", "id_card", "passport"]
    assert [r["status"] for r in rows] == ["stolen", "lost", "stolen_blank"]
    assert [r["reported_on"].isoformat() for r in rows] == [
        "2024-03-01",
        "2024-01-15",
        "2024-02-03",
    ]
    assert rows[2]["document_number"] == "C01X00T47"  # trimmed, not compacted


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_sniffed_delimiters_and_bom(tmp_path: Path, delimiter: str, bom: bool) -> None:
    r = read_extract(docs_csv(tmp_path, delimiter, bom=bom), "documents")
    assert r.problems == [] and r.read == 3
    check_docs(r.table)


def test_csv_given_delimiter_and_gzip(tmp_path: Path) -> None:
    plain = docs_csv(tmp_path, ";")
    gz = tmp_path / "documents.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    check_docs(read_extract(gz, "documents", delimiter=";").table)


def test_sniff_ignores_delimiters_inside_quotes() -> None:
    assert sniff_delimiter('a,b,c\n"x;y;z",2,3\n') == ","
    assert sniff_delimiter("a|b\n1|2\n") == "|"


def test_parquet_ipc_jsonl(tmp_path: Path) -> None:
    table = read_extract(docs_csv(tmp_path), "documents").table
    pq.write_table(table, tmp_path / "d.parquet")
    feather.write_feather(table, tmp_path / "d.feather")
    with (
        pa.OSFile(str(tmp_path / "d.arrows"), "wb") as sink,
        pa.ipc.new_stream(sink, table.schema) as w,
    ):
        w.write_table(table)
    for name in ("d.parquet", "d.feather", "d.arrows"):
        check_docs(read_extract(tmp_path / name, "documents").table)
    lines = [
        {
            "record_id": "D1",
            "document_number": "L898902C3",
            "issuing_country": "UTO",
            "document_type": "passport",
            "status": "stolen",
            "reported_on": "2024-03-01",
        },
        {
            "record_id": "D2",
            "document_number": "12AB34567",
            "issuing_country": "France",
            "document_type": "ID card",
            "status": "LOST",
            "reported_on": "15.01.2024",
        },
        {
            "record_id": "D3",
            "document_number": " C01X00T47 ",
            "issuing_country": "D",
            "document_type": "P",
            "status": "stolen blank",
            "reported_on": "03/02/2024",
        },
    ]
    path = write(tmp_path / "d.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    check_docs(read_extract(path, "documents").table)


def test_parquet_with_native_types_and_numbers(tmp_path: Path) -> None:
    t = pa.table(
        {
            "record_id": pa.array([1, 2], pa.int64()),
            "vin": ["1M8GDM9AXKP042788", None],
            "plate": [None, "AB-123-CD"],
            "registration_country": pa.array(["USA", "FR"]).dictionary_encode(),
            "year": pa.array([2019.0, 2021.0]),
            "stolen_on": pa.array([19000, 19500], pa.int32()).cast(pa.date32()),
        }
    )
    pq.write_table(t, tmp_path / "v.parquet")
    r = read_extract(tmp_path / "v.parquet", "vehicles")
    assert r.problems == []
    assert r.table.schema.equals(VEHICLES_SCHEMA)
    assert r.table.column("record_id").to_pylist() == ["1", "2"]
    assert r.table.column("year").to_pylist() == [2019, 2021]
    assert r.table.column("registration_country").to_pylist() == ["USA", "FRA"]


def test_persons_lists_names_and_dob(tmp_path: Path) -> None:
    lines = [
        {
            "record_id": "P1",
            "family_name": "ERIKSSON",
            "given_names": "Anna Maria",
            "aliases": ["ERIKSON, Anna", " ", "ANNA ERIKSSON"],
            "date_of_birth": "1974-08-12",
            "sex": "female",
            "nationalities": "UTO; SE",
            "notice_type": "Red Notice",
        },
        {
            "record_id": "P2",
            "name": "IVANOV, Sergei",
            "aliases": "IWANOW, Sergej|IVANOFF",
            "date_of_birth": "1971-03",
            "sex": "m",
            "nationalities": [],
            "notice_type": "warrant",
            "document_numbers": "123456789 ; ;987654321",
        },
        {"record_id": "P3", "name": "王伟", "date_of_birth": "1979", "notice_type": "diffusion"},
        {"record_id": "P4", "name": "X", "date_of_birth": "00.00.1980", "notice_type": "blue"},
    ]
    path = write(
        tmp_path / "persons.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    )
    r = read_extract(path, "persons")
    assert r.problems == []
    assert r.table.schema.equals(PERSONS_SCHEMA)
    p1, p2, p3, p4 = r.table.to_pylist()
    assert p1["name"] == "ERIKSSON, Anna Maria"
    assert p1["aliases"] == ["ERIKSON, Anna", "ANNA ERIKSSON"]
    assert p1["nationalities"] == ["UTO", "SWE"]
    assert (p1["dob_year"], p1["dob_month"], p1["dob_day"], p1["sex"]) == (1974, 8, 12, "F")
    assert p1["notice_type"] == "red"
    assert (p2["family_name"], p2["given_names"]) == ("IVANOV", "Sergei")
    assert p2["aliases"] == ["IWANOW, Sergej", "IVANOFF"]
    assert p2["document_numbers"] == ["123456789", "987654321"]
    assert (p2["date_of_birth"], p2["dob_year"], p2["dob_month"], p2["dob_day"]) == (
        "1971-03",
        1971,
        3,
        None,
    )
    assert (p3["name"], p3["family_name"], p3["dob_year"], p3["dob_month"]) == (
        "王伟",
        None,
        1979,
        None,
    )
    assert (p4["dob_year"], p4["dob_month"], p4["dob_day"]) == (1980, None, None)
    assert p3["aliases"] == [] and p3["nationalities"] == []


def test_csv_list_columns_with_semicolon_delimiter(tmp_path: Path) -> None:
    text = 'record_id;name;aliases;notice_type\nP1;DOE, John;"DOE, Jon|DOW, John";red\n'
    r = read_extract(write(tmp_path / "p.csv", text), "persons")
    assert r.table.column("aliases").to_pylist() == [["DOE, Jon", "DOW, John"]]


def test_mapping_case_insensitive_and_notes(tmp_path: Path) -> None:
    text = "ID,Num, Country ,TYPE,Status,Date,Clerk\nA,X1,FRA,passport,lost,2024-01-01,me\n"
    r = read_extract(
        write(tmp_path / "d.csv", text),
        "documents",
        mapping={
            "id": "record_id",
            "NUM": "document_number",
            "country": "issuing_country",
            "type": "document_type",
            "date": "reported_on",
            "nope": "notes",
        },
    )
    assert r.loaded == 1
    assert any("Clerk" in n for n in r.notes)
    assert any("nope" in n for n in r.notes)


def test_mapping_to_unknown_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="not a column"):
        read_extract(docs_csv(tmp_path), "documents", mapping={"status": "state"})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("documents.csv", b"", "empty"),
        ("documents.parquet", b"PAR1 this is not parquet", "truncated"),
        ("documents.parquet", b"record_id,document_number\n1,2\n", "not a Parquet"),
        ("documents.csv", b"PAR1\x00\x00\x00binary", "Parquet"),
        ("documents.jsonl", b'[{"record_id": 1}]', "JSON array"),
        ("documents.jsonl", b"record_id,x\n", "not JSON"),
        ("documents.arrow", b"definitely not arrow", "Arrow IPC"),
        ("documents.xlsx", b"PK\x03\x04", "unknown extract format"),
        ("documents.csv", b"record_id,number\n1,2\n", "required column"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message) as info:
        read_extract(path, "documents")
    assert str(path) in str(info.value)


def test_truncated_parquet(tmp_path: Path) -> None:
    path = tmp_path / "documents.parquet"
    pq.write_table(synth.documents(100, 1), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractError, match="truncated"):
        read_extract(path, "documents")


def test_find_extracts_and_folder_load(tmp_path: Path) -> None:
    docs_csv(tmp_path)
    (tmp_path / "persons").mkdir()
    write(tmp_path / "persons" / "part-1.csv", 'record_id,name,notice_type\nP1,"DOE, J",red\n')
    write(
        tmp_path / "persons" / "part-2.csv",
        'record_id,name,notice_type\nP1,"DOE, J",red\nP2,X,red\n',
    )
    write(tmp_path / "notes.txt", "not an extract")
    found = find_extracts(tmp_path)
    assert set(found) == {"documents", "persons"}
    tables, report = load_datasets(tmp_path)
    assert tables["vehicles"].num_rows == 0 and tables["vehicles"].schema.equals(VEHICLES_SCHEMA)
    assert tables["persons"].column("record_id").to_pylist() == ["P1", "P2"]
    (dup,) = report.datasets["persons"].problems
    assert dup.row == 1 and "part-1.csv row 1" in dup.reason
    assert report.read == report.loaded + report.rejected == 6


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="no extracts found"):
        load_datasets(tmp_path)


def test_header_only_csv_loads_nothing(tmp_path: Path) -> None:
    r = read_extract(write(tmp_path / "d.csv", DOC_HEADER + "\n"), "documents")
    assert (r.read, r.loaded, r.problems) == (0, 0, [])
