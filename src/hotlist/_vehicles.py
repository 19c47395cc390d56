"""Vehicle matching: VINs (full, OCR-repaired, one edit, partial) and licence plates.

As for documents, one normalised key per identifier serves every level: the
VIN's OCR key (I->1, O/Q->0, which ISO 3779 forbids anyway) and the plate's OCR
key (the document look-alike classes).  Partial VINs (the last 6-8 characters a
patrol officer reads) go through a suffix index over the same VIN keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pyarrow as pa

from hotlist._decisions import plate_severity, vin_severity
from hotlist._documents import (
    Candidate,
    _decoded,
    _string_array,
    kept_then,
    prefixed,
    unprefixed,
)
from hotlist.ids import plate as plate_ids
from hotlist.ids import vin as vin_ids
from hotlist.index import KeyIndex, SuffixIndex, total_nbytes
from hotlist.scoring import SCORING, Reason, render_all

__all__ = [
    "VehicleIndex",
    "plate_reasons",
    "plate_score",
    "vin_reasons",
    "vin_score",
]


@lru_cache(maxsize=1024)
def vin_reasons(level: str, suffix_len: int = 0) -> tuple[float, tuple[Reason, ...]]:
    """Score and structured reasons of a VIN candidate (:data:`hotlist.scoring.SCORING`,
    ``vehicles``); ``suffix_len``: how many last characters a ``partial`` match has."""
    w = SCORING.vehicles
    if level == "partial":
        score = round(w.partial_base + w.partial_step * (suffix_len - w.partial_min), w.decimals)
        return score, (Reason("VIN", "partial", score, str(suffix_len)),)
    score = w.vin_levels[level]
    return score, (Reason("VIN", level, score),)


@lru_cache(maxsize=1024)
def vin_score(level: str, suffix_len: int = 0) -> tuple[float, tuple[str, ...]]:
    """Score and reasons of a VIN candidate.

    >>> vin_score("partial", 8)
    (0.65, ('last 8 characters of the VIN match',))
    """
    score, why = vin_reasons(level, suffix_len)
    return score, render_all(why)


@lru_cache(maxsize=4096)
def plate_reasons(
    level: str, asked_country: str | None, listed_country: str | None
) -> tuple[float, tuple[Reason, ...]]:
    """Score and structured reasons of a plate candidate; plates repeat across
    countries, so a plate listed under another country is a weak hit."""
    w = SCORING.vehicles
    score = w.plate_levels[level]
    why = [Reason("plate", level, score)]
    if asked_country is None:
        value = "not given"
    elif listed_country is None:
        value = "not listed"
    elif asked_country == listed_country:
        value = "same"
    else:
        # Another country's plate is a weak hit, never dropped: even an OCR look-alike
        # (0.85 x 0.6 = 0.51) stays above the default min_score of 0.5.
        value = "differs"
    factor = w.registration[value]
    score *= factor
    listed = listed_country or ("unknown" if asked_country is None else "")
    why.append(Reason("registration country", value, factor, listed, asked_country or ""))
    return round(score, w.decimals), tuple(why)


@lru_cache(maxsize=4096)
def plate_score(
    level: str, asked_country: str | None, listed_country: str | None
) -> tuple[float, tuple[str, ...]]:
    """Score and reasons (as ``Hit.reasons`` shows them) of a plate candidate.

    >>> plate_score("exact", "FRA", "FRA")
    (1.0, ('plate exact', 'registration country FRA'))
    """
    score, why = plate_reasons(level, asked_country, listed_country)
    return score, render_all(why)


class VehicleIndex:
    """Lookups over the ``vehicles`` table."""

    def __init__(
        self,
        table: pa.Table,
        keys: tuple[pa.Array, pa.Array] | None = None,
        indexes: tuple[KeyIndex, SuffixIndex, KeyIndex] | None = None,
    ) -> None:
        """The index over ``table``; its VIN and plate ``keys`` and their ``indexes``
        (VIN keys, VIN suffixes, plate keys) computed, or given (a snapshot's, read
        back; a delta's, merged)."""
        self.vins = _string_array(table.column("vin"))
        self.plates = _string_array(table.column("plate"))
        self.vin_keys, self.plate_keys = self.keys_of(table) if keys is None else keys
        if indexes is None:
            indexes = (
                KeyIndex.build(self.vin_keys),
                SuffixIndex.build(self.vin_keys),
                KeyIndex.build(self.plate_keys),
            )
        self.vin_index, self.vin_suffix, self.plate_index = indexes
        self.country_codes, self.country_values = _decoded(table.column("registration_country"))

    @staticmethod
    def keys_of(table: pa.Table) -> tuple[pa.Array, pa.Array]:
        """The one key computation: each record's VIN and plate compacted and folded
        to their OCR keys (a build, and a delta's new rows; a snapshot stores them)."""
        vins = _string_array(table.column("vin"))
        plates = _string_array(table.column("plate"))
        return (
            vin_ids.ocr_key_array(vin_ids.compact_array(vins)),
            plate_ids.ocr_key_array(plate_ids.compact_array(plates)),
        )

    def parts(self) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
        """What :meth:`from_parts` rebuilds this index from, besides the table:
        Arrow arrays (the keys) and numpy arrays (the built indexes)."""
        numpy = prefixed("vin_index.", self.vin_index.arrays())
        numpy |= prefixed("vin_suffix.", self.vin_suffix.arrays())
        numpy |= prefixed("plate_index.", self.plate_index.arrays())
        return {"vin_keys": self.vin_keys, "plate_keys": self.plate_keys}, numpy

    @classmethod
    def from_parts(
        cls, table: pa.Table, arrays: Mapping[str, pa.Array], numpy: Mapping[str, np.ndarray]
    ) -> VehicleIndex:
        """VIN and plate keys, their key indexes and the VIN suffix index as saved
        (see ``datasets._single.SelfSaving``)."""
        vin_keys = _string_array(arrays["vin_keys"])
        plate_keys = _string_array(arrays["plate_keys"])
        indexes = (
            KeyIndex.from_arrays(vin_keys, unprefixed("vin_index.", numpy)),
            SuffixIndex.from_arrays(vin_keys, unprefixed("vin_suffix.", numpy)),
            KeyIndex.from_arrays(plate_keys, unprefixed("plate_index.", numpy)),
        )
        return cls(table, (vin_keys, plate_keys), indexes)

    def updated(self, table: pa.Table, keep: np.ndarray, new: pa.Table) -> VehicleIndex:
        """The index over ``table`` (this index's rows where ``keep``, then ``new``):
        keys computed for the new rows only, the key indexes merged; the VIN suffix
        index is rebuilt."""
        new_vins, new_plates = self.keys_of(new)
        vin_keys = kept_then(self.vin_keys, keep, new_vins)
        plate_keys = kept_then(self.plate_keys, keep, new_plates)
        indexes = (
            self.vin_index.merged(keep, vin_keys),
            SuffixIndex.build(vin_keys),
            self.plate_index.merged(keep, plate_keys),
        )
        return type(self)(table, (vin_keys, plate_keys), indexes)

    @property
    def nbytes(self) -> int:
        vins = total_nbytes(self.vin_keys, self.vin_index, self.vin_suffix)
        return vins + total_nbytes(self.plate_keys, self.plate_index, self.country_codes)

    def country_of(self, row: int) -> str | None:
        code = int(self.country_codes[row])
        return self.country_values[code] if code >= 0 else None

    def match_vin(
        self, compact: str, *, max_edits: int, as_given: str | None = None
    ) -> list[Candidate]:
        """``compact`` is the compacted, repaired VIN (or chassis number, or a partial);
        ``as_given`` the compacted VIN before repair.  The level compares the listed
        text with what was given, not with the repair: a VIN listed with an O and
        checked as listed is ``exact``; a query with O for a listed 0 is ``ocr``."""
        key = vin_ids.ocr_key(compact)
        given = compact if as_given is None else as_given
        out: list[Candidate] = []
        if len(key) <= SCORING.vehicles.partial_max:
            for row in self.vin_suffix.ending_with(key).tolist():
                listed = vin_ids.compact(self.vins[row].as_py())
                if vin_ids.ocr_key(listed) == key:  # a short chassis number, whole
                    level = "exact" if listed == given else "ocr"
                    out.append(self._vin_candidate(row, level))
                else:
                    out.append(self._vin_candidate(row, "partial", len(key)))
            return out
        # within_one_edit includes the exact key, so one search serves both levels.
        rows = self.vin_index.within_one_edit(key) if max_edits >= 1 else self.vin_index.lookup(key)
        for row in rows.tolist():
            listed = vin_ids.compact(self.vins[row].as_py())
            if listed == given:
                level = "exact"
            elif vin_ids.ocr_key(listed) == key:
                level = "ocr"
            else:
                level = "edit"
            out.append(self._vin_candidate(row, level))
        return out

    @staticmethod
    def _vin_candidate(row: int, level: str, suffix_len: int = 0) -> Candidate:
        score, reasons = vin_score(level, suffix_len)
        why = vin_reasons(level, suffix_len)[1]
        return Candidate("vehicles", row, level, score, reasons, vin_severity(level), why)

    def match_plate(self, compact: str, *, country: str | None) -> list[Candidate]:
        key = plate_ids.ocr_key(compact)
        out = []
        for row in self.plate_index.lookup(key).tolist():
            listed = plate_ids.compact(self.plates[row].as_py())
            level = "exact" if listed == compact else "ocr"
            listed_country = self.country_of(row)
            score, reasons = plate_score(level, country, listed_country)
            why = plate_reasons(level, country, listed_country)[1]
            severity = plate_severity(level, country, listed_country)
            out.append(Candidate("vehicles", row, level, score, reasons, severity, why))
        return out
