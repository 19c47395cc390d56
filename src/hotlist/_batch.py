"""``check_many``: a whole manifest or ANPR log at once.

Plain document checks (a number, with or without issuing country and type) go
through vectorised Arrow / numpy joins against the document index; everything
else (MRZ, VIN, plates, persons, and the one-edit search) runs per query through
the very function ``check()`` uses, so the two always agree.  A query that
``check()`` would refuse gets its message in the ``error`` column and the rest
of the batch goes on: nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import names
from hotlist._decisions import (
    batch_decisions,
    ocr_letter_reason,
    ocr_letter_swaps,
    severity_from_reasons,
)
from hotlist._documents import Candidate, DocumentIndex, document_score
from hotlist._errors import HotlistError, InvalidQuery
from hotlist._query import (
    CHECK_FIELDS,
    DEFAULT_LIMIT,
    DEFAULT_MAX_EDITS,
    DEFAULT_MIN_SCORE,
    _check_options,
    _country,
    _vocab,
    answer,
    holder_text,
    holder_value,
    omitted_note,
    qualify_holder,
)
from hotlist.fields import clean
from hotlist.ids import docnum
from hotlist.index import KeyIndex

if TYPE_CHECKING:
    from hotlist.engine import _State

__all__ = ["RESULT_COLUMNS", "Input", "check_many", "read_input", "to_table"]

RESULT_COLUMNS = pa.schema(
    [
        pa.field("query_index", pa.int64(), nullable=False),
        pa.field("hit", pa.bool_(), nullable=False),
        pa.field("dataset", pa.string()),
        pa.field("record_id", pa.string()),
        pa.field("match", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("reasons", pa.list_(pa.string())),
        pa.field("severity", pa.string()),
        pa.field("action", pa.string()),
        pa.field("warnings", pa.list_(pa.string())),
        pa.field("searched", pa.list_(pa.string())),
        pa.field("error", pa.string()),
    ]
)
_DOC_ONLY = frozenset({"document", "country", "document_type"})
# The holder's fields: without a name they only qualify a wanted person found
# through the document, so such rows stay on the vectorised document path.
_HOLDER = ("dob", "nationality", "sex")
# Match levels in engine.LEVEL_ORDER's order (best first): codes sort like select() does.
LEVELS = ("exact", "ocr", "edit", "partial", "fuzzy")
LEVEL_CODE = {name: i for i, name in enumerate(LEVELS)}


def to_table(queries: Any, columns: Mapping[str, str | None] | None = None) -> pa.Table:
    """Any input :func:`check_many` takes as one Arrow table of the caller's columns
    (as they pass through to the output)."""
    got = read_input(queries, columns)
    if not got.echo:
        return pa.table({})
    return pa.Table.from_arrays(
        [_chunked(a) for _, a in got.echo], names=[name for name, _ in got.echo]
    )


def _chunked(data: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def check_many(
    state: _State,
    queries: Any,
    *,
    columns: Mapping[str, str | None] | None = None,
    limit: int | None = None,
    min_score: float | None = None,
    max_edits: int | None = None,
    name_threshold: float | None = None,
) -> pa.Table:
    """Check every row of ``queries``: one ``check()`` per row, answered in bulk.

    ``queries``: an Arrow table or record batch, a pandas or polars DataFrame, a
    DuckDB relation, anything with ``__arrow_c_stream__``, or a list of dicts.
    Columns named like ``check()``'s keywords (document, country, document_type,
    mrz, vin, plate, name, family_name, given_names, dob, nationality, sex) are
    the query; ``columns`` maps other names to keywords (``{"doc_no":
    "document"}``; a keyword-named column mapped to ``None`` is only passed
    through).  Every other column (``passenger_id``, ``flight``...) passes
    through unchanged to each output row of its query.

    Values: text as is; a whole number (an int column, or a float one that pandas
    made of ints with gaps) as its digits; a date, datetime or timestamp as an ISO
    date for ``dob``; None / NaN / NaT / NA as missing.  A value with no obvious
    text form (1.5, True, a date as a document number, a lone surrogate) or two
    columns giving one keyword differently make that row an ``error`` row; the
    rest of the batch goes on.  A row ``check()`` would refuse is an error row too.
    A document, VIN or plate given as a number carries a warning (leading zeros
    cannot survive a number).  A column of mixed kinds is read value by value.

    Returns an Arrow table (``.to_pandas()``, ``polars.from_arrow()``), one row per
    (query, hit), in query order, hits best first; a query without a hit has one
    row with nulls in the hit columns.  Columns, in order:

    - ``query_index`` (int64): the row number in ``queries``;
    - every column of ``queries``, under its own name and type (a repeated name
      gets ``.1``, ``.2``; a column Arrow cannot hold as it is, such as a pandas
      object column mixing text and numbers, as text); a query column as the text
      ``check()`` read;
    - ``hit`` (bool), ``dataset``, ``record_id``, ``match`` (string), ``score``
      (float64), ``reasons`` (list<string>), ``severity`` ("alarm" / "possible"),
      ``action`` (string): the hit, as ``check()``'s Hit;
    - ``warnings`` (list<string>): the query's warnings, as ``check()``'s;
    - ``searched`` (list<string>): the lists the query was searched in, as
      ``CheckResult.searched`` (empty on an error row);
    - ``error`` (string): why the row could not be checked, else null.

    Options and their defaults are ``check()``'s.  A caller column named like a
    result column is refused (:class:`hotlist.InvalidQuery`): rename it.
    """
    limit = DEFAULT_LIMIT if limit is None else limit
    min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
    max_edits = DEFAULT_MAX_EDITS if max_edits is None else max_edits
    _check_options(limit, min_score, max_edits, name_threshold)
    threshold = names.MATCH_THRESHOLD if name_threshold is None else name_threshold

    got = read_input(queries, columns)
    n = got.n
    cols = got.fields

    pool = _Pool(sorted(state.tables))
    warnings: dict[int, list[str]] = {i: list(notes) for i, notes in got.notes.items()}
    errors: dict[int, str] = dict(got.errors)

    fast = _FastDocuments.of(cols, n)
    if fast.rows.any():
        holder = _holder_rows(cols, fast.rows, warnings)
        _documents_vectorised(state, fast, pool, max_edits=max_edits, holder=holder)
        _holder_not_used(state, holder, pool, warnings)
    # Everything else, one query at a time, through check()'s own code path.
    slow = np.flatnonzero(~fast.rows)
    if len(slow) and errors:
        slow = slow[~np.isin(slow, np.fromiter(errors, dtype=np.int64, count=len(errors)))]
    if len(slow):
        take = pa.array(slow)
        # check()'s keyword order, so that a query with several bad values reports
        # the same one check() reports
        values = {c: cols[c].take(take).to_pylist() for c in CHECK_FIELDS if c in cols}
        for k, i in enumerate(slow.tolist()):
            query = {c: v[k] for c, v in values.items() if v[k] is not None}
            try:
                found, warned = answer(state, query, max_edits=max_edits, name_threshold=threshold)
            except HotlistError as exc:
                errors[i] = str(exc)
                continue
            pool.add(i, found)
            if warned:
                warnings.setdefault(i, []).extend(warned)

    echoed = (
        pa.Table.from_arrays([_chunked(a) for _, a in got.echo], names=[c for c, _ in got.echo])
        if got.echo
        else pa.table({})
    )
    searched = _searched(state, cols, n, errors, fast.rows, warnings)
    return _assemble(
        state,
        echoed,
        n,
        pool,
        warnings,
        errors,
        limit=limit,
        min_score=min_score,
        searched=searched,
    )


def _searched(  # noqa: PLR0917 - private, one caller
    state: _State,
    cols: Mapping[str, pa.Array],
    n: int,
    errors: Mapping[int, str],
    fast_rows: np.ndarray,
    warnings: dict[int, list[str]],
) -> pa.Array:
    """Per query the lists it was searched in (none for an error row), as check()'s
    ``searched``; the not-checked warnings of the fast document rows are added to
    ``warnings`` (the other rows got theirs from check()'s own path)."""
    from hotlist._coverage import FIELD_LISTS

    coverage = state.coverage
    notes = coverage.document[1]
    if notes:
        for i in np.flatnonzero(fast_rows).tolist():
            warnings.setdefault(i, []).extend(notes)
    fields = [f for f in FIELD_LISTS if f in cols]
    code = np.zeros(n, dtype=np.int64)
    for bit, f in enumerate(fields):
        code |= _np_bool(cols[f].is_valid()).astype(np.int64) << bit
    if errors:
        code[np.fromiter(errors, dtype=np.int64, count=len(errors))] = -1
    distinct, inverse = np.unique(code, return_inverse=True)
    lists = [
        [] if c < 0 else list(coverage.of(f for bit, f in enumerate(fields) if c >> bit & 1)[0])
        for c in distinct.tolist()
    ]
    typ = RESULT_COLUMNS.field("searched").type
    return pa.array(lists, typ).take(pa.array(inverse.astype(np.int64)))


# -- the input: any table-like in, query fields as text, pass-through columns --------


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


def read_input(queries: Any, columns: Mapping[str, str | None] | None = None) -> Input:
    """``queries`` (Arrow table or record batch, pandas or polars DataFrame, DuckDB
    relation, anything with ``__arrow_c_stream__``, or a list of dicts) as an
    :class:`Input`.  ``columns`` maps the caller's column names to check() keywords
    (``{"doc_no": "document"}``; ``None`` passes a column named like a keyword through
    without checking it).  Every other column passes through."""
    n, raw = _raw_columns(queries)
    mapping = _mapping(columns, [name for name, _ in raw], CHECK_FIELDS)
    out = Input(n)
    seen: dict[str, int] = {}
    sources: dict[str, list[str]] = {}
    for name, data in raw:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out_name = name if count == 0 else f"{name}.{count}"
        keyword = mapping.get(name, name if name in CHECK_FIELDS else None)
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


def _raw_columns(queries: Any) -> tuple[int, list[tuple[str, Any]]]:
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
    rows = np.flatnonzero(numeric & _np_bool(values.is_valid()))
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
    differ = _np_bool(pc.and_(pc.and_(old.is_valid(), new.is_valid()), pc.not_equal(old, new)))
    for i in np.flatnonzero(differ).tolist():
        errors.setdefault(
            i,
            f"columns {', '.join(map(repr, before))} and {column!r} both give {keyword} "
            f"and disagree ({old[i].as_py()!r} / {new[i].as_py()!r})",
        )
    return pc.coalesce(old, new)


def _np_bool(arr: pa.Array) -> np.ndarray:
    out: np.ndarray = np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return out


# -- the plain document checks, vectorised --------------------------------------------


def _byte_tables() -> tuple[bytes, bytes, bytes, bytes]:
    """Translate tables over the bytes of document numbers: each byte's class (KEPT,
    SEPARATOR, or BAD: anything check() refuses or must validate itself), the byte
    ``docnum.compact`` makes of it, the byte ``docnum.ocr_key`` makes of it, and
    the separators (which both delete).

    Derived from the scalar normalisers themselves, so the two paths cannot drift.
    Only printable ASCII can be fast: a control character or any non-ASCII text
    (whose UTF-8 bytes are all >= 0x80) is refused or validated by ``check()``.
    """
    kind = bytearray([_BAD] * 256)
    compact = bytearray(256)
    ocr = bytearray(256)
    separators = bytearray()
    for b in range(0x20, 0x7F):
        c = docnum.compact(chr(b))
        if c == "":
            kind[b] = _SEPARATOR
            separators.append(b)
        elif len(c) == 1 and c in _ALNUM:
            kind[b] = _KEPT
            compact[b] = ord(c)
            ocr[b] = ord(docnum.ocr_key(chr(b)))
    return bytes(kind), bytes(compact), bytes(ocr), bytes(separators)


_KEPT, _SEPARATOR, _BAD = 0, 1, 2
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_KIND, _COMPACT_BYTE, _OCR_BYTE, _SEPARATORS = _byte_tables()


class _FastDocuments:
    """The rows a plain, valid document check (a number, and optionally a country
    and a document type that check() accepts), with their compacted numbers, OCR
    keys (null on every other row) and the asked country / type as codes."""

    rows: np.ndarray  # bool per query
    compact: pa.Array  # string, null where not fast
    keys: pa.Array  # string, null where not fast
    country: np.ndarray  # int32 code into country_values per query, -1 when not given
    country_values: list[str]
    doc_type: np.ndarray
    type_values: list[str]

    @classmethod
    def of(cls, cols: dict[str, pa.Array], n: int) -> _FastDocuments:
        self = cls()
        self.country = np.full(n, -1, dtype=np.int32)
        self.doc_type = np.full(n, -1, dtype=np.int32)
        self.country_values, self.type_values = [], []
        doc = cols.get("document")
        if doc is None or n == 0:
            self.rows = np.zeros(n, dtype=bool)
            self.compact = self.keys = pa.nulls(n, pa.string())
            return self
        ok = _valid(doc)
        for name, col in cols.items():
            if name not in _DOC_ONLY and name not in _HOLDER and col.null_count < len(col):
                ok &= ~_valid(col)
        if "country" in cols:
            self.country, self.country_values, usable = _codes(cols["country"], _country_code)
            ok &= usable
        if "document_type" in cols:
            self.doc_type, self.type_values, usable = _codes(cols["document_type"], _doc_type)
            ok &= usable

        # Byte translations of the UTF-8 data (C loops, no per-row work): separators
        # and refused bytes are rare, so they are found by position.
        _, offsets_buf, data_buf = doc.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=np.int32)[doc.offset : doc.offset + n + 1]
        lo, hi = int(offsets[0]), int(offsets[-1])
        data = b"" if data_buf is None else memoryview(data_buf)[lo:hi].tobytes()
        rel = offsets - np.int32(lo)
        kind = np.frombuffer(data.translate(_KIND), dtype=np.uint8)
        odd = np.flatnonzero(kind)
        row_of = np.searchsorted(rel, odd, side="right") - 1
        odd_kind = kind[odd]
        ok[row_of[odd_kind == _BAD]] = False
        sep = odd[odd_kind == _SEPARATOR]
        kept = np.diff(rel) - np.bincount(row_of[odd_kind == _SEPARATOR], minlength=n)
        ok &= (kept >= 1) & (kept <= docnum.MAX_LENGTH)
        ok &= np.diff(rel) <= CHECK_FIELDS["document"]
        self.rows = ok

        nulls = n - int(np.count_nonzero(ok))
        validity = None if not nulls else pa.py_buffer(np.packbits(ok, bitorder="little"))
        # a separator moves every later byte one place down
        new_offsets = rel - np.searchsorted(sep, rel).astype(np.int32) if len(sep) else rel
        offsets_out = pa.py_buffer(np.ascontiguousarray(new_offsets, dtype=np.int32))
        self.compact = pa.StringArray.from_buffers(
            n,
            offsets_out,
            pa.py_buffer(data.translate(_COMPACT_BYTE, _SEPARATORS)),
            validity,
            nulls,
        )
        self.keys = pa.StringArray.from_buffers(
            n, offsets_out, pa.py_buffer(data.translate(_OCR_BYTE, _SEPARATORS)), validity, nulls
        )
        return self


def _valid(col: pa.Array) -> np.ndarray:
    if not col.null_count:
        return np.ones(len(col), dtype=bool)
    out: np.ndarray = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return out


def _country_code(value: str) -> str | None:
    return _country("country", clean("country", value))


def _doc_type(value: str) -> str | None:
    return _vocab("document_type", "document_type", clean("document_type", value))


def _codes(col: pa.Array, normalise: Any) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Per row the code of its canonical value (-1 when absent), the canonical values,
    and whether check() accepts the row's value.  ``normalise`` is check()'s own
    validation of one raw value, run once per distinct value."""
    encoded = col.dictionary_encode()
    values: list[str] = []
    seen: dict[str, int] = {}
    code_of = np.full(len(encoded.dictionary) + 1, -1, dtype=np.int32)
    good = np.ones(len(encoded.dictionary) + 1, dtype=bool)
    for j, raw in enumerate(encoded.dictionary.to_pylist()):
        try:
            canon = normalise(raw)
        except HotlistError:
            canon = None
        if canon is None:
            good[j] = False
            continue
        code_of[j] = seen.setdefault(canon, len(seen))
    values = list(seen)
    idx = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return code_of[idx], values, good[idx]


def _holder_rows(
    cols: Mapping[str, pa.Array], rows: np.ndarray, warnings: dict[int, list[str]]
) -> dict[int, tuple[Any, ...]]:
    """Per fast row with holder fields, (its warnings list, dob, nationality, sex,
    combination) as check() reads them: engine.holder_text, then
    engine.holder_value; a value that cannot be used is None, with check()'s
    warning, in check()'s order.  Worked out once per distinct value and per
    distinct combination of values, not per row."""
    given = [k for k in _HOLDER if k in cols]
    if not given:
        return {}
    has = np.zeros(len(rows), dtype=bool)
    codes: list[np.ndarray] = []
    readings: list[list[tuple[Any, str | None, str | None]]] = []
    for key in given:
        col = cols[key]
        has |= _np_bool(col.is_valid())
        encoded = col.dictionary_encode()
        distinct: list[tuple[Any, str | None, str | None]] = []
        for raw in encoded.dictionary.to_pylist():
            noted: list[str] = []
            text = holder_text(key, raw, noted)
            if text is None:
                distinct.append((None, noted[0], None))
                continue
            try:
                distinct.append((holder_value(key, text), None, None))
            except InvalidQuery as exc:
                distinct.append((None, None, f"{key} {text!r} not used: {exc}"))
        distinct.append((None, None, None))  # absent
        codes.append(encoded.indices.fill_null(len(distinct) - 1).to_numpy(zero_copy_only=False))
        readings.append(distinct)
    chosen = np.flatnonzero(has & rows)
    if not len(chosen):
        return {}
    # one int64 per row for its combination of value codes (np.unique over rows of a
    # 2-D array is many times slower)
    combined = np.zeros(len(chosen), dtype=np.int64)
    for row_codes, distinct in zip(codes, readings, strict=True):
        combined = combined * len(distinct) + row_codes[chosen].astype(np.int64)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    per_combo: list[tuple[list[str], Any, Any, Any]] = []
    for j in first.tolist():
        combo = [int(row_codes[chosen[j]]) for row_codes in codes]
        values = dict.fromkeys(_HOLDER)
        text_notes: list[str] = []
        parse_notes: list[str] = []
        for key, code, distinct in zip(given, combo, readings, strict=True):
            value, text_note, parse_note = distinct[code]
            values[key] = value
            if text_note:
                text_notes.append(text_note)
            if parse_note:
                parse_notes.append(parse_note)
        per_combo.append(
            (text_notes + parse_notes, values["dob"], values["nationality"], values["sex"])
        )
    out: dict[int, tuple[Any, ...]] = {}
    for i, combo_id in zip(chosen.tolist(), inverse.reshape(-1).tolist(), strict=True):
        notes, dob, nationality, sex = per_combo[combo_id]
        noted = warnings.setdefault(i, [])
        noted += notes
        out[i] = (noted, dob, nationality, sex, combo_id)
    return out


def _holder_not_used(
    state: _State,
    holder: dict[int, tuple[Any, ...]],
    pool: _Pool,
    warnings: dict[int, list[str]],
) -> None:
    """check()'s "not used" warning for the holder rows no wanted person was found
    for (the same for every row of one combination of values)."""
    qualified = pool.qualified
    extra: dict[int, list[str]] = {}
    for i, (noted, dob, nationality, sex, combo) in holder.items():
        if i not in qualified:
            more = extra.get(combo)
            if more is None:
                more = extra[combo] = []
                qualify_holder(state, [], more, dob, nationality, sex)
            noted.extend(more)
        if not noted:
            del warnings[i]


def _documents_vectorised(
    state: _State,
    fast: _FastDocuments,
    pool: _Pool,
    *,
    max_edits: int,
    holder: Mapping[int, tuple[Any, ...]] | None = None,
) -> None:
    d = state.documents
    qi, rec = _lookup_many(d.index, d.keys, fast.keys)
    if len(qi):
        listed = docnum.compact_array(d.numbers.take(pa.array(rec)))
        exact = _np(pc.equal(listed, fast.compact.take(pa.array(qi))))
        level = np.where(exact, LEVELS.index("exact"), LEVELS.index("ocr"))
        # an OCR match that differs only by look-alike letters is only possible (rare: a loop)
        note = np.zeros(len(qi), dtype=np.int64)
        notes: list[str] = []
        for i in np.flatnonzero(~exact).tolist():
            swaps = ocr_letter_swaps(listed[i].as_py(), fast.compact[int(qi[i])].as_py())
            if swaps:
                why = ocr_letter_reason(swaps)
                if why not in notes:
                    notes.append(why)
                note[i] = notes.index(why) + 1
        _add_documents(d, fast, pool, qi, rec, level=level, note=note, notes=notes)
    pd = state.person_documents
    if pd.size:
        pqi, _ = _lookup_many(pd.index, pd.keys, fast.keys)
        for j in np.unique(pqi).tolist():
            wanted = pd.match(fast.compact[j].as_py())
            if holder and j in holder and wanted:
                wanted = qualify_holder(state, wanted, *holder[j][:4])
                pool.qualified.add(j)
            pool.add(j, wanted)
    if max_edits >= 1:
        # The one-edit search is per key; everything around it is vectorised.
        qs: list[int] = []
        found: list[np.ndarray] = []
        keys = fast.keys.to_pylist()
        for j in np.flatnonzero(fast.rows).tolist():
            near = d.index.within_one_edit(keys[j])
            if len(near):
                qs.append(j)
                found.append(near)
        if found:
            sizes = np.array([len(f) for f in found])
            eq = np.repeat(np.array(qs, dtype=np.int64), sizes)
            erow = np.concatenate(found).astype(np.int64)
            # rows with the query's own OCR key were found above (exact / ocr)
            other = ~_np(pc.equal(d.keys.take(pa.array(erow)), fast.keys.take(pa.array(eq))))
            eq, erow = eq[other], erow[other]
            level = np.full(len(eq), LEVELS.index("edit"))
            _add_documents(d, fast, pool, eq, erow, level=level)


def _lookup_many(
    index: KeyIndex, listed: pa.Array, keys: pa.Array
) -> tuple[np.ndarray, np.ndarray]:
    """``index.lookup_many(keys)``; ``listed`` are the keys ``index`` was built on.

    When the list is much shorter than the batch, an Arrow hash set of the listed
    keys (built per call) first drops the queries whose key is not listed at all,
    which is cheaper than hashing every query for the index.
    """
    asked = len(keys) - keys.null_count
    if 2 * len(listed) >= asked:
        return index.lookup_many(keys)
    maybe = np.flatnonzero(_np(pc.is_in(keys, value_set=listed, skip_nulls=True)))
    qi, rows = index.lookup_many(keys.take(pa.array(maybe)))
    return maybe[qi], rows


def _add_documents(
    d: DocumentIndex,
    fast: _FastDocuments,
    pool: _Pool,
    q: np.ndarray,
    row: np.ndarray,
    *,
    level: np.ndarray,
    note: np.ndarray | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Score document candidates through ``document_score``, once per distinct
    (level, asked country, listed country, asked type, listed type, note);
    ``note`` (per candidate, 0 for none) picks a reason of ``notes`` to add, as
    ``DocumentIndex.match`` adds it."""
    if not len(q):
        return
    if note is None:
        note = np.zeros(len(q), dtype=np.int64)
    parts = [
        (note.astype(np.int64), len(notes) + 1),
        (level.astype(np.int64), len(LEVELS)),
        (fast.country[q].astype(np.int64) + 1, len(fast.country_values) + 1),
        (d.country_codes[row].astype(np.int64) + 1, len(d.country_values) + 1),
        (fast.doc_type[q].astype(np.int64) + 1, len(fast.type_values) + 1),
        (d.type_codes[row].astype(np.int64) + 1, len(d.type_values) + 1),
    ]
    combined = np.zeros(len(q), dtype=np.int64)
    for codes, size in parts:
        combined = combined * size + codes
    distinct, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    scores = np.empty(len(distinct), dtype=np.float64)
    reasons = np.empty(len(distinct), dtype=np.int32)
    for u, j in enumerate(first.tolist()):
        r = int(row[j])
        asked_c = fast.country_values[c] if (c := int(fast.country[q[j]])) >= 0 else None
        asked_t = fast.type_values[t] if (t := int(fast.doc_type[q[j]])) >= 0 else None
        score, why = document_score(
            LEVELS[int(level[j])], asked_c, d.country_of(r), asked_t, d.type_of(r)
        )
        if n := int(note[j]):
            why = (*why, notes[n - 1])
        scores[u] = score
        reasons[u] = pool.reason(why)
    pool.add_arrays(q, pool.dataset("documents"), row, level, scores[inverse], reasons[inverse])


def _np(arr: pa.Array) -> np.ndarray:
    out: np.ndarray = np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return out


# -- candidates, selection and the result table ---------------------------------------


class _Pool:
    """Every candidate of the batch as columns: query, dataset, row, level, score,
    reasons (an index into the distinct reason tuples), and the severity its matcher
    decided (``TOLD``'s code; 0 for none: decided from its reasons, as check() does).
    Its order is the order in which check() would see the candidates of each query."""

    def __init__(self, datasets: list[str]) -> None:
        self.datasets = datasets  # sorted, so codes order like the names
        self._codes = {name: i for i, name in enumerate(datasets)}
        self.reasons: list[tuple[str, ...]] = []
        self._reason_ids: dict[tuple[str, ...], int] = {}
        self._arrays: list[tuple[np.ndarray, ...]] = []
        self._py: list[tuple[int, int, int, int, float, int, int]] = []
        self.qualified: set[int] = set()  # queries whose wanted persons holder fields qualified

    def dataset(self, name: str) -> int:
        return self._codes[name]

    def reason(self, why: tuple[str, ...]) -> int:
        got = self._reason_ids.get(why)
        if got is None:
            got = self._reason_ids[why] = len(self.reasons)
            self.reasons.append(why)
        return got

    def add(self, q: int, candidates: list[Candidate]) -> None:
        for c in candidates:
            self._py.append(
                (
                    q,
                    self._codes[c.dataset],
                    c.row,
                    LEVEL_CODE[c.match],
                    c.score,
                    self.reason(tuple(c.reasons)),
                    TOLD.index(c.severity),
                )
            )

    def add_arrays(self, *columns: np.ndarray | int) -> None:
        """Candidates as columns, up to reasons: no severity told (from the reasons)."""
        n = len(np.asarray(columns[0]))
        self._flush()
        self._arrays.append(tuple(np.broadcast_to(c, n) for c in (*columns, 0)))

    def _flush(self) -> None:
        if self._py:
            cols = list(zip(*self._py, strict=True))
            self._arrays.append(tuple(np.array(c) for c in cols))
            self._py = []

    def columns(self) -> tuple[np.ndarray, ...]:
        self._flush()
        dtypes = (np.int64, np.int8, np.int64, np.int8, np.float64, np.int32, np.int8)
        if not self._arrays:
            return tuple(np.zeros(0, dtype=t) for t in dtypes)
        return tuple(
            np.concatenate([np.asarray(a[k], dtype=t) for a in self._arrays])
            for k, t in enumerate(dtypes)
        )


# A candidate's own severity, as _Pool holds it: 0 when its matcher told none.
TOLD: tuple[str | None, ...] = (None, "alarm", "possible")


def _select(pool: _Pool, *, limit: int, min_score: float) -> tuple[np.ndarray, ...]:
    """``engine.select`` over every query at once: per query, the best candidate per
    record (the first of equal best scores), at least ``min_score``, ordered by
    (alarm first, -score, level, dataset, row), ``limit`` at most.  Returns the chosen
    candidates' columns (severity told included) ordered by query then rank, each
    one's rank, and last the query of every candidate ``limit`` left out."""
    q, ds, row, level, score, reason, told = pool.columns()
    keep = np.flatnonzero(score >= min_score)
    q, ds, row, level, score, reason, told = (
        a[keep] for a in (q, ds, row, level, score, reason, told)
    )
    if len(q):
        # best per (query, dataset, row): highest score, first seen among equals
        order = np.lexsort((np.arange(len(q)), -score, row, ds, q))
        q, ds, row, level, score, reason, told = (
            a[order] for a in (q, ds, row, level, score, reason, told)
        )
        first = np.ones(len(q), dtype=bool)
        first[1:] = (q[1:] != q[:-1]) | (ds[1:] != ds[:-1]) | (row[1:] != row[:-1])
        q, ds, row, level, score, reason, told = (
            a[first] for a in (q, ds, row, level, score, reason, told)
        )
        # alarms first, as engine.select: limit= never cuts an alarm below a possible hit
        possible = ~_alarms(pool, ds, level, score, reason, told)
        order = np.lexsort((row, ds, level, -score, possible, q))
        q, ds, row, level, score, reason, told = (
            a[order] for a in (q, ds, row, level, score, reason, told)
        )
    rank = _rank(q)
    keep = np.flatnonzero(rank < limit)
    # the queries whose limit left hits out, once per hit left out
    chosen = (a[keep] for a in (q, ds, row, level, score, reason, told, rank))
    return (*chosen, q[rank >= limit])


def _alarms(  # noqa: PLR0917 - the pool's columns, one caller
    pool: _Pool,
    ds: np.ndarray,
    level: np.ndarray,
    score: np.ndarray,
    reason: np.ndarray,
    told: np.ndarray,
) -> np.ndarray:
    """Whether each candidate is an alarm, as check() decides it (its matcher's own
    severity, else from its reasons): one per candidate left after the best-per-record
    step, and candidates are rare next to rows."""
    out = np.zeros(len(ds), dtype=bool)
    for i in range(len(ds)):
        severity = TOLD[int(told[i])] or severity_from_reasons(
            pool.datasets[int(ds[i])],
            LEVELS[int(level[i])],
            float(score[i]),
            pool.reasons[int(reason[i])],
        )
        out[i] = severity == "alarm"
    return out


def _rank(q: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of the sorted ``q``."""
    if not len(q):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    run = np.diff(np.r_[starts, len(q)])
    rank: np.ndarray = np.arange(len(q)) - np.repeat(starts, run)
    return rank


def _assemble(  # noqa: PLR0917 - private, called once
    state: _State,
    table: pa.Table,
    n: int,
    pool: _Pool,
    warnings: dict[int, list[str]],
    errors: dict[int, str],
    *,
    limit: int,
    min_score: float,
    searched: pa.Array | None = None,
) -> pa.Table:
    q, ds, row, level, score, reason, told, rank, over = _select(
        pool, limit=limit, min_score=min_score
    )
    if len(over):
        left, count = np.unique(over, return_counts=True)
        for i, k in zip(left.tolist(), count.tolist(), strict=True):
            warnings[i] = [*warnings.get(i, []), omitted_note(k, limit)]
    # One row per chosen candidate, one null row per query without any.
    per_query = np.maximum(np.bincount(q, minlength=n), 1)
    out_n = int(per_query.sum())
    start = np.cumsum(per_query) - per_query
    src = np.full(out_n, -1, dtype=np.int64)
    src[start[q] + rank] = np.arange(len(q))
    miss = src < 0
    if out_n == n:
        out_q = np.arange(n, dtype=np.int64)
        echoed = table
    else:
        out_q = np.repeat(np.arange(n, dtype=np.int64), per_query)
        echoed = table.take(pa.array(out_q)) if table.num_columns else table
    spread = pa.array(src, mask=miss) if len(q) else None

    def hit_column(values: pa.Array, typ: pa.DataType) -> pa.Array:
        if spread is None:
            return pa.nulls(out_n, typ)
        return values.take(spread)

    record_ids = _record_ids(state, pool.datasets, ds, row)
    reasons_type = RESULT_COLUMNS.field("reasons").type
    severity, action = batch_decisions(
        state.tables,
        pool.datasets,
        ds,
        row,
        [LEVELS[i] for i in level.tolist()],
        score,
        [pool.reasons[i] for i in reason.tolist()],
        [TOLD[i] for i in told.tolist()],
    )
    columns: dict[str, pa.Array] = {
        "query_index": pa.array(out_q),
        "hit": pa.array(~miss),
        "dataset": hit_column(pa.array(pool.datasets, pa.string()).take(pa.array(ds)), pa.string()),
        "record_id": hit_column(record_ids, pa.string()),
        "match": hit_column(pa.array(LEVELS, pa.string()).take(pa.array(level)), pa.string()),
        "score": hit_column(pa.array(score, pa.float64()), pa.float64()),
        "reasons": hit_column(
            pa.array([list(r) for r in pool.reasons], reasons_type).take(pa.array(reason)),
            reasons_type,
        ),
        "severity": hit_column(severity, pa.string()),
        "action": hit_column(action, pa.string()),
        "warnings": _per_query(warnings, out_q, [], RESULT_COLUMNS.field("warnings").type),
        "error": _per_query(errors, out_q, None, pa.string()),
        "searched": (
            pa.nulls(out_n, RESULT_COLUMNS.field("searched").type)
            if searched is None
            else searched.take(pa.array(out_q))
        ),
    }
    fields = [RESULT_COLUMNS.field("query_index")]
    fields += [pa.field(name, echoed.schema.field(name).type) for name in echoed.column_names]
    fields += [f for f in RESULT_COLUMNS if f.name != "query_index"]
    arrays = [columns["query_index"]]
    arrays += [echoed.column(name) for name in echoed.column_names]
    arrays += [columns[f.name] for f in RESULT_COLUMNS if f.name != "query_index"]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _record_ids(state: _State, datasets: list[str], ds: np.ndarray, row: np.ndarray) -> pa.Array:
    """The record_id of each (dataset code, row)."""
    parts: list[pa.Array] = []
    where: list[np.ndarray] = []
    for code, name in enumerate(datasets):
        pos = np.flatnonzero(ds == code)
        if len(pos):
            ids = state.tables[name].column("record_id").take(pa.array(row[pos]))
            parts.append(ids.combine_chunks().cast(pa.string()))
            where.append(pos)
    if not parts:
        return pa.array([], pa.string())
    ids = pa.concat_arrays(parts)
    return ids.take(pa.array(np.argsort(np.concatenate(where), kind="stable")))


def _per_query(values: dict[int, Any], out_q: np.ndarray, default: Any, typ: pa.DataType) -> Any:
    """A column holding ``values[q]`` (``default``, None or an empty list, for the
    other queries) on every output row of query q."""
    if not values:
        if default is None:
            return pa.nulls(len(out_q), typ)
        empty = np.zeros(len(out_q) + 1, dtype=np.int32)  # an empty list on every row
        return pa.ListArray.from_arrays(pa.array(empty), pa.array([], typ.value_type))
    queries = np.fromiter(values, dtype=np.int64, count=len(values))
    code = np.full(int(out_q.max()) + 1, -1, dtype=np.int64)
    code[queries] = np.arange(len(queries))
    idx = code[out_q]
    table = pa.array(list(values.values()), typ)
    if default is None:
        return table.take(pa.array(idx, mask=idx < 0))
    table = pa.concat_arrays([table, pa.array([default], typ)])
    return table.take(pa.array(np.where(idx < 0, len(queries), idx)))
