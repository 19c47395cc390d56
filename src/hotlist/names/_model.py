"""The person scoring model: Fellegi-Sunter comparison levels (their weights are
``hotlist.scoring.SCORING.persons``; this module says what they mean).

How a listed person is scored against a query
=============================================
Each field of the pair falls into one *comparison level*; each level has a
match probability ``m`` (how often a true match lands there: the corruption
model below) and a non-match probability ``u`` (how often two different people
land there: value frequencies).  The level adds ``log2(m / u)`` bits of
evidence (splink's "match weight"); the bits add up with a prior, and the
total becomes a match probability through the calibration::

    P(match) = 1 / (1 + 2 ** -(SLOPE * (PRIOR_BITS + sum of bits)))

The reasons of a hit are the levels with their bits, a waterfall a person reads
("family name exact: KHAN +9.1", "DOB differs -7.5").

Name fields (per part of the listed name, after the order-free token alignment
of :mod:`hotlist.names._similarity`): exact / variant (spelling or
transliteration: the variant forms equal, a phonetic key, a transliteration
rule, the variant forms one vowel apart: PYOTR / PETR, PIOTR / PETR) / loose
(a spelling variant only after a consonant edit of the variant forms: EVANS /
IVAN, RICKY / RIFKIYE, BURTON / HORTON) / near (typos, one transposition =
one edit) / initial / family_initial (an initial standing for a family name) /
joined-or-split / dropped (a listed part absent from the query; a middle
name or patronymic is its own level, dropped_middle) / extra (a
query part absent from the list) / differs (a part against another part).
``loose`` and ``family_initial`` are split off their levels because the
corruption model never lands there (0 of the 11,748 listed parts of the fit
set's true variants) while unrelated names do: scored as a spelling
variant and an initial, an initial for one part, a loose variant of another and
a date of birth agreeing in its year put unrelated persons at 0.93-0.99 (the
reviewer's R-S2 / R-S5).  Their ``m`` is an allowance for real lists' errors
(0.005 as "differs"; a family name's initial a tenth of a given name's), and a
loose variant's ``u`` adds the share of random pairs of listed parts that are
loose variants to the term frequency, as "near" does.  Transliterations
differ mostly in their vowels, so variant forms one vowel apart (a vowel
inserted, deleted or put for another) stay a spelling variant: the fit set's
true variants land there (1 part, IGINTA / GENTA: loose before), random pairs of
listed parts 15 times less often than after a consonant edit (6.5e-6 against
9.9e-5 of pairs with different phonetic keys).
``u`` of exact, variant and joined is the term frequency of the part: its
phonetic key's frequency among the listed names, smoothed towards a population
prior (a very common part, :func:`~hotlist.names._common.is_common`, is 0.3 %
of names, any other part 0.03 %) with ``TF_PSEUDO`` pseudo-names, so that in a
small list the prior speaks and in a large one the list does (splink's
term-frequency adjustment).  Particles (BIN, AL, VAN, DE...) are parts with a
small weight of their own.

Namesakes: when ``k`` listed persons carry the query's letters (in either
order of family and given names, spaces aside), at most one of them is the
traveller: every candidate gets ``-log2(k)`` bits.

DOB levels (``hotlist.names.dob_similarity``): exact / day-month swapped /
one digit off / year and month / year only / one year off / two years off /
differs / missing (no bits).  Their evidence depends on how precise the two
dates are (:func:`dob_bits`): between full dates a year off keeps the day and
month (two dates in 25,567: +8 bits), against a listed year it is one year
in 35 (-0.5 bits); a listed year the query's date falls in is +6.1 bits, not
the +1.1 of a full date's "year only" share.  1 January is a placeholder for an
unknown day and month (:func:`hotlist.names.placeholder`): such a date is
compared by its year.  Nationality: listed / not listed / missing.  Sex: same /
differs / missing.  Both are weighed *given that the names agree* (they are
only scored on candidates whose names do): namesakes mostly share a
nationality (93 % of the pairs of listed persons with the same family name on
the development list; real lists mix more, so u is 0.8) and a given name says
the sex (u 0.9).  Scored as if independent of the name (u 0.05 and 0.5), a
nationality added 4.2 bits to every namesake, the commonest cause of an
innocent's high score.

The corruption model (``m``), written down
------------------------------------------
The same model generates the development data (``benchmarks/person_devdata.py``):
per listed name part, a query carries it exactly 86 %, as a spelling or
transliteration variant 5 %, with a typo (one insertion, deletion,
substitution or adjacent transposition; OCR confusions) 5 %, as an initial
1 % (given names only), joined with or split from a neighbour 1 %, dropped 5 %, differing 0.5 %;
a middle name or patronymic (a listed given name after the first, a part
between the first and the last of a name without a comma) is dropped 30 %
(Latin passports of Russian citizens carry no patronymic).
A listed DOB arrives exact 85 %, with day and month swapped 2 %, one digit off
4 %, a year off 2 %, only the year (or year and month) 3 %, as a placeholder
01-01 1 %, and is missing on the query the rest; the DOB levels' ``m`` and
``u`` at each precision are this model against dates of birth spread over 70
years (simulated: dates drawn, corrupted as ``person_devdata`` does, levels
counted; rounded; ``m`` of "differs" is
raised to 0.02 for the errors of real lists the model does not draw).
Nationality agrees 90 %; sex 98 %.

The score and its calibration
-----------------------------
Two fits on seed 7 of the development data (20 k listed, 5,000 true variants,
12,500 innocents: ``benchmarks/quality.py --persons 20k --person-queries 5000
--innocents 12500 --seed 7`` prints both under "fit"; other seeds are held out):

* the *score* of a hit is ``probability(bits)`` with ``PRIOR_BITS`` set so that
  ``POSSIBLE`` (0.85, ``check()``'s default ``name_threshold``) sits at the
  summed bits that still report 99 % of the true variants, less the sampling
  error of that share (12.1 bits): the report point.  It is a
  probability-shaped score, not a calibrated one: the issue's rules (a
  distinctive full name with a conflicting DOB, a dropped patronymic without
  DOB, a family name with its DOB are all hits) need hits at evidence a
  calibrated probability puts far under 0.85;
* the *calibration* (:func:`calibrated`) is the logistic fit of the label on the
  summed bits of every returned pair: ``calibrated_prior_bits`` -16.7,
  ``calibrated_slope`` 0.86.  The slope under 1 says that the bits are
  over-confident by a seventh: the name parts of one locale go together (a
  Vietnamese given name is common among people named NGUYEN, rare in the whole
  list), which independent term frequencies do not see.  An alarm needs a
  calibrated probability of ``MODEL.alarm_probability`` (0.99): ``ALARM_BITS``.
"""

from __future__ import annotations

import math
from typing import Final

from hotlist.names._dob import PartialDate, placeholder
from hotlist.scoring import SCORING, Level
from hotlist.scoring import PersonWeights as PersonModel

__all__ = [
    "ALARM",
    "ALARM_BITS",
    "MODEL",
    "POSSIBLE",
    "Level",
    "PersonModel",
    "bits",
    "calibrated",
    "dob_bits",
    "probability",
]

MODEL: Final = SCORING.persons
"""The person model: ``hotlist.scoring.SCORING.persons``, where every weight above lives."""

POSSIBLE: Final = MODEL.possible
"""Least calibrated match probability reported as a person hit (the default
``name_threshold``; equal to ``hotlist.names.MATCH_THRESHOLD``)."""

ALARM_BITS: Final = MODEL.alarm_bits
"""Least summed bits for an alarm-level person hit: where the calibrated match
probability (:func:`calibrated`) reaches ``MODEL.alarm_probability`` (0.99).
An alarm also needs a date of birth consistent with the listed one (exact,
swapped, one digit off, or the listed year or year and month) and no name part
that differs."""

ALARM: Final = 1.0 / (1.0 + 2.0 ** -(MODEL.slope * (MODEL.prior_bits + ALARM_BITS)))
"""``ALARM_BITS`` as a match probability."""


# the levels a date compared by its year alone can reach (a 1 January placeholder)
_BY_YEARS = frozenset(
    {"DOB year only", "DOB one year off", "DOB two years off", "DOB one digit off", "DOB differs"}
)


def bits(m: float, u: float) -> float:
    """The evidence of one level, ``log2(m / u)``, in bits."""
    return math.log2(m / max(u, 1e-12))


def dob_bits(level: str | None, query: PartialDate | None, listed: PartialDate | None) -> float:
    """The bits of a DOB level (``hotlist.names.dob_similarity``'s reason) between
    the query's and the listed date: ``MODEL.dob`` between full dates,
    ``MODEL.dob_partial`` where the less precise date is a year and month or a
    year (fewer digits agree: weaker evidence), 0 without a level.  A query on
    1 January (a placeholder) that equals the listed date is as common as
    ``MODEL.dob_placeholder_u``.

    >>> d = PartialDate
    >>> round(dob_bits("DOB one year off", d(1980, 5, 5), d(1981, 5, 5)), 2)
    8.0
    >>> round(dob_bits("DOB one year off", d(1980, 5, 5), d(1981)), 2)
    -0.51
    >>> round(dob_bits("DOB year only", d(1980, 1, 1), d(1980, 5, 5)), 2)
    6.07
    """
    if level is None or query is None or listed is None:
        return 0.0
    lv = MODEL.dob[level]
    if query.day is None or listed.day is None:
        precision = "year_month" if query.month and listed.month else "year"
        lv = MODEL.dob_partial[precision].get(level, lv)
    elif (
        (placeholder(query) or placeholder(listed))
        and level in _BY_YEARS
        and (level != "DOB one digit off" or query.year != listed.year)
    ):
        # compared by the years alone (dob_similarity): a year's evidence
        lv = MODEL.dob_partial["year"].get(level, lv)
    u = lv.u or 1.0
    if level == "DOB exact" and query.month == 1 and query.day == 1:
        u = max(u, MODEL.dob_placeholder_u)
    return bits(lv.m, u)


def probability(total_bits: float, model: PersonModel = MODEL) -> float:
    """The calibrated match probability of summed level bits.

    >>> probability(-MODEL.prior_bits)  # evidence that just cancels the prior
    0.5
    >>> probability(-MODEL.prior_bits + 10) > 0.99
    True
    """
    x = model.slope * (model.prior_bits + total_bits)
    if x >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -x))
    e = math.pow(2.0, x)
    return e / (1.0 + e)


def calibrated(total_bits: float, model: PersonModel = MODEL) -> float:
    """The calibrated match probability of summed level bits (the logistic fit
    on the development data; the score of a hit is :func:`probability`).

    >>> round(calibrated(ALARM_BITS), 3)
    0.99
    """
    x = model.calibrated_slope * (model.calibrated_prior_bits + total_bits)
    return 1.0 / (1.0 + math.pow(2.0, -x)) if x >= 0 else 1.0 - 1.0 / (1.0 + math.pow(2.0, x))


def bits_for(p: float, model: PersonModel = MODEL) -> float:
    """The summed bits at which the probability is ``p`` (the inverse of :func:`probability`)."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1.0 - p)) / model.slope - model.prior_bits
