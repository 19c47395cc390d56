from __future__ import annotations

import pyarrow as pa
import pytest
from _ids_strategies import KEY_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.ids import plate


@pytest.mark.parametrize(
    ("raw", "compact"),
    [
        ("AB-123-CD", "AB123CD"),
        ("ab 123 cd", "AB123CD"),
        ("F-AB-123-CD", "AB123CD"),  # France + SIV plate
        ("F AB-123-CD", "AB123CD"),
        ("F-AB 123", "FAB123"),  # Frankfurt: F is the district
        ("FAB123CD", "FAB123CD"),  # no separator: never stripped
        ("D M-AB 123", "MAB123"),  # Germany + Munich
        ("D-AB 1234", "DAB1234"),  # Düsseldorf
        ("M-AB 1234E", "MAB1234E"),
        ("GB AB12 CDE", "AB12CDE"),
        ("UK AB12 CDE", "AB12CDE"),
        ("NL 12-ABC-3", "12ABC3"),
        ("I AB 123 CD", "AB123CD"),
        ("E 1234 BCD", "1234BCD"),
        ("PL WA 12345", "WA12345"),
        ("CH ZH 123456", "ZH123456"),
        ("B 1-ABC-123", "1ABC123"),
        ("P AA-00-AA", "AA00AA"),
        ("A W 12345", "AW12345"),  # Austria: no format known, never stripped
        ("USA ABC 1234", "USAABC1234"),
    ],
)
def test_compact_table(raw: str, compact: str) -> None:
    assert plate.compact(raw) == compact
    assert plate.validate(raw) == compact
    assert plate.compact_array(pa.array([raw])).to_pylist() == [compact]


def test_ocr_key() -> None:
    assert plate.ocr_key("AB-123-CD") == plate.ocr_key("A8-I23-C0") == "A8123C0"
    assert plate.ocr_key("F-AB-123-CD") == "A8123C0"
    assert plate.ocr_key("GS 25") == "6525"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("AB-123-CD", "FRA", True),
        ("AB123CD", "F", True),
        ("123 ABC 75", "France", True),
        ("ABC-123", "FRA", False),
        ("M-AB 1234", "DEU", True),
        ("MAB1234", "D", True),
        ("M-AB 12345", "DEU", False),
        ("AB12 CDE", "GBR", True),
        ("A123 BCD", "GBR", True),
        ("12-AB-34", "NLD", True),
        ("XX-99-99", "NLD", True),
        ("99-XXX-9", "NLD", True),
        ("ABC-DEF", "NLD", False),
        ("AB 123 CD", "ITA", True),
        ("1234 BCD", "ESP", True),
        ("1234 ABC", "ESP", False),  # vowels are not used
        ("WA 12345", "POL", True),
        ("1-ABC-123", "BEL", True),
        ("ZH 123456", "CHE", True),
        ("XX 123", "CHE", False),
        ("AA-00-AA", "PRT", True),
        ("ABC 1234", "USA", None),
        ("ABC 1234", "Narnia", None),
    ],
)
def test_matches_format(raw: str, country: str, expected: bool | None) -> None:
    assert plate.matches_format(raw, country) is expected


@pytest.mark.parametrize("raw", ["", " - ", "AB#12", "A" * 13, "ÄB 12", "A" * 5000])
def test_invalid(raw: str) -> None:
    with pytest.raises(InvalidQuery):
        plate.validate(raw)
    assert not plate.is_valid(raw)


def test_format() -> None:
    assert plate.format("ab-123-cd") == "AB123CD"


PLATE_TEXT = st.one_of(
    KEY_TEXT,
    st.builds(
        lambda sign, sep, rest: sign + sep + rest,
        st.sampled_from([*plate.SIGNS, "A", "USA", "f", "d"]),
        st.sampled_from([" ", "-", ".", " - ", "/", "\u00a0", ""]),
        st.from_regex(r"[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,4}[ -]?[A-Z0-9]{0,3}", fullmatch=True),
    ),
)


@given(PLATE_TEXT)
def test_keys_idempotent(value: str) -> None:
    c, k = plate.compact(value), plate.ocr_key(value)
    assert plate.compact(c) == c
    assert plate.ocr_key(k) == k
    assert plate.ocr_key(c) == k


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), PLATE_TEXT), max_size=20))
def test_array_twins_equal_scalars(values: list[str | None]) -> None:
    arr = pa.array(values, type=pa.string())
    assert plate.compact_array(arr).to_pylist() == [
        None if v is None else plate.compact(v) for v in values
    ]
    assert plate.ocr_key_array(arr).to_pylist() == [
        None if v is None else plate.ocr_key(v) for v in values
    ]
    chunked = pa.chunked_array([arr, arr], type=pa.string())
    assert plate.ocr_key_array(chunked).to_pylist() == plate.ocr_key_array(arr).to_pylist() * 2
