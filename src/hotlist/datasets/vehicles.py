"""Stolen vehicles, by VIN (full, OCR-repaired, one edit, partial) and licence plate.

The storage half of the kind: the canonical columns of an extract, what makes a
record searchable (a VIN or a plate check() can find), and the index
(:class:`hotlist._vehicles.VehicleIndex`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from hotlist._documents import Candidate
from hotlist._vehicles import VehicleIndex
from hotlist.datasets._kind import Query
from hotlist.datasets._single import OneIndex
from hotlist.extracts import _convert as cv
from hotlist.extracts._canonical import RawColumns, key_check, record_text
from hotlist.ids import plate, vin
from hotlist.schema import REQUIRED_COLUMNS, VEHICLES_SCHEMA

__all__ = ["KIND", "Vehicles"]


@dataclass(frozen=True)
class Vehicles(OneIndex[VehicleIndex]):
    """The ``vehicles`` kind (see :class:`hotlist.datasets.Kind`); its index is a
    :class:`VehicleIndex` (build, parts, from_parts, updated, nbytes: :class:`OneIndex`)."""

    index_class: ClassVar[type[VehicleIndex]] = VehicleIndex

    name: str = "vehicles"
    schema: pa.Schema = VEHICLES_SCHEMA
    required: tuple[str, ...] = REQUIRED_COLUMNS["vehicles"]
    searchable: tuple[str, ...] = ("vin", "plate")
    searchable_text: str = "vin or plate"
    query_fields: tuple[str, ...] = ("vin", "plate", "country")

    def canonicalise(self, raw: RawColumns) -> dict[str, pa.Array]:
        issues = raw.issues
        vins, plates = raw.text("vin"), raw.text("plate")
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
        return {
            "vin": pc.if_else(pa.array(vin_bad & ~neither), cv.null_string(), vins),
            "plate": pc.if_else(pa.array(plate_bad & ~neither), cv.null_string(), plates),
            "registration_country": raw.country("registration_country"),
            "make": raw.text("make"),
            "model": raw.text("model"),
            "colour": raw.text("colour"),
            "year": raw.year("year"),
            "stolen_on": raw.date("stolen_on"),
            "notes": raw.text("notes"),
        }

    def row_key(self, record: Mapping[str, object]) -> str:
        return "\x1f".join(
            [vin.compact(record_text(record, "vin")), plate.compact(record_text(record, "plate"))]
        )

    # -- query half ------------------------------------------------------------
    def match(
        self,
        index: VehicleIndex,
        query: Query,
        warnings: list[str],
        *,
        max_edits: int,
        name_threshold: float,
    ) -> list[Candidate]:
        """Stolen vehicles for the query's VIN (full, shorter, or its last
        characters; repaired and checked, with a warning for what was repaired or is
        wrong) and for its plate (qualified by ``country``)."""
        out: list[Candidate] = []
        given = query.get("vin")
        if isinstance(given, str):
            # the same function the extract loader asks whether a listed VIN can be found
            compact, corrections = vin.search_key(given)
            warnings.extend(corrections)
            if len(compact) == 17 and vin.check_digit_status(compact) == "invalid":
                warnings.append(
                    f"VIN check digit is wrong: position 9 is {compact[8]!r}, "
                    f"expected {vin.check_digit(compact)!r}; searched tolerantly"
                )
            out += index.match_vin(compact, max_edits=max_edits, as_given=vin.compact(given))
        number = query.get("plate")
        if isinstance(number, str):
            compact = plate.validate(number)  # the compacted plate, or InvalidQuery
            country = query.get("country")
            out += index.match_plate(compact, country=country if isinstance(country, str) else None)
        return out


KIND = Vehicles()
