"""Stolen vehicles, by VIN (full, OCR-repaired, one edit, partial) and licence plate.

The storage half of the kind: the canonical columns of an extract, what makes a
record searchable (a VIN or a plate check() can find), and the index
(:class:`hotlist._vehicles.VehicleIndex`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._vehicles import VehicleIndex
from hotlist.datasets._kind import IndexParts, Parts
from hotlist.extracts import _convert as cv
from hotlist.extracts._canonical import country_column, key_check, record_text
from hotlist.ids import plate, vin
from hotlist.schema import REQUIRED_COLUMNS, VEHICLES_SCHEMA

__all__ = ["KIND", "Vehicles"]


@dataclass(frozen=True)
class Vehicles:
    """The ``vehicles`` kind (see :class:`hotlist.datasets.Kind`)."""

    name: str = "vehicles"
    schema: pa.Schema = VEHICLES_SCHEMA
    required: tuple[str, ...] = REQUIRED_COLUMNS["vehicles"]
    searchable: tuple[str, ...] = ("vin", "plate")
    searchable_text: str = "vin or plate"
    part_names: tuple[str, ...] = ("vehicles",)
    query_fields: tuple[str, ...] = ("vin", "plate", "country")

    def canonicalise(
        self, columns: Mapping[str, pa.Array], n: int, issues: cv.Issues
    ) -> dict[str, pa.Array]:
        get = columns.get
        vins = cv.text_column(get("vin"), n, "vin", issues)
        plates = cv.text_column(get("plate"), n, "plate", issues)
        vin_bad, vin_text = key_check("vin", vins, "vin", issues, reject=False)
        plate_bad, plate_text = key_check("plate", plates, "plate", issues, reject=False)
        vin_ok = ~cv.is_null(vins) & ~vin_bad
        plate_ok = ~cv.is_null(plates) & ~plate_bad
        neither = ~vin_ok & ~plate_ok
        issues.add(neither & vin_bad, "vin", vins, vin_text)
        issues.add(neither & ~vin_bad & plate_bad, "plate", plates, plate_text)
        issues.add(
            neither & ~vin_bad & ~plate_bad,
            "vin",
            None,
            "no vin or plate: a vehicle needs at least one",
        )
        issues.warn(
            vin_bad & ~neither,
            "vin",
            vins,
            lambda v: f"{vin_text(v)}; loaded without it (found by its plate)",
        )
        issues.warn(
            plate_bad & ~neither,
            "plate",
            plates,
            lambda v: f"{plate_text(v)}; loaded without it (found by its VIN)",
        )
        out = {
            "vin": pc.if_else(pa.array(vin_bad & ~neither), cv.null_string(), vins),
            "plate": pc.if_else(pa.array(plate_bad & ~neither), cv.null_string(), plates),
            "registration_country": country_column(
                get("registration_country"), n, "registration_country", issues
            ),
        }
        for col in ("make", "model", "colour"):
            out[col] = cv.text_column(get(col), n, col, issues)
        out["year"] = cv.year_column(get("year"), n, "year", issues)
        out["stolen_on"] = cv.date_column(get("stolen_on"), n, "stolen_on", issues)
        out["notes"] = cv.text_column(get("notes"), n, "notes", issues)
        return out

    def row_key(self, record: Mapping[str, object]) -> str:
        return "\x1f".join(
            [vin.compact(record_text(record, "vin")), plate.compact(record_text(record, "plate"))]
        )

    def build(self, table: pa.Table) -> VehicleIndex:
        return VehicleIndex(table)

    def parts(self, index: VehicleIndex) -> IndexParts:
        return {"vehicles": index.parts()}

    def from_parts(self, table: pa.Table, parts: Mapping[str, Parts]) -> VehicleIndex:
        return VehicleIndex.from_parts(table, *parts["vehicles"])

    def updated(
        self, index: VehicleIndex, table: pa.Table, keep: np.ndarray, new: pa.Table
    ) -> VehicleIndex:
        return index.updated(table, keep, new)

    def nbytes(self, index: VehicleIndex) -> int:
        return index.nbytes


KIND = Vehicles()
