"""``check_many``'s plain document checks, vectorised: a number with or without its
issuing country and type (and the holder's fields), as Arrow / numpy joins
against the documents index, with no Python per row on a miss.

Every rule comes from the scalar path it mirrors: the byte tables from
``docnum.compact`` / ``docnum.ocr_key``, the country and type from the fields'
normalisers (once per distinct value), the score from ``document_score``, the
holder from :mod:`hotlist._holder`; ``tests/engine/test_batch_property.py``
holds the two paths equal.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._batch_input import bool_mask
from hotlist._batch_pool import Pool
from hotlist._decisions import ocr_letter_reason, ocr_letter_swaps
from hotlist._documents import DocumentIndex, document_score
from hotlist._errors import HotlistError, InvalidQuery
from hotlist._holder import HOLDER_FIELDS, holder_text, holder_value, qualify_holder
from hotlist._normalise import country_code, in_vocabulary
from hotlist._query import DOCUMENT_ONLY
from hotlist._ranking import LEVELS
from hotlist.fields import clean, field
from hotlist.ids import docnum
from hotlist.index import KeyIndex
from hotlist.index._arrow import StringColumn
from hotlist.index._keyindex import COMPILED

_compiled_map_keys: Any
_compiled_short_codes: Any
try:  # FastDocuments' compiled passes (optional; _map_keys_py / Arrow otherwise)
    from hotlist.index._crc_kernel import map_keys as _compiled_map_keys
    from hotlist.index._crc_kernel import short_codes as _compiled_short_codes
except ImportError:  # pragma: no cover - depends on the build
    _compiled_map_keys = _compiled_short_codes = None
if os.environ.get("HOTLIST_PURE"):
    _compiled_map_keys = _compiled_short_codes = None

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = [
    "FastDocuments",
    "documents_vectorised",
    "holder_not_used",
    "holder_rows",
    "within_one_edit_many",
]

# The fields of a plain document check (hotlist._query.DOCUMENT_ONLY); with the
# holder's fields (which without a name only qualify a wanted person found by the
# document) such rows stay here.
FAST_FIELDS = frozenset(DOCUMENT_ONLY)


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
_KIND_ARRAY, _COMPACT_ARRAY, _OCR_ARRAY = (
    np.frombuffer(t, dtype=np.uint8) for t in (_KIND, _COMPACT_BYTE, _OCR_BYTE)
)


class FastDocuments:
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
    def of(cls, cols: dict[str, pa.Array], n: int) -> FastDocuments:
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
            if name not in FAST_FIELDS and name not in HOLDER_FIELDS and col.null_count < len(col):
                ok &= ~_valid(col)
        if "country" in cols:
            self.country, self.country_values, usable = _codes(cols["country"], _country_code)
            ok &= usable
        if "document_type" in cols:
            self.doc_type, self.type_values, usable = _codes(cols["document_type"], _doc_type)
            ok &= usable

        _, offsets_buf, data_buf = doc.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=np.int32)[doc.offset : doc.offset + n + 1]
        mapped = _map_keys(offsets, data_buf)
        self.rows = ok & mapped.ok
        nulls = n - int(np.count_nonzero(self.rows))
        validity = None if not nulls else pa.py_buffer(np.packbits(self.rows, bitorder="little"))
        self.compact, self.keys = (
            pa.StringArray.from_buffers(n, mapped.offsets, values, validity, nulls)
            for values in (mapped.compact, mapped.keys)
        )
        return self


class _Mapped(NamedTuple):
    """A document column's bytes as ``docnum.compact`` and ``docnum.ocr_key`` make
    them (separators dropped), their shared offsets, and per row whether every
    byte is one check() keeps or drops and the length is one it takes."""

    offsets: pa.Buffer
    compact: pa.Buffer
    keys: pa.Buffer
    ok: np.ndarray


def _map_keys(offsets: np.ndarray, data: pa.Buffer | None) -> _Mapped:
    """:class:`_Mapped` of a string column (its int32 ``offsets``, one more than
    its rows, and ``data`` buffer): compiled (``_crc_kernel.map_keys``, one
    pass over the bytes), else :func:`_map_keys_py`."""
    if _compiled_map_keys is None:
        return _map_keys_py(offsets, data)
    n = len(offsets) - 1
    size = int(offsets[-1] - offsets[0])
    out_offsets = np.empty(n + 1, dtype=np.int32)
    compact = np.empty(size, dtype=np.uint8)
    keys = np.empty(size, dtype=np.uint8)
    ok = np.empty(n, dtype=np.uint8)
    raw = np.zeros(0, np.uint8) if data is None else np.frombuffer(data, dtype=np.uint8)
    _compiled_map_keys(
        offsets, raw, _KIND_ARRAY, _COMPACT_ARRAY, _OCR_ARRAY, 1, docnum.MAX_LENGTH,
        field("document").max_length, out_offsets, compact, keys, ok,
    )  # fmt: skip
    size = int(out_offsets[-1])
    return _Mapped(
        pa.py_buffer(out_offsets),
        pa.py_buffer(compact[:size]),
        pa.py_buffer(keys[:size]),
        ok.view(bool),
    )


def _map_keys_py(offsets: np.ndarray, data: pa.Buffer | None) -> _Mapped:
    """:func:`_map_keys` in ``bytes.translate`` and numpy passes (the reference):
    separators and refused bytes are rare, so they are found by position."""
    n = len(offsets) - 1
    lo, hi = int(offsets[0]), int(offsets[-1])
    data = b"" if data is None else memoryview(data)[lo:hi].tobytes()
    rel = offsets - np.int32(lo)
    kind = np.frombuffer(data.translate(_KIND), dtype=np.uint8)
    odd = np.flatnonzero(kind)
    row_of = np.searchsorted(rel, odd, side="right") - 1
    odd_kind = kind[odd]
    ok = np.ones(n, dtype=bool)
    ok[row_of[odd_kind == _BAD]] = False
    sep = odd[odd_kind == _SEPARATOR]
    kept = np.diff(rel) - np.bincount(row_of[odd_kind == _SEPARATOR], minlength=n)
    ok &= (kept >= 1) & (kept <= docnum.MAX_LENGTH)
    ok &= np.diff(rel) <= field("document").max_length
    # a separator moves every later byte one place down
    new_offsets = rel - np.searchsorted(sep, rel).astype(np.int32) if len(sep) else rel
    return _Mapped(
        pa.py_buffer(np.ascontiguousarray(new_offsets, dtype=np.int32)),
        pa.py_buffer(data.translate(_COMPACT_BYTE, _SEPARATORS)),
        pa.py_buffer(data.translate(_OCR_BYTE, _SEPARATORS)),
        ok,
    )


def _valid(col: pa.Array) -> np.ndarray:
    if not col.null_count:
        return np.ones(len(col), dtype=bool)
    out: np.ndarray = np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return out


def _country_code(value: str) -> str | None:
    return country_code("country", clean("country", value))


def _doc_type(value: str) -> str | None:
    return in_vocabulary("document_type", "document_type", clean("document_type", value))


def _codes(
    col: pa.Array, normalise: Callable[[str], str | None]
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Per row the code of its canonical value (-1 when absent), the canonical values,
    and whether check() accepts the row's value.  ``normalise`` is check()'s own
    validation of one raw value, run once per distinct value."""
    distinct, idx = _dictionary(col)
    values: list[str] = []
    seen: dict[str, int] = {}
    # one more entry for a null row (idx -1): no code, nothing to refuse
    code_of = np.full(len(distinct) + 1, -1, dtype=np.int32)
    good = np.ones(len(distinct) + 1, dtype=bool)
    for j, raw in enumerate(distinct):
        try:
            canon = normalise(raw)
        except HotlistError:
            canon = None
        if canon is None:
            good[j] = False
            continue
        code_of[j] = seen.setdefault(canon, len(seen))
    values = list(seen)
    return code_of[idx], values, good[idx]


def _dictionary(col: pa.Array) -> tuple[list[str], np.ndarray]:
    """The distinct values of a string column in order of first appearance, and
    per row its number among them (-1 for null): ``dictionary_encode``, or the
    compiled ``_crc_kernel.short_codes`` (~5x faster) when every value is short."""
    if _compiled_short_codes is not None and pa.types.is_string(col.type):
        sc = StringColumn.of(col)
        idx = np.empty(len(col), dtype=np.int32)
        valid = None if sc.valid is None else sc.valid.view(np.uint8)
        found = _compiled_short_codes(sc.offsets, sc.data, valid, idx)
        if found is not None:
            return [v.decode() for v in found], idx
    encoded = col.dictionary_encode()
    idx = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return encoded.dictionary.to_pylist(), idx


def holder_rows(
    cols: Mapping[str, pa.Array], rows: np.ndarray, warnings: dict[int, list[str]]
) -> dict[int, tuple[Any, ...]]:
    """Per fast row with holder fields, (its warnings list, dob, nationality, sex,
    combination) as check() reads them: hotlist._holder.holder_text, then
    holder_value; a value that cannot be used is None, with check()'s
    warning, in check()'s order.  Worked out once per distinct value and per
    distinct combination of values, not per row."""
    given = [k for k in HOLDER_FIELDS if k in cols]
    if not given:
        return {}
    has = np.zeros(len(rows), dtype=bool)
    codes: list[np.ndarray] = []
    readings: list[list[tuple[Any, str | None, str | None]]] = []
    for key in given:
        col = cols[key]
        has |= bool_mask(col.is_valid())
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
        values = dict.fromkeys(HOLDER_FIELDS)
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


def holder_not_used(
    state: State,
    holder: dict[int, tuple[Any, ...]],
    pool: Pool,
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


def documents_vectorised(
    state: State,
    fast: FastDocuments,
    pool: Pool,
    *,
    max_edits: int,
    holder: Mapping[int, tuple[Any, ...]] | None = None,
) -> None:
    d = state.documents
    qi, rec = _lookup_many(d.index, d.keys, fast.keys)
    if len(qi):
        listed = docnum.compact_array(d.numbers.take(pa.array(rec)))
        exact = bool_mask(pc.equal(listed, fast.compact.take(pa.array(qi))))
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
        qs, found = within_one_edit_many(d.index, fast.keys, np.flatnonzero(fast.rows))
        if found:
            sizes = np.array([len(f) for f in found])
            eq = np.repeat(np.array(qs, dtype=np.int64), sizes)
            erow = np.concatenate(found).astype(np.int64)
            # rows with the query's own OCR key were found above (exact / ocr)
            other = ~bool_mask(pc.equal(d.keys.take(pa.array(erow)), fast.keys.take(pa.array(eq))))
            eq, erow = eq[other], erow[other]
            level = np.full(len(eq), LEVELS.index("edit"))
            _add_documents(d, fast, pool, eq, erow, level=level)


def within_one_edit_many(
    index: KeyIndex, keys: pa.Array, rows: np.ndarray
) -> tuple[list[int], list[np.ndarray]]:
    """``index.within_one_edit`` of the key of each of ``rows`` of ``keys``: the rows
    with a listed key within one edit, and for each its listed rows.

    With the compiled kernel and the index's pre-filter built
    (``KeyIndex.probe``), one GIL-free pass over the keys' bytes (read straight
    from the Arrow column: no ``str`` made) tells exactly which keys have a
    listed key within one edit (the filter, then the exact probes of its passing
    tests: ``Probe.near_exact_many``) -- nearly none of a manifest; only those
    are searched.  While the filter is still built in the background every key
    is searched (the same answers).
    """
    qs: list[int] = []
    found: list[np.ndarray] = []
    if not len(rows):
        return qs, found
    probe = index.probe() if COMPILED else None
    if probe is not None and probe.filtered:
        # most of a manifest's rows are asked: the whole column, read in place
        whole = 2 * len(rows) >= len(keys)
        near = _near_exact_many(
            probe, StringColumn.of(keys if whole else keys.take(pa.array(rows)))
        )
        if whole:
            asked_rows = np.zeros(len(keys), dtype=bool)
            asked_rows[rows] = True
            rows = np.flatnonzero(near.view(bool) & asked_rows)
        else:
            rows = rows[np.flatnonzero(near)]
    asked = keys.take(pa.array(rows))
    search = index.within_one_edit
    for j, key in zip(rows.tolist(), asked.to_pylist(), strict=True):
        near_rows = search(key)
        if len(near_rows):
            qs.append(j)
            found.append(near_rows)
    return qs, found


#: From this many keys on, the compiled pass runs in parts on up to
#: :data:`_THREADS` threads (it holds no GIL).
THREADED_FROM = 100_000
_THREADS = max(1, min(4, os.cpu_count() or 1))


def _near_exact_many(probe: Any, col: StringColumn) -> np.ndarray:
    """``probe.near_exact_many`` of every key of ``col`` (uint8 flags), a large
    column split in consecutive parts run on threads at once."""
    n = len(col.offsets) - 1
    near = np.empty(n, dtype=np.uint8)
    parts = min(_THREADS, n // THREADED_FROM)
    if parts < 2:
        probe.near_exact_many(col.offsets, col.data, near)
        return near
    bounds = [n * i // parts for i in range(parts + 1)]
    with ThreadPoolExecutor(parts, thread_name_prefix="hotlist-near") as pool:
        done = [
            pool.submit(probe.near_exact_many, col.offsets[a : b + 1], col.data, near[a:b])
            for a, b in itertools.pairwise(bounds)
        ]
        for d in done:
            d.result()
    return near


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
    maybe = np.flatnonzero(bool_mask(pc.is_in(keys, value_set=listed, skip_nulls=True)))
    qi, rows = index.lookup_many(keys.take(pa.array(maybe)))
    return maybe[qi], rows


def _add_documents(
    d: DocumentIndex,
    fast: FastDocuments,
    pool: Pool,
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
