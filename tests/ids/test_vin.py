from __future__ import annotations

import pyarrow as pa
import pytest
from _ids_strategies import KEY_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.ids import vin

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def reference_check_digit(value: str) -> str:
    """49 CFR 565.15, written out the slow way."""
    letters = {
        "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
        "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
        "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
    }  # fmt: skip
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    total = 0
    for position in range(17):
        char = value[position]
        number = int(char) if char.isdigit() else letters[char]
        total = total + number * weights[position]
    remainder = total % 11
    if remainder == 10:
        return "X"
    return str(remainder)


@given(st.text(VIN_CHARS, min_size=17, max_size=17))
def test_check_digit_matches_reference(value: str) -> None:
    assert vin.check_digit(value) == reference_check_digit(value)


@pytest.mark.parametrize(
    "value",
    [
        "1M8GDM9AXKP042788",  # 49 CFR 565 example
        "1HGCM82633A004352",
        "5YJ3E1EA2KF317000",
        "11111111111111111",
    ],
)
def test_north_american_valid(value: str) -> None:
    assert vin.check_digit(value) == value[8]
    assert vin.check_digit_status(value) == "valid"
    assert vin.validate(value) == value
    assert vin.is_valid(value)


def test_north_american_wrong_digit_is_invalid() -> None:
    assert vin.check_digit_status("1M8GDM9A1KP042788") == "invalid"
    assert not vin.is_valid("1M8GDM9A1KP042788")
    with pytest.raises(InvalidQuery, match="check digit '1' where 'X' is expected"):
        vin.validate("1M8GDM9A1KP042788")


def test_european_digit_optional() -> None:
    europe = "WVWZZZ1JZXW000001"
    assert vin.check_digit(europe) != europe[8]
    assert vin.check_digit_status(europe) == "not_applicable"
    assert vin.is_valid(europe)
    right = europe[:8] + vin.check_digit(europe) + europe[9:]
    assert vin.check_digit_status(right) == "valid"


def test_repair() -> None:
    assert vin.repair("1m8gdm9axkp042788") == ("1M8GDM9AXKP042788", [])
    fixed, notes = vin.repair("1M8GDM9AXKPO4Q788")
    assert fixed == "1M8GDM9AXKP040788"
    assert notes == ["VIN position 12: 'O' read as '0'", "VIN position 14: 'Q' read as '0'"]
    assert vin.validate("IM8GDM9AXKP042788") == "1M8GDM9AXKP042788"


def test_decode() -> None:
    info = vin.decode("1M8GDM9AXKP042788")
    assert (info.wmi, info.region, info.country) == ("1M8", "North America", "USA")
    assert info.manufacturer == "Motor Coach Industries"
    assert info.model_year == 1989  # position 7 '9' is a digit: the 1980-2009 cycle
    assert info.model_year_candidates == (1989, 2019)
    assert vin.decode("5YJ3E1EA2KF317000").model_year == 2019  # position 7 'E': 2010-2039
    eu = vin.decode("WBA3A5C50CF256651")
    assert (eu.region, eu.country, eu.manufacturer, eu.model_year) == ("Europe", "DEU", "BMW", 2012)
    jp = vin.decode("JHMCM56557C404453")
    assert (jp.region, jp.country, jp.manufacturer, jp.model_year) == ("Asia", "JPN", "Honda", 2007)
    assert vin.decode("VF1AB000000000001").country == "FRA"
    assert vin.decode("ZFA22300005556777").manufacturer == "Fiat"
    unknown = vin.decode("WZZZZZZZZZZZZZZZZ")
    assert unknown.manufacturer is None and unknown.country == "DEU"
    assert vin.decode("1M8GDM9AXKPO42788").notes == ["VIN position 12: 'O' read as '0'"]


def test_chassis_numbers() -> None:
    assert vin.validate("ab 12345") == "AB12345"
    assert vin.kind("AB12345") == "chassis"
    assert vin.kind("1M8GDM9AXKP042788") == "vin"
    assert vin.check_digit_status("AB12345") == "not_applicable"
    info = vin.decode("OQI12345")  # old chassis numbers keep I, O, Q
    assert (info.kind, info.vin, info.wmi) == ("chassis", "OQI12345", None)
    assert vin.format("AB12345") == "AB12345"


@pytest.mark.parametrize(
    "value", ["", "1234", "1M8GDM9AXKP0427888", "1M8GDM9AXKP04278#", "X" * 300]
)
def test_invalid(value: str) -> None:
    with pytest.raises(InvalidQuery):
        vin.validate(value)
    assert not vin.is_valid(value)


def test_check_digit_needs_seventeen() -> None:
    with pytest.raises(InvalidQuery, match="17 characters"):
        vin.check_digit("AB12345")


def test_format() -> None:
    assert vin.format("1m8gdm9axkp042788") == "1M8 GDM9AX KP 042788"


@given(KEY_TEXT)
def test_keys_idempotent(value: str) -> None:
    c, k = vin.compact(value), vin.ocr_key(value)
    assert vin.compact(c) == c
    assert vin.ocr_key(k) == k
    assert vin.ocr_key(c) == k
    assert not set(k) & set("IOQioq")


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), KEY_TEXT), max_size=20))
def test_array_twins_equal_scalars(values: list[str | None]) -> None:
    arr = pa.array(values, type=pa.string())
    assert vin.compact_array(arr).to_pylist() == [
        None if v is None else vin.compact(v) for v in values
    ]
    assert vin.ocr_key_array(arr).to_pylist() == [
        None if v is None else vin.ocr_key(v) for v in values
    ]


def test_ocr_key_only_i_o_q() -> None:
    assert vin.ocr_key("1M8GDM9AXKP042788") == "1M8GDM9AXKP042788"  # B, S, G... untouched
    assert vin.ocr_key("iM8GDM9AXKPO4Q788") == "1M8GDM9AXKP040788"
