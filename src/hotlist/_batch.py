"""``check_many``: a whole manifest or ANPR log at once.

Plain document checks (a number, with or without issuing country and type) go
through vectorised Arrow / numpy joins against the document index; everything
else (MRZ, VIN, plates, persons, and the one-edit search) runs per query through
the very function ``check()`` uses, so the two always agree.  A query that
``check()`` would refuse gets its message in the ``error`` column and the rest
of the batch goes on: nothing is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import names
from hotlist._documents import Candidate, document_score
from hotlist._errors import HotlistError, InvalidQuery
from hotlist.ids import country as country_ids
from hotlist.ids import docnum

if TYPE_CHECKING:
    from hotlist.engine import _State

__all__ = ["RESULT_COLUMNS", "check_many", "to_table"]

RESULT_COLUMNS = pa.schema(
    [
        pa.field("query_index", pa.int64(), nullable=False),
        pa.field("hit", pa.bool_(), nullable=False),
        pa.field("dataset", pa.string()),
        pa.field("record_id", pa.string()),
        pa.field("match", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("reasons", pa.list_(pa.string())),
        pa.field("warnings", pa.list_(pa.string())),
        pa.field("error", pa.string()),
    ]
)
_DOC_ONLY = frozenset({"document", "country", "document_type"})


def to_table(queries: Any) -> pa.Table:
    """Arrow table, pandas or polars DataFrame, record batch, or a list of dicts -> Arrow."""
    if isinstance(queries, pa.Table):
        return queries
    if isinstance(queries, pa.RecordBatch):
        return pa.Table.from_batches([queries])
    if isinstance(queries, list | tuple):
        if not all(isinstance(q, dict) for q in queries):
            raise InvalidQuery("check_many() takes a table or a list of dicts of check() keywords")
        # Every key of every dict (from_pylist would keep only the first dict's keys).
        names = list(dict.fromkeys(k for q in queries for k in q))
        return pa.table({k: [q.get(k) for q in queries] for k in names})
    module = type(queries).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(queries, preserve_index=False)
    if module == "polars":
        table: pa.Table = queries.to_arrow()
        return table
    if hasattr(queries, "__arrow_c_stream__"):
        return pa.table(queries)
    raise InvalidQuery(
        f"check_many() takes an Arrow table, a pandas or polars DataFrame or a list of dicts, "
        f"not {type(queries).__name__}"
    )


def _as_text_column(table: pa.Table, name: str) -> pa.Array:
    col = table.column(name)
    col = col.combine_chunks() if col.num_chunks else pa.array([], pa.string())
    if pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    if pa.types.is_date(col.type):
        return col.cast(pa.string())
    if pa.types.is_null(col.type):
        return pa.nulls(len(col), pa.string())
    if not pa.types.is_string(col.type):
        if pa.types.is_large_string(col.type):
            return col.cast(pa.string())
        raise InvalidQuery(f"check_many(): column {name!r} must hold text, not {col.type}")
    return col


def check_many(
    state: _State,
    queries: Any,
    *,
    limit: int | None = None,
    min_score: float | None = None,
    max_edits: int | None = None,
    name_threshold: float | None = None,
) -> pa.Table:
    """Check every row of ``queries`` (columns named like ``check()``'s keywords).

    Returns an Arrow table with one row per (query, hit): the query's columns,
    ``query_index`` (the row number in ``queries``), ``hit``, ``dataset``,
    ``record_id``, ``match``, ``score``, ``reasons``, ``warnings`` and ``error``.
    A query without a hit appears once with nulls in the hit columns.  Options
    and their defaults are ``check()``'s.  ``.to_pandas()`` or
    ``polars.from_arrow()`` turn the result into a DataFrame.
    """
    from hotlist.engine import (
        CHECK_FIELDS,
        DEFAULT_LIMIT,
        DEFAULT_MAX_EDITS,
        DEFAULT_MIN_SCORE,
        _check_options,
        answer,
        select,
    )

    limit = DEFAULT_LIMIT if limit is None else limit
    min_score = DEFAULT_MIN_SCORE if min_score is None else min_score
    max_edits = DEFAULT_MAX_EDITS if max_edits is None else max_edits
    _check_options(limit, min_score, max_edits, name_threshold)
    threshold = names.MATCH_THRESHOLD if name_threshold is None else name_threshold

    table = to_table(queries)
    unknown = [c for c in table.column_names if c not in CHECK_FIELDS]
    if unknown:
        raise InvalidQuery(
            f"check_many(): unknown column(s) {', '.join(map(repr, unknown))}; "
            f"columns are check() keywords: {', '.join(CHECK_FIELDS)}"
        )
    n = table.num_rows
    cols = {c: _as_text_column(table, c) for c in table.column_names}

    per_query: list[list[Candidate]] = [[] for _ in range(n)]
    warnings: list[list[str]] = [[] for _ in range(n)]
    errors: list[str | None] = [None] * n

    fast = _fast_document_rows(cols, n)
    if fast.any():
        _documents_vectorised(state, cols, fast, per_query, max_edits=max_edits)
    # Everything else, one query at a time, through check()'s own code path.
    present = {c: cols[c].is_valid().to_numpy(zero_copy_only=False) for c in cols}
    pylists = {c: cols[c].to_pylist() for c in cols}
    for i in np.flatnonzero(~fast).tolist():
        query = {c: pylists[c][i] for c in cols if present[c][i]}
        try:
            per_query[i], warnings[i] = answer(
                state, query, max_edits=max_edits, name_threshold=threshold
            )
        except HotlistError as exc:
            errors[i] = str(exc)

    echoed = pa.table(cols) if cols else pa.table({})
    return _assemble(state, echoed, per_query, warnings, errors, select, limit, min_score)


def _fast_document_rows(cols: dict[str, pa.Array], n: int) -> np.ndarray:
    """Rows that are a plain, valid document check: the vectorised path takes them."""
    if "document" not in cols:
        return np.zeros(n, dtype=bool)
    ok = cols["document"].is_valid().to_numpy(zero_copy_only=False).copy()
    for name, col in cols.items():
        if name not in _DOC_ONLY:
            ok &= ~col.is_valid().to_numpy(zero_copy_only=False)
    doc = cols["document"]
    ok &= _np(pc.less_equal(pc.utf8_length(doc), 64))
    ok &= ~_np(pc.match_substring_regex(doc, r"[\x00-\x1f\x7f-\x9f]"))
    compact = docnum.compact_array(doc)
    ok &= _np(pc.match_substring_regex(compact, r"^[A-Z0-9]{1,20}$"))
    # A country or type that check() would refuse sends the row to the slow path,
    # which reports the error exactly as check() words it.
    checks: tuple[tuple[str, Any], ...] = (
        ("country", country_ids.lookup),
        ("document_type", _document_type),
    )
    for name, normalise in checks:
        if name in cols:
            ok &= _codes(cols[name], normalise)[1]
    result: np.ndarray = ok
    return result


def _document_type(value: str) -> str | None:
    from hotlist.engine import normalize_value

    return normalize_value("document_type", value)


def _np(arr: pa.Array) -> np.ndarray:
    out: np.ndarray = np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return out


def _codes(col: pa.Array, normalise: Any) -> tuple[list[str | None], np.ndarray]:
    """Canonical value per row (None when absent) and whether each row is usable."""
    stripped = pc.utf8_trim_whitespace(col)
    encoded = stripped.dictionary_encode()
    canon = []
    for v in encoded.dictionary.to_pylist():
        try:
            canon.append(normalise(v) if v else None)
        except HotlistError:
            canon.append(None)
    idx = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = encoded.is_valid().to_numpy(zero_copy_only=False)
    good = np.array([c is not None for c in canon] + [True], dtype=bool)
    usable = np.where(valid, good[np.where(valid, idx, len(canon))], True)
    values = [canon[j] if v else None for j, v in zip(idx.tolist(), valid.tolist(), strict=True)]
    return values, usable


def _documents_vectorised(
    state: _State,
    cols: dict[str, pa.Array],
    fast: np.ndarray,
    per_query: list[list[Candidate]],
    *,
    max_edits: int,
) -> None:
    rows_q = np.flatnonzero(fast)
    doc = cols["document"].take(pa.array(rows_q))
    compact = docnum.compact_array(doc)
    keys = docnum.ocr_key_array(compact)
    n_fast = len(rows_q)
    asked_country: list[str | None] = [None] * n_fast
    asked_type: list[str | None] = [None] * n_fast
    if "country" in cols:
        values, _ = _codes(cols["country"].take(pa.array(rows_q)), country_ids.lookup)
        asked_country = values
    if "document_type" in cols:
        values, _ = _codes(
            cols["document_type"].take(pa.array(rows_q)),
            _document_type,
        )
        asked_type = values

    d = state.documents
    qi, rec = d.index.lookup_many(keys)
    if len(qi):
        listed = docnum.compact_array(d.numbers.take(pa.array(rec)))
        exact = _np(pc.equal(listed, compact.take(pa.array(qi))))
        for j, row, is_exact in zip(qi.tolist(), rec.tolist(), exact.tolist(), strict=True):
            level = "exact" if is_exact else "ocr"
            score, reasons = document_score(
                level, asked_country[j], d.country_of(row), asked_type[j], d.type_of(row)
            )
            per_query[rows_q[j]].append(Candidate("documents", row, level, score, reasons))
    pd = state.person_documents
    pqi, _ = pd.index.lookup_many(keys)
    compact_list = compact.to_pylist()
    for j in sorted(set(pqi.tolist())):
        per_query[rows_q[j]].extend(pd.match(compact_list[j]))
    if max_edits >= 1:
        key_list = keys.to_pylist()
        for j in range(n_fast):
            near = d.index.within_one_edit(key_list[j])
            for row in near.tolist():
                level = d.level_of(row, compact_list[j], key_list[j])
                if level != "edit":
                    continue  # found above already
                score, reasons = document_score(
                    level, asked_country[j], d.country_of(row), asked_type[j], d.type_of(row)
                )
                per_query[rows_q[j]].append(Candidate("documents", row, level, score, reasons))


def _assemble(  # noqa: PLR0917 - private, called once
    state: _State,
    table: pa.Table,
    per_query: list[list[Candidate]],
    warnings: list[list[str]],
    errors: list[str | None],
    select: Any,
    limit: int,
    min_score: float,
) -> pa.Table:
    q_index: list[int] = []
    datasets: list[str | None] = []
    rows: list[int] = []
    match: list[str | None] = []
    score: list[float | None] = []
    reasons: list[list[str] | None] = []
    warn: list[list[str]] = []
    err: list[str | None] = []
    for i, cands in enumerate(per_query):
        chosen = select(cands, limit=limit, min_score=min_score) if cands else []
        if not chosen:
            q_index.append(i)
            datasets.append(None)
            rows.append(-1)
            match.append(None)
            score.append(None)
            reasons.append(None)
            warn.append(warnings[i])
            err.append(errors[i])
            continue
        for c in chosen:
            q_index.append(i)
            datasets.append(c.dataset)
            rows.append(c.row)
            match.append(c.match)
            score.append(c.score)
            reasons.append(list(c.reasons))
            warn.append(warnings[i])
            err.append(errors[i])
    record_ids: list[str | None] = [None] * len(rows)
    ds_arr = np.array([d or "" for d in datasets])
    row_arr = np.asarray(rows, dtype=np.int64)
    for name in ("documents", "vehicles", "persons"):
        pos = np.flatnonzero(ds_arr == name)
        if len(pos):
            ids = state.tables[name].column("record_id").take(pa.array(row_arr[pos])).to_pylist()
            for p, rid in zip(pos.tolist(), ids, strict=True):
                record_ids[p] = rid
    idx = pa.array(q_index, pa.int64())
    echoed = table.take(idx) if table.num_columns else pa.table({})
    result = pa.table(
        {
            "query_index": idx,
            "hit": pa.array([d is not None for d in datasets], pa.bool_()),
            "dataset": pa.array(datasets, pa.string()),
            "record_id": pa.array(record_ids, pa.string()),
            "match": pa.array(match, pa.string()),
            "score": pa.array(score, pa.float64()),
            "reasons": pa.array(reasons, pa.list_(pa.string())),
            "warnings": pa.array(warn, pa.list_(pa.string())),
            "error": pa.array(err, pa.string()),
        },
        schema=RESULT_COLUMNS,
    )
    for name in reversed(echoed.column_names):
        result = result.add_column(1, name, echoed.column(name))
    return result
