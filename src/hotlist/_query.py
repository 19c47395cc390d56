"""The query pipeline: one query of check() keywords to candidates and hits.

``check()`` and the per-row part of ``check_many`` both run :func:`answer`;
``check()``'s document-only fast path calls the same :func:`document_query`.
Every value is first read by :func:`hotlist.fields.clean` (the one table's
length limits and boundary checks), then normalised per field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hotlist import names
from hotlist._decisions import action_for, corroborate, severity_from_reasons
from hotlist._documents import Candidate
from hotlist._errors import InvalidQuery
from hotlist._persons import PersonQuery
from hotlist.extracts._vocab import VOCABULARIES, vocabulary_value
from hotlist.fields import BUILTIN_NAMES, clean, limits
from hotlist.ids import country as country_ids
from hotlist.ids import docnum
from hotlist.ids import mrz as mrz_ids
from hotlist.ids import plate as plate_ids
from hotlist.ids import vin as vin_ids
from hotlist.schema import Hit

if TYPE_CHECKING:
    from hotlist.engine import _State

DEFAULT_LIMIT = 10
DEFAULT_MIN_SCORE = 0.5
DEFAULT_MAX_EDITS = 1

# The query fields check() takes, with the longest value each accepts: derived
# from the one table (hotlist.fields), in check()'s keyword order.
CHECK_FIELDS: dict[str, int] = {f: limits()[f] for f in BUILTIN_NAMES}

MRZ_DOCUMENT_TYPES = {"P": "passport", "I": "id_card", "A": "id_card", "C": "id_card", "V": "visa"}


def _country(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        code: str = country_ids.normalize(value)
    except InvalidQuery as exc:
        raise InvalidQuery(f"{name}: {exc}") from None
    return code


def normalize_value(vocabulary: str, value: str) -> str | None:
    """The canonical value of ``value`` in a closed vocabulary (``document_type``,
    ``sex``...), with the same synonyms the extract loader accepts; None when it is
    unknown or says "unknown"."""
    return vocabulary_value(vocabulary, value) or None


def _vocab(name: str, column: str, value: str | None) -> str | None:
    if value is None:
        return None
    canonical = normalize_value(column, value)
    if canonical is None:
        known = ", ".join(v for v in VOCABULARIES[column] if v != "unknown")
        raise InvalidQuery(f"{name} {value!r} is not a known value of {column}; use one of {known}")
    return canonical


def _check_options(
    limit: int, min_score: float, max_edits: int, name_threshold: float | None
) -> None:
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


def answer(
    state: _State, query: Mapping[str, object], *, max_edits: int, name_threshold: float
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
    if (
        any(k in query for k in HOLDER_FIELDS)
        and not any(k in query for k in PERSON_FIELDS)
        and any(k in query for k in ("document", "vin", "plate"))
    ):
        # holder fields without a name never fail a check (see _holder_fields)
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
    state: _State,
    q: dict[str, str | None],
    warnings: list[str],
    *,
    max_edits: int,
    name_threshold: float,
) -> list[Candidate]:
    """Every candidate for one validated query (values stripped, None when absent)."""
    out: list[Candidate] = []
    document = q.get("document")
    country = _country("country", q.get("country"))
    document_type = _vocab("document_type", "document_type", q.get("document_type"))
    name = q.get("name")
    family_name, given_names = q.get("family_name"), q.get("given_names")
    named = bool(name or family_name or given_names or q.get("mrz"))
    holder = any(k in q for k in HOLDER_FIELDS)
    if holder and not named and not (document or q.get("vin") or q.get("plate")):
        raise InvalidQuery(
            "dob, nationality and sex qualify a person; give name= (or document=) too"
        )
    if named:
        dob_text = q.get("dob")
        nationality = _country("nationality", q.get("nationality"))
        sex = _vocab("sex", "sex", q.get("sex"))
        dob = names.parse_dob(dob_text) if dob_text else None
    else:
        # Holder fields without a name (a manifest's columns) only qualify a wanted
        # person found through the document: one that cannot be used is ignored
        # with a warning, never an error that would hide the document check.
        dob, nationality, sex = _holder_fields(q, warnings)

    if country is not None and not (document or q.get("plate")):
        raise InvalidQuery("country qualifies a document or a plate; give document= or plate= too")
    if document_type is not None and not document:
        raise InvalidQuery("document_type qualifies a document; give document= too")
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
        country = country or country_ids.lookup(parsed.issuing_country)
        document_type = document_type or MRZ_DOCUMENT_TYPES.get(parsed.document_code[:1])
        if not (name or family_name or given_names):
            family_name = parsed.family_name or None
            given_names = parsed.given_names or None
        if dob is None and parsed.date_of_birth is not None:
            b = parsed.date_of_birth
            dob = names.PartialDate(b.year, b.month, b.day)
        nationality = nationality or country_ids.lookup(parsed.nationality)
        sex = sex or (parsed.sex if parsed.sex in ("M", "F") else None)

    if document:
        out += _document_candidates(state, document, country, document_type, max_edits)
    if holder and not named:
        out = qualify_holder(state, out, warnings, dob, nationality, sex)

    vin = q.get("vin")
    if vin is not None:
        out += _match_vin(state, vin, warnings, max_edits=max_edits)

    plate = q.get("plate")
    if plate is not None:
        compact = plate_ids.compact(plate)
        plate_ids.validate(compact)
        out += state.vehicles.match_plate(compact, country=country)

    if family_name or given_names:
        name = f"{family_name or ''}, {given_names or ''}".strip(", ")
    if name:
        normalised = names.normalize(name)
        if not normalised:
            raise InvalidQuery(f"name {name!r} has no letters that can be compared")
        pq = PersonQuery(normalised, dob, nationality, sex)
        out += state.persons.match(pq, threshold=name_threshold, warnings=warnings)
    if out and (parsed is not None or name):
        # What else the query carries may lift a possible hit to an alarm.
        out = corroborate(state.tables["documents"], out, parsed)
    return out


# The holder's fields, and the fields that name a person.  Holder fields given
# without a person's name qualify a wanted person found through the document; one
# that cannot be used is ignored with a warning, never an error that would hide the
# document check.  check_many's vectorised path uses the same two functions below.
HOLDER_FIELDS = ("dob", "nationality", "sex")
PERSON_FIELDS = ("name", "family_name", "given_names", "mrz")


def holder_text(key: str, value: object, warnings: list[str]) -> str | None:
    """``clean`` for a holder field given without a name: None and a warning
    where ``clean`` would refuse the value."""
    try:
        return clean(key, value)
    except InvalidQuery as exc:
        warnings.append(f"{key} not used: {exc}")
        return None


def holder_value(key: str, text: str) -> Any:
    """The parsed holder field (a PartialDate for dob, a country code, a sex);
    raises InvalidQuery when it cannot be used."""
    if key == "dob":
        return names.parse_dob(text)
    if key == "nationality":
        return _country("nationality", text)
    return _vocab("sex", "sex", text)


def _holder_fields(
    q: Mapping[str, str | None], warnings: list[str]
) -> tuple[names.PartialDate | None, str | None, str | None]:
    """dob, nationality and sex given without a name, each None (with a warning)
    when it cannot be used."""
    parsed: list[Any] = []
    for key in HOLDER_FIELDS:
        value = q.get(key)
        try:
            parsed.append(holder_value(key, value) if value else None)
        except InvalidQuery as exc:
            warnings.append(f"{key} {value!r} not used: {exc}")
            parsed.append(None)
    return parsed[0], parsed[1], parsed[2]


# How the holder's fields move the score of a wanted person found through a listed
# document (no name given): agreement lifts it as it lifts a name match
# (hotlist._persons), disagreement lowers it a little; never below HOLDER_FLOOR,
# since the number itself is listed on the person.
HOLDER_DOB_LIFT = 0.3
HOLDER_NATIONALITY_LIFT = 0.1
HOLDER_DOB_DIFFERS = 0.9
HOLDER_NATIONALITY_DIFFERS = 0.03
HOLDER_SEX_DIFFERS = 0.05
HOLDER_FLOOR = 0.5


def qualify_holder(  # noqa: PLR0917 - internal, for _run_query and check_many
    state: _State,
    candidates: list[Candidate],
    warnings: list[str],
    dob: names.PartialDate | None,
    nationality: str | None,
    sex: str | None,
) -> list[Candidate]:
    """``candidates`` with each wanted person found through the document qualified
    by the holder's dob / nationality / sex; a warning when there is no such person."""
    if not any(c.dataset == "persons" for c in candidates):
        values = {"dob": dob, "nationality": nationality, "sex": sex}
        used = [k for k, v in values.items() if v is not None]
        if used:
            warnings.append(
                f"{', '.join(used)} not used: without a name they only qualify a wanted "
                "person who lists the document, and none was found"
            )
        return candidates
    persons = state.persons
    out = []
    for c in candidates:
        if c.dataset != "persons":
            out.append(c)
            continue
        score, reasons = c.score, list(c.reasons)
        listed_dob = persons.dob_of(c.row)
        if dob is not None and listed_dob is not None:
            dob_score, why = names.dob_similarity(dob, listed_dob)
            if dob_score >= 0.99:
                score += (1.0 - score) * HOLDER_DOB_LIFT
            elif dob_score < 0.75:
                score *= HOLDER_DOB_DIFFERS
                why += f" (listed {listed_dob})"
            reasons.append(f"holder: {why}")
        listed_nationalities = persons.nationalities_of(c.row)
        if nationality is not None and listed_nationalities:
            if nationality in listed_nationalities:
                score += (1.0 - score) * HOLDER_NATIONALITY_LIFT
                reasons.append(f"holder: nationality {nationality}")
            else:
                score -= HOLDER_NATIONALITY_DIFFERS
                reasons.append(
                    f"holder: nationality {nationality} not listed "
                    f"({', '.join(listed_nationalities)})"
                )
        listed_sex = persons.sex_of(c.row)
        if sex is not None and listed_sex is not None and "X" not in (sex, listed_sex):
            if sex == listed_sex:
                reasons.append(f"holder: sex {sex}")
            else:
                score -= HOLDER_SEX_DIFFERS
                reasons.append(f"holder: sex differs (listed {listed_sex})")
        score = round(min(1.0, max(HOLDER_FLOOR, score)), 4)
        out.append(Candidate(c.dataset, c.row, c.match, score, tuple(reasons)))
    return out


def _document_candidates(
    state: _State,
    document: str | None,
    country: str | None,
    document_type: str | None,
    max_edits: int,
) -> list[Candidate]:
    """Documents (and wanted persons listing the number) for one document number."""
    if document is None:
        return []
    compact = docnum.validate(document)
    out = state.documents.match(
        compact, country=country, document_type=document_type, max_edits=max_edits
    )
    if state.person_documents.size:
        out += state.person_documents.match(compact)
    return out


def _match_vin(state: _State, vin: str, warnings: list[str], *, max_edits: int) -> list[Candidate]:
    # the same function the extract loader asks whether a listed VIN can be found
    compact, corrections = vin_ids.search_key(vin)
    warnings.extend(corrections)
    if len(compact) == 17:
        status = vin_ids.check_digit_status(compact)
        if status == "invalid":
            warnings.append(
                f"VIN check digit is wrong: position 9 is {compact[8]!r}, "
                f"expected {vin_ids.check_digit(compact)!r}; searched tolerantly"
            )
    return state.vehicles.match_vin(compact, max_edits=max_edits, as_given=vin_ids.compact(vin))


def _record(state: _State, dataset: str, row: int) -> dict[str, Any]:
    rec: dict[str, Any] = state.tables[dataset].slice(row, 1).to_pylist()[0]
    return rec


LEVEL_ORDER = {"exact": 0, "ocr": 1, "edit": 2, "partial": 3, "fuzzy": 4}


def select(candidates: Iterable[Candidate], *, limit: int, min_score: float) -> list[Candidate]:
    """The best candidate per record, at least ``min_score``, best first, ``limit`` at most.

    Best first means alarms before possible hits, then by score; ties are broken by
    match level, then dataset and row, so the order is stable.
    """
    return _select_counted(candidates, limit=limit, min_score=min_score)[0]


def _select_counted(
    candidates: Iterable[Candidate], *, limit: int, min_score: float
) -> tuple[list[Candidate], int]:
    """:func:`select`, and how many records ``limit`` left out."""
    best: dict[tuple[str, int], Candidate] = {}
    for c in candidates:
        if c.score < min_score:
            continue
        key = (c.dataset, c.row)
        if key not in best or best[key].score < c.score:
            best[key] = c
    # Alarms first: limit= must never cut an alarm below a possible hit that scores higher.
    ranked = sorted(
        best.values(),
        key=lambda c: (
            (c.severity or severity_from_reasons(c.dataset, c.match, c.score, c.reasons))
            != "alarm",
            -c.score,
            LEVEL_ORDER[c.match],
            c.dataset,
            c.row,
        ),
    )
    return ranked[:limit], max(0, len(ranked) - limit)


def omitted_note(omitted: int, limit: int) -> str:
    """The warning of a query whose ``limit`` left hits out: a table of results
    (check_many) has no other place to say that more records were found."""
    return f"{omitted} more hit(s) left out by limit={limit}: raise limit= to see them"


def _hits(
    state: _State, candidates: list[Candidate], *, limit: int, min_score: float
) -> tuple[list[Hit], int]:
    """The hits (severity and action decided) and how many ``limit`` left out."""
    hits = []
    chosen, omitted = _select_counted(candidates, limit=limit, min_score=min_score)
    for c in chosen:
        record = _record(state, c.dataset, c.row)
        severity = c.severity or severity_from_reasons(c.dataset, c.match, c.score, c.reasons)
        hits.append(
            Hit(
                dataset=c.dataset,  # type: ignore[arg-type]
                record_id=record["record_id"],
                match=c.match,  # type: ignore[arg-type]
                score=c.score,
                reasons=list(c.reasons),
                record=record,
                severity=severity,  # type: ignore[arg-type]
                action=action_for(c.dataset, record, severity),
            )
        )
    return hits, omitted
