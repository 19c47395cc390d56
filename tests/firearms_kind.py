"""A fourth dataset kind, for tests only: stolen firearms, by make and serial number.

Everything the kind needs is in this one module: its canonical schema, what makes
a record searchable (a serial number), its canonical columns, its index (OCR-
tolerant serials: the document-number OCR key of ``hotlist.ids.docnum`` over a
``hotlist.index.KeyIndex``), how the index is saved, opened and updated by a
delta, its query fields (``serial``, and ``make`` narrowing it) and its match.
Importing it changes nothing; :func:`register` adds the kind and its fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import datasets, fields
from hotlist._documents import Candidate
from hotlist._errors import InvalidQuery
from hotlist.extracts import _convert as cv
from hotlist.extracts._canonical import RawColumns, record_text
from hotlist.ids import docnum
from hotlist.index import KeyIndex

__all__ = ["FIELDS", "KIND", "FirearmIndex", "Firearms", "register", "unregister"]

SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("serial", pa.string(), nullable=False),
        pa.field("make", pa.string()),
        pa.field("model", pa.string()),
        pa.field("reporting_country", pa.dictionary(pa.int16(), pa.string())),
        pa.field("stolen_on", pa.date32()),
    ]
)

FIELDS = (
    fields.QueryField(
        "serial", "str | None", 40, ("firearms",), "a firearm's serial number", "SERIAL"
    ),
    fields.QueryField(
        "make",
        "str | None",
        60,
        ("firearms",),
        "the firearm's make (narrows a serial number)",
        "MAKE",
        qualifies=("serial",),
    ),
)

LEVEL_SCORE = {"exact": 1.0, "ocr": 0.9, "edit": 0.75}
MIN_SERIAL = 4  # characters, once compacted


def _strings(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    return column


def _make_key(make: str | None) -> str:
    return (make or "").strip().casefold()


class FirearmIndex:
    """Serials by OCR key (one key computation, used by build and delta)."""

    def __init__(self, table: pa.Table, keys: pa.Array, index: KeyIndex) -> None:
        self.serials = _strings(table.column("serial"))
        self.makes = _strings(table.column("make"))
        self.keys = keys
        self.index = index

    @staticmethod
    def keys_of(table: pa.Table) -> pa.Array:
        return docnum.ocr_key_array(docnum.compact_array(_strings(table.column("serial"))))

    @classmethod
    def build(cls, table: pa.Table) -> FirearmIndex:
        keys = cls.keys_of(table)
        return cls(table, keys, KeyIndex.build(keys))

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.index.nbytes)


@dataclass(frozen=True)
class Firearms:
    """The ``firearms`` kind (see :class:`hotlist.datasets.Kind`)."""

    name: str = "firearms"
    schema: pa.Schema = SCHEMA
    required: tuple[str, ...] = ("record_id", "serial")
    searchable: tuple[str, ...] = ("serial",)
    searchable_text: str = "serial"
    part_names: tuple[str, ...] = ("firearms",)
    query_fields: tuple[str, ...] = ("serial", "make")

    # -- storage half --------------------------------------------------------------
    def canonicalise(self, raw: RawColumns) -> dict[str, pa.Array]:
        serial = raw.text("serial")
        issues = raw.issues
        issues.add(cv.is_null(serial), "serial", None, "no serial number: it cannot be searched")
        compact = docnum.compact_array(serial)
        short = ~cv.is_null(serial) & (
            np.asarray(pc.fill_null(pc.utf8_length(compact), 0).to_numpy(zero_copy_only=False))
            < MIN_SERIAL
        )
        issues.add(short, "serial", serial, f"serial number shorter than {MIN_SERIAL} characters")
        return {
            "serial": serial,
            "make": raw.text("make"),
            "model": raw.text("model"),
            "reporting_country": raw.country("reporting_country"),
            "stolen_on": raw.date("stolen_on"),
        }

    def row_key(self, record: Mapping[str, object]) -> str:
        serial = docnum.compact(record_text(record, "serial"))
        return f"{serial}\x1f{_make_key(record_text(record, 'make'))}"

    def build(self, table: pa.Table) -> FirearmIndex:
        return FirearmIndex.build(table)

    def parts(
        self, index: FirearmIndex
    ) -> dict[str, tuple[dict[str, pa.Array], dict[str, np.ndarray]]]:
        return {"firearms": ({"keys": index.keys}, index.index.arrays())}

    def from_parts(
        self,
        table: pa.Table,
        parts: Mapping[str, tuple[dict[str, pa.Array], dict[str, np.ndarray]]],
    ) -> FirearmIndex:
        arrays, numpy = parts["firearms"]
        keys = _strings(arrays["keys"])
        return FirearmIndex(table, keys, KeyIndex.from_arrays(keys, numpy))

    def updated(
        self, index: FirearmIndex, table: pa.Table, keep: np.ndarray, new: pa.Table
    ) -> FirearmIndex:
        kept = index.keys.filter(pa.array(keep))
        keys = pa.concat_arrays([kept, FirearmIndex.keys_of(new).cast(kept.type)])
        return FirearmIndex(table, keys, index.index.merged(keep, keys))

    def nbytes(self, index: FirearmIndex) -> int:
        return index.nbytes

    # -- what a hit asks of the officer (optional; without it a generic text) --------
    action_columns: tuple[str, ...] = ("reporting_country",)

    def action(self, record: Mapping[str, object], severity: str) -> str:
        country = record.get("reporting_country") or "the reporting country"
        seize = f"Stolen firearm: seize it, secure the carrier and confirm with {country}"
        if severity == "alarm":
            return seize
        return f"Possible match: compare the make, model and serial; if they match: {seize}"

    # -- query half ----------------------------------------------------------------
    def match(
        self,
        index: FirearmIndex,
        query: Mapping[str, object],
        warnings: list[str],
        *,
        max_edits: int,
        name_threshold: float,
    ) -> list[Candidate]:
        serial = query.get("serial")
        if not isinstance(serial, str):
            return []
        compact = docnum.compact(serial)
        if not (compact.isascii() and compact.isalnum()) or len(compact) < MIN_SERIAL:
            raise InvalidQuery(f"serial {serial!r} is not a serial number (A-Z, 0-9, 4 or more)")
        key = docnum.ocr_key(compact)
        rows = index.index.within_one_edit(key) if max_edits >= 1 else index.index.lookup(key)
        make = query.get("make")
        asked = _make_key(make) if isinstance(make, str) else None
        out = []
        for row in rows.tolist():
            listed = docnum.compact(index.serials[row].as_py())
            level = (
                "exact" if listed == compact else "ocr" if docnum.ocr_key(listed) == key else "edit"
            )
            score = LEVEL_SCORE[level]
            reasons = [f"serial number {level}"]
            listed_make = index.makes[row].as_py()
            if asked is None:
                score *= 0.95
            elif asked == _make_key(listed_make):
                reasons.append(f"make {listed_make}")
            else:
                score *= 0.6
                reasons.append(f"listed as make {listed_make}, not {make}")
            severity = "alarm" if level != "edit" and score >= 0.85 else "possible"
            out.append(Candidate("firearms", row, level, round(score, 4), tuple(reasons), severity))
        return out


KIND = Firearms()


def register() -> None:
    """Add the kind and its query fields."""
    for spec in FIELDS:
        fields.register_field(spec)
    datasets.register(KIND)


def unregister() -> None:
    """Remove the kind (its fields stay declared; tests restore the field table)."""
    datasets.unregister(KIND.name)
