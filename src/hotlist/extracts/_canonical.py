"""From the columns of one file to a table in the canonical schema, and the rows rejected."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.schema import SCHEMAS, Dataset

from . import _convert as cv
from ._vocab import VOCABULARIES, closest, country_lookup, vocabulary_value

__all__ = ["canonicalise", "duplicate_mask"]

_INT8 = pa.int8()
_INT16 = pa.int16()


def _vocab(vocabulary: str) -> tuple[Callable[[str], str | None], cv.Reason]:
    def normalise(value: str) -> str | None:
        return vocabulary_value(vocabulary, value)

    def unknown(value: str | None) -> str:
        expected = ", ".join(VOCABULARIES[vocabulary])
        near = closest(vocabulary, value or "")
        hint = f"; did you mean {near!r}?" if near else ""
        return f"unknown code: not a {vocabulary} (expected one of {expected}){hint}"

    return normalise, unknown


def _country_unknown(value: str | None) -> str:
    return "unknown code: not a country or ICAO 9303 code known to hotlist.ids.country"


def _country(
    arr: pa.Array | None, n: int, column: str, issues: cv.Issues, *, required: bool = False
) -> pa.Array:
    lookup = country_lookup()
    return cv.code_column(
        arr,
        n,
        column,
        issues,
        normalise=lookup,
        dictionary=None,
        index_type=_INT16,
        required=required,
        unknown=_country_unknown,
    )


def _closed(
    arr: pa.Array | None, n: int, column: str, issues: cv.Issues, *, required: bool = False
) -> pa.Array:
    vocabulary = column
    normalise, unknown = _vocab(vocabulary)
    return cv.code_column(
        arr,
        n,
        column,
        issues,
        normalise=normalise,
        dictionary=VOCABULARIES[vocabulary],
        index_type=_INT8,
        required=required,
        unknown=unknown,
    )


def duplicate_mask(ids: pa.Array, usable: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Rows (among ``usable``) whose id an earlier usable row already has, and, for
    each duplicated id, the 1-based row of its first occurrence.

    ``dictionary_encode`` numbers values in order of first appearance, so a row is
    a first occurrence exactly when its code exceeds every code before it.
    """
    where = np.nonzero(usable)[0]
    if where.size == 0:
        return np.zeros(len(ids), dtype=bool), {}
    enc = pc.dictionary_encode(ids if where.size == len(ids) else ids.take(pa.array(where)))
    if len(enc.dictionary) == where.size:
        return np.zeros(len(ids), dtype=bool), {}
    codes = np.asarray(enc.indices.to_numpy(), dtype=np.int64)
    running = np.maximum.accumulate(codes)
    first = np.empty(codes.size, dtype=bool)
    first[0] = True
    first[1:] = codes[1:] > running[:-1]
    dup = np.zeros(len(ids), dtype=bool)
    dup[where[~first]] = True
    first_row = np.empty(len(enc.dictionary), dtype=np.int64)
    first_row[codes[first]] = where[first] + 1
    dup_codes = np.unique(codes[~first])
    values = enc.dictionary.take(pa.array(dup_codes)).to_pylist()
    return dup, {v: int(first_row[c]) for v, c in zip(values, dup_codes, strict=True)}


def _name_parts(
    name: pa.Array, family: pa.Array, given: pa.Array
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """``name`` from family/given where it is missing; family/given from ``FAMILY, Given``
    where only the name is there."""
    only_name = pc.and_(pc.is_valid(name), pc.and_(pc.is_null(family), pc.is_null(given)))
    split = pc.extract_regex(name, r"^(?P<f>[^,]*[^,\s])\s*,\s*(?P<g>\S.*)$")
    use_split = pc.and_(only_name, split.is_valid())
    null = pa.scalar(None, pa.string())
    family = pc.if_else(use_split, split.field("f"), family)
    given = pc.if_else(use_split, split.field("g"), given)
    joined = pc.binary_join_element_wise(family, given, ", ")
    built = pc.coalesce(joined, family, given)
    name = pc.coalesce(name, built)
    return name, pc.if_else(pc.equal(family, ""), null, family), given


def canonicalise(
    dataset: Dataset,
    columns: dict[str, pa.Array],
    n: int,
    issues: cv.Issues,
    *,
    dob_lenient: Callable[[str], tuple[int | None, int | None, int | None] | None] | None = None,
) -> pa.Table:
    """All ``n`` rows in the canonical schema (rejected ones included; filter afterwards)."""
    get = columns.get
    out: dict[str, pa.Array] = {}
    out["record_id"] = cv.text_column(get("record_id"), n, "record_id", issues, required=True)
    if dataset == "documents":
        out["document_number"] = cv.text_column(
            get("document_number"), n, "document_number", issues, required=True
        )
        out["issuing_country"] = _country(
            get("issuing_country"), n, "issuing_country", issues, required=True
        )
        out["document_type"] = _closed(
            get("document_type"), n, "document_type", issues, required=True
        )
        out["status"] = _closed(get("status"), n, "status", issues, required=True)
        out["reported_on"] = cv.date_column(
            get("reported_on"), n, "reported_on", issues, required=True
        )
        out["reporting_country"] = _country(
            get("reporting_country"), n, "reporting_country", issues
        )
        out["issued_on"] = cv.date_column(get("issued_on"), n, "issued_on", issues)
        out["expires_on"] = cv.date_column(get("expires_on"), n, "expires_on", issues)
        out["notes"] = cv.text_column(get("notes"), n, "notes", issues)
    elif dataset == "vehicles":
        out["vin"] = cv.text_column(get("vin"), n, "vin", issues)
        out["plate"] = cv.text_column(get("plate"), n, "plate", issues)
        neither = cv.is_null(out["vin"]) & cv.is_null(out["plate"])
        issues.add(neither, "vin", None, "no vin or plate: a vehicle needs at least one")
        out["registration_country"] = _country(
            get("registration_country"), n, "registration_country", issues
        )
        for col in ("make", "model", "colour"):
            out[col] = cv.text_column(get(col), n, col, issues)
        out["year"] = cv.year_column(get("year"), n, "year", issues)
        out["stolen_on"] = cv.date_column(get("stolen_on"), n, "stolen_on", issues)
        out["notes"] = cv.text_column(get("notes"), n, "notes", issues)
    else:
        name = cv.text_column(get("name"), n, "name", issues)
        family = cv.text_column(get("family_name"), n, "family_name", issues)
        given = cv.text_column(get("given_names"), n, "given_names", issues)
        name, family, given = _name_parts(name, family, given)
        issues.add(
            cv.is_null(name),
            "name",
            None,
            "no name: a person needs a name, or a family_name and given_names",
        )
        out["name"], out["family_name"], out["given_names"] = name, family, given
        out["aliases"] = cv.list_column(get("aliases"), n, "aliases", issues)
        dob, year, month, day = cv.partial_date_column(
            get("date_of_birth"), n, "date_of_birth", issues, lenient=dob_lenient
        )
        out["date_of_birth"], out["dob_year"], out["dob_month"], out["dob_day"] = (
            dob,
            year,
            month,
            day,
        )
        out["sex"] = _closed(get("sex"), n, "sex", issues, required=False)
        lookup = country_lookup()
        out["nationalities"] = cv.list_column(
            get("nationalities"),
            n,
            "nationalities",
            issues,
            normalise=lookup,
            unknown=_country_unknown,
        )
        out["notice_type"] = _closed(get("notice_type"), n, "notice_type", issues, required=True)
        for col in ("offences", "caution"):
            out[col] = cv.text_column(get(col), n, col, issues)
        out["document_numbers"] = cv.list_column(
            get("document_numbers"), n, "document_numbers", issues
        )
        out["issuing_authority"] = cv.text_column(
            get("issuing_authority"), n, "issuing_authority", issues
        )

    dup, first = duplicate_mask(out["record_id"], ~issues.rejected())
    issues.add(
        dup,
        "record_id",
        out["record_id"],
        lambda v: (
            f"duplicate record_id: row {first.get(v or '', '?')} has it already"
            " (the first one is kept)"
        ),
    )
    schema = SCHEMAS[dataset]
    return pa.Table.from_arrays([out[f.name] for f in schema], schema=schema)
