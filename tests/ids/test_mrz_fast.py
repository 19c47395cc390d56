"""The MRZ parser's shortcuts answer as the plain computations they replace:
the check digit summed by the three weights' positions of a byte-translated
field equals ICAO's weighted sum character by character, a field skipped
because it holds no repairable character reads as the repaired one would, and
lines as printed, split at once, are the lines the general reading makes."""

from __future__ import annotations

import datetime as dt
import re
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist._errors import InvalidQuery
from hotlist.ids import mrz

VALUES = {**{str(d): d for d in range(10)}, "<": 0}
VALUES.update({chr(ord("A") + i): 10 + i for i in range(26)})
MRZ_TEXT = st.text(st.sampled_from(sorted(VALUES)), max_size=60)


def reference_check_digit(field: str) -> str:
    """ICAO 9303: weights 7 3 1 repeated, each character's value, sum mod 10."""
    total = 0
    for i, c in enumerate(field):
        if c not in VALUES:
            raise InvalidQuery(f"{field!r} contains {c!r}: not an MRZ character")
        total += VALUES[c] * (7, 3, 1)[i % 3]
    return str(total % 10)


def _answer(f: object, field: str) -> object:
    try:
        return f(field)  # type: ignore[operator]
    except InvalidQuery as exc:
        return str(exc)


@settings(max_examples=3000, deadline=None)
@given(MRZ_TEXT | st.text(max_size=20))
def test_check_digit_is_icaos(field: str) -> None:
    assert _answer(mrz.check_digit, field) == _answer(reference_check_digit, field)


FORMATS: tuple[mrz.Format, ...] = ("TD1", "TD2", "TD3")
NUMBERS = st.text(st.sampled_from("0123456789ABCDLOSZ"), min_size=1, max_size=9)
NAMES = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=10)


@st.composite
def noisy_mrzs(draw: st.DrawFn) -> str:
    """A valid MRZ with a few characters read as others (any MRZ character)."""
    text = mrz.build(
        draw(st.sampled_from(FORMATS)),
        document_code=draw(st.sampled_from(["P", "I", "ID", "AC"])),
        issuing_country=draw(st.sampled_from(["UTO", "D", "DEU", "FRA"])),
        document_number=draw(NUMBERS),
        family_name=draw(NAMES),
        given_names=draw(NAMES),
        nationality=draw(st.sampled_from(["UTO", "D", "DEU"])),
        date_of_birth=draw(st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31))),
        sex=draw(st.sampled_from(["M", "F", "X"])),
        date_of_expiry=draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))),
    )
    chars = list(text)
    places = [i for i, c in enumerate(chars) if c != "\n"]
    for i in draw(st.lists(st.sampled_from(places), max_size=4)):
        chars[i] = draw(st.sampled_from(sorted(VALUES)))
    return "".join(chars)


@settings(max_examples=400, deadline=None)
@given(noisy_mrzs())
def test_parse_reads_as_with_every_field_repaired(text: str) -> None:
    today = dt.date(2026, 6, 1)
    fast = _answer(lambda t: mrz.parse(t, today=today), text)
    # the reference: every field goes through its repair table (no shortcut)
    always = re.compile("").search
    with (
        patch.object(mrz, "_LETTER", (mrz._LETTER[0], always)),
        patch.object(mrz, "_DIGIT", (mrz._DIGIT[0], always)),
    ):
        slow = _answer(lambda t: mrz.parse(t, today=today), text)
    assert fast == slow


@settings(max_examples=400, deadline=None)
@given(noisy_mrzs(), st.sampled_from(["padded", "lower", "spaces", "run together"]))
def test_printed_lines_split_as_the_general_reading(text: str, variant: str) -> None:
    """``_split``'s shortcut for lines as printed gives what compact() and the
    shape checks give for the same lines written otherwise (the general path)."""
    other = {
        "padded": f"  {text}\n\n",
        "lower": text.lower(),
        "spaces": "\n".join(f" {line} " for line in text.split("\n")),
        "run together": text.replace("\n", ""),
    }[variant]
    assert _answer(mrz._split, text) == _answer(mrz._split, other)
    parsed = mrz.parse(text, today=dt.date(2026, 6, 1))
    order = ["document_number", "date_of_birth", "date_of_expiry", "optional_data", "composite"]
    assert list(parsed.check_digits) == [k for k in order if k in parsed.check_digits]
