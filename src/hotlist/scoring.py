"""How every score is made: the one scoring model, its weights and its reasons.

Every number that decides a hit's score lives in :data:`SCORING`, a frozen
:class:`Scoring` with one part per kind; the scorers read their numbers from it
and nothing else declares a scoring constant.  Each scorer also says *why*: a
list of :class:`Reason` records ``(feature, value, contribution)`` (splink's
comparison levels, nomenklatura's feature weights), which :func:`render` turns
into the reason strings of ``Hit.reasons``.  The OCR look-alike classes those
reasons name come from :mod:`hotlist.ids.ocr`.

Documents (:class:`DocumentWeights`, ``hotlist._documents.document_score``)
    The number's level gives the base: ``exact`` 1.0 (compacted numbers equal),
    ``ocr`` 0.9 (equal once the OCR look-alikes are collapsed), ``edit`` 0.75
    (one edit away).  The issuing country multiplies it: the one asked 1.0, not
    asked 0.95, none listed 0.8, unknown on one side (XXA / XXB / XXC / XXX) 0.8,
    another 0.6; a document type asked that differs from the listed one 0.95.
    Rounded to 4 decimals.  A number listed on a wanted person (no issuer)
    scores 0.75 exact and 0.65 through the OCR look-alikes.
Vehicles (:class:`VehicleWeights`, ``hotlist._vehicles``)
    VIN: ``exact`` 1.0, ``ocr`` 0.9 (the ISO 3779 repairs), ``edit`` 0.75; the
    last 6 to 8 characters (``partial``) 0.55 + 0.05 per character over 6.
    Plate: ``exact`` 1.0, ``ocr`` 0.85, times the registration country: the one
    asked 1.0, not asked 0.9, none listed 0.8, another 0.6 (so that an OCR
    plate of another country, 0.51, stays over the default ``min_score`` 0.5).
Persons (:class:`PersonWeights`, ``hotlist.names._model``, ``hotlist._persons``)
    A Fellegi-Sunter model: each field falls into a comparison level with a
    match probability ``m`` and a non-match probability ``u``; the level adds
    ``log2(m / u)`` bits; ``u`` of the exact, variant, near and joined name
    levels is the part's term frequency (its rarity: the share of listed names
    with its phonetic key, smoothed towards a population prior of ``tf_common``
    for very common parts and ``tf_other`` for the rest with ``tf_pseudo``
    pseudo-names).  ``k`` listed namesakes give each ``-log2(k)`` bits.  The sum
    with ``prior_bits``, times ``slope``, is a probability through the logistic
    curve (the report scale; ``calibrated_*`` is the calibration, fitted on the
    development data).  The gate: a hit needs ``possible`` (0.85, ``check()``'s
    default ``name_threshold``); alarm-level evidence needs ``alarm_bits`` (a
    calibrated probability of ``alarm_probability``) with a DOB that agrees and
    no name part that differs; a person hit without the
    matcher's verdict alarms from ``alarm_score`` with a consistent DOB.  The
    levels, their ``m`` and ``u`` and the corruption model behind them are
    described in :mod:`hotlist.names._model`.
Name pairs (:class:`NameWeights`, ``hotlist.names.similarity``)
    Token scores (exact 1.0, spelling variant 0.95, attached article 0.9,
    initial 0.8, Arabic-script skeleton and pinyin / Wade-Giles 0.85, the
    other gender's form 0.5, phonetic ``0.5 + 0.5 * closeness`` up to 0.93, a
    typo ``1 - edits / length - 0.04 * edits``), token weights (name 1,
    initial 0.5, particle 0.25), and the pair rules (``token_floor``,
    ``join_floor``, ``missing_factor`` for a missing middle name, the
    one-token cap, the order penalty, ``spaced`` for names whose letters agree).
    DOB pairs (``hotlist.names.dob_similarity``): ``dob`` gives each outcome.
Holder (:class:`HolderWeights`, ``hotlist._holder.qualify_holder``)
    A wanted person found through a listed document, qualified by the holder's
    fields given without a name: an equal DOB closes ``dob_lift`` of the gap to
    1, a DOB that differs multiplies by ``dob_differs``; a listed nationality
    closes ``nationality_lift``, another takes ``nationality_differs`` off; a sex
    that differs takes ``sex_differs`` off; never under ``floor``.

A reason's ``contribution`` is the factor it multiplied the score by
(documents, vehicles), the bits it added (persons, ``in_bits``: written after
the text, ``(+9.1)``), or for the holder the weight applied (a lift closes that
share of the gap to 1, a factor multiplies, a negative number is taken off).
``listed`` and ``asked`` carry what the text shows.  The severity of a hit
(``hotlist._decisions``) is read from these records, not from their text.

To change a weight, change its default here: scorers read :data:`SCORING` (a
saved snapshot needs no rebuild; the audit log's ``matcher_version``, which
digests :data:`SCORING_TEXT`, changes with it).  A changed OCR class changes the
index keys too: rebuild snapshots from the extracts.

>>> render(Reason("document number", "ocr", 0.9))
'document number equal after OCR look-alikes (0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B)'
>>> render(Reason("issuing country", "differs", 0.6, listed="UTO", asked="DEU"))
'listed under issuing country UTO, not DEU'
>>> render(Reason("DOB", "DOB exact", 14.37, in_bits=True))
'DOB exact (+14.4)'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from types import MappingProxyType
from typing import Final

from hotlist.ids import ocr

__all__ = [
    "NAME_ROLES",
    "SCORING",
    "SCORING_TEXT",
    "SPACES_DIFFER",
    "DocumentWeights",
    "HolderWeights",
    "Level",
    "NameWeights",
    "PersonWeights",
    "Reason",
    "Scoring",
    "VehicleWeights",
    "canonical",
    "render",
    "render_all",
]


def _frozen(**kw: float) -> MappingProxyType[str, float]:
    return MappingProxyType(kw)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a score is what it is, one feature at a time.

    ``feature``: what was compared ("document number", "issuing country",
    "VIN", "plate", "family name", "DOB", ...); ``value``: how it compared (the
    comparison level: "exact", "ocr", "differs", "DOB exact", ...);
    ``contribution``: the factor it multiplied the score by, or with
    ``in_bits`` the bits of evidence it added; ``listed`` / ``asked``: the
    values the text shows."""

    feature: str
    value: str
    contribution: float = 1.0
    listed: str = ""
    asked: str = ""
    in_bits: bool = False


@dataclass(frozen=True, slots=True)
class DocumentWeights:
    """Document numbers: the level's base score and the qualifiers' factors."""

    levels: Mapping[str, float] = field(
        default_factory=lambda: _frozen(exact=1.0, ocr=0.9, edit=0.75)
    )
    # the issuing country's levels, as the reasons name them: the one asked, none
    # asked, none listed, unknown on one side (unknown_issuers), another one
    issuer: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"same": 1.0, "not given": 0.95, "not listed": 0.8, "unknown": 0.8, "differs": 0.6}
        )
    )
    type_differs: float = 0.95
    # Issuer codes that say "unknown / stateless" rather than naming a state.
    unknown_issuers: frozenset[str] = frozenset({"XXA", "XXB", "XXC", "XXX"})
    # a number listed on a wanted person carries no issuer: weaker than a record
    on_person_exact: float = 0.75
    on_person_ocr: float = 0.65
    decimals: int = 4


@dataclass(frozen=True, slots=True)
class VehicleWeights:
    """VINs (levels, partial suffixes) and plates (levels, registration country)."""

    vin_levels: Mapping[str, float] = field(
        default_factory=lambda: _frozen(exact=1.0, ocr=0.9, edit=0.75)
    )
    partial_min: int = 6
    partial_max: int = 8
    partial_base: float = 0.55
    partial_step: float = 0.05
    plate_levels: Mapping[str, float] = field(default_factory=lambda: _frozen(exact=1.0, ocr=0.85))
    # the registration country's levels: the one asked, none asked, none listed, another
    registration: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"same": 1.0, "not given": 0.9, "not listed": 0.8, "differs": 0.6}
        )
    )
    decimals: int = 4


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level: ``m`` = P(level | match), ``u`` = P(level | non-match).

    ``u`` of ``None`` means term-frequency adjusted: the caller supplies it."""

    m: float
    u: float | None
    text: str


def _levels(**kw: Level) -> MappingProxyType[str, Level]:
    return MappingProxyType(kw)


@dataclass(frozen=True, slots=True)
class PersonWeights:
    """Every weight and threshold of person matching (the levels are described in
    :mod:`hotlist.names._model`)."""

    name: MappingProxyType[str, Level] = field(
        default_factory=lambda: _levels(
            exact=Level(0.86, None, "exact"),
            variant=Level(0.05, None, "spelling variant"),
            near=Level(0.05, None, "near (typo)"),
            # a spelling variant only after a consonant edit of the variant forms (EVANS /
            # IVAN, BURTON / HORTON; one vowel apart, PYOTR / PETR, is a variant): 0 of
            # the fit set's 11,748 listed parts (the corruption model's variants keep
            # the variant form or move a vowel); m is the allowance for the
            # errors of real lists the model does not draw, as "differs"' (0.005)
            loose=Level(0.005, None, "loose spelling variant"),
            # an initial is a format choice as likely for a non-match (1 %), which then
            # agrees with the listed first letter one time in fifteen
            initial=Level(0.01, 0.01 / 15, "initial"),
            # ... of a family name: the corruption model writes none (0 of the 11,748
            # listed parts of the fit set; initials are a given-name habit); m is an
            # allowance for lists that do, a tenth of a given name's
            family_initial=Level(0.001, 0.01 / 15, "initial"),
            joined=Level(0.01, None, "joined / split"),
            dropped=Level(0.05, 0.5, "missing"),
            dropped_middle=Level(0.3, 0.5, "missing"),
            extra=Level(0.03, 0.5, "not listed"),
            differs=Level(0.005, 0.9, "differs"),
        )
    )
    particle: MappingProxyType[str, Level] = field(
        default_factory=lambda: _levels(
            agrees=Level(0.9, 0.3, "particle"),
            missing=Level(0.1, 0.4, "particle missing"),
        )
    )
    # near level: u = term frequency + this (short names one edit apart are many)
    near_u_floor: float = 0.002
    # loose level: u = term frequency + this, the share of pairs of different
    # listed name parts that are loose variants (fit set: 1,085 of 9,000,000 pairs
    # of its listed parts with different phonetic keys; /tmp notes of U3).  With
    # the variant forms one vowel apart a spelling variant again (PYOTR / PETR),
    # the loose share is 9.9e-5 (395 of 4,000,000; U6): 1.2e-4 kept, a little
    # conservative, so no loose pair scores more than it did.
    loose_u_floor: float = 1.2e-4
    # term frequency of a one-letter part (an initial against an initial)
    initial_tf: float = 1.0 / 15
    patronymic_swapped: Level = Level(0.01, 0.5, "patronymic order differs")
    # DOB levels between two full dates (and the two levels that only partial dates
    # reach: year and month, year only).  m: the corruption model of
    # hotlist.names._model; u: a random date of birth over 70 years lands there
    # (D = 365.25 * 70 days; one digit off: about 30 valid dates of a date's
    # neighbours differ in one digit, a year off or two: the same day and month).
    dob: MappingProxyType[str, Level] = field(
        default_factory=lambda: _levels(
            **{
                "DOB exact": Level(0.92, 1.0 / (365.25 * 70), "DOB exact"),
                "DOB day/month swapped": Level(0.02, 1.0 / (365.25 * 70), "DOB day/month swapped"),
                "DOB one digit off": Level(0.04, 30.0 / (365.25 * 70), "DOB one digit off"),
                "DOB year and month match": Level(0.94, 1.0 / (12 * 70), "DOB year and month"),
                "DOB year only": Level(0.96, 1.0 / 70, "DOB year only"),
                "DOB one year off": Level(0.02, 2.0 / (365.25 * 70), "DOB one year off"),
                "DOB two years off": Level(0.005, 2.0 / (365.25 * 70), "DOB two years off"),
                "DOB differs": Level(0.02, 1.0, "DOB differs"),
            }
        )
    )
    # ... the levels a partial date (the less precise of the two) reaches as well:
    # fewer digits agree, so a random date lands there more often (u), and a level
    # never carries more bits than between full dates (the bound relies on it)
    dob_partial: MappingProxyType[str, MappingProxyType[str, Level]] = field(
        default_factory=lambda: MappingProxyType(
            {
                "year_month": _levels(
                    **{
                        "DOB one digit off": Level(0.03, 0.02, "DOB one digit off"),
                        "DOB one year off": Level(0.02, 2.0 / (12 * 70), "DOB one year off"),
                        "DOB two years off": Level(0.005, 2.0 / (12 * 70), "DOB two years off"),
                        "DOB differs": Level(0.015, 0.97, "DOB differs"),
                    }
                ),
                "year": _levels(
                    **{
                        "DOB one digit off": Level(0.015, 0.15, "DOB one digit off"),
                        "DOB one year off": Level(0.02, 2.0 / 70, "DOB one year off"),
                        "DOB two years off": Level(0.005, 2.0 / 70, "DOB two years off"),
                        "DOB differs": Level(0.01, 0.77, "DOB differs"),
                    }
                ),
            }
        )
    )
    # a placeholder date (1 January) is far more common among non-matches
    dob_placeholder_u: float = 0.002
    # nationality and sex are scored on pairs whose names already agree: u is how
    # often two different people with agreeing names share them (namesakes mostly
    # share a nationality, and a given name says the sex), not two random people's
    # (0.05 and 0.5 counted the name's evidence twice: hotlist.names._model)
    nationality_listed: Level = Level(0.9, 0.8, "nationality")
    nationality_not_listed: Level = Level(0.08, 0.2, "nationality not listed")
    sex_same: Level = Level(0.98, 0.9, "sex")
    sex_differs: Level = Level(0.02, 0.1, "sex differs")
    # rarity (term frequencies): population prior, smoothed with the list
    tf_common: float = 0.003
    tf_other: float = 3e-4
    tf_pseudo: float = 20_000.0
    # the score's scale: the report point (``possible`` at the summed bits that
    # report 99 % of the true variants of person_devdata seed 7, less its sampling
    # error: the "fit" of benchmarks/quality.py --persons 20k --person-queries 5000
    # --innocents 12500 --seed 7; hotlist.names._model says why not the calibration)
    prior_bits: float = -9.6
    slope: float = 1.0
    # the calibration: the logistic fit of the label on the summed bits of every
    # returned pair, on the same seed (hotlist.names._model.calibrated)
    calibrated_prior_bits: float = -16.74
    calibrated_slope: float = 0.858
    # the gate: least probability reported (check()'s default name_threshold) ...
    possible: float = 0.85
    # ... alarm-level evidence: a calibrated match probability of at least
    # alarm_probability, with a DOB that agrees and no name part that differs;
    # alarm_bits is that probability in bits (tests/names/test_model_quality.py
    # checks that it is derived, not set) ...
    alarm_probability: float = 0.99
    alarm_bits: float = 24.47
    # ... and the least score that alarms, for a person hit that carries no verdict
    # of the matcher, when its DOB is consistent (hotlist._decisions.person_severity)
    alarm_score: float = 0.9


@dataclass(frozen=True, slots=True)
class NameWeights:
    """The name-pair similarity (``hotlist.names.similarity``) and the DOB-pair one."""

    match_threshold: float = 0.85
    # token pairs
    variant: float = 0.95
    article: float = 0.9
    initial: float = 0.8
    gendered: float = 0.5
    skeleton: float = 0.85
    roman: float = 0.85
    phonetic_base: float = 0.5
    phonetic_least_closeness: float = 0.7
    phonetic_cap: float = 0.93
    typo_per_edit: float = 0.04
    # tokens and pairs
    weight_name: float = 1.0
    weight_initial: float = 0.5
    weight_particle: float = 0.25
    token_floor: float = 0.72
    join_floor: float = 0.85
    missing_factor: float = 0.3
    one_token_cap: float = 0.6
    order_penalty: float = 0.02
    spaced: float = 0.97
    cut: float = 0.99
    dob: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                "DOB exact": 1.0,
                "DOB year and month match": 0.9,
                "DOB day/month swapped": 0.85,
                "DOB one digit off": 0.8,
                "DOB year only": 0.75,
                "DOB one year off": 0.6,
                "DOB two years off": 0.4,
                "DOB unknown": 0.0,
                "DOB differs": 0.0,
            }
        )
    )


@dataclass(frozen=True, slots=True)
class HolderWeights:
    """A wanted person found through a listed document, qualified by the holder's
    DOB, nationality and sex given without a name."""

    dob_same_from: float = 0.99  # dob_similarity at least this: the same date
    dob_differs_under: float = 0.75  # under this: another date
    dob_lift: float = 0.3
    dob_differs: float = 0.9
    nationality_lift: float = 0.1
    nationality_differs: float = 0.03
    sex_differs: float = 0.05
    floor: float = 0.5
    decimals: int = 4


@dataclass(frozen=True, slots=True)
class Scoring:
    """The whole scoring model, one part per kind."""

    documents: DocumentWeights = field(default_factory=DocumentWeights)
    vehicles: VehicleWeights = field(default_factory=VehicleWeights)
    persons: PersonWeights = field(default_factory=PersonWeights)
    names: NameWeights = field(default_factory=NameWeights)
    holder: HolderWeights = field(default_factory=HolderWeights)


SCORING: Final = Scoring()
"""The default scoring model, read by every scorer."""


def canonical(value: object) -> str:
    """A scoring configuration (or any part of one) as text that is the same in
    every process: fields in order, mappings in order, frozensets sorted.

    >>> canonical(Level(0.9, None, "x"))
    "Level(m=0.9, u=None, text='x')"
    """
    if isinstance(value, (frozenset, set)):
        return "{" + ", ".join(sorted(canonical(v) for v in value)) + "}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {canonical(v)}" for k, v in value.items()) + "}"
    if is_dataclass(value) and not isinstance(value, type):
        parts = ", ".join(f"{f.name}={canonical(getattr(value, f.name))}" for f in fields(value))
        return f"{type(value).__name__}({parts})"
    return repr(value)


SCORING_TEXT: Final = canonical(SCORING) + f" ocr={canonical(ocr.CLASSES)}"
"""The default model and the OCR classes as text: what the audit log's
``matcher_version`` digests, so that an entry says which weights decided it."""


# -- rendering -------------------------------------------------------------------------

# Each (feature, value): the text, with {listed} / {asked} / {classes} / {repairs}.
_TEXT: Final = MappingProxyType(
    {
        ("document number", "exact"): "document number exact",
        ("document number", "ocr"): "document number equal after OCR look-alikes ({classes})",
        ("document number", "edit"): "document number one edit away",
        ("document number", "letters"): "letters read as other letters ({swaps}): a different "
        "valid number is as likely; compare the document",
        ("issuing country", "not given"): "issuing country not given; listed under {listed}",
        ("issuing country", "same"): "issuing country {listed}",
        ("issuing country", "not listed"): "issuing country not listed",
        ("issuing country", "unknown"): "issuer unknown on one side ({listed} / {asked})",
        ("issuing country", "differs"): "listed under issuing country {listed}, not {asked}",
        ("document type", "differs"): "listed as {listed}, not {asked}",
        ("listed document number", "exact"): "document number {listed} is listed on this "
        "wanted person",
        ("listed document number", "ocr"): "document number {listed} is listed on this "
        "wanted person (equal after OCR look-alikes)",
        ("MRZ date of expiry", "matches"): "date of expiry {listed} on the MRZ matches the record",
        ("holder", "matches"): "the holder's name and date of birth match this person",
        ("VIN", "exact"): "VIN exact",
        ("VIN", "ocr"): "VIN equal after OCR repair ({repairs})",
        ("VIN", "edit"): "VIN one edit away",
        ("VIN", "partial"): "last {listed} characters of the VIN match",
        ("plate", "exact"): "plate exact",
        ("plate", "ocr"): "plate equal after OCR look-alikes",
        ("registration country", "not given"): "country not given; registered in {listed}",
        ("registration country", "not listed"): "registration country not listed",
        ("registration country", "same"): "registration country {listed}",
        ("registration country", "differs"): "registered in {listed}, not {asked}",
        ("alias", "listed"): "alias {listed}",
        ("evidence", "alarm"): "alarm-level evidence",
        ("namesakes", "listed"): "{listed} listed persons carry this name",
        ("nationality", "listed"): "nationality {asked}",
        ("nationality", "not listed"): "nationality {asked} not listed ({listed})",
        ("sex", "same"): "sex {asked}",
        ("sex", "differs"): "sex differs (listed {listed})",
        ("patronymic order", "differs"): "patronymic order differs",
        ("particle", "agrees"): "particle: {listed}",
        ("particle", "missing"): "particle missing: {listed}",
        ("holder nationality", "listed"): "holder: nationality {asked}",
        ("holder nationality", "not listed"): "holder: nationality {asked} not listed ({listed})",
        ("holder sex", "same"): "holder: sex {asked}",
        ("holder sex", "differs"): "holder: sex differs (listed {listed})",
    }
)
NAME_ROLES: Final = frozenset({"family name", "given name", "name"})
SPACES_DIFFER: Final = "(spaces differ)"


def _name_text(r: Reason) -> str:
    """A name part's level: ``family name exact: KHAN``, ``given name near (typo): JON / JOHN``."""
    if r.value == "extra":
        return f"name part not listed: {r.listed}"
    level = SCORING.persons.name[r.value].text
    if r.value in ("exact", "dropped", "dropped_middle"):
        spaced = f" {SPACES_DIFFER}" if r.asked == SPACES_DIFFER else ""
        return f"{r.feature} {level}: {r.listed}{spaced}"
    return f"{r.feature} {level}: {r.asked} / {r.listed}"


def render(reason: Reason) -> str:
    """The reason as ``Hit.reasons`` shows it."""
    if reason.feature in NAME_ROLES:
        text = _name_text(reason)
    elif reason.feature == "DOB":
        text = reason.value
    elif reason.feature == "holder DOB":  # the DOB level; the listed date when it differs
        text = f"holder: {reason.value}" + (f" (listed {reason.listed})" if reason.listed else "")
    else:
        template = _TEXT[(reason.feature, reason.value)]
        extra: dict[str, str] = {}
        if "{classes}" in template:
            extra["classes"] = ocr.classes_text()
        if "{repairs}" in template:
            extra["repairs"] = ocr.repairs_text()
        if "{swaps}" in template:
            extra["swaps"] = ", ".join(
                f"listed {a}, asked {b}" for a, b in zip(reason.listed, reason.asked, strict=True)
            )
        text = template.format(listed=reason.listed, asked=reason.asked, **extra)
    if reason.in_bits:
        return f"{text} ({reason.contribution:+.1f})"
    return text


def render_all(reasons: tuple[Reason, ...] | list[Reason]) -> tuple[str, ...]:
    """:func:`render` over a candidate's reasons."""
    return tuple(render(r) for r in reasons)
