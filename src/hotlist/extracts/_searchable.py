"""Whether ``check()`` can find a listed key: the loader asks the query side itself.

A key value (a document number, a VIN, a plate, a name) is loaded only when
``Hotlist.check()`` would accept that very value and build the same key from it
as the index does.  The answer comes from the functions ``check()`` calls: the
boundary check of every query value (``hotlist.fields.clean``: length, control
characters, blank), then ``docnum.validate``, ``vin.search_key``,
``plate.validate(plate.compact(...))`` or ``names.normalize``.  Nothing here
restates their rules, so the two sides cannot drift apart.

Speed: the common value (ASCII letters, digits and separators, short enough) is
accepted by a vectorised test that is a strict subset of what the query side
accepts; every other distinct value is put to the query-side function itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import names
from hotlist._errors import InvalidQuery
from hotlist.fields import clean, field
from hotlist.ids import docnum, plate, vin
from hotlist.index._arrow import StringColumn
from hotlist.index._scan import ASCII_ALNUM, rows_within

__all__ = ["KeyKind", "query_problem", "unsearchable"]

KeyKind = Literal["document", "vin", "plate", "name"]

# The check() keyword each kind is asked under (its length limit and boundary checks).
_KEYWORD: dict[KeyKind, str] = {
    "document": "document",
    "vin": "vin",
    "plate": "plate",
    "name": "name",
}


def _name_key(value: str) -> None:
    if not names.normalize(value):
        raise InvalidQuery(f"name {value!r} has no letters that can be compared")


def _document_key(value: str) -> None:
    docnum.validate(value)


def _vin_key(value: str) -> None:
    vin.search_key(value)


def _plate_key(value: str) -> None:
    plate.validate(plate.compact(value))


_KEY: dict[KeyKind, Callable[[str], None]] = {
    "document": _document_key,
    "vin": _vin_key,
    "plate": _plate_key,
    "name": _name_key,
}


def query_problem(kind: KeyKind, value: str) -> str | None:
    """Why ``check(<kind>=value)`` would refuse ``value``, or None when it takes it."""
    try:
        cleaned = clean(_KEYWORD[kind], value)
        if cleaned is None:
            return "empty"
        _KEY[kind](cleaned)
    except InvalidQuery as e:
        return str(e)
    return None


def _fast_ok(kind: KeyKind, values: pa.Array, limit: int) -> np.ndarray:
    """Rows surely accepted by the query side (a strict subset; the rest is asked).

    First the common value, letters and digits only, by one regex; then the values
    with separators by their compacted form (ASCII, no control character)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if kind == "name":
        # ASCII letters (at least one) with blanks and name punctuation: normalize()
        # keeps the letters, so check() takes it
        pattern = f"^[A-Za-z ,.'-]{{0,{limit - 1}}}[A-Za-z][A-Za-z ,.'-]*$"
        plain_name = pc.and_(
            pc.match_substring_regex(values, pattern), pc.less_equal(pc.utf8_length(values), limit)
        )
        return np.asarray(plain_name.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    longest = {"document": docnum.MAX_LENGTH, "plate": plate.MAX_LENGTH, "vin": 17}[kind]
    shortest = 6 if kind == "vin" else 1
    # ^[A-Za-z0-9]{shortest,longest}$ in one compiled pass (hotlist.index._scan)
    ok = rows_within(StringColumn.of(values), ASCII_ALNUM, shortest, longest)
    rest = np.nonzero(~ok & np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False)))[0]
    if rest.size == 0:
        return ok
    sub = values.take(pa.array(rest))
    good = pc.and_(
        pc.string_is_ascii(sub),
        pc.invert(pc.match_substring_regex(sub, r"[\x00-\x1f\x7f]")),
    )
    good = pc.and_(good, pc.less_equal(pc.utf8_length(sub), limit))
    if kind == "vin":
        length = pc.utf8_length(vin.compact_array(sub))
        good = pc.and_(good, pc.and_(pc.greater_equal(length, 6), pc.less_equal(length, 17)))
    else:
        key = (docnum if kind == "document" else plate).compact_array(sub)
        good = pc.and_(good, pc.match_substring_regex(key, f"^[A-Z0-9]{{1,{longest}}}$"))
    ok[rest] = np.asarray(good.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return ok


def unsearchable(kind: KeyKind, values: pa.Array) -> tuple[np.ndarray, dict[str, str]]:
    """The rows of ``values`` (trimmed text, null where missing) that ``check()`` could
    never find by their own value, and the reason for each such distinct value."""
    n = len(values)
    present = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    ok = _fast_ok(kind, values, field(_KEYWORD[kind]).max_length)
    ask = present & ~ok
    bad = np.zeros(n, dtype=bool)
    reasons: dict[str, str] = {}
    if not ask.any():
        return bad, reasons
    where = np.nonzero(ask)[0]
    asked = values.take(pa.array(where))
    enc = pc.dictionary_encode(asked)
    distinct = enc.dictionary.to_pylist()
    verdict = [query_problem(kind, v) for v in distinct]
    refused = np.array([r is not None for r in verdict] + [False], dtype=bool)
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    bad[where[refused[codes]]] = True
    reasons = {v: r for v, r in zip(distinct, verdict, strict=True) if r is not None}
    return bad, reasons


def reason_for(kind: KeyKind, reasons: dict[str, str]) -> Callable[[str | None], str]:
    """The RowProblem reason of a refused value."""
    what = {"document": "document number", "vin": "VIN", "plate": "plate", "name": "name"}[kind]

    def reason(value: str | None) -> str:
        why = reasons.get(value or "", "refused")
        return f"{what} that check() can never match: {why}"

    return reason
