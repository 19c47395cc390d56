"""Dates of birth: strict and lenient parsing, similarity levels."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.names import DOB_SCORES, PartialDate, dob_similarity, parse_dob, parse_dob_lenient

PARSE = [
    ("1974-08-12", PartialDate(1974, 8, 12)),
    ("1974-8-2", PartialDate(1974, 8, 2)),
    ("1974-08", PartialDate(1974, 8)),
    ("1974", PartialDate(1974)),
    ("19740812", PartialDate(1974, 8, 12)),
    ("197408", PartialDate(1974, 8)),
    ("1974-00-00", PartialDate(1974)),
    ("1974-08-00", PartialDate(1974, 8)),
    ("1974-XX-XX", PartialDate(1974)),
    ("12.08.1974", PartialDate(1974, 8, 12)),
    ("12/08/1974", PartialDate(1974, 8, 12)),
    ("00.00.1974", PartialDate(1974)),
    (" 2000-02-29 ", PartialDate(2000, 2, 29)),
]


@pytest.mark.parametrize(("text", "expected"), PARSE)
def test_parse(text: str, expected: PartialDate) -> None:
    assert parse_dob(text) == expected
    assert parse_dob(str(expected)) == expected


BAD = [
    ("1974-13-01", "no month 13"),
    ("1974-02-31", "February 1974 has no day 31"),
    ("1975-02-29", "February 1975 has no day 29"),
    ("1974-04-31", "April 1974 has no day 31"),
    ("1800-01-01", "before 1900"),
    ("2999-01-01", "in the future"),
    ("12/13/1974", "no month 13"),
    ("740812", "not a date"),
    ("yesterday", "not a date"),
    ("", "empty"),
]


@pytest.mark.parametrize(("text", "why"), BAD)
def test_parse_refuses(text: str, why: str) -> None:
    with pytest.raises(InvalidQuery, match=why):
        parse_dob(text)
    assert parse_dob_lenient(text) is None


def test_future_is_relative_to_today() -> None:
    assert parse_dob("2020-05-01", today=date(2021, 1, 1)) == PartialDate(2020, 5, 1)
    with pytest.raises(InvalidQuery, match="future"):
        parse_dob("2021-05", today=date(2021, 1, 1))


SIMILAR = [
    ("1974-08-12", "1974-08-12", "DOB exact"),
    ("1974-08-12", date(1974, 8, 12), "DOB exact"),
    ("1974-08-12", "1974-08", "DOB year and month match"),
    ("1974-08-12", "1974", "DOB year only"),
    ("1974", "1974", "DOB year only"),
    ("1974-08-12", "1974-12-08", "DOB day/month swapped"),
    ("1974-08-12", "1974-08-13", "DOB one digit off"),
    ("1974-08-12", "1974-03-12", "DOB one digit off"),
    ("1974-08-12", "1984-08-12", "DOB one digit off"),
    ("1974-08-12", "1975-08-12", "DOB one year off"),
    ("1979-08-12", "1980-08-12", "DOB one year off"),
    ("1974", "1975-08-12", "DOB one year off"),
    ("1979-08-12", "1981-08-12", "DOB two years off"),
    ("1974-08-12", "1974-08-25", "DOB differs"),
    ("1974-08-12", "1990-01-01", "DOB differs"),
    ("1974-08-12", None, "DOB unknown"),
    ("", "1974", "DOB unknown"),
]


@pytest.mark.parametrize(("a", "b", "reason"), SIMILAR)
def test_similarity(a: str, b: str, reason: str) -> None:
    assert dob_similarity(a, b) == (DOB_SCORES[reason], reason)
    assert dob_similarity(b, a) == (DOB_SCORES[reason], reason)


def test_levels_are_distinct() -> None:
    scores = [v for k, v in DOB_SCORES.items() if k not in ("DOB unknown", "DOB differs")]
    assert len(set(scores)) == len(scores)
    assert scores == sorted(scores, reverse=True)


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
partial = st.one_of(
    dates.map(lambda d: PartialDate(d.year, d.month, d.day)),
    dates.map(lambda d: PartialDate(d.year, d.month)),
    dates.map(lambda d: PartialDate(d.year)),
)


@given(partial, partial)
def test_symmetric(a: PartialDate, b: PartialDate) -> None:
    assert dob_similarity(a, b) == dob_similarity(b, a)
    assert parse_dob(str(a)) == a
    score, reason = dob_similarity(a, b)
    assert DOB_SCORES[reason] == score


@given(st.text())
def test_junk_in(text: str) -> None:
    with contextlib.suppress(InvalidQuery):
        parse_dob(text)
    parse_dob_lenient(text)
