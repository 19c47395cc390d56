"""Hypothesis strategies shared by the identifier tests."""

from __future__ import annotations

from hypothesis import strategies as st

# Characters that matter to the key normalisers: letters of both cases, digits,
# every separator, MRZ fillers, OCR look-alikes, and some non-ASCII.
KEY_ALPHABET = st.sampled_from(
    list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    + list(" \t\n\r\v\f\u00a0-./<")
    + ["Ä", "é", "ß", "Ж", "\u2028", "\x00", "Ｌ", "ı", "ﬁ"]
)
KEY_TEXT = st.one_of(st.text(KEY_ALPHABET, max_size=30), st.text(max_size=30))
