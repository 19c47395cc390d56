"""The query pipeline: one query of check() keywords to candidates and hits.

``check()`` and the per-row part of ``check_many`` both run :func:`answer`:
every value read by :func:`hotlist.fields.clean` (the one table's length limits
and boundary checks), normalised by the field's declared normaliser
(:mod:`hotlist._normalise`), the built-in cross-field steps (a qualifier needs
what it qualifies, an MRZ read into its number and holder), then every
registered dataset kind whose query fields the query carries asked to
``match`` (:mod:`hotlist.datasets`), the holder's fields qualifying a wanted
person found by the document (:mod:`hotlist._holder`) and corroboration; the
candidates become hits by the one ranking (:mod:`hotlist._ranking`).

``check()``'s document-only fast path (:func:`document_check`) runs the same
steps for a document number alone, without the dispatch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from hotlist import datasets, names
from hotlist._decisions import (
    _KIND_ACTIONS,
    ALARM,
    POSSIBLE,
    action_for,
    corroborate,
    ocr_letter_swaps,
)
from hotlist._documents import Candidate, candidate_shape, decoded_chunks
from hotlist._errors import InvalidQuery
from hotlist._holder import (
    HOLDER_FIELDS,
    PERSON_FIELDS,
    HolderValues,
    holder_fields,
    holder_text,
    qualify_holder,
)
from hotlist._normalise import country_code, in_vocabulary, normalise
from hotlist._ranking import document_hits, hits_of, omitted_note
from hotlist._records import record_reader
from hotlist.fields import BUILTIN_NAMES, clean, field, field_names, limits, qualifiers
from hotlist.ids import docnum
from hotlist.ids import mrz as mrz_ids
from hotlist.index._arrow import StringColumn, string_chunks
from hotlist.index._prefilter import document_hits_kernel, document_miss
from hotlist.schema import CheckResult, Hit
from hotlist.scoring import SCORING

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = [
    "CHECK_FIELDS",
    "DEFAULT_LIMIT",
    "DEFAULT_MAX_EDITS",
    "DEFAULT_MIN_SCORE",
    "DOCUMENT_ONLY",
    "answer",
    "check_options",
    "check_query",
    "document_check",
    "document_search",
    "extra_fields",
    "qualifier_rules",
]

DEFAULT_LIMIT = 10
DEFAULT_MIN_SCORE = 0.5
DEFAULT_MAX_EDITS = 1

# The query fields check() takes, with the longest value each accepts: derived
# from the one table (hotlist.fields), in check()'s keyword order.
CHECK_FIELDS: dict[str, int] = {f: n for f, n in limits().items() if f in BUILTIN_NAMES}

# A document check: the number and the fields that qualify it (the table's
# QueryField.qualifies).  A query of these alone takes check()'s fast path
# (document_check; its parameters, in this order) and check_many's vectorised one.
DOCUMENT_ONLY: tuple[str, ...] = (
    "document",
    *(f for f in BUILTIN_NAMES if "document" in field(f).qualifies),
)

# Longer document values take clean()'s and validate()'s own path (and their errors).
_DOCUMENT_LIMIT = min(limits()["document"], 10 * docnum.MAX_LENGTH)
_NO_EDITS = 0
# check()'s country= text -> its code, once read (clean() and country_code() are pure
# and a border sees few distinct spellings); bounded, errors never kept.
_ISSUERS: dict[str, str] = {}
_MAX_ISSUERS = 4096


def _miss_context(state: State) -> tuple[Any, ...]:
    """What the compiled miss check reads of a state (once per state): the two
    key indexes, the coverage, the data version, and each listed document's
    issuer code, the code of each issuer and whether it is a plain one (named,
    not an unknown issuer: another issuer's one-edit neighbour scores below the
    default min_score, see _WEAK)."""
    searched, notes = state.coverage.document
    documents = state.documents
    values = documents.country_values
    plain = bytes(bool(v) and v not in _UNKNOWN for v in values)
    return (
        documents.index,
        state.person_documents.index,
        searched,
        notes,
        state.data_version,
        np.ascontiguousarray(documents.country_codes, dtype=np.int32),
        {v: i for i, v in enumerate(values) if v},
        np.frombuffer(plain, dtype=np.uint8),
        _hit_context(state) if _KERNEL_HITS is not None else None,
    )


_CODE_TYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32))


def _hit_context(state: State) -> tuple[Any, ...] | None:
    """What the compiled hit (``DocumentHits``, see _KERNEL_HITS) reads of a
    state: the documents' key index, the record reader, the number column's
    offsets and bytes, the issuer and type codes, the record ids (each chunk's
    offsets and bytes; with nulls: the reader's getter), the status (each
    chunk's codes and values; not a dictionary: the getter), and the
    :func:`_shape_of` callable.  None when
    the codes are wider than int32: document_search makes the hits then."""
    documents = state.documents
    table = state.tables["documents"]
    if any(c.dtype not in _CODE_TYPES for c in (documents.country_codes, documents.type_codes)):
        return None
    read = record_reader(table)
    ids: Any = read.getter["record_id"]
    id_cols = string_chunks(table.column("record_id"))
    if all(valid is None for _, _, valid in id_cols):  # each chunk's offsets and bytes
        ids = [(offsets, data) for offsets, data, _ in id_cols]
    status: Any = read.getter["status"]
    column = table.column("status")
    if pa.types.is_dictionary(column.type):  # each chunk's codes and values
        decoded = decoded_chunks(column)
        if all(codes.dtype in _CODE_TYPES for codes, _ in decoded):
            status = [(np.ascontiguousarray(codes), values) for codes, values in decoded]
    numbers: Any = documents.numbers  # a delta's: the table's chunks, each read in place
    if isinstance(numbers, pa.ChunkedArray) and numbers.num_chunks != 1:
        noff: Any = [(offsets, data) for offsets, data, _ in string_chunks(numbers)]
        ndata: Any = None
    else:
        one = StringColumn.of(numbers)
        noff, ndata = one.offsets, one.data
    return (
        documents.index,
        read,
        noff,
        ndata,
        np.ascontiguousarray(documents.country_codes),
        np.ascontiguousarray(documents.type_codes),
        ids,
        status,
        _shape_of(documents.country_values, documents.type_values),
    )


def _shape_of(countries: list[str | None], types: list[str | None]) -> Any:
    """The compiled hit's shape callable: ``(level, asked issuer, issuer code,
    type code, status, swaps)`` (codes -1: null; status None: null; swaps: an
    ocr row's ``ocr_letter_swaps``) to ``(score, reasons, severity, action)``
    exactly as ``DocumentIndex.scored`` and ``_ranking.document_hits`` make them
    (asked once per shape and state)."""

    def shape(  # noqa: PLR0917 - the kernel calls it positionally
        level: str,
        asked: str | None,
        country: int,
        kind: int,
        status: object,
        swaps: tuple[tuple[str, str], ...] | None,
    ) -> tuple[float, tuple[str, ...], str, str]:
        listed_country = countries[country] or "" if country >= 0 else ""
        listed_type = types[kind] or "" if kind >= 0 else ""
        score, reasons, severity, _ = candidate_shape(
            level, asked, listed_country, None, listed_type, swaps
        )
        decided = ALARM if severity == ALARM else POSSIBLE
        record = {} if status is None else {"status": status}
        return score, reasons, decided, action_for("documents", record, decided)

    return shape


_DOCS = SCORING.documents
_UNKNOWN = _DOCS.unknown_issuers
# A one-edit neighbour listed by another (plain) issuer is no hit at the default
# min_score (0.75 x 0.6 = 0.45 < 0.5): the compiled check then still answers a miss.
_WEAK = _DOCS.levels["edit"] * _DOCS.issuer["differs"] < DEFAULT_MIN_SCORE

# The compiled miss check (None without the kernel): document_check's answer for a
# plain number with the default options (or max_edits=0), no type and a country
# already read, that no listed document is within max_edits of (the pre-filter or
# the exact probe) and no wanted person lists -- told and answered in one call.
_KERNEL_MISS = document_miss(docnum.plain_tables(), docnum.MAX_LENGTH, _DOCUMENT_LIMIT)
# ... and its hit (None without the kernel): a plain number with the default options
# that some listed key is within one edit of (max_edits=0: equal to) and no wanted
# person lists -- searched,
# scored, ranked and made a result in the same call (the compiled one-edit search,
# the columns read in C, each shape's score, reasons, severity and action made once
# per state by _shape_of); the same result as document_search.
_KERNEL_HITS = document_hits_kernel(
    docnum.plain_tables(),
    bytes(c for c in range(128) if not docnum.compact(chr(c))),  # what compact() deletes
    Hit,
    _KIND_ACTIONS,
    ocr_letter_swaps,
)
if _KERNEL_MISS is not None:
    _KERNEL_MISS.configure(
        CheckResult,
        _ISSUERS,
        _miss_context,
        (DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, _NO_EDITS),
        _WEAK,
        _UNKNOWN,
        _KERNEL_HITS,
    )
_FAST_MISS = None if _KERNEL_MISS is None else _KERNEL_MISS.check

MRZ_DOCUMENT_TYPES = {"P": "passport", "I": "id_card", "A": "id_card", "C": "id_card", "V": "visa"}


def check_options(
    limit: int, min_score: float, max_edits: int, name_threshold: float | None
) -> None:
    """check()'s and check_many's options, or :class:`hotlist.InvalidQuery` saying
    which one is wrong."""
    if (
        limit is DEFAULT_LIMIT
        and min_score is DEFAULT_MIN_SCORE
        and (max_edits is DEFAULT_MAX_EDITS or max_edits is _NO_EDITS)
        and name_threshold is None
    ):
        # the common call: check()'s defaults, or max_edits=0. Identity, not equality
        # (small ints are shared objects): anything else is checked in full
        return
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InvalidQuery(f"limit must be a whole number >= 1, not {limit!r}")
    if (
        not isinstance(min_score, (int, float))
        or not 0.0 <= min_score <= 1.0
        or math.isnan(min_score)
    ):
        raise InvalidQuery(f"min_score must be between 0 and 1, not {min_score!r}")
    if max_edits not in (0, 1) or isinstance(max_edits, bool):
        raise InvalidQuery(f"max_edits must be 0 or 1, not {max_edits!r}")
    if name_threshold is not None and (
        not isinstance(name_threshold, (int, float)) or not 0.0 < name_threshold <= 1.0
    ):
        raise InvalidQuery(f"name_threshold must be in (0, 1], not {name_threshold!r}")


def document_check(  # noqa: PLR0917 - check()'s fast path, positional for speed
    state: State,
    document: str,
    country: str | None,
    document_type: str | None,
    limit: int,
    min_score: float,
    max_edits: int,
    name_threshold: float | None,
) -> CheckResult:
    """``check()`` of a document number alone (with its qualifiers): the border's
    commonest call.  The steps of :func:`answer` for such a query (the same
    boundary check, normalisers and index lookups as the documents and persons
    kinds' ``match``), without the
    general dispatch: nothing per call but the work itself."""
    if _FAST_MISS is not None:
        # the commonest answer, a miss, told and answered by the compiled check
        # (the same keys, the pre-filter or the exact probe, the same result)
        result: CheckResult | None = _FAST_MISS(
            state, document, country, document_type, limit, min_score, max_edits, name_threshold
        )
        if result is not None:
            return result
    return document_search(
        state, document, country, document_type, limit, min_score, max_edits, name_threshold
    )


def document_search(  # noqa: PLR0917 - check()'s fast path, positional for speed
    state: State,
    document: str,
    country: str | None,
    document_type: str | None,
    limit: int,
    min_score: float,
    max_edits: int,
    name_threshold: float | None,
) -> CheckResult:
    """:func:`document_check` after the compiled miss check (which check()'s
    compiled entry, ``hotlist._check_kernel``, asks itself first): the search."""
    check_options(limit, min_score, max_edits, name_threshold)
    # A plain number (docnum.plain_keys) passes clean() and validate() whatever
    # they are asked, so its keys are taken in one step.
    plain = (
        docnum.plain_keys(document)
        if document.__class__ is str and len(document) <= _DOCUMENT_LIMIT
        else None
    )
    if (
        plain is not None
        and document_type is None
        and (country is None or (country.__class__ is str and country in _ISSUERS))
    ):
        # the commonest calls: a plain number alone, or with a country already read
        compact, key = plain
        kind = None
        if country is None:
            query: dict[str, Any] = {"document": document}
            issuer = None
        else:
            query = {"document": document, "country": country}
            issuer = _ISSUERS[country]
    else:
        compact, key, issuer, kind, query = _document_query(document, country, document_type, plain)
    # the documents and persons kinds' match (hotlist.datasets) for this query: their
    # index calls, without the dispatch
    documents = state.documents
    # within_one_edit includes the exact key, so one search serves both levels
    found = documents.index.within_one_edit(key) if max_edits else documents.index.lookup(key)
    persons = state.person_documents
    held = persons.match(compact, key) if persons.size else None
    searched, notes = state.coverage.document
    if held:  # a wanted person lists the number: rank both kinds' candidates
        candidates = documents.candidates(found, compact, key, issuer, kind) + held
        hits, omitted = hits_of(state, candidates, limit=limit, min_score=min_score)
    elif len(found):  # the documents' rows alone: ranked and made hits directly
        hits, omitted = document_hits(
            state, found.tolist(), compact, key, issuer, kind, limit, min_score
        )
    else:
        return CheckResult.make([], [*notes], query, state.data_version, 0, searched)
    told = [*notes, omitted_note(omitted, limit)] if omitted else [*notes]
    return CheckResult.make(hits, told, query, state.data_version, omitted, searched)


def _document_query(
    document: str, country: str | None, document_type: str | None, plain: tuple[str, str] | None
) -> tuple[str, str, str | None, str | None, dict[str, Any]]:
    """:func:`document_check`'s query read as :func:`answer` reads it: every value
    through :func:`hotlist.fields.clean` before any is normalised, in keyword order,
    then the issuer and the type normalised, then the number's keys (``plain``:
    already taken), so that a query with several bad values reports the same error
    as the general path.  Also the query as the result shows it."""
    query: dict[str, Any] = {"document": document}
    if country is not None:
        query["country"] = country
    if document_type is not None:
        query["document_type"] = document_type
    text = clean("document", document) if plain is None else ""
    asked_country = None if country is None else clean("country", country)
    asked_type = None if document_type is None else clean("document_type", document_type)
    issuer = None if asked_country is None else country_code("country", asked_country)
    if issuer is not None and country.__class__ is str and len(_ISSUERS) < _MAX_ISSUERS:
        _ISSUERS[country] = issuer
    kind = (
        None if asked_type is None else in_vocabulary("document_type", "document_type", asked_type)
    )
    if plain is None:  # validated after the qualifiers are normalised, as in _derive
        compact = docnum.validate(text)
        plain = compact, docnum.ocr_key(compact)
    return *plain, issuer, kind, query


def check_query(
    state: State,
    given: Mapping[str, object],
    extra: Mapping[str, object] | None,
    stale: str | None,
    *,
    limit: int,
    min_score: float,
    max_edits: int,
    name_threshold: float | None,
) -> CheckResult:
    """``check()`` of any query: ``given`` its built-in keywords (None: not given),
    ``extra`` the fields of registered kinds, ``stale`` the staleness warning."""
    query = {k: v for k, v in given.items() if v is not None}
    if extra is not None:
        query.update(extra_fields(extra))
    check_options(limit, min_score, max_edits, name_threshold)
    candidates, warnings = answer(
        state,
        query,
        max_edits=max_edits,
        name_threshold=names.MATCH_THRESHOLD if name_threshold is None else name_threshold,
    )
    hits, omitted = hits_of(state, candidates, limit=limit, min_score=min_score)
    if omitted:
        warnings.append(omitted_note(omitted, limit))
    if stale is not None:
        warnings.append(stale)
    searched = state.coverage.of(query)[0]
    return CheckResult.make(hits, warnings, query, state.data_version, omitted, searched=searched)


def extra_fields(extra: Mapping[str, object]) -> dict[str, object]:
    """``check(extra=...)``: the given fields of registered kinds (None values left
    out); a name that is not such a field raises :class:`hotlist.InvalidQuery`."""
    if not isinstance(extra, Mapping):
        raise InvalidQuery(
            f"extra must be a mapping of field names to values, not {type(extra).__name__}"
        )
    known = [n for n in field_names() if n not in BUILTIN_NAMES]
    for key in extra:
        if key in BUILTIN_NAMES:
            raise InvalidQuery(f"extra: give {key} as check({key}=...), not in extra")
        if key not in known:
            raise InvalidQuery(
                f"extra: {key!r} is not a query field; registered fields: "
                f"{', '.join(known) if known else 'none'}"
            )
    return {k: v for k, v in extra.items() if v is not None}


def qualifier_rules(q: Mapping[str, object]) -> None:
    """A field that only qualifies others (country narrows a document or a plate)
    given without any of them: :class:`hotlist.InvalidQuery`, from the table's
    ``QueryField.qualifies``."""
    for name, wanted in qualifiers().items():
        if q.get(name) is not None and not any(q.get(f) for f in wanted):
            raise InvalidQuery(
                f"{name} qualifies "
                + " or ".join(f"a {f.replace('_', ' ')}" for f in wanted)
                + "; give "
                + " or ".join(f"{f}=" for f in wanted)
                + " too"
            )


def answer(
    state: State, query: Mapping[str, object], *, max_edits: int, name_threshold: float
) -> tuple[list[Candidate], list[str]]:
    """Candidates and warnings for one query of check() keywords (None values left out).

    The one code path behind ``check()`` and the per-query part of ``check_many()``.
    """
    if not query:
        raise InvalidQuery(
            "empty query: give at least one of document, mrz, vin, plate, name "
            "(or family_name / given_names)"
        )
    warnings: list[str] = []
    given = query.keys()
    if (
        not given.isdisjoint(HOLDER_FIELDS)
        and given.isdisjoint(PERSON_FIELDS)
        and not given.isdisjoint(("document", "vin", "plate"))
    ):
        # holder fields without a name never fail a check (see _holder.holder_fields)
        cleaned = {
            k: holder_text(k, v, warnings) if k in HOLDER_FIELDS else clean(k, v)
            for k, v in query.items()
        }
    else:
        cleaned = {k: clean(k, v) for k, v in query.items()}
    candidates = _run_query(
        state, cleaned, warnings, max_edits=max_edits, name_threshold=name_threshold
    )
    warnings.extend(state.coverage.of(query)[1])
    return candidates, warnings


def _run_query(
    state: State,
    q: dict[str, str | None],
    warnings: list[str],
    *,
    max_edits: int,
    name_threshold: float,
) -> list[Candidate]:
    """Every candidate for one validated query (values stripped, None when absent):
    the built-in cross-field steps, then every registered kind whose query fields
    the query carries is asked to ``match`` (hotlist.datasets.Kind)."""
    derived, parsed, holder = _derive(q, warnings)
    out: list[Candidate] = []
    quals = qualifiers()
    for kind in datasets.kinds():
        index = state.indexes.get(kind.name)
        carried = derived.keys() & kind.query_fields
        if index is None or not carried or carried <= quals.keys():
            continue  # nothing it searches by (a qualifier alone narrows another kind's search)
        out += kind.match(
            index, derived, warnings, max_edits=max_edits, name_threshold=name_threshold
        )
    if holder is not None:
        out = qualify_holder(state, out, warnings, *holder)
    if out and (parsed is not None or "name" in derived):
        # What else the query carries may lift a possible hit to an alarm.
        out = corroborate(state.tables["documents"], out, parsed)
    return out


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _derive(
    q: Mapping[str, str | None], warnings: list[str]
) -> tuple[dict[str, object], mrz_ids.MRZ | None, HolderValues | None]:
    """The query as the kinds' ``match`` read it (hotlist.datasets.Query): each
    value normalised, the cross-field rules applied (a qualifier needs what it
    qualifies; name or family / given names; mrz or document), an MRZ read into
    its document number, issuer, type and holder, the document number validated.
    Also the MRZ read, and the holder's (dob, nationality, sex) when they were given
    without a name (they then only qualify a wanted person found by the document)."""
    document = q.get("document")
    # each value by its field's declared normaliser (hotlist.fields, hotlist._normalise)
    country = _text(normalise("country", q.get("country")))
    document_type = _text(normalise("document_type", q.get("document_type")))
    name = q.get("name")
    family_name, given_names = q.get("family_name"), q.get("given_names")
    named = bool(name or family_name or given_names or q.get("mrz"))
    holder = not q.keys().isdisjoint(HOLDER_FIELDS)
    if holder and not named and not (document or q.get("vin") or q.get("plate")):
        raise InvalidQuery(
            "dob, nationality and sex qualify a person; give name= (or document=) too"
        )
    if named:
        dob_text = q.get("dob")
        nationality = _text(normalise("nationality", q.get("nationality")))
        sex = _text(normalise("sex", q.get("sex")))
        read = normalise("dob", dob_text or None)
        dob = read if isinstance(read, names.PartialDate) else None
    else:
        # Holder fields without a name (a manifest's columns) only qualify a wanted
        # person found through the document: one that cannot be used is ignored
        # with a warning, never an error that would hide the document check.
        dob, nationality, sex = holder_fields(q, warnings) if holder else (None, None, None)

    if not q.keys().isdisjoint(qualifiers()):
        qualifier_rules({**q, "country": country, "document_type": document_type})
    if name and (family_name or given_names):
        raise InvalidQuery("give either name or family_name / given_names, not both")

    text = q.get("mrz")
    parsed = None
    if text is not None:
        if document:
            raise InvalidQuery("give either mrz or document, not both: the MRZ carries the number")
        parsed = mrz_ids.parse(text)
        warnings.extend(parsed.warnings)
        document = parsed.document_number
        # the MRZ's countries as parse() read them (hotlist.ids.country.lookup)
        country = country or parsed.issuing_country_code
        document_type = document_type or MRZ_DOCUMENT_TYPES.get(parsed.document_code[:1])
        if not (name or family_name or given_names):
            family_name = parsed.family_name or None
            given_names = parsed.given_names or None
        if dob is None and parsed.date_of_birth is not None:
            b = parsed.date_of_birth
            dob = names.PartialDate(b.year, b.month, b.day)
        nationality = nationality or parsed.nationality_code
        sex = sex or (parsed.sex if parsed.sex in ("M", "F") else None)
    if family_name or given_names:
        name = f"{family_name or ''}, {given_names or ''}".strip(", ")

    derived: dict[str, object] = {}
    if document:
        derived["document"] = docnum.validate(document)
    for key, value in (
        ("country", country),
        ("document_type", document_type),
        ("vin", q.get("vin")),
        ("plate", q.get("plate")),
        ("name", name or None),
        ("dob", dob),
        ("nationality", nationality),
        ("sex", sex),
    ):
        if value is not None:
            derived[key] = value
    for key, value in q.items():
        if value is not None and key not in BUILTIN_NAMES:
            # a registered kind's field, read by its declared normaliser
            derived[key] = normalise(key, value)
    return derived, parsed, (dob, nationality, sex) if holder and not named else None
