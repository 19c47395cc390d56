"""The person model's numbers that issue 11's quality work set (P3): the DOB
levels by precision, the 1 January placeholder, nationality and sex weighed
given that the names agree, and the alarm threshold derived from the calibration."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from test_dob import partial  # full, year-month and year-only dates

from hotlist.names import PartialDate, dob_similarity
from hotlist.names._dob import placeholder
from hotlist.names._model import ALARM_BITS, MODEL, bits, calibrated, dob_bits

D = PartialDate


def test_the_alarm_threshold_is_read_off_the_calibration() -> None:
    p = MODEL.alarm_probability
    derived = math.log2(p / (1 - p)) / MODEL.calibrated_slope - MODEL.calibrated_prior_bits
    assert abs(ALARM_BITS - derived) < 0.01
    assert calibrated(ALARM_BITS) == pytest.approx(p, abs=1e-4)
    # the report point is under the alarm point: every alarm is a hit
    assert -MODEL.prior_bits + math.log2(MODEL.possible / (1 - MODEL.possible)) < ALARM_BITS


def test_a_year_off_between_full_dates_is_evidence_against_a_listed_year_it_is_not() -> None:
    full = dob_bits("DOB one year off", D(1980, 5, 5), D(1981, 5, 5))
    year = dob_bits("DOB one year off", D(1980, 5, 5), D(1981))
    assert full > 7 and year < 0
    # a query in the listed year: good evidence (the year is all the list knows)
    assert dob_bits("DOB year only", D(1980, 5, 5), D(1980)) > 5
    assert dob_bits("DOB year and month match", D(1980, 5, 5), D(1980, 5)) > 9


def test_a_level_never_carries_more_bits_at_a_lower_precision() -> None:
    """The person bound counts a partial date at the full-date level's bits."""
    for precision, levels in MODEL.dob_partial.items():
        for level, lv in levels.items():
            full = MODEL.dob[level]
            assert bits(lv.m, lv.u or 1.0) <= bits(full.m, full.u or 1.0), (precision, level)


def test_first_of_january_is_compared_by_its_year() -> None:
    assert placeholder(D(1966, 1, 1)) and not placeholder(D(1966, 1))
    assert dob_similarity("1966-01-01", "1966-09-19")[1] == "DOB year only"
    assert dob_similarity("1966-01-01", "1967-09-19")[1] == "DOB one year off"
    assert dob_similarity("1966-01-01", "1966-01-01")[1] == "DOB exact"
    # the year's evidence, not a full date's
    assert dob_bits("DOB one year off", D(1966, 1, 1), D(1967, 9, 19)) < 0
    assert dob_bits("DOB year only", D(1966, 1, 1), D(1966, 9, 19)) == pytest.approx(
        dob_bits("DOB year only", D(1966), D(1966, 9, 19))
    )


def test_one_slip_over_the_digits_both_dates_know() -> None:
    assert dob_similarity("1958-11", "1953-11-12")[1] == "DOB one digit off"
    assert dob_similarity("1958", "1968-03-01")[1] == "DOB one digit off"
    assert dob_similarity("1958-11", "1953-10-12")[1] == "DOB differs"


def test_nationality_and_sex_are_weak_given_agreeing_names() -> None:
    """Namesakes mostly share a nationality and a given name says the sex: an
    agreement is worth little, a disagreement something."""
    listed = bits(MODEL.nationality_listed.m, MODEL.nationality_listed.u or 1.0)
    other = bits(MODEL.nationality_not_listed.m, MODEL.nationality_not_listed.u or 1.0)
    assert 0 < listed < 0.5 and other < -1
    same = bits(MODEL.sex_same.m, MODEL.sex_same.u or 1.0)
    differs = bits(MODEL.sex_differs.m, MODEL.sex_differs.u or 1.0)
    assert 0 < same < 0.5 and differs < -2


@given(partial, partial)
def test_dob_bits_are_symmetric_and_finite(a: PartialDate, b: PartialDate) -> None:
    level = dob_similarity(a, b)[1]
    x = dob_bits(level, a, b)
    assert math.isfinite(x)
    if not (placeholder(a) or placeholder(b)) or level != "DOB exact":
        assert x == pytest.approx(dob_bits(level, b, a))
