"""The holder's fields (dob, nationality, sex) given without a person's name.

Without a name they only qualify a wanted person found through the document
number (a manifest's columns): each one that cannot be used is ignored with a
warning, never an error that would hide the document check.  ``check()`` and
``check_many``'s vectorised path both read them with these functions.

The weights by which they move a score are ``hotlist.scoring.SCORING.holder``; the
reasons they add are structured (``hotlist.scoring.Reason``, features "holder DOB",
"holder nationality", "holder sex").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hotlist import names
from hotlist._documents import Candidate
from hotlist._errors import InvalidQuery
from hotlist._normalise import normalise
from hotlist.fields import clean
from hotlist.scoring import SCORING, Reason, render_all

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = [
    "HOLDER_FIELDS",
    "PERSON_FIELDS",
    "HolderValues",
    "holder_fields",
    "holder_text",
    "holder_value",
    "qualify_holder",
]

# The holder's dob, nationality and sex, read without a name.
HolderValues = tuple[names.PartialDate | None, str | None, str | None]

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


def holder_value(key: str, text: str) -> object:
    """The parsed holder field (a PartialDate for dob, a country code, a sex), by
    the field's declared normaliser; raises InvalidQuery when it cannot be used."""
    return normalise(key, text)


def holder_fields(
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
# (hotlist._persons), disagreement lowers it a little; never below the floor, since
# the number itself is listed on the person (hotlist.scoring.HolderWeights).


def qualify_holder(  # noqa: PLR0917 - internal, for _run_query and check_many
    state: State,
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
    w = SCORING.holder
    out = []
    for c in candidates:
        if c.dataset != "persons":
            out.append(c)
            continue
        score, why = c.score, list(c.why)
        listed_dob = persons.dob_of(c.row)
        if dob is not None and listed_dob is not None:
            dob_score, level = names.dob_similarity(dob, listed_dob)
            if dob_score >= w.dob_same_from:
                score += (1.0 - score) * w.dob_lift
                why.append(Reason("holder DOB", level, w.dob_lift))
            elif dob_score < w.dob_differs_under:
                score *= w.dob_differs
                why.append(Reason("holder DOB", level, w.dob_differs, str(listed_dob)))
            else:
                why.append(Reason("holder DOB", level, 0.0))
        listed_nationalities = persons.nationalities_of(c.row)
        if nationality is not None and listed_nationalities:
            if nationality in listed_nationalities:
                score += (1.0 - score) * w.nationality_lift
                why.append(
                    Reason("holder nationality", "listed", w.nationality_lift, "", nationality)
                )
            else:
                score -= w.nationality_differs
                shown = ", ".join(listed_nationalities)
                why.append(
                    Reason(
                        "holder nationality",
                        "not listed",
                        -w.nationality_differs,
                        shown,
                        nationality,
                    )
                )
        listed_sex = persons.sex_of(c.row)
        if sex is not None and listed_sex is not None and "X" not in (sex, listed_sex):
            if sex == listed_sex:
                why.append(Reason("holder sex", "same", 0.0, listed_sex, sex))
            else:
                score -= w.sex_differs
                why.append(Reason("holder sex", "differs", -w.sex_differs, listed_sex, sex))
        score = round(min(1.0, max(w.floor, score)), w.decimals)
        added = render_all(why[len(c.why) :])
        out.append(
            # (a candidate made with reason strings only keeps no structured ones)
            dataclasses.replace(
                c, score=score, reasons=(*c.reasons, *added), why=tuple(why) if c.why else ()
            )
        )
    return out
