"""Hand-made canonical tables for the engine tests; every record is there for a reason."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from hotlist.schema import DOCUMENTS_SCHEMA, PERSONS_SCHEMA, VEHICLES_SCHEMA

D = dt.date(2024, 3, 1)


def documents_table(rows: list[tuple[str, str, str, str, str]]) -> pa.Table:
    """(record_id, number, issuing_country, type, status) rows in the canonical schema."""
    cols = list(zip(*rows, strict=True)) if rows else [[], [], [], [], []]
    return pa.table(
        {
            "record_id": list(cols[0]),
            "document_number": list(cols[1]),
            "issuing_country": list(cols[2]),
            "document_type": list(cols[3]),
            "status": list(cols[4]),
            "reported_on": [D] * len(rows),
            "reporting_country": [None] * len(rows),
            "issued_on": [None] * len(rows),
            "expires_on": [None] * len(rows),
            "notes": [None] * len(rows),
        }
    ).cast(DOCUMENTS_SCHEMA)


DOCUMENTS = [
    ("D1", "L898902C3", "UTO", "passport", "stolen"),
    ("D2", "C01X00T47", "DEU", "passport", "lost"),
    ("D3", "12AB34567", "FRA", "id_card", "stolen_blank"),
    ("D4", "C01X00T47", "AUT", "passport", "revoked"),  # the same number, another issuer
    ("D5", "X5000001", "XXA", "travel_document", "invalidated"),
]

VEHICLES = pa.table(
    {
        "record_id": ["V1", "V2", "V3", "V4"],
        "vin": ["1M8GDM9AXKP042788", "WVWZZZ1JZXW000001", None, "JH4KA7561PC008269"],
        "plate": [None, "B-AB 1234", "AB-123-CD", "ABC1234"],
        "registration_country": ["USA", "DEU", "FRA", "USA"],
        "make": ["Motor Coach Industries", "Volkswagen", "Renault", "Acura"],
        "model": [None, "Golf", "Clio", "Legend"],
        "colour": [None, "black", "grey", "red"],
        "year": [1989, 1999, 2019, 1993],
        "stolen_on": [D] * 4,
        "notes": [None] * 4,
    }
).cast(VEHICLES_SCHEMA)


def persons_table(rows: list[dict[str, object]]) -> pa.Table:
    full = []
    for r in rows:
        rec = {f.name: None for f in PERSONS_SCHEMA}
        rec.update({"aliases": [], "nationalities": [], "document_numbers": []})
        rec.update(r)
        full.append(rec)
    return pa.Table.from_pylist(full, schema=PERSONS_SCHEMA)


PERSONS = persons_table(
    [
        {
            "record_id": "P1",
            "name": "ERIKSSON, Anna Maria",
            "family_name": "ERIKSSON",
            "given_names": "Anna Maria",
            "date_of_birth": "1974-08-12",
            "dob_year": 1974,
            "dob_month": 8,
            "dob_day": 12,
            "sex": "F",
            "nationalities": ["UTO"],
            "notice_type": "red",
            "caution": "armed and dangerous",
            "document_numbers": ["L898902C3"],
        },
        {
            "record_id": "P2",
            "name": "ИВАНОВ, Сергей Петрович",
            "family_name": "ИВАНОВ",
            "given_names": "Сергей Петрович",
            "aliases": ["IVANOV, Sergei"],
            "date_of_birth": "1980",
            "dob_year": 1980,
            "sex": "M",
            "nationalities": ["RUS"],
            "notice_type": "diffusion",
        },
        {
            "record_id": "P3",
            "name": "AL-RASHID, Mohammed Abdul Rahman",
            "family_name": "AL-RASHID",
            "given_names": "Mohammed Abdul Rahman",
            "date_of_birth": "1985-03-07",
            "dob_year": 1985,
            "dob_month": 3,
            "dob_day": 7,
            "sex": "M",
            "nationalities": ["JOR"],
            "notice_type": "red",
        },
        {
            "record_id": "P4",
            "name": "SMITH, John",
            "family_name": "SMITH",
            "given_names": "John",
            "date_of_birth": "1970-01-01",
            "dob_year": 1970,
            "dob_month": 1,
            "dob_day": 1,
            "sex": "M",
            "nationalities": ["GBR"],
            "notice_type": "warrant",
        },
    ]
)
