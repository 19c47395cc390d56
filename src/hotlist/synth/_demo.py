"""The demo records of the bundled sample data, and writing tables as extracts
(Parquet, CSV, JSON Lines)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from hotlist.schema import DOCUMENTS_SCHEMA, PERSONS_SCHEMA, VEHICLES_SCHEMA
from hotlist.synth._documents import documents
from hotlist.synth._persons import persons
from hotlist.synth._vehicles import vehicles


def _demo_documents() -> pa.Table:
    rows = [
        # ICAO Doc 9303 specimen passport (TD3) of ERIKSSON, Anna Maria, born 1974-08-12
        (
            "DEMO-D-0001",
            "L898902C3",
            "UTO",
            "passport",
            "stolen",
            "2024-03-01",
            "UTO",
            "2012-04-16",
            "2022-04-15",
            "ICAO 9303 specimen passport",
        ),
        # ICAO Doc 9303 specimen identity card (TD1) of the same holder
        (
            "DEMO-D-0002",
            "D23145890",
            "UTO",
            "id_card",
            "lost",
            "2023-11-20",
            "UTO",
            "2013-07-23",
            "2023-07-22",
            "ICAO 9303 specimen identity card",
        ),
        (
            "DEMO-D-0003",
            "C01X00T47",
            "DEU",
            "passport",
            "stolen",
            "2024-06-03",
            "FRA",
            "2019-05-02",
            "2029-05-01",
            "stolen in Paris, reported by the French police",
        ),
        (
            "DEMO-D-0004",
            "12AB34567",
            "FRA",
            "passport",
            "revoked",
            "2024-01-15",
            "FRA",
            "2020-09-10",
            "2030-09-09",
            None,
        ),
        (
            "DEMO-D-0005",
            "YA7654321",
            "ITA",
            "passport",
            "stolen_blank",
            "2023-05-30",
            "ITA",
            None,
            None,
            "blank booklet from a stolen batch",
        ),
    ]
    cols = list(zip(*rows, strict=True))
    countries = sorted({c for c in cols[2] + cols[6] if c})
    arrays = [
        pa.array(cols[0]),
        pa.array(cols[1]),
        pa.array(cols[2]).dictionary_encode().cast(pa.dictionary(pa.int16(), pa.string())),
        pa.array(cols[3]).dictionary_encode().cast(pa.dictionary(pa.int8(), pa.string())),
        pa.array(cols[4]).dictionary_encode().cast(pa.dictionary(pa.int8(), pa.string())),
        pc.cast(pa.array(cols[5]), pa.date32()),
        pa.array(cols[6]).dictionary_encode().cast(pa.dictionary(pa.int16(), pa.string())),
        pc.cast(pa.array(cols[7], pa.string()), pa.date32()),
        pc.cast(pa.array(cols[8], pa.string()), pa.date32()),
        pa.array(cols[9], pa.string()),
    ]
    del countries
    return pa.Table.from_arrays(arrays, schema=DOCUMENTS_SCHEMA)


def _demo_vehicles() -> pa.Table:
    rows = [
        (
            "DEMO-V-0001",
            "1M8GDM9AXKP042788",
            None,
            "USA",
            "Motor Coach Industries",
            "D4505",
            "white",
            2019,
            "2024-02-11",
            "coach stolen from a depot",
        ),
        (
            "DEMO-V-0002",
            None,
            "AB-123-CD",
            "FRA",
            "Renault",
            "Clio",
            "grey",
            2021,
            "2024-05-20",
            None,
        ),
        (
            "DEMO-V-0003",
            "WVWZZZ1JZ3W386752",
            "B-MH 4711",
            "DEU",
            "Volkswagen",
            "Golf",
            "blue",
            2003,
            "2023-10-02",
            "European VIN without a check digit",
        ),
        (
            "DEMO-V-0004",
            "SAJAA06E25HL45321",
            "LX19 ABC",
            "GBR",
            "Jaguar",
            "XE",
            "black",
            2019,
            "2024-08-30",
            None,
        ),
    ]
    cols = list(zip(*rows, strict=True))
    arrays = [
        pa.array(cols[0]),
        pa.array(cols[1], pa.string()),
        pa.array(cols[2], pa.string()),
        pa.array(cols[3]).dictionary_encode().cast(pa.dictionary(pa.int16(), pa.string())),
        pa.array(cols[4]),
        pa.array(cols[5]),
        pa.array(cols[6]),
        pa.array(cols[7], pa.int16()),
        pc.cast(pa.array(cols[8]), pa.date32()),
        pa.array(cols[9], pa.string()),
    ]
    return pa.Table.from_arrays(arrays, schema=VEHICLES_SCHEMA)


_DEMO_PERSONS: list[dict[str, object]] = [
    {
        "record_id": "DEMO-P-0001",
        "name": "ERIKSSON, Anna Maria",
        "family_name": "ERIKSSON",
        "given_names": "Anna Maria",
        "aliases": ["ERIKSON, Anna"],
        "date_of_birth": "1974-08-12",
        "sex": "F",
        "nationalities": ["UTO"],
        "notice_type": "diffusion",
        "offences": "forgery of travel documents",
        "document_numbers": ["L898902C3", "D23145890"],
        "issuing_authority": "NCB UTO",
    },
    {
        "record_id": "DEMO-P-0002",
        "name": "ИВАНОВ, Сергей Петрович",
        "family_name": "ИВАНОВ",
        "given_names": "Сергей Петрович",
        "aliases": ["IVANOV, Sergei Petrovich", "IWANOW, Sergej", "IVANOFF, Sergey"],
        "date_of_birth": "1971-03-15",
        "sex": "M",
        "nationalities": ["RUS"],
        "notice_type": "red",
        "offences": "armed robbery",
        "caution": "armed and dangerous",
        "issuing_authority": "NCB RUS",
    },
    {
        "record_id": "DEMO-P-0003",
        "name": "الحسن, عبد الله",
        "family_name": "الحسن",
        "given_names": "عبد الله",
        "aliases": ["AL HASSAN, Abdullah", "ALHASAN, Abdallah"],
        "date_of_birth": "1983",
        "sex": "M",
        "nationalities": ["SYR", "JOR"],
        "notice_type": "red",
        "offences": "participation in a criminal organisation",
        "caution": "violent",
        "issuing_authority": "NCB JOR",
    },
    {
        "record_id": "DEMO-P-0004",
        "name": "ΠΑΠΑΔΟΠΟΥΛΟΣ, Γεώργιος",
        "family_name": "ΠΑΠΑΔΟΠΟΥΛΟΣ",
        "given_names": "Γεώργιος",
        "aliases": ["PAPADOPOULOS, Georgios", "PAPADOPOULOS, Giorgos"],
        "date_of_birth": "1965-11",
        "sex": "M",
        "nationalities": ["GRC"],
        "notice_type": "warrant",
        "offences": "money laundering",
        "issuing_authority": "NCB GRC",
    },
    {
        "record_id": "DEMO-P-0005",
        "name": "王伟",
        "family_name": "王",
        "given_names": "伟",
        "aliases": ["WANG, Wei", "WONG, Wai"],
        "date_of_birth": "1979-02-03",
        "sex": "M",
        "nationalities": ["CHN"],
        "notice_type": "red",
        "offences": "fraud",
        "caution": "escape risk",
        "document_numbers": ["E12345678"],
        "issuing_authority": "NCB CHN",
    },
    {
        "record_id": "DEMO-P-0006",
        "name": "MÜLLER, Jürgen",
        "family_name": "MÜLLER",
        "given_names": "Jürgen",
        "aliases": ["MUELLER, Juergen", "MULLER, Jurgen"],
        "date_of_birth": "1968-05-21",
        "sex": "M",
        "nationalities": ["DEU", "AUT"],
        "notice_type": "red",
        "offences": "homicide",
        "caution": "armed and dangerous; violent",
        "issuing_authority": "NCB DEU",
    },
    {
        "record_id": "DEMO-P-0007",
        "name": "NGUYỄN, Thị Hương",
        "family_name": "NGUYỄN",
        "given_names": "Thị Hương",
        "aliases": ["NGUYEN, Thi Huong"],
        "date_of_birth": "1990-07",
        "sex": "F",
        "nationalities": ["VNM"],
        "notice_type": "yellow",
        "issuing_authority": "NCB VNM",
    },
]


def _demo_persons() -> pa.Table:
    rows = []
    for r in _DEMO_PERSONS:
        row = {f: r.get(f) for f in PERSONS_SCHEMA.names}
        dob = str(r["date_of_birth"]).split("-")
        row["dob_year"] = int(dob[0])
        row["dob_month"] = int(dob[1]) if len(dob) > 1 else None
        row["dob_day"] = int(dob[2]) if len(dob) > 2 else None
        for f in ("aliases", "nationalities", "document_numbers"):
            row[f] = row[f] or []
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=PERSONS_SCHEMA)


def sample_tables(seed: int = 2024) -> dict[str, pa.Table]:
    """The bundled sample data: generated records plus the hand-placed demo records first."""
    return {
        "documents": pa.concat_tables([_demo_documents(), documents(5000, seed)]),
        "vehicles": pa.concat_tables([_demo_vehicles(), vehicles(2000, seed)]),
        "persons": pa.concat_tables([_demo_persons(), persons(1000, seed)]),
    }


# -- writing ---------------------------------------------------------------------------------
_DERIVED = ("dob_year", "dob_month", "dob_day")  # an extract gives date_of_birth only


def _flat(table: pa.Table) -> pa.Table:
    """Codes as plain text and lists as ``;``-joined text (for CSV)."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = pc.cast(col, pa.string())
        elif pa.types.is_list(col.type):
            col = pc.binary_join(col, ";")
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def write_table(table: pa.Table, path: str | Path, fmt: str, *, extract: bool = True) -> Path:
    """Write ``table`` as parquet, csv or jsonl.  ``extract=True`` leaves out the columns
    a loader derives (dob_year, dob_month, dob_day)."""
    out = Path(path)
    if extract:
        table = table.drop_columns([c for c in _DERIVED if c in table.column_names])
    if fmt == "parquet":
        pq.write_table(table, out, compression="zstd")
    elif fmt == "csv":
        pacsv.write_csv(_flat(table), out)
    elif fmt == "jsonl":
        import duckdb  # noqa: PLC0415 - lazy optional import (duckdb)

        con = duckdb.connect()
        try:
            plain = table.cast(
                pa.schema(
                    [
                        pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f
                        for f in table.schema
                    ]
                )
            )
            con.register("extract", plain)
            target = str(out).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM extract) TO '{target}' (FORMAT JSON)")
        finally:
            con.close()
    else:
        raise ValueError(f"unknown format {fmt!r}; expected parquet, csv or jsonl")
    return out


def write_sample_data(folder: str | Path, seed: int = 2024) -> list[Path]:
    """Regenerate the bundled sample data (documents.csv, vehicles.jsonl, persons.jsonl)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    tables = sample_tables(seed)
    return [
        write_table(tables["documents"], root / "documents.csv", "csv"),
        write_table(tables["vehicles"], root / "vehicles.jsonl", "jsonl"),
        write_table(tables["persons"], root / "persons.jsonl", "jsonl"),
    ]


# -- query mixes -----------------------------------------------------------------
