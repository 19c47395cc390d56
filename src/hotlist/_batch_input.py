"""``check_many``'s input: any table-like in, the query fields as the text
``check()`` reads, every other column passed through.

Accepted: an Arrow table or record batch, a pandas or polars DataFrame, a DuckDB
relation, anything with ``__arrow_c_stream__``, or a list of dicts.  The query
fields are every field of the one table (:mod:`hotlist.fields`), registered
kinds' fields included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._batch_pool import RESULT_COLUMNS
from hotlist._errors import InvalidQuery
from hotlist.fields import limits

__all__ = [
    "ArrowStream",
    "Input",
    "QueryInput",
    "TableLike",
    "bool_mask",
    "chunked",
    "read_input",
    "to_table",
]


class ArrowStream(Protocol):
    """Anything that exports an Arrow C stream (polars, DuckDB, pyarrow, nanoarrow...)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


class TableLike(Protocol):
    """A pandas or polars DataFrame or a DuckDB relation: named columns."""

    @property
    def columns(self) -> Any: ...


# What check_many takes.
QueryInput: TypeAlias = (
    pa.Table | pa.RecordBatch | Sequence[Mapping[str, object]] | ArrowStream | TableLike
)


def to_table(queries: QueryInput, columns: Mapping[str, str | None] | None = None) -> pa.Table:
    """Any input :func:`check_many` takes as one Arrow table of the caller's columns
    (as they pass through to the output)."""
    return read_input(queries, columns).echo_table()


def chunked(data: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """``data`` as a chunked array."""
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


class Input:
    """A batch of queries as :func:`check_many` reads it.

    ``fields``: per check() keyword its values as an Arrow string array (null where
    missing, and on rows with an ``error``); ``errors``: per row the reason it cannot
    be checked (a value with no obvious text form, columns that disagree);
    ``echo``: every column of the caller, under the caller's name (a repeated name
    gets ``.1``, ``.2``...), in order, to pass through to the output.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.fields: dict[str, pa.Array] = {}
        self.errors: dict[int, str] = {}
        # per row, warnings about how a value was read (a number as a document number)
        self.notes: dict[int, list[str]] = {}
        self.echo: list[tuple[str, pa.Array | pa.ChunkedArray]] = []

    def echo_table(self) -> pa.Table:
        """The caller's columns as they pass through, as one table."""
        if not self.echo:
            return pa.table({})
        return pa.Table.from_arrays(
            [chunked(a) for _, a in self.echo], names=[name for name, _ in self.echo]
        )


def read_input(queries: QueryInput, columns: Mapping[str, str | None] | None = None) -> Input:
    """``queries`` (Arrow table or record batch, pandas or polars DataFrame, DuckDB
    relation, anything with ``__arrow_c_stream__``, or a list of dicts) as an
    :class:`Input`.  ``columns`` maps the caller's column names to check() keywords
    (``{"doc_no": "document"}``; ``None`` passes a column named like a keyword through
    without checking it).  Every other column passes through."""
    n, raw = _raw_columns(queries)
    known = limits()  # every declared field, registered kinds' too
    mapping = _mapping(columns, [name for name, _ in raw], known)
    out = Input(n)
    sources: dict[str, list[str]] = {}
    for (name, data), out_name in zip(raw, _echo_names([name for name, _ in raw]), strict=True):
        keyword = mapping.get(name, name if name in known else None)
        if keyword is None:
            out.echo.append((out_name, _echo_array(data)))
            continue
        # a query column is echoed as the text check() reads
        values = _text_array(keyword, out_name, data, out.errors)
        out.echo.append((out_name, values))
        if keyword in _NUMBERED:
            _note_numbers(keyword, out_name, data, values, out.notes)
        if keyword in out.fields:
            values = _merge(
                keyword, sources[keyword], out_name, out.fields[keyword], values, out.errors
            )
        out.fields[keyword] = values
        sources.setdefault(keyword, []).append(out_name)
    if out.errors and out.fields:
        bad = np.zeros(n, dtype=bool)
        bad[np.fromiter(out.errors, dtype=np.int64, count=len(out.errors))] = True
        keep = pa.array(~bad)
        for keyword, values in out.fields.items():
            out.fields[keyword] = pc.if_else(keep, values, pa.scalar(None, pa.string()))
    reserved = [name for name, _ in out.echo if name in RESULT_COLUMNS.names or name == "searched"]
    if reserved:
        raise InvalidQuery(
            f"check_many(): column(s) {', '.join(map(repr, reserved))} have the name of a result "
            f"column; rename them (result columns: {', '.join(RESULT_COLUMNS.names)})"
        )
    return out


def _echo_names(names: list[str]) -> list[str]:
    """Each column's name in the output: a repeated name gets the first of ``.1``,
    ``.2``... that no column of the table has and no earlier column was given
    (``ref, ref, ref.1`` -> ``ref, ref.2, ref.1``)."""
    taken = set(names)
    out: list[str] = []
    first: set[str] = set()
    for name in names:
        if name not in first:
            first.add(name)
            out.append(name)
            continue
        count = 1
        while f"{name}.{count}" in taken:
            count += 1
        out.append(f"{name}.{count}")
        taken.add(out[-1])
    return out


def _mapping(
    columns: Mapping[str, str | None] | None, names: list[str], fields: Mapping[str, int]
) -> dict[str, str | None]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise InvalidQuery(
            "check_many(): columns= maps your column names to check() keywords, e.g. "
            '{"doc_no": "document"}'
        )
    present = set(names)
    for source, keyword in columns.items():
        if source not in present:
            raise InvalidQuery(
                f"check_many(): columns= names {source!r}, which is not a column of the table "
                f"(columns: {', '.join(map(repr, names[:20]))})"
            )
        if keyword is not None and keyword not in fields:
            raise InvalidQuery(
                f"check_many(): columns= maps {source!r} to {keyword!r}, which is not a check() "
                f"keyword: {', '.join(fields)} (or None to pass the column through)"
            )
    return dict(columns)


def _raw_columns(queries: object) -> tuple[int, list[tuple[str, Any]]]:
    """The row count and the (name, data) of each column, in order; data is an Arrow
    array or chunked array, or a Python list where Arrow cannot hold the values as
    they are (a pandas object column mixing text and numbers, surrogates...)."""
    if isinstance(queries, pa.RecordBatch):
        queries = pa.Table.from_batches([queries])
    if isinstance(queries, pa.Table):
        return queries.num_rows, list(zip(queries.column_names, queries.columns, strict=True))
    if isinstance(queries, list | tuple):
        return _from_records(queries)
    module = type(queries).__module__.split(".")[0]
    if module == "pandas" and hasattr(queries, "iloc"):
        return _from_pandas(queries)
    if module == "polars" and hasattr(queries, "to_arrow"):
        return _raw_columns(queries.to_arrow())
    if module == "duckdb" and hasattr(queries, "columns"):
        return _raw_columns(_duckdb_table(queries))
    if hasattr(queries, "__arrow_c_stream__"):
        return _raw_columns(pa.table(queries))
    raise InvalidQuery(
        "check_many() takes an Arrow table, a pandas or polars DataFrame, a DuckDB relation "
        f"or a list of dicts, not {type(queries).__name__}"
    )


def _duckdb_table(relation: Any) -> pa.Table:
    """A DuckDB relation as an Arrow table, whatever the DuckDB version returns."""
    for method in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        fetch = getattr(relation, method, None)
        if fetch is not None:
            got = fetch()
            return got.read_all() if isinstance(got, pa.RecordBatchReader) else got
    return pa.table(relation)


def _from_records(rows: Sequence[Any]) -> tuple[int, list[tuple[str, Any]]]:
    if not all(isinstance(r, Mapping) for r in rows):
        raise InvalidQuery(
            "check_many() takes a table or a list of dicts of check() keywords; "
            + ", ".join(
                f"row {i} is a {type(r).__name__}"
                for i, r in enumerate(rows)
                if not isinstance(r, Mapping)
            )[:200]
        )
    # Every key of every dict (from_pylist would keep only the first dict's keys).
    names = list(dict.fromkeys(k for r in rows for k in r))
    out: list[tuple[str, Any]] = []
    for key in names:
        values = [r.get(key) for r in rows]
        out.append((str(key), _arrow_or_list(values, from_pandas=True)))
    return len(rows), out


def _from_pandas(frame: Any) -> tuple[int, list[tuple[str, Any]]]:
    out: list[tuple[str, Any]] = []
    for i, name in enumerate(frame.columns):
        series = frame.iloc[:, i]
        data: Any
        if series.dtype == object:
            # an object column holds any Python values: read like a list of them
            data = _arrow_or_list(series.tolist(), from_pandas=True)
        else:
            try:
                data = pa.array(series, from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError, UnicodeError, OverflowError):
                data = _missing_to_none(series.tolist())
        out.append((str(name), data))
    return len(frame), out


def _arrow_or_list(values: list[Any], *, from_pandas: bool) -> Any:
    """Python values as one Arrow array when they are all of one kind; else the list
    (missing values as None), read value by value.  Arrow would otherwise make one
    type of a mix and reinterpret the rest: 2.5 or 1974 next to a date becomes a
    date in January 1970."""
    kinds = {type(v) for v in values if not _missing(v)}
    if len(kinds) > 1 and not kinds <= {int, float}:
        return _missing_to_none(values)
    try:
        return pa.array(values, from_pandas=from_pandas)
    except (pa.ArrowException, TypeError, ValueError, UnicodeError, OverflowError):
        return _missing_to_none(values)


def _missing(value: Any) -> bool:
    """None, NaN, NaT, pandas NA: a missing value."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NaTType", "NAType")


def _missing_to_none(values: list[Any]) -> list[Any]:
    return [None if _missing(v) else v for v in values]


def _echo_array(data: Any) -> pa.Array | pa.ChunkedArray:
    """A column as it passes through: Arrow as is; a Python list Arrow cannot hold as
    it is becomes text (str() of each value, undecodable characters replaced)."""
    if isinstance(data, pa.Array | pa.ChunkedArray):
        return data
    return pa.array(
        [
            None
            if v is None
            else str(v).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            for v in data
        ],
        pa.string(),
    )


def _text_array(keyword: str, column: str, data: Any, errors: dict[int, str]) -> pa.Array:
    """``data`` as the text check() reads for ``keyword``: text as is; a whole number
    as its digits; a date or timestamp as an ISO date (``dob`` only); NaN / None / NaT
    as missing.  Every other value is null, with a row error in ``errors``."""
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks() if data.num_chunks else pa.array([], data.type)
    if isinstance(data, list):
        return pa.array(
            [_text_value(keyword, column, i, v, errors) for i, v in enumerate(data)], pa.string()
        )
    typ = data.type
    if pa.types.is_dictionary(typ):
        return _text_array(keyword, column, data.dictionary_decode(), errors)
    if pa.types.is_null(typ):
        return pa.nulls(len(data), pa.string())
    if pa.types.is_string(typ):
        return data
    if pa.types.is_large_string(typ) or _is_string_view(typ):
        return data.cast(pa.string())
    if pa.types.is_integer(typ):
        return data.cast(pa.string())
    if keyword == "dob" and (pa.types.is_date(typ) or pa.types.is_timestamp(typ)):
        return data.cast(pa.date32()).cast(pa.string())
    # floats (NaN missing, whole numbers as digits), and anything else value by value
    return pa.array(
        [_text_value(keyword, column, i, v, errors) for i, v in enumerate(data.to_pylist())],
        pa.string(),
    )


# Identifiers that may start with zeros: one given as a number may have lost them.
_NUMBERED = ("document", "vin", "plate")


def _note_numbers(
    keyword: str, column: str, data: Any, values: pa.Array, notes: dict[int, list[str]]
) -> None:
    """A warning on each row whose ``keyword`` came as a number: it is checked as
    its digits, but leading zeros (``00012345``) cannot survive a number."""
    if isinstance(data, pa.ChunkedArray):
        data = data.combine_chunks() if data.num_chunks else pa.array([], data.type)
    if isinstance(data, list):
        numeric = np.array(
            [
                isinstance(v, int | float | np.integer | np.floating)
                and not isinstance(v, bool | np.bool_)
                for v in data
            ],
            dtype=bool,
        )
    elif pa.types.is_integer(data.type) or pa.types.is_floating(data.type):
        numeric = np.ones(len(data), dtype=bool)
    else:
        return
    rows = np.flatnonzero(numeric & bool_mask(values.is_valid()))
    if not len(rows):
        return
    label = keyword if column == keyword else f"{column!r} ({keyword})"
    for i, text in zip(rows.tolist(), values.take(pa.array(rows)).to_pylist(), strict=True):
        notes.setdefault(i, []).append(
            f"{label} was given as a number and checked as {text!r}: leading zeros, if it "
            "had any, are lost; send identifiers as text"
        )


def _is_string_view(typ: pa.DataType) -> bool:
    test = getattr(pa.types, "is_string_view", None)  # pyarrow >= 16
    return bool(test(typ)) if test is not None else False


def _text_value(keyword: str, column: str, row: int, value: Any, errors: dict[int, str]) -> Any:
    if _missing(value):
        return None
    problem: str
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            problem = (
                f"holds an undecodable character (U+{ord(value[exc.start]):04X}) at position "
                f"{exc.start + 1}; decode the source text correctly"
            )
        else:
            return value
    elif isinstance(value, bool | np.bool_):
        problem = f"holds a true/false value ({value}), not text"
    elif isinstance(value, int | np.integer):
        return str(int(value))
    elif isinstance(value, float | np.floating):
        if float(value).is_integer():
            return str(int(value))
        problem = f"holds the number {value}, not text or a whole number"
    elif isinstance(value, dt.date | np.datetime64) and keyword == "dob":
        if isinstance(value, np.datetime64):
            return str(value.astype("datetime64[D]"))
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    else:
        problem = f"holds a {type(value).__name__} ({str(value)[:40]!r}), not text"
    label = keyword if column == keyword else f"{column!r} ({keyword})"
    errors.setdefault(row, f"{label} {problem}")
    return None


def _merge(  # noqa: PLR0917 - private, one caller
    keyword: str,
    before: list[str],
    column: str,
    old: pa.Array,
    new: pa.Array,
    errors: dict[int, str],
) -> pa.Array:
    """Two columns that both give ``keyword``: per row the one value they agree on
    (or the only one given); a row where they differ is an error."""
    differ = bool_mask(pc.and_(pc.and_(old.is_valid(), new.is_valid()), pc.not_equal(old, new)))
    for i in np.flatnonzero(differ).tolist():
        errors.setdefault(
            i,
            f"columns {', '.join(map(repr, before))} and {column!r} both give {keyword} "
            f"and disagree ({old[i].as_py()!r} / {new[i].as_py()!r})",
        )
    return pc.coalesce(old, new)


def bool_mask(arr: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    out: np.ndarray = np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return out
