"""Document matching: the index over document numbers and the rules that score a hit.

One key serves every match level.  Each record's number is compacted and folded
to its OCR key (``docnum.ocr_key(docnum.compact(n))``, the same normaliser the
query goes through); the exact-key index finds records whose OCR key equals the
query's, and its one-edit search finds those one edit away.  The level is then
decided per candidate from the record's own number: ``exact`` when the compacted
numbers are equal, ``ocr`` when only the OCR keys are, ``edit`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa

from hotlist._decisions import (
    POSSIBLE,
    Severity,
    document_severity,
    letters_reason,
    ocr_letter_swaps,
)
from hotlist._records import value_getter
from hotlist.ids import docnum
from hotlist.index import KeyIndex, kept_then, total_nbytes
from hotlist.index._keyindex import COMPILED
from hotlist.scoring import SCORING, Reason, render, render_all

__all__ = [
    "Candidate",
    "DocumentIndex",
    "PersonDocumentIndex",
    "candidate_shape",
    "decoded_chunks",
    "document_reasons",
    "document_score",
    "kept_then",
    "number_keys",
    "scored_shape",
]


@lru_cache(maxsize=4096)
def document_reasons(
    level: str,
    asked_country: str | None,
    listed_country: str,
    asked_type: str | None,
    listed_type: str,
) -> tuple[float, tuple[Reason, ...]]:
    """Score and structured reasons of one document candidate, under
    :data:`hotlist.scoring.SCORING` (``documents``); pure, so batch and single agree.

    >>> document_reasons("exact", "DEU", "UTO", None, "passport")[1][1]
    Reason(feature='issuing country', value='differs', contribution=0.6, listed='UTO', \
asked='DEU', in_bits=False)
    """
    w = SCORING.documents
    score = w.levels[level]
    why = [Reason("document number", level, score)]
    if asked_country is None:
        value = "not given"
    elif asked_country == listed_country:
        value = "same"
    elif not listed_country:  # loaded without an issuing country (see the load report)
        value = "not listed"
    elif listed_country in w.unknown_issuers or asked_country in w.unknown_issuers:
        value = "unknown"
    else:
        value = "differs"
    factor = w.issuer[value]
    score *= factor
    why.append(Reason("issuing country", value, factor, listed_country, asked_country or ""))
    if asked_type is not None and asked_type != listed_type:
        score *= w.type_differs
        why.append(Reason("document type", "differs", w.type_differs, listed_type, asked_type))
    return round(score, w.decimals), tuple(why)


@lru_cache(maxsize=4096)
def document_score(
    level: str,
    asked_country: str | None,
    listed_country: str,
    asked_type: str | None,
    listed_type: str,
) -> tuple[float, tuple[str, ...]]:
    """Score and reasons (as ``Hit.reasons`` shows them) of one document candidate.

    >>> document_score("exact", "UTO", "UTO", None, "passport")
    (1.0, ('document number exact', 'issuing country UTO'))
    >>> document_score("exact", "DEU", "UTO", None, "passport")[0]
    0.6
    """
    score, why = document_reasons(level, asked_country, listed_country, asked_type, listed_type)
    return score, render_all(why)


def _string_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        if column.num_chunks == 1:  # the table's own array: combine_chunks copies even one
            return column.chunk(0)
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    return column


def _decoded(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str | None]]:
    """A dictionary column as (codes per row, values); -1 codes stand for null."""
    arr = _string_array(column)
    if not pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_encode()
    codes = arr.indices.to_numpy(zero_copy_only=False)
    if arr.null_count:
        codes = np.where(arr.is_valid().to_numpy(zero_copy_only=False), codes, -1)
    if codes.dtype.kind != "i":  # -1 needs a signed type
        codes = codes.astype(np.int32)
    # the dictionary's own index width (int8 / int16 in the canonical schemas), and
    # without nulls a view of the table's indices, not a copy: ~5 bytes a record
    return codes, arr.dictionary.to_pylist()


def decoded_chunks(column: pa.ChunkedArray) -> list[tuple[np.ndarray, list[str | None]]]:
    """:func:`_decoded` of each chunk of ``column``: a dictionary read into Python
    once for all the chunks that share it, each buffer of codes viewed once (a
    delta's table: thousands of slices of a few arrays)."""
    values_of: dict[tuple[int, ...], list[str | None]] = {}
    views: dict[tuple[int, int], np.ndarray] = {}
    out = []
    for chunk in column.chunks:
        kind = chunk.type
        if chunk.null_count or not pa.types.is_dictionary(kind) or not len(chunk):
            out.append(_decoded(chunk))
            continue
        dtype = np.dtype(kind.index_type.to_pandas_dtype())
        dictionary = chunk.dictionary
        key = (
            *(
                x
                for buf in dictionary.buffers()
                if buf is not None
                for x in (buf.address, buf.size)
            ),
            dictionary.offset,
            len(dictionary),
        )
        values = values_of.get(key)
        if values is None:
            values = values_of[key] = dictionary.to_pylist()
        buffer = chunk.buffers()[1]
        whole = views.get((buffer.address, buffer.size))
        if whole is None or whole.dtype != dtype:
            whole = views[buffer.address, buffer.size] = np.frombuffer(buffer, dtype=dtype)
        codes = whole[chunk.offset : chunk.offset + len(chunk)]
        out.append((codes if dtype.kind == "i" else codes.astype(np.int32), values))
    return out


def _grown_codes(
    codes: np.ndarray, values: list[str | None], keep: np.ndarray, column: pa.ChunkedArray
) -> tuple[np.ndarray, list[str | None]]:
    """:func:`_decoded` of a delta's table from the old table's (``codes``,
    ``values``): the kept rows' codes, then ``column``'s (the new rows), whose
    values not among ``values`` are added after them -- the same value for every
    row as decoding the new table, without reading its kept rows again."""
    new_codes, new_values = _decoded(column)
    grown = list(values)
    where = {v: i for i, v in enumerate(grown)}
    remap = np.empty(len(new_values) + 1, dtype=np.int64)
    remap[-1] = -1  # a null (code -1) stays null
    for j, value in enumerate(new_values):
        if value not in where:
            where[value] = len(grown)
            grown.append(value)
        remap[j] = where[value]
    dtype = codes.dtype if len(grown) <= np.iinfo(codes.dtype).max else np.dtype(np.int32)
    return np.concatenate(
        [codes[keep].astype(dtype, copy=False), remap[new_codes].astype(dtype)]
    ), grown


def prefixed(prefix: str, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``arrays`` with ``prefix`` before each name (to keep several indexes in one dict)."""
    return {prefix + k: v for k, v in arrays.items()}


def unprefixed(prefix: str, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of ``arrays`` named ``prefix...``, with the prefix taken off."""
    return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}


def number_keys(numbers: pa.Array) -> pa.Array:
    """Document numbers compacted and folded to their OCR keys: the key of a listed
    document and of a number listed on a wanted person."""
    return docnum.key_array(numbers)  # ocr_key_array(compact_array(numbers)), one pass


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record that answers a query, before it becomes a :class:`~hotlist.schema.Hit`."""

    dataset: str
    row: int
    match: str
    score: float
    reasons: tuple[str, ...]
    # "alarm" or "possible" (hotlist._decisions); None: derived from level and reasons.
    severity: str | None = None
    # the reasons as structured records (hotlist.scoring.Reason), ``reasons`` rendered
    # from them; empty for a candidate made by code that gives strings only
    why: tuple[Reason, ...] = ()

    @classmethod
    def make(  # noqa: PLR0917 - the hit path's constructor, positional for speed
        cls,
        dataset: str,
        row: int,
        match: str,
        score: float,
        reasons: tuple[str, ...],
        severity: str | None,
        why: tuple[Reason, ...],
    ) -> Candidate:
        """``Candidate(...)`` with every field given, in a third of the time: a
        frozen dataclass sets each field through ``object.__setattr__``; this
        fills a plain object of the same slots and makes it a Candidate."""
        c: Any = _new(_CandidateSlots)
        c.dataset = dataset
        c.row = row
        c.match = match
        c.score = score
        c.reasons = reasons
        c.severity = severity
        c.why = why
        c.__class__ = cls
        return c  # type: ignore[no-any-return]


_new = object.__new__


class _CandidateSlots:
    """:class:`Candidate`'s slots, assignable (:meth:`Candidate.make`)."""

    __slots__ = Candidate.__slots__


class DocumentIndex:
    """Exact, OCR and one-edit lookups over the ``documents`` table."""

    def __init__(
        self,
        table: pa.Table,
        keys: pa.Array | None = None,
        index: KeyIndex | None = None,
        *,
        columns: tuple[
            Any, tuple[np.ndarray, list[str | None]], tuple[np.ndarray, list[str | None]]
        ]
        | None = None,
    ) -> None:
        """The index over ``table``; its ``keys`` and key ``index`` computed, or
        given (a snapshot's, read back; a delta's, merged); ``columns``: the
        numbers, and the issuer and type codes with their values, given (a
        delta's: the table's own number chunks, the codes grown)."""
        if columns is None:
            numbers: Any = _string_array(table.column("document_number"))
            country = _decoded(table.column("issuing_country"))
            kind = _decoded(table.column("document_type"))
        else:
            numbers, country, kind = columns
        # one array, or (a delta's table) a chunked one: read by row either way
        self.numbers = numbers
        self.number_of = value_getter(self.numbers)  # a listed number by row, as str
        self.keys = self.keys_of(table) if keys is None else keys
        self.index = KeyIndex.build(self.keys) if index is None else index
        self.country_codes, self.country_values = country
        self.type_codes, self.type_values = kind
        # the codes as memoryviews (no copy): a Python int per row without numpy's scalar
        self._country_view = np.ascontiguousarray(self.country_codes).data
        self._type_view = np.ascontiguousarray(self.type_codes).data

    @staticmethod
    def keys_of(table: pa.Table) -> pa.Array:
        """The one key computation: each record's number compacted and folded to its
        OCR key (a build, and a delta's new rows; a snapshot stores the result)."""
        return number_keys(_string_array(table.column("document_number")))

    def parts(self) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
        """What :meth:`from_parts` rebuilds this index from, besides the table:
        Arrow arrays (the keys) and numpy arrays (the built index)."""
        return {"keys": self.keys}, prefixed("index.", self.index.arrays())

    @classmethod
    def from_parts(
        cls, table: pa.Table, arrays: Mapping[str, pa.Array], numpy: Mapping[str, np.ndarray]
    ) -> DocumentIndex:
        """The keys and their index as saved (see ``datasets._single.SelfSaving``)."""
        keys = _string_array(arrays["keys"])
        return cls(table, keys, KeyIndex.from_arrays(keys, unprefixed("index.", numpy)))

    def updated(self, table: pa.Table, keep: np.ndarray, new: pa.Table) -> DocumentIndex:
        """The index over ``table`` (this index's rows where ``keep``, then ``new``):
        keys computed for the new rows only, the key index merged, not rebuilt;
        the numbers are ``table``'s own column (its chunks: no copy, see
        :func:`hotlist.index.kept_slices`), the codes the kept ones and the new
        (a table of one chunk: its own columns, zero-copy views)."""
        keys = kept_then(self.keys, keep, self.keys_of(new))
        numbers: Any = table.column("document_number")
        if numbers.num_chunks <= 1:  # a table copied whole: its columns are read in place
            return type(self)(table, keys, self.index.merged(keep, keys))
        columns = (
            numbers,
            _grown_codes(
                self.country_codes, self.country_values, keep, new.column("issuing_country")
            ),
            _grown_codes(self.type_codes, self.type_values, keep, new.column("document_type")),
        )
        return type(self)(table, keys, self.index.merged(keep, keys), columns=columns)

    @property
    def nbytes(self) -> int:
        return total_nbytes(self.keys, self.index, self.country_codes, self.type_codes)

    def country_of(self, row: int) -> str:
        code = int(self.country_codes[row])
        return self.country_values[code] or "" if code >= 0 else ""

    def type_of(self, row: int) -> str:
        code = int(self.type_codes[row])
        return self.type_values[code] or "" if code >= 0 else ""

    def level_of(self, row: int, compact: str, key: str) -> str:
        listed_compact = docnum.compact(self.number_of(row))
        if listed_compact == compact:
            return "exact"
        if docnum.ocr_key(listed_compact) == key:
            return "ocr"
        return "edit"

    def match(
        self,
        compact: str,
        *,
        country: str | None,
        document_type: str | None,
        max_edits: int,
    ) -> list[Candidate]:
        """Every record within the tolerance asked, scored; ``compact`` is already compacted."""
        key = docnum.ocr_key(compact)
        # within_one_edit includes the exact key, so one search serves both levels.
        rows = self.index.within_one_edit(key) if max_edits >= 1 else self.index.lookup(key)
        if not len(rows):
            return []
        return self.candidates(rows, compact, key, country, document_type)

    def candidates(
        self,
        rows: np.ndarray,
        compact: str,
        key: str,
        country: str | None,
        document_type: str | None,
    ) -> list[Candidate]:
        """:meth:`match`'s candidates of the ``rows`` its search found for ``compact``
        (``key``: its OCR key), scored (:meth:`scored`, each made a Candidate)."""
        make = Candidate.make
        return [
            make("documents", row, level, score, reasons, severity, why)
            for row, level, score, reasons, severity, why in self.scored(
                rows.tolist(), compact, key, country, document_type
            )
        ]

    def scored(
        self,
        rows: list[int],
        compact: str,
        key: str,
        country: str | None,
        document_type: str | None,
    ) -> list[tuple[int, str, float, tuple[str, ...], Severity, tuple[Reason, ...]]]:
        """Each of ``rows`` (found for ``compact``, ``key`` its OCR key) as
        ``(row, level, score, reasons, severity, why)``: a :class:`Candidate`'s
        fields, which check()'s hit path ranks without making the Candidate.

        Score, reasons and severity depend only on the candidate's shape (level,
        issuers and types asked and listed): :func:`scored_shape` makes them once per
        shape, so a candidate costs its level and two code reads."""
        out = []
        number_of = self.number_of
        country_codes = self._country_view
        country_values = self.country_values
        type_codes = self._type_view
        type_values = self.type_values
        for row in rows:
            listed = number_of(row)
            # ``compact`` (valid: upper-case ASCII letters and digits) is its own
            # compact form, so a listed number equal to it needs no compacting
            listed_compact = listed if listed == compact else _compact(listed)
            if listed_compact == compact:
                level = "exact"
            elif _ocr_key(listed_compact) == key:
                level = "ocr"
            else:
                level = "edit"
            code = country_codes[row]
            listed_country = country_values[code] or "" if code >= 0 else ""
            code = type_codes[row]
            listed_type = type_values[code] or "" if code >= 0 else ""
            swaps = ocr_letter_swaps(listed_compact, compact) if level == "ocr" else None
            score, reasons, severity, why = candidate_shape(
                level, country, listed_country, document_type, listed_type, swaps
            )
            out.append((row, level, score, reasons, severity, why))
        return out


_compact = docnum.compact
_ocr_key = docnum.ocr_key


@lru_cache(maxsize=4096)
def scored_shape(
    level: str,
    asked_country: str | None,
    listed_country: str,
    asked_type: str | None,
    listed_type: str,
) -> tuple[float, tuple[str, ...], Severity, tuple[Reason, ...]]:
    """Score, rendered reasons, severity and structured reasons of a document
    candidate of this shape, without letter swaps (:func:`document_reasons`,
    :func:`document_score`, :func:`document_severity`), made once per shape.

    >>> scored_shape("exact", "UTO", "UTO", None, "passport")[:3]
    (1.0, ('document number exact', 'issuing country UTO'), 'alarm')
    """
    asked = (level, asked_country, listed_country, asked_type, listed_type)
    score, why = document_reasons(*asked)
    severity = document_severity(level, asked_country, listed_country)
    return score, document_score(*asked)[1], severity, why


def candidate_shape(  # noqa: PLR0917 - the shape's fields, as scored_shape takes them
    level: str,
    asked_country: str | None,
    listed_country: str,
    asked_type: str | None,
    listed_type: str,
    swaps: tuple[tuple[str, str], ...] | None,
) -> tuple[float, tuple[str, ...], Severity, tuple[Reason, ...]]:
    """Score, rendered reasons, severity and structured reasons of a document
    candidate: :func:`scored_shape`, or for an ``ocr`` row whose differences are
    all look-alike letters (``swaps``, :func:`ocr_letter_swaps`) the same with the
    letters' reason.  ``DocumentIndex.scored`` and the compiled hit's shape
    callable (``hotlist._query._shape_of``) both ask it."""
    asked = (level, asked_country, listed_country, asked_type, listed_type)
    return _letters_shape(*asked, swaps) if swaps else scored_shape(*asked)


@lru_cache(maxsize=1024)
def _letters_shape(  # noqa: PLR0917 - a cache key, positional
    level: str,
    asked_country: str | None,
    listed_country: str,
    asked_type: str | None,
    listed_type: str,
    swaps: tuple[tuple[str, str], ...],
) -> tuple[float, tuple[str, ...], Severity, tuple[Reason, ...]]:
    """:func:`scored_shape` of an ``ocr`` candidate whose differences are all
    look-alike letters (``swaps``, :func:`ocr_letter_swaps`): the letters' reason
    added, and only possible (:func:`document_severity`), made once per shape."""
    asked = (level, asked_country, listed_country, asked_type, listed_type)
    score, why = document_reasons(*asked)
    letters = letters_reason(swaps)
    reasons = (*document_score(*asked)[1], render(letters))
    severity = document_severity(level, asked_country, listed_country, letters_only=True)
    return score, reasons, severity, (*why, letters)


class PersonDocumentIndex:
    """Document numbers listed on wanted persons: a checked document finds its holder too."""

    def __init__(
        self,
        persons: pa.Table,
        saved: tuple[pa.Array, pa.Array, np.ndarray, KeyIndex] | None = None,
    ) -> None:
        """The numbers listed in ``persons``, their keys, owners (the person's row)
        and key index: computed, or ``saved`` (read back from a snapshot)."""
        if saved is None:
            numbers, owner = self.numbers_of(persons)
            keys = number_keys(numbers)
            saved = (numbers, keys, owner, KeyIndex.build(keys))
        self.numbers, self.keys, self.owner, self.index = saved
        # How many listed document numbers there are (an attribute: check()'s fast
        # path reads it on every call).
        self.size = len(self.owner)
        # the compiled exact probe (KeyIndex.exact_probe), made on first use; False
        # without the kernel
        self._probe: Any = None

    @staticmethod
    def numbers_of(persons: pa.Table) -> tuple[pa.Array, np.ndarray]:
        """Every listed document number, and the row of the person listing it."""
        lists = _string_array(persons.column("document_numbers"))
        if not len(lists):
            return pa.array([], pa.string()), np.zeros(0, dtype=np.int32)
        owner = pa.compute.list_parent_indices(lists).to_numpy().astype(np.int32)
        return pa.compute.list_flatten(lists), owner

    def parts(self) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
        """What :meth:`from_parts` rebuilds this index from, besides the table."""
        numpy = prefixed("index.", self.index.arrays())
        numpy["owner"] = self.owner
        return {"numbers": self.numbers, "keys": self.keys}, numpy

    @classmethod
    def from_parts(
        cls, persons: pa.Table, arrays: Mapping[str, pa.Array], numpy: Mapping[str, np.ndarray]
    ) -> PersonDocumentIndex:
        """The index from saved :meth:`parts` (possibly memory-mapped), nothing recomputed."""
        keys = _string_array(arrays["keys"])
        index = KeyIndex.from_arrays(keys, unprefixed("index.", numpy))
        return cls(persons, (_string_array(arrays["numbers"]), keys, numpy["owner"], index))

    @property
    def nbytes(self) -> int:
        return total_nbytes(self.keys, self.index, self.owner)

    def match(self, compact: str, key: str | None = None) -> list[Candidate]:
        """The wanted persons listing ``compact`` (``key``: its OCR key, when known)."""
        if key is None:
            key = docnum.ocr_key(compact)
        probe = self._probe
        if probe is None:
            probe = self._probe = COMPILED and self.index.exact_probe()
        if probe and not probe.contains(key.encode()):
            return []  # the commonest answer (a document hit asks too): ~0.2 us compiled
        rows = self.index.lookup(key)
        if not len(rows):
            return []
        out: dict[int, Candidate] = {}
        for i in rows.tolist():
            listed = self.numbers[i].as_py()
            exact = docnum.compact(listed) == compact
            person = int(self.owner[i])
            level = "exact" if exact else "ocr"
            # The listed number carries no issuer, so it is weaker evidence than a
            # document record; still a hit to look at, since the holder is wanted.
            w = SCORING.documents
            score = w.on_person_exact if exact else w.on_person_ocr
            why = (Reason("listed document number", level, score, listed),)
            # No issuer on the listed number: look closer, unless the holder's
            # name and date of birth also match (_decisions.corroborate()).
            cand = Candidate("persons", person, level, score, render_all(why), POSSIBLE, why)
            if person not in out or out[person].score < cand.score:
                out[person] = cand
        return list(out.values())
