"""A manifest with every kind of row (hits of each dataset, misses, warnings, refused
rows) and pass-through columns, and a snapshot of the sample data to check it against."""

from __future__ import annotations

import pyarrow as pa

MRZ_BAD_DIGIT = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10"
)
# (check() keywords with doc_no / issuer for document / country) per kind of row
ROWS: tuple[dict[str, str | None], ...] = (
    {"doc_no": "L898902C3", "issuer": "UTO"},  # stolen passport, and a wanted person's number
    {"doc_no": "L8989O2C3", "issuer": "UTO"},  # OCR slip
    {"doc_no": "L89890C3", "issuer": "UTO"},  # one edit
    {"doc_no": "00123456", "issuer": "FRA"},  # a miss with leading zeros
    {"doc_no": "X1234567", "issuer": "FRA"},  # a miss
    {"mrz": MRZ_BAD_DIGIT},  # document and holder, with a check-digit warning
    {"vin": "1M8GDM9AXKP042788"},
    {"vin": "KP042788"},  # partial VIN
    {"plate": "A8-123-CD", "issuer": "FRA"},
    {"name": "Anna Maria Eriksson", "dob": "1974-12-08"},
    {"doc_no": "L898902C3\x01"},  # refused: a control character
    {"issuer": "UTO"},  # refused: a country alone
    {},  # refused: an empty query
)
QUERY_COLUMNS = ("doc_no", "issuer", "mrz", "vin", "plate", "name", "dob")
MAPPING = {"doc_no": "document", "issuer": "country"}


def manifest_table(n: int = 260) -> pa.Table:
    """``n`` rows cycling through ROWS, with pass-through columns around them:
    passenger_id (int64, unique), flight (text) and seat (text, some missing)."""
    rows = [ROWS[i % len(ROWS)] for i in range(n)]
    data: dict[str, pa.Array] = {"passenger_id": pa.array(range(1000, 1000 + n), pa.int64())}
    for col in QUERY_COLUMNS:
        data[col] = pa.array([r.get(col) for r in rows], pa.string())
        if col == "issuer":
            data["flight"] = pa.array([f"AF{i % 7}" for i in range(n)], pa.string())
    data["seat"] = pa.array([None if i % 5 == 0 else f"{i % 30}C" for i in range(n)])
    return pa.table(data)


def by_passenger(table: pa.Table) -> dict[int, list[dict[str, object]]]:
    """The result rows of each passenger, in order, without query_index (which only
    the engine that made them can number)."""
    out: dict[int, list[dict[str, object]]] = {}
    for row in table.drop_columns(["query_index"]).to_pylist():
        out.setdefault(int(row["passenger_id"]), []).append(row)
    return out
