from __future__ import annotations

import pyarrow as pa
import pytest
from _ids_strategies import KEY_TEXT
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.ids import docnum


@pytest.mark.parametrize(
    ("raw", "compact", "key"),
    [
        ("L898902C3", "L898902C3", "1898902C3"),
        ("l898 902-c3", "L898902C3", "1898902C3"),
        ("L898902C3<<<", "L898902C3", "1898902C3"),
        ("C01X00T47", "C01X00T47", "C01X00T47"),
        ("AB.12/34", "AB1234", "A81234"),
        ("ODQ ILZ SBG", "ODQILZSBG", "000112586"),
        ("\u00a0x1\t", "X1", "X1"),
    ],
)
def test_table(raw: str, compact: str, key: str) -> None:
    assert docnum.compact(raw) == compact
    assert docnum.ocr_key(raw) == key
    assert docnum.validate(raw) == compact
    assert docnum.is_valid(raw)
    assert docnum.format(raw) == compact


def test_ocr_variants_share_a_key() -> None:
    variants = ["L898902C3", "1898902C3", "I898902C3", "L89B902C3", "L898902CE"]
    keys = {docnum.ocr_key(v) for v in variants[:4]}
    assert keys == {"1898902C3"}
    assert docnum.ocr_key(variants[4]) != "1898902C3"  # E is no OCR twin of 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        (" - . <", "empty"),
        ("L89#902", "'#'"),
        ("Ä1234", "'Ä'"),
        ("X" * 21, "21 characters"),
        ("X" * 5000, "5000 characters"),
    ],
)
def test_invalid(raw: str, message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        docnum.validate(raw)
    assert not docnum.is_valid(raw)


@given(KEY_TEXT)
def test_idempotent(value: str) -> None:
    c, k = docnum.compact(value), docnum.ocr_key(value)
    assert docnum.compact(c) == c
    assert docnum.ocr_key(k) == k
    assert docnum.ocr_key(c) == k


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), KEY_TEXT), max_size=20))
def test_array_twins_equal_scalars(values: list[str | None]) -> None:
    arr = pa.array(values, type=pa.string())
    assert docnum.compact_array(arr).to_pylist() == [
        None if v is None else docnum.compact(v) for v in values
    ]
    assert docnum.ocr_key_array(arr).to_pylist() == [
        None if v is None else docnum.ocr_key(v) for v in values
    ]


def test_array_shapes() -> None:
    values = ["l898-902 c3", None, "AB 12"]
    arr = pa.array(values)
    want = ["1898902C3", None, "A812"]
    assert docnum.ocr_key_array(arr.slice(1)).to_pylist() == want[1:]
    assert docnum.ocr_key_array(pa.chunked_array([arr, arr])).to_pylist() == want * 2
    assert docnum.ocr_key_array(arr.cast(pa.large_string())).to_pylist() == want
    assert docnum.compact_array(pa.array([], type=pa.string())).to_pylist() == []
    assert docnum.compact_array(pa.array([None, None], type=pa.string())).to_pylist() == [
        None,
        None,
    ]
