"""What a hit asks of the officer: its severity and the action to take.

Severity (DESIGN.md, "Severity"):

- ``alarm``: stop, hold, confirm with the source before acting;
- ``possible``: look closer, compare the document, vehicle or person with the record.

The rule, per dataset:

=============================  ===========================================================
documents                      exact or OCR-equivalent number, and the issuer asked is the
                               listed one, was not given, or is unknown on either side
                               (XXA/XXB/XXC/XXX): **alarm**.  A one-edit number, the
                               number under another issuer, or an OCR-equivalent number
                               that differs only where a letter stands for a look-alike
                               letter (O/D/Q, I/L; :func:`ocr_letter_swaps`):
                               **possible**, unless the query
                               corroborates it (an MRZ whose date of expiry equals the
                               record's and whose document type agrees).
number listed on a person      **possible** (the listed number carries no issuer), unless
                               the holder's name and date of birth also match that person
                               as an alarm.
vehicles                       VIN exact / OCR-equivalent, or a short chassis number whole:
                               **alarm**; one-edit VIN, partial VIN: **possible**.  Plate
                               exact / OCR with the registration country asked: **alarm**;
                               no country asked, none listed, or another one: **possible**.
persons                        a strong match (score >= ``PERSON_ALARM_SCORE``) with a
                               consistent date of birth (exact, or near: swapped day and
                               month, one digit off, a partial date that agrees):
                               **alarm**; no date of birth to compare, a year or more off,
                               or a weaker name: **possible**.
=============================  ===========================================================

The matchers set ``Candidate.severity`` with :func:`document_severity`,
:func:`vin_severity`, :func:`plate_severity` and :func:`person_severity`;
:func:`severity_from_reasons` derives the same answer from a candidate's level
and reasons, for candidates that carry none.

Any other kind (registered with :mod:`hotlist.datasets`) decides its candidates'
severity in its ``match``; a candidate that carries none is an **alarm** at the
exact and OCR levels and **possible** at any other (:func:`level_severity`).

Actions: :func:`action_for` gives the instruction for a record from its
dataset and status / notice type; a caution on the record comes first.  A
registered kind with an ``action(record, severity)`` of its own gets that text
(:func:`set_kind_action`, called by ``hotlist.datasets.register``); one without
gets :data:`OTHER_ACTION`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa

from hotlist.ids.mrz import MRZ
from hotlist.ids.ocr import LETTER_CLASSES
from hotlist.scoring import SCORING, Reason, render

if TYPE_CHECKING:
    from hotlist._documents import Candidate

__all__ = [
    "ALARM",
    "BUILTIN_KINDS",
    "DOCUMENT_ACTIONS",
    "OTHER_ACTION",
    "PERSON_ACTIONS",
    "PERSON_ALARM_SCORE",
    "POSSIBLE",
    "SEVERITIES",
    "VEHICLE_ACTION",
    "KindAction",
    "action_for",
    "candidate_severity",
    "corroborate",
    "dob_agreement",
    "document_severity",
    "letters_reason",
    "level_severity",
    "ocr_letter_reason",
    "ocr_letter_swaps",
    "person_severity",
    "plate_severity",
    "set_kind_action",
    "severity_from_reasons",
    "severity_of",
    "vin_severity",
]

Severity = Literal["alarm", "possible"]
ALARM: Severity = "alarm"
POSSIBLE: Severity = "possible"
SEVERITIES: tuple[Severity, ...] = (ALARM, POSSIBLE)

# Issuer codes that say "unknown / stateless" rather than naming a state.
UNKNOWN_ISSUERS = SCORING.documents.unknown_issuers

# The least person score that is an alarm when the date of birth is consistent
# (hotlist.scoring: persons.alarm_score).
PERSON_ALARM_SCORE = SCORING.persons.alarm_score

DobAgreement = Literal["exact", "near", "far", "differs"] | None


# How the reason of an OCR match that differs only by letter look-alikes begins.
OCR_LETTERS_REASON = "letters read as other letters"


# Each letter that an OCR reader takes for another letter: its class (hotlist.ids.ocr).
_LETTER_CLASS = {letter: cls for cls in LETTER_CLASSES for letter in cls}


def ocr_letter_swaps(listed: str, asked: str) -> tuple[tuple[str, str], ...] | None:
    """The (listed, asked) letter pairs where two compacted, OCR-equivalent numbers
    differ, when every difference is a letter read as a look-alike letter (O/D/Q,
    I/L); None when any is a digit read as a letter or the reverse (0/O, 1/I, 8/B,
    5/S, 2/Z, 6/G), when they do not differ, or are not OCR-equivalent.

    Two numbers of one issuer that differ only by look-alike letters are as likely
    two different valid documents as one misread; a digit read as a letter (or the
    reverse) is a misread, since a national format fixes which positions hold digits.

    >>> ocr_letter_swaps("O39380850", "Q39380850"), ocr_letter_swaps("O39380850", "039380850")
    ((('O', 'Q'),), None)
    """
    if len(listed) != len(asked) or listed == asked:
        return None
    pairs: list[tuple[str, str]] = []
    for a, b in zip(listed, asked, strict=True):
        if a == b:
            continue
        cls = _LETTER_CLASS.get(a)
        if cls is None or cls != _LETTER_CLASS.get(b):
            return None
        if (a, b) not in pairs:
            pairs.append((a, b))
    return tuple(pairs)


def letters_reason(pairs: Iterable[tuple[str, str]]) -> Reason:
    """The structured reason on a hit that :func:`ocr_letter_swaps` makes only
    possible: the listed letters and the asked ones, pair by pair."""
    pairs = tuple(pairs)
    return Reason(
        "document number",
        "letters",
        1.0,
        "".join(a for a, _ in pairs),
        "".join(b for _, b in pairs),
    )


def ocr_letter_reason(pairs: Iterable[tuple[str, str]]) -> str:
    """The reason on a hit that :func:`ocr_letter_swaps` makes only possible.

    >>> ocr_letter_reason([("O", "D")])[:52]
    'letters read as other letters (listed O, asked D): a'
    """
    return render(letters_reason(pairs))


def document_severity(
    level: str, asked_country: str | None, listed_country: str, *, letters_only: bool = False
) -> Severity:
    """Severity of a document-record candidate before any corroboration;
    ``letters_only``: an ``ocr`` match whose differences are all letters read as
    look-alike letters (:func:`ocr_letter_swaps`), which is only possible.

    >>> document_severity("exact", "UTO", "UTO"), document_severity("ocr", None, "UTO")
    ('alarm', 'alarm')
    >>> document_severity("exact", "DEU", "UTO"), document_severity("edit", "UTO", "UTO")
    ('possible', 'possible')
    >>> document_severity("ocr", "UTO", "UTO", letters_only=True)
    'possible'
    """
    if level not in ("exact", "ocr") or (letters_only and level == "ocr"):
        return POSSIBLE
    if (
        asked_country is None
        or asked_country == listed_country
        or asked_country in UNKNOWN_ISSUERS
        or listed_country in UNKNOWN_ISSUERS
        or not listed_country
    ):
        return ALARM
    return POSSIBLE


def vin_severity(level: str) -> Severity:
    """A whole VIN (or chassis number), exact or OCR-equivalent, is an alarm: VINs
    are unique world-wide.  One edit or the last few characters: possible."""
    return ALARM if level in ("exact", "ocr") else POSSIBLE


def plate_severity(level: str, asked_country: str | None, listed_country: str | None) -> Severity:
    """Plates repeat across countries: only the registration country asked makes an alarm."""
    if level in ("exact", "ocr") and asked_country is not None and asked_country == listed_country:
        return ALARM
    return POSSIBLE


# The reasons of names.dob_similarity, by how far they agree.
_DOB_REASONS: dict[str, Literal["exact", "near", "far", "differs"]] = {
    "DOB exact": "exact",
    "DOB year and month match": "near",
    "DOB day/month swapped": "near",
    "DOB one digit off": "near",
    "DOB year only": "near",
    "DOB one year off": "far",
    "DOB two years off": "far",
    "DOB differs": "differs",
}


def dob_agreement(reasons: Iterable[str]) -> DobAgreement:
    """How the date of birth agreed, read from a person candidate's reasons
    (None when no date was compared).

    >>> dob_agreement(["name exact", "DOB day/month swapped"])
    'near'
    """
    for r in reasons:
        # the reason text, without a weight the matcher may append: "DOB exact (+14.4)"
        got = _DOB_REASONS.get(r.split(" (", 1)[0])
        if got is not None:
            return got
    return None


def level_severity(level: str) -> Severity:
    """The severity of a registered kind's candidate that carries none: its match
    level alone (exact or OCR-equivalent: alarm).

    >>> level_severity("ocr"), level_severity("edit")
    ('alarm', 'possible')
    """
    return ALARM if level in ("exact", "ocr") else POSSIBLE


def person_severity(score: float, dob: DobAgreement) -> Severity:
    """Severity of a person matched by name.

    ``score`` is the person's final score (name similarity moved by the
    qualifiers); ``dob`` how the dates of birth agreed: ``"exact"``,
    ``"near"`` (swapped, one digit off, a partial date that agrees), ``"far"``
    (a year or two off), ``"differs"``, or None (no date on one side).

    >>> person_severity(1.0, "exact"), person_severity(1.0, None), person_severity(0.95, "far")
    ('alarm', 'possible', 'possible')
    """
    if dob in ("exact", "near") and score >= PERSON_ALARM_SCORE:
        return ALARM
    return POSSIBLE


def severity_from_reasons(
    dataset: str, level: str, score: float, reasons: Iterable[str]
) -> Severity:
    """The severity of a candidate that carries none, from what its matcher said.

    Agrees with the matchers' own functions (tested over every combination of
    level and country relation); used for candidates of code that predates
    severities and as the reference in tests.
    """
    reasons = tuple(reasons)
    if any(r.endswith(_CORROBORATED) for r in reasons):
        return ALARM
    if dataset == "documents":
        if level not in ("exact", "ocr"):
            return POSSIBLE
        return (
            POSSIBLE
            if any(
                r.startswith("listed under issuing country")
                or (level == "ocr" and r.startswith(OCR_LETTERS_REASON))
                for r in reasons
            )
            else ALARM
        )
    if dataset == "vehicles":
        if any(r.startswith("plate") for r in reasons):
            # "registration country FRA": the country asked is the one listed
            same = any(r.startswith("registration country ") and r[21:].isupper() for r in reasons)
            return ALARM if level in ("exact", "ocr") and same else POSSIBLE
        return vin_severity(level)
    if dataset not in BUILTIN_KINDS:
        return level_severity(level)
    if any(_LISTED_ON_PERSON in r for r in reasons):
        return POSSIBLE
    if "alarm-level evidence" in reasons:  # the person matcher's own verdict
        return ALARM
    return person_severity(score, dob_agreement(reasons))


def severity_of(dataset: str, level: str, score: float, why: Iterable[Reason]) -> Severity:
    """:func:`severity_from_reasons` from the structured reasons (features and
    levels, not text): the same answer (tested on every shape the matchers make).

    >>> severity_of("documents", "exact", 0.6, [Reason("issuing country", "differs", 0.6)])
    'possible'
    """
    why = tuple(why)
    seen = {(r.feature, r.value) for r in why}
    if ("MRZ date of expiry", "matches") in seen or ("holder", "matches") in seen:
        return ALARM
    if dataset == "documents":
        if level not in ("exact", "ocr"):
            return POSSIBLE
        if ("issuing country", "differs") in seen or (
            level == "ocr" and ("document number", "letters") in seen
        ):
            return POSSIBLE
        return ALARM
    if dataset == "vehicles":
        if any(r.feature == "plate" for r in why):
            same = ("registration country", "same") in seen
            return ALARM if level in ("exact", "ocr") and same else POSSIBLE
        return vin_severity(level)
    if dataset not in BUILTIN_KINDS:
        return level_severity(level)
    if any(r.feature == "listed document number" for r in why):
        return POSSIBLE
    if ("evidence", "alarm") in seen:  # the person matcher's own verdict
        return ALARM
    dob = next((_DOB_REASONS.get(r.value) for r in why if r.feature == "DOB"), None)
    return person_severity(score, dob)


# -- actions -------------------------------------------------------------------------

DOCUMENT_ACTIONS: dict[str, str] = {
    "stolen": "Stolen document: retain it and confirm with the issuing country (through your NCB) "
    "before acting on the holder",
    "lost": "Lost document: retain it and confirm with the issuing country; the holder may be "
    "its owner who later found it",
    "revoked": "Revoked document: not valid for travel; retain it and confirm with the issuing "
    "country",
    "invalidated": "Invalidated document: not valid for travel; retain it and confirm with the "
    "issuing country",
    "stolen_blank": "Stolen blank: the document is probably counterfeit; retain it, hold the "
    "holder for questioning and confirm with the issuing country",
}
PERSON_ACTIONS: dict[str, str] = {
    "red": "Red notice: wanted for arrest; do not alert the person; confirm with the NCB before "
    "any arrest",
    "blue": "Blue notice: information sought; do not detain on this notice; record identity and "
    "whereabouts and report to the NCB",
    "yellow": "Yellow notice: a missing person; ensure their safety and inform the NCB",
    "diffusion": "Diffusion: confirm with the requesting country's NCB whether to detain",
    "warrant": "Warrant: confirm with the issuing authority before any arrest",
    "other": "Listed person: confirm with the issuing authority before acting",
}
VEHICLE_ACTION = (
    "Stolen vehicle: do not release it; secure the vehicle, identify the driver and confirm "
    "with the registration country"
)
OTHER_ACTION = "Listed record: confirm with the authority that listed it before acting"
# The record columns each built-in action reads (check_many fetches only these).
_ACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("status",),
    "vehicles": (),
    "persons": ("notice_type", "caution"),
}
BUILTIN_KINDS = frozenset(_ACTION_COLUMNS)

# A registered kind's own action and the record columns it reads, by kind name.
KindAction = Callable[[Mapping[str, Any], str], str]
_KIND_ACTIONS: dict[str, tuple[KindAction, tuple[str, ...]]] = {}


def set_kind_action(name: str, action: KindAction | None, columns: Iterable[str] = ()) -> None:
    """Give the kind ``name`` its own action (``action(record, severity)`` -> the
    instruction; ``record`` holds at least ``columns``); None takes it away.
    ``hotlist.datasets.register`` and ``unregister`` call this."""
    if action is None:
        _KIND_ACTIONS.pop(name, None)
    else:
        _KIND_ACTIONS[name] = (action, tuple(columns))


def _action_columns(dataset: str) -> tuple[str, ...]:
    own = _KIND_ACTIONS.get(dataset)
    return own[1] if own is not None else _ACTION_COLUMNS.get(dataset, ())


_POSSIBLE_PREFIX = {
    "documents": "Possible match: compare the document (number, issuer, type) with the record; "
    "if it matches: ",
    "vehicles": "Possible match: compare the vehicle (VIN, plate, make, model, colour) with the "
    "record; if it matches: ",
    "persons": "Possible match: compare the person (name, date of birth, photo) with the record; "
    "if it matches: ",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def action_for(dataset: str, record: Mapping[str, Any], severity: str) -> str:
    """The short instruction for a hit on ``record``; a caution on the record comes first.

    >>> action_for("persons", {"notice_type": "red", "caution": "armed"}, "alarm")[:16]
    'CAUTION: armed. '
    """
    own = _KIND_ACTIONS.get(dataset)
    if own is not None:
        return own[0](record, severity)
    if dataset == "documents":
        base = DOCUMENT_ACTIONS.get(str(record.get("status")), DOCUMENT_ACTIONS["stolen"])
    elif dataset == "vehicles":
        base = VEHICLE_ACTION
    elif dataset == "persons":
        base = PERSON_ACTIONS.get(str(record.get("notice_type")), PERSON_ACTIONS["other"])
    else:
        base = OTHER_ACTION
    if severity != ALARM:
        base = _POSSIBLE_PREFIX.get(dataset, "Possible match; if it matches: ") + _lower_first(base)
    caution = record.get("caution") if dataset == "persons" else None
    if caution:
        caution = str(caution).strip().rstrip(".")
        return f"CAUTION: {caution}. {base}"
    return base


# -- corroboration ---------------------------------------------------------------------

_CORROBORATED = ("on the MRZ matches the record", "match this person")
_MRZ_TYPES = {"P": "passport", "I": "id_card", "A": "id_card", "C": "id_card", "V": "visa"}
_LISTED_ON_PERSON = "is listed on this wanted person"


def candidate_severity(c: Candidate) -> Severity:
    """A candidate's severity: its matcher's own, else from its structured reasons
    (:func:`severity_of`), else from its reason strings (:func:`severity_from_reasons`,
    for a candidate made with strings only)."""
    if c.severity:
        return ALARM if c.severity == ALARM else POSSIBLE
    if c.why:
        return severity_of(c.dataset, c.match, c.score, c.why)
    return severity_from_reasons(c.dataset, c.match, c.score, c.reasons)


def _confirmed(c: Candidate, why: Reason) -> Candidate:
    """``c`` lifted to an alarm by what the query confirmed, with that reason."""
    return dataclasses.replace(
        c,
        severity=ALARM,
        reasons=(*c.reasons, render(why)),
        why=(*c.why, why) if c.why else (),
    )


def corroborate(
    documents: pa.Table, candidates: list[Candidate], mrz: MRZ | None
) -> list[Candidate]:
    """``candidates`` with the possible hits that the rest of the query confirms lifted
    to alarms, each with a reason saying what confirmed it:

    - a document record (one edit away, or under another issuer) whose date of
      expiry equals the MRZ's, when the MRZ's document type agrees with the record's;
    - a document number listed on a wanted person when the holder's name and date
      of birth (from the MRZ or given) match that same person as an alarm.

    Runs only when the query has hits and carries something to corroborate with.
    """
    named_alarms = {
        c.row
        for c in candidates
        if c.dataset == "persons"
        and not any(_LISTED_ON_PERSON in r for r in c.reasons)
        and candidate_severity(c) == ALARM
    }
    expiry = mrz.date_of_expiry if mrz is not None else None
    mrz_type = _MRZ_TYPES.get(mrz.document_code[:1]) if mrz is not None else None
    out = list(candidates)
    for i, c in enumerate(out):
        if candidate_severity(c) == ALARM:
            continue
        if c.dataset == "documents" and expiry is not None:
            listed_expiry = documents.column("expires_on")[c.row].as_py()
            listed_type = documents.column("document_type")[c.row].as_py()
            if listed_expiry == expiry and (mrz_type is None or mrz_type == listed_type):
                why = Reason("MRZ date of expiry", "matches", 1.0, expiry.isoformat())
                out[i] = _confirmed(c, why)
        elif c.dataset == "persons" and c.row in named_alarms:
            out[i] = _confirmed(c, Reason("holder", "matches"))
    return out


def batch_decisions(  # noqa: PLR0917 - one caller, check_many
    tables: Mapping[str, pa.Table],
    datasets: list[str],
    ds: np.ndarray,
    row: np.ndarray,
    levels: list[str],
    score: np.ndarray,
    reasons: list[tuple[str, ...]],
    told: list[str | None] | None = None,
) -> tuple[pa.Array, pa.Array]:
    """Severity and action columns for ``check_many``'s chosen candidates (one per
    element of ``ds``, ``row``, ``levels``, ``score``, ``reasons``): the same
    answers as ``check()``'s hits: ``told``, the severity a candidate's matcher
    decided (None: from its reasons), wins as in check().  Hits are rare, so this is a
    plain loop over them."""
    severities: list[str] = []
    actions: list[str] = []
    columns: dict[tuple[str, str], pa.ChunkedArray] = {}
    for i in range(len(levels)):
        name = datasets[int(ds[i])]
        r = int(row[i])
        severity = (told[i] if told is not None else None) or severity_from_reasons(
            name, levels[i], float(score[i]), reasons[i]
        )
        record: dict[str, Any] = {}
        for col in _action_columns(name):
            column = columns.get((name, col))
            if column is None:
                column = columns[(name, col)] = tables[name].column(col)
            record[col] = column[r].as_py()
        severities.append(severity)
        actions.append(action_for(name, record, severity))
    return pa.array(severities, pa.string()), pa.array(actions, pa.string())
