"""Vectorised converters from whatever an extract holds to the canonical column types.

Each converter takes one Arrow array (any reasonable type: strings from CSV and
JSON Lines, native types from Parquet and Arrow IPC), returns the canonical
array, and registers the rows it cannot use with an :class:`Issues` collector.
Low-cardinality columns (codes, dates) are dictionary-encoded first so that the
work is done once per distinct value, not once per row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._errors import RowProblem
from hotlist.index._arrow import StringColumn
from hotlist.index._scan import needs_trim

__all__ = [
    "Issues",
    "code_column",
    "date_column",
    "list_column",
    "partial_date_column",
    "text_column",
    "year_column",
]


@functools.cache
def null_string() -> pa.Scalar:
    # made on first use: pa.scalar() imports pandas, which `import hotlist` need not pay
    return pa.scalar(None, pa.string())


LIST_SEPARATORS = r"[;|]"

Reason = Callable[[str | None], str]

DATE_FORMATS = "YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY"
MISSING = "missing value (the record is loaded without it)"
_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ][0-9:.+\-Z]*)?$"
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_DMY = r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"
_PARTIAL_ISO = r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$"
_PARTIAL_DMY = r"^(?:(?P<d>\d{1,2})[./])?(?P<m>\d{1,2})[./](?P<y>\d{4})$"
_DATE_SHAPE = re.compile(
    r"^\d{4}(-\d{1,2}(-\d{1,2})?)?([T ].*)?$|^\d{8}$|^(\d{1,2}[./])?\d{1,2}[./]\d{4}$"
)


# Warnings kept in detail per file; beyond this only their number is kept.
MAX_WARNINGS = 10_000


_Check = tuple[np.ndarray, str | None, pa.Array | None, Reason]


def _note(
    into: list[_Check],
    mask: np.ndarray,
    column: str | None,
    values: pa.Array | None,
    reason: Reason | str,
) -> None:
    """Append a check of the rows of ``mask`` (none: nothing), its reason made callable."""
    if mask.any():
        into.append((mask, column, values, reason if callable(reason) else _constant(reason)))


@dataclass
class Issues:
    """The rows a file cannot load (``add``), with the first reason found for each,
    and the problems of rows that load all the same (``warn``).

    A row is rejected only when it cannot be searched (no usable key); any other
    problem is a warning: the value is left out (null) and the row loads.  Checks
    are added in column order; a rejected row is reported once, for the first check
    that caught it, with the other columns that were wrong named.
    """

    n: int
    checks: list[_Check] = field(default_factory=list)
    warnings: list[_Check] = field(default_factory=list)

    def add(
        self, mask: np.ndarray, column: str | None, values: pa.Array | None, reason: Reason | str
    ) -> None:
        """Reject the rows of ``mask``."""
        _note(self.checks, mask, column, values, reason)

    def warn(
        self, mask: np.ndarray, column: str | None, values: pa.Array | None, reason: Reason | str
    ) -> None:
        """Report a problem of the rows of ``mask``, which still load."""
        _note(self.warnings, mask, column, values, reason)

    def warned(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, *_ in self.warnings:
            out |= mask
        return out

    def warning_problems(
        self, file: str, keep: np.ndarray, limit: int = MAX_WARNINGS
    ) -> tuple[list[RowProblem], int]:
        """The warnings of the rows in ``keep`` (row order, then column order), at most
        ``limit`` of them, and how many there are in all."""
        found: list[tuple[int, int, RowProblem]] = []
        total = 0
        cache: dict[tuple[int, str | None], str] = {}
        for k, (mask, column, values, why) in enumerate(self.warnings):
            rows = np.nonzero(mask & keep)[0]
            total += int(rows.size)
            for i in rows[: max(0, limit)].tolist():
                value = _as_text(values[i].as_py()) if values is not None else None
                reason = cache.get((k, value))
                if reason is None:
                    reason = cache[(k, value)] = why(value)
                found.append((i, k, RowProblem(file, i + 1, column, value, reason)))
        found.sort(key=lambda t: (t[0], t[1]))
        return [p for _, _, p in found[:limit]], total

    def rejected(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, *_ in self.checks:
            out |= mask
        return out

    def problems(self, file: str) -> list[RowProblem]:
        """One RowProblem per rejected row, in row order (loops over rejected rows only)."""
        bad = np.nonzero(self.rejected())[0]
        if bad.size == 0:
            return []
        cache: dict[tuple[int, str | None], str] = {}
        first = np.full(self.n, -1, dtype=np.int64)
        for k in range(len(self.checks) - 1, -1, -1):
            first[self.checks[k][0]] = k
        out: list[RowProblem] = []
        for i in bad.tolist():
            k = int(first[i])
            _mask, column, values, why = self.checks[k]
            value = _as_text(values[i].as_py()) if values is not None else None
            key = (k, value)
            reason = cache.get(key)
            if reason is None:
                reason = cache[key] = why(value)
            others = [c[1] or "row" for c in self.checks[k + 1 :] if c[0][i] and c[1] != column]
            if others:
                reason += f" (also wrong: {', '.join(dict.fromkeys(others))})"
            out.append(RowProblem(file, i + 1, column, value, reason))
        return out


def _constant(text: str) -> Reason:
    def reason(_value: str | None) -> str:
        return text

    return reason


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join("" if v is None else str(v) for v in value)
    return str(value)


def to_numpy_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def is_null(arr: pa.Array) -> np.ndarray:
    return to_numpy_bool(pc.is_null(arr))


def _to_string(arr: pa.Array) -> pa.Array:
    t = arr.type
    if pa.types.is_string(t):
        return arr
    if pa.types.is_dictionary(t):
        return pc.cast(arr, pa.string())
    if pa.types.is_timestamp(t):
        return _timestamp_text(arr)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pc.binary_join(pc.cast(arr, pa.list_(pa.string())), ";")
    if pa.types.is_floating(t):
        # 2019.0 -> "2019": a float column that only holds whole numbers.
        whole = pc.equal(pc.floor(arr), arr)
        as_int = pc.cast(pc.if_else(whole, arr, 0), pa.int64(), safe=False)
        return pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(arr, pa.string()))
    if pa.types.is_struct(t) or pa.types.is_map(t):
        raise TypeError(f"holds {t} values, not text")
    return pc.cast(arr, pa.string())


def _timestamp_text(arr: pa.Array) -> pa.Array:
    ts = pc.cast(arr, pa.timestamp("s", tz=None) if arr.type.tz is None else arr.type)
    midnight = pc.equal(pc.cast(pc.cast(ts, pa.date32()), ts.type), ts)
    if pc.all(pc.or_kleene(midnight, pc.is_null(ts))).as_py() is not False:
        return pc.strftime(ts, format="%Y-%m-%d")
    return pc.strftime(ts, format="%Y-%m-%dT%H:%M:%S")


def clean_text(arr: pa.Array) -> pa.Array:
    """Strings, trimmed, empty ones null (the column itself when no value needs
    either: one compiled pass over its edges, no copy)."""
    s = _to_string(arr)
    if pa.types.is_string(s.type) and not needs_trim(StringColumn.of(s)):
        return s
    s = pc.utf8_trim_whitespace(s)
    return pc.if_else(pc.equal(s, ""), null_string(), s)


def text_column(
    arr: pa.Array | None, n: int, column: str, issues: Issues, *, required: bool = False
) -> pa.Array:
    """A text column, trimmed (not compacted); a missing required value rejects the row."""
    out = pa.nulls(n, pa.string()) if arr is None else clean_text(arr)
    if required:
        issues.add(is_null(out), column, None, "missing required value")
    return out


def _distinct(arr: pa.Array) -> tuple[np.ndarray, list[str | None]]:
    """Indices (-1 for null) into the distinct trimmed values of a column."""
    if pa.types.is_dictionary(arr.type):
        dictionary = clean_text(arr.dictionary)
        indices = arr.indices
    else:
        enc = pc.dictionary_encode(clean_text(arr))
        dictionary, indices = enc.dictionary, enc.indices
    # one int32 copy of the indices (nulls set to -1 after), not a float64 round trip
    idx = np.asarray(indices.fill_null(0).to_numpy(zero_copy_only=False)).astype(np.int32)
    if indices.null_count:
        idx[~np.asarray(indices.is_valid().to_numpy(zero_copy_only=False), dtype=bool)] = -1
    return idx, dictionary.to_pylist()


def code_column(
    arr: pa.Array | None,
    n: int,
    column: str,
    issues: Issues,
    *,
    normalise: Callable[[str], str | None],
    dictionary: Sequence[str] | None,
    index_type: pa.DataType,
    required: bool,
    unknown: Reason,
) -> pa.Array:
    """A dictionary-encoded code column mapped through ``normalise`` once per distinct value.

    ``normalise`` returns the canonical code, ``""`` for an explicit "unknown"
    (null, not an error), or None for a code it does not know (the row is rejected).
    ``dictionary`` fixes the output dictionary (a closed vocabulary); None builds it
    from the codes seen, sorted.
    """
    out_type = pa.dictionary(index_type, pa.string())
    if arr is None:
        return pa.nulls(n, out_type)
    idx, distinct = _distinct(arr)
    mapped = [None if v is None else normalise(v) for v in distinct]
    codes = list(dictionary) if dictionary is not None else sorted({m for m in mapped if m})
    position = {c: i for i, c in enumerate(codes)}
    # -1: null / explicit unknown, -2: unknown code
    lut = np.array(
        [
            -2 if m is None and v is not None else position.get(m or "", -1)
            for m, v in zip(mapped, distinct, strict=True)
        ]
        + [-1],
        dtype=np.int32,
    )
    out_idx = lut[idx]  # idx == -1 picks the trailing -1
    if required:
        issues.warn((idx == -1) | (out_idx == -1), column, None, MISSING)
    issues.warn(out_idx == -2, column, arr, unknown)
    absent = out_idx < 0
    width = index_type.bit_width
    if width not in (8, 16) or len(codes) >= 1 << (width - 1):
        width = 32  # (too many codes for the index type: the cast below says so, as before)
    narrow = {8: np.int8, 16: np.int16, 32: np.int32}[width]
    if absent.any():
        indices = pa.array(np.where(absent, 0, out_idx).astype(narrow), mask=absent)
    else:  # the common case: every row has a known code (no mask, no where)
        indices = pa.array(out_idx.astype(narrow))
    return pa.DictionaryArray.from_arrays(indices.cast(index_type), pa.array(codes, pa.string()))


def _fields(text: pa.Array, patterns: Sequence[str]) -> tuple[np.ndarray, ...]:
    """Year, month, day (0 where absent) and a matched flag, for the first pattern that fits."""
    n = len(text)
    y = np.zeros(n, np.int64)
    m = np.zeros(n, np.int64)
    d = np.zeros(n, np.int64)
    matched = np.zeros(n, bool)
    for pattern in patterns:
        st = pc.extract_regex(text, pattern)
        ok = to_numpy_bool(st.is_valid()) & ~matched
        if not ok.any():
            continue
        for name, target in (("y", y), ("m", m), ("d", d)):
            if f"?P<{name}>" not in pattern:
                continue
            part = pc.replace_substring_regex(st.field(name), "^$", "0")
            values = np.asarray(pc.cast(pc.fill_null(part, "0"), pa.int64()).to_numpy())
            target[ok] = values[ok]
        matched |= ok
    return y, m, d, matched


_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _valid_day(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    month_ok = (m >= 1) & (m <= 12)
    dim = _DAYS[np.clip(m - 1, 0, 11)] + ((m == 2) & leap)
    ok: np.ndarray = month_ok & (d >= 1) & (d <= dim) & (y >= 1800) & (y <= 2200)
    return ok


def _epoch_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    months = ((y - 1970) * 12 + (m - 1)).astype("datetime64[M]")
    days: np.ndarray = months.astype("datetime64[D]").astype(np.int64) + d - 1
    return days.astype(np.int32)


def date_reason(value: str | None) -> str:
    v = (value or "").strip()
    if _DATE_SHAPE.match(v):
        return "impossible date: no such day in the calendar"
    if v.isdigit() and 4 <= len(v) <= 6:
        return (
            f"wrong type: a number (a spreadsheet day count?), not a date; expected {DATE_FORMATS}"
        )
    return f"wrong type: not a date; expected {DATE_FORMATS}"


def date_column(
    arr: pa.Array | None, n: int, column: str, issues: Issues, *, required: bool = False
) -> pa.Array:
    """date32 from dates, timestamps or text (ISO, YYYYMMDD, DD.MM.YYYY, DD/MM/YYYY)."""
    if arr is None:
        return pa.nulls(n, pa.date32())
    t = arr.type
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        out = pc.cast(arr, pa.date32())
        if required:
            issues.warn(is_null(out), column, None, MISSING)
        return out
    enc = pc.dictionary_encode(clean_text(arr))
    dictionary = enc.dictionary
    y, m, d, matched = _fields(dictionary, (_ISO, _COMPACT, _DMY))
    good = matched & _valid_day(y, m, d)
    safe = (np.where(good, y, 1970), np.where(good, m, 1), np.where(good, d, 1))
    days = np.where(good, _epoch_days(*safe), 0)
    parsed = pa.array(days.astype(np.int32), type=pa.int32(), mask=~good).cast(pa.date32())
    out = pc.take(parsed, enc.indices)
    missing = is_null(enc.indices)
    if required:
        issues.warn(missing, column, None, MISSING)
    issues.warn(is_null(out) & ~missing, column, arr, date_reason)
    return out


def partial_date_column(
    arr: pa.Array | None,
    n: int,
    column: str,
    issues: Issues,
    *,
    lenient: Callable[[str], tuple[int | None, int | None, int | None] | None] | None = None,
) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """A partial date as given (trimmed) plus year, month and day (null where not given).

    ``1974``, ``1974-08``, ``1974-08-12``, ``12.08.1974``, ``08/1974``; a month or
    day of ``00`` means "not known".  Values none of these fit go to ``lenient``
    (once per distinct value) when it is given.
    """
    if arr is None:
        text = pa.nulls(n, pa.string())
        return text, pa.nulls(n, pa.int16()), pa.nulls(n, pa.int8()), pa.nulls(n, pa.int8())
    text = clean_text(arr)
    enc = pc.dictionary_encode(text)
    dictionary = enc.dictionary
    y, m, d, matched = _fields(dictionary, (_PARTIAL_ISO, _PARTIAL_DMY))
    if lenient is not None and not matched.all():
        values = dictionary.to_pylist()
        for i in np.nonzero(~matched)[0].tolist():
            found = lenient(values[i])
            if found is not None and found[0] is not None:
                y[i], m[i], d[i] = found[0], found[1] or 0, found[2] or 0
                matched[i] = True
    d = np.where(m == 0, 0, d)  # a day without a month means nothing
    good = matched & (y >= 1800) & (y <= 2200) & (m >= 0) & (m <= 12)
    full = good & (d > 0)
    good &= ~full | _valid_day(y, m, d)
    good &= (d == 0) | full
    year = pa.array(y.astype(np.int16), mask=~good)
    month = pa.array(m.astype(np.int8), mask=~good | (m == 0))
    day = pa.array(d.astype(np.int8), mask=~good | (d == 0))
    missing = is_null(enc.indices)
    bad = ~missing & ~to_numpy_bool(pc.take(pa.array(good), enc.indices).fill_null(True))
    issues.warn(bad, column, arr, date_reason)
    return (
        text,
        pc.take(year, enc.indices),
        pc.take(month, enc.indices),
        pc.take(day, enc.indices),
    )


def year_column(arr: pa.Array | None, n: int, column: str, issues: Issues) -> pa.Array:
    """int16 years from integers, whole floats or text; out of 1886-2100 is wrong."""
    if arr is None:
        return pa.nulls(n, pa.int16())
    text = clean_text(arr)
    ok = pc.match_substring_regex(text, r"^\d{1,4}(\.0*)?$")
    head = pc.replace_substring_regex(text, r"\.0*$", "")
    values = pc.cast(pc.if_else(ok, head, "0"), pa.int64())
    in_range = pc.and_(pc.greater_equal(values, 1886), pc.less_equal(values, 2100))
    good = pc.and_(ok, in_range)
    missing = is_null(text)
    issues.warn(
        ~missing & ~to_numpy_bool(good.fill_null(True)),
        column,
        arr,
        lambda v: "wrong type: not a year from 1886 to 2100 (expected a number like 2019)",
    )
    return pc.cast(pc.if_else(good, values, pa.scalar(None, pa.int64())), pa.int16())


def _split(arr: pa.Array) -> pa.ListArray:
    """list<string> from a list column or a ``;``/``|`` separated text column."""
    t = arr.type
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        if pa.types.is_struct(t.value_type) or pa.types.is_list(t.value_type):
            raise TypeError(f"holds {t} values, not a list of text")
        return pc.cast(arr, pa.list_(pa.string()))
    return pc.split_pattern_regex(_to_string(arr), LIST_SEPARATORS)


def list_column(
    arr: pa.Array | None,
    n: int,
    column: str,
    issues: Issues,
    *,
    normalise: Callable[[str], str | None] | None = None,
    unknown: Reason | None = None,
) -> pa.Array:
    """A list<string> column: entries trimmed, empty ones dropped, never null (may be empty).

    With ``normalise`` each distinct entry is mapped (e.g. to a country code); an
    entry it does not know rejects the row.
    """
    out_type = pa.list_(pa.string())
    if arr is None:
        return pa.ListArray.from_arrays(
            pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string())
        )
    lists = _split(arr)
    flat = pc.list_flatten(lists)
    parents = np.asarray(pc.list_parent_indices(lists).to_numpy(), dtype=np.int64)
    flat = clean_text(flat)
    keep = ~is_null(flat)
    if normalise is not None and len(flat):
        enc = pc.dictionary_encode(flat)
        mapped = [None if v is None else normalise(v) for v in enc.dictionary.to_pylist()]
        lut = pa.array(mapped, pa.string())
        mapped_flat = pc.take(lut, enc.indices)
        unknown_entry = keep & is_null(mapped_flat)
        if unknown_entry.any():
            bad_rows = np.zeros(n, dtype=bool)
            bad_rows[parents[unknown_entry]] = True
            assert unknown is not None
            issues.warn(bad_rows, column, arr, unknown)
        flat = mapped_flat
        keep &= ~unknown_entry
    counts = np.bincount(parents[keep], minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep))).cast(out_type)
