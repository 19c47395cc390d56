"""fields.clean's control-character test (one regex search) equals the
per-character reference it replaced (``unicodedata.category(ch) == "Cc"``, CR and
LF allowed in a field of several lines): the same values refused, with the same
character and position in the message, and the same values accepted."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.fields import clean, field

CONTROLS = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc")


def _reference(name: str, value: str) -> str | None:
    """The message the per-character test raised for ``value`` (None: none)."""
    multiline = field(name).multiline
    for i, ch in enumerate(value):
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\r\n"):
            return (
                f"{name} contains a control character (U+{ord(ch):04X}) at position {i + 1}; "
                "send the value as it is printed on the document"
            )
    return None


TEXT = st.text(
    st.sampled_from(CONTROLS) | st.characters() | st.sampled_from("\r\n\u2028\u200b\xad<A1 "),
    max_size=40,
)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["mrz", "name", "document", "plate"]), TEXT)
def test_control_characters_as_the_per_character_reference(name: str, value: str) -> None:
    want = _reference(name, value)
    try:
        clean(name, value)
    except InvalidQuery as e:
        if want is not None:
            assert str(e) == want
        else:  # refused for another reason (blank, too long): not a control character
            assert "control character" not in str(e)
    else:
        assert want is None


def test_the_control_set_is_unicodes() -> None:
    assert len(CONTROLS) == 65
    assert field("mrz").multiline and not field("name").multiline
    with pytest.raises(InvalidQuery, match=r"U\+000A\) at position 3"):
        clean("name", "AB\nC")
    assert clean("mrz", "P<UTO\r\nL898") == "P<UTO\r\nL898"
