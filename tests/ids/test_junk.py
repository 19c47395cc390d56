"""Junk in: every validator and parser raises nothing but InvalidQuery, quickly."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.ids import country, docnum, mrz, plate, vin

RAISING: list[Callable[[str], Any]] = [
    country.normalize,
    country.validate,
    country.name,
    country.format,
    docnum.validate,
    docnum.format,
    vin.validate,
    vin.check_digit,
    vin.decode,
    vin.kind,
    vin.format,
    plate.validate,
    plate.format,
    mrz.parse,
    mrz.validate,
    mrz.format,
    mrz.check_digit,
]
NEVER_RAISING: list[Callable[[str], Any]] = [
    country.lookup,
    country.is_valid,
    country.compact,
    docnum.is_valid,
    docnum.compact,
    docnum.ocr_key,
    vin.is_valid,
    vin.compact,
    vin.ocr_key,
    vin.repair,
    vin.check_digit_status,
    plate.is_valid,
    plate.compact,
    plate.ocr_key,
    mrz.is_valid,
    mrz.compact,
    lambda p: plate.matches_format(p, "FRA"),
    lambda c: plate.matches_format("AB-123-CD", c),
]

JUNK = st.one_of(
    st.text(max_size=120),
    st.text(st.sampled_from("<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\n "), max_size=100),
    st.sampled_from(["", " ", "\x00", "<" * 88, "\n\n\n", "\ufeff", "𝐋898902𝐂3", "İ", "ß" * 30]),
)


@settings(max_examples=60)
@pytest.mark.parametrize("func", RAISING, ids=lambda f: f"{f.__module__}.{f.__name__}")
@given(value=JUNK)
def test_raises_only_invalid_query(func: Callable[[str], Any], value: str) -> None:
    with contextlib.suppress(InvalidQuery):
        func(value)


@settings(max_examples=60)
@pytest.mark.parametrize("func", NEVER_RAISING, ids=range(len(NEVER_RAISING)))
@given(value=JUNK)
def test_never_raises(func: Callable[[str], Any], value: str) -> None:
    func(value)


@pytest.mark.parametrize("func", RAISING, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_huge_input(func: Callable[[str], Any]) -> None:
    with contextlib.suppress(InvalidQuery):
        func("A<1 " * 1_250_000)
