"""Step 0 of every key (``hotlist.ids._keys.fold``): what a listed value and a query
value are folded to, the same on both sides (issue 9 point 4)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from _ids_strategies import KEY_TEXT
from hypothesis import given

from hotlist.ids import docnum, plate, vin

SAME = [
    ("AB123456\u200b", "AB123456"),  # zero-width space
    ("\uff21\uff22\uff11\uff12\uff13\uff14\uff15\uff16", "AB123456"),  # full-width
    ("AB\u2010123\u2212456", "AB123456"),  # Unicode hyphen, minus sign
    ("AB\u3000123\u202f456", "AB123456"),  # ideographic and narrow no-break space
    ("\ufeffAB123456\u00ad", "AB123456"),  # byte-order mark, soft hyphen
]


@pytest.mark.parametrize(("listed", "plain"), SAME)
def test_folded_number_equals_the_plain_one(listed: str, plain: str) -> None:
    for module in (docnum, vin, plate):
        assert module.compact(listed) == module.compact(plain), module.__name__
        assert module.ocr_key(listed) == module.ocr_key(plain), module.__name__
        got = module.compact_array(pa.array([listed, plain, None])).to_pylist()
        assert got == [module.compact(plain)] * 2 + [None], module.__name__
    assert docnum.validate(listed) == plain


def test_what_folding_cannot_fix_is_still_refused() -> None:
    for value in ("AB#123", "É123", "АВ123"):  # the last one is Cyrillic
        assert not docnum.is_valid(value)


@given(KEY_TEXT)
def test_array_equals_scalar_on_any_text(value: str) -> None:
    for module in (docnum, vin, plate):
        arr = pa.array([value, "x" + value, None])
        assert module.compact_array(arr).to_pylist() == [
            module.compact(value),
            module.compact("x" + value),
            None,
        ]
        assert module.ocr_key_array(arr).to_pylist() == [
            module.ocr_key(value),
            module.ocr_key("x" + value),
            None,
        ]
