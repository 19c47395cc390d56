"""``check_many``: a whole manifest or ANPR log at once.

Plain document checks (a number, with or without issuing country and type) go
through vectorised Arrow / numpy joins against the document index
(:mod:`hotlist._batch_docs`); everything else (MRZ, VIN, plates, persons, the
fields of registered kinds) runs per query through the very function ``check()``
uses (:func:`hotlist._query.answer`), so the two always agree.  A query that
``check()`` would refuse gets its message in the ``error`` column and the rest
of the batch goes on: nothing is lost.  The input is read by
:mod:`hotlist._batch_input`, the candidates selected by :mod:`hotlist._batch_pool`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from hotlist import names
from hotlist._batch_arrays import lists_at, repeat_rows, scatter, take_rows
from hotlist._batch_docs import FastDocuments, documents_vectorised, holder_not_used, holder_rows
from hotlist._batch_input import Input, QueryInput, bool_mask, read_input, to_table
from hotlist._batch_pool import RESULT_COLUMNS, TOLD, Pool, select_columns
from hotlist._batch_workers import SnapshotOf, answer_rows, check_workers
from hotlist._coverage import FIELD_LISTS
from hotlist._decisions import batch_decisions
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE, check_options
from hotlist._ranking import LEVELS, omitted_note
from hotlist.fields import field_names

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = ["RESULT_COLUMNS", "Input", "QueryInput", "check_many", "read_input", "to_table"]


def check_many(
    state: State,
    queries: QueryInput,
    *,
    columns: Mapping[str, str | None] | None = None,
    limit: int | None = None,
    min_score: float | None = None,
    max_edits: int | None = None,
    name_threshold: float | None = None,
    workers: int | None = None,
    snapshot: SnapshotOf | None = None,
) -> pa.Table:
    """Check every row of ``queries``: one ``check()`` per row, answered in bulk.

    ``queries``: an Arrow table or record batch, a pandas or polars DataFrame, a
    DuckDB relation, anything with ``__arrow_c_stream__``, or a list of dicts.
    Columns named like a query field of the one table (:mod:`hotlist.fields`:
    ``check()``'s keywords document, country, document_type, mrz, vin, plate,
    name, family_name, given_names, dob, nationality, sex, and the fields of
    registered kinds, which ``check()`` takes as ``extra=``) are the query;
    ``columns`` maps other names to fields (``{"doc_no": "document"}``; a
    field-named column mapped to ``None`` is only passed through).  Every other
    column (``passenger_id``, ``flight``...) passes through unchanged to each
    output row of its query.

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

    ``workers`` (default 1): processes that check the per-query rows (names,
    MRZ, VIN, plates), this one included; see :mod:`hotlist._batch_workers` for
    how the others get the data (the snapshot the Hotlist was opened from, else
    a temporary one written once, through ``snapshot``, which the Hotlist
    passes).  The result is the same for any number.  Identical query rows are
    answered once.
    """
    limit = DEFAULT_LIMIT if limit is None else limit
    min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
    max_edits = DEFAULT_MAX_EDITS if max_edits is None else max_edits
    check_options(limit, min_score, max_edits, name_threshold)
    processes = check_workers(workers)
    threshold = names.MATCH_THRESHOLD if name_threshold is None else name_threshold

    got = read_input(queries, columns)
    n = got.n
    cols = got.fields

    pool = Pool(sorted(state.tables))
    warnings: dict[int, list[str]] = {i: list(notes) for i, notes in got.notes.items()}
    errors: dict[int, str] = dict(got.errors)

    fast = FastDocuments.of(cols, n)
    if fast.rows.any():
        holder = holder_rows(cols, fast.rows, warnings)
        documents_vectorised(state, fast, pool, max_edits=max_edits, holder=holder)
        holder_not_used(state, holder, pool, warnings)
    # Everything else, one query at a time, through check()'s own code path.
    slow = np.flatnonzero(~fast.rows)
    if len(slow) and errors:
        slow = slow[~np.isin(slow, np.fromiter(errors, dtype=np.int64, count=len(errors)))]
    if len(slow):
        take = pa.array(slow)
        # check()'s keyword order (the table's), so that a query with several bad
        # values reports the same one check() reports
        values = {c: cols[c].take(take).to_pylist() for c in field_names() if c in cols}
        queries = [
            {c: v[k] for c, v in values.items() if v[k] is not None} for k in range(len(slow))
        ]
        answers = answer_rows(
            state,
            queries,
            max_edits=max_edits,
            name_threshold=threshold,
            workers=processes,
            snapshot=snapshot,
        )
        for i, ans in zip(slow.tolist(), answers, strict=True):
            if isinstance(ans, str):
                errors[i] = ans
                continue
            found, warned = ans
            pool.add_told(i, found)
            if warned:
                warnings.setdefault(i, []).extend(warned)

    searched = _searched(state, cols, n, errors, fast.rows, warnings)
    return _assemble(
        state,
        got.echo_table(),
        n,
        pool,
        warnings,
        errors,
        limit=limit,
        min_score=min_score,
        searched=searched,
    )


def _searched(  # noqa: PLR0917 - private, one caller
    state: State,
    cols: Mapping[str, pa.Array],
    n: int,
    errors: Mapping[int, str],
    fast_rows: np.ndarray,
    warnings: dict[int, list[str]],
) -> tuple[list[list[str]], np.ndarray]:
    """Per query the lists it was searched in (none for an error row), as check()'s
    ``searched``: the distinct lists and each query's number among them; the
    not-checked warnings of the fast document rows are added to ``warnings``
    (the other rows got theirs from check()'s own path)."""
    coverage = state.coverage
    notes = coverage.document[1]
    if notes:
        for i in np.flatnonzero(fast_rows).tolist():
            warnings.setdefault(i, []).extend(notes)
    fields = [f for f in FIELD_LISTS if f in cols]
    code = np.zeros(n, dtype=np.int64)
    for bit, f in enumerate(fields):
        code |= bool_mask(cols[f].is_valid()).astype(np.int64) << bit
    if errors:
        code[np.fromiter(errors, dtype=np.int64, count=len(errors))] = -1
    # np.unique of the few small codes (-1 .. 2**len(fields) - 1) without a sort
    seen = np.bincount(code + 1, minlength=1)
    distinct = np.flatnonzero(seen) - 1
    number = np.zeros(len(seen), dtype=np.int64)
    number[distinct + 1] = np.arange(len(distinct))
    lists = [
        [] if c < 0 else list(coverage.of(f for bit, f in enumerate(fields) if c >> bit & 1)[0])
        for c in distinct.tolist()
    ]
    return lists, number[code + 1]


def _assemble(  # noqa: PLR0917 - private, called once
    state: State,
    table: pa.Table,
    n: int,
    pool: Pool,
    warnings: dict[int, list[str]],
    errors: dict[int, str],
    *,
    limit: int,
    min_score: float,
    searched: tuple[list[list[str]], np.ndarray] | None = None,
) -> pa.Table:
    chosen = select_columns(pool, limit=limit, min_score=min_score)
    q, ds, row, level = chosen.q, chosen.ds, chosen.row, chosen.level
    score, reason, rank, over = chosen.score, chosen.reason, chosen.rank, chosen.over
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
        echoed = repeat_rows(table, per_query) if table.num_columns else table
    hit_rows = np.flatnonzero(~miss)
    hit_of = pa.array(src[hit_rows])

    def hit_column(values: pa.Array, typ: pa.DataType) -> pa.Array:
        if not len(q):
            return pa.nulls(out_n, typ)
        return scatter(values.take(hit_of), hit_rows, out_n)

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
        [TOLD[i] for i in chosen.severity.tolist()],  # decided once, by select_columns
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
            else lists_at(searched[0], searched[1][out_q], RESULT_COLUMNS.field("searched").type)
        ),
    }
    fields = [RESULT_COLUMNS.field("query_index")]
    fields += [pa.field(name, echoed.schema.field(name).type) for name in echoed.column_names]
    fields += [f for f in RESULT_COLUMNS if f.name != "query_index"]
    arrays = [columns["query_index"]]
    arrays += [echoed.column(name) for name in echoed.column_names]
    arrays += [columns[f.name] for f in RESULT_COLUMNS if f.name != "query_index"]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _record_ids(state: State, datasets: list[str], ds: np.ndarray, row: np.ndarray) -> pa.Array:
    """The record_id of each (dataset code, row)."""
    parts: list[pa.Array] = []
    where: list[np.ndarray] = []
    for code, name in enumerate(datasets):
        pos = np.flatnonzero(ds == code)
        if len(pos):
            ids = take_rows(state.tables[name].column("record_id"), row[pos])
            parts.append(ids.cast(pa.string()))
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
