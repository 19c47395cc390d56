"""Small canonical tables for the audit, role and severity tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

import hotlist
from hotlist.schema import SCHEMAS, Dataset


def table(dataset: Dataset, rows: list[dict[str, Any]]) -> pa.Table:
    schema = SCHEMAS[dataset]
    full = [{f.name: r.get(f.name) for f in schema} for r in rows]
    plain = pa.schema(
        [
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in schema
        ]
    )
    return pa.Table.from_pylist(full, schema=plain).cast(schema)


DOCUMENTS = [
    {
        "record_id": "D1",
        "document_number": "X1234567",
        "issuing_country": "FRA",
        "document_type": "passport",
        "status": "stolen",
        "reported_on": dt.date(2025, 1, 2),
        "expires_on": dt.date(2030, 5, 17),
        "notes": "SECRET-NOTE-D1",
        "reporting_country": "FRA",
    },
    {
        "record_id": "D2",
        "document_number": "B7654321",
        "issuing_country": "XXA",
        "document_type": "id_card",
        "status": "stolen_blank",
        "reported_on": dt.date(2024, 3, 4),
        "notes": "SECRET-NOTE-D2",
    },
]
for i in range(3, 8):  # several records with one number: limit leaves some out
    DOCUMENTS.append(
        {
            "record_id": f"D{i}",
            "document_number": "DUP00001",
            "issuing_country": ["FRA", "DEU", "ITA", "ESP", "BEL"][i - 3],
            "document_type": "passport",
            "status": "lost",
            "reported_on": dt.date(2024, 1, i),
        }
    )
VEHICLES = [
    {
        "record_id": "V1",
        "vin": "1M8GDM9AXKP042788",
        "plate": "AB123CD",
        "registration_country": "FRA",
        "make": "Renault",
        "model": "Clio",
        "colour": "red",
        "year": 2019,
        "stolen_on": dt.date(2025, 2, 3),
        "notes": "SECRET-NOTE-V1",
    }
]
PERSONS = [
    {
        "record_id": "P1",
        "name": "DUPONT, Jean Marc",
        "family_name": "DUPONT",
        "given_names": "Jean Marc",
        "aliases": ["DUPOND, Jean"],
        "date_of_birth": "1970-02-03",
        "dob_year": 1970,
        "dob_month": 2,
        "dob_day": 3,
        "sex": "M",
        "nationalities": ["FRA"],
        "notice_type": "red",
        "offences": "SECRET-OFFENCE-P1",
        "caution": "armed and dangerous",
        "document_numbers": ["Z9988776"],
        "issuing_authority": "SECRET-AUTHORITY-P1",
    },
    {
        "record_id": "P2",
        "name": "KOWALSKA, Ewa",
        "family_name": "KOWALSKA",
        "given_names": "Ewa",
        "aliases": [],
        "date_of_birth": "2009-07-08",
        "dob_year": 2009,
        "dob_month": 7,
        "dob_day": 8,
        "sex": "F",
        "nationalities": ["POL"],
        "notice_type": "yellow",
        "offences": None,
        "caution": None,
        "document_numbers": [],
        "issuing_authority": "SECRET-AUTHORITY-P2",
    },
]


def small_hotlist(**kwargs: Any) -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(
        documents=table("documents", DOCUMENTS),
        vehicles=table("vehicles", VEHICLES),
        persons=table("persons", PERSONS),
        data_version="test-v1",
        **kwargs,
    )
