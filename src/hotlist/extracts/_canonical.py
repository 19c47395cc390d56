"""From the columns of one file to a table in the canonical schema, and the rows rejected.

The generic part (``record_id``, duplicate ids, the schema's order) is here; each
dataset kind (:mod:`hotlist.datasets`) builds its own columns with the column
builders below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.index._arrow import StringColumn, as_string_array
from hotlist.index._hashing import crc32_of_column

from . import _convert as cv
from ._searchable import KeyKind, reason_for, unsearchable
from ._vocab import VOCABULARIES, closest, country_lookup, vocabulary_value

if TYPE_CHECKING:  # the kinds import this module's column builders
    from hotlist.datasets._kind import Kind

__all__ = [
    "RawColumns",
    "canonicalise",
    "closed_column",
    "country_column",
    "country_unknown",
    "duplicate_mask",
    "key_check",
    "list_key",
    "name_parts",
    "record_ids",
    "record_text",
]

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


def country_unknown(value: str | None) -> str:
    return "unknown code: not a country or ICAO 9303 code known to hotlist.ids.country"


def country_column(
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
        unknown=country_unknown,
    )


def closed_column(
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


@dataclass(frozen=True, slots=True)
class RawColumns:
    """What a kind's ``canonicalise`` reads: the columns of one file (under their
    canonical names, as read), the number of rows and the problems found so far.
    Each method builds one canonical column by name, reporting what it cannot read
    into ``issues`` (a missing ``required`` value rejects the row)."""

    columns: Mapping[str, pa.Array]
    n: int
    issues: cv.Issues

    def text(self, column: str, *, required: bool = False) -> pa.Array:
        """Text, trimmed."""
        return cv.text_column(
            self.columns.get(column), self.n, column, self.issues, required=required
        )

    def date(self, column: str, *, required: bool = False) -> pa.Array:
        """A date (date32) from dates, timestamps or text."""
        return cv.date_column(
            self.columns.get(column), self.n, column, self.issues, required=required
        )

    def partial_date(
        self,
        column: str,
        *,
        lenient: Callable[[str], tuple[int | None, int | None, int | None] | None] | None = None,
    ) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
        """A partial date as given, and its year, month and day."""
        arr = self.columns.get(column)
        return cv.partial_date_column(arr, self.n, column, self.issues, lenient=lenient)

    def year(self, column: str) -> pa.Array:
        """A year (int16)."""
        return cv.year_column(self.columns.get(column), self.n, column, self.issues)

    def country(self, column: str, *, required: bool = False) -> pa.Array:
        """A country code (ISO 3166 alpha-3 or ICAO 9303), dictionary-encoded."""
        return country_column(
            self.columns.get(column), self.n, column, self.issues, required=required
        )

    def closed(self, column: str, *, required: bool = False) -> pa.Array:
        """A value of the closed vocabulary named like the column, dictionary-encoded."""
        return closed_column(
            self.columns.get(column), self.n, column, self.issues, required=required
        )

    def texts(
        self,
        column: str,
        *,
        normalise: Callable[[str], str | None] | None = None,
        unknown: cv.Reason | None = None,
    ) -> pa.Array:
        """A list of texts (list<string>), each entry trimmed, or ``normalise`` d."""
        arr = self.columns.get(column)
        return cv.list_column(
            arr, self.n, column, self.issues, normalise=normalise, unknown=unknown
        )


def duplicate_mask(ids: pa.Array, usable: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Rows (among ``usable``) whose id an earlier usable row already has, and, for
    each duplicated id, the 1-based row of its first occurrence.

    ``dictionary_encode`` numbers values in order of first appearance, so a row is
    a first occurrence exactly when its code exceeds every code before it; it
    runs only over the rows whose id's CRC-32 repeats (one compiled hash pass and
    a sort of 32-bit hashes first: ~10x cheaper than hashing every id in Arrow).
    """
    where = np.nonzero(usable)[0]
    if where.size == 0:
        return np.zeros(len(ids), dtype=bool), {}
    # Equal ids have equal hashes: only the rows whose hash repeats (the duplicates
    # and a few collisions) go through the Arrow hash table below.
    asked = ids if where.size == len(ids) else ids.take(pa.array(where))
    h = crc32_of_column(StringColumn.of(as_string_array(asked)))
    hs = np.sort(h)
    repeated = hs[1:][hs[1:] == hs[:-1]]
    if not repeated.size:
        return np.zeros(len(ids), dtype=bool), {}
    where = where[_among(h, repeated)]
    enc = pc.dictionary_encode(ids.take(pa.array(where)))
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


def _among(h: np.ndarray, repeated: np.ndarray) -> np.ndarray:
    """``np.isin(h, repeated)`` for 32-bit hashes: a table of the repeated hashes'
    top 24 bits first (16 MB, one gather), then ``np.isin`` over the few rows it
    passes.  ``np.isin`` alone sorts all of ``h`` with ``repeated``: at 50 M ids
    (~290 k birthday collisions of CRC-32) 11 s of a 32 s load, where this
    costs well under a second."""
    if len(h) < 1 << 22:
        return np.isin(h, repeated)
    table = np.zeros(1 << 24, dtype=bool)
    table[repeated >> 8] = True
    maybe = np.flatnonzero(table[h >> 8])
    out = np.zeros(len(h), dtype=bool)
    out[maybe] = np.isin(h[maybe], repeated)
    return out


def name_parts(
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


def record_ids(arr: pa.Array | None, n: int, issues: cv.Issues, label: str) -> pa.Array:
    """record_id as given; a missing one is made from the file and row (and reported)."""
    ids = cv.text_column(arr, n, "record_id", issues)
    missing = cv.is_null(ids)
    if missing.any():
        made = pa.array([f"{label}:{i + 1}" for i in range(n)], pa.string())
        ids = pc.if_else(pa.array(~missing), ids, made)
        issues.warn(
            missing,
            "record_id",
            ids,
            lambda v: f"missing record_id: loaded as {v!r} (from the file name and row)",
        )
    return ids


def key_check(
    kind: KeyKind, values: pa.Array, column: str, issues: cv.Issues, *, reject: bool
) -> tuple[np.ndarray, Callable[[str | None], str]]:
    """Rows whose ``values`` check() could never match, and the reason of each:
    rejected here when ``reject``, else the caller decides."""
    bad, why = unsearchable(kind, values)
    reason = reason_for(kind, why)
    if reject:
        issues.add(bad, column, values, reason)
    return bad, reason


def list_key(kind: KeyKind, lists: pa.Array, n: int, column: str, issues: cv.Issues) -> pa.Array:
    """A list column with the entries check() could never match left out (and reported)."""
    flat = pc.list_flatten(lists)
    if len(flat) == 0:
        return lists
    bad, why = unsearchable(kind, flat)
    if not bad.any():
        return lists
    parents = np.asarray(pc.list_parent_indices(lists).to_numpy(), dtype=np.int64)
    rows = np.zeros(n, dtype=bool)
    rows[parents[bad]] = True
    text = reason_for(kind, why)

    def reason(value: str | None) -> str:
        entries = [e for e in (value or "").split(";") if e in why]
        shown = "; ".join(f"{e!r}: {text(e)}" for e in entries) or "an entry"
        return f"left out of {column}: {shown}"

    issues.warn(rows, column, lists, reason)
    keep = ~bad
    counts = np.bincount(parents[keep], minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep))).cast(lists.type)


def _duplicates(
    kind: Kind, out: dict[str, pa.Array], usable: np.ndarray, issues: cv.Issues, label: str
) -> pa.Array:
    """A later row with an earlier row's record_id: rejected when it is searched by the
    same key (nothing is lost), else loaded under ``<id>#<file>:<row>`` and reported."""
    ids = out["record_id"]
    dup, first = duplicate_mask(ids, usable)
    if not dup.any():
        return ids

    def key_at(i: int) -> str:
        return kind.row_key({c: a[i].as_py() for c, a in out.items()})

    id_list = ids.to_pylist()
    seen: dict[str, set[str]] = {v: {key_at(row - 1)} for v, row in first.items()}
    repeat = np.zeros(len(ids), dtype=bool)
    renamed = np.zeros(len(ids), dtype=bool)
    new_ids = list(id_list)
    for i in np.nonzero(dup)[0].tolist():
        v = id_list[i]
        key = key_at(i)
        if key in seen[v]:
            repeat[i] = True
        else:
            seen[v].add(key)
            renamed[i] = True
            new_ids[i] = f"{v}#{label}:{i + 1}"
    issues.add(
        repeat,
        "record_id",
        ids,
        lambda v: (
            f"duplicate record_id: row {first.get(v or '', '?')} has it already, searched"
            " by the same key (the first one is kept)"
        ),
    )
    out = pa.array(new_ids, pa.string())
    issues.warn(
        renamed,
        "record_id",
        ids,
        lambda v: (
            f"duplicate record_id: row {first.get(v or '', '?')} has it already with another"
            " key; this record is loaded as <record_id>#<file>:<row>"
        ),
    )
    return out


def record_text(record: Mapping[str, object], name: str) -> str:
    """One value of a record as text for a kind's ``row_key`` (a list joined by ``;``)."""
    value = record.get(name)
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def canonicalise(
    kind: Kind, columns: dict[str, pa.Array], n: int, issues: cv.Issues, *, label: str = "row"
) -> pa.Table:
    """All ``n`` rows in ``kind``'s canonical schema (rejected ones included; filter
    afterwards): ``record_id`` and its duplicates here, every other column by the kind.

    A row is rejected only when it cannot be searched (the kind decides what that
    means: no document number, no VIN and no plate, no name, a key check() would
    refuse).  Any other problem is a warning and the value is left out.
    """
    out: dict[str, pa.Array] = {"record_id": record_ids(columns.get("record_id"), n, issues, label)}
    out |= kind.canonicalise(RawColumns(columns, n, issues))
    out["record_id"] = _duplicates(kind, out, ~issues.rejected(), issues, label)
    schema = kind.schema
    return pa.Table.from_arrays([out[f.name] for f in schema], schema=schema)
